#!/usr/bin/env bash
# Syscalls per echoed message of a proxy under the harness's load, counted in the kernel with
# `perf stat` on syscall tracepoints over every thread of the proxy process (it slows nothing
# down, unlike strace). Fewer syscalls per message means more messages moved per wake-up; the
# figure still depends a little on load (a busier proxy finds more bytes per read), so compare
# two proxies or builds one right after the other with the same command.
#
# usage: bench/syscalls-per-message.sh URL PID [SECONDS] [SIZE] [CONNS] [WINDOW]
#   defaults: 5 s of 64 B messages, 50 connections, 8 in flight each (the side-by-side small load)
# Prints the load's JSON line, the proxy's CPU seconds per million messages (all, user, system,
# from /proc), then per event: count and count per message (only those seen): every syscall
# ("all"), each syscall below, and the proxy's context switches ("context-switches": its threads
# going to sleep and waking up).
set -euo pipefail
url=${1:?usage: syscalls-per-message.sh URL PID [SECONDS] [SIZE] [CONNS] [WINDOW]}; pid=${2:?usage: syscalls-per-message.sh URL PID ...}
secs=${3:-5}; size=${4:-64}; conns=${5:-50}; win=${6:-8}
dir=$(cd "$(dirname "$0")" && ./harness-dir.sh)
out=$(mktemp); trap 'rm -f "$out"' EXIT
calls=(read write readv writev recvfrom sendto recvmsg sendmsg splice epoll_wait epoll_pwait epoll_pwait2 epoll_ctl timerfd_settime io_uring_enter futex clock_gettime sched_yield)
events="raw_syscalls:sys_enter$(printf ',syscalls:sys_enter_%s' "${calls[@]}"),context-switches"
cpu() { local u=0 s=0 a b; for p in $pid $(pgrep -P "$pid" || true); do read -r a b < <(awk '{print $14, $15}' "/proc/$p/stat"); u=$((u + a)); s=$((s + b)); done; echo "$u $s"; }
node "$dir/load.js" "$url" "$conns" 2 "$size" "$win" > /dev/null   # warm-up, not counted
perf stat -x, -e "$events" -p "$(echo $pid $(pgrep -P "$pid" || true) | tr ' ' ,)" -o "$out" & counter=$!
sleep 0.5; read -r u0 s0 < <(cpu)
load=$(node "$dir/load.js" "$url" "$conns" "$secs" "$size" "$win")
read -r u1 s1 < <(cpu); kill -INT "$counter"; wait "$counter" 2>/dev/null || true
echo "$load"
msgs=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['msgs_per_s']*$secs))" "$load")
awk -F, -v m="$msgs" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "%-16s %10.2f\n%-16s %10.2f\n%-16s %10.2f\n", "cpu_s_per_M", (u + s) / hz / m * 1e6, "user_s_per_M", u / hz / m * 1e6, "sys_s_per_M", s / hz / m * 1e6 }
  $1 ~ /^[0-9]+$/ && $1 > 0 { n = $3; sub(/.*sys_enter_?/, "", n); if (n == "") n = "all"; printf "%-16s %10d %8.3f\n", n, $1, $1 / m }' "$out"
