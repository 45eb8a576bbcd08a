#!/usr/bin/env bash
# Startup cost of the agent for an application that never connects to PostgreSQL: a hello-world main, run in turn
# without an agent, with a no-op agent (premain returns at once: what any -javaagent costs the JVM) and with WAL-y's,
# N times each; prints the median wall time of each, and the median of the differences between WAL-y's run and the
# no-op agent's just before it (steadier than the difference of the medians on a machine whose speed drifts).
# Usage: waly-agent/bench/startup.sh [N] [java]   (after mvn verify has built waly-agent/target/waly-agent.jar)
set -euo pipefail
N=${1:-31}
JAVA=${2:-java}
here="$(cd "$(dirname "$0")/.." && pwd)"
jar="$here/target/waly-agent.jar"
[ -f "$jar" ] || { echo "no $jar: run mvn verify first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="$(dirname "$(command -v "$JAVA")")"
"$bin/javac" -d "$work/classes" "$here/src/test/resources/apps/hello/app/Hello.java"
mkdir -p "$work/noopsrc/noop"
echo 'package noop; public class Agent { public static void premain(String a, java.lang.instrument.Instrumentation i) {} }' > "$work/noopsrc/noop/Agent.java"
"$bin/javac" -d "$work/noopclasses" "$work/noopsrc/noop/Agent.java"
printf 'Premain-Class: noop.Agent\n' > "$work/noopmanifest"
"$bin/jar" cfm "$work/noop.jar" "$work/noopmanifest" -C "$work/noopclasses" .
run() {   # prints the wall time of one run in microseconds
  local t0 t1
  t0=$(date +%s%N)
  "$JAVA" "$@" -cp "$work/classes" app.Hello > /dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }   # microseconds as milliseconds, one decimal
for _ in 1 2 3; do run > /dev/null; run "-javaagent:$jar=walyLogDir=$work/log" > /dev/null; done   # warm the page cache
for _ in $(seq "$N"); do
  run >> "$work/none"
  run "-javaagent:$work/noop.jar" >> "$work/noop"
  run "-javaagent:$jar=walyLogDir=$work/log" >> "$work/waly"
done
a=$(median < "$work/none"); b=$(median < "$work/noop"); c=$(median < "$work/waly")
"$JAVA" -version 2>&1 | head -1
echo "runs: $N each; median wall time: no agent $(ms "$a") ms, no-op agent $(ms "$b") ms, WAL-y agent $(ms "$c") ms"
d=$(paste "$work/noop" "$work/waly" | awk '{print $2 - $1}' | median)
echo "WAL-y over no agent: $(ms $((c - a))) ms; over a no-op agent: $(ms $((c - b))) ms (median of the differences per round: $(ms "$d") ms)"
