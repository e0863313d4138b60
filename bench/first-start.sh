#!/usr/bin/env bash
# Time a start of the built server with its embedded defaults: wall time until it listens, the
# CPU it and its embedded PostgreSQL used to get there, and the machine's load meanwhile.
# Usage: bench/first-start.sh DATA_DIR [runs]
#   an empty or absent DATA_DIR: the first start (schema, demo data); run it again on the same
#   folder for restarts. Needs a built server (./mvnw -q -o -DskipTests package; JAR= names
#   another copy) and GNU time (/usr/bin/time). Extra environment (ORDERLY_DEMO_PEOPLE, JVM_OPTS)
#   passes through.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=$(realpath -m "${1:?usage: bench/first-start.sh DATA_DIR [runs]}")
RUNS=${2:-1}
PORT=${PORT:-8097}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR=${JAR:-orderly-server/target/orderly-server.jar}
mkdir -p "$DATA"
export ORDERLY_DATA_DIR=$DATA ORDERLY_HTTP_PORT=$PORT
ticks() { awk '{print $14+$15+$16+$17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
echo "machine: $(nproc) cores; java: $("$JAVA" -version 2>&1 | head -1); data: $DATA"
for run in $(seq 1 "$RUNS"); do
  log=$(mktemp)
  load0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$log.time" "$JAVA" ${JVM_OPTS:-} -jar "$JAR" > "$log" 2>&1 &
  timer=$!
  server=
  while [ -z "$server" ]; do server=$(pgrep -P $timer java || true); done
  until grep -q "Orderly is running" "$log"; do
    if ! kill -0 $timer 2>/dev/null; then cat "$log" >&2; echo "the server exited before it listened" >&2; exit 1; fi
    sleep 0.1
  done
  ready=$(( ($(date +%s%N) - t0) / 1000000 ))
  load1=$(cut -d' ' -f1 /proc/loadavg)
  java_cpu=$(ticks "$server")
  # The postmaster's counters include its exited backends (cutime/cstime).
  pm=$(head -1 "$DATA/postgres/postmaster.pid" 2>/dev/null || echo)
  pg_cpu=0; [ -n "$pm" ] && pg_cpu=$(( $(ticks "$pm") + $(pgrep -P "$pm" | while read -r c; do ticks "$c"; done | paste -sd+ | bc) ))
  kill -TERM "$server"; wait $timer || true
  grep -E '^[0-9:.]+ (INFO|WARN)' "$log" | sed 's/^/    /' | grep -v 'starting with' || true
  printf 'run %d: listening after %.1f s wall; to then java %.1f s CPU, postgres %.1f s CPU; load average %s at start, %s when listening\n' \
    "$run" "$(bc -l <<< "$ready/1000")" "$(bc -l <<< "$java_cpu/$hz")" "$(bc -l <<< "$pg_cpu/$hz")" "$load0" "$load1"
  awk -F': ' '/Elapsed|User time|System time|Maximum resident/ {printf "    whole run (to exit): %s %s\n", $1, $2}' "$log.time" | sed 's/\t//'
  rm -f "$log" "$log.time"
done
