#!/usr/bin/env bash
# bench/rss_slope.sh: resident memory per like, as the slope between two storm sizes.
#
#   bash bench/rss_slope.sh                      # SMALL=400000 LARGE=1600000 likes on one post
#   SMALL=200000 LARGE=800000 bash bench/rss_slope.sh
#
# Reuses bench/run.sh's seed ($WORK/seed, $WORK/tokens.txt, at least LARGE tokens). Starts the
# server on a fresh copy of the seed with a new post, likes it with tokens [0, SMALL) (untimed,
# bench/lua/likes.lua in "fill" mode), reads the server's RSS (VmRSS) after 5 s of quiet, then
# likes with [SMALL, LARGE) and reads it again. The slope (RSS_large - RSS_small) / (LARGE - SMALL)
# is memory that grows with likes; what fills before SMALL (block cache, memtables, record caches
# up to their bounds) is not in it. Checks favourites_count = LARGE at the end.
set -euo pipefail

SMALL=${SMALL:-400000}; LARGE=${LARGE:-1600000}
WORK=${WORK:-/tmp/kindred-bench}
THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
KINDRED_BIN=${KINDRED_BIN:-$REPO/build/release/kindred}
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"
need wrk wrk
RUN="$WORK/rss-slope"
trap stop_kindred EXIT
seeded_server_with_post rss "$LARGE" "Memory per like"

rss() { awk '/^VmRSS:/{print $2 * 1024}' "/proc/$KPID/status"; }
fill() {  # fill FIRST COUNT: like with tokens [FIRST, FIRST+COUNT), untimed, until all answered
  local first=$1 count=$2 done_dir; done_dir="$RUN/done.$first"; mkdir -p "$done_dir"
  wrk -t"$THREADS" -c"$CONNS" -d3600s -s "$BENCH/lua/likes.lua" "$BASE" -- "$TOKENS" "$first" "$count" \
    "$THREADS" "$POST" fill "$done_dir" >"$RUN/fill.$first.out" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$(find "$done_dir" -type f | wc -l)" -lt "$THREADS" ]; do sleep 0.5; done
  kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}
count() { json_num "$(curl -sS "$BASE/api/v1/statuses/$POST")" favourites_count; }

R0=$(rss)
fill 0 "$SMALL"; sleep 5; R1=$(rss); C1=$(count)
fill "$SMALL" $((LARGE - SMALL)); sleep 5; R2=$(rss); C2=$(count)
[ "$C1" = "$SMALL" ] && [ "$C2" = "$LARGE" ] || { echo "counts $C1 and $C2, expected $SMALL and $LARGE" >&2; exit 1; }
awk -v r0="$R0" -v r1="$R1" -v r2="$R2" -v s="$SMALL" -v l="$LARGE" 'BEGIN {
  printf "RSS at start %.1f MiB, after %d likes %.1f MiB, after %d likes %.1f MiB\n", r0/1048576, s, r1/1048576, l, r2/1048576
  printf "slope: %.1f bytes of RSS per like between %d and %d likes\n", (r2 - r1) / (l - s), s, l }'
