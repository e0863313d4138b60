#!/usr/bin/env bash
# End-to-end gate throughput on this machine: wrk against a running Orderly, hello-world (/health)
# vs join vs status, in one run. Usage: bench/gate-http.sh [postgres|redis] [seconds] [connections]
# postgres: the default node (gates in the embedded PostgreSQL); redis: gates in ORDERLY_REDIS_URL.
# Needs wrk (apt-get install wrk) and a built server (./mvnw -q -DskipTests package; JAR= names another
# copy — a build from before issue #10 keeps the default node's gates in memory: label its run "memory").
# The identity gate is set to admit almost nobody, so status answers are the common "waiting" case.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE=${1:-postgres}
SECONDS_EACH=${2:-20}
CONNECTIONS=${3:-64}
PORT=${PORT:-8099}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
DATA=$(mktemp -d)
# wrk is one address: the per-address join limit would answer most joins with 429, so lift it.
export ORDERLY_RATE_JOIN_PER_ADDRESS=999999999/1s
export ORDERLY_HTTP_PORT=$PORT ORDERLY_DATA_DIR=$DATA ORDERLY_GATE_IDENTITY_RATE=0.001 ORDERLY_DEMO_PEOPLE=1000 ORDERLY_DEMO_CLINICS=17
if [ "$STORE" = redis ]; then
  export ORDERLY_REDIS_URL=${ORDERLY_REDIS_URL:-redis://127.0.0.1:6379} ORDERLY_REDIS_PREFIX=bench-$$
fi
"$JAVA" ${JVM_OPTS:--Xms1g -Xmx1g} -jar "${JAR:-orderly-server/target/orderly-server.jar}" > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q "Orderly is running" "$DATA/server.log" && break; sleep 0.5; done
URL=http://127.0.0.1:$PORT

JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
heap() { $JCMD $SERVER GC.run >/dev/null; $JCMD $SERVER GC.heap_info | awk '/garbage-first heap/ {for(i=1;i<=NF;i++) if ($i=="used") print $(i+1)}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; java: $("$JAVA" -version 2>&1 | head -1); store: $STORE; wrk -t1 -c$CONNECTIONS -d${SECONDS_EACH}s"
curl -s -c "$DATA/cj" -X POST $URL/api/gates/identity/join > "$DATA/join.json"
export TICKET=$(sed 's/.*"ticket":"\([^"]*\)".*/\1/' "$DATA/join.json")
export BID=$(awk '/orderly_bid/ {print $7}' "$DATA/cj")

busy() { awk '/^cpu / {print $2+$3+$4+$7+$8}' /proc/stat; }
ticks() { local t=0 p v; for p in "$@"; do v=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null) || v=; [ -n "$v" ] && t=$((t + v)); done; echo $t; }
run() { # name, wrk args...
  local name=$1; shift
  local redis_pids; redis_pids=$(pgrep -d' ' redis-server || true)
  local b0 o0; b0=$(busy); o0=$(ticks $SERVER $redis_pids)
  wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency "$@" > "$DATA/$name.txt" &
  local w=$!; local w0; w0=$(ticks $w)
  local wt; wt=$(ticks $w); while kill -0 $w 2>/dev/null; do wt=$(ticks $w); sleep 0.2; done; wait $w
  # Share of the machine's busy CPU that went to anything but Orderly, Redis and wrk: a quiet run is near 0.
  local others; others=$(awk -v b="$(( $(busy) - b0 ))" -v o="$(( $(ticks $SERVER $redis_pids) - o0 + wt - w0 ))" \
    'BEGIN { printf "%.0f%%", (b > 0 ? 100 * (b - o) / b : 0) }')
  printf '%-8s %12s req/s   p50 %8s   p99 %8s   non-2xx %s   other processes %s\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' "$DATA/$name.txt")" \
    "$(awk '$1=="50%" {print $2}' "$DATA/$name.txt")" "$(awk '$1=="99%" {print $2}' "$DATA/$name.txt")" \
    "$(awk '/Non-2xx/ {print $NF}' "$DATA/$name.txt" | grep . || echo 0)" "$others"
}
run warmup -s bench/join.lua "$URL" >/dev/null
BEFORE=$(heap)
run hello "$URL/health"
run join -s bench/join.lua "$URL"
run status -s bench/status.lua "$URL"
issued() { curl -s $URL/api/gates/identity | sed 's/.*"issued":\([0-9]*\).*/\1/'; }
# Optionally keep joining until JOINS_TARGET joins were issued in all (e.g. 6000000), to measure heap growth.
while [ -n "${JOINS_TARGET:-}" ] && [ "$(issued)" -lt "$JOINS_TARGET" ]; do
  wrk -t1 -c"$CONNECTIONS" -d30s -s bench/join.lua "$URL" > /dev/null
done
AFTER=$(heap)
JOINS=$(issued)
echo "joins issued in total: $JOINS; heap used after GC: before ${BEFORE}, after ${AFTER}"
