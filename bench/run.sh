#!/usr/bin/env bash
# bench/run.sh: Kindred's HTTP benchmarks and their references, in one run, one table.
#
#   bash bench/run.sh                                   # the full suite (1.6M likes, 3 runs of 10 s)
#   ACCOUNTS=50000 DURATION=3 RUNS=1 SKIP_REFERENCE=1 bash bench/run.sh   # a quick check
#
# Steps (see bench/README.md): seed load-test accounts (cached), like storm on one post by
# ACCOUNTS distinct accounts (timed runs, then an untimed fill to exactly ACCOUNTS), check
# favourites_count and page favourited_by, RSS before/after, bytes on disk per like after
# compaction, read storm, mixed workload, like storm with --sync, nginx serving a body of
# Kindred's size, the shared reference scripts (nginx 304 B, PostgreSQL, Redis), and last
# bench/uploads.sh (photo uploads during the read storm; its own table, SKIP_UPLOADS=1 skips it).
# Load is wrk over loopback with fixed threads, connections and duration; every figure in the
# table is the median of RUNS runs. Writes the table and every run's raw line to $WORK/results.md.
# Exit status 1 when a check failed (non-2xx responses, a like count that is not exact, ...).
set -euo pipefail

RUNS=${RUNS:-3}                       # timed runs per workload (medians)
DURATION=${DURATION:-10}              # seconds per timed run
THREADS=${THREADS:-2}                 # wrk -t
CONNS=${CONNS:-64}                    # wrk -c
ACCOUNTS=${ACCOUNTS:-1600000}         # distinct accounts that like the post
WORK=${WORK:-/tmp/kindred-bench}      # seed cache, data dir, logs, results.md
KINDRED_BIN=${KINDRED_BIN:-build/release/kindred}   # relative paths are from the repository root
SKIP_REFERENCE=${SKIP_REFERENCE:-0}   # 1: skip the PostgreSQL and Redis references (nginx still runs)
PORT=${PORT:-}                        # Kindred's port (nginx gets PORT+1); empty: random free ports
READ_VIEWERS=${READ_VIEWERS:-100000}  # distinct viewers in the read storm (half of them liked the post)
MIXED_TOKENS=${MIXED_TOKENS:-200000}  # fresh likers reserved for the mixed workload (all runs together)
TOPUP_TOKENS=${TOPUP_TOKENS:-2000}    # spare likers, used only if some storm likes were lost
PG_VARIANTS=${PG_VARIANTS:-counter}   # VARIANTS for pg-likes.sh (the table uses "counter")
FORCE_SEED=${FORCE_SEED:-0}           # 1: seed again even if the cache matches
SKIP_UPLOADS=${SKIP_UPLOADS:-0}       # 1: skip bench/uploads.sh (photo uploads during the read storm) at the end

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
SHARED_BENCH=${SHARED_BENCH:-"$(dirname "$REPO")/shared/bench"}
case "$KINDRED_BIN" in /*) ;; *) KINDRED_BIN="$REPO/$KINDRED_BIN";; esac
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
chmod 755 "$WORK"
RUN="$WORK/run"           # this invocation's scratch: wrk outputs, server logs
DATA="$WORK/data"         # the data dir the server runs on (a fresh copy of the seed)
SEED="$WORK/seed"         # the seeded data dir, kept between invocations
TOKENS="$WORK/tokens.txt" # one access token per line, line i = account load<i>
SEED_MARK="$WORK/seed.done"
RAW="$RUN/raw.txt"
rm -rf "$RUN"; mkdir -p "$RUN"; chmod 755 "$RUN"; : >"$RAW"

[ -x "$KINDRED_BIN" ] || { echo "no kindred binary at $KINDRED_BIN (cmake --preset release && cmake --build build/release)" >&2; exit 1; }
[ "$RUNS" -ge 1 ] && [ "$DURATION" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$CONNS" -ge "$THREADS" ] ||
  { echo "need RUNS>=1 DURATION>=1 THREADS>=1 CONNS>=THREADS" >&2; exit 1; }
need wrk wrk
need curl curl
need node nodejs

# ---------------------------------------------------------------- processes we start (stopped by PID)
KPID=""; NGINX_PID=""; BG_PID=""
stop_nginx() {
  [ -n "$NGINX_PID" ] || return 0
  kill -QUIT "$NGINX_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
}
cleanup() {
  if [ -n "$BG_PID" ]; then kill -INT "$BG_PID" 2>/dev/null || true; wait "$BG_PID" 2>/dev/null || true; BG_PID=""; fi
  stop_nginx
  stop_kindred
}
trap cleanup EXIT
trap 'exit 130' INT TERM

has_compact() { "$KINDRED_BIN" admin --help 2>&1 | awk '$1=="compact"{f=1} END{exit !f}'; }
compact() {  # compact DIR: full manual compaction (server stopped); returns 1 when unavailable or failed
  has_compact || return 1
  local t0=$SECONDS
  if "$KINDRED_BIN" admin compact --data-dir "$1" >"$RUN/compact.$t0.log" 2>&1; then
    log "compacted $1 in $((SECONDS - t0)) s"; return 0
  fi
  warn "kindred admin compact failed (log: $RUN/compact.$t0.log)"; return 1
}

# ---------------------------------------------------------------- HTTP helpers
post_status() {  # post_status TOKEN TEXT [IN_REPLY_TO] -> prints the new status id
  local body
  body=$(curl -sS -X POST -H "Authorization: Bearer $1" --data-urlencode "status=$2" \
    ${3:+--data-urlencode "in_reply_to_id=$3"} "$BASE/api/v1/statuses")
  local id; id=$(json_str "$body" id)
  [ -n "$id" ] || { echo "posting a status failed: ${body:0:300}" >&2; exit 1; }
  echo "$id"
}
fav_count() {  # fav_count STATUS_ID -> favourites_count (empty on error)
  json_num "$(curl -sS "$BASE/api/v1/statuses/$1" 2>/dev/null || true)" favourites_count
}
like_once() {  # like_once TOKEN STATUS_ID -> HTTP status
  curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $1" "$BASE/api/v1/statuses/$2/favourite" || echo 000
}
token_at() { sed -n "$(($1 + 1))p" "$TOKENS"; }   # token_at LINE (0-based)

# ---------------------------------------------------------------- wrk (run_wrk, med, fmt_run: lib/common.sh)
# like_runs NAME POST FIRST BLOCK: RUNS like-storm runs; run r likes with tokens
# [FIRST + (r-1)*BLOCK, FIRST + r*BLOCK), split among the wrk threads. Each thread's used range
# goes to $RUN/NAME-used.txt ("first count" lines). Checks favourites_count after each run.
like_runs() {
  local name=$1 post=$2 base_first=$3 block=$4 r sent_total=0
  : >"$RUN/$name-used.txt"
  for r in $(seq 1 "$RUNS"); do
    local first=$((base_first + (r - 1) * block))
    run_wrk "$name" "$BASE" "$BENCH/lua/likes.lua" "$TOKENS" "$first" "$block" "$THREADS" "$post" storm
    local sent=0 exhausted=0 sf used ex
    while read -r _ _ sf _ used ex _; do
      echo "$sf $used" >>"$RUN/$name-used.txt"
      sent=$((sent + used)); [ "$ex" = 1 ] && exhausted=$((exhausted + 1))
    done < <(grep '^SLICE ' "$W_OUT" || true)
    sent_total=$((sent_total + sent))
    sleep 0.5   # let the server finish the requests wrk left in flight
    local count; count=$(fav_count "$post")
    raw "$name run $r: $(fmt_run)  likes sent $sent (tokens $first..$((first + block - 1)))  favourites_count $count (expected $sent_total)"
    [ "$exhausted" = 0 ] || warn "$name run $r: $exhausted wrk thread(s) ran out of tokens before ${DURATION}s; the rate is understated (raise ACCOUNTS or lower DURATION/RUNS)"
    if [ "$count" != "$sent_total" ]; then
      warn "$name run $r: favourites_count $count after $sent_total likes were sent (likes in flight when wrk stopped were lost?)"
    fi
  done
}

# ================================================================ (a) seed
VHALF=$((READ_VIEWERS / 2)); [ "$VHALF" -le "$ACCOUNTS" ] || VHALF=$ACCOUNTS
[ "$VHALF" -ge 1 ] || VHALF=1
TOTAL=$((ACCOUNTS + VHALF + TOPUP_TOKENS + MIXED_TOKENS))
# Token layout (0-based lines of tokens.txt):
#   [0, A)                    like storm + fill; the --sync storm likes a new post with the same accounts;
#                             [0, VHALF) are also the read viewers who liked the post
#   [A, A+VHALF)              read viewers who did not like it
#   [A+VHALF, +TOPUP_TOKENS)  spare likers, used only if storm likes were lost
#   [.., +MIXED_TOKENS)       fresh likers for the mixed workload
UNLIKED_FIRST=$ACCOUNTS
TOPUP_FIRST=$((ACCOUNTS + VHALF))
MIXED_FIRST=$((TOPUP_FIRST + TOPUP_TOKENS))
SEED_WANT="accounts=$ACCOUNTS total=$TOTAL"

log "kindred-bench: ACCOUNTS=$ACCOUNTS RUNS=$RUNS DURATION=${DURATION}s wrk -t$THREADS -c$CONNS WORK=$WORK"
if [ "$FORCE_SEED" != 1 ] && [ -f "$SEED_MARK" ] && [ "$(head -n 1 "$SEED_MARK")" = "$SEED_WANT" ] &&
   [ -d "$SEED/store" ] && [ -f "$TOKENS" ]; then
  log "(a) reusing the seeded store in $SEED ($SEED_WANT)"
else
  log "(a) seeding $TOTAL load-test accounts ($ACCOUNTS likers + $((TOTAL - ACCOUNTS)) extra) into $SEED ..."
  rm -rf "$SEED" "$SEED.compacted" "$TOKENS" "$SEED_MARK"
  t0=$SECONDS
  "$KINDRED_BIN" admin seed-load --data-dir "$SEED" --accounts "$TOTAL" --tokens-out "$TOKENS" >"$RUN/seed.log" 2>&1 ||
    { tail -n 20 "$RUN/seed.log" >&2; echo "seed-load failed" >&2; exit 1; }
  n=$(wc -l <"$TOKENS")
  [ "$n" = "$TOTAL" ] || { echo "seed-load wrote $n tokens, expected $TOTAL" >&2; exit 1; }
  log "seeded in $((SECONDS - t0)) s"
  echo "$SEED_WANT" >"$SEED_MARK"
fi
# The Lua scripts seek to line i at i * width: every line must have the same length.
TOKEN_WIDTH=$(head -n 1 "$TOKENS" | awk '{print length($0) + 1}')
if [ "$(stat -c %s "$TOKENS")" != "$((TOKEN_WIDTH * TOTAL))" ] ||
   ! awk -v w="$((TOKEN_WIDTH - 1))" 'length($0) != w {exit 1}' "$TOKENS"; then
  echo "$TOKENS: lines are not all $((TOKEN_WIDTH - 1)) characters; FORCE_SEED=1 to seed again" >&2; exit 1
fi

# ================================================================ (b) start, post
log "(b) copying the seeded store to $DATA ..."
rm -rf "$DATA"; cp -a "$SEED" "$DATA"
COMPACTED=0
if compact "$DATA"; then COMPACTED=1; else log "no 'kindred admin compact': sizes are uncompacted"; fi
sync  # the copy's and the compaction's writes on disk now, not written back during the like storm
SIZE_BEFORE=$(store_bytes "$DATA/store"); SST_BEFORE=$(sst_bytes "$DATA/store")
start_kindred default
RSS_BEFORE=$(proc_bytes "$KPID" VmRSS)
T0=$(token_at 0)
POST=$(post_status "$T0" "Sunset over the harbour, shot on film")
raw "setup: $TOTAL accounts seeded; store $SIZE_BEFORE B before the storm ($([ "$COMPACTED" = 1 ] && echo compacted || echo uncompacted), sst $SST_BEFORE B); RSS before $RSS_BEFORE B; celebrity post $POST by load0"

# ================================================================ (c) like storm
log "(c) like storm: $RUNS x ${DURATION}s, every request a distinct account, on post $POST"
BLOCK=$((ACCOUNTS / RUNS))
like_runs like "$POST" 0 "$BLOCK"

# Untimed fill: like with every token of [0, ACCOUNTS) the timed runs did not send.
awk 'NR == FNR { lo[++n] = $1; hi[n] = $1 + $2; next }
     FNR > A { exit }
     { i = FNR - 1; for (k = 1; k <= n; k++) if (i >= lo[k] && i < hi[k]) next; print }' \
  A="$ACCOUNTS" "$RUN/like-used.txt" "$TOKENS" >"$RUN/fill-tokens.txt"
FILL_N=$(wc -l <"$RUN/fill-tokens.txt")
if [ "$FILL_N" -gt 0 ]; then
  log "    fill: $FILL_N more likes (untimed) so that exactly $ACCOUNTS accounts like the post ..."
  mkdir -p "$RUN/fill-done"
  t0=$(date +%s.%N)
  timeout $((FILL_N / 100 + 900)) wrk -t"$THREADS" -c"$CONNS" -d"$((FILL_N / 200 + 600))s" --timeout 10s \
    -s "$BENCH/lua/likes.lua" "$BASE" -- "$RUN/fill-tokens.txt" 0 "$FILL_N" "$THREADS" "$POST" fill "$RUN/fill-done" \
    >"$RUN/fill.out" 2>&1 &
  BG_PID=$!
  # wrk sleeps out -d even when every thread has stopped: interrupt it once all threads are done,
  # or when favourites_count has not moved for 30 s (a like whose answer was lost to a socket error
  # would keep its thread waiting; the top-up below makes up for it).
  last_count=-1; last_change=$SECONDS; polls=0
  while kill -0 "$BG_PID" 2>/dev/null && [ "$(find "$RUN/fill-done" -type f | wc -l)" -lt "$THREADS" ]; do
    sleep 0.2; polls=$((polls + 1))
    if [ $((polls % 25)) = 0 ]; then
      c=$(fav_count "$POST")
      if [ "$c" != "$last_count" ]; then last_count=$c; last_change=$SECONDS
      elif [ $((SECONDS - last_change)) -ge 30 ]; then warn "fill: stalled at favourites_count $c; stopping wrk"; break; fi
    fi
  done
  kill -INT "$BG_PID" 2>/dev/null || true
  rc=0; wait "$BG_PID" || rc=$?; BG_PID=""
  t1=$(date +%s.%N)
  answered=0; errs=0
  while read -r _ _ _ _ _ _ ans lerr; do answered=$((answered + ans)); errs=$((errs + lerr)); done < <(grep '^SLICE ' "$RUN/fill.out" || true)
  [ "$rc" = 0 ] || [ "$rc" = 130 ] || warn "fill: wrk exited with status $rc"
  [ "$errs" = 0 ] || failure "fill: $errs likes answered with an error status"
  [ "$(wrk_get "$RUN/fill.out" non2xx)" = 0 ] || failure "fill: $(wrk_get "$RUN/fill.out" non2xx) non-2xx responses"
  raw "like fill: $FILL_N likes, $answered answered, $errs errors, $(awk -v n="$FILL_N" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f s, %.0f likes/s", b-a, n/(b-a)}')"
fi
# Top up from the spare likers if some likes in flight at the end of a timed run were lost.
COUNT=$(fav_count "$POST")
next_spare=$TOPUP_FIRST; topped=0
while [ -n "$COUNT" ] && [ "$COUNT" -lt "$ACCOUNTS" ] && [ "$next_spare" -lt "$MIXED_FIRST" ]; do
  deficit=$((ACCOUNTS - COUNT))
  [ "$deficit" -le $((MIXED_FIRST - next_spare)) ] || deficit=$((MIXED_FIRST - next_spare))
  while read -r tok; do
    code=$(like_once "$tok" "$POST"); [ "$code" = 200 ] || failure "top-up like answered $code"
  done < <(sed -n "$((next_spare + 1)),$((next_spare + deficit))p" "$TOKENS")
  next_spare=$((next_spare + deficit)); topped=$((topped + deficit))
  COUNT=$(fav_count "$POST")
done
[ "$topped" = 0 ] || raw "like top-up: $topped likes by spare accounts (some storm likes were lost)"

# ================================================================ (d) verify
log "(d) checking favourites_count and paging favourited_by ($((ACCOUNTS / 80 + 1)) pages) ..."
PAGER=$(node "$BENCH/lib/page_through.mjs" "$BASE" "$POST" "$ACCOUNTS" 2>"$RUN/pager.err") || true
[ -n "$PAGER" ] || PAGER="PAGER error: $(tail -n 3 "$RUN/pager.err" | tr '\n' ' ')"
raw "verify: $PAGER"
case "$PAGER" in *" OK") ;; *) failure "favourites_count / favourited_by do not show exactly $ACCOUNTS likes: $PAGER";; esac
FAV_FINAL=$(sed -n 's/.*favourites_count=\([0-9]*\).*/\1/p' <<<"$PAGER")
DISTINCT_FINAL=$(sed -n 's/.* distinct=\([0-9]*\).*/\1/p' <<<"$PAGER")

# ================================================================ (e) memory
RSS_AFTER=$(proc_bytes "$KPID" VmRSS); HWM=$(proc_bytes "$KPID" VmHWM)
RSS_PER_LIKE=$(awk -v a="$RSS_AFTER" -v b="$RSS_BEFORE" -v n="$ACCOUNTS" 'BEGIN{printf "%.1f", (a-b)/n}')
raw "memory: RSS before $RSS_BEFORE B, after $RSS_AFTER B (peak $HWM B): $RSS_PER_LIKE B/like"

# ================================================================ (h) size (measured here, before reads/mixed add replies and likes)
log "(h) stopping kindred, compacting, measuring the store ..."
stop_kindred
SIZE_RAW=$(store_bytes "$DATA/store")
BYTES_PER_LIKE_RAW=$(awk -v a="$SIZE_RAW" -v b="$SIZE_BEFORE" -v n="$ACCOUNTS" 'BEGIN{printf "%.1f", (a-b)/n}')
raw "size: store $SIZE_RAW B after the storm, before compaction: $BYTES_PER_LIKE_RAW B/like uncompacted"
BYTES_PER_LIKE=NA
if compact "$DATA"; then
  SIZE_AFTER=$(store_bytes "$DATA/store"); SST_AFTER=$(sst_bytes "$DATA/store")
  if [ "$COMPACTED" = 1 ]; then
    BYTES_PER_LIKE=$(awk -v a="$SIZE_AFTER" -v b="$SIZE_BEFORE" -v n="$ACCOUNTS" 'BEGIN{printf "%.1f", (a-b)/n}')
  fi
  raw "size: store $SIZE_AFTER B after compaction (sst $SST_AFTER B), before the storm $SIZE_BEFORE B: $BYTES_PER_LIKE B/like"
else
  raw "size: bytes/like after compaction n/a (no 'kindred admin compact')"
fi

start_kindred default-2

# ================================================================ (f) read storm
VIEWERS="$RUN/viewers.txt"   # interleaved: a viewer who liked, one who did not, ...
paste -d '\n' <(head -n "$VHALF" "$TOKENS") <(sed -n "$((UNLIKED_FIRST + 1)),$((UNLIKED_FIRST + VHALF))p" "$TOKENS") >"$VIEWERS"
V_LIKED=$(head -n 1 "$VIEWERS"); V_NOT=$(sed -n 2p "$VIEWERS")
curl -sS -H "Authorization: Bearer $V_LIKED" "$BASE/api/v1/statuses/$POST" -o "$RUN/status-body.json"
BODY_BYTES=$(wc -c <"$RUN/status-body.json")
favourited() { awk 'match($0, /"favourited":(true|false)/) { print substr($0, RSTART + 13, RLENGTH - 13); exit }'; }
F1=$(favourited <"$RUN/status-body.json")
F2=$(curl -sS -H "Authorization: Bearer $V_NOT" "$BASE/api/v1/statuses/$POST" | favourited)
raw "read: status body $BODY_BYTES B; favourited for a liker: $F1, for a non-liker: $F2; $((2 * VHALF)) viewers"
{ [ "$F1" = true ] && [ "$F2" = false ]; } || failure "favourited is not per viewer (liker: $F1, non-liker: $F2)"
log "(f) read storm: $RUNS x ${DURATION}s GET /api/v1/statuses/$POST as $((2 * VHALF)) viewers"
wrk -t"$THREADS" -c"$CONNS" -d2s -s "$BENCH/lua/reads.lua" "$BASE" -- "$VIEWERS" "$THREADS" "$POST" >"$RUN/read-warmup.out" 2>&1 || true
for r in $(seq 1 "$RUNS"); do
  run_wrk read "$BASE" "$BENCH/lua/reads.lua" "$VIEWERS" "$THREADS" "$POST"
  raw "read run $r: $(fmt_run)"
done

# ================================================================ (g) mixed
log "(g) mixed: $RUNS x ${DURATION}s, 45% status + 45% context reads, 9% likes (fresh accounts), 1% replies"
MBLOCK=$((MIXED_TOKENS / RUNS))
for r in $(seq 1 "$RUNS"); do
  first=$((MIXED_FIRST + (r - 1) * MBLOCK))
  c0=$(fav_count "$POST")
  run_wrk mixed "$BASE" "$BENCH/lua/mixed.lua" "$VIEWERS" "$TOKENS" "$first" "$MBLOCK" "$THREADS" "$POST"
  read -r ns nc nl nr ex < <(awk '$1=="MIXED"{s+=$3; c+=$4; l+=$5; r+=$6; e+=$9} END{print s+0, c+0, l+0, r+0, e+0}' "$W_OUT")
  sleep 0.5
  c1=$(fav_count "$POST")
  raw "mixed run $r: $(fmt_run)  issued: $ns status, $nc context, $nl likes, $nr replies; favourites_count +$((c1 - c0))"
  [ "$ex" = 0 ] || warn "mixed run $r: $ex wrk thread(s) ran out of fresh likers; the rate is understated (raise MIXED_TOKENS)"
done
CTX_BYTES=$(curl -sS -H "Authorization: Bearer $V_LIKED" "$BASE/api/v1/statuses/$POST/context" | wc -c)
raw "mixed: context response now $CTX_BYTES B"
stop_kindred

# ================================================================ (i) --sync
log "(i) like storm with --sync: $RUNS x ${DURATION}s on a new post"
start_kindred sync --sync
POST_SYNC=$(post_status "$T0" "Second roll from the harbour")
like_runs like-sync "$POST_SYNC" 0 "$BLOCK"
stop_kindred

# ================================================================ (j) HTTP ceiling
log "(j) nginx serving Kindred's status body ($BODY_BYTES B), same wrk settings and script as the read storm"
if need nginx nginx-light; then
  NG="$RUN/nginx"; if [ -n "$PORT" ]; then NGPORT=$((PORT + 1)); else NGPORT=$(free_port); fi
  mkdir -p "$NG/html/api/v1/statuses"
  cp "$RUN/status-body.json" "$NG/html/api/v1/statuses/$POST"
  chmod -R a+rX "$NG"
  cat >"$NG/nginx.conf" <<EOF
worker_processes $(nproc);
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $NG/tmp_body;
  proxy_temp_path $NG/tmp_proxy;
  fastcgi_temp_path $NG/tmp_fastcgi;
  uwsgi_temp_path $NG/tmp_uwsgi;
  scgi_temp_path $NG/tmp_scgi;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  open_file_cache max=16;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$NGPORT;
    root $NG/html;
    default_type application/json;
    location / { try_files \$uri =404; }
  }
}
EOF
  nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" &
  NGINX_PID=$!
  NGBASE="http://127.0.0.1:$NGPORT"
  for _ in $(seq 1 100); do curl -fsS "$NGBASE/api/v1/statuses/$POST" -o /dev/null 2>/dev/null && break; sleep 0.1; done
  if cmp -s <(curl -fsS "$NGBASE/api/v1/statuses/$POST") "$RUN/status-body.json"; then
    wrk -t"$THREADS" -c"$CONNS" -d1s -s "$BENCH/lua/reads.lua" "$NGBASE" -- "$VIEWERS" "$THREADS" "$POST" >/dev/null 2>&1 || true
    for r in $(seq 1 "$RUNS"); do
      run_wrk nginx "$NGBASE" "$BENCH/lua/reads.lua" "$VIEWERS" "$THREADS" "$POST"
      raw "nginx ($BODY_BYTES B) run $r: $(fmt_run)"
    done
  else
    failure "nginx did not serve the body (log: $NG/error.log)"
  fi
  stop_nginx
else
  failure "nginx is not installed and could not be installed"
fi

run_ref() {  # run_ref NAME SCRIPT [ENV...]: a shared reference script, output in $RUN/ref-NAME.log
  local name=$1 script=$2; shift 2
  if [ ! -f "$SHARED_BENCH/$script" ]; then failure "no $SHARED_BENCH/$script"; return 0; fi
  log "    $script ..."
  local rc=0
  env -u PORT "$@" bash "$SHARED_BENCH/$script" >"$RUN/ref-$name.log" 2>&1 || rc=$?
  sed 's/^/      | /' "$RUN/ref-$name.log" >&2
  [ "$rc" = 0 ] || failure "$script exited with status $rc (log: $RUN/ref-$name.log)"
  grep -E '^ *(rate|size|shared|pinned) .*(median|B\/like)' "$RUN/ref-$name.log" | sed "s/^/$name: /" >>"$RAW" || true
}
# ref_field FILE AWK_CONDITION WORD OFFSET: on the first line matching, the field OFFSET after WORD.
ref_field() {
  [ -f "$1" ] || { echo NA; return; }
  awk "$2"' { for (i = 1; i <= NF; i++) if ($i == w) { v = $(i + o); gsub(/^\+/, "", v); print v; found = 1; exit } }
            END { if (!found) print "NA" }' w="$3" o="$4" "$1"
}

log "    the shared HTTP ceiling (304 B body)"
run_ref http http-ceiling.sh RUNS="$RUNS" DURATION="$DURATION" THREADS="$THREADS" CONNS="$CONNS"
H=$RUN/ref-http.log
NG304_RPS=$(ref_field "$H" '$1=="shared" && /median/' median 1)
NG304_P50=$(ref_field "$H" '$1=="shared" && /median/' p50 1)
NG304_P99=$(ref_field "$H" '$1=="shared" && /median/' p99 1)

# ================================================================ (k) PostgreSQL, Redis
PG_ON_RPS=NA; PG_ON_P50=NA; PG_ON_P99=NA; PG_OFF_RPS=NA; PG_OFF_P50=NA; PG_OFF_P99=NA; PG_BPL=NA
FSYNC_RATE=NA
RD_RPS=NA; RD_P50=NA; RD_P99=NA; RD_DISK=NA; RD_MEM=NA
if [ "$SKIP_REFERENCE" != 1 ]; then
  log "(k) references: PostgreSQL and Redis, same like workload"
  run_ref pg pg-likes.sh RUNS="$RUNS" DURATION="$DURATION" LIKES="$ACCOUNTS" VARIANTS="$PG_VARIANTS"
  P=$RUN/ref-pg.log
  PG_ON_RPS=$(ref_field "$P" '$1=="rate" && $2=="counter" && /synchronous_commit=on/ && /median/' new -1)
  PG_ON_P50=$(ref_field "$P" '$1=="rate" && $2=="counter" && /synchronous_commit=on/ && /median/' p50 1)
  PG_ON_P99=$(ref_field "$P" '$1=="rate" && $2=="counter" && /synchronous_commit=on/ && /median/' p99 1)
  PG_OFF_RPS=$(ref_field "$P" '$1=="rate" && $2=="counter" && /synchronous_commit=off/ && /median/' new -1)
  PG_OFF_P50=$(ref_field "$P" '$1=="rate" && $2=="counter" && /synchronous_commit=off/ && /median/' p50 1)
  PG_OFF_P99=$(ref_field "$P" '$1=="rate" && $2=="counter" && /synchronous_commit=off/ && /median/' p99 1)
  PG_BPL=$(ref_field "$P" '$1=="size" && /compacted/' "FULL)" 1)
  # The floor under --sync: the disk's rate of fdatasync after one 8 kB write (what RocksDB does to
  # its WAL; use_fsync is off), which pg-likes.sh measures with pg_test_fsync before its runs. With
  # up to CONNS writers in flight, a perfect group commit could answer CONNS likes an fdatasync:
  # the ceiling for grouped writers is that, or the default like storm if the CPU runs out first.
  FSYNC_RATE=$(ref_field "$P" '$1=="disk:" && /pg_test_fsync/' "ops/sec" -1)
  raw "fsync: fdatasync after one 8 kB write, $FSYNC_RATE ops/s (pg-likes.sh's pg_test_fsync)"
  run_ref redis redis-likes.sh RUNS="$RUNS" DURATION="$DURATION" LIKES="$ACCOUNTS"
  R=$RUN/ref-redis.log
  RD_RPS=$(ref_field "$R" '$1=="rate" && $2=="like" && $3=="P=1" && /median/' median 1)
  RD_P50=$(ref_field "$R" '$1=="rate" && $2=="like" && $3=="P=1" && /median/' p50 1)
  RD_P99=$(ref_field "$R" '$1=="rate" && $2=="like" && $3=="P=1" && /median/' p99 1)
  RD_DISK=$(ref_field "$R" '$1=="size" && $2=="18-digit_ids"' rewrite 1)
  RD_MEM=$(ref_field "$R" '$1=="size" && $2=="18-digit_ids"' "used_memory" 1)
else
  log "(k) SKIP_REFERENCE=1: no PostgreSQL / Redis"
fi

# ================================================================ table
row() {  # row LABEL RPS P50 P99 DISK MEMORY
  local p50=$3 p99=$4
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(fmt_int "$2")" "$(fmt_f "$p50" 3)" "$(fmt_f "$p99" 3)" \
    "$(ratio "$p99" "$p50" 1)" "$5" "$6"
}
LIKE_RPS=$(med like 1); LIKE_P50=$(med like 2); LIKE_P99=$(med like 3)
SYNC_RPS=$(med like-sync 1); SYNC_P50=$(med like-sync 2); SYNC_P99=$(med like-sync 3)
READ_RPS=$(med read 1); READ_P50=$(med read 2); READ_P99=$(med read 3)
MIX_RPS=$(med mixed 1); MIX_P50=$(med mixed 2); MIX_P99=$(med mixed 3)
NG_RPS=$(med nginx 1); NG_P50=$(med nginx 2); NG_P99=$(med nginx 3)
BPL_CELL=$([ "$BYTES_PER_LIKE" = NA ] && echo "n/a ($BYTES_PER_LIKE_RAW uncompacted)" || echo "$BYTES_PER_LIKE")
MEM_CELL="$(fmt_mib "$RSS_BEFORE") -> $(fmt_mib "$RSS_AFTER"), $RSS_PER_LIKE B/like"
RD_MEM_CELL=$([ "$RD_MEM" = NA ] && echo "" || echo "used_memory $RD_MEM B/like")
PG_BPL_CELL=$([ "$PG_BPL" = NA ] && echo "" || echo "$PG_BPL")
RD_DISK_CELL=$([ "$RD_DISK" = NA ] && echo "" || echo "$RD_DISK")

TABLE=$(
  echo "| workload | rate/s | p50 ms | p99 ms | p99/p50 | bytes/like (disk) | memory (RSS before -> after, bytes/like) |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  row "Kindred like storm (default)" "$LIKE_RPS" "$LIKE_P50" "$LIKE_P99" "$BPL_CELL" "$MEM_CELL"
  row "Kindred like storm (--sync)" "$SYNC_RPS" "$SYNC_P50" "$SYNC_P99" "" ""
  row "Kindred read storm" "$READ_RPS" "$READ_P50" "$READ_P99" "" ""
  row "Kindred mixed" "$MIX_RPS" "$MIX_P50" "$MIX_P99" "" ""
  row "nginx static (Kindred-sized body, $BODY_BYTES B)" "$NG_RPS" "$NG_P50" "$NG_P99" "" ""
  row "nginx static (304 B, shared script)" "$NG304_RPS" "$NG304_P50" "$NG304_P99" "" ""
  row "PostgreSQL sync on" "$PG_ON_RPS" "$PG_ON_P50" "$PG_ON_P99" "$PG_BPL_CELL" ""
  row "PostgreSQL sync off" "$PG_OFF_RPS" "$PG_OFF_P50" "$PG_OFF_P99" "" ""
  row "Redis SADD+INCR no pipelining" "$RD_RPS" "$RD_P50" "$RD_P99" "$RD_DISK_CELL" "$RD_MEM_CELL"
)
RATIOS=$(
  echo "- like/nginx: $(ratio "$LIKE_RPS" "$NG_RPS") (Kindred like storm / nginx, Kindred-sized body; vs the 304 B body: $(ratio "$LIKE_RPS" "$NG304_RPS"))"
  echo "- like/redis: $(ratio "$LIKE_RPS" "$RD_RPS") (Kindred like storm / Redis SADD+INCR, no pipelining)"
  echo "- sync-like/pg-sync-on: $(ratio "$SYNC_RPS" "$PG_ON_RPS") (Kindred --sync like storm / PostgreSQL like+counter, synchronous_commit=on)"
  SYNC_CEIL=$(awk -v f="$FSYNC_RATE" -v c="$CONNS" -v l="$LIKE_RPS" \
    'BEGIN { if (f == "NA" || l == "NA") print "NA"; else print (f * c < l ? f * c : l) }')
  echo "- sync-like/fsync-ceiling: $(ratio "$SYNC_RPS" "$SYNC_CEIL") (Kindred --sync like storm / the ceiling for $CONNS grouped writers: fdatasync $(fmt_int "$FSYNC_RATE")/s x $CONNS, or the default like storm if lower; $(ratio "$SYNC_RPS" "$FSYNC_RATE" 1) likes an fdatasync)"
  echo "- read/nginx: $(ratio "$READ_RPS" "$NG_RPS") (Kindred read storm / nginx, Kindred-sized body; vs the 304 B body: $(ratio "$READ_RPS" "$NG304_RPS"))"
  echo "- like p99/p50: $(ratio "$LIKE_P99" "$LIKE_P50" 1), read p99/p50: $(ratio "$READ_P99" "$READ_P50" 1)"
)
CHECKS=$(
  echo "- likes on the post: favourites_count $FAV_FINAL, distinct accounts paged through favourited_by $DISTINCT_FINAL, expected $ACCOUNTS"
  echo "- bytes/like on disk: $([ "$BYTES_PER_LIKE" = NA ] && echo "n/a (needs 'kindred admin compact')" || echo "$BYTES_PER_LIKE B (store after compaction - store before the storm, compacted) / $ACCOUNTS")"
  issue_lines
)

HEADER="Kindred benchmarks, $(date -u +%FT%TZ): $(host_line "$REPO"); wrk -t$THREADS -c$CONNS -d${DURATION}s; medians of $RUNS runs; $ACCOUNTS likers"
report "$WORK/results.md" "$HEADER" "wrk outputs, server and reference logs: $RUN" "$TABLE" "$RATIOS" "$CHECKS"
echo
echo "(table, ratios and raw per-run lines in $WORK/results.md)"

# ================================================================ (l) photo uploads during the read storm
if [ "$SKIP_UPLOADS" != 1 ]; then
  log "(l) photo uploads during the read storm: bench/uploads.sh (own server and data dir; table also in $WORK/uploads-results.md)"
  RUNS="$RUNS" DURATION="$DURATION" THREADS="$THREADS" CONNS="$CONNS" WORK="$WORK" KINDRED_BIN="$KINDRED_BIN" PORT="$PORT" \
    bash "$BENCH/uploads.sh" || failure "bench/uploads.sh: a check failed (see $WORK/uploads-results.md)"
fi
[ "${#FAILURES[@]}" = 0 ]
