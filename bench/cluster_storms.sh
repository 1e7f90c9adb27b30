#!/usr/bin/env bash
# bench/cluster_storms.sh: the storms on the cluster of scripts/cluster.sh (two Kindred nodes
# over PostgreSQL 15 with a synchronous standby, HAProxy, Redis, all on this machine), side by
# side in one run with the same cluster's raw PostgreSQL ceiling (pgbench) and the embedded
# single node's read storm:
#
#   (a) seed ACCOUNTS load-test accounts into the cluster's database (kindred admin
#       --database-url URL seed-load: ids with the admin commands' node number, 63)
#   (b) like storm on one post through HAProxy (every like a distinct account), favourites_count
#       and favourited_by checked against the likes sent
#   (c) likes spread over SPREAD_POSTS posts through HAProxy (every like a distinct account)
#   (d) read storm through HAProxy (both nodes) on the liked post, as READ_VIEWERS viewers
#   (e) pgbench through HAProxy's primary port: the like's durable transaction (edge INSERT ..
#       ON CONFLICT DO NOTHING and the count upsert when the edge is new, one statement) on one
#       post with one count row, on one post with the count over 16 rows, and spread over posts
#   (f) the embedded single node (RocksDB) read storm, same wrk settings, cluster stopped
#
#   bash bench/cluster_storms.sh                       # starts the cluster (wiped) and stops it
#   CLUSTER_RUNNING=1 bash bench/cluster_storms.sh     # on a cluster already up (left running)
#   ACCOUNTS=140000 DURATION=10 RUNS=1 CONNS=64 bash bench/cluster_storms.sh
#
# Load is wrk over loopback (bench/lua/likes.lua, reads.lua), fixed threads and connections;
# figures are medians of RUNS runs. Writes the table to $WORK/results.md and prints it.
set -euo pipefail

RUNS=${RUNS:-1}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
ACCOUNTS=${ACCOUNTS:-140000}        # seeded accounts (likers of both like storms and viewers): at
                                    # 7,000 likes/s a 10 s run needs 70,000 for each storm (half each)
SPREAD_POSTS=${SPREAD_POSTS:-200}
READ_VIEWERS=${READ_VIEWERS:-2000}
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-16}
SEED_BATCH=${SEED_BATCH:-200}          # accounts per transaction (5,000 ran out of PostgreSQL lock slots)
WORK=${WORK:-/tmp/kindred-cluster-bench}
CLUSTER_RUNNING=${CLUSTER_RUNNING:-0}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
KINDRED_BIN=${KINDRED_BIN:-$REPO/build/release/kindred}
PGBIN=/usr/lib/postgresql/15/bin
# shellcheck source=bench/lib/common.sh
source "$BENCH/lib/common.sh"
need wrk wrk
need curl curl

rm -rf "$WORK"; mkdir -p "$WORK"; chmod 755 "$WORK"
RUN="$WORK"; RAW="$WORK/raw.txt"; : >"$RAW"
TOKENS="$WORK/tokens.txt"

STARTED=0
cleanup() {
  stop_kindred
  if [ "$STARTED" = 1 ]; then "$REPO/scripts/cluster.sh" down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$CLUSTER_RUNNING" != 1 ]; then
  log "starting the cluster (scripts/cluster.sh up, wiped first) ..."
  "$REPO/scripts/cluster.sh" down --wipe >/dev/null 2>&1 || true
  STARTED=1
  "$REPO/scripts/cluster.sh" up >"$WORK/cluster-up.log" 2>&1 || { cat "$WORK/cluster-up.log" >&2; exit 1; }
fi
eval "$("$REPO/scripts/cluster.sh" env)"
HA=$CLUSTER_HTTP_URL
raw "cluster: $("$REPO/scripts/cluster.sh" view | tr '\n' ';')  nodes $CLUSTER_NODE1_URL $CLUSTER_NODE2_URL via $HA"

# ---------------------------------------------------------------- (a) seed
log "(a) seeding $ACCOUNTS accounts into the cluster's database ..."
t0=$SECONDS
"$KINDRED_BIN" admin --database-url "$CLUSTER_DATABASE_URL" seed-load \
  --accounts "$ACCOUNTS" --batch "$SEED_BATCH" --tokens-out "$TOKENS" --force >"$WORK/seed.log" 2>&1 ||
  { tail -n 20 "$WORK/seed.log" >&2; echo "seed-load failed" >&2; exit 1; }
[ "$(wc -l <"$TOKENS")" = "$ACCOUNTS" ] || { echo "seed-load wrote $(wc -l <"$TOKENS") tokens, expected $ACCOUNTS" >&2; exit 1; }
raw "seed: $ACCOUNTS accounts in $((SECONDS - t0)) s ($(tail -n 1 "$WORK/seed.log"))"
token_at() { sed -n "$(($1 + 1))p" "$TOKENS"; }

BASE=$HA
post_status() {  # post_status TOKEN TEXT -> id
  local body; body=$(curl -sS -X POST -H "Authorization: Bearer $1" --data-urlencode "status=$2" "$BASE/api/v1/statuses")
  local id; id=$(json_str "$body" id); [ -n "$id" ] || { echo "posting failed: ${body:0:300}" >&2; exit 1; }
  echo "$id"
}
fav_count() { json_num "$(curl -sS "$BASE/api/v1/statuses/$1" 2>/dev/null || true)" favourites_count; }
used_of() { awk '$1=="SLICE"{s+=$5} END{print s+0}' "$1"; }

# Token layout: [0, A/2) like storm on one post; [A/2, A) spread likes; viewers from [0, READ_VIEWERS).
HALF=$((ACCOUNTS / 2))
POST=$(post_status "$(token_at 0)" "Cluster storm: the lighthouse at dusk")
: >"$WORK/spread-posts.txt"
for i in $(seq 1 "$SPREAD_POSTS"); do post_status "$(token_at "$i")" "Spread post $i" >>"$WORK/spread-posts.txt"; done

# ---------------------------------------------------------------- (b) like storm, one post
log "(b) like storm on one post through HAProxy: $RUNS x ${DURATION}s, wrk -t$THREADS -c$CONNS"
BLOCK=$((HALF / RUNS)); sent=0
for r in $(seq 1 "$RUNS"); do
  run_wrk like1 "$HA" "$BENCH/lua/likes.lua" "$TOKENS" $(((r - 1) * BLOCK)) "$BLOCK" "$THREADS" "$POST" storm
  n=$(used_of "$W_OUT"); sent=$((sent + n))
  grep -q '^SLICE.* 1 [0-9]* [0-9]*$' "$W_OUT" && warn "like1 run $r: a wrk thread ran out of tokens (raise ACCOUNTS)"
  sleep 1
  raw "like one post run $r: $(fmt_run)  likes sent $n, favourites_count $(fav_count "$POST") (sent so far $sent)"
done
LIKE1=$(median <"$WORK/like1.txt" 2>/dev/null || true)
LIKE1=$(awk '{print $1}' "$WORK/like1.txt" | median)
COUNT=$(fav_count "$POST")
PAGER=$(node "$BENCH/lib/page_through.mjs" "$HA" "$POST" "$COUNT" 2>"$WORK/pager.err") || true
raw "like one post check: sent $sent (some may be in flight when wrk stopped), favourites_count $COUNT; $PAGER"
case "$PAGER" in *" OK") ;; *) failure "favourites_count and favourited_by disagree: $PAGER";; esac
[ "$COUNT" -le "$sent" ] || failure "favourites_count $COUNT > likes sent $sent"

# ---------------------------------------------------------------- (c) likes spread
log "(c) likes spread over $SPREAD_POSTS posts through HAProxy"
BLOCK2=$(((ACCOUNTS - HALF) / RUNS)); sent2=0
for r in $(seq 1 "$RUNS"); do
  run_wrk spread "$HA" "$BENCH/lua/likes.lua" "$TOKENS" $((HALF + (r - 1) * BLOCK2)) "$BLOCK2" "$THREADS" "@$WORK/spread-posts.txt" storm
  n=$(used_of "$W_OUT"); sent2=$((sent2 + n))
  raw "likes spread run $r: $(fmt_run)  likes sent $n"
done
SPREAD=$(awk '{print $1}' "$WORK/spread.txt" | median)
sleep 1
total=0
while read -r id; do c=$(fav_count "$id"); total=$((total + c)); done <"$WORK/spread-posts.txt"
raw "likes spread check: sent $sent2, sum of favourites_count over the $SPREAD_POSTS posts $total"
[ "$total" -le "$sent2" ] && [ "$total" -ge $((sent2 - CONNS)) ] || failure "spread likes: counted $total of $sent2 sent"

# ---------------------------------------------------------------- (d) read storm through both nodes
head -n "$READ_VIEWERS" "$TOKENS" >"$WORK/viewers.txt"
log "(d) read storm through HAProxy (both nodes): $READ_VIEWERS viewers"
wrk -t"$THREADS" -c"$CONNS" -d2s -s "$BENCH/lua/reads.lua" "$HA" -- "$WORK/viewers.txt" "$THREADS" "$POST" >/dev/null 2>&1 || true
for r in $(seq 1 "$RUNS"); do
  run_wrk read "$HA" "$BENCH/lua/reads.lua" "$WORK/viewers.txt" "$THREADS" "$POST"
  raw "read (cluster) run $r: $(fmt_run)"
done
READC=$(awk '{print $1}' "$WORK/read.txt" | median)
log "    the same read storm on node 1 alone, not through HAProxy (what the proxy costs)"
for r in $(seq 1 "$RUNS"); do
  run_wrk read-node1 "$CLUSTER_NODE1_URL" "$BENCH/lua/reads.lua" "$WORK/viewers.txt" "$THREADS" "$POST"
  raw "read (node 1 directly) run $r: $(fmt_run)"
done
READN1=$(awk '{print $1}' "$WORK/read-node1.txt" | median)

# ---------------------------------------------------------------- (e) pgbench ceiling
log "(e) pgbench through HAProxy's primary port, $PGBENCH_CLIENTS clients"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1)
ADMIN=$CLUSTER_ADMIN_URL
if [ "$("${PSQL[@]}" -d "$ADMIN" -tAc "SELECT 1 FROM pg_database WHERE datname = 'kindred_bench'")" != 1 ]; then
  "${PSQL[@]}" -d "$ADMIN" -c "CREATE DATABASE kindred_bench"
fi
BENCH_URL=${ADMIN%/postgres*}/kindred_bench?connect_timeout=5
"${PSQL[@]}" -d "$BENCH_URL" <<'SQL'
DROP TABLE IF EXISTS bench_assocs, bench_counts;
-- The shape of kindred_assocs and kindred_assoc_counts (src/store/postgres/migrations).
CREATE TABLE bench_assocs (from_id bigint NOT NULL, type integer NOT NULL, to_id bigint NOT NULL,
  position bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (from_id, type, to_id));
CREATE INDEX bench_assocs_range ON bench_assocs (from_id, type, position DESC, to_id);
CREATE TABLE bench_counts (from_id bigint NOT NULL, type integer NOT NULL, slot smallint NOT NULL,
  count bigint NOT NULL, PRIMARY KEY (from_id, type, slot));
SQL
pgscript() {  # pgscript FILE POSTS SLOTS: a like of one of POSTS posts, its count over SLOTS rows
  cat >"$1" <<EOF
\set uid random(1, 1000000000000)
\set post random(1, $2)
\set slot random(0, $(($3 - 1)))
WITH ins AS (INSERT INTO bench_assocs VALUES (:post, 1, :uid, :uid, '\x') ON CONFLICT DO NOTHING RETURNING 1)
INSERT INTO bench_counts SELECT :post, 1, :slot, 1 FROM ins
  ON CONFLICT (from_id, type, slot) DO UPDATE SET count = bench_counts.count + 1;
EOF
}
pgbench_run() {  # pgbench_run NAME POSTS SLOTS -> median tps
  local name=$1 f="$WORK/pg-$1.sql" r tps
  pgscript "$f" "$2" "$3"
  for r in $(seq 1 "$RUNS"); do
    "$PGBIN/pgbench" -n -c "$PGBENCH_CLIENTS" -j 2 -T "$DURATION" -f "$f" "$BENCH_URL" >"$WORK/pg-$name.$r.out" 2>&1 ||
      { failure "pgbench $name failed"; tail -n 5 "$WORK/pg-$name.$r.out" >&2; }
    tps=$(awk '/^tps = /{print $3; exit}' "$WORK/pg-$name.$r.out")
    lat=$(awk '/^latency average/{print $4; exit}' "$WORK/pg-$name.$r.out")
    raw "pgbench $name run $r: ${tps:-NA} tps, latency average ${lat:-NA} ms"
    echo "${tps:-NA}" >>"$WORK/pg-$name.txt"
  done
  median <"$WORK/pg-$name.txt"
}
PG1=$(pgbench_run one-post-one-row 1 1)
PG16=$(pgbench_run one-post-16-rows 1 16)
PGS=$(pgbench_run spread "$SPREAD_POSTS" 1)
rows=$("${PSQL[@]}" -d "$BENCH_URL" -tAc "SELECT (SELECT count(*) FROM bench_assocs) = (SELECT sum(count) FROM bench_counts)")
raw "pgbench check: edges = sum of counts: $rows"

# ---------------------------------------------------------------- (f) the embedded single node
if [ "$STARTED" = 1 ]; then
  log "(f) stopping the cluster; the embedded single node's read storm"
  "$REPO/scripts/cluster.sh" down >/dev/null 2>&1 || true
  STARTED=0
else
  log "(f) the embedded single node's read storm (the cluster stays up, idle)"
fi
DATA="$WORK/embedded"
"$KINDRED_BIN" admin seed-load --data-dir "$DATA" --accounts "$READ_VIEWERS" --tokens-out "$WORK/embedded-tokens.txt" >"$WORK/embedded-seed.log" 2>&1
PORT=""
start_kindred embedded
EPOST=$(post_status "$(sed -n 1p "$WORK/embedded-tokens.txt")" "Cluster storm: the lighthouse at dusk")
wrk -t"$THREADS" -c"$CONNS" -d2s -s "$BENCH/lua/reads.lua" "$BASE" -- "$WORK/embedded-tokens.txt" "$THREADS" "$EPOST" >/dev/null 2>&1 || true
for r in $(seq 1 "$RUNS"); do
  run_wrk read-embedded "$BASE" "$BENCH/lua/reads.lua" "$WORK/embedded-tokens.txt" "$THREADS" "$EPOST"
  raw "read (embedded) run $r: $(fmt_run)"
done
READE=$(awk '{print $1}' "$WORK/read-embedded.txt" | median)
stop_kindred

# ---------------------------------------------------------------- table
{
  echo "## Cluster storms ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; wrk -t$THREADS -c$CONNS, ${DURATION}s x $RUNS, pgbench -c$PGBENCH_CLIENTS)"
  echo
  echo "| workload | req/s | ratio | target |"
  echo "| --- | ---: | ---: | --- |"
  echo "| like storm, one post, through HAProxy | $(fmt_int "$LIKE1") | $(ratio "$LIKE1" "$PG1") of pgbench one row, $(ratio "$LIKE1" "$PG16") of 16 rows | >= 2,000/s, >= 0.5 x pgbench |"
  echo "| likes spread over $SPREAD_POSTS posts | $(fmt_int "$SPREAD") | $(ratio "$SPREAD" "$PGS") of pgbench spread | >= 3,000/s |"
  echo "| read storm through both nodes | $(fmt_int "$READC") | $(ratio "$READC" "$READE") of embedded | >= 0.5 x embedded |"
  echo "| read storm on node 1 alone, not through HAProxy | $(fmt_int "$READN1") | $(ratio "$READN1" "$READE") of embedded | |"
  echo "| pgbench like transaction, one post, one count row | $(fmt_int "$PG1") | | |"
  echo "| pgbench like transaction, one post, 16 count rows | $(fmt_int "$PG16") | | |"
  echo "| pgbench like transaction, $SPREAD_POSTS posts | $(fmt_int "$PGS") | | |"
  echo "| read storm, embedded single node (RocksDB) | $(fmt_int "$READE") | | |"
  echo
  echo '```'
  cat "$RAW"
  echo '```'
} >"$WORK/results.md"
cat "$WORK/results.md"
if ((${#FAILURES[@]})); then printf 'FAILED: %s\n' "${FAILURES[@]}" >&2; exit 1; fi
