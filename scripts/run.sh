#!/usr/bin/env bash
# Opens the app built by `make build`.
set -euo pipefail
app=target/debug/license-companion
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  echo "No display found (\$DISPLAY is not set), so the window cannot open." >&2
  echo "Run it on a virtual display instead:" >&2
  echo "  xvfb-run -a dbus-run-session -- $app" >&2
  exit 1
fi
exec "$app"
