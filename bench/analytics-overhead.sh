#!/usr/bin/env bash
# The side-by-side 64 B echo through Pier with analytics off (bench/pier-bench.yaml, ws:// on 9103)
# and on (bench/pier-bench-analytics.yaml, 9105, the embedded DuckDB store), both running at once in
# front of one echo origin on 9001, measured alternately: off, on, off, on, ... (a compare.py run a pair),
# each pair's on/off ratio printed, so that the machine's changing load shows. Also 64 B echoes over new connections (a record
# per connection: what the store's shipper carries). docs/BENCHMARKS.md has the figures.
#
# usage: bench/analytics-overhead.sh [PAIRS] [SECONDS]   (default 6 pairs of 5 s runs)
#   JFR_DIR=folder records a JFR profile of each Pier (off.jfr, on.jfr) for the whole run.
# Needs the side-by-side harness's load generator (bench/harness-dir.sh; run ../shared/bench/side-by-side.sh
# once, or set PIER_BENCH_DIR to a folder with its *.js, compare.py and `npm install ws@8 bufferutil`).
# Builds cli/target/pier.jar with `mvn package` if it is missing; runs it as ./pier does.
set -euo pipefail
rounds=${1:-6}; secs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
harness=$("$root/bench/harness-dir.sh")
[ -f "$harness/compare.py" ] && [ -d "$harness/node_modules/ws" ] || { echo "analytics-overhead: no load generator in $harness" >&2; exit 1; }
JAVA_HOME=$("$root/bin/find-jdk"); export JAVA_HOME
jar=$root/cli/target/pier.jar
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -o -Dstyle.color=never -DskipTests -pl cli -am package)
work=$(mktemp -d); started=()
cleanup() { for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
listening() { for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "nothing listens on $1" >&2; return 1; }
if ! (exec 3<>/dev/tcp/127.0.0.1/9001) 2>/dev/null; then
  node "$harness/origin.js" 9001 > "$work/origin.log" 2>&1 & started+=($!)
fi
rm -rf "$root/bench/analytics-bench"
serve() { local jfr=(); [ -n "${JFR_DIR:-}" ] && mkdir -p "$JFR_DIR" && jfr=("-XX:StartFlightRecording=filename=$(cd "$JFR_DIR" && pwd)/$2.jfr,settings=profile")
          "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn16m -XX:+UseCompactObjectHeaders "${jfr[@]}" \
            -jar "$jar" serve --config "$root/bench/$1" > "$work/$1.log" 2>&1 & started+=($!); echo $! > "$work/$2.pid"; }
serve pier-bench.yaml off
serve pier-bench-analytics.yaml on
listening 9001; listening 9103; listening 9105
targets=("off=ws://127.0.0.1:9103/=$work/off.pid" "on=ws://127.0.0.1:9105/=$work/on.pid")
cd "$harness"
python3 compare.py "${targets[@]}" --rounds 1 --secs 2 --size 64 --conns 50 --win 8 > /dev/null   # warm-up of both JVMs
echo "# $(git -C "$root" log --oneline -1)"
echo "# uptime before: $(uptime)"
echo "## 64 B messages, 50 connections, 8 in flight each, $rounds pairs of $secs s runs, off then on"
ratios=()
for r in $(seq "$rounds"); do
  out=$(python3 compare.py "${targets[@]}" --rounds 1 --secs "$secs" --size 64 --conns 50 --win 8)
  off=$(awk '$1 == "off" {print $2}' <<< "$out"); on=$(awk '$1 == "on" {print $2}' <<< "$out")
  ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }'); ratios+=("$ratio")
  echo "pair $r: off $off msgs/s, on $on msgs/s, on/off $ratio (load average $(cut -d' ' -f1 /proc/loadavg))"
done
echo "median on/off: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')"
echo "# uptime after: $(uptime)"
echo "## new connections (open, one 64 B echo, close; 20 at a time, $secs s): one request log record each"
for r in $(seq 3); do for t in off=9103 on=9105; do printf '%s ' "${t%%=*}"; PIER_BENCH_DIR=$harness "$root/bench/churn-cpu.sh" "ws://127.0.0.1:${t#*=}/" "$work/${t%%=*}.pid" "$secs" | tr '\n' ' '; echo; done; done
echo "# uptime after: $(uptime)"
curl -s http://127.0.0.1:9106/metrics | grep -E '^pier_analytics_(shipped|dropped)' || true
