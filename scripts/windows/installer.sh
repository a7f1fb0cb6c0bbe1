#!/usr/bin/env bash
# Builds the Windows installer with makensis from the cross-built exes (run build.sh --app
# first): target/windows/license-companion-setup.exe.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
source_dir="$repo/target/x86_64-pc-windows-gnu/${PROFILE:-debug}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -1)
mkdir -p "$repo/target/windows"
makensis -V2 -DSOURCE="$source_dir" -DVERSION="$version" \
  -DOUTFILE="$repo/target/windows/license-companion-setup.exe" "$repo/scripts/windows/installer.nsi"
ls -l "$repo/target/windows/license-companion-setup.exe"
