#!/usr/bin/env bash
# The first connection of an application with WAL-y's agent, which loads the agent's instrumentation (Byte Buddy, from
# the jar's pack) and WAL-y's driver: a main that times its first DriverManager.getConnection, run N times without an
# agent and with WAL-y's, in turn; prints the median of each.
# Usage: waly-agent/bench/first-connection.sh N JDBC-URL PGJDBC-JAR [java]   (a running PostgreSQL; after mvn verify)
set -euo pipefail
N=$1; URL=$2; PGJDBC=$3
JAVA=${4:-java}
here="$(cd "$(dirname "$0")/.." && pwd)"
jar="$here/target/waly-agent.jar"
[ -f "$jar" ] || { echo "no $jar: run mvn verify first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="$(dirname "$(command -v "$JAVA")")"
mkdir -p "$work/src/bench"
cat > "$work/src/bench/FirstConnection.java" <<'JAVA'
package bench;
public class FirstConnection {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(args[0])) {
            System.out.println((System.nanoTime() - t0) / 1000);
        }
    }
}
JAVA
"$bin/javac" -d "$work/classes" "$work/src/bench/FirstConnection.java"
run() { "$JAVA" "$@" -cp "$work/classes:$PGJDBC" bench.FirstConnection "$URL"; }
for i in $(seq "$N"); do
  run >> "$work/none"
  run "-javaagent:$jar=walyLogDir=$work/log$i" >> "$work/waly"
done
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}'; }
"$JAVA" -version 2>&1 | head -1
echo "runs: $N each; median first connection: no agent $(median < "$work/none") ms, WAL-y agent $(median < "$work/waly") ms"
