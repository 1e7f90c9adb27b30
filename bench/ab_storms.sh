#!/usr/bin/env bash
# bench/ab_storms.sh: the like and read storms on two kindred binaries, side by side in one run,
# to show that a change did not slow them (the ratio new/old of medians).
#
#   OLD_BIN=/tmp/old/build/release/kindred bash bench/ab_storms.sh
#   KINDS="like read mixed" OLD_BIN=... bash bench/ab_storms.sh   # also run.sh's mixed workload
#
# Reuses bench/run.sh's seed cache ($WORK/seed and $WORK/tokens.txt; run bench/run.sh once first).
# When the old binary cannot read a seed the new one wrote (a change of stored format), OLD_WORK
# names another seed cache, written by the old binary, for it.
# Every run starts the binary on a fresh copy of the seed with a fresh post, runs a like storm
# then a read storm, and stops it, so no run inherits another's compaction debt and only one
# server runs at a time; runs alternate old, new, old, new... so machine noise hits both alike.
# Every like of a run uses a token no other request of that server used; each run, on its fresh
# copy, likes with the same block of tokens (from the one after the read viewers' on), so every
# run reads the same keys. The mixed workload (KINDS with "mixed"; lua/mixed.lua, as in run.sh)
# follows the read storm on the same post, after 80 replies by as many accounts, its likes by
# tokens after the like storm's block. Besides req/s it
# reports the server's CPU time per request (all its threads, compaction included, from
# /proc/PID/stat): on a machine others are using, req/s swings with their load while CPU per
# request mostly does not. Writes $WORK/ab-results.md.
set -euo pipefail

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
WORK=${WORK:-/tmp/kindred-bench}
NEW_BIN=${NEW_BIN:-build/release/kindred}
OLD_BIN=${OLD_BIN:?OLD_BIN=path of the kindred binary to compare against}
BLOCK=${BLOCK:-600000}   # tokens per like run (more than DURATION x the like rate)
READ_VIEWERS=${READ_VIEWERS:-100000}  # distinct viewers in the read storm, as in bench/run.sh
OLD_WORK=${OLD_WORK:-$WORK}  # the old binary's seed cache
KINDS=${KINDS:-like read}   # storms of each run, in this order: like, read, mixed
MIXED_BLOCK=${MIXED_BLOCK:-200000}  # fresh likers for one mixed run

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
case "$NEW_BIN" in /*) ;; *) NEW_BIN="$REPO/$NEW_BIN";; esac
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"
need wrk wrk
need curl curl

RUN="$WORK/ab-run"
RAW="$RUN/raw.txt"
rm -rf "$RUN"; mkdir -p "$RUN"; : >"$RAW"
declare -A SEED=([old]="$OLD_WORK/seed" [new]="$WORK/seed") TOKENS=([old]="$OLD_WORK/tokens.txt" [new]="$WORK/tokens.txt")
FIRST=$((READ_VIEWERS > 100000 ? READ_VIEWERS : 100000))  # the likers' first token (0-based)
NEEDED=$((FIRST + BLOCK + MIXED_BLOCK + 80))
for name in old new; do
  [ -d "${SEED[$name]}" ] && [ -s "${TOKENS[$name]}" ] ||
    { echo "no seed at ${SEED[$name]}: run bench/run.sh first" >&2; exit 1; }
  TOTAL=$(wc -l <"${TOKENS[$name]}")
  [ "$TOTAL" -ge "$NEEDED" ] || { echo "need $NEEDED seeded tokens in ${TOKENS[$name]}, have $TOTAL (lower BLOCK)" >&2; exit 1; }
  head -n "$READ_VIEWERS" "${TOKENS[$name]}" >"$RUN/viewers-$name.txt"
done
# Each seed compacted by its own binary (a seed fresh from seed-load still owes compaction, and
# paying it during the first storms, a third of the server's CPU in a profile, hides the difference
# being measured), again whenever another binary compacted it last ($SEED.compacted holds that
# binary's hash). One seed for both (OLD_WORK unset) is compacted by the new binary, so the old one
# then runs on files written with the new one's options: give it OLD_WORK when those differ.
for name in old new; do
  bin=$OLD_BIN; [ "$name" = new ] && bin=$NEW_BIN
  [ "$name" = old ] && [ "${SEED[old]}" = "${SEED[new]}" ] && continue
  hash=$(sha1sum "$bin" | cut -c1-16)
  [ "$(cat "${SEED[$name]}.compacted" 2>/dev/null)" = "$hash" ] && continue
  "$bin" admin compact --data-dir "${SEED[$name]}" >"$RUN/compact-$name.log" 2>&1 ||
    { cat "$RUN/compact-$name.log" >&2; echo "$bin could not compact ${SEED[$name]}" >&2; exit 1; }
  echo "$hash" >"${SEED[$name]}.compacted"
done

declare -A PID PORT POST DIR
STORMS=0
cleanup() { for k in "${!PID[@]}"; do kill "${PID[$k]}" 2>/dev/null || true; done; }
trap cleanup EXIT
stop() {  # stop NAME
  kill "${PID[$1]}" 2>/dev/null || true
  wait "${PID[$1]}" 2>/dev/null || true
  unset "PID[$1]"
  rm -rf "${DIR[$1]}"
}

start() {  # start NAME BIN
  local name=$1 bin=$2 port
  port=$(free_port)
  DIR[$name]="$RUN/data-$name"
  rm -rf "${DIR[$name]}"
  cp -a "${SEED[$name]}" "${DIR[$name]}"
  sync  # the copy's 1.5 GB written back now, not during the storms
  # Emptied here, not by the server's redirect: that one happens in the background job, after the
  # wait below may already have found the previous run's "listening on" in the old log.
  : >"$RUN/$name.log"
  "$bin" serve --listen "127.0.0.1:$port" --data-dir "${DIR[$name]}" --access-log off --rate-limits off \
    >"$RUN/$name.log" 2>&1 &
  PID[$name]=$!
  PORT[$name]=$port
  for _ in $(seq 1 600); do grep -q "listening on" "$RUN/$name.log" && break; sleep 0.1; done
  grep -q "listening on" "$RUN/$name.log" || { cat "$RUN/$name.log" >&2; exit 1; }
  local body
  body=$(curl -sS -X POST -H "Authorization: Bearer $(sed -n 1p "${TOKENS[$name]}")" \
    --data-urlencode "status=A/B post on $name" "http://127.0.0.1:$port/api/v1/statuses")
  POST[$name]=$(json_str "$body" id)
  [ -n "${POST[$name]}" ] || { echo "posting on $name failed: $body" >&2; exit 1; }
  log "$name: pid ${PID[$name]} port $port post ${POST[$name]}"
}

storm() {  # storm NAME KIND FIRST
  local name=$1 kind=$2 first=$3 out cpu0
  out="$RUN/$kind-$name.$((++STORMS)).out"
  cpu0=$(cpu_ticks "${PID[$name]}")
  if [ "$kind" = like ]; then
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$BENCH/lua/likes.lua" \
      "http://127.0.0.1:${PORT[$name]}" -- "${TOKENS[$name]}" "$first" "$BLOCK" "$THREADS" "${POST[$name]}" >"$out" 2>&1
  elif [ "$kind" = read ]; then
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$BENCH/lua/reads.lua" \
      "http://127.0.0.1:${PORT[$name]}" -- "$RUN/viewers-$name.txt" "$THREADS" "${POST[$name]}" >"$out" 2>&1
  else
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$BENCH/lua/mixed.lua" \
      "http://127.0.0.1:${PORT[$name]}" -- "$RUN/viewers-$name.txt" "${TOKENS[$name]}" "$first" "$MIXED_BLOCK" \
      "$THREADS" "${POST[$name]}" >"$out" 2>&1
  fi
  local rps non2xx us
  us=$(us_per_request $(($(cpu_ticks "${PID[$name]}") - cpu0)) "$(wrk_get "$out" requests)")
  rps=$(wrk_get "$out" rps); non2xx=$(wrk_get "$out" non2xx)
  [ "$non2xx" = 0 ] || { echo "$kind on $name: $non2xx non-2xx responses (see $out)" >&2; exit 1; }
  echo "$rps $(wrk_get "$out" p50) $(wrk_get "$out" p99) $us" >>"$RUN/$kind-$name.txt"
  raw "$kind $name: $rps req/s p50 $(wrk_get "$out" p50) ms p99 $(wrk_get "$out" p99) ms, $us µs CPU/request"
}

replies() {  # replies NAME FIRST: 80 replies to the post, by the accounts of tokens FIRST.. (0-based)
  local name=$1 first=$2 i
  for i in $(seq 1 80); do
    curl -sS -o /dev/null -X POST -H "Authorization: Bearer $(sed -n "$((first + i))p" "${TOKENS[$name]}")" \
      --data-urlencode "status=Reply $i: thinking of you" --data-urlencode "in_reply_to_id=${POST[$name]}" \
      "http://127.0.0.1:${PORT[$name]}/api/v1/statuses"
  done
}

declare -A BIN=([old]="$OLD_BIN" [new]="$NEW_BIN")
for r in $(seq 1 "$RUNS"); do
  for name in old new; do
    start "$name" "${BIN[$name]}"
    for kind in $KINDS; do
      case $kind in
        like) storm "$name" like "$FIRST" ;;
        read) storm "$name" read 0 ;;
        mixed)
          replies "$name" "$((FIRST + BLOCK + MIXED_BLOCK))"
          storm "$name" mixed "$((FIRST + BLOCK))" ;;
        *) echo "unknown storm $kind in KINDS" >&2; exit 1 ;;
      esac
    done
    stop "$name"
  done
done

medcol() { cut -d' ' -f"$2" "$RUN/$1.txt" | median; }
{
  echo "| storm | old req/s | new req/s | new/old | old p99 ms | new p99 ms | old µs CPU/req | new µs CPU/req | old/new CPU |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for kind in $KINDS; do
    o=$(medcol "$kind-old" 1); n=$(medcol "$kind-new" 1)
    oc=$(medcol "$kind-old" 4); nc=$(medcol "$kind-new" 4)
    echo "| $kind | $(fmt_int "$o") | $(fmt_int "$n") | $(ratio "$n" "$o") | $(medcol "$kind-old" 3) | $(medcol "$kind-new" 3) | $oc | $nc | $(ratio "$oc" "$nc") |"
  done
  echo
  echo "Medians of $RUNS alternating runs each, wrk -t$THREADS -c$CONNS -d${DURATION}s, $READ_VIEWERS read viewers; old: $OLD_BIN on ${SEED[old]}; new: $NEW_BIN on ${SEED[new]}."
} | tee "$WORK/ab-results.md"
