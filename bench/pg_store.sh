#!/usr/bin/env bash
# The store's favourite path over PostgreSQL 15, side by side: each batch in its own statement
# (max_group 1) against concurrent batches grouped into one statement (max_group 256), at 1, 16
# and 64 writing threads, on a throwaway cluster with fsync and synchronous_commit on (durable
# commits; no standby here: the cluster figures are bench/cluster_storms.sh's).
#   bash bench/pg_store.sh            (after cmake --build build/release --target store_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=/usr/lib/postgresql/15/bin
BENCH=${BENCH:-build/release/bench/store_bench}
[ -x "$BENCH" ] || { echo "build $BENCH first" >&2; exit 1; }
dir=$(mktemp -d /tmp/kindred-pgbench-XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
stop() { as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
as_pg "$BIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=256MB" \
  start >/dev/null
as_pg "$BIN/createdb" -h "$dir" -U postgres kindred
KINDRED_BENCH_DATABASE_URL="host=$dir user=postgres dbname=kindred" \
  "$BENCH" --benchmark_filter='Postgres' --benchmark_min_time=3 "$@"
