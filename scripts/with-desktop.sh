#!/usr/bin/env bash
# Runs a command inside a throw-away desktop session: its own Xvfb display, a D-Bus
# session bus and an unlocked gnome-keyring (Secret Service). Everything started here is
# stopped on exit, and the app's data and keyrings go to temporary folders.
set -euo pipefail

out=${TEST_OUTPUT_DIR:-$PWD/test-output}
mkdir -p "$out"
export TEST_OUTPUT_DIR=$out

if [[ -z ${LC_DESKTOP_SESSION:-} ]]; then
  display=99
  while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
  xvfb_pid=$!
  trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
  export DISPLAY=":$display"
  for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  xdpyinfo >/dev/null 2>&1 || { echo "Xvfb did not start (see $out/xvfb.log)" >&2; exit 1; }
  status=0
  LC_DESKTOP_SESSION=1 dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi

scratch=$(mktemp -d)
export XDG_DATA_HOME=$scratch/data XDG_CONFIG_HOME=$scratch/config XDG_CACHE_HOME=$scratch/cache
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
export NO_AT_BRIDGE=1

gnome-keyring-daemon --foreground --unlock --components=secrets \
  < <(printf %s "license-companion-test") >"$out/gnome-keyring.log" 2>&1 &
keyring_pid=$!
cleanup() {
  kill "$keyring_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
for _ in $(seq 100); do
  busctl --user list --no-pager 2>/dev/null | grep -q org.freedesktop.secrets && break
  sleep 0.1
done

"$@"
