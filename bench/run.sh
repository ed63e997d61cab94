#!/usr/bin/env bash
# Builds and runs Pier's JMH benchmarks: bench/run.sh [JMH options, e.g. FrameTracker -p payload=64]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=$("$root/bin/find-jdk") || exit 1
export JAVA_HOME
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$root" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package)
exec "$JAVA_HOME/bin/java" -jar "$root/bench/target/benchmarks.jar" "$@"
