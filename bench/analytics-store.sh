#!/usr/bin/env bash
# The analytics store benchmark (docs/BENCHMARKS.md): loads synthetic records into each store and
# times queries. bench/analytics-store.sh [RECORDS] [STORE...]; by default 5,000,000 records into a
# fresh DuckDB file and a fresh PostgreSQL schema on 127.0.0.1:5432 (database test).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=$("$root/bin/find-jdk") || exit 1
export JAVA_HOME
records=${1:-5000000}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stores=("$@")
if [ ${#stores[@]} -eq 0 ]; then
  psql -q -h 127.0.0.1 -U postgres -d test -c 'DROP SCHEMA IF EXISTS pier_analytics CASCADE' 2>/dev/null || true
  stores=("$work/analytics.duckdb" "jdbc:postgresql://127.0.0.1:5432/test?user=postgres")
fi
(cd "$root" && mvn -B -q -ntp -o -Dstyle.color=never -DskipTests -pl bench -am package)
for store in "${stores[@]}"; do
  echo "== $store (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
  "$JAVA_HOME/bin/java" -Xmx1g -cp "$root/bench/target/benchmarks.jar" dev.pier.bench.AnalyticsStoreLoad "$store" "$records"
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
