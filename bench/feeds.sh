#!/usr/bin/env bash
# bench/feeds.sh: home feeds and fan-out (bench/feed_bench.cpp), RUNS times; prints each run's table
# and the medians of the two ratios the feeds issue states its targets in:
#   post 1M/10:   median POST /api/v1/statuses latency, 1,000,000-follower author / 10-follower author (<= 1.5)
#   home/status:  median GET /api/v1/timelines/home (limit 20, following 1,000 accounts, 10 large)
#                 / median GET /api/v1/statuses/:id, same reader, same run (<= 2.0)
#
#   cmake --build build/release --target feed_bench && bash bench/feeds.sh
#   RUNS=3 bash bench/feeds.sh
#   FEED_ARGS="--big-followers 30000 --follows 100 --large 3" bash bench/feeds.sh   # a quick check
#
# Each run seeds a fresh data dir in $WORK/feeds (about 20 s for 1M followers) and removes it after.
# Output: stdout, and $WORK/feeds-results.md. Exit status 1 when a run failed a check.
set -euo pipefail

RUNS=${RUNS:-1}
WORK=${WORK:-/tmp/kindred-bench}
FEED_BENCH_BIN=${FEED_BENCH_BIN:-build/release/bench/feed_bench}   # relative to the repository root
FEED_ARGS=${FEED_ARGS:-}                                           # extra feed_bench options (--help)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$FEED_BENCH_BIN" in /*) ;; *) FEED_BENCH_BIN="$REPO/$FEED_BENCH_BIN";; esac
[ -x "$FEED_BENCH_BIN" ] ||
  { echo "no $FEED_BENCH_BIN (cmake --build build/release --target feed_bench)" >&2; exit 1; }
mkdir -p "$WORK"
OUT="$WORK/feeds-results.md"
RUNDIR="$WORK/feeds-run"
rm -rf "$RUNDIR"; mkdir -p "$RUNDIR"

commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)
{
  echo "Kindred home feeds and fan-out, $(date -u +%FT%TZ): commit $commit$dirty, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "feed_bench $FEED_ARGS; $RUNS run(s)"
} | tee "$OUT"

rc=0
for r in $(seq 1 "$RUNS"); do
  echo >&2 "feeds.sh: run $r of $RUNS"
  # shellcheck disable=SC2086  # FEED_ARGS is a list of options
  if ! "$FEED_BENCH_BIN" --data-dir "$WORK/feeds" $FEED_ARGS >"$RUNDIR/run-$r.txt" 2>"$RUNDIR/run-$r.log"; then
    tail -n 5 "$RUNDIR/run-$r.log" >&2
    echo "run $r FAILED (log: $RUNDIR/run-$r.log)" | tee -a "$OUT"
    rc=1
    continue
  fi
  { echo; echo "run $r:"; echo; grep -v '^result ' "$RUNDIR/run-$r.txt"; } | tee -a "$OUT"
done

# Medians over runs of each ratio (the "result" lines).
med() { grep -h '^result ' "$RUNDIR"/run-*.txt 2>/dev/null | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -g |
        awk '{v[NR]=$1} END {if (NR==0) print "NA"; else if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN{ if (v == "NA") print "n/a"; else print (v <= t ? "met" : "NOT met") }'; }
P=$(med post_ratio); H=$(med home_status_ratio)
{
  echo
  echo "medians over runs: post big/small = $P (target <= 1.5: $(verdict "$P" 1.5)); home/status = $H (target <= 2.0: $(verdict "$H" 2.0))"
} | tee -a "$OUT"
exit "$rc"
