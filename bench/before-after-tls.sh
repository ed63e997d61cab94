#!/usr/bin/env bash
# wss:// for two Pier builds against HAProxy, all three terminating TLS with the same certificate,
# in one sitting (docs/BENCHMARKS.md, part E, made one command). Both Pier builds run at once, each
# as a user runs it (`pier serve`, request log on), and every load visits HAProxy, the before build
# and the after build in turn, round after round:
#   64 B echo (50 connections, 8 in flight each) and 64 KiB echo (10 connections, 4 in flight) with
#   compare.py (ratios to HAProxy, CPU s per million messages), then TLS churn (a full TLS handshake,
#   the upgrade, one echo, close; 20 at a time) with each proxy's CPU ms per handshake.
#
# usage: bench/before-after-tls.sh BEFORE_CHECKOUT AFTER_CHECKOUT [OUT_DIR] [quick]
#   each checkout is a clone of this repository at the commit to measure (its ./pier builds it)
#   quick: 1 round of 3 s per load
# Writes OUT_DIR/tls.txt (default OUT_DIR: bench-before-after) with `uptime` before and after.
# Ports: the origin on ORIGIN_PORT (9001; one already listening there is used as it is, as the
# harness's origin.js), HAProxy on HAPROXY_TLS_PORT (9112), the before build on PIER_TLS_PORT (9113,
# admin +1) and the after build on PIER_TLS_PORT + 2 (admin +3). The certificate is made in bench/tls/
# when it is not there yet. The harness (../shared/bench/side-by-side.sh) must have run once: its
# working folder holds the load generator and its `ws` module.
set -euo pipefail
usage="usage: before-after-tls.sh BEFORE_CHECKOUT AFTER_CHECKOUT [OUT_DIR] [quick]"
before=$(cd "${1:?$usage}" && pwd); after=$(cd "${2:?$usage}" && pwd)
out=${3:-bench-before-after}; quick=${4:-}
[ "$out" = quick ] && { out=bench-before-after; quick=quick; }
here=$(cd "$(dirname "$0")" && pwd)
origin_port=${ORIGIN_PORT:-9001}; haproxy_port=${HAPROXY_TLS_PORT:-9112}
before_port=${PIER_TLS_PORT:-9113}; after_port=$((before_port + 2))
harness=$("$here/harness-dir.sh")
[ -f "$harness/compare.py" ] && [ -d "$harness/node_modules/ws" ] \
  || { echo "before-after-tls: run ../shared/bench/side-by-side.sh once first (it installs the load generator in $harness)" >&2; exit 1; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
rounds=3; secs=5
[ "$quick" = quick ] && { rounds=1; secs=3; }

tls=$here/tls
if [ ! -f "$tls/haproxy.pem" ] || [ ! -f "$tls/key.pk8.pem" ]; then   # the certificate of docs/BENCHMARKS.md, part E
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/key.pem" -out "$tls/cert.pem" \
    -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$tls/key.pem" -out "$tls/key.pk8.pem"
  cat "$tls/cert.pem" "$tls/key.pem" > "$tls/haproxy.pem"
fi
for build in "$before" "$after"; do "$build/pier" --help > /dev/null; done   # builds both before anything is measured

work=$(mktemp -d); pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/haproxy.pid" ] && kill "$(cat "$work/haproxy.pid")" 2>/dev/null; true
}
trap cleanup EXIT
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if listening "$origin_port"; then
  echo "before-after-tls: something listens on $origin_port already; it serves as the origin" >&2
else
  (cd "$harness" && exec node origin.js "$origin_port") > "$work/origin.log" 2>&1 & pids+=($!)
fi
sed -e "s/9112/$haproxy_port/; s/9001/$origin_port/; s|crt bench/tls/haproxy.pem|crt $tls/haproxy.pem|" \
    "$here/haproxy-tls.cfg" > "$work/haproxy.cfg"
haproxy -D -f "$work/haproxy.cfg" -p "$work/haproxy.pid"
start() { # start NAME CHECKOUT PORT: the JVM's pid into NAME.pid
  sed -e "s/9113/$3/; s/9114/$(($3 + 1))/; s/port: 9001/port: $origin_port/; s|tls/|$tls/|g" \
      -e "s|request_log: .*|request_log: $out/$1-tls-requests.ndjson|" "$here/pier-bench-tls.yaml" > "$work/$1.yaml"
  (cd "$out" && exec "$2/pier" serve --config "$work/$1.yaml") > "$out/$1-tls-pier.log" 2>&1 &
  echo $! > "$work/$1.pid"; pids+=($!)
}
start before "$before" "$before_port"
start after "$after" "$after_port"
for port in "$origin_port" "$haproxy_port" "$before_port" "$after_port"; do
  for _ in $(seq 150); do listening "$port" && break; sleep 0.2; done
done
names=(haproxy-tls before after); ports=("$haproxy_port" "$before_port" "$after_port")
pidfiles=("$work/haproxy.pid" "$work/before.pid" "$work/after.pid")
targets=(); for i in 0 1 2; do targets+=("${names[$i]}=wss://127.0.0.1:${ports[$i]}/=${pidfiles[$i]}"); done
export NODE_EXTRA_CA_CERTS=$tls/cert.pem   # churn.js verifies certificates: trust ours
cpu() { awk '{print $14 + $15}' "/proc/$(cat "$1")/stat"; }
{
  echo "# wss:// before and after, against HAProxy with TLS, $(date -u +%FT%TZ)"
  echo "# before: $(git -C "$before" log --oneline -1 | cut -c1-90)"
  echo "# after:  $(git -C "$after" log --oneline -1 | cut -c1-90)"
  echo "# uptime before: $(uptime)"
  cd "$harness"
  for i in 0 1 2; do   # warm-up (the JITs settle)
    node load.js "wss://127.0.0.1:${ports[$i]}/" 50 5 64 8 > /dev/null; node churn.js "wss://127.0.0.1:${ports[$i]}/" 20 5 > /dev/null
  done
  echo "## wss 64 B: 50 connections, 8 in flight each (ratio to HAProxy)"
  python3 compare.py "${targets[@]}" --rounds "$rounds" --secs "$secs" --size 64 --conns 50 --win 8
  echo "## wss 64 KiB: 10 connections, 4 in flight each (ratio to HAProxy)"
  python3 compare.py "${targets[@]}" --rounds "$rounds" --secs "$secs" --size 65536 --conns 10 --win 4
  echo "## wss churn: full TLS handshake, upgrade, one echo, close; 20 at a time; proxy CPU per handshake"
  for r in $(seq "$rounds"); do
    for i in 0 1 2; do
      c0=$(cpu "${pidfiles[$i]}"); json=$(node churn.js "wss://127.0.0.1:${ports[$i]}/" 20 "$secs" | tail -1); c1=$(cpu "${pidfiles[$i]}")
      python3 -c "import json,sys; d=json.loads(sys.argv[1]); n=d['handshakes_per_s']*$secs
print(f\"round $r {sys.argv[2]:<12} handshakes/s {d['handshakes_per_s']:>6}  p50 {d['p50_ms']:>7} ms  p99 {d['p99_ms']:>7} ms  errors {d['errs']}  CPU ms/handshake {(int(sys.argv[4])-int(sys.argv[3]))/$(getconf CLK_TCK)/max(n,1)*1e3:.2f}\")" \
        "$json" "${names[$i]}" "$c0" "$c1"
    done
  done
  echo "# uptime after: $(uptime)"
} > "$out/tls.txt" 2>&1
cat "$out/tls.txt"
