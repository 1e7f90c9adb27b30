#!/usr/bin/env bash
# bench/stream_storm.sh: issue 17's like storm with and without 10,000 streaming connections open,
# side by side in one run. The issue asks that with them open the storm keep >= 0.9 x its rate
# without them, and that every subscriber see the post's final exact count within 2 s of the
# storm's end.
#
#   bash bench/stream_storm.sh                                   # 5 rounds, 10,000 connections, 10 s storms
#   CONNECTIONS=500 ROUNDS=1 DURATION=3 bash bench/stream_storm.sh   # a smoke run
#
# Reuses bench/run.sh's seed cache ($WORK/seed and $WORK/tokens.txt; run bench/run.sh once first).
# One server on a fresh copy of the seed (--rate-limits off --access-log off, per-address caps
# raised for the connections), one post by token line 1; then ROUNDS rounds, each a like storm
# WITHOUT the streaming connections and one WITH them (wrk -t$THREADS -c$CONNS -d$DURATION, as
# bench/ab_storms.sh), alternating (odd rounds WITHOUT first, even rounds WITH first) so machine
# noise and the store's growth hit both alike, after an unreported WARMUP s storm (a cold first
# storm would flatter the ratio). Every storm starts IDLE s after the previous one ended, so each
# inherits the same compaction debt (opening the connections and SETTLE fit in that pause).
# Every like uses a token no other request used (disjoint blocks of BLOCK tokens after the stream
# clients' lines; by default the tokens file shared out, ~211,000 a storm for 2.2M tokens, 5
# rounds and 10,000 connections: enough for 21,000 likes/s in 10 s storms).
# A WITH round starts bench/stream_bench holding CONNECTIONS WebSockets (token lines
# 2..CONNECTIONS+1), each on stream=user and subscribed to kindred:status of the post, waits until
# all are open, runs the storm, notes its end (Unix ms, when wrk exits), holds SETTLE s more, then
# stops stream_bench and reads the post's exact favourites_count (GET /api/v1/statuses/ID). It
# checks that every connection's last kindred.counts message carries that count, and reports the
# latest of those messages' arrivals minus the storm's end (target <= 2000 ms; negative: the final
# count was out before wrk exited), the most counts messages a connection got in one second
# (a sliding window: two 990 ms apart count 2, hence also the shortest gap; the server promises
# one a second) and the server's RSS per connection (VmRSS before and after opening them: only
# round 1's is a fair figure, later rounds reuse memory the earlier connections freed). Every
# round reports req/s, p99 and the server's CPU time per request (all its threads, from
# /proc/PID/stat: in a WITH round that includes the streaming work); the table gives the medians
# and the ratio WITH/WITHOUT of the median req/s (target >= 0.90).
# wrk, stream_bench and the server share this machine's cores (2 here): the WITH rounds' rate
# also pays for the client's side of the connections, so the ratio understates the server.
# Writes $WORK/stream-storm.md. Exit status 1 when a run broke (wrk failed, non-2xx responses,
# connections that did not open); a missed target is a result, not a failure.
set -euo pipefail

ROUNDS=${ROUNDS:-5}                # rounds, each one storm without and one with the connections
CONNECTIONS=${CONNECTIONS:-10000}  # streaming connections held in a WITH round
DURATION=${DURATION:-10}           # seconds per storm
THREADS=${THREADS:-2}              # wrk -t
CONNS=${CONNS:-64}                 # wrk -c
SETTLE=${SETTLE:-4}                # seconds stream_bench holds after the storm's end
PAUSE=${PAUSE:-3}                  # seconds between a WITH round's end and the next storm
IDLE=${IDLE:-12}                   # seconds from one storm's end to the next one's start (both kinds alike)
WARMUP=${WARMUP:-3}                # seconds of an unreported storm first (0: none)
BLOCK=${BLOCK:-}                   # tokens per storm (more than DURATION x the like rate); empty: all there are, shared out
WARMUP_BLOCK=$((WARMUP * 30000))   # tokens for the warm-up storm
WORK=${WORK:-/tmp/kindred-bench}
KINDRED_BIN=${KINDRED_BIN:-build/release/kindred}              # relative paths are from the repository root
STREAM_BENCH=${STREAM_BENCH:-build/release/bench/stream_bench}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
case "$KINDRED_BIN" in /*) ;; *) KINDRED_BIN="$REPO/$KINDRED_BIN";; esac
case "$STREAM_BENCH" in /*) ;; *) STREAM_BENCH="$REPO/$STREAM_BENCH";; esac
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"
need wrk wrk
need curl curl

SEED="$WORK/seed"
TOKENS="$WORK/tokens.txt"
RUN="$WORK/stream-storm-run"
DATA="$RUN/data"
RAW="$RUN/raw.txt"
ROWS="$RUN/rounds.txt"   # one line per storm: round mode rps p99 us open final fmin fmax got lag maxps rss exact gap
[ -x "$KINDRED_BIN" ] || { echo "no kindred binary at $KINDRED_BIN" >&2; exit 1; }
[ -x "$STREAM_BENCH" ] || { echo "no stream_bench at $STREAM_BENCH (cmake --build build/release --target stream_bench)" >&2; exit 1; }
[ -d "$SEED" ] && [ -s "$TOKENS" ] || { echo "no seed in $WORK: run bench/run.sh first" >&2; exit 1; }
TOTAL=$(wc -l <"$TOKENS")
[ -n "$BLOCK" ] || BLOCK=$(((TOTAL - 1 - CONNECTIONS - WARMUP_BLOCK) / (2 * ROUNDS)))
NEEDED=$((1 + CONNECTIONS + WARMUP_BLOCK + 2 * ROUNDS * BLOCK))
[ "$BLOCK" -gt 0 ] && [ "$TOTAL" -ge "$NEEDED" ] ||
  { echo "need $NEEDED seeded tokens, have $TOTAL (lower BLOCK, ROUNDS or CONNECTIONS)" >&2; exit 1; }
# The server and stream_bench each hold a descriptor per connection.
FDS=$((CONNECTIONS + CONNS + 1000))
[ "$(ulimit -n)" -ge "$FDS" ] || ulimit -n "$FDS" 2>/dev/null ||
  { echo "need ulimit -n >= $FDS (have $(ulimit -n), hard $(ulimit -Hn))" >&2; exit 1; }

rm -rf "$RUN"; mkdir -p "$RUN"; : >"$RAW"; : >"$ROWS"
SBPID=""
cleanup() {
  [ -z "$SBPID" ] || kill "$SBPID" 2>/dev/null || true
  stop_kindred
  rm -rf "$DATA"
}
trap cleanup EXIT

log "copying the seed ..."
cp -a "$SEED" "$DATA"
PORT=""
CAP=$((CONNECTIONS + CONNS + 1000))
start_kindred storm --streaming-connections-per-address "$CAP" --max-connections-per-address "$CAP"
POSTER=$(sed -n 1p "$TOKENS")
body=$(curl -sS -X POST -H "Authorization: Bearer $POSTER" --data-urlencode "status=stream storm post" \
  "$BASE/api/v1/statuses")
POST=$(json_str "$body" id)
[ -n "$POST" ] || { echo "posting failed: $body" >&2; exit 1; }
sed -n "2,$((CONNECTIONS + 1))p" "$TOKENS" >"$RUN/stream-tokens.txt"
SUBSCRIBE="{\"type\":\"subscribe\",\"stream\":\"kindred:status\",\"id\":\"$POST\"}"
log "post $POST; $ROUNDS rounds of ${DURATION}s storms without and with $CONNECTIONS connections, $BLOCK tokens a storm"

sb_get() { awk -v k="$2" '$1==k {v=$2} END {print (v=="" ? "NA" : v)}' "$1"; }  # sb_get FILE KEY
favourites() {
  json_num "$(curl -sS -H "Authorization: Bearer $POSTER" "$BASE/api/v1/statuses/$POST")" favourites_count
}

first=$((CONNECTIONS + 1))   # 0-based line of the next storm's first token
last_end_ms=0                # when the previous storm ended (Unix ms)
round() {  # round N without|with
  local r=$1 mode=$2 sbout="$RUN/stream_bench.$1.out" open=NA
  if [ "$mode" = with ]; then
    "$STREAM_BENCH" --port "${BASE##*:}" --tokens "$RUN/stream-tokens.txt" --connections "$CONNECTIONS" \
      --server-pid "$KPID" --posts 0 --stream user --subscribe "$SUBSCRIBE" --hold $((DURATION + SETTLE + 600)) \
      >"$sbout" 2>&1 &
    SBPID=$!
    local i
    for i in $(seq 1 3000); do
      grep -q '^ready_unix_ms ' "$sbout" && break
      kill -0 "$SBPID" 2>/dev/null || break
      sleep 0.1
    done
    grep -q '^ready_unix_ms ' "$sbout" || { cat "$sbout" >&2; echo "stream_bench did not get ready" >&2; exit 1; }
    open=$(sb_get "$sbout" connections_open)
    [ "$open" = "$CONNECTIONS" ] ||
      failure "round $r: $open of $CONNECTIONS connections open ($(sb_get "$sbout" connections_failed) failed; $(grep '^first_error' "$sbout" || true))"
  fi
  local cpu0 end_ms us wait_ms
  wait_ms=$((last_end_ms + IDLE * 1000 - $(date +%s%3N)))
  if [ "$wait_ms" -gt 0 ]; then sleep "$(awk -v m="$wait_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
  else warn "round $r $mode: storm started $((-wait_ms)) ms later than IDLE=$IDLE s after the previous one"; fi
  cpu0=$(cpu_ticks "$KPID")
  run_wrk "like-$mode" "$BASE" "$BENCH/lua/likes.lua" "$TOKENS" "$first" "$BLOCK" "$THREADS" "$POST"
  end_ms=$(date +%s%3N); last_end_ms=$end_ms
  us=$(us_per_request $(($(cpu_ticks "$KPID") - cpu0)) "$(wrk_get "$W_OUT" requests)")
  first=$((first + BLOCK))
  ! awk '$1=="SLICE" && $6==1 {x=1} END {exit !x}' "$W_OUT" ||
    warn "round $r $mode: a wrk thread ran out of tokens (raise BLOCK): its rate is understated"

  local final=NA fmin=NA fmax=NA got=NA lag=NA maxps=NA rss=NA exact=NA gap=NA
  if [ "$mode" = with ]; then
    sleep "$SETTLE"
    kill -TERM "$SBPID" 2>/dev/null || true
    wait "$SBPID" 2>/dev/null || true
    SBPID=""
    final=$(favourites)
    fmin=$(sb_get "$sbout" counts_last_favourites_min); fmax=$(sb_get "$sbout" counts_last_favourites_max)
    got=$(sb_get "$sbout" counts_connections); maxps=$(sb_get "$sbout" counts_max_per_connection_per_second)
    rss=$(sb_get "$sbout" rss_per_connection_kb); gap=$(sb_get "$sbout" counts_min_gap_ms)
    local latest; latest=$(sb_get "$sbout" counts_latest_last_unix_ms)
    [ "$latest" = NA ] || lag=$((latest - end_ms))
    # Every open connection got counts, and the last of each carried the final count.
    if [ "$got" = "$open" ] && [ "$fmin" = "$final" ] && [ "$fmax" = "$final" ]; then exact=yes; else exact=no; fi
    sleep "$PAUSE"   # the server closes the connections before the next storm
  fi
  echo "$r $mode $W_RPS $W_P99 $us $open $final $fmin $fmax $got $lag $maxps $rss $exact $gap" >>"$ROWS"
  raw "round $r $mode: $W_RPS req/s p99 $W_P99 ms, $us µs CPU/request$([ "$mode" = without ] ||
    echo "; $open open, final count $final, last counts seen $fmin..$fmax by $got connections, latest arrival - storm end $lag ms, most $maxps counts messages a second (shortest gap $gap ms), $rss KB RSS per connection")"
}

if [ "$WARMUP" -gt 0 ]; then
  DURATION=$WARMUP run_wrk warmup "$BASE" "$BENCH/lua/likes.lua" "$TOKENS" "$first" "$WARMUP_BLOCK" "$THREADS" "$POST"
  first=$((first + WARMUP_BLOCK))
  last_end_ms=$(date +%s%3N)
  log "warm-up storm: $(fmt_run)"
fi
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then round "$r" without; round "$r" with
  else round "$r" with; round "$r" without; fi
done
stop_kindred

col() { awk -v m="$1" -v c="$2" '$2==m {print $c}' "$ROWS" | median; }  # col MODE COLUMN: median
rw=$(col with 3); ro=$(col without 3)
exact_rounds=$(awk '$2=="with" && $14=="yes"' "$ROWS" | wc -l)
lag_max=$(awk '$2=="with" && $11!="NA" {if (m=="" || $11>m) m=$11} END {print (m=="" ? "NA" : m)}' "$ROWS")
TABLE=$(
  echo "| like storm | without | with $CONNECTIONS connections | with/without | issue 17's target |"
  echo "|---|---|---|---|---|"
  echo "| req/s (median) | $(fmt_int "$ro") | $(fmt_int "$rw") | **$(ratio "$rw" "$ro")** | with >= 0.90 x without |"
  echo "| server µs CPU per request (median) | $(col without 5) | $(col with 5) | $(ratio "$(col with 5)" "$(col without 5)") | |"
  echo "| p99 ms (median) | $(col without 4) | $(col with 4) | | |"
  echo "| rounds where every subscriber's last count was the exact final count | | $exact_rounds of $ROUNDS | | all |"
  echo "| latest final count's arrival − storm end, ms (median; max) | | $(col with 11); $lag_max | | <= 2000 |"
  echo "| shortest gap between a connection's counts messages, ms (most in a sliding 1 s window) | | $(awk '$2=="with" {print $15}' "$ROWS" | sort -g | head -1) ($(awk '$2=="with" {print $12}' "$ROWS" | sort -g | tail -1)) | | at most one a second |"
  echo "| server RSS per connection, KB (round 1; later rounds reuse what round 1's freed) | | $(awk '$2=="with" {print $13; exit}' "$ROWS") | | |"
)
ROUNDS_TABLE=$(
  echo "| round | connections open | req/s | p99 ms | µs CPU/req | final count | last counts seen (min..max) | connections with counts | latest arrival − end ms | counts msgs/s max | RSS KB/conn |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk '{ if ($2 == "without") printf "| %s without | 0 | %.0f | %s | %s | | | | | | |\n", $1, $3, $4, $5;
         else printf "| %s with | %s | %.0f | %s | %s | %s | %s..%s | %s | %s | %s | %s |\n", $1, $6, $3, $4, $5, $7, $8, $9, $10, $11, $12, $13 }' "$ROWS"
)
HEADER="Like storm with and without $CONNECTIONS streaming connections ($(date -u +%FT%TZ))"
SETUP="$(host_line "$REPO" "$KINDRED_BIN"); load average at the end $(cut -d' ' -f1-3 /proc/loadavg). $ROUNDS rounds, each a storm without and one with the connections (each on stream=user and kindred:status of the liked post; odd rounds without first), every storm ${IDLE} s after the previous one, after a ${WARMUP} s warm-up storm; wrk -t$THREADS -c$CONNS -d${DURATION}s, every like by a fresh account; stream_bench holds $SETTLE s after each storm. wrk, stream_bench and the server share the machine's $(nproc) cores: the WITH rate also pays for the client side of the connections."
CHECKS=$(issue_lines)
report "$WORK/stream-storm.md" "$HEADER" "wrk and stream_bench outputs, server log: $RUN" \
  "$SETUP" "$TABLE" "$ROUNDS_TABLE" ${CHECKS:+"$CHECKS"}
[ "${#FAILURES[@]}" = 0 ]
