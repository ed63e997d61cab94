#!/usr/bin/env bash
# System calls per handshake (issue 15, the upgrade path): one Pier build with bench/pier-handshake.yaml
# moved to ports of its own (listener BASE+3, admin BASE+4, echo origin BASE+1), warmed up, then
# `strace -c -f` attached to its JVM for a fixed count of handshakes (open, one echo, close; 20 at a
# time: bench/churn-count.js). Prints each syscall's count per handshake. Counts, unlike rates, do
# not depend on how busy the machine is.
#
# usage: bench/handshake-syscalls.sh JAR [COUNT] [WARMUP] [BASE]   (BASE defaults to 21500)
set -euo pipefail
jar=$(realpath "${1:?usage: handshake-syscalls.sh JAR [COUNT] [WARMUP] [BASE]}")
count=${2:-2000}; warmup=${3:-5000}; base=${4:-21500}
source "$(dirname "$0")/one-pier.sh"
one_pier "$jar" "$base"
(cd "$harness" && node churn-count.js "$url" "$warmup" 20 > /dev/null)
sleep 1
strace -c -f -p "$pid" -o "$work/strace.txt" & tracer=$!
sleep 1
(cd "$harness" && node churn-count.js "$url" "$count" 20 > /dev/null)
sleep 1
kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
echo "# $jar: $count handshakes, uptime $(uptime)"
awk -v n="$count" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" { printf "%-16s %7.2f\n", $NF, $4 / n; sum += $4 }
  END { printf "%-16s %7.2f\n", "total", sum / n }' "$work/strace.txt"
