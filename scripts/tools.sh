#!/usr/bin/env bash
# Installs the test tools into .tools/ (never into ~/.cargo or the global npm folder):
# tauri-driver from crates.io, Bitwarden's own command-line client `bw` from the npm
# registry, pinned with its whole dependency tree by scripts/bw-cli/package-lock.json, and
# the TypeScript compiler that checks the page (scripts/typescript/package-lock.json).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)/.tools"
if [[ ! -x $root/bin/tauri-driver ]]; then
  echo "Installing tauri-driver into $root"
  cargo install --quiet --locked tauri-driver --version '^2' --root "$root"
fi

# `bw` for the real-client suite (cli/tests/real_client.rs); reinstalled when the pin moves.
bw_dir=$root/bw-cli
if [[ ! -x $bw_dir/node_modules/.bin/bw ]] ||
  ! cmp -s "$here/bw-cli/package-lock.json" "$bw_dir/package-lock.json"; then
  if ! command -v npm >/dev/null; then
    echo "npm is not installed; run scripts/deps.sh (make deps) first." >&2
    exit 1
  fi
  echo "Installing Bitwarden's CLI (bw) into $bw_dir"
  mkdir -p "$bw_dir"
  cp "$here/bw-cli/package.json" "$here/bw-cli/package-lock.json" "$bw_dir/"
  (cd "$bw_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
# `tsc` for `make lint`: the page against the commands' generated types (src-tauri/ipc.d.ts).
ts_dir=$root/typescript
if [[ ! -x $ts_dir/node_modules/.bin/tsc ]] ||
  ! cmp -s "$here/typescript/package-lock.json" "$ts_dir/package-lock.json"; then
  echo "Installing the TypeScript compiler into $ts_dir"
  mkdir -p "$ts_dir"
  cp "$here/typescript/package.json" "$here/typescript/package-lock.json" "$ts_dir/"
  (cd "$ts_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$root/bin"
ln -sfn ../bw-cli/node_modules/.bin/bw "$root/bin/bw"
ln -sfn ../typescript/node_modules/.bin/tsc "$root/bin/tsc"
