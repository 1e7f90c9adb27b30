#!/usr/bin/env bash
# scripts/cluster.sh up|down|status|kill-primary|restart NAME: a whole Kindred cluster on this
# one machine, from Debian's packages (scripts/setup.sh installs them), every port on 127.0.0.1:
#
#   etcd (one member)  <-  Patroni pg1, pg2 (PostgreSQL 15: a primary and a synchronous standby)
#   HAProxy :BASE+30   ->  the current primary (Patroni's REST /primary health check)
#   HAProxy :BASE+31   ->  Kindred node1, node2 (HTTP, roundrobin; health check /api/v1/instance)
#   Redis   :BASE+40       (no persistence; passed as --redis-url when the binary has the flag)
#   Kindred :BASE+51, :BASE+52 (--store postgres; libpq's multi-host URI finds the primary)
#
# Environment:
#   CLUSTER_DIR        state (data, configs, logs, pids); default build/cluster
#   CLUSTER_PORT_BASE  first port (default 25400); the layout is above, Patroni REST BASE+20/21,
#                      PostgreSQL BASE+10/11, etcd BASE+0 (peer BASE+1), HAProxy stats BASE+32
#   KINDRED_BIN        default build/release/kindred
#   KINDRED_NODE_FLAGS extra `kindred serve` flags for both nodes (word-split)
#   CLUSTER_NODE_THREADS network threads per node (default: half the cores, at least one: the two
#                      nodes share this machine; a --threads in KINDRED_NODE_FLAGS wins)
#   CLUSTER_RATE_LIMITS  on|off for the nodes (default off: every client is 127.0.0.1 here)
#   CLUSTER_ACCESS_LOG   on|off (default off; on writes a JSON line per request to nodeN/kindred.log)
#   CLUSTER_DB_ROUTE   libpq (default: a multi-host URI with target_session_attrs=read-write, no
#                      proxy hop) or haproxy (nodes reach the primary through HAProxy's port)
#   CLUSTER_DEMO=1     seed the demo accounts and posts (node1 only, first start only)
#   PATRONI_TTL / PATRONI_LOOP_WAIT / PATRONI_RETRY_TIMEOUT   failover timing (see
#                      docs/scaling/cluster.md; default 10/2/4, Patroni's own is 30/10/10)
#
# `up` waits until Patroni has a leader and a synchronous standby and both nodes answer through
# HAProxy. `down` stops everything this script started (by the PIDs it recorded) and is
# idempotent; `down --wipe` also removes CLUSTER_DIR. `status` prints what runs.
# For the failover test: `kill-primary` SIGKILLs the primary's Patroni and every PostgreSQL
# process of that member (a machine's death) and prints the member's name (`kill pgN`: that
# member, leader or not); `restart pgN` starts
# that member's Patroni again (it rejoins as a standby, with pg_rewind when needed); `restart nodeN`
# stops that Kindred node and starts it with the current KINDRED_BIN and KINDRED_NODE_FLAGS (A/B runs).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-$REPO/build/cluster}
BASE=${CLUSTER_PORT_BASE:-25400}
KINDRED_BIN=${KINDRED_BIN:-$REPO/build/release/kindred}
case "$KINDRED_BIN" in /*) ;; *) KINDRED_BIN="$REPO/$KINDRED_BIN";; esac
PGBIN=/usr/lib/postgresql/15/bin
PY=/usr/bin/python3
# Failover timing. Patroni's defaults (ttl 30, loop_wait 10, retry_timeout 10) brought writes
# back 32-37 s after a primary's death here; 10/2/4 (loop_wait + 2 x retry_timeout <= ttl, as
# Patroni requires) brought them back in 19-24 s over 10 kills (docs/scaling/cluster.md).
TTL=${PATRONI_TTL:-10}
LOOP_WAIT=${PATRONI_LOOP_WAIT:-2}
RETRY_TIMEOUT=${PATRONI_RETRY_TIMEOUT:-4}

ETCD_PORT=$BASE; ETCD_PEER=$((BASE + 1))
PG_PORT=([1]=$((BASE + 10)) [2]=$((BASE + 11)))
REST_PORT=([1]=$((BASE + 20)) [2]=$((BASE + 21)))
HA_PG=$((BASE + 30)); HA_HTTP=$((BASE + 31)); HA_STATS=$((BASE + 32))
REDIS_PORT=$((BASE + 40))
NODE_PORT=([1]=$((BASE + 51)) [2]=$((BASE + 52)))
SUPER_PASS=kindred-cluster-super
REPL_PASS=kindred-cluster-repl
APP_PASS=kindred-cluster-app
# How nodes reach the primary: libpq's own multi-host URI (default), which tries both members and
# keeps the one that accepts writes, or CLUSTER_DB_ROUTE=haproxy: HAProxy's primary port, one hop
# more for every statement (docs/SCALING.md, "Connections": about a tenth fewer spread likes).
if [[ ${CLUSTER_DB_ROUTE:-libpq} == libpq ]]; then
  DATABASE_URL="postgresql://kindred:$APP_PASS@127.0.0.1:${PG_PORT[1]},127.0.0.1:${PG_PORT[2]}/kindred?connect_timeout=5&target_session_attrs=read-write"
else
  DATABASE_URL="postgresql://kindred:$APP_PASS@127.0.0.1:$HA_PG/kindred?connect_timeout=5"
fi
ADMIN_URL="postgresql://postgres:$SUPER_PASS@127.0.0.1:$HA_PG/postgres?connect_timeout=5"
HTTP_URL="http://127.0.0.1:$HA_HTTP"

say() { printf 'cluster: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

PIDS="$CLUSTER_DIR/pids"
NODE_THREADS=${CLUSTER_NODE_THREADS:-$(($(nproc) / 2))}
((NODE_THREADS >= 1)) || NODE_THREADS=1
pidfile() { echo "$PIDS/$1.pid"; }
alive() {  # alive NAME: the recorded process runs
  local f; f=$(pidfile "$1")
  [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# The servers that refuse root (PostgreSQL, so Patroni) run as `postgres` when we are root.
if ((EUID == 0)); then
  PG_USER=postgres
  AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)
else
  PG_USER=$(id -un)
  AS_PG=()
fi
as_pg() { "${AS_PG[@]}" "$@"; }

# start NAME LOG CMD...: runs CMD in its own session in the background, records its PID.
start() {
  local name=$1 log=$2; shift 2
  if alive "$name"; then say "$name already runs (pid $(cat "$(pidfile "$name")"))"; return 0; fi
  setsid "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

# stop NAME [SECONDS]: SIGTERM, wait, SIGKILL; forgets the PID.
stop() {
  local name=$1 secs=${2:-30} f pid
  f=$(pidfile "$name")
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < secs * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then say "$name (pid $pid) ignored SIGTERM for ${secs}s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

# wait_for SECONDS WHAT CMD...: polls CMD every 0.2 s.
wait_for() {
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { say "timed out after ${secs}s waiting for $what"; return 1; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------- configuration files
write_patroni() {  # write_patroni N
  local n=$1 dir="$CLUSTER_DIR/pg$1"
  mkdir -p "$dir"
  cat >"$dir/patroni.yml" <<EOF
scope: kindred
namespace: /kindred-cluster/
name: pg$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:${REST_PORT[$n]}
  connect_address: 127.0.0.1:${REST_PORT[$n]}
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    ttl: $TTL
    loop_wait: $LOOP_WAIT
    retry_timeout: $RETRY_TIMEOUT
    maximum_lag_on_failover: 1048576
    # No acknowledged commit may be lost in a failover: every commit waits for the synchronous
    # standby, and with strict mode the primary blocks writes rather than go on alone.
    synchronous_mode: true
    synchronous_mode_strict: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: 'on'
        wal_log_hints: 'on'
        max_connections: 200
        max_wal_senders: 10
        max_replication_slots: 10
        # PostgresStore takes an advisory lock per edge in a batch: room for large batches
        # (kindred admin seed-load --batch 5000 ran out of the default 64 x max_connections).
        max_locks_per_transaction: 256
        synchronous_commit: 'on'
        shared_buffers: 256MB
  initdb:
    - encoding: UTF8
    - locale: C
    - data-checksums
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:${PG_PORT[$n]}
  connect_address: 127.0.0.1:${PG_PORT[$n]}
  data_dir: $dir/data
  bin_dir: $PGBIN
  pgpass: $dir/pgpass
  authentication:
    superuser:
      username: postgres
      password: $SUPER_PASS
    replication:
      username: replicator
      password: $REPL_PASS
    rewind:
      username: postgres
      password: $SUPER_PASS
  parameters:
    unix_socket_directories: '$dir'
    logging_collector: 'on'
    log_directory: '$dir/log'
    log_filename: 'postgresql.log'
    log_min_messages: warning
    # Per-statement counts and times (SELECT * FROM pg_stat_statements, after CREATE EXTENSION
    # pg_stat_statements): where the database's share of a storm goes. It costs little.
    shared_preload_libraries: pg_stat_statements
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
EOF
  chown -R "$PG_USER" "$dir"
  chmod 700 "$dir"
}

# How HAProxy carries the nodes' HTTP. TCP mode, one connection each, passes the bytes through
# without parsing them (HTTP mode took the read storm from 44-49k to 33k requests/s on this
# machine): each connection starts with a PROXY line (send-proxy) naming the client, which the
# nodes read (--proxy-protocol on), so rate limits still see clients; the health checks speak
# HTTP and send the line too. A binary without --proxy-protocol (an older one, for comparisons)
# gets HTTP mode with X-Forwarded-For.
kindred_http_mode() {
  if node_has_flag --proxy-protocol; then
    printf '  mode tcp\n  default-server inter 2s fall 2 rise 1 send-proxy check-send-proxy\n'
  else
    printf '  mode http\n  option forwardfor\n  default-server inter 2s fall 2 rise 1\n'
  fi
}

write_haproxy() {
  cat >"$CLUSTER_DIR/haproxy.cfg" <<EOF
global
  maxconn 4096
  pidfile $CLUSTER_DIR/haproxy.pid

defaults
  timeout connect 3s
  timeout client 120s
  timeout server 120s
  timeout check 2s
  retries 2

listen stats
  mode http
  bind 127.0.0.1:$HA_STATS
  stats enable
  stats uri /

# The current primary: Patroni answers 200 on /primary only on the leader. A member marked
# down has its sessions cut, so clients reconnect to the new primary at once.
listen postgres_primary
  mode tcp
  bind 127.0.0.1:$HA_PG
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
  server pg1 127.0.0.1:${PG_PORT[1]} maxconn 200 check port ${REST_PORT[1]}
  server pg2 127.0.0.1:${PG_PORT[2]} maxconn 200 check port ${REST_PORT[2]}

# The Kindred nodes, stateless, in turn.
listen kindred_http
$(kindred_http_mode)
  option httpchk GET /api/v1/instance
  http-check expect status 200
  bind 127.0.0.1:$HA_HTTP
  balance roundrobin
  server node1 127.0.0.1:${NODE_PORT[1]} check
  server node2 127.0.0.1:${NODE_PORT[2]} check
EOF
}

write_redis() {
  mkdir -p "$CLUSTER_DIR/redis"
  cat >"$CLUSTER_DIR/redis/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
dir $CLUSTER_DIR/redis
save ""
appendonly no
maxmemory 256mb
maxmemory-policy allkeys-lru
EOF
}

# ---------------------------------------------------------------- Patroni REST
# member_json N PATH: GET on member N's REST API.
rest() { curl -fsS --max-time 2 "http://127.0.0.1:${REST_PORT[$1]}$2"; }
# cluster_view: "name role state" per member, from whichever Patroni answers.
cluster_view() {
  local n out
  for n in 1 2; do
    if out=$(rest "$n" /cluster 2>/dev/null); then
      $PY -c 'import json,sys
for m in json.load(sys.stdin).get("members", []): print(m["name"], m["role"], m.get("state", "?"), m.get("lag", 0))' <<<"$out"
      return 0
    fi
  done
  return 1
}
leader() { cluster_view | awk '$2=="leader" && $3=="running"{print $1; exit}'; }
has_leader_and_sync() {
  local v; v=$(cluster_view) || return 1
  awk '$2=="leader" && $3=="running"{l=1} $2=="sync_standby" && ($3=="streaming" || $3=="running"){s=1} END{exit !(l && s)}' <<<"$v"
}

psql_admin() { PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$ADMIN_URL" "$@"; }

start_patroni() {  # start_patroni pgN
  # A Patroni this script no longer knows (its pid file overwritten) would answer on the port and
  # manage nothing of ours: the wait for a leader would time out with no reason given.
  local holder=""
  alive "$1" || holder=$(ss -Hltnp "sport = :${REST_PORT[${1#pg}]}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 || true)
  if [[ -n $holder ]]; then
    echo "cluster: ${REST_PORT[${1#pg}]} (Patroni's port for $1) is already in use by ${holder#pid=}: $(tr '\0' ' ' </proc/${holder#pid=}/cmdline 2>/dev/null); stop it first" >&2
    return 1
  fi
  start "$1" "$CLUSTER_DIR/$1/patroni.log" env PATH="$PGBIN:/usr/bin:/bin" HOME="$CLUSTER_DIR/$1" \
    "${AS_PG[@]}" patroni "$CLUSTER_DIR/$1/patroni.yml"
}

SERVE_HELP=""
node_has_flag() {  # (the help is read whole first: grep -q would end the pipe early)
  [[ -n $SERVE_HELP ]] || SERVE_HELP=$("$KINDRED_BIN" serve --help 2>&1 || true)
  grep -q -- "$1" <<<"$SERVE_HELP"
}

start_node() {  # start_node N
  local n=$1 dir="$CLUSTER_DIR/node$1" flags=()
  mkdir -p "$dir/data"
  node_has_flag --node-id && flags+=(--node-id "$n")
  node_has_flag --redis-url && flags+=(--redis-url "redis://127.0.0.1:$REDIS_PORT")
  # Every node must know how many there are: a node trusts its store cache only while it hears
  # them all (docs/SCALING.md, "Caches").
  node_has_flag --cluster-nodes && flags+=(--cluster-nodes 2)
  if [[ ${CLUSTER_DEMO:-0} == 1 && $n == 1 && ! -f $CLUSTER_DIR/demo.done ]]; then
    flags+=(--demo); touch "$CLUSTER_DIR/demo.done"
  fi
  # Every client reaches a node through HAProxy on 127.0.0.1, so per-IP limits would be one
  # shared limit here: off by default on this one-machine cluster (CLUSTER_RATE_LIMITS=on).
  flags+=(--rate-limits "${CLUSTER_RATE_LIMITS:-off}" --access-log "${CLUSTER_ACCESS_LOG:-off}"
          --trusted-proxies 127.0.0.1/32)
  node_has_flag --proxy-protocol && flags+=(--proxy-protocol on)
  # shellcheck disable=SC2206
  local extra=(${KINDRED_NODE_FLAGS:-})
  # Both nodes share this machine's cores: each runs its share of network threads, not one per
  # core (two nodes with a thread per core each took the read storm from 47-51k to 31-38k
  # requests/s here: docs/SCALING.md, "Network threads on one machine").
  [[ " ${extra[*]} " == *" --threads "* || " ${extra[*]} " == *" --threads="* ]] ||
    flags+=(--threads "$NODE_THREADS")
  : >"$dir/kindred.log"
  start "node$n" "$dir/kindred.log" "$KINDRED_BIN" serve --store postgres --database-url "$DATABASE_URL" \
    --listen "127.0.0.1:${NODE_PORT[$n]}" --data-dir "$dir/data" --base-url "$HTTP_URL" \
    "${flags[@]}" "${extra[@]}"
}

node_ready() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:${NODE_PORT[$1]}/api/v1/instance"; }
# haproxy_nodes_up: HAProxy's stats say both Kindred nodes are UP (CSV column 18 is the status).
haproxy_nodes_up() {
  curl -fsS --max-time 2 "http://127.0.0.1:$HA_STATS/;csv" |
    awk -F, '$1=="kindred_http" && ($2=="node1" || $2=="node2") && $18=="UP" {n++} END {exit n != 2}'
}
# node_started N: ready, or fails at once (exit 1) when the process is gone.
node_started() {
  alive "node$1" || { say "node$1 exited"; tail -n 30 "$CLUSTER_DIR/node$1/kindred.log" >&2; exit 1; }
  node_ready "$1"
}

# ---------------------------------------------------------------- commands
cmd_up() {
  [[ -x $KINDRED_BIN ]] || die "no kindred binary at $KINDRED_BIN (make build-server)"
  for b in etcd patroni haproxy redis-server "$PGBIN/postgres" setpriv curl; do
    command -v "$b" >/dev/null || die "$b is missing: run scripts/setup.sh"
  done
  mkdir -p "$CLUSTER_DIR" "$PIDS"
  CLUSTER_DIR=$(cd "$CLUSTER_DIR" && pwd)
  # PostgreSQL (as postgres) must reach its directory.
  chmod 755 "$CLUSTER_DIR"
  local t0=$SECONDS

  # etcd
  mkdir -p "$CLUSTER_DIR/etcd"
  start etcd "$CLUSTER_DIR/etcd/etcd.log" etcd --name etcd0 --data-dir "$CLUSTER_DIR/etcd/data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster "etcd0=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new \
    --listen-metrics-urls "" --log-level warn
  wait_for 30 etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health" || { tail -n 20 "$CLUSTER_DIR/etcd/etcd.log" >&2; exit 1; }

  # Redis
  write_redis
  start redis "$CLUSTER_DIR/redis/redis.log" redis-server "$CLUSTER_DIR/redis/redis.conf"

  # Patroni: pg1 first, so it bootstraps; pg2 then clones from it.
  local n
  for n in 1 2; do
    [[ -f $CLUSTER_DIR/pg$n/patroni.yml ]] || write_patroni "$n"
    chown "$PG_USER" "$CLUSTER_DIR/pg$n"
    touch "$CLUSTER_DIR/pg$n/patroni.log"; chown "$PG_USER" "$CLUSTER_DIR/pg$n/patroni.log"
  done
  start_patroni pg1
  wait_for 120 "pg1 to lead" bash -c "[[ \$(curl -fsS -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:${REST_PORT[1]}/primary || true) == 200 ]] || [[ \$(curl -fsS -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:${REST_PORT[2]}/primary || true) == 200 ]]" ||
    { tail -n 30 "$CLUSTER_DIR/pg1/patroni.log" >&2; exit 1; }
  start_patroni pg2

  # HAProxy (in the foreground mode -db, so the PID we record is the one to stop)
  write_haproxy
  start haproxy "$CLUSTER_DIR/haproxy.log" haproxy -db -f "$CLUSTER_DIR/haproxy.cfg"

  wait_for 180 "a leader and a synchronous standby" has_leader_and_sync ||
    { cluster_view >&2 || true; tail -n 30 "$CLUSTER_DIR/pg2/patroni.log" >&2; exit 1; }
  wait_for 30 "HAProxy's primary port" "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$HA_PG"
  wait_for 30 "a query through HAProxy" psql_admin -c "SELECT 1"

  # Kindred's role and database (once).
  if [[ $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'kindred'") != 1 ]]; then
    psql_admin -c "CREATE ROLE kindred LOGIN PASSWORD '$APP_PASS'"
  fi
  if [[ $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'kindred'") != 1 ]]; then
    psql_admin -c "CREATE DATABASE kindred OWNER kindred"
  fi

  # Kindred: node1 first (it applies the migrations), then node2.
  for n in 1 2; do
    start_node "$n"
    wait_for 120 "node$n" node_started "$n" || { tail -n 30 "$CLUSTER_DIR/node$n/kindred.log" >&2; exit 1; }
  done
  wait_for 30 "HAProxy to see both nodes up" haproxy_nodes_up
  say "up in $((SECONDS - t0)) s: $HTTP_URL (nodes :${NODE_PORT[1]} :${NODE_PORT[2]}), primary at 127.0.0.1:$HA_PG"
  cmd_env
}

cmd_env() {  # what the tests and benchmarks read (eval "$(scripts/cluster.sh env)"), single-quoted
  local k v
  while IFS='=' read -r k v; do printf "%s='%s'\n" "$k" "$v"; done <<EOF
CLUSTER_DIR=$CLUSTER_DIR
CLUSTER_HTTP_URL=$HTTP_URL
CLUSTER_NODE1_URL=http://127.0.0.1:${NODE_PORT[1]}
CLUSTER_NODE2_URL=http://127.0.0.1:${NODE_PORT[2]}
CLUSTER_DATABASE_URL=$DATABASE_URL
CLUSTER_ADMIN_URL=$ADMIN_URL
CLUSTER_HAPROXY_STATS=http://127.0.0.1:$HA_STATS/
CLUSTER_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
CLUSTER_PG1_REST=http://127.0.0.1:${REST_PORT[1]}
CLUSTER_PG2_REST=http://127.0.0.1:${REST_PORT[2]}
CLUSTER_PG1_PORT=${PG_PORT[1]}
CLUSTER_PG2_PORT=${PG_PORT[2]}
EOF
}


pg_stop_leftover() {  # a PostgreSQL whose Patroni is gone (killed) still holds its data dir
  local n=$1 pidf="$CLUSTER_DIR/pg$1/data/postmaster.pid"
  [[ -f $pidf ]] || return 0
  local pid; pid=$(head -n 1 "$pidf")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(ps -o comm= -p "$pid") == postgres ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/pg$n/data" -m fast -w -t 30 stop >/dev/null 2>&1 || kill -KILL "$pid" 2>/dev/null || true
  fi
}

cmd_down() {
  [[ -d $CLUSTER_DIR ]] || { say "nothing to stop ($CLUSTER_DIR does not exist)"; return 0; }
  mkdir -p "$PIDS"
  stop node1; stop node2
  stop haproxy
  # The standby first, so the primary does not wait on a vanishing synchronous standby while stopping.
  local first=pg2 second=pg1
  [[ $(leader 2>/dev/null || true) == pg2 ]] && { first=pg1; second=pg2; }
  stop "$first" 60; stop "$second" 60
  pg_stop_leftover 1; pg_stop_leftover 2
  stop redis
  stop etcd
  if [[ ${1:-} == --wipe ]]; then rm -rf "$CLUSTER_DIR"; say "down; removed $CLUSTER_DIR"; else say "down"; fi
}

cmd_status() {
  [[ -d $CLUSTER_DIR ]] || { say "no cluster in $CLUSTER_DIR"; return 1; }
  local name
  for name in etcd redis pg1 pg2 haproxy node1 node2; do
    if alive "$name"; then printf '%-8s running  pid %s\n' "$name" "$(cat "$(pidfile "$name")")"; else printf '%-8s stopped\n' "$name"; fi
  done
  echo
  if [[ -f $CLUSTER_DIR/pg1/patroni.yml ]]; then
    timeout 10 patronictl -c "$CLUSTER_DIR/pg1/patroni.yml" list 2>/dev/null || echo "patronictl: no answer from etcd within 10 s"
    psql_admin -tAc "SHOW synchronous_standby_names" 2>/dev/null | sed 's/^/synchronous_standby_names: /' || true
  fi
  echo
  local n
  for n in 1 2; do
    if node_ready "$n"; then echo "node$n  http://127.0.0.1:${NODE_PORT[$n]}  healthy"; else echo "node$n  http://127.0.0.1:${NODE_PORT[$n]}  NOT answering"; fi
  done
  if curl -fsS --max-time 2 -o /dev/null "$HTTP_URL/api/v1/instance"; then echo "haproxy $HTTP_URL  healthy"; else echo "haproxy $HTTP_URL  NOT answering"; fi
}

# kill pgN: a machine's death for that member: SIGKILL its Patroni and all its PostgreSQL
# processes at once. kill-primary: the same for the current leader; prints its name.
cmd_kill() {
  local l=$1 pids=() pm kids
  [[ $l == pg1 || $l == pg2 ]] || die "kill pg1|pg2"
  [[ -f $(pidfile "$l") ]] && pids+=("$(cat "$(pidfile "$l")")")
  pm=$(head -n 1 "$CLUSTER_DIR/$l/data/postmaster.pid" 2>/dev/null || true)
  if [[ -n $pm ]] && kill -0 "$pm" 2>/dev/null; then
    pids+=("$pm")
    # the postmaster's children (backends, walsender, checkpointer, ...), by parent PID
    mapfile -t kids < <(ps -o pid= --ppid "$pm" | tr -d ' ')
    pids+=("${kids[@]}")
  fi
  ((${#pids[@]})) && kill -KILL "${pids[@]}" 2>/dev/null || true
  rm -f "$(pidfile "$l")"
}
cmd_kill_primary() {
  local l; l=$(leader) || true
  [[ -n $l ]] || die "no running leader to kill"
  cmd_kill "$l"
  echo "$l"
}

cmd_restart() {  # restart pgN: start that member's Patroni again; restart nodeN: stop and start it
  local name=$1
  case $name in
    pg1 | pg2)
      pg_stop_leftover "${name#pg}"
      start_patroni "$name" ;;
    node1 | node2)
      local n=${name#node}
      stop "$name"
      start_node "$n"
      wait_for 120 "$name" node_started "$n" || exit 1
      wait_for 30 "HAProxy to see both nodes up" haproxy_nodes_up ;;
    *) die "restart pg1|pg2|node1|node2" ;;
  esac
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "${1:-}" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  leader) leader ;;
  view) cluster_view ;;
  has-sync) has_leader_and_sync ;;
  kill-primary) cmd_kill_primary ;;
  kill) shift; cmd_kill "${1:-}" ;;
  restart) shift; cmd_restart "${1:-}" ;;
  *) echo "usage: $0 up|down [--wipe]|status|env|leader|view|has-sync|kill-primary|kill pgN|restart pgN" >&2; exit 2 ;;
esac
