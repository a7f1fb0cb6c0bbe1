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
rm "$dir/bcryptprimitives.dll"
[[ $version =~ ^bwlicense\ [0-9] ]] || fail "installed bwlicense.exe --version said: $version"
echo "ok   installed $version"

"$WINE" "$dir/uninstall.exe" /S
/usr/lib/wine/wineserver -w
[[ ! -e $dir ]] || fail "uninstaller left: $(ls "$dir")"
echo "ok   uninstalled"
