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
here=$(cd "$(dirname "$0")" && pwd)
java="$("$here/../bin/find-jdk")/bin/java"
harness=$("$here/harness-dir.sh")
cp "$here/churn-count.js" "$harness/"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$harness" && exec node origin.js $((base + 1)) > "$work/origin.log" 2>&1) & pids+=($!)
sed -e "s/21101/$((base + 1))/; s/21103/$((base + 3))/; s/21104/$((base + 4))/" "$here/pier-handshake.yaml" > "$work/pier.yaml"
"$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn16m -XX:+UseCompactObjectHeaders -jar "$jar" serve \
  --config "$work/pier.yaml" > "$work/pier.log" 2>&1 & pids+=($!)
pid=$!
for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$((base + 3))) 2>/dev/null && break; sleep 0.2; done
url=ws://127.0.0.1:$((base + 3))/
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
