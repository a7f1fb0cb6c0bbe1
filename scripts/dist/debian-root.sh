#!/usr/bin/env bash
# Makes a clean Debian 12 root with debootstrap (minbase: no desktop libraries, no X) and
# keeps it as target/dist/debian12-root.tar.zst, so later runs only unpack it. The packages
# come from the Debian mirror apt already uses here (deb.debian.org when none is set).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tarball="$repo/target/dist/debian12-root.tar.zst"
[[ -s $tarball ]] && exit 0

# The first Debian mirror (and security mirror) this machine's apt sources name for bookworm.
mirror_for() { # $1: suite
  local file files=()
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] && files+=("$file")
  done
  ((${#files[@]})) || return 0
  cat "${files[@]}" | awk -v suite="$1" '
    /^deb / && $3 == suite { print $2; exit }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) { print uri; exit } }'
}
mirror=$(mirror_for bookworm)
security=$(mirror_for bookworm-security)
mirror=${mirror:-http://deb.debian.org/debian}
security=${security:-http://deb.debian.org/debian-security}

work=$(mktemp -d "$repo/target/dist/root.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "Making a clean Debian 12 root from $mirror (debootstrap, once; cached in $tarball)"
start=$SECONDS
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
  bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  echo "debootstrap failed (full log above)" >&2
  exit 1
}
cat >"$work/root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*_Packages
tar --numeric-owner -C "$work/root" -I 'zstd -T0 -3' -cf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
echo "Debian 12 root ready in $((SECONDS - start)) s: $(du -h "$tarball" | cut -f1) $tarball"
