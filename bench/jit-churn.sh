#!/usr/bin/env bash
# The JIT's share of handshake churn (issue 15, the upgrade path): one fresh Pier JVM with
# bench/pier-handshake.yaml moved to ports of its own (listener BASE+3, admin BASE+4, echo origin
# BASE+1), then BATCHES batches of COUNT handshakes (open, one echo, close; 20 at a time:
# bench/churn-count.js). After each batch it prints the CPU per handshake of the C2 compiler
# threads, the C1 compiler threads and every other thread, from /proc/PID/task/*/stat: CPU time,
# not rates, so that a busy machine moves it less. JVM_FLAGS are added to the launcher's own.
#
# usage: bench/jit-churn.sh JAR [BATCHES] [COUNT] [BASE] [JVM_FLAGS...]   (BASE defaults to 21600)
set -euo pipefail
jar=$(realpath "${1:?usage: jit-churn.sh JAR [BATCHES] [COUNT] [BASE] [JVM_FLAGS...]}")
batches=${2:-12}; count=${3:-2000}; base=${4:-21600}
flags=("${@:5}")
source "$(dirname "$0")/one-pier.sh"
one_pier "$jar" "$base" ${flags[@]+"${flags[@]}"}
ticks=$(getconf CLK_TCK)
snapshot() { # "C2 C1 REST" CPU ticks of the JVM's threads
  for task in /proc/"$pid"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ < "$task/comm")" "$(awk '{print $14 + $15}' "$task/stat")"
  done | awk '{ if ($1 ~ /^C2_/) c2 += $2; else if ($1 ~ /^C1_/) c1 += $2; else rest += $2 } END { print c2 + 0, c1 + 0, rest + 0 }'
}
echo "# $jar ${flags[*]:-}"; echo "# uptime before: $(uptime)"
echo "batch  C2 ms/handshake  C1 ms/handshake  other threads ms/handshake  handshakes/s"
read -r c2 c1 rest <<< "$(snapshot)"
for b in $(seq "$batches"); do
  rate=$(cd "$harness" && node churn-count.js "$url" "$count" 20 | sed 's/.*"handshakes_per_s":\([0-9]*\).*/\1/')
  read -r n2 n1 nrest <<< "$(snapshot)"
  awk -v b="$b" -v c2=$((n2 - c2)) -v c1=$((n1 - c1)) -v r=$((nrest - rest)) -v n="$count" -v t="$ticks" -v rate="$rate" \
    'BEGIN { printf "%5d  %15.2f  %15.2f  %26.2f  %12s\n", b, c2 * 1000 / t / n, c1 * 1000 / t / n, r * 1000 / t / n, rate }'
  c2=$n2; c1=$n1; rest=$nrest
done
echo "# uptime after: $(uptime)"
