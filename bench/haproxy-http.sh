#!/usr/bin/env bash
# Joins and status polls per second through HAProxy (deploy/haproxy.cfg) on 1 and on 3 nodes, and
# straight to one node, in one run, against a cluster started by deploy/run-local-cluster.sh with
# the join limit lifted (wrk is one address):
#   ORDERLY_RATE_JOIN_PER_ADDRESS=999999999/1s ORDERLY_GATE_IDENTITY_RATE=0.001 deploy/run-local-cluster.sh
#   bench/haproxy-http.sh [seconds] [connections]
# It starts its own HAProxy (port 8180) with the shipped file: for "1 node" all three server lines
# name the first node. On a 2-core machine the three nodes, HAProxy and wrk share the same cores:
# this shows the proxy's overhead and that every node answers, not scaling. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
CONNECTIONS=${2:-64}
NODE_PORTS=(${ORDERLY_NODE_PORTS:-8081 8082 8083})
LB=127.0.0.1:${BENCH_LB_PORT:-8180}
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
TMP=$(mktemp -d)
LBPID=
trap '[ -n "$LBPID" ] && kill $LBPID 2>/dev/null; rm -rf "$TMP"' EXIT

start_lb() { # node ports for server lines 1..3
  [ -n "$LBPID" ] && { kill $LBPID; wait $LBPID 2>/dev/null || true; }
  ORDERLY_LB_BIND=$LB ORDERLY_LB_STATS=127.0.0.1:${BENCH_STATS_PORT:-8184} \
  ORDERLY_NODE1=127.0.0.1:$1 ORDERLY_NODE2=127.0.0.1:$2 ORDERLY_NODE3=127.0.0.1:$3 \
    "$HAPROXY" -db -f deploy/haproxy.cfg > "$TMP/haproxy.log" 2>&1 &
  LBPID=$!
  until curl -fs -o /dev/null "http://$LB/ready"; do sleep 0.2; done
}
run() { # name url
  curl -s -c "$TMP/cj" -X POST "$2/api/gates/identity/join" > "$TMP/join.json"
  export TICKET; TICKET=$(sed 's/.*"ticket":"\([^"]*\)".*/\1/' "$TMP/join.json")
  export BID; BID=$(awk '/orderly_bid/ {print $7}' "$TMP/cj")
  wrk -t1 -c"$CONNECTIONS" -d5s -s bench/join.lua "$2" > /dev/null   # warm-up
  for kind in join status; do
    wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s bench/$kind.lua "$2" > "$TMP/out.txt"
    printf '%-26s %-6s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$kind" \
      "$(awk '/Requests\/sec/ {print $2}' "$TMP/out.txt")" \
      "$(awk '$1=="50%" {print $2}' "$TMP/out.txt")" "$(awk '$1=="99%" {print $2}' "$TMP/out.txt")" \
      "$(awk '/Non-2xx/ {print $NF}' "$TMP/out.txt" | grep . || echo 0)"
  done
}
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c$CONNECTIONS -d${SECONDS_EACH}s"
run "node 1 directly" "http://127.0.0.1:${NODE_PORTS[0]}"
start_lb "${NODE_PORTS[0]}" "${NODE_PORTS[0]}" "${NODE_PORTS[0]}"
run "HAProxy, 1 node" "http://$LB"
start_lb "${NODE_PORTS[0]}" "${NODE_PORTS[1]}" "${NODE_PORTS[2]}"
run "HAProxy, 3 nodes" "http://$LB"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
