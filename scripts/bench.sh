#!/usr/bin/env bash
# `make bench`: what the app costs next to a bare Tauri 2 window (bench/bare-window: a
# window and a tray icon in one process, the window destroyed on close while the tray
# keeps running), measured in the same run on a throw-away Xvfb display. BENCH_RUNS (5)
# runs of each; each run of the app:
#   - launches the tray program, which starts the window process: exec -> the page's
#     `page ready epoch_ms=…` log line (sent once the first view is painted);
#   - 10 s later, the memory (PSS, and RSS) of every process (the tray, the window and its
#     WebKit processes), from /proc/PID/smaps_rollup;
#   - closes the window as a window manager does (WM_DELETE_WINDOW), waits
#     BENCH_IDLE_SECONDS (60) and takes the memory again and the CPU time (user + system)
#     of those seconds;
#   - clicks "Open" in the tray menu over D-Bus, as a tray host does: click -> page ready.
# The reopen comes after a minute without any WebKit process, whose libraries may have left
# the page cache meanwhile; so each run also launches the bare window once more after a
# minute in which nothing ran ("cold"), and the reopen is compared with that.
# One launch of each comes first and is not measured: it fills the session's caches.
# The bare window gets the same launch, memory, close and idle measurements. Every figure
# is printed as min / median / max; the ratios compare medians. Also prints the sizes of
# the release programs. BENCH_PROFILE=debug measures debug builds (default: release, what
# users install).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${LC_DESKTOP_SESSION:-} ]]; then
  exec scripts/with-desktop.sh "$0" "$@"
fi

profile=${BENCH_PROFILE:-release}
runs=${BENCH_RUNS:-5}
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

# ready_after LOG COUNT: waits for the COUNT-th `page ready` line of LOG; prints its epoch ms.
ready_after() {
  local log=$1 count=$2 ready=""
  for _ in $(seq 1500); do
    ready=$(sed -n 's/.*page ready.*epoch_ms=\([0-9]*\).*/\1/p' "$log" | sed -n "${count}p")
    [[ -n $ready ]] && break
    sleep 0.02
  done
  [[ -n $ready ]] || { echo "no page ready line #$count in $log" >&2; return 1; }
  echo "$ready"
}

# The visible window of the tree of $1.
window_of() {
  local pid window
  for pid in $(tree "$1"); do
    window=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | tail -1) || true
    [[ -n $window ]] && { echo "$window"; return; }
  done
}

# run_once NAME BINARY: one run; appends to the NAME.* lists in $work.
run_once() {
  local name=$1 binary=$2 log="$out/bench-$1.log" pid start ready window ticks0 ticks1 click
  : >"$log"
  start=$(now_ms)
  RUST_LOG=info "$binary" >"$log" 2>&1 &
  pid=$!
  ready=$(ready_after "$log" 1) || { stop "$pid"; exit 1; }
  echo $((ready - start)) >>"$work/$name.start"
  sleep 10
  memory "$pid" >>"$work/$name.open"
  tree "$pid" | wc -l >>"$work/$name.procs_open"

  window=$(window_of "$pid")
  [[ -n $window ]] || { echo "no window of $binary found" >&2; stop "$pid"; exit 1; }
  bench/close-window.py "$window"
  for _ in $(seq 100); do
    [[ -z $(window_of "$pid") ]] && break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null || { echo "$binary quit when its window closed" >&2; exit 1; }
  sleep 5
  ticks0=$(cpu_ticks "$pid")
  sleep "$idle_seconds"
  ticks1=$(cpu_ticks "$pid")
  memory "$pid" >>"$work/$name.idle"
  tree "$pid" | wc -l >>"$work/$name.procs_idle"
  echo $(((ticks1 - ticks0) * 1000 / $(getconf CLK_TCK))) >>"$work/$name.cpu"

  if [[ $name == app ]]; then
    click=$(bench/tray-click.py "$pid" "Open License Companion")
    ready=$(ready_after "$log" 2) || { stop "$pid"; exit 1; }
    echo $((ready - click)) >>"$work/$name.reopen"
  fi
  stop "$pid"
}

# warm_up BINARY: one launch that is not measured. The session's caches start empty (the
# shader cache of the first WebKit window of the session fills then), for both alike.
warm_up() {
  local log="$out/bench-warm-up.log" pid
  RUST_LOG=info "$1" >"$log" 2>&1 &
  pid=$!
  ready_after "$log" 1 >/dev/null || { stop "$pid"; exit 1; }
  stop "$pid"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Measuring the app ($app) and the bare window ($bare), $profile build, $runs runs each; about $((runs * (3 * idle_seconds + 55) / 60)) min." >&2
# cold_launch NAME BINARY: after BENCH_IDLE_SECONDS in which nothing ran, exec -> page ready.
cold_launch() {
  local log="$out/bench-$1-cold.log" pid start ready
  sleep "$idle_seconds"
  start=$(now_ms)
  RUST_LOG=info "$2" >"$log" 2>&1 &
  pid=$!
  ready=$(ready_after "$log" 1) || { stop "$pid"; exit 1; }
  echo $((ready - start)) >>"$work/$1.cold"
  stop "$pid"
}

warm_up "$app"
warm_up "$bare"
for ((i = 1; i <= runs; i++)); do
  run_once app "$app"
  run_once bare "$bare"
  cold_launch bare "$bare"
done

# stats FILE [COLUMN]: "min median max" of a column (default 1) of FILE.
stats() {
  awk -v c="${2:-1}" '{ print $c }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }'
}
med() { stats "$@" | awk '{ print $2 }'; }
ms3() { stats "$@" | awk '{ printf "%d / **%d** / %d ms", $1, $2, $3 }'; }
mib3() { stats "$@" | awk '{ printf "%.0f / **%.0f** / %.0f MiB", $1 / 1024, $2 / 1024, $3 / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }'; }
size() { numfmt --to=iec-i --suffix=B --format=%.1f "$(stat -c %s "$1")"; }

procs() { echo "$(med "$work/app.procs_$1") / $(med "$work/bare.procs_$1")"; }
echo
echo "| $profile build, $(nproc) cores, Xvfb; min / **median** / max of $runs | License Companion | bare Tauri 2 window | ratio of medians |"
echo "|---|---|---|---|"
echo "| launch → first view painted | $(ms3 "$work/app.start") | $(ms3 "$work/bare.start") | $(ratio "$(med "$work/app.start")" "$(med "$work/bare.start")") |"
echo "| reopen from the tray (click → first view painted), vs. the bare window's cold launch | $(ms3 "$work/app.reopen") | $(ms3 "$work/bare.cold") | $(ratio "$(med "$work/app.reopen")" "$(med "$work/bare.cold")") |"
echo "| memory 10 s after load, PSS, processes $(procs open) | $(mib3 "$work/app.open") | $(mib3 "$work/bare.open") | $(ratio "$(med "$work/app.open")" "$(med "$work/bare.open")") |"
echo "| the same, RSS | $(mib3 "$work/app.open" 2) | $(mib3 "$work/bare.open" 2) | $(ratio "$(med "$work/app.open" 2)" "$(med "$work/bare.open" 2)") |"
echo "| in the tray, window closed, ${idle_seconds} s later: PSS, processes $(procs idle) | $(mib3 "$work/app.idle") | $(mib3 "$work/bare.idle") | $(ratio "$(med "$work/app.idle")" "$(med "$work/bare.idle")") |"
echo "| the same, RSS | $(mib3 "$work/app.idle" 2) | $(mib3 "$work/bare.idle" 2) | $(ratio "$(med "$work/app.idle" 2)" "$(med "$work/bare.idle" 2)") |"
echo "| in the tray vs. the bare window open (PSS) | $(mib3 "$work/app.idle") | $(mib3 "$work/bare.open") | $(awk -v a="$(med "$work/app.idle")" -v b="$(med "$work/bare.open")" 'BEGIN { printf "%.0f %%", 100 * a / b }') |"
echo "| CPU time over those ${idle_seconds} s (user + system) | $(ms3 "$work/app.cpu") | $(ms3 "$work/bare.cpu") | |"
echo "| program size: tray / window / bare window | $(size "$app") / $(size "target/$profile/license-companion-window") | $(size "$bare") | |"
