#!/usr/bin/env bash
# bench/soak.sh: Kindred under mixed traffic for an hour, good and bad clients at once, with its
# memory and the good traffic's latency recorded as curves.
#
#   bash bench/soak.sh                      # one hour (DURATION=3600), a sample a minute
#   DURATION=120 bash bench/soak.sh         # a quick check (a sample every 12 s)
#
# Seeds ACCOUNTS load-test accounts (kindred admin seed-load) into a fresh data dir, starts the
# server on 127.0.0.1 with Mastodon's rate limits on (as deployed), posts a hot post with 80
# replies and 40 other posts, then for DURATION seconds runs at once:
#   - soak/good.mjs: well-behaved clients at GOOD_RATE requests/s (reads of statuses, the public
#     timeline, favourited_by, context and comments; likes and unlikes; posts and replies; a
#     photo post every MEDIA_EVERY s; a sign-up every SIGNUP_EVERY s), every answer checked;
#   - soak/bad.py: idle sockets, slowloris, slow readers, malformed and oversized bodies, bad
#     framing, garbage, missing and wrong tokens, and a client hammering past its rate limit.
# Every SAMPLE seconds it records the server's RSS, open file descriptors, threads and CPU, and
# both clients' counters for the interval, into $WORK/soak.csv and $WORK/soak.md; the table is
# printed at the end. Exit status 1 when the server died, when the good traffic got a 5xx answer,
# or when RSS at the end is more than RSS_GROWTH_MAX x RSS after the first quarter of the run
# (a leak check); see bench/README.md, "Soak test".
set -euo pipefail

DURATION=${DURATION:-3600}            # seconds of traffic
SAMPLE=${SAMPLE:-}                    # seconds per sample; empty: 60, or DURATION/10 when that is less
WORK=${WORK:-/tmp/kindred-soak}       # data dir, logs, soak.csv, soak.md
KINDRED_BIN=${KINDRED_BIN:-build/release/kindred}   # relative paths are from the repository root; copied first
PORT=${PORT:-}                        # Kindred's port; empty: a free one
ACCOUNTS=${ACCOUNTS:-2000}            # seeded load-test accounts (the last BAD_ACCOUNTS are the bad clients')
BAD_ACCOUNTS=${BAD_ACCOUNTS:-20}      # accounts the bad clients use (the first one hammers past its limit)
GOOD_RATE=${GOOD_RATE:-100}           # good requests per second (besides photo posts and sign-ups)
MEDIA_EVERY=${MEDIA_EVERY:-15}        # seconds between photo posts (0: none)
SIGNUP_EVERY=${SIGNUP_EVERY:-60}      # seconds between sign-ups (0: none)
IDLE_SOCKETS=${IDLE_SOCKETS:-300}     # connections held open without a byte sent
IDLE_ADDRESSES=${IDLE_ADDRESSES:-250} # loopback addresses they come from, 1 to 250 (1: test a per-address connection cap)
SLOWLORIS=${SLOWLORIS:-50}            # connections trickling a header that never ends
SLOW_READERS=${SLOW_READERS:-20}      # connections reading large answers 16 bytes a second
BAD_RATE=${BAD_RATE:-5}               # malformed, oversized, badly framed or unauthorised requests per second
HAMMER_RATE=${HAMMER_RATE:-6}         # requests per second, alternately from one account and one IP (each limited to 300 per 5 min)
RSS_GROWTH_MAX=${RSS_GROWTH_MAX:-1.5} # the leak check: RSS at the end / RSS after the first quarter
ACCESS_LOG=${ACCESS_LOG:-off}         # kindred serve --access-log (on: $WORK/run/kindred.log grows ~200 B a request)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
case "$KINDRED_BIN" in /*) ;; *) KINDRED_BIN="$REPO/$KINDRED_BIN";; esac
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"

[ -x "$KINDRED_BIN" ] || { echo "no kindred binary at $KINDRED_BIN (cmake --preset release && cmake --build build/release)" >&2; exit 1; }
[ -z "$SAMPLE" ] && SAMPLE=$((DURATION / 10 < 60 ? DURATION / 10 : 60))
[ "$DURATION" -ge 10 ] && [ "$SAMPLE" -ge 1 ] && [ "$ACCOUNTS" -gt $((BAD_ACCOUNTS + 200)) ] && [ "$BAD_ACCOUNTS" -ge 2 ] ||
  { echo "need DURATION>=10, SAMPLE>=1, BAD_ACCOUNTS>=2, ACCOUNTS>BAD_ACCOUNTS+200" >&2; exit 1; }
need curl curl
need node nodejs
need python3 python3

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RUN="$WORK/run"           # logs and the clients' raw samples
DATA="$WORK/data"         # a fresh data dir every time
BIN="$WORK/kindred"       # the binary this run uses: a copy, so a rebuild meanwhile changes nothing
rm -rf "$RUN" "$DATA"; mkdir -p "$RUN"
cp "$KINDRED_BIN" "$BIN"
PROC="$RUN/proc.csv"; GOOD_OUT="$RUN/good.jsonl"; BAD_OUT="$RUN/bad.jsonl"
: >"$PROC"; : >"$GOOD_OUT"; : >"$BAD_OUT"

# ---------------------------------------------------------------- processes we start (stopped by PID)
KPID=""; GOOD_PID=""; BAD_PID=""; SLEEP_PID=""
stop_clients() {
  local p
  for p in $GOOD_PID $BAD_PID; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  GOOD_PID=""; BAD_PID=""
}
cleanup() {   # stop_kindred: lib/common.sh (SIGTERM, then SIGKILL after 60 s)
  if [ -n "$SLEEP_PID" ]; then kill "$SLEEP_PID" 2>/dev/null || true; fi
  stop_clients
  stop_kindred
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- seed, start, first posts
log "kindred soak: DURATION=${DURATION}s SAMPLE=${SAMPLE}s GOOD_RATE=$GOOD_RATE/s ACCOUNTS=$ACCOUNTS WORK=$WORK"
log "seeding $ACCOUNTS load-test accounts into $DATA ..."
"$BIN" admin seed-load --data-dir "$DATA" --accounts "$ACCOUNTS" --tokens-out "$RUN/tokens.txt" >"$RUN/seed.log" 2>&1 ||
  { tail -n 20 "$RUN/seed.log" >&2; echo "seed-load failed" >&2; exit 1; }
[ "$(wc -l <"$RUN/tokens.txt")" = "$ACCOUNTS" ] || { echo "seed-load wrote $(wc -l <"$RUN/tokens.txt") tokens, expected $ACCOUNTS" >&2; exit 1; }
head -n $((ACCOUNTS - BAD_ACCOUNTS)) "$RUN/tokens.txt" >"$RUN/good-tokens.txt"
tail -n "$BAD_ACCOUNTS" "$RUN/tokens.txt" >"$RUN/bad-tokens.txt"

KLOG="$RUN/kindred.log"
"$BIN" serve --listen "127.0.0.1:${PORT:-0}" --data-dir "$DATA" --access-log "$ACCESS_LOG" --rate-limits on >"$KLOG" 2>&1 &
KPID=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$KLOG" && break
  kill -0 "$KPID" 2>/dev/null || { cat "$KLOG" >&2; KPID=""; echo "kindred did not start" >&2; exit 1; }
  sleep 0.1
done
BASE=$(grep -o -m 1 'listening on http://[^ ]*' "$KLOG" | sed 's/^listening on //; s:/*$::') ||
  { cat "$KLOG" >&2; echo "kindred did not say it was listening within 30 s" >&2; exit 1; }
PORT=${BASE##*:}
log "kindred pid $KPID at $BASE (rate limits on)"

token_at() { sed -n "$(($1 + 1))p" "$RUN/good-tokens.txt"; }   # token_at LINE (0-based)
post_status() {  # post_status TOKEN TEXT [IN_REPLY_TO] -> prints the new status id
  local body id
  body=$(curl -sS -X POST -H "Authorization: Bearer $1" --data-urlencode "status=$2" \
    ${3:+--data-urlencode "in_reply_to_id=$3"} "$BASE/api/v1/statuses")
  id=$(json_str "$body" id)
  [ -n "$id" ] || { echo "posting a status failed: ${body:0:300}" >&2; exit 1; }
  echo "$id"
}
log "posting the hot post, 80 replies to it and 40 other posts ..."
HOT=$(post_status "$(token_at 0)" "Morning fog over the estuary, 35 mm")
echo "$HOT" >"$RUN/statuses.txt"
for i in $(seq 1 80); do post_status "$(token_at "$i")" "Reply $i: the light in this one" "$HOT" >>"$RUN/statuses.txt"; done
for i in $(seq 100 139); do post_status "$(token_at "$i")" "Post $i from the soak's first minute #soak" >>"$RUN/statuses.txt"; done

# ---------------------------------------------------------------- samples
CLK_TCK=$(getconf CLK_TCK)
running() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }  # not a zombie
alive() { running "$KPID"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$KPID/stat" 2>/dev/null || echo 0; }
LAST_TICKS=0; LAST_AT=0
sample() {  # sample K T: appends "k,t,alive,rss_kb,hwm_kb,fds,threads,cpu_pct,disk_kb" to $PROC
  local k=$1 t=$2 now ticks cpu rss hwm fds threads
  if ! alive; then echo "$k,$t,0,,,,,," >>"$PROC"; return 1; fi
  now=$(date +%s.%N); ticks=$(cpu_ticks)
  cpu=$(awk -v a="$LAST_TICKS" -v b="$ticks" -v s="$LAST_AT" -v e="$now" -v hz="$CLK_TCK" \
    'BEGIN { if (s == 0) print ""; else printf "%.1f", 100 * (b - a) / hz / (e - s) }')
  LAST_TICKS=$ticks; LAST_AT=$now
  rss=$(awk '$1=="VmRSS:"{print $2}' "/proc/$KPID/status"); hwm=$(awk '$1=="VmHWM:"{print $2}' "/proc/$KPID/status")
  threads=$(awk '$1=="Threads:"{print $2}' "/proc/$KPID/status")
  fds=$(find "/proc/$KPID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  echo "$k,$t,1,$rss,$hwm,$fds,$threads,$cpu,$(du -sk --apparent-size "$DATA" | cut -f1)" >>"$PROC"
}
TITLE="Kindred soak, $(date -u +%FT%TZ): ${DURATION} s, a sample every ${SAMPLE} s; $(host_line "$REPO" "$KINDRED_BIN"); good $GOOD_RATE req/s as $((ACCOUNTS - BAD_ACCOUNTS)) accounts; bad: $IDLE_SOCKETS idle, $SLOWLORIS slowloris, $SLOW_READERS slow readers, $BAD_RATE bad req/s, $HAMMER_RATE hammer req/s"
report() {  # report [--final --server-exit X]: (re)writes soak.csv and soak.md from the samples so far
  python3 "$BENCH/soak/report.py" --proc "$PROC" --good "$GOOD_OUT" --bad "$BAD_OUT" \
    --csv "$WORK/soak.csv" --routes-csv "$WORK/soak-routes.csv" --md "$WORK/soak.md" --duration "$DURATION" --sample "$SAMPLE" --rate "$GOOD_RATE" \
    --rss-growth-max "$RSS_GROWTH_MAX" --title "$TITLE" "$@"
}
lines() { grep -c '"k"' "$1" || true; }   # interval lines a client has written

# ---------------------------------------------------------------- run
T0=$(( $(date +%s%3N) + 2000 ))   # both clients start at T0 and cut their intervals at T0 + k * SAMPLE
node "$BENCH/soak/good.mjs" --base "$BASE" --tokens "$RUN/good-tokens.txt" --statuses "$RUN/statuses.txt" \
  --hot "$HOT" --out "$GOOD_OUT" --t0 "$T0" --duration "$DURATION" --sample "$SAMPLE" --rate "$GOOD_RATE" \
  --media-every "$MEDIA_EVERY" --signup-every "$SIGNUP_EVERY" >"$RUN/good.log" 2>&1 &
GOOD_PID=$!
python3 "$BENCH/soak/bad.py" --port "$PORT" --hot "$HOT" --tokens "$RUN/bad-tokens.txt" --out "$BAD_OUT" \
  --t0 "$T0" --duration "$DURATION" --sample "$SAMPLE" --idle "$IDLE_SOCKETS" \
  --idle-addresses "$IDLE_ADDRESSES" --slowloris "$SLOWLORIS" \
  --slow-readers "$SLOW_READERS" --bad-rate "$BAD_RATE" --hammer-rate "$HAMMER_RATE" >"$RUN/bad.log" 2>&1 &
BAD_PID=$!
sleep_until() {  # sleep_until EPOCH_MS (in the background and waited for, so a signal's trap runs at once)
  local d; d=$(awk -v t="$1" -v n="$(date +%s%3N)" 'BEGIN{d=(t-n)/1000; print (d > 0 ? d : 0)}')
  sleep "$d" & SLEEP_PID=$!
  wait "$SLEEP_PID"; SLEEP_PID=""
}
sleep_until $((T0 - 200))
sample 0 0 || { echo "kindred died before the traffic started" >&2; exit 1; }
log "traffic until $(date -d "@$(( T0 / 1000 + DURATION ))" +%H:%M:%S); samples in $WORK/soak.csv"
k=0; DIED=0
while :; do
  k=$((k + 1))
  t=$((k * SAMPLE < DURATION ? k * SAMPLE : DURATION))
  sleep_until $((T0 + t * 1000))
  if ! sample "$k" "$t"; then DIED=1; log "kindred (pid $KPID) is gone at ${t}s"; break; fi
  for _ in $(seq 1 150); do   # the clients' line for this interval (the last one waits for requests in flight)
    [ "$(lines "$GOOD_OUT")" -ge "$k" ] && [ "$(lines "$BAD_OUT")" -ge "$k" ] && break
    sleep 0.1
  done
  log "$(report 2>&1 || true)"   # rewrites soak.csv and soak.md, prints the newest row in one line
  [ "$t" -lt "$DURATION" ] || break
done

# ---------------------------------------------------------------- stop, report
for _ in $(seq 1 300); do   # the clients write their summaries and exit by themselves
  running "$GOOD_PID" || running "$BAD_PID" || break
  sleep 0.1
done
stop_clients
SERVER_EXIT=died
if [ "$DIED" = 0 ] && alive; then
  kill -TERM "$KPID"
  for _ in $(seq 1 600); do alive || break; sleep 0.1; done
  alive && { warn "kindred did not stop within 60 s of SIGTERM; killed"; kill -KILL "$KPID"; }
  SERVER_EXIT=0; wait "$KPID" || SERVER_EXIT=$?
else
  wait "$KPID" 2>/dev/null || true
  tail -n 20 "$KLOG" >&2
fi
KPID=""
echo
rc=0; report --final --server-exit "$SERVER_EXIT" || rc=$?
echo
echo "(CSV: $WORK/soak.csv; table and answers: $WORK/soak.md; logs: $RUN)"
exit "$rc"
