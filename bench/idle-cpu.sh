#!/usr/bin/env sh
# The CPU a node spends with nobody using it: starts the jar on a data folder (written on the first
# run), waits for /ready, lets it settle SETTLE seconds, then counts its utime+stime ticks
# (/proc/<pid>/stat, 1/100 s each) over WINDOW seconds. Only the Java process is counted: the
# embedded PostgreSQL's own processes are not.
#   bench/idle-cpu.sh <jar> <data-dir> [port] [extra env...]
set -eu
JAR=$1; DATA=$2; PORT=${3:-18480}; SETTLE=${SETTLE:-10}; WINDOW=${WINDOW:-20}
shift 2; [ $# -gt 0 ] && shift
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
env ORDERLY_DATA_DIR="$DATA" ORDERLY_HTTP_PORT="$PORT" ORDERLY_DEMO_PEOPLE="${ORDERLY_DEMO_PEOPLE:-20000}" \
    ORDERLY_DEMO_CLINICS="${ORDERLY_DEMO_CLINICS:-200}" "$@" "$JAVA" -jar "$JAR" > "$DATA.log" 2>&1 &
PID=$!
i=0
until curl -fs "http://127.0.0.1:$PORT/ready" > /dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "not ready after 300 s" >&2; kill "$PID"; exit 1; }
  sleep 0.5
done
sleep "$SETTLE"
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
A=$(ticks); sleep "$WINDOW"; B=$(ticks)
echo "idle ticks in ${WINDOW} s: $((B - A))"
kill "$PID"; wait "$PID" 2>/dev/null || true
