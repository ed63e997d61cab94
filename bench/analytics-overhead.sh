#!/usr/bin/env bash
# The side-by-side 64 B echo through Pier with analytics off (bench/pier-bench.yaml) and on
# (bench/pier-bench-analytics.yaml, the embedded DuckDB store), both running at once in front of one
# echo origin, measured alternately: off, on, off, on, ... (a compare.py run a pair),
# each pair's on/off ratio printed, so that the machine's changing load shows. Also 64 B echoes over new connections (a record
# per connection: what the store's shipper carries). docs/BENCHMARKS.md has the figures.
#
# usage: bench/analytics-overhead.sh [PAIRS] [SECONDS]   (default 6 pairs of 5 s runs)
#   JFR_DIR=folder records a JFR profile of each Pier (off.jfr, on.jfr) for the whole run.
#   PORT_BASE (default 9140): the origin listens on PORT_BASE+1, Pier off on +3 (admin +4), on on +5 (admin +6),
#   so that the harness's own ports (9001, 9103, ...) stay free for others; the configs are copied with these
#   ports into a temporary folder, where the request logs and the analytics store are kept.
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
base=${PORT_BASE:-9140}; origin=$((base + 1)); off=$((base + 3)); on=$((base + 5))
for p in $origin $off $((off + 1)) $on $((on + 1)); do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "analytics-overhead: port $p is taken (set PORT_BASE)" >&2; exit 1; fi
done
ports() { sed -e "s/127.0.0.1:9103/127.0.0.1:$1/; s/127.0.0.1:9104/127.0.0.1:$(($1 + 1))/; s/127.0.0.1:9105/127.0.0.1:$1/" \
              -e "s/127.0.0.1:9106/127.0.0.1:$(($1 + 1))/; s/port: 9001 /port: $origin /" "$root/bench/$2" > "$work/$2"; }
ports $off pier-bench.yaml; ports $on pier-bench-analytics.yaml
grep -q "127.0.0.1:$off" "$work/pier-bench.yaml" && grep -q "port: $origin " "$work/pier-bench-analytics.yaml" || { echo "analytics-overhead: the configs' ports were not replaced" >&2; exit 1; }
node "$harness/origin.js" $origin > "$work/origin.log" 2>&1 & started+=($!)
serve() { local jfr=(); [ -n "${JFR_DIR:-}" ] && mkdir -p "$JFR_DIR" && jfr=("-XX:StartFlightRecording=filename=$(cd "$JFR_DIR" && pwd)/$2.jfr,settings=profile")
          "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn16m -XX:+UseCompactObjectHeaders "${jfr[@]}" \
            -jar "$jar" serve --config "$work/$1" > "$work/$1.log" 2>&1 & started+=($!); echo $! > "$work/$2.pid"; }
serve pier-bench.yaml off
serve pier-bench-analytics.yaml on
listening $origin; listening $off; listening $on
targets=("off=ws://127.0.0.1:$off/=$work/off.pid" "on=ws://127.0.0.1:$on/=$work/on.pid")
cd "$harness"
python3 compare.py "${targets[@]}" --rounds 1 --secs 2 --size 64 --conns 50 --win 8 > /dev/null   # warm-up of both JVMs
echo "# $(git -C "$root" log --oneline -1)"
echo "# uptime before: $(uptime)"
echo "## 64 B messages, 50 connections, 8 in flight each, $rounds pairs of $secs s runs, off then on"
ratios=()
for r in $(seq "$rounds"); do
  out=$(python3 compare.py "${targets[@]}" --rounds 1 --secs "$secs" --size 64 --conns 50 --win 8)
  a=$(awk '$1 == "off" && $2 ~ /^[0-9]+$/ {print $2}' <<< "$out"); b=$(awk '$1 == "on" && $2 ~ /^[0-9]+$/ {print $2}' <<< "$out")
  if [ -z "$a" ] || [ -z "$b" ]; then echo "pair $r: failed: $(tr '\n' ' ' <<< "$out")"; continue; fi
  ratio=$(awk -v x="$b" -v y="$a" 'BEGIN { printf "%.3f", x / y }'); ratios+=("$ratio")
  echo "pair $r: off $a msgs/s, on $b msgs/s, on/off $ratio (load average $(cut -d' ' -f1 /proc/loadavg))"
done
echo "median on/off: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')"
echo "# uptime after: $(uptime)"
echo "## new connections (open, one 64 B echo, close; 20 at a time, $secs s): one request log record each"
for r in $(seq 3); do for t in off=$off on=$on; do printf '%s ' "${t%%=*}"; PIER_BENCH_DIR=$harness "$root/bench/churn-cpu.sh" "ws://127.0.0.1:${t#*=}/" "$work/${t%%=*}.pid" "$secs" | tr '\n' ' '; echo; done; done
echo "# uptime after: $(uptime)"
curl -s "http://127.0.0.1:$((on + 1))/metrics" | grep -E '^pier_analytics_(shipped|dropped)' || true
