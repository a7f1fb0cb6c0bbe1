#!/usr/bin/env bash
# Packs the release build (target/release/license-companion, license-companion-window and
# bwlicense) as
#   target/dist/license-companion_VERSION_amd64.deb    (dpkg-deb)
#   target/dist/license-companion-VERSION-1.x86_64.rpm (rpmbuild)
# from one staged file tree: the three programs in /usr/bin, the desktop entry and the icon.
# The .deb's Depends come from dpkg-shlibdeps (the libraries the programs link); the
# .rpm's Requires come from rpm's ELF dependency generator (library sonames, so any rpm
# distribution resolves them). The tray speaks D-Bus itself: no tray library is needed.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
dist=target/dist
work=$dist/pack
summary="Check, download and apply self-hosted Bitwarden licenses"
description="License Companion reads a self-hosted Bitwarden installation's ID and cloud
settings, downloads organization and premium licenses from Bitwarden cloud, checks them
offline exactly as the server will, uploads them, and keeps billing sync running from the
window, the tray or the bwlicense command. Secrets stay in the desktop's Secret Service."

for binary in license-companion license-companion-window bwlicense; do
  [[ -x target/release/$binary ]] || { echo "target/release/$binary is missing: run make dist" >&2; exit 1; }
done
rm -rf "$work"
stage=$work/stage
install -Dm755 target/release/license-companion "$stage/usr/bin/license-companion"
install -Dm755 target/release/license-companion-window "$stage/usr/bin/license-companion-window"
install -Dm755 target/release/bwlicense "$stage/usr/bin/bwlicense"
install -Dm644 scripts/dist/license-companion.desktop "$stage/usr/share/applications/license-companion.desktop"
install -Dm644 icons/icon.png "$stage/usr/share/icons/hicolor/256x256/apps/license-companion.png"
install -Dm644 /dev/stdin "$stage/usr/share/doc/license-companion/copyright" <<COPYRIGHT
License Companion $version
License: MIT OR Apache-2.0
COPYRIGHT

# .deb
deb_root=$work/deb
cp -a "$stage" "$deb_root"
mkdir -p "$work/shlibs/debian" "$deb_root/DEBIAN"
echo "Source: license-companion" >"$work/shlibs/debian/control"
(cd "$work/shlibs" && dpkg-shlibdeps -O "$repo/$stage/usr/bin/license-companion" \
  "$repo/$stage/usr/bin/license-companion-window" "$repo/$stage/usr/bin/bwlicense") \
  >"$work/shlibdeps.txt" 2>"$work/shlibdeps.log" || { cat "$work/shlibdeps.log" >&2; exit 1; }
shlibs=$(sed -n 's/^shlibs:Depends=//p' "$work/shlibdeps.txt")
[[ -n $shlibs ]] || { echo "dpkg-shlibdeps found no libraries" >&2; exit 1; }
# A control file's long description: each line indented by one space.
deb_description=" ${description//$'\n'/$'\n' }"
cat >"$deb_root/DEBIAN/control" <<CONTROL
Package: license-companion
Version: $version
Architecture: amd64
Maintainer: License Companion <license-companion@example.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)
Depends: $shlibs
Recommends: gnome-keyring | keepassxc
Section: utils
Priority: optional
Homepage: https://example.invalid/license-companion
Description: $summary
$deb_description
CONTROL
deb=$dist/license-companion_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$deb_root" "$deb" >/dev/null

# .rpm
mkdir -p "$work/rpm"
cat >"$work/rpm/license-companion.spec" <<SPEC
Name: license-companion
Version: $version
Release: 1
Summary: $summary
License: MIT OR Apache-2.0
URL: https://example.invalid/license-companion
Recommends: gnome-keyring

%description
$description

%install
mkdir -p "%{buildroot}"
cp -a "$repo/$stage/." "%{buildroot}/"

%files
/usr/bin/license-companion
/usr/bin/license-companion-window
/usr/bin/bwlicense
/usr/share/applications/license-companion.desktop
/usr/share/icons/hicolor/256x256/apps/license-companion.png
%license /usr/share/doc/license-companion/copyright
SPEC
# Payload compressed with zstd level 19, as Fedora's own packages are.
rpmbuild -bb --target x86_64-linux --quiet \
  --define "_topdir $repo/$work/rpm" --define "_rpmdir $repo/$dist" \
  --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
  --define "debug_package %{nil}" --define "_build_id_links none" \
  --define "_binary_payload w19.zstdio" \
  "$work/rpm/license-companion.spec" >"$work/rpm/rpmbuild.log" 2>&1 || {
  cat "$work/rpm/rpmbuild.log" >&2
  exit 1
}
rpm=$dist/license-companion-$version-1.x86_64.rpm
[[ -f $rpm ]] || { echo "rpmbuild made no $rpm" >&2; exit 1; }
# No rpm-based system is at hand to install it into: at least its files and the libraries
# it requires must be the .deb's.
contents=$(rpm -qp --list --requires "$rpm" 2>/dev/null)
for need in "/usr/bin/license-companion" "/usr/bin/license-companion-window" "/usr/bin/bwlicense" \
  "libwebkit2gtk-4.1.so.0()(64bit)" "libgtk-3.so.0()(64bit)"; do
  grep -qxF "$need" <<<"$contents" || { echo "$rpm lacks $need" >&2; exit 1; }
done
echo "$deb"
echo "$rpm"
