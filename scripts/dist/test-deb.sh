#!/usr/bin/env bash
# Installs the .deb from `make dist` into a clean Debian 12 root (debootstrap minbase) with
# `apt-get install --no-install-recommends`, so its Depends alone must bring every library
# the app needs, then checks inside the root (chroot) what a user would see:
#   - the installed app, started on an Xvfb display shared with the root, maps its window
#     "License Companion" and paints its first view;
#   - the installed `bwlicense --version` and `bwlicense inspect` of a license.
set -euo pipefail
# shellcheck source=scripts/dist/chroot.sh
source "$(dirname "$0")/chroot.sh"
enter_namespace "$@"
cd "$repo"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb=target/dist/license-companion_${version}_amd64.deb
[[ -f $deb ]] || { echo "$deb is missing: run make dist" >&2; exit 1; }
out=${TEST_OUTPUT_DIR:-$repo/test-output}/dist-deb
rm -rf "$out" && mkdir -p "$out"
fail() { echo "FAIL $*" >&2; exit 1; }

start=$SECONDS
new_root "$repo/target/dist/root-deb"
cp "$deb" "$root/tmp/"
apt_in_root --no-install-recommends "/tmp/$(basename "$deb")" >"$out/apt.log" 2>&1 ||
  { tail -20 "$out/apt.log" >&2; fail "apt-get install of $deb (log: $out/apt.log)"; }
echo "ok   apt-get install ./$(basename "$deb") into a clean Debian 12 root ($((SECONDS - start)) s)"
for file in /usr/bin/license-companion /usr/bin/license-companion-window /usr/bin/bwlicense /usr/share/applications/license-companion.desktop \
  /usr/share/icons/hicolor/256x256/apps/license-companion.png; do
  [[ -f $root$file ]] || fail "the package did not install $file"
done

version_line=$(in_root bwlicense --version)
[[ $version_line == "bwlicense $version"* ]] || fail "bwlicense --version said: $version_line"
echo "ok   installed $version_line"

cp tests/data/upstream/organization_license_fixture_version12_licversion11.json "$root/root/license.json"
code=0
in_root bwlicense inspect /root/license.json >"$out/inspect.txt" 2>&1 || code=$?
# An expired, unsigned upstream sample: refused (exit 1) with the server's reasons.
if [[ $code -ne 1 ]] || ! grep -q "78900000-0000-0000-0000-000000000123" "$out/inspect.txt" ||
  ! grep -q "The license has expired" "$out/inspect.txt" || ! grep -q "Signature: missing" "$out/inspect.txt"; then
  cat "$out/inspect.txt" >&2
  fail "installed bwlicense inspect (exit $code)"
fi
echo "ok   installed bwlicense inspect reports the license and refuses it (exit 1)"

# The app on a display of the host's Xvfb, reached from the root through its abstract socket.
display=120
while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
cleanup() {
  kill "$xvfb" 2>/dev/null || true
  remove_root
}
trap cleanup EXIT
export DISPLAY=:$display
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
: >"$out/app.log"
in_root DISPLAY=":$display" RUST_LOG=info NO_AT_BRIDGE=1 license-companion >"$out/app.log" 2>&1 &
app=$!
ready=""
for _ in $(seq 600); do
  grep -q "page ready" "$out/app.log" && ready=1 && break
  kill -0 "$app" 2>/dev/null || break
  sleep 0.1
done
[[ -n $ready ]] || { tail -20 "$out/app.log" >&2; fail "the installed app did not paint its first view (log: $out/app.log)"; }
xwininfo -root -tree >"$out/windows.txt"
windows=$(awk '/"License Companion"/ { print $1 }' "$out/windows.txt")
[[ -n $windows ]] || fail "no window named License Companion on the display (see $out/windows.txt)"
mapped=""
for window in $windows; do
  xwininfo -id "$window" | grep -q "Map State: IsViewable" && mapped=$window
done
[[ -n $mapped ]] || fail "no License Companion window is mapped (see $out/windows.txt)"
# What the person sees: the window shows the page (text and controls in many colours, not a
# blank surface), screenshot once it has stopped changing (here, with no Secret Service in
# the root, the dashboard with the keychain's advice above it).
colours=0 same=0 last=""
for _ in $(seq 60); do
  sleep 0.5
  import -window "$mapped" "$out/window.png" 2>/dev/null || continue
  read -r colours signature < <(identify -format '%k %#\n' "$out/window.png")
  if [[ $signature == "$last" ]]; then same=$((same + 1)); else same=0 last=$signature; fi
  ((colours > 50 && same >= 4)) && break
done
((colours > 50)) || fail "the window stayed blank ($colours colours; see $out/window.png)"
((same >= 4)) || fail "the window kept changing for 30 s (see $out/window.png)"
echo "ok   installed app: window \"License Companion\" mapped, its first view painted ($out/window.png)"
# The tray quits as "Quit" does: it ends its window first, within seconds.
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
echo "The .deb in a clean Debian 12 root: all checks passed ($((SECONDS - start)) s)"
