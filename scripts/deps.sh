#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages License Companion needs to build, run and test.
# As root it runs apt-get; otherwise it prints the exact command to run and stops.
# `scripts/deps.sh windows` installs instead the Windows cross-build and Wine test packages
# that only `make test-windows` needs, and `scripts/deps.sh dist` the packaging tools that
# only `make dist` and `make test-dist` need.
set -euo pipefail

if [[ ${1:-} == windows ]]; then
  packages=(
    # cross-compiler and linker for x86_64-pc-windows-gnu, Wine to run the .exe, makensis
    gcc-mingw-w64-x86-64 wine64 nsis
  )
elif [[ ${1:-} == dist ]]; then
  packages=(
    # .deb (dpkg-deb, dpkg-shlibdeps) and .rpm (rpmbuild), the static musl CLI, and the clean
    # Debian 12 root the packages are installed into for their tests
    dpkg-dev rpm musl-tools debootstrap debian-archive-keyring zstd file
  )
else
packages=(
  # build: Tauri 2 (WebKitGTK 4.1, GTK 3, tray), D-Bus for the keychain
  build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev
  # tests: virtual display, WebDriver, session bus, Secret Service, SSH, screenshots
  xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring keyutils
  openssh-server openssh-client xdotool x11-utils xclip imagemagick curl
  # a Simplified Chinese font, so screenshots of the Chinese window show the text
  fonts-wqy-microhei
)
# Node.js runs Bitwarden's own CLI in the real-client tests. A Node.js from elsewhere
# (e.g. NodeSource, which bundles npm) is fine; only a machine with neither gets Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "Installing ${#missing[@]} system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "License Companion needs these system packages. Install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed. Install it from https://rustup.rs, then run this again." >&2
  exit 1
fi
