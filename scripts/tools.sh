#!/usr/bin/env bash
# Installs the test tools that come from crates.io into .tools/ (never into ~/.cargo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)/.tools"
if [[ ! -x $root/bin/tauri-driver ]]; then
  echo "Installing tauri-driver into $root"
  cargo install --quiet --locked tauri-driver --version '^2' --root "$root"
fi
