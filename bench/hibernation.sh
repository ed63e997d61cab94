#!/usr/bin/env bash
# N WebSockets (10,000 by default) in one hibernating Durable Object (examples/workers: EchoRoom), through Pier:
#   1. memory per hibernated socket: the node's Java heap after a full GC and its RSS, before the sockets and
#      once the object is evicted with every socket open;
#   2. one message on every socket wakes the object: every one is echoed;
#   3. new code deployed (the script's BUILD var changed in the watched file) with every socket hibernated:
#      none is closed, and every one is echoed again.
# usage: bench/hibernation.sh [N]     (from the repository; installs npm ws into /tmp/pier-bench-hibernation)
set -euo pipefail
n=${1:-10000}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=/tmp/pier-bench-hibernation
rm -rf "$dir/durable-objects" "$dir/requests.ndjson"; mkdir -p "$dir"
[ -d "$dir/node_modules/ws" ] || (cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install -s ws@8 >/dev/null)
cp "$repo/bench/hibernation.js" "$dir/"
cfg=$dir/pier-hibernation.yaml
cp "$repo/bench/pier-hibernation.yaml" "$cfg"
JAVA_HOME=$("$repo/bin/find-jdk"); jcmd=$JAVA_HOME/bin/jcmd

"$repo/pier" serve --config "$cfg" > "$dir/pier.log" 2>&1 &
for i in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/9204) 2>/dev/null && break; sleep 0.5; done
pid=$(pgrep -f "java.* serve --config $cfg" | head -1)
trap 'kill $pid 2>/dev/null || true; [ -n "${CLIENT_PID:-}" ] && kill $CLIENT_PID 2>/dev/null || true' EXIT

metric() { curl -s http://127.0.0.1:9205/metrics | awk -v m="$1" '$1 ~ "^"m"[{]" {print $2}' | head -1; }
# the Java heap in use after a full collection: every generation's "used" (Serial: DefNew and Tenured; G1: one line)
heap_kb() {
  "$jcmd" "$pid" GC.run >/dev/null; sleep 1
  "$jcmd" "$pid" GC.heap_info | grep -E '^ *(DefNew|Tenured|garbage-first heap|PSYoungGen|ParOldGen|def new|tenured)' \
    | grep -o 'used [0-9]*K' | tr -dc '0-9\n' | awk '{s+=$1} END {print s}'
}
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
wait_hibernated() {
  for i in $(seq 1 240); do [ "$(metric pier_durable_object_websockets_hibernated)" = "$n.0" ] && return 0; sleep 0.5; done
  echo "the object did not hibernate with $n sockets" >&2; return 1
}
say() { echo "$1" >&"${CLIENT[1]}"; read -r line <&"${CLIENT[0]}"; echo "$line"; }

heap0=$(heap_kb); rss0=$(rss_kb)
coproc CLIENT { cd "$dir" && exec node hibernation.js ws://127.0.0.1:9204/room/bench "$n"; }
read -r opened <&"${CLIENT[0]}"
wait_hibernated
heap1=$(heap_kb); rss1=$(rss_kb)
echo "{\"sockets\":$n,\"client\":$opened,\"heap_kB_before\":$heap0,\"heap_kB_hibernated\":$heap1,\"heap_bytes_per_socket\":$(( (heap1-heap0)*1024/n )),\"rss_kB_before\":$rss0,\"rss_kB_hibernated\":$rss1,\"rss_bytes_per_socket\":$(( (rss1-rss0)*1024/n )),\"live_objects\":$(metric pier_durable_object_live)}"
echo "{\"wake\":$(say echo),\"wakeups\":$(metric pier_durable_object_wakeups_total)}"
wait_hibernated
sed -i 's/BUILD: "1"/BUILD: "2"/' "$cfg"     # the file is watched: the script and its Durable Object class are deployed anew
for i in $(seq 1 40); do grep -q "Durable Objects echo-room.ECHO: .* deployed" "$dir/pier.log" && break; sleep 0.5; done
sleep 2
echo "{\"deployed\":$(grep -c 'Durable Objects echo-room.ECHO: .* deployed' "$dir/pier.log"),\"after_deploy\":$(say state)}"
echo "{\"echo_after_deploy\":$(say echo),\"state\":$(say state),\"evictions\":$(metric pier_durable_object_evictions_total),\"wakeups\":$(metric pier_durable_object_wakeups_total)}"
