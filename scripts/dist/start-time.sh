#!/usr/bin/env bash
# Prints the start time of the app binary $1: from exec to the page's `page ready` log
# line (sent once the first view is painted), median of 3 launches. Runs inside
# scripts/with-desktop.sh (display, session bus, keychain, throw-away folders).
set -euo pipefail
binary=$1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
times=()
for _ in 1 2 3; do
  start=$(date +%s%3N)
  # Its own process group, so the app and its WebKit processes end together.
  RUST_LOG=info setsid "$binary" >"$log" 2>&1 &
  pid=$!
  ready=""
  for _ in $(seq 600); do
    ready=$(sed -n 's/.*page ready.*epoch_ms=\([0-9]*\).*/\1/p' "$log" | head -1)
    [[ -n $ready ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for _ in $(seq 50); do pgrep -g "$pid" >/dev/null || break; sleep 0.1; done
  pkill -KILL -g "$pid" 2>/dev/null || true
  [[ -n $ready ]] || { cat "$log" >&2; echo "$binary never painted its first view" >&2; exit 1; }
  times+=($((ready - start)))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
echo "Release app start, launch → first view painted: $median ms (median of ${times[*]} ms)"
