#!/usr/bin/env sh
# Summarises where a JFR recording's CPU samples went: top frames, top Orderly frames (the first
# dev.orderly frame of each stack) and the share per walk step (the HTTP handler on the stack).
# Usage: bench/jfr-top.sh recording.jfr [rows]   (needs a JDK's jfr on PATH or JAVA_HOME)
set -eu
JFR="${JAVA_HOME:+$JAVA_HOME/bin/}jfr"
ROWS="${2:-25}"
"$JFR" print --events jdk.ExecutionSample --stack-depth 64 "$1" | awk -v rows="$ROWS" '
  function flush() {
    if (n == 0) return
    total++
    top[frames[1]]++
    own = ""; step = "other (gate, polls, background)"
    for (i = 1; i <= n; i++) {
      if (own == "" && frames[i] ~ /^dev\.orderly/) own = frames[i]
      f = frames[i]
      if (f ~ /IdentityRoutes\.startChallenge|IdentityRoutes\.lambda\$startChallenge/) step = "identity.challenge"
      else if (f ~ /IdentityRoutes\.verifyChallenge|IdentityRoutes\.lambda\$verifyChallenge/) step = "identity.verify"
      else if (f ~ /IdentityRoutes\.me|IdentityRoutes\.lambda\$me/) step = "me (eligibility)"
      else if (f ~ /BookingRoutes\.searchClinics|BookingRoutes\.lambda\$searchClinics/) step = "clinics (search)"
      else if (f ~ /BookingRoutes\.book|BookingRoutes\.lambda\$book|BookingLanes|BookingTransaction/) step = "reservations (book)"
      else if (f ~ /GateRoutes\.join|GateRoutes\.lambda\$join/) step = "gate join"
      else if (f ~ /GateRoutes\.status|GateRoutes\.lambda\$status/) step = "gate status"
      else if (f ~ /DevRoutes/) step = "dev.sms"
      else if (f ~ /OutboxRelay/) step = "outbox relay"
    }
    if (own != "") mine[own]++
    steps[step]++
    n = 0
  }
  /^jdk.ExecutionSample/ { flush(); inst = 0; next }
  /stackTrace = \[/ { inst = 1; next }
  inst && /^[ \t]+[a-zA-Z_$][^ ]*\(/ { line = $0; sub(/^[ \t]+/, "", line); sub(/\(.*/, "", line); frames[++n] = line; next }
  inst && /^[ \t]+\]/ { inst = 0; next }
  END {
    flush()
    printf "samples: %d\n\n## per step (handler on the stack)\n", total
    for (s in steps) printf "%6.1f%%  %s\n", 100 * steps[s] / total, s | "sort -rn"
    close("sort -rn")
    printf "\n## top frames\n"
    for (f in top) printf "%6.1f%%  %s\n", 100 * top[f] / total, f | "sort -rn | head -" rows
    close("sort -rn | head -" rows)
    printf "\n## first Orderly frame\n"
    for (f in mine) printf "%6.1f%%  %s\n", 100 * mine[f] / total, f | "sort -rn | head -" rows
    close("sort -rn | head -" rows)
  }'
