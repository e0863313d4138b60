#!/usr/bin/env bash
# Orderly as a deployment on one machine: PostgreSQL (its own cluster), Redis, three Orderly nodes and
# HAProxy in front of them (deploy/haproxy.cfg). Ctrl+C stops everything it started; so does
# `deploy/run-local-cluster.sh stop` from another terminal.
#
#   deploy/run-local-cluster.sh          start, print the URLs, wait for Ctrl+C
#   deploy/run-local-cluster.sh stop     stop a cluster started from another terminal
#
# Settings (environment): ORDERLY_CLUSTER_DIR (state, default /tmp/orderly-cluster; data is kept
# between runs), ORDERLY_LB_PORT (8080), ORDERLY_NODE_PORTS ("8081 8082 8083"), ORDERLY_PG_PORT (55432),
# ORDERLY_REDIS_PORT (56379), ORDERLY_LB_STATS_PORT (8404). Any other ORDERLY_* setting is passed to
# every node (e.g. ORDERLY_DEMO_PEOPLE=20000 for a quicker first start).
# Needs: a JDK 21+ (JAVA_HOME), PostgreSQL 15+ server binaries (Debian: postgresql), redis-server, haproxy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${ORDERLY_CLUSTER_DIR:-/tmp/orderly-cluster}
LB_PORT=${ORDERLY_LB_PORT:-8080}
NODE_PORTS=(${ORDERLY_NODE_PORTS:-8081 8082 8083})
PG_PORT=${ORDERLY_PG_PORT:-55432}
REDIS_PORT=${ORDERLY_REDIS_PORT:-56379}
STATS_PORT=${ORDERLY_LB_STATS_PORT:-8404}
PIDS="$DIR/pids"

say() { echo "run-local-cluster: $*" >&2; }
die() { say "$*"; exit 2; }

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
# PostgreSQL refuses to run as root: as root, its cluster belongs to the postgres (or nobody) user.
if [ "$(id -u)" = 0 ]; then
  PG_USER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  as_pg() { "$@"; }
fi

stop_all() {
  [ -f "$PIDS" ] || { say "nothing to stop"; return 0; }
  # Newest first: HAProxy, the nodes (SIGTERM: each drains, then exits), Redis; PostgreSQL last.
  tac "$PIDS" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  tac "$PIDS" | while read -r name pid; do
    for _ in $(seq 1 120); do if ! kill -0 "$pid" 2>/dev/null; then break; fi; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) still running after 60 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [ -n "$PG_BIN" ] && [ -f "$DIR/pg/postmaster.pid" ]; then
    say "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null || true
  fi
  rm -f "$PIDS"
}

if [ "${1:-}" = stop ]; then
  stop_all
  exit 0
fi
[ -z "${1:-}" ] || die "unknown argument '$1' (none starts the cluster, 'stop' stops it)"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -n "$PG_BIN" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)"
command -v redis-server >/dev/null || die "redis-server not found (Debian: apt-get install redis-server)"
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$HAPROXY" ] || die "haproxy not found (Debian: apt-get install haproxy)"
[ ! -f "$PIDS" ] || die "a cluster from $DIR seems to run already (stop it: $0 stop)"

JAR=orderly-server/target/orderly-server.jar
if [ ! -f "$JAR" ]; then
  say "building $JAR (a few minutes the first time)"
  ./mvnw -B -ntp -q -DskipTests package -pl orderly-server -am
fi

mkdir -p "$DIR/logs" "$DIR/shared"
: > "$PIDS"
trap 'stop_all; exit 0' INT TERM

# PostgreSQL: a cluster of its own, loopback only, trust authentication (a machine to try things on).
if [ ! -f "$DIR/pg/PG_VERSION" ]; then
  say "creating a PostgreSQL cluster in $DIR/pg"
  mkdir -p "$DIR/pg"
  [ "$(id -u)" = 0 ] && chown -R "$PG_USER" "$DIR/pg"
  as_pg "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 >"$DIR/logs/initdb.log"
fi
[ "$(id -u)" = 0 ] && chown "$PG_USER" "$DIR/logs"
as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/logs/postgres.log" -w \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200" start >/dev/null
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='orderly'" | grep -q 1 \
  || "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres orderly

mkdir -p "$DIR/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --appendonly yes --save "" \
  >"$DIR/logs/redis.log" 2>&1 &
echo "redis $!" >> "$PIDS"

await_ready() {
  local port=$1 pid=$2 log=$3
  until curl -fs -o /dev/null "http://127.0.0.1:$port/ready"; do
    kill -0 "$pid" 2>/dev/null || die "the node on port $port stopped; see $log"
    sleep 1
  done
}

# The nodes share one data folder: the first writes the generated keys (token signing, pass keys,
# personal-data keys, operator token) and the demo data; the others, started once it is ready, read
# them. A real deployment gives the keys as settings instead (docs/deploy.md).
i=0
for port in "${NODE_PORTS[@]}"; do
  i=$((i + 1))
  log="$DIR/logs/node$i.log"
  ORDERLY_HTTP_PORT=$port ORDERLY_DATA_DIR="$DIR/shared" \
  ORDERLY_DATABASE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/orderly" ORDERLY_DATABASE_USER=postgres \
  ORDERLY_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  ORDERLY_TRUSTED_PROXIES=${ORDERLY_TRUSTED_PROXIES:-127.0.0.1/32} ORDERLY_DRAIN_SECONDS=${ORDERLY_DRAIN_SECONDS:-10} \
    "$JAVA" -Xmx512m -jar "$JAR" >"$log" 2>&1 &
  echo "node$i $!" >> "$PIDS"
  say "node$i starting on port $port (log: $log)"
  [ $i = 1 ] && say "the first start writes the demo data: a minute or several on a busy machine"
  await_ready "$port" "$!" "$log"
done

ORDERLY_LB_BIND="127.0.0.1:$LB_PORT" ORDERLY_LB_STATS="127.0.0.1:$STATS_PORT" \
ORDERLY_NODE1="127.0.0.1:${NODE_PORTS[0]}" ORDERLY_NODE2="127.0.0.1:${NODE_PORTS[1]}" ORDERLY_NODE3="127.0.0.1:${NODE_PORTS[2]}" \
  "$HAPROXY" -db -f "$ROOT/deploy/haproxy.cfg" >"$DIR/logs/haproxy.log" 2>&1 &
echo "haproxy $!" >> "$PIDS"
until curl -fs -o /dev/null "http://127.0.0.1:$LB_PORT/ready"; do sleep 0.5; done

cat <<INFO

  Orderly, three nodes behind HAProxy:  http://127.0.0.1:$LB_PORT/
  Demo SMS inbox and accounts:          http://127.0.0.1:$LB_PORT/dev.html
  Operator console:                     http://127.0.0.1:$LB_PORT/console.html
  Operator API token:                   $DIR/shared/operator.token
  HAProxy status (nodes UP/DOWN):       http://127.0.0.1:$STATS_PORT/
  Nodes directly:                       $(for p in "${NODE_PORTS[@]}"; do printf 'http://127.0.0.1:%s/ ' "$p"; done)
  PostgreSQL:                           postgresql://postgres@127.0.0.1:$PG_PORT/orderly
  Redis:                                redis://127.0.0.1:$REDIS_PORT
  Logs:                                 $DIR/logs/
  Take a node out (it drains, exits 0): kill -TERM <pid> (pids in $PIDS)
  Stop everything: Ctrl+C here, or $0 stop

INFO
# Waits here until Ctrl+C (or `stop` from elsewhere, which ends the processes waited on).
wait
stop_all
