# common.sh: helpers for bench/run.sh and bench/uploads.sh (sourced, not run).
# shellcheck shell=bash

log()  { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '%s WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; WARNINGS+=("$*"); }
# failure: a check the benchmark promises did not hold. The run goes on (the other figures are
# still worth having) and run.sh exits 1 at the end.
failure() { printf '%s FAILED: %s\n' "$(date +%H:%M:%S)" "$*" >&2; FAILURES+=("$*"); }
WARNINGS=()
FAILURES=()

# raw LINE: one line of raw results, on stderr and in $RAW (copied into results.md).
raw() { printf '  %s\n' "$*" >&2; printf '%s\n' "$*" >>"$RAW"; }

# need CMD PACKAGE: install a Debian package when CMD is missing (as root, without starting its service).
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing Debian package $2 (for $1) ..."
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install $2" >&2; return 1; fi
  local added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; added=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; } || rc=$?
  if [ "$added" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$rc"
}

# median of numbers on stdin (one per line); NA when there are none.
median() { grep -E '^-?[0-9.]+(e[-+]?[0-9]+)?$' | sort -g |
  awk '{a[NR]=$1} END {if (NR==0) print "NA"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# to_ms TOKEN: a wrk latency (512.00us, 1.20ms, 1.01s, 1.00m) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN{n=v; sub(/[a-z]+$/,"",n); u=v; sub(/^[0-9.]+/,"",u);
    if (n=="") {print "NA"; exit}
    f=(u=="us")?0.001:(u=="ms")?1:(u=="s")?1000:(u=="m")?60000:1; printf "%.3f", n*f}'
}

# ratio A B [DIGITS]: A/B, NA when either is NA or B is 0.
ratio() {
  local a=$1 b=$2 d=${3:-2}
  case "$a$b" in *NA*|"") echo NA; return;; esac
  awk -v a="$a" -v b="$b" -v d="$d" 'BEGIN { if (b+0 == 0) print "NA"; else printf "%.*f", d, a/b }'
}
# fmt_int N / fmt_f N [DIGITS]: table formatting that passes NA through.
fmt_int() { case "$1" in NA|"") echo NA;; *) awk -v v="$1" 'BEGIN{printf "%.0f", v}';; esac; }
fmt_f()   { case "$1" in NA|"") echo NA;; *) awk -v v="$1" -v d="${2:-2}" 'BEGIN{printf "%.*f", d, v}';; esac; }
# fmt_mib BYTES
fmt_mib() { case "$1" in NA|"") echo NA;; *) awk -v v="$1" 'BEGIN{printf "%.0f MiB", v/1048576}';; esac; }

# free_port: a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
  # Below the kernel's ephemeral range: a port in it may be taken, between this check and the
  # server's bind, by one of wrk's own connections (a run once failed so: "Address already in use").
  local p low
  low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 12000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 100); do
    p=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "$p"
}

# cpu_ticks PID: the process's CPU time so far (user + system, all its threads), in clock ticks,
# from /proc/PID/stat. CPU time per request barely moves when other work shares the machine,
# where req/s does.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# us_per_request TICKS REQUESTS: µs of CPU per request (ticks are 1/CLK_TCK s); NA without requests.
us_per_request() {
  case "$2" in NA|""|0) echo NA; return;; esac
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }'
}

# proc_kb PID FIELD: a field of /proc/PID/status in bytes (VmRSS, VmHWM).
proc_bytes() { awk -v f="$2:" '$1==f {print $2*1024}' "/proc/$1/status" 2>/dev/null || echo NA; }

# store_bytes DIR: bytes of the files in a RocksDB directory, not counting its info logs (LOG, LOG.old.*).
store_bytes() { find "$1" -type f ! -name LOG ! -name 'LOG.old.*' -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
sst_bytes()   { find "$1" -type f -name '*.sst' -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }

# wrk output parsing: wrk_get FILE rps|p50|p99|non2xx|sockerr|requests
wrk_get() {
  local f=$1 what=$2
  case "$what" in
    rps)      awk '/^Requests\/sec:/{print $2; found=1} END{if(!found) print "NA"}' "$f";;
    p50)      to_ms "$(awk '$1=="50%"{print $2}' "$f")";;
    p99)      to_ms "$(awk '$1=="99%"{print $2}' "$f")";;
    non2xx)   awk '/Non-2xx or 3xx responses:/{n=$NF} END{print n+0}' "$f";;
    sockerr)  awk '/Socket errors:/{sub(/^ *Socket errors: */,""); print}' "$f";;
    requests) awk '/requests in/{print $1; found=1} END{if(!found) print "NA"}' "$f";;
  esac
}

# json_str JSON KEY / json_num JSON KEY: the first "KEY":"value" / "KEY":number in a JSON text
# (the first one is the outer object's for the keys used here); empty when absent.
json_str() { awk -v k="\"$2\":\"" '{ i = index($0, k); if (i) { s = substr($0, i + length(k)); print substr(s, 1, index(s, "\"") - 1); exit } }' <<<"$1"; }
json_num() { awk -v k="\"$2\":" '{ i = index($0, k); if (i) { s = substr($0, i + length(k)); if (match(s, /^[0-9]+/)) print substr(s, 1, RLENGTH); exit } }' <<<"$1"; }

# ---------------------------------------------------------------- Kindred and wrk (run.sh, uploads.sh)
# These use the caller's globals: KINDRED_BIN, DATA (data dir), RUN (scratch dir), PORT (empty:
# a free port), THREADS, CONNS, DURATION; they set KPID, KLOG, BASE and the W_* results.
KPID=""; KLOG=""; BASE=""
start_kindred() {  # start_kindred LABEL [serve flags]
  local label=$1; shift
  local port=${PORT:-$(free_port)}
  KLOG="$RUN/kindred-$label.log"
  : >"$KLOG"  # here, not only by the background job's redirect, which may come after the wait looks
  "$KINDRED_BIN" serve --listen "127.0.0.1:$port" --data-dir "$DATA" --access-log off --rate-limits off "$@" >"$KLOG" 2>&1 &
  KPID=$!
  local i
  for i in $(seq 1 1200); do
    grep -q "listening on" "$KLOG" && break
    if ! kill -0 "$KPID" 2>/dev/null; then cat "$KLOG" >&2; KPID=""; echo "kindred did not start" >&2; exit 1; fi
    sleep 0.1
  done
  grep -q "listening on" "$KLOG" || { cat "$KLOG" >&2; echo "kindred did not say it was listening within 120 s" >&2; exit 1; }
  BASE="http://127.0.0.1:$port"
  log "kindred ($label) pid $KPID at $BASE, ready after $(awk -v i="$i" 'BEGIN{printf "%.1f", i/10}') s"
}
stop_kindred() {
  [ -n "$KPID" ] || return 0
  local rc=0
  kill -TERM "$KPID" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$KPID" 2>/dev/null; then
    warn "kindred (pid $KPID) did not stop within 60 s of SIGTERM; killed"
    kill -KILL "$KPID" 2>/dev/null || true
  fi
  wait "$KPID" 2>/dev/null || rc=$?
  [ "$rc" = 0 ] || warn "kindred exited with status $rc after SIGTERM (log: $KLOG)"
  KPID=""
}

# seeded_server_with_post LABEL MIN_TOKENS TEXT: starts Kindred (start_kindred LABEL) on a fresh
# copy of bench/run.sh's seed in $RUN/data and posts TEXT as the seed's first account; sets TOKENS,
# DATA, POST (and KPID, BASE). Exits when the seed is missing or has fewer than MIN_TOKENS tokens.
# The caller sets RUN (emptied here) and traps stop_kindred.
seeded_server_with_post() {
  local label=$1 min=$2 text=$3
  TOKENS="$WORK/tokens.txt"
  if [ ! -d "$WORK/seed" ] || [ "$(wc -l <"$TOKENS" 2>/dev/null || echo 0)" -lt "$min" ]; then
    echo "need bench/run.sh's seed in $WORK with at least $min tokens (run bench/run.sh first)" >&2; exit 1
  fi
  rm -rf "$RUN"; mkdir -p "$RUN"
  DATA="$RUN/data"; cp -a "$WORK/seed" "$DATA"
  start_kindred "$label"
  POST=$(json_str "$(curl -sS -X POST -H "Authorization: Bearer $(sed -n 1p "$TOKENS")" \
    --data-urlencode "status=$text" "$BASE/api/v1/statuses")" id)
  [ -n "$POST" ] || { echo "posting failed" >&2; exit 1; }
}

# run_wrk NAME URL SCRIPT [SCRIPT ARGS...]: one timed run (wrk -t THREADS -c CONNS -d DURATION --latency).
# Appends "rps p50_ms p99_ms" to $RUN/NAME.txt; sets W_OUT W_RPS W_P50 W_P99 W_NON2XX W_SOCK.
run_wrk() {
  local name=$1 url=$2 script=$3; shift 3
  local n=1; while [ -e "$RUN/$name.$n.out" ]; do n=$((n + 1)); done
  W_OUT="$RUN/$name.$n.out"
  local rc=0
  timeout $((DURATION + 120)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$script" "$url" -- "$@" \
    >"$W_OUT" 2>&1 || rc=$?
  W_RPS=$(wrk_get "$W_OUT" rps); W_P50=$(wrk_get "$W_OUT" p50); W_P99=$(wrk_get "$W_OUT" p99)
  W_NON2XX=$(wrk_get "$W_OUT" non2xx); W_SOCK=$(wrk_get "$W_OUT" sockerr)
  if [ "$rc" != 0 ] || [ "$W_RPS" = NA ]; then
    failure "$name run $n: wrk failed (status $rc), see $W_OUT"; tail -n 5 "$W_OUT" >&2
  fi
  [ "$W_NON2XX" = 0 ] || failure "$name run $n: $W_NON2XX non-2xx responses"
  [ -z "$W_SOCK" ] || warn "$name run $n: socket errors: $W_SOCK"
  echo "$W_RPS $W_P50 $W_P99" >>"$RUN/$name.txt"
}
med() { if [ -f "$RUN/$1.txt" ]; then cut -d' ' -f"$2" "$RUN/$1.txt" | median; else echo NA; fi; }  # med NAME COLUMN
fmt_run() { printf '%s req/s  p50 %s ms  p99 %s ms  non-2xx %s' "$(fmt_int "$W_RPS")" "$W_P50" "$W_P99" "$W_NON2XX"; }

# ---------------------------------------------------------------- reports
# host_line REPO [BIN]: "N cpus (MODEL), KERNEL; kindred COMMIT[+local changes]" for report
# headers, where COMMIT is the repository's HEAD; with BIN, also that binary's path and file time
# (HEAD may have moved on since it was built).
host_line() {
  printf '%s cpus (%s), %s; kindred %s%s' "$(nproc)" "$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)" \
    "$(uname -r)" "$(git -C "$1" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$(git -C "$1" diff --quiet HEAD -- src 2>/dev/null || echo '+local changes')"
  [ -z "${2:-}" ] || printf ' (binary %s, modified %s)' "$2" "$(date -u -r "$2" +%FT%TZ)"
}
# issue_lines: "- FAILED: ..." for each failure, then "- warning: ..." for each warning.
issue_lines() {
  local x
  for x in "${FAILURES[@]}"; do echo "- FAILED: $x"; done
  for x in "${WARNINGS[@]}"; do echo "- warning: $x"; done
}
# report FILE HEADER FOOTER PARAGRAPH...: writes "# HEADER", the paragraphs, the raw lines of $RAW
# and FOOTER to FILE (markdown), then prints HEADER and the paragraphs to stdout.
report() {
  local file=$1 header=$2 footer=$3 p; shift 3
  {
    echo "# $header"
    for p in "$@"; do echo; echo "$p"; done
    echo
    echo "## Raw results (one line per run)"
    echo
    echo '```'
    cat "$RAW"
    echo '```'
    echo
    echo "$footer"
  } >"$file"
  echo
  echo "$header"
  for p in "$@"; do echo; echo "$p"; done
}
