#!/usr/bin/env bash
# Pier's CPU per echoed message, warm (issue 15): one fresh Pier JVM with bench/pier-handshake.yaml
# moved to ports of its own (listener BASE+3, admin BASE+4, echo origin BASE+1), a 10 s warm-up of
# the harness's load.js, then three 8 s rounds of it; prints each round's CPU s per million messages
# (the JVM's user + system time from /proc) and msgs/s. JVM_FLAGS are added to the launcher's own,
# so that two JVM settings can be compared on one build.
#
# usage: bench/cpu-per-message.sh JAR [SIZE] [BASE] [JVM_FLAGS...]   (SIZE 64, 50 connections with
#        8 in flight, as side-by-side.sh; 65536: 10 connections with 4 in flight; BASE 21700)
set -euo pipefail
jar=$(realpath "${1:?usage: cpu-per-message.sh JAR [SIZE] [BASE] [JVM_FLAGS...]}")
size=${2:-64}; base=${3:-21700}
flags=("${@:4}")
conns=50; win=8; [ "$size" -le 1024 ] || { conns=10; win=4; }
source "$(dirname "$0")/one-pier.sh"
one_pier "$jar" "$base" ${flags[@]+"${flags[@]}"}
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks=$(getconf CLK_TCK)
echo "# $jar ${flags[*]:-}, $size B; uptime before: $(uptime)"
(cd "$harness" && node load.js "$url" "$conns" 10 "$size" "$win" > /dev/null)
for round in 1 2 3; do
  before=$(cpu)
  rate=$(cd "$harness" && node load.js "$url" "$conns" 8 "$size" "$win" | sed 's/.*"msgs_per_s":\([0-9.]*\).*/\1/')
  after=$(cpu)
  awk -v r="$round" -v c=$((after - before)) -v t="$ticks" -v rate="$rate" \
    'BEGIN { printf "round %d: %.2f CPU s per million messages at %d msgs/s\n", r, c / t / (rate * 8 / 1e6), rate }'
done
echo "# uptime after: $(uptime)"
