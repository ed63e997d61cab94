#!/usr/bin/env bash
# CPU seconds a proxy spends on connection churn: bench/churn-cpu.sh URL PIDFILE SECONDS
# Runs the harness's churn.js (20 workers, each opening a connection, one echo, closing) against
# URL and reads the proxy's user + system CPU time from /proc before and after.
set -euo pipefail
url=$1; pid=$(cat "$2"); secs=$3
# churn.js runs from the folder where ../shared/bench/side-by-side.sh installed it with its `ws` module.
harness=$("$(dirname "$0")/harness-dir.sh")
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks=$(getconf CLK_TCK)
before=$(cpu)
out=$(cd "$harness" && node churn.js "$url" 20 "$secs")
after=$(cpu)
echo "$out"
awk -v b="$before" -v a="$after" -v t="$ticks" -v u="$url" 'BEGIN { printf "%s: proxy CPU %.2f s\n", u, (a - b) / t }'
