#!/usr/bin/env sh
# Profiles a running Orderly's CPU, kernel included, with async-profiler (from Maven Central), and
# says where it went by kind: thread hand-offs, the PostgreSQL client, HTTP, signing, JIT, GC.
# Usage: bench/async-profile.sh PID [seconds=30] [out=/tmp/orderly-profile.collapsed]
#        bench/async-profile.sh --read FILE   (the summary of a profile taken before)
# Kernel frames need: sysctl -w kernel.perf_event_paranoid=1 kernel.kptr_restrict=0
set -eu
cd "$(dirname "$0")/.."
summarise() {
awk '
  { n = $NF; $NF = ""; s = $0; total += n
    k = "other (JVM threads, interpreter)"
    if (s ~ /ForkJoinPool\.(deactivate|awaitWork|signalWork)|LockSupport\.(park|unpark)/) k = "thread hand-offs (scheduler, futex, epoll)"
    else if (s ~ /CompileBroker|C2Compiler|Compilation::/) k = "JIT compiler"
    else if (s ~ /G1[A-Za-z]*::|GCTask|G1YoungCollector|G1Concurrent/) k = "GC"
    else if (s ~ /futex|epoll_wait|pthread_cond_signal|lll_lock_wake|finish_task_switch|__schedule/) k = "thread hand-offs (scheduler, futex, epoll)"
    else if (s ~ /sun\/security\/ec|ECDSA|intpoly/) k = "ECDSA signing"
    else if (s ~ /io\/vertx\/pgclient|io\/vertx\/sqlclient/) k = "PostgreSQL client"
    else if (s ~ /io\/vertx\/core\/http|io\/netty\/handler\/codec\/http|io\/vertx\/ext\/web/) k = "Vert.x HTTP and web"
    else if (s ~ /com\/fasterxml\/jackson/) k = "Jackson"
    else if (s ~ /dev\/orderly/) k = "Orderly code"
    else if (s ~ /io\/netty/) k = "Netty (socket writes and reads, event loop)"
    kind[k] += n }
  END { printf "%d samples in %s\n", total, FILENAME
        for (k in kind) printf "%6.1f %%  %s\n", 100 * kind[k] / total, k | "sort -rn" }' "$1"
}
if [ "${1:-}" = "--read" ]; then summarise "$2"; exit 0; fi
PID="$1"; SECONDS_="${2:-30}"; OUT="${3:-/tmp/orderly-profile.collapsed}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
VERSION=4.1
JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION-linux-x64.jar"
[ -f "$JAR" ] || ./mvnw -B -q -ntp dependency:get -Dartifact=tools.profiler:async-profiler:$VERSION:jar:linux-x64
DIR=target/async-profiler-$VERSION
[ -f "$DIR/linux-x64/libasyncProfiler.so" ] || { mkdir -p "$DIR" && (cd "$DIR" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" xf "$JAR" linux-x64/libasyncProfiler.so); }
rm -f "$OUT"
"$JAVA" bench/AttachAgent.java "$PID" "$(pwd)/$DIR/linux-x64/libasyncProfiler.so" \
  "start,event=cpu,interval=1ms,timeout=$SECONDS_,collapsed,file=$OUT"
i=0
while [ ! -s "$OUT" ] && [ "$i" -lt $((SECONDS_ + 60)) ]; do sleep 1; i=$((i + 1)); done
[ -s "$OUT" ] || { echo "no profile written to $OUT" >&2; exit 1; }
sleep 2   # the agent may still be writing
summarise "$OUT"
