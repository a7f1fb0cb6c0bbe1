#!/usr/bin/env bash
# Runs the Windows installer silently under Wine, checks the installed files and the
# installed bwlicense.exe, then uninstalls silently and checks the files are gone.
# The app window itself is not started: the WebView2 runtime does not run under Wine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
source "$repo/scripts/windows/wine-env.sh"
fresh_prefix "$repo/target/windows-test/prefix-installer"
dir="$WINEPREFIX/drive_c/Program Files/License Companion"
fail() { echo "FAIL $*" >&2; exit 1; }

"$WINE" "$repo/target/windows/license-companion-setup.exe" /S
/usr/lib/wine/wineserver -w
for file in license-companion.exe license-companion-window.exe bwlicense.exe WebView2Loader.dll uninstall.exe; do
  [[ -f $dir/$file ]] || fail "installer did not install $file"
done
[[ -f "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/License Companion.lnk" ]] ||
  fail "no Start menu shortcut"
echo "ok   installed: $(ls "$dir" | tr '\n' ' ')"

# The shim Wine 8 needs (tests/windows/processprng.c) goes beside the installed exe only
# for this run, and away again before uninstalling.
cp "$repo/target/x86_64-pc-windows-gnu/debug/bcryptprimitives.dll" "$dir/"
version=$("$WINE" "$dir/bwlicense.exe" --version | tr -d '\r')

# The installed tray program: it holds its named pipe, so a login start and a plain launch
# made while it runs hand over to it and end; the plain one has it start the window program
# (which stops at once here: no WebView2 under Wine).
log=$repo/target/windows-test/tray.log
RUST_LOG=info "$WINE" "$dir/license-companion.exe" --hidden >"$log" 2>&1 &
tray=$!
sleep 5
kill -0 "$tray" 2>/dev/null || fail "the installed tray program ended at start: $(cat "$log")"
for launch in --hidden ""; do
  timeout 30 "$WINE" "$dir/license-companion.exe" $launch >/dev/null 2>&1 ||
    fail "a second launch ($launch) did not hand over to the running tray"
done
for _ in $(seq 100); do grep -q "window process started" "$log" && break; sleep 0.1; done
grep -q "window process started" "$log" || fail "the tray did not start the window program: $(cat "$log")"
kill -0 "$tray" 2>/dev/null || fail "the tray ended: $(cat "$log")"
kill "$tray"; wait "$tray" 2>/dev/null || true
/usr/lib/wine/wineserver -k || true
echo "ok   installed tray: one per user, a second launch hands over and has it start the window"
rm "$dir/bcryptprimitives.dll"
[[ $version =~ ^bwlicense\ [0-9] ]] || fail "installed bwlicense.exe --version said: $version"
echo "ok   installed $version"

"$WINE" "$dir/uninstall.exe" /S
/usr/lib/wine/wineserver -w
[[ ! -e $dir ]] || fail "uninstaller left: $(ls "$dir")"
echo "ok   uninstalled"
