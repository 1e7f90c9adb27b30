#!/usr/bin/env bash
# bench/web_pages.sh: the memorial post's web page against the API call that lists the same
# comments, side by side in one run, and the page's weight.
#
#   bash bench/web_pages.sh                      # 3 runs of 10 s each, alternating
#   RUNS=1 DURATION=3 bash bench/web_pages.sh    # a quick check
#
# A demo instance (`--demo`: Lena's post about Iris with its comments) on a fresh data dir; wrk -t
# THREADS -c CONNS, signed out, alternating, so noise on this shared machine hits both alike:
#   page       GET /@lena/ID                                  (Accept: text/html)
#   page-gzip  the same with Accept-Encoding: gzip            (what browsers send)
#   comments   GET /api/v1/kindred/statuses/ID/comments?limit=20
# The issue's target: page >= 0.5 x comments. Sizes: the page's HTML gzipped (target <= 35 KB),
# the CSS it links gzipped (target <= 20 KB), and the JavaScript it links, gzipped (optional: the
# page needs 0 bytes of it to show everything, which tests/web/pages.test.mjs checks with
# JavaScript off).
# Writes $WORK/web-results.md. Exit status 1 when a check failed (non-2xx, a target missed).
set -euo pipefail

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
WORK=${WORK:-/tmp/kindred-bench}
KINDRED_BIN=${KINDRED_BIN:-build/release/kindred}
PORT=${PORT:-}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
case "$KINDRED_BIN" in /*) ;; *) KINDRED_BIN="$REPO/$KINDRED_BIN";; esac
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"
need wrk wrk
need curl curl
[ -x "$KINDRED_BIN" ] || { echo "no kindred binary at $KINDRED_BIN (make build-server)" >&2; exit 1; }

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RUN="$WORK/web-run"
DATA="$WORK/web-data"
RAW="$RUN/raw.txt"
rm -rf "$RUN" "$DATA"; mkdir -p "$RUN" "$DATA"; : >"$RAW"
trap 'stop_kindred; rm -rf "$DATA"' EXIT

start_kindred web --demo

lena=$(json_str "$(curl -sf "$BASE/api/v1/accounts/lookup?acct=lena")" id)
post=$(curl -sf "$BASE/api/v1/accounts/$lena/statuses?exclude_replies=true&limit=40" |
       node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).find(x=>x.content.includes("Iris"));console.log(p?p.id:"")})')
[ -n "$post" ] || { echo "the demo has no post about Iris" >&2; exit 1; }
page="$BASE/@lena/$post"
api="$BASE/api/v1/kindred/statuses/$post/comments?limit=20"
comments_on_page=$(curl -sf -H 'Accept: text/html' "$page" | grep -c 'class="comment"' || true)
log "post $post: $comments_on_page comments on its page"

# wrk with fixed headers (no script).
wrk_plain() {  # wrk_plain NAME URL HEADER...
  local name=$1 url=$2; shift 2
  local n=1; while [ -e "$RUN/$name.$n.out" ]; do n=$((n + 1)); done
  local out="$RUN/$name.$n.out" args=() h
  for h in "$@"; do args+=(-H "$h"); done
  timeout $((DURATION + 60)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "${args[@]}" "$url" >"$out" 2>&1 || true
  local rps p50 p99 bad
  rps=$(wrk_get "$out" rps); p50=$(wrk_get "$out" p50); p99=$(wrk_get "$out" p99); bad=$(wrk_get "$out" non2xx)
  [ "$rps" != NA ] || failure "$name run $n: wrk failed, see $out"
  [ "$bad" = 0 ] || failure "$name run $n: $bad non-2xx responses"
  echo "$rps $p50 $p99" >>"$RUN/$name.txt"
  raw "$name run $n: $(fmt_int "$rps") req/s  p50 $p50 ms  p99 $p99 ms  non-2xx $bad"
}

# Warm-up: caches and the allocator, untimed.
DURATION=2 wrk_plain warm "$page" 'Accept: text/html' >/dev/null; rm -f "$RUN"/warm.*
for r in $(seq 1 "$RUNS"); do
  log "run $r of $RUNS"
  wrk_plain page "$page" 'Accept: text/html'
  wrk_plain page-gzip "$page" 'Accept: text/html' 'Accept-Encoding: gzip'
  wrk_plain comments "$api"
done

html=$(curl -sf -H 'Accept: text/html' "$page" | wc -c)
html_gz=$(curl -sf -H 'Accept: text/html' -H 'Accept-Encoding: gzip' "$page" | wc -c)
css_gz=0; js=0
for href in $(curl -sf -H 'Accept: text/html' "$page" | grep -o 'href="/assets/[^"]*\.css"' | sed 's/^href="//; s/"$//'); do
  css_gz=$((css_gz + $(curl -sf -H 'Accept-Encoding: gzip' "$BASE$href" | wc -c)))
done
for src in $(curl -sf -H 'Accept: text/html' "$page" | grep -o 'src="/assets/[^"]*\.js"' | sed 's/^src="//; s/"$//'); do
  js=$((js + $(curl -sf -H 'Accept-Encoding: gzip' "$BASE$src" | wc -c)))
done

P=$(med page 1); G=$(med page-gzip 1); C=$(med comments 1)
ratio_p=$(ratio "$P" "$C"); ratio_g=$(ratio "$G" "$C")
check() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN{ if (v=="NA") print "n/a"; else if ((op=="ge" && v>=t) || (op=="le" && v<=t)) print "met"; else print "NOT met" }'; }
[ "$(check "$ratio_p" 0.5 ge)" = met ] || failure "page/comments $ratio_p < 0.5"
[ "$html_gz" -le 35840 ] || failure "page HTML gzipped $html_gz B > 35 KB"
[ "$css_gz" -le 20480 ] || failure "CSS gzipped $css_gz B > 20 KB"

{
  echo "# Web pages, $(date -u +%FT%TZ)"
  echo
  echo "$(host_line "$REPO" "$KINDRED_BIN"); load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk -t$THREADS -c$CONNS, $RUNS x ${DURATION}s each, alternating; signed out; post $post with $comments_on_page comments on its page"
  echo
  echo "| request | req/s (median) | p50 ms | p99 ms |"
  echo "|---|---:|---:|---:|"
  echo "| page \`GET /@lena/:id\` | $(fmt_int "$P") | $(med page 2) | $(med page 3) |"
  echo "| page, gzip | $(fmt_int "$G") | $(med page-gzip 2) | $(med page-gzip 3) |"
  echo "| API \`GET /api/v1/kindred/statuses/:id/comments?limit=20\` | $(fmt_int "$C") | $(med comments 2) | $(med comments 3) |"
  echo
  echo "- page / comments: **$(fmt_f "$ratio_p")** (target >= 0.5: $(check "$ratio_p" 0.5 ge)); gzip page / comments: $(fmt_f "$ratio_g")"
  echo "- page HTML: $html B, gzipped **$html_gz B** (target <= 35 KB: $(check "$html_gz" 35840 le))"
  echo "- CSS the page links, gzipped: **$css_gz B** (target <= 20 KB: $(check "$css_gz" 20480 le)); JavaScript linked (optional), gzipped: $js B; JavaScript needed: **0 B**"
  issue_lines
  echo
  echo '```'
  cat "$RAW"
  echo '```'
} | tee "$WORK/web-results.md"
[ "${#FAILURES[@]}" = 0 ]
