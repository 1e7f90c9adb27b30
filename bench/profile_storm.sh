#!/usr/bin/env bash
# bench/profile_storm.sh: a perf profile (call graphs) of the server during a like or read storm.
#
#   bash bench/profile_storm.sh like /tmp/like.data     # then: perf report -i /tmp/like.data
#   bash bench/profile_storm.sh read /tmp/read.data
#   bash bench/profile_storm.sh mixed /tmp/mixed.data
#   KINDRED_BIN=/tmp/ref/build/release/kindred bash bench/profile_storm.sh like /tmp/ref-like.data
#
# Reuses bench/run.sh's seed ($WORK/seed, $WORK/tokens.txt; run bench/run.sh once first). Starts
# the server on a fresh copy of the seed with a new post; "like": a 10 s like storm (every like a
# token no other request used, from line START of the token file); "read": 4 s of likes first,
# then a 10 s read storm by 100,000 viewers, half of whom liked the post; "mixed": 4 s of likes and
# 80 replies by as many accounts, then 10 s of run.sh's mixed workload (lua/mixed.lua) by the same
# 100,000 viewers, its likes by tokens no other request used. perf records the server
# alone (-F 999, --call-graph dwarf) for 5 s from the storm's second second. Prints wrk's rate.
# wrk runs -t$THREADS -c$CONNS (default 2 and 64, as the other scripts).
set -euo pipefail

MODE=${1:?like|read|mixed}; OUT=${2:?perf output file}
WORK=${WORK:-/tmp/kindred-bench}
START=${START:-400000}
THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
KINDRED_BIN=${KINDRED_BIN:-$REPO/build/release/kindred}
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"
need wrk wrk
need perf linux-perf
RUN="$WORK/profile"
trap stop_kindred EXIT
seeded_server_with_post profile $((START + 1050000)) "Profiled post"

if [ "$MODE" = like ]; then
  wrk -t"$THREADS" -c"$CONNS" -d10s -s "$BENCH/lua/likes.lua" "$BASE" -- "$TOKENS" "$START" 300000 "$THREADS" "$POST" storm >"$RUN/wrk.txt" 2>&1 &
else
  wrk -t"$THREADS" -c"$CONNS" -d4s -s "$BENCH/lua/likes.lua" "$BASE" -- "$TOKENS" "$START" 300000 "$THREADS" "$POST" storm >/dev/null 2>&1
  paste -d'\n' <(sed -n "$((START + 1)),$((START + 50000))p" "$TOKENS") \
               <(sed -n "$((START + 1000001)),$((START + 1050000))p" "$TOKENS") >"$RUN/viewers.txt"
  if [ "$MODE" = read ]; then
    wrk -t"$THREADS" -c"$CONNS" -d10s -s "$BENCH/lua/reads.lua" "$BASE" -- "$RUN/viewers.txt" "$THREADS" "$POST" >"$RUN/wrk.txt" 2>&1 &
  else
    for i in $(seq 1 80); do
      curl -sS -o /dev/null -X POST -H "Authorization: Bearer $(sed -n "$((START + 1000000 - i))p" "$TOKENS")" \
        --data-urlencode "status=Reply $i: thinking of you" --data-urlencode "in_reply_to_id=$POST" "$BASE/api/v1/statuses"
    done
    wrk -t"$THREADS" -c"$CONNS" -d10s -s "$BENCH/lua/mixed.lua" "$BASE" -- "$RUN/viewers.txt" "$TOKENS" \
      $((START + 300000)) 300000 "$THREADS" "$POST" >"$RUN/wrk.txt" 2>&1 &
  fi
fi
WRK=$!
sleep 2
perf record -F 999 --call-graph dwarf,32768 -p "$KPID" -o "$OUT" -- sleep 5 >/dev/null 2>&1
wait "$WRK" || true
grep "Requests/sec" "$RUN/wrk.txt"
