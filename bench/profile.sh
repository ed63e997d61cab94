#!/usr/bin/env bash
# Profiles Pier as a user runs it (`pier serve`, request log on) under the side-by-side harness's
# 64 B load, 64 KiB load and churn load, with HAProxy beside it under the same loads (docs/PROFILE.md).
#
# usage: bench/profile.sh [OUT_DIR] [SECONDS]
#   PIER_PORT_BASE (default 21000): the origin listens on base+1, HAProxy on base+2, Pier on base+3
#   (admin base+4). PROFILE_LOADS (default "small large churn") picks the loads: small is 64 B
#   messages on 50 connections with 8 in flight each, large 64 KiB on 10 with 4 in flight, as the
#   side-by-side run has them. OUT_DIR (default bench-profile) receives, per load:
#     LOAD-cpu.html, LOAD-wall.html, LOAD-alloc.html   async-profiler flame graphs of Pier (cpu and
#       wall split by thread; kernel frames where perf_events allow), and the same as .collapsed text
#     profiled-runs.txt                                 the load's figures during each profile
#     LOAD-{pier,haproxy}-strace.txt                    strace -c -f of each proxy over one load run
#     LOAD-{pier,haproxy}-perf-dso.txt                  perf record of each proxy: samples by binary (kernel, JIT, ...)
#     summary.txt                                       per operation: CPU (user, sys), syscalls
#       (perf stat, all threads), context switches, and the load's own figures
# One load run is SECONDS (default 8) long. Needs async-profiler's jar in ~/.m2
# (tools.profiler:async-profiler:4.2), strace and perf; it starts and stops its own origin,
# HAProxy and Pier (this checkout's ./pier, built first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-bench-profile}; secs=${2:-8}
base=${PIER_PORT_BASE:-21000}
origin_port=$((base + 1)); haproxy_port=$((base + 2)); pier_port=$((base + 3)); admin_port=$((base + 4))
mkdir -p "$out"; out=$(cd "$out" && pwd)
harness=$("$root/bench/harness-dir.sh")
[ -f "$harness/load.js" ] && [ -d "$harness/node_modules/ws" ] \
  || { echo "profile: run ../shared/bench/side-by-side.sh once first (it installs load.js and ws in $harness)" >&2; exit 1; }
ap_jar=${ASYNC_PROFILER_JAR:-$HOME/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar}
[ -f "$ap_jar" ] || { echo "profile: no $ap_jar: mvn dependency:get -Dartifact=tools.profiler:async-profiler:4.2" >&2; exit 1; }
JAVA_HOME=$("$root/bin/find-jdk"); export JAVA_HOME
work=$(mktemp -d); lib="$work/ap/linux-x64/libasyncProfiler.so"
(cd "$work" && mkdir ap && cd ap && "$JAVA_HOME/bin/jar" xf "$ap_jar" linux-x64/libasyncProfiler.so)

sed -e "s/9103/$pier_port/; s/9104/$admin_port/; s/port: 9001/port: $origin_port/" \
    -e "s|request_log: .*|request_log: $work/requests.ndjson|" "$root/bench/pier-bench.yaml" > "$work/pier.yaml"
sed -e "s/9102/$haproxy_port/; s/9001/$origin_port/" "$root/../shared/bench/haproxy.cfg" > "$work/haproxy.cfg"

"$root/pier" --help > /dev/null   # builds this checkout if its sources changed
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -f "$work/haproxy.pid" ] && kill "$(cat "$work/haproxy.pid")" 2>/dev/null; true; }
trap cleanup EXIT
(cd "$harness" && exec node origin.js "$origin_port") > "$work/origin.log" 2>&1 & pids+=($!)
haproxy -D -f "$work/haproxy.cfg" -p "$work/haproxy.pid"
# DebugNonSafepoints: Java frames in the profiles are where the code is, not the nearest safepoint.
(cd "$work" && PIER_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" exec "$root/pier" serve --config "$work/pier.yaml") > "$out/pier.log" 2>&1 &
pier=$!; pids+=($pier)
for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/$pier_port) 2>/dev/null && break; sleep 0.2; done
haproxy=$(cat "$work/haproxy.pid")

load() { # load small|large|churn URL SECONDS: prints the load generator's JSON line
  case $1 in
    small) (cd "$harness" && node load.js "$2" 50 "$3" 64 8 | tail -1) ;;
    large) (cd "$harness" && node load.js "$2" 10 "$3" 65536 4 | tail -1) ;;
    *) (cd "$harness" && node churn.js "$2" 20 "$3" | tail -1) ;;
  esac
}
ops() { # ops small|large|churn JSON SECONDS: operations done in the run
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(round(d['handshakes_per_s' if sys.argv[2]=='churn' else 'msgs_per_s']*int(sys.argv[3])))" "$2" "$1" "$3"
}
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

echo "# warm-up (JIT): 10 s of each load through Pier"
load small "ws://127.0.0.1:$pier_port/" 10 > /dev/null
load large "ws://127.0.0.1:$pier_port/" 10 > /dev/null
load churn "ws://127.0.0.1:$pier_port/" 10 > /dev/null

summary="$out/summary.txt"
{ echo "# bench/profile.sh on $(git -C "$root" log --oneline -1 | cut -c1-80)"; echo "# $(date -u +%FT%TZ) uptime: $(uptime)"; } > "$summary"
for kind in ${PROFILE_LOADS:-small large churn}; do
  for target in pier haproxy; do
    pid=${!target}; port_var=${target}_port; url="ws://127.0.0.1:${!port_var}/"
    # Counting run: CPU from /proc and every syscall and context switch from perf's counters, no tracer attached.
    read -r u0 s0 < <(ticks "$pid")
    perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "$pid" -o "$work/perf.txt" &
    perf_pid=$!; sleep 0.5
    result=$(load "$kind" "$url" "$secs")
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    read -r u1 s1 < <(ticks "$pid")
    n=$(ops "$kind" "$result" "$secs")
    python3 - "$kind" "$target" "$n" "$u0" "$s0" "$u1" "$s1" "$(getconf CLK_TCK)" "$work/perf.txt" "$result" >> "$summary" <<'EOF'
import sys
kind, target, n, u0, s0, u1, s1, tck, perf, result = sys.argv[1:]
n = int(n); tck = int(tck)
user = (int(u1) - int(u0)) / tck; sys_ = (int(s1) - int(s0)) / tck
counts = {}
for line in open(perf):
    f = line.strip().split(',')
    if len(f) > 2 and f[0].replace('.', '').isdigit(): counts[f[2]] = int(float(f[0]))
unit, per = ('handshake', 1e3) if kind == 'churn' else ('msg', 1e6)
label = 'ms per handshake' if kind == 'churn' else 'us per message'
print(f"{kind:5} {target:8} ops={n:>8}  CPU {label}: user {user / n * per:7.2f} sys {sys_ / n * per:7.2f}"
      f"  syscalls/{unit} {counts.get('raw_syscalls:sys_enter', 0) / n:6.2f}  ctx-switches/{unit} {counts.get('context-switches', 0) / n:6.3f}  load: {result}")
EOF
    # Sampling run: the same sampler (perf, cpu-clock, 999 Hz) on both proxies, so their shares in the
    # kernel and in user space compare; Pier's JIT-compiled Java shows as [unknown] or perf-PID.map.
    perf record -q -F 999 -g -p "$pid" -o "$work/perf.data" > /dev/null 2>&1 & record_pid=$!; sleep 0.5
    load "$kind" "$url" "$secs" > /dev/null
    kill -INT "$record_pid"; wait "$record_pid" || true
    { echo "# perf record -F 999 -g -p $target under the $kind load; samples by where they were taken (self)"
      perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null > "$work/report.txt" || true
      grep -v '^#' "$work/report.txt" | grep -v '^$' | head -12 || true
    } > "$out/$kind-$target-perf-dso.txt"
    # Tracing run: which syscalls (strace slows the proxy; the counts per operation are what to read).
    strace -c -f -p "$pid" -o "$work/strace.txt" & strace_pid=$!; sleep 1
    result=$(load "$kind" "$url" "$secs")
    kill -INT "$strace_pid"; wait "$strace_pid" || true
    { echo "# strace -c -f -p $target under the $kind load: $result"; echo "# operations: $(ops "$kind" "$result" "$secs")"; cat "$work/strace.txt"; } > "$out/$kind-$target-strace.txt"
  done
  # jcmd reads name=value pairs as its own options: the agent's options go in quotes.
  for event in cpu wall alloc; do
    case $event in
      cpu) opts="event=cpu,interval=1ms,threads" ;;
      wall) opts="event=wall,interval=5ms,threads" ;;
      alloc) opts="event=alloc,alloc=64k,total" ;;   # counts are bytes
    esac
    "$JAVA_HOME/bin/jcmd" "$pier" JVMTI.agent_load "$lib" "\"start,$opts\"" > /dev/null
    result=$(load "$kind" "ws://127.0.0.1:$pier_port/" "$secs")
    "$JAVA_HOME/bin/jcmd" "$pier" JVMTI.agent_load "$lib" "\"stop,file=$out/$kind-$event.html,minwidth=0.2\"" > /dev/null
    "$JAVA_HOME/bin/jcmd" "$pier" JVMTI.agent_load "$lib" "\"dump,collapsed,file=$out/$kind-$event.collapsed\"" > /dev/null
    echo "# $kind $event: $result" >> "$out/profiled-runs.txt"
  done
done
for target in pier haproxy; do   # what each proxy spends with no load at all (Pier: timers, JIT, GC, housekeeping)
  pid=${!target}; read -r u0 s0 < <(ticks "$pid"); sleep 10; read -r u1 s1 < <(ticks "$pid")
  awk -v t="$target" -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "idle  %-8s CPU over 10 s with no load: user %.2f s, sys %.2f s\n", t, u / hz, s / hz }' >> "$summary"
done
echo "# uptime after: $(uptime)" >> "$summary"
cat "$summary"
