#!/usr/bin/env bash
# `make bench`: start time and resident cost of the app next to a bare Tauri 2 window
# (bench/bare-window: same tauri features, profile and close-to-tray behaviour), on a
# throw-away Xvfb display. For each binary it reports
#   - launch -> first view painted: from exec to the page's `page ready epoch_ms=…` log line
#     (the page sends it after setting body[data-ready]); median of BENCH_LAUNCHES launches;
#   - memory (PSS, and RSS in brackets) of the process and every descendant (the WebKit
#     web and network processes), from /proc/PID/smaps_rollup, 10 s after load and after
#     60 s idle in the tray with the window closed (closed as a window manager would);
#   - CPU time (user + system, all those processes) over those 60 idle seconds.
# BENCH_PROFILE=release measures release builds (default: debug, what `make run` opens).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${LC_DESKTOP_SESSION:-} ]]; then
  exec scripts/with-desktop.sh "$0" "$@"
fi

profile=${BENCH_PROFILE:-debug}
launches=${BENCH_LAUNCHES:-3}
idle_seconds=${BENCH_IDLE_SECONDS:-60}
out=${TEST_OUTPUT_DIR:-$PWD/test-output}
flag=()
[[ $profile == release ]] && flag=(--release)

build_log=$out/bench-build.log
{
  cargo build --locked --workspace --bins "${flag[@]}" &&
    cargo build --locked --manifest-path bench/bare-window/Cargo.toml --target-dir target "${flag[@]}"
} >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
app=target/$profile/license-companion
bare=target/$profile/bare-window

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh

# User + system CPU time of the tree of $1, in clock ticks.
cpu_ticks() {
  local total=0 pid fields
  for pid in $(tree "$1"); do
    fields=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a f <<<"$fields"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# Launches $1 with its log in $2; prints its pid and the ms from exec to "page ready".
launch() {
  local binary=$1 log=$2 start pid ready
  : >"$log"
  start=$(now_ms)
  RUST_LOG=info "$binary" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    ready=$(sed -n 's/.*page ready.*epoch_ms=\([0-9]*\).*/\1/p' "$log" | head -1)
    [[ -n $ready ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "$binary exited before its page was ready; see $log" >&2; exit 1; }
    sleep 0.02
  done
  [[ -n $ready ]] || { echo "$binary never reported its page ready; see $log" >&2; exit 1; }
  echo "$pid $((ready - start))"
}

# measure NAME BINARY: sets the result array for NAME.
declare -A result
measure() {
  local name=$1 binary=$2 log="$out/bench-$1.log" pid ms times=() window ticks0 ticks1
  for ((i = 1; i < launches; i++)); do
    read -r pid ms < <(launch "$binary" "$log")
    [[ -n ${ms:-} ]] || exit 1
    times+=("$ms")
    stop "$pid"
  done
  read -r pid ms < <(launch "$binary" "$log")
  [[ -n ${ms:-} ]] || exit 1
  times+=("$ms")
  result[$name.start]=$(printf '%s\n' "${times[@]}" | median)
  result[$name.starts]="${times[*]}"
  sleep 10
  result[$name.open]=$(memory "$pid")
  result[$name.procs_open]=$(tree "$pid" | wc -l)

  window=$(xdotool search --onlyvisible --pid "$pid" | tail -1)
  [[ -n $window ]] || { echo "no window of $binary found" >&2; stop "$pid"; exit 1; }
  bench/close-window.py "$window"
  for _ in $(seq 100); do
    xdotool search --onlyvisible --pid "$pid" >/dev/null 2>&1 || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null || { echo "$binary quit when its window closed" >&2; exit 1; }
  sleep 5
  ticks0=$(cpu_ticks "$pid")
  sleep "$idle_seconds"
  ticks1=$(cpu_ticks "$pid")
  result[$name.idle]=$(memory "$pid")
  result[$name.procs_idle]=$(tree "$pid" | wc -l)
  result[$name.cpu]=$(((ticks1 - ticks0) * 1000 / $(getconf CLK_TCK)))
  stop "$pid"
}

echo "Measuring the app ($app) and the bare window ($bare), $profile build; about $((2 * (launches * 4 + idle_seconds + 20))) s." >&2
measure app "$app"
measure bare "$bare"

mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }'; }
row() { # label app_value bare_value app_number bare_number
  printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ratio "$4" "$5")"
}
memory_row() {
  local label=$1 key=$2 ap ar bp br
  read -r ap ar <<<"${result[app.$key]}"
  read -r bp br <<<"${result[bare.$key]}"
  row "$label" "$(mib "$ap") ($(mib "$ar"))" "$(mib "$bp") ($(mib "$br"))" "$ap" "$bp"
}

echo
echo "| $profile build, $(nproc) cores, Xvfb | License Companion | bare Tauri 2 window | ratio |"
echo "|---|---|---|---|"
row "launch → first view painted (median of $launches: ${result[app.starts]} / ${result[bare.starts]} ms)" \
  "${result[app.start]} ms" "${result[bare.start]} ms" "${result[app.start]}" "${result[bare.start]}"
memory_row "memory 10 s after load, PSS (RSS), ${result[app.procs_open]} / ${result[bare.procs_open]} processes" open
memory_row "memory after ${idle_seconds} s in the tray, window closed, PSS (RSS), ${result[app.procs_idle]} / ${result[bare.procs_idle]} processes" idle
row "CPU time over those ${idle_seconds} s (user + system)" "${result[app.cpu]} ms" "${result[bare.cpu]} ms" \
  "${result[app.cpu]}" "${result[bare.cpu]}"
