#!/usr/bin/env bash
# `make bench-fleet`: FLEET_SIZE (200) self-hosted servers, all played by one fake-bitwarden
# (--self-hosted-count: one port each, one shared state), read through the fleet runner
# (core/src/fleet.rs), next to one server alone. On a throw-away desktop session it prints
#   - `bwlicense orgs --all-instances --json` (what the dashboard asks each server, without
#     the window), signed in with the test owner's personal API key: wall time for 1 and for
#     FLEET_SIZE servers (median of BENCH_RUNS runs), each server's own time (the elapsed_ms
#     of its JSON line: median and slowest), and the peak memory (max RSS, /usr/bin/time);
#     then the same against servers that answer every request BENCH_LATENCY_MS (50) late,
#     as distant servers would, with the default limit of servers at a time and with
#     --jobs BENCH_NARROW_JOBS (16);
#   - the window, with 1 and with FLEET_SIZE signed-in servers: from exec to the
#     `dashboard painted` log line (the page sends it once every row of the first check is
#     painted), median of BENCH_RUNS launches, and the memory of the app and its WebKit
#     processes (PSS and RSS, /proc/PID/smaps_rollup) at that moment.
# BENCH_PROFILE=debug measures debug builds (default: release, what users install).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${LC_DESKTOP_SESSION:-} ]]; then
  exec scripts/with-desktop.sh "$0" "$@"
fi

size=${FLEET_SIZE:-200}
runs=${BENCH_RUNS:-3}
latency=${BENCH_LATENCY_MS:-50}
narrow=${BENCH_NARROW_JOBS:-16}
profile=${BENCH_PROFILE:-release}
out=${TEST_OUTPUT_DIR:-$PWD/test-output}
bin=${CARGO_TARGET_DIR:-$PWD/target}/$profile
flag=()
[[ $profile == release ]] && flag=(--release)
# The owner's personal API key in the test server's default seed (tests/data/seeds/README.md).
owner=(BW_CLIENTID=user.50000000-0000-4000-8000-000000000001 BW_CLIENTSECRET=OwnerSelfHostedApiKeySecret012)

build_log=$out/bench-fleet-build.log
cargo build --locked --workspace --bins "${flag[@]}" >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh

work=$(mktemp -d)
servers=()
cleanup() {
  local pid
  for pid in "${servers[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_fake NAME [OPTION…]: a fake-bitwarden answering on $size self-hosted ports; its ready
# line (with self_hosted_urls) goes to $work/NAME.json.
start_fake() {
  local name=$1 pid
  shift
  "$bin/fake-bitwarden" --self-hosted-count "$size" --state-dir "$work/$name" \
    --port-file "$work/$name.json" "$@" >"$out/bench-fleet-$name.log" 2>&1 &
  pid=$!
  servers+=("$pid")
  for _ in $(seq 600); do
    [[ -s $work/$name.json ]] && return
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "fake-bitwarden did not get ready; see $out/bench-fleet-$name.log" >&2
  exit 1
}

# home SERVER N: prints a new XDG home whose settings.json lists the first N ports of SERVER.
home() {
  local dir=$work/home-$1-$2
  mkdir -p "$dir/config/license-companion" "$dir/data"
  python3 - "$work/$1.json" "$2" >"$dir/config/license-companion/settings.json" <<'EOF'
import json, sys
urls = json.load(open(sys.argv[1]))["self_hosted_urls"][: int(sys.argv[2])]
instances = [{"id": f"vault-{n:03}", "name": f"Vault {n:03}", "url": url} for n, url in enumerate(urls)]
print(json.dumps({"instances": instances}))
EOF
  echo "$dir"
}

in_home() { env "${owner[@]}" XDG_CONFIG_HOME="$1/config" XDG_DATA_HOME="$1/data" "${@:2}"; }

# cli HOME [OPTION…]: BENCH_RUNS runs of `bwlicense orgs --all-instances --json`; prints
# "wall_ms(median) server_ms(median) server_ms(slowest) max_rss_kib servers_read/servers
# cpu_ms(median)", cpu being bwlicense's own user + system time.
cli() {
  local dir=$1 start end walls=() cpus=() rss=0 r u s i
  : >"$work/lines.json"
  for ((i = 0; i < runs; i++)); do
    start=$(now_ms)
    in_home "$dir" /usr/bin/time -f "%M %U %S" -o "$work/rss" \
      "$bin/bwlicense" orgs --all-instances --json "${@:2}" >>"$work/lines.json" || true
    end=$(now_ms)
    walls+=($((end - start)))
    read -r r u s < <(tail -1 "$work/rss")
    ((r > rss)) && rss=$r
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  python3 - "$work/lines.json" "$runs" "$(printf '%s\n' "${walls[@]}" | median)" "$rss" \
    "$(printf '%s\n' "${cpus[@]}" | median)" <<'EOF'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = int(sys.argv[2])
own = sorted(l["elapsed_ms"] for l in lines)
read = sum(1 for l in lines if l["exit"] == 0) // runs
print(sys.argv[3], int(statistics.median(own)), own[-1], sys.argv[4], f"{read}/{len(lines) // runs}", sys.argv[5])
EOF
}

# sign_in HOME: keeps a session for every server of HOME's list, as `bwlicense login` keeps
# it for the app (keychain and sessions.json), one after the other (one sessions.json).
sign_in() {
  local url
  for url in $(python3 -c 'import json, sys; print(*(i["url"] for i in json.load(open(sys.argv[1]))["instances"]))' \
    "$1/config/license-companion/settings.json"); do
    in_home "$1" "$bin/bwlicense" login --server "$url" >/dev/null
  done
}

# paint HOME: launches the app on HOME; prints "ms_to_painted rows pss_kib rss_kib".
paint() {
  local dir=$1 log=$out/bench-fleet-app.log start pid line="" pss rss
  : >"$log"
  start=$(now_ms)
  XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data" RUST_LOG=info "$bin/license-companion" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 6000); do
    line=$(grep -m1 'dashboard painted' "$log" || true)
    [[ -n $line ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "the app stopped; see $log" >&2; exit 1; }
    sleep 0.02
  done
  [[ -n $line ]] || { echo "the app never painted its dashboard; see $log" >&2; exit 1; }
  read -r pss rss < <(memory "$pid")
  stop "$pid"
  echo "$(($(sed -n 's/.*epoch_ms=\([0-9]*\).*/\1/p' <<<"$line") - start))" \
    "$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' <<<"$line")" "$pss" "$rss"
}

# window HOME: BENCH_RUNS launches; prints "ms(median) rows pss_kib rss_kib" (memory of the last).
window() {
  local times=() ms rows pss rss i
  for ((i = 0; i < runs; i++)); do
    read -r ms rows pss rss < <(paint "$1")
    times+=("$ms")
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $rows $pss $rss"
}

echo "Starting $size self-hosted servers twice (one fake-bitwarden each, the second ${latency} ms late)…" >&2
start_fake near
start_fake far --latency-ms "$latency"
near_1=$(home near 1)
near_n=$(home near "$size")
far_1=$(home far 1)
far_n=$(home far "$size")

echo "bwlicense orgs --all-instances, $runs runs each…" >&2
read -r c1_wall c1_own c1_slow c1_rss c1_read c1_cpu < <(cli "$near_1")
read -r cn_wall cn_own cn_slow cn_rss cn_read cn_cpu < <(cli "$near_n")
read -r f1_wall f1_own f1_slow f1_rss f1_read f1_cpu < <(cli "$far_1")
read -r fn_wall fn_own fn_slow fn_rss fn_read fn_cpu < <(cli "$far_n")
read -r fw_wall fw_own fw_slow fw_rss fw_read fw_cpu < <(cli "$far_n" --jobs "$narrow")

echo "Signing in to $((size + 1)) servers for the window…" >&2
sign_in "$near_1"
sign_in "$near_n"
echo "The window, $runs launches each…" >&2
read -r w1_ms w1_rows w1_pss w1_rss < <(window "$near_1")
read -r wn_ms wn_rows wn_pss wn_rss < <(window "$near_n")

mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "—" }'; }

echo
echo "| $profile build, $(nproc) cores, one fake-bitwarden | 1 server | $size servers | $size vs 1 |"
echo "|---|---|---|---|"
echo "| \`bwlicense orgs --all-instances\`: wall time (median of $runs) | $c1_wall ms | $cn_wall ms | $(ratio "$cn_wall" "$c1_wall") |"
echo "| each server's own time, median / slowest | $c1_own / $c1_slow ms | $cn_own / $cn_slow ms | slowest $(ratio "$cn_slow" "$c1_slow") |"
echo "| the same, every answer ${latency} ms late: wall time | $f1_wall ms | $fn_wall ms | $(ratio "$fn_wall" "$f1_wall") |"
echo "| each server's own time, median / slowest | $f1_own / $f1_slow ms | $fn_own / $fn_slow ms | slowest $(ratio "$fn_slow" "$f1_slow") |"
echo "| the same, \`--jobs $narrow\`: wall time | | $fw_wall ms | $(ratio "$fw_wall" "$f1_wall") |"
echo "| each server's own time, median / slowest | | $fw_own / $fw_slow ms | slowest $(ratio "$fw_slow" "$f1_slow") |"
echo "| CPU time of bwlicense, user + system (near / late / late, --jobs $narrow) | $c1_cpu / $f1_cpu ms | $cn_cpu / $fn_cpu / $fw_cpu ms | |"
echo "| servers read (near / late / late, --jobs $narrow) | $c1_read / $f1_read | $cn_read / $fn_read / $fw_read | |"
echo "| peak memory of bwlicense (max RSS; near / late / late, --jobs $narrow) | $(mib "$c1_rss") / $(mib "$f1_rss") | $(mib "$cn_rss") / $(mib "$fn_rss") / $(mib "$fw_rss") | |"
echo "| window: launch → every row painted (median of $runs) | $w1_ms ms ($w1_rows rows) | $wn_ms ms ($wn_rows rows) | $(ratio "$wn_ms" "$w1_ms") |"
echo "| window: memory then, PSS (RSS), app and WebKit processes | $(mib "$w1_pss") ($(mib "$w1_rss")) | $(mib "$wn_pss") ($(mib "$wn_rss")) | |"
echo
echo "$size servers took $(ratio "$cn_wall" "$c1_wall") the time of one server alone and $(ratio "$cn_wall" "$cn_slow") their slowest server's own time; with every answer ${latency} ms late $(ratio "$fn_wall" "$f1_wall") and $(ratio "$fn_wall" "$fn_slow") (goal: 2×), and $(ratio "$fw_wall" "$f1_wall") and $(ratio "$fw_wall" "$fw_slow") with --jobs $narrow."
