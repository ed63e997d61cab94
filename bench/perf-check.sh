#!/usr/bin/env bash
# Two Pier builds, A and B, under the side-by-side harness's churn load and 64 B load, interleaved
# in one sitting (A, B, A, B, ...), so that a change to the handshake path or the message path can
# be checked against the build before it on a shared machine. Both edges run at once, each as a
# user runs it (`pier serve --config bench/pier-bench.yaml` on ports of their own, request log on),
# in front of one Node.js echo origin (../shared/bench/origin.js).
#
# usage: bench/perf-check.sh A_CHECKOUT B_CHECKOUT [ROUNDS=5] [SECONDS=5] [quick]
#   each checkout is a clone of this repository at the commit to measure (its ./pier builds it)
#   quick: 1 round of 3 s, a short warm-up
#   PIER_PORT_BASE (default 21000): origin base+1, A on base+3 (admin base+4), B on base+5 (admin base+6)
# Prints one line per round and build, then the medians and B/A:
#   churn (open, one echo, close; 20 at a time): handshakes/s and the edge's CPU ms per handshake
#   64 B echo (50 connections, 8 in flight each): messages/s and the edge's CPU s per million messages
# CPU is user + system time of the edge's JVM (all its threads) from /proc, over the run.
set -euo pipefail
usage="usage: perf-check.sh A_CHECKOUT B_CHECKOUT [ROUNDS] [SECONDS] [quick]"
a=$(cd "${1:?$usage}" && pwd); b=$(cd "${2:?$usage}" && pwd)
shift 2; quick=; numbers=()
for arg in "$@"; do if [ "$arg" = quick ]; then quick=quick; else numbers+=("$arg"); fi; done
rounds=${numbers[0]:-5}; secs=${numbers[1]:-5}
[ "$quick" = quick ] && { rounds=1; secs=3; }
here=$(cd "$(dirname "$0")" && pwd)
base=${PIER_PORT_BASE:-21000}
origin_port=$((base + 1)); a_port=$((base + 3)); b_port=$((base + 5))
harness=$("$here/harness-dir.sh")
[ -f "$harness/load.js" ] && [ -d "$harness/node_modules/ws" ] \
  || { echo "perf-check: run ../shared/bench/side-by-side.sh once first (it installs load.js and ws in $harness)" >&2; exit 1; }
for build in "$a" "$b"; do "$build/pier" --help > /dev/null; done   # builds both before anything is measured
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
(cd "$harness" && exec node origin.js "$origin_port") > "$work/origin.log" 2>&1 & pids+=($!)
start() { # start NAME CHECKOUT PORT: prints the JVM's pid
  sed -e "s/9103/$3/; s/9104/$(($3 + 1))/; s/port: 9001/port: $origin_port/" \
      -e "s|request_log: .*|request_log: $work/$1-requests.ndjson|" "$here/pier-bench.yaml" > "$work/$1.yaml"
  (cd "$work" && exec "$2/pier" serve --config "$work/$1.yaml") > "$work/$1.log" 2>&1 &
  echo $!
}
a_pid=$(start A "$a" "$a_port"); pids+=("$a_pid")
b_pid=$(start B "$b" "$b_port"); pids+=("$b_pid")
for port in "$a_port" "$b_port"; do
  for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # run churn|small PID PORT SECONDS: prints "rate cpu_seconds"
  local c0 c1 json
  c0=$(cpu "$2")
  if [ "$1" = churn ]; then json=$(cd "$harness" && node churn.js "ws://127.0.0.1:$3/" 20 "$4" | tail -1)
  else json=$(cd "$harness" && node load.js "ws://127.0.0.1:$3/" 50 "$4" 64 8 | tail -1); fi
  c1=$(cpu "$2")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); k='handshakes_per_s' if sys.argv[2]=='churn' else 'msgs_per_s'
print(d.get(k, 0), (int(sys.argv[4]) - int(sys.argv[3])) / $(getconf CLK_TCK), d.get('errs', d.get('errors', 0)))" "$json" "$1" "$c0" "$c1"
}
warm=$([ "$quick" = quick ] && echo 3 || echo 10)
for name in A B; do   # the JITs settle before anything is timed
  pid_var=${name,,}_pid; port_var=${name,,}_port
  run small "${!pid_var}" "${!port_var}" "$warm" > /dev/null; run churn "${!pid_var}" "${!port_var}" "$warm" > /dev/null
done
echo "# perf-check $(date -u +%FT%TZ), $rounds rounds of $secs s; uptime: $(uptime)"
echo "# A: $a $(git -C "$a" log --oneline -1 | cut -c1-70)"
echo "# B: $b $(git -C "$b" log --oneline -1 | cut -c1-70)"
results="$work/results"; : > "$results"
for r in $(seq "$rounds"); do
  for load in churn small; do
    for name in A B; do
      pid_var=${name,,}_pid; port_var=${name,,}_port
      read -r rate cpu_s errs < <(run "$load" "${!pid_var}" "${!port_var}" "$secs")
      echo "$r $load $name $rate $cpu_s $secs $errs" >> "$results"
      echo "round $r $load $name: rate $rate/s, edge CPU $cpu_s s, errors $errs"
    done
  done
done
echo "# uptime after: $(uptime)"
python3 - "$results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def figures(load, name):
    runs = [(float(r[3]), float(r[4]), int(r[5])) for r in rows if r[1] == load and r[2] == name]
    rate = statistics.median(x[0] for x in runs)
    per_op = [cpu / (rate_ * secs) for rate_, cpu, secs in runs if rate_ > 0]
    return rate, statistics.median(per_op) if per_op else float('nan')
print(f"{'figure':<34}{'A':>12}{'B':>12}{'B/A':>8}")
for load, rate_label, cpu_label, scale in (("churn", "handshakes/s", "CPU ms per handshake", 1e3),
                                          ("small", "64 B msgs/s", "CPU s per M msgs", 1e6)):
    (ra, ca), (rb, cb) = figures(load, "A"), figures(load, "B")
    print(f"{rate_label:<34}{ra:>12.0f}{rb:>12.0f}{rb / ra if ra else float('nan'):>8.3f}")
    print(f"{cpu_label:<34}{ca * scale:>12.3f}{cb * scale:>12.3f}{cb / ca if ca else float('nan'):>8.3f}")
EOF
