#!/usr/bin/env bash
# Cross-builds bwlicense.exe (and, with --app, the tray and window programs) for x86_64-pc-windows-gnu,
# and the test-only ProcessPrng shim DLL that Wine 8 needs beside the exe.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
scripts/deps.sh windows
rustup target list --installed | grep -qx x86_64-pc-windows-gnu ||
  rustup target add x86_64-pc-windows-gnu
packages=(-p bwlicense)
[[ ${1:-} == --app ]] && packages+=(-p license-companion -p license-companion-window)
cargo build --target x86_64-pc-windows-gnu "${packages[@]}"
cargo build -p companion-tests --bin fake-bitwarden
out=target/x86_64-pc-windows-gnu/debug
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" tests/windows/processprng.c
