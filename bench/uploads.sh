#!/usr/bin/env bash
# bench/uploads.sh: do photo uploads slow the read storm? The photos issue asks that concurrent
# uploads cost the read storm no more than 10% of its rate.
#
#   bash bench/uploads.sh                                  # 3 pairs of 10 s runs, 2 uploaders
#   RUNS=1 DURATION=3 bash bench/uploads.sh                # a quick check
#
# Starts a fresh Kindred on its own data dir ($WORK/uploads), posts one status with a photo, then
# alternates RUNS times: (a) the read storm alone (wrk with lua/reads.lua on that status, the same
# settings as run.sh's read storm) and (b) the same read storm while UPLOADERS curl loops keep
# POSTing a 12-megapixel JPEG to /api/v2/media, each as its own account. Between runs it waits
# until every upload answered 202 has finished processing, so no backlog runs into the next (a).
# Last, one run of the uploaders alone. The photos are generated with libvips (noise over smooth
# colour fields, so the JPEGs are camera-sized and decoding does real work).
# Prints one table (medians of RUNS runs) and writes it with every run's raw line to
# $WORK/uploads-results.md. Exit status 1 when a read was not 2xx, an upload was refused, or an
# upload failed to process; missing the 0.90 target is a warning, not a failure.
set -euo pipefail

RUNS=${RUNS:-3}                       # pairs of timed runs (medians)
DURATION=${DURATION:-10}              # seconds per timed run
THREADS=${THREADS:-2}                 # wrk -t
CONNS=${CONNS:-64}                    # wrk -c
WORK=${WORK:-/tmp/kindred-bench}      # this script works in $WORK/uploads; results in $WORK/uploads-results.md
KINDRED_BIN=${KINDRED_BIN:-build/release/kindred}   # relative paths are from the repository root
PORT=${PORT:-}                        # Kindred's port; empty: a random free port
UPLOADERS=${UPLOADERS:-2}             # concurrent upload loops in (b), one account each
READ_VIEWERS=${READ_VIEWERS:-20000}   # distinct viewers in the read storm
UPLOAD_SIZE=${UPLOAD_SIZE:-4000x3000} # pixels of the photo the uploaders send
MEDIA_THREADS=${MEDIA_THREADS:-}      # kindred serve --media-threads; empty: the server's default
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-300}   # seconds to wait for queued uploads to be processed after a run
TARGET=0.90                           # reads with uploads / reads alone, from the photos issue

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
case "$KINDRED_BIN" in /*) ;; *) KINDRED_BIN="$REPO/$KINDRED_BIN";; esac
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
UW="$WORK/uploads"
RUN="$UW/run"             # this invocation's scratch: wrk outputs, upload logs, server log
DATA="$UW/data"           # a fresh data dir every time
TOKENS="$UW/tokens.txt"   # line 0: the poster; lines 1..UPLOADERS: uploaders; then the viewers
PHOTOS="$UW/photos"       # generated photos, kept between invocations
STOP="$RUN/stop-uploads"
RAW="$RUN/raw.txt"
rm -rf "$RUN" "$DATA" "$TOKENS"; mkdir -p "$RUN" "$PHOTOS"; : >"$RAW"

[ -x "$KINDRED_BIN" ] || { echo "no kindred binary at $KINDRED_BIN (cmake --preset release && cmake --build build/release)" >&2; exit 1; }
[ "$RUNS" -ge 1 ] && [ "$DURATION" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$CONNS" -ge "$THREADS" ] &&
  [ "$UPLOADERS" -ge 1 ] && [ "$READ_VIEWERS" -ge 1 ] ||
  { echo "need RUNS>=1 DURATION>=1 THREADS>=1 CONNS>=THREADS UPLOADERS>=1 READ_VIEWERS>=1" >&2; exit 1; }
[[ "$UPLOAD_SIZE" =~ ^[0-9]+x[0-9]+$ ]] || { echo "UPLOAD_SIZE must be WIDTHxHEIGHT" >&2; exit 1; }
need wrk wrk
need curl curl
need vips libvips-tools

# ---------------------------------------------------------------- processes we start (stopped by PID)
UP_PIDS=()
stop_uploaders() {  # ask the upload loops to stop after their current upload, and wait for them
  touch "$STOP"
  local p
  for p in "${UP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  UP_PIDS=()
}
cleanup() {
  if [ "${#UP_PIDS[@]}" -gt 0 ]; then
    touch "$STOP"; kill -TERM "${UP_PIDS[@]}" 2>/dev/null || true; UP_PIDS=()
  fi
  stop_kindred
}
trap cleanup EXIT
trap 'exit 130' INT TERM

token_at() { sed -n "$(($1 + 1))p" "$TOKENS"; }   # token_at LINE (0-based)

# ---------------------------------------------------------------- photos
# make_photo W H SEED OUT: three smooth colour fields (a horizontal ramp, a sine pattern, a
# vertical ramp) with Gaussian noise (sigma 10) on each, saved as a JPEG of quality 85. The noise
# keeps the file about as large as a phone camera's and makes the decoder do real work.
make_photo() {
  local w=$1 h=$2 seed=$3 out=$4 t c
  t=$(mktemp -d "$RUN/photo.XXXXXX")
  vips grey "$t/x.v" "$w" "$h"
  vips linear "$t/x.v" "$t/r.v" 180 40
  vips sines "$t/s.v" "$w" "$h" --hfreq 0.7 --vfreq 0.4
  vips linear "$t/s.v" "$t/g.v" 60 110
  vips xyz "$t/xy.v" "$w" "$h"
  vips extract_band "$t/xy.v" "$t/y.v" 1
  vips linear "$t/y.v" "$t/b.v" "$(awk -v h="$h" 'BEGIN{print 160 / h}')" 50
  for c in r g b; do
    vips gaussnoise "$t/n.v" "$w" "$h" --mean 0 --sigma 10 --seed "$seed"; seed=$((seed + 1))
    vips add "$t/$c.v" "$t/n.v" "$t/$c-n.v"
  done
  vips bandjoin "$t/r-n.v $t/g-n.v $t/b-n.v" "$t/rgb.v"
  vips cast "$t/rgb.v" "$t/rgb8.v" uchar
  vips copy "$t/rgb8.v" "$t/srgb.v" --interpretation srgb
  vips jpegsave "$t/srgb.v" "$out.tmp" --Q 85 --strip
  mv "$out.tmp" "$out"
  rm -rf "$t"
}
photo() {  # photo WxH SEED: the path of that photo, generated unless it is there already
  local p="$PHOTOS/noise-$1-q85.jpg"
  [ -s "$p" ] || { log "generating a ${1} JPEG with libvips ..."; make_photo "${1%x*}" "${1#*x}" "$2" "$p"; }
  echo "$p"
}
PHOTO=$(photo "$UPLOAD_SIZE" 1)        # what the uploaders send
POST_PHOTO=$(photo 1600x1200 7)        # the photo on the status the read storm reads
PHOTO_BYTES=$(stat -c %s "$PHOTO"); POST_PHOTO_BYTES=$(stat -c %s "$POST_PHOTO")
raw "photos: uploads $UPLOAD_SIZE JPEG $PHOTO_BYTES B ($PHOTO); post 1600x1200 JPEG $POST_PHOTO_BYTES B"

# ---------------------------------------------------------------- seed, start, post
TOTAL=$((1 + UPLOADERS + READ_VIEWERS))
log "kindred-bench uploads: RUNS=$RUNS DURATION=${DURATION}s wrk -t$THREADS -c$CONNS UPLOADERS=$UPLOADERS READ_VIEWERS=$READ_VIEWERS WORK=$WORK"
log "seeding $TOTAL load-test accounts into $DATA ..."
"$KINDRED_BIN" admin seed-load --data-dir "$DATA" --accounts "$TOTAL" --tokens-out "$TOKENS" >"$RUN/seed.log" 2>&1 ||
  { tail -n 20 "$RUN/seed.log" >&2; echo "seed-load failed" >&2; exit 1; }
[ "$(wc -l <"$TOKENS")" = "$TOTAL" ] || { echo "seed-load wrote $(wc -l <"$TOKENS") tokens, expected $TOTAL" >&2; exit 1; }
start_kindred uploads ${MEDIA_THREADS:+--media-threads "$MEDIA_THREADS"}

# upload TOKEN FILE: POST FILE to /api/v2/media; prints "HTTP_CODE SECONDS MEDIA_ID" (MEDIA_ID "-"
# when the answer has none, code 000 when curl got no answer).
upload() {
  local resp code secs id
  resp=$(curl -sS --max-time 120 -H "Authorization: Bearer $1" -F "file=@$2;type=image/jpeg" \
    -w '\n%{http_code} %{time_total}' "$BASE/api/v2/media" 2>>"$RUN/curl-errors.txt") || true
  read -r code secs <<<"${resp##*$'\n'}"
  id=$(json_str "${resp%$'\n'*}" id)
  echo "${code:-000} ${secs:-0} ${id:--}"
}
media_code() {  # media_code TOKEN ID: the HTTP status of GET /api/v1/media/ID (200 ready, 206 processing)
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$BASE/api/v1/media/$2" 2>/dev/null) || true
  echo "${code:-000}"
}

PT=$(token_at 0)
read -r code _ MID < <(upload "$PT" "$POST_PHOTO")
case "$code" in 200|202) ;; *) echo "uploading the post's photo answered $code" >&2; exit 1;; esac
for _ in $(seq 1 600); do [ "$(media_code "$PT" "$MID")" = 200 ] && break; sleep 0.1; done
body=$(curl -sS -X POST -H "Authorization: Bearer $PT" --data-urlencode "status=Harbour at dusk, 12 MP straight off the phone" \
  --data-urlencode "media_ids[]=$MID" "$BASE/api/v1/statuses")
POST=$(json_str "$body" id)
[ -n "$POST" ] || { echo "posting the status failed: ${body:0:300}" >&2; exit 1; }
VIEWERS="$RUN/viewers.txt"
sed -n "$((UPLOADERS + 2)),${TOTAL}p" "$TOKENS" >"$VIEWERS"
curl -sS -H "Authorization: Bearer $(head -n 1 "$VIEWERS")" "$BASE/api/v1/statuses/$POST" -o "$RUN/status-body.json"
BODY_BYTES=$(wc -c <"$RUN/status-body.json")
PREVIEW_URL=$(json_str "$(cat "$RUN/status-body.json")" preview_url)
if grep -q '"media_attachments":\[{' "$RUN/status-body.json" && [ -n "$PREVIEW_URL" ] &&
   [ "$(curl -sS -o /dev/null -w '%{http_code}' "$PREVIEW_URL")" = 200 ]; then
  raw "setup: $TOTAL accounts; status $POST with photo $MID; status body $BODY_BYTES B; preview served"
else
  failure "the status does not show its photo, or the preview is not served (body: $RUN/status-body.json)"
fi

# ---------------------------------------------------------------- uploaders
# uploader K OUT: upload the photo as account K until $STOP exists; one line per upload in OUT:
# "END_EPOCH HTTP_CODE SECONDS MEDIA_ID".
uploader() {
  local tok line
  tok=$(token_at "$1")
  set +e
  while [ ! -e "$STOP" ]; do
    line=$(upload "$tok" "$PHOTO")
    echo "$(date +%s.%N) $line" >>"$2"
    case "$line" in 200\ *|202\ *) ;; *) sleep 0.2;; esac   # do not spin on a refusing server
  done
}
start_uploaders() {  # start_uploaders TAG: output in $RUN/TAG.uK.txt
  rm -f "$STOP"
  local k
  for k in $(seq 1 "$UPLOADERS"); do
    : >"$RUN/$1.u$k.txt"
    uploader "$k" "$RUN/$1.u$k.txt" &
    UP_PIDS+=($!)
  done
}
# upload_stats TAG T0 T1: "ACCEPTED N200 N202 REFUSED MEDIAN_SECONDS" over the uploads that ended in
# [T0, T1] (REFUSED counts every upload of TAG that was not 200 or 202, in the window or not).
upload_stats() {
  local tag=$1 t0=$2 t1=$3 counts secs
  counts=$(cat "$RUN/$tag".u*.txt | awk -v a="$t0" -v b="$t1" '
    { w = ($1 >= a && $1 <= b) }
    $2 == 200 || $2 == 202 { if (w) { acc++; if ($2 == 200) ok++; else later++ } next }
    { bad++ }
    END { print acc + 0, ok + 0, later + 0, bad + 0 }')
  secs=$(cat "$RUN/$tag".u*.txt | awk -v a="$t0" -v b="$t1" '$1 >= a && $1 <= b && ($2 == 200 || $2 == 202) {print $3}' | median)
  echo "$counts $secs"
}
# drain TAG: wait until every upload of TAG answered 202 has been processed (GET /api/v1/media/:id
# answers 200); sets DRAIN_S. A processing failure or a timeout is a failure.
drain() {
  local tag=$1 k t0=$SECONDS pending=() next id code
  for k in $(seq 1 "$UPLOADERS"); do
    while read -r id; do pending+=("$k:$id"); done < <(awk '$2 == 202 {print $4}' "$RUN/$tag.u$k.txt")
  done
  while [ "${#pending[@]}" -gt 0 ]; do
    if [ $((SECONDS - t0)) -ge "$DRAIN_TIMEOUT" ]; then
      failure "$tag: ${#pending[@]} uploads still processing ${DRAIN_TIMEOUT}s after the run"; break
    fi
    next=()
    for k in "${pending[@]}"; do
      code=$(media_code "$(token_at "${k%%:*}")" "${k#*:}")
      case "$code" in
        200) ;;
        206) next+=("$k");;
        *) failure "$tag: upload ${k#*:} answered 202, then GET /api/v1/media answered $code";;
      esac
    done
    pending=("${next[@]+"${next[@]}"}")
    [ "${#pending[@]}" = 0 ] || sleep 0.5
  done
  DRAIN_S=$((SECONDS - t0))
}

# kindred_cpu: "TICKS_REQUESTS TICKS_MEDIA": CPU time of Kindred's threads so far, split into the
# niced ones (the media processing pool) and all others (network threads, worker pool, store).
CLK_TCK=$(getconf CLK_TCK)
kindred_cpu() {
  { cat /proc/"$KPID"/task/*/stat 2>/dev/null || true; } |   # a thread may end between glob and read
    awk '{ sub(/^.*\) /, ""); if ($17 > 0) n += $12 + $13; else o += $12 + $13 } END { print o + 0, n + 0 }'
}
cores() { awk -v a="$1" -v b="$2" -v s="$3" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t / s }'; }  # cores TICKS0 TICKS1 SECONDS

# elsewhere_cpu FILE: "PID TICKS" (utime + stime + cutime + cstime) of every process but Kindred
# and this script's own process tree (wrk, the upload loops), for other_cores. Per-process times,
# not /proc/stat's: on this kind of VM the machine-wide idle counter does not advance.
elsewhere_cpu() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v me="$$" -v k="$KPID" '
    { pid = $1; s = $0; sub(/^.*\) /, "", s); split(s, f, " "); parent[pid] = f[2]; t[pid] = f[12] + f[13] + f[14] + f[15] }
    END { for (p in t) { q = p; ours = 0
            for (n = 0; n < 64 && q > 1; n++) { if (q == me || q == k) { ours = 1; break }; q = parent[q] }
            if (!ours) print p, t[p] } }' >"$1"
}
# other_ticks BEFORE AFTER: CPU ticks other processes used between two elsewhere_cpu files (a process
# that started and ended in between counts through its parent's cutime).
other_ticks() { awk 'NR == FNR { b[$1] = $2; next } { d = $2 - (($1 in b) ? b[$1] : 0); if (d > 0) s += d } END { print s + 0 }' "$1" "$2"; }

# children_cpu: sets CHILD_TICKS, the CPU time of this shell's waited-for children so far (bash's
# `times`, second line), i.e. wrk once run_wrk has returned. `times` runs in this shell: inside
# $(...) it would count the subshell's children instead.
children_cpu() {
  times >"$RUN/times.txt"
  CHILD_TICKS=$(awk -v t="$CLK_TCK" 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] }
                                              printf "%.0f", s * t }' "$RUN/times.txt")
}

# timed PHASE: run PHASE (a command) between two CPU samples; sets T0 T1 SECS and, in cores,
# CPU_REQ CPU_MEDIA (Kindred's threads), CPU_CLIENT (children that ended: wrk) and CPU_OTHER (every
# other process on the machine; not the upload loops, which are children still running).
timed() {
  local r0 m0 r1 m1 c0 c1
  children_cpu; c0=$CHILD_TICKS; elsewhere_cpu "$RUN/elsewhere.0"
  read -r r0 m0 < <(kindred_cpu); T0=$(date +%s.%N)
  "$@"
  T1=$(date +%s.%N); read -r r1 m1 < <(kindred_cpu)
  children_cpu; c1=$CHILD_TICKS; elsewhere_cpu "$RUN/elsewhere.1"
  SECS=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }')
  CPU_REQ=$(cores "$r0" "$r1" "$SECS"); CPU_MEDIA=$(cores "$m0" "$m1" "$SECS")
  CPU_CLIENT=$(cores "$c0" "$c1" "$SECS")
  CPU_OTHER=$(cores 0 "$(other_ticks "$RUN/elsewhere.0" "$RUN/elsewhere.1")" "$SECS")
}
busy_elsewhere() { awk -v o="$CPU_OTHER" 'BEGIN { exit !(o > 0.2) }'; }   # other processes took more than 0.2 cores
cpu_note() { echo "cores: Kindred $CPU_REQ requests + $CPU_MEDIA media, wrk $CPU_CLIENT, other processes $CPU_OTHER"; }

# ---------------------------------------------------------------- (a) / (b) alternating
log "read storm alone (a) and with $UPLOADERS uploaders of $UPLOAD_SIZE JPEGs (b), alternating, $RUNS x ${DURATION}s each, on status $POST"
wrk -t"$THREADS" -c"$CONNS" -d2s -s "$BENCH/lua/reads.lua" "$BASE" -- "$VIEWERS" "$THREADS" "$POST" >"$RUN/read-warmup.out" 2>&1 || true
: >"$RUN/uploads-rate.txt"; : >"$RUN/cpu-alone.txt"; : >"$RUN/cpu-uploads.txt"; : >"$RUN/upload-secs.txt"
B_ACC=0; B_OK=0; B_LATER=0; DRAIN_MAX=0
for r in $(seq 1 "$RUNS"); do
  timed run_wrk alone "$BASE" "$BENCH/lua/reads.lua" "$VIEWERS" "$THREADS" "$POST"
  echo "$CPU_REQ $CPU_MEDIA $CPU_CLIENT $CPU_OTHER" >>"$RUN/cpu-alone.txt"
  raw "run $r (a) read storm alone:     $(fmt_run)  $(cpu_note)"
  if busy_elsewhere; then warn "run $r (a): $CPU_OTHER cores went to other processes during the read storm (background load: noisy figures)"; fi
  A_RPS=$W_RPS

  start_uploaders "b$r"
  sleep 1   # uploads under way before the timed run starts
  timed run_wrk with-uploads "$BASE" "$BENCH/lua/reads.lua" "$VIEWERS" "$THREADS" "$POST"
  stop_uploaders
  echo "$CPU_REQ $CPU_MEDIA $CPU_CLIENT $CPU_OTHER" >>"$RUN/cpu-uploads.txt"
  read -r acc ok later bad usecs < <(upload_stats "b$r" "$T0" "$T1")
  rate=$(awk -v n="$acc" -v s="$SECS" 'BEGIN { printf "%.2f", n / s }')
  echo "$rate" >>"$RUN/uploads-rate.txt"; echo "$usecs" >>"$RUN/upload-secs.txt"
  B_ACC=$((B_ACC + acc)); B_OK=$((B_OK + ok)); B_LATER=$((B_LATER + later))
  [ "$bad" = 0 ] || failure "run $r (b): $bad uploads refused: $(cat "$RUN/b$r".u*.txt | awk '$2 != 200 && $2 != 202 {c[$2]++} END {for (k in c) printf "%s x%d ", k, c[k]}')"
  [ "$acc" -gt 0 ] || failure "run $r (b): no upload was answered during the ${SECS}s read storm"
  drain "b$r"
  [ "$DRAIN_S" -le "$DRAIN_MAX" ] || DRAIN_MAX=$DRAIN_S
  raw "run $r (b) with $UPLOADERS uploaders: $(fmt_run)  $(cpu_note);" \
      "uploads: $acc answered in ${SECS}s = $rate/s (200: $ok, 202: $later), median ${usecs}s each; processed $DRAIN_S s after the run; b/a $(ratio "$W_RPS" "$A_RPS" 3)"
  if busy_elsewhere; then warn "run $r (b): $CPU_OTHER cores went to other processes during the read storm (background load: noisy figures)"; fi
done

# ---------------------------------------------------------------- (c) uploads alone
log "uploads alone: $UPLOADERS uploaders, ${DURATION}s"
start_uploaders c
sleep 1
timed sleep "$DURATION"
stop_uploaders
read -r c_acc c_ok c_later c_bad c_secs < <(upload_stats c "$T0" "$T1")
C_RATE=$(awk -v n="$c_acc" -v s="$SECS" 'BEGIN { printf "%.2f", n / s }')
[ "$c_bad" = 0 ] || failure "uploads alone: $c_bad uploads refused"
drain c
raw "(c) $UPLOADERS uploaders alone: $c_acc answered in ${SECS}s = $C_RATE/s (200: $c_ok, 202: $c_later), median ${c_secs}s each;" \
    "$(cpu_note); processed $DRAIN_S s after the run"
echo "$CPU_REQ $CPU_MEDIA $CPU_CLIENT $CPU_OTHER" >"$RUN/cpu-c.txt"
if busy_elsewhere; then warn "(c): $CPU_OTHER cores went to other processes during the run (background load: noisy figures)"; fi
stop_kindred

# ---------------------------------------------------------------- table
A_RPS=$(med alone 1); A_P50=$(med alone 2); A_P99=$(med alone 3)
B_RPS=$(med with-uploads 1); B_P50=$(med with-uploads 2); B_P99=$(med with-uploads 3)
B_RATE=$(median <"$RUN/uploads-rate.txt"); B_SECS=$(median <"$RUN/upload-secs.txt")
cpu_med() {  # cpu_med FILE: the median of each CPU column of the runs
  local c=() i
  for i in 1 2 3 4; do c+=("$(cut -d' ' -f"$i" "$1" | median)"); done
  echo "${c[0]} + ${c[1]} / ${c[2]} / ${c[3]}"
}
RATIO=$(ratio "$B_RPS" "$A_RPS" 3)
MET=$(awk -v r="$RATIO" -v t="$TARGET" 'BEGIN { print (r != "NA" && r + 0 >= t) ? "met" : "NOT met" }')
[ "$MET" = met ] || warn "reads with uploads / reads alone = $RATIO, below the $TARGET target"
row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
TABLE=$(
  row "workload" "reads/s" "read p50 ms" "read p99 ms" "uploads/s" "upload time p50 s" "cores: Kindred requests + media pool / wrk / other"
  echo "|---|---:|---:|---:|---:|---:|---|"
  row "(a) read storm alone" "$(fmt_int "$A_RPS")" "$(fmt_f "$A_P50" 3)" "$(fmt_f "$A_P99" 3)" "" "" "$(cpu_med "$RUN/cpu-alone.txt")"
  row "(b) read storm + $UPLOADERS uploaders" "$(fmt_int "$B_RPS")" "$(fmt_f "$B_P50" 3)" "$(fmt_f "$B_P99" 3)" "$(fmt_f "$B_RATE")" "$(fmt_f "$B_SECS")" "$(cpu_med "$RUN/cpu-uploads.txt")"
  row "(c) $UPLOADERS uploaders alone (1 run)" "" "" "" "$C_RATE" "$(fmt_f "$c_secs")" "$(cpu_med "$RUN/cpu-c.txt")"
)
SUMMARY=$(
  echo "- reads with uploads / reads alone: $RATIO (target >= $TARGET: $MET); p99 with / alone: $(ratio "$B_P99" "$A_P99")"
  echo "- uploads answered during the (b) runs: $B_ACC ($B_OK answered 200 = processed within the server's wait, $B_LATER answered 202 = still processing); every 202 was processed at most $DRAIN_MAX s after its run"
  echo "- photos: uploads $UPLOAD_SIZE JPEG, $PHOTO_BYTES B; the status read has a 1600x1200 JPEG ($POST_PHOTO_BYTES B), response body $BODY_BYTES B"
  issue_lines
)
HEADER="Kindred photo uploads during the read storm, $(date -u +%FT%TZ): $(host_line "$REPO" "$KINDRED_BIN"); wrk -t$THREADS -c$CONNS -d${DURATION}s; medians of $RUNS runs; $READ_VIEWERS viewers; $UPLOADERS uploaders; --media-threads ${MEDIA_THREADS:-default}"
report "$WORK/uploads-results.md" "$HEADER" "wrk outputs, upload logs and the server log: $RUN" "$TABLE" "$SUMMARY"
echo
echo "(table and raw per-run lines in $WORK/uploads-results.md)"
[ "${#FAILURES[@]}" = 0 ]
