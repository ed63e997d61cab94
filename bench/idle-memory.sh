#!/usr/bin/env bash
# Heap and RSS per idle proxied WebSocket: starts the harness's echo origin and one Pier checkout
# (its ./pier serve, as a user runs it, with bench/pier-bench.yaml moved to the given ports), warms
# it up with a few hundred connections, then opens N idle ones with ../shared/bench/idle.js and
# compares `jcmd PID GC.class_histogram` (which collects first: live objects only) and VmRSS from
# before to after. Prints live heap bytes and objects per connection (the collector's filler
# arrays left out), RSS growth per connection and the classes that grew most, per connection.
#
# usage: bench/idle-memory.sh CHECKOUT [N=8000] [PORT_BASE=9100] [OUT_DIR=bench-idle-memory]
#   CHECKOUT  a clone of this repository at the build to measure (its ./pier builds it)
#   ports: origin PORT_BASE+1, Pier PORT_BASE+3 (ws://) and PORT_BASE+4 (admin)
# Needs node with the `ws` module where ../shared/bench/side-by-side.sh installs it (bench/harness-dir.sh).
set -euo pipefail
checkout=$(cd "${1:?usage: idle-memory.sh CHECKOUT [N] [PORT_BASE] [OUT_DIR]}" && pwd)
n=${2:-8000}; base=${3:-9100}; out=${4:-bench-idle-memory}
here=$(cd "$(dirname "$0")" && pwd)
harness=$("$here/harness-dir.sh")
[ -d "$harness/node_modules/ws" ] || (mkdir -p "$harness" && cd "$harness" && npm init -y >/dev/null && npm install -s ws@8 >/dev/null)
mkdir -p "$out"; out=$(cd "$out" && pwd)
origin_port=$((base + 1)); pier_port=$((base + 3)); admin_port=$((base + 4))
sed -e "s/9103/$pier_port/; s/9104/$admin_port/; s/port: 9001/port: $origin_port/" "$here/pier-bench.yaml" > "$out/pier-idle.yaml"
"$checkout/pier" --help > /dev/null   # builds it before anything is measured
export NODE_PATH="$harness/node_modules"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
node "$here/../../shared/bench/origin.js" "$origin_port" > "$out/origin.log" 2>&1 & pids+=($!)
(cd "$out" && exec "$checkout/pier" serve --config "$out/pier-idle.yaml" > "$out/pier.log" 2>&1) & pids+=($!)
for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$pier_port) 2>/dev/null && break; sleep 0.2; done
pid=$(pgrep -f "$checkout/cli/target/pier.jar serve --config $out/pier-idle.yaml" | head -1)
pids+=("$pid")
jcmd=$("$checkout/bin/find-jdk")/bin/jcmd   # the JDK the launcher runs Pier on
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
url=ws://127.0.0.1:$pier_port/
node "$here/../../shared/bench/idle.js" "$url" 500 1 > /dev/null   # warm-up: classes loaded, pools and caches made
sleep 2
"$jcmd" "$pid" GC.class_histogram > "$out/histogram-before.txt"
rss_before=$(rss)
node "$here/../../shared/bench/idle.js" "$url" "$n" 60 > "$out/idle.out" 2>&1 & idle=$!
for _ in $(seq 600); do grep -q opened "$out/idle.out" && break; sleep 0.5; done
sleep 3
rss_after=$(rss)
"$jcmd" "$pid" GC.class_histogram > "$out/histogram-after.txt"
kill "$idle" 2>/dev/null || true
echo "# $(git -C "$checkout" log --oneline -1)"
echo "# idle.js: $(cat "$out/idle.out"); uptime: $(uptime)"
python3 - "$out/histogram-before.txt" "$out/histogram-after.txt" "$n" "$rss_before" "$rss_after" <<'EOF'
import re, sys
def load(path):
    rows = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
before, after, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
rss_before, rss_after = int(sys.argv[4]), int(sys.argv[5])
delta = {}
for name in set(before) | set(after):
    b, a = before.get(name, (0, 0)), after.get(name, (0, 0))
    delta[name] = (a[0] - b[0], a[1] - b[1])
filler = {k: v for k, v in delta.items() if 'Filler' in k}
counted = {k: v for k, v in delta.items() if 'Filler' not in k}
objects = sum(v[0] for v in counted.values()); size = sum(v[1] for v in counted.values())
print(f"connections {n}: live heap {size / n:.0f} B/conn, {objects / n:.1f} objects/conn "
      f"(filler arrays {sum(v[1] for v in filler.values()) / n:.0f} B/conn left out); "
      f"RSS growth {(rss_after - rss_before) * 1024 / n:.0f} B/conn ({rss_before} kB -> {rss_after} kB)")
print(f"{'objects/conn':>12} {'bytes/conn':>10}  class")
for name, (count, nbytes) in sorted(counted.items(), key=lambda kv: -kv[1][1]):
    if abs(nbytes) / n >= 4 or abs(count) / n >= 0.5:
        print(f"{count / n:12.2f} {nbytes / n:10.1f}  {name}")
EOF
