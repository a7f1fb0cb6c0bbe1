#!/usr/bin/env bash
# `make dist`: builds the release binaries once and packs them in target/dist/:
#   license-companion_VERSION_amd64.deb, license-companion-VERSION-1.x86_64.rpm
#       the app and bwlicense (scripts/dist/packages.sh)
#   bwlicense-VERSION-x86_64-linux-static
#       bwlicense for x86_64-unknown-linux-musl, linked statically, for any Linux server
# then prints each file's size and the release app's start time (scripts/dist/start-time.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
scripts/deps.sh dist
rustup target list --installed | grep -qx x86_64-unknown-linux-musl ||
  rustup target add x86_64-unknown-linux-musl
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir -p target/dist

step() { # LABEL COMMAND...: runs it, its output in target/dist/LABEL.log, and says how long it took
  local label=$1 start=$SECONDS
  shift
  "$@" >"target/dist/$label.log" 2>&1 || { tail -30 "target/dist/$label.log" >&2; echo "make dist: $label failed" >&2; exit 1; }
  echo "  $label: $((SECONDS - start)) s"
}
echo "Building release bundles in target/dist/"
# custom-protocol is what a release of a Tauri app is built with: the window loads the
# compiled-in pages, never a development server.
step release-build cargo build --release --locked -p license-companion -p license-companion-window -p bwlicense \
  --features tauri/custom-protocol
step static-build cargo build --release --locked -p bwlicense --target x86_64-unknown-linux-musl
cp target/x86_64-unknown-linux-musl/release/bwlicense "target/dist/bwlicense-$version-x86_64-linux-static"
step packages scripts/dist/packages.sh

echo
echo "| file | size |"
echo "|---|---|"
for file in "target/dist/license-companion_${version}_amd64.deb" "target/dist/license-companion-$version-1.x86_64.rpm" \
  "target/dist/bwlicense-$version-x86_64-linux-static" target/release/license-companion \
  target/release/license-companion-window target/release/bwlicense; do
  printf '| %s | %s |\n' "$file" "$(numfmt --to=iec-i --suffix=B --format=%.1f "$(stat -c %s "$file")")"
done
echo
scripts/with-desktop.sh scripts/dist/start-time.sh target/release/license-companion
