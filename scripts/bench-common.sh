# shellcheck shell=bash
# Shell functions the benchmarks share (sourced by scripts/bench.sh and scripts/bench-fleet.sh).

now_ms() { date +%s%3N; }

# The pid and every descendant of it.
tree() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      keep[root] = 1; changed = 1
      while (changed) { changed = 0
        for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } }
      for (p in keep) print p
    }'
}

# "PSS_KiB RSS_KiB" summed over the tree of $1.
memory() {
  local pss=0 rss=0 pid
  for pid in $(tree "$1"); do
    read -r p r < <(awk '/^Pss:/ { p = $2 } /^Rss:/ { r = $2 } END { print p + 0, r + 0 }' \
      "/proc/$pid/smaps_rollup" 2>/dev/null || echo "0 0")
    pss=$((pss + p)) rss=$((rss + r))
  done
  echo "$pss $rss"
}

# Stops $1 and every descendant: TERM, then KILL after 5 s.
stop() {
  local pids
  pids=$(tree "$1")
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
