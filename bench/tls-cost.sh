#!/usr/bin/env bash
# What TLS costs Pier and HAProxy, per operation, interleaved in one sitting (issue 15, wss): Pier
# (bench/pier-tls-cost.yaml: wss:// 21413, ws:// 21415) and HAProxy (bench/haproxy-tls-cost.cfg:
# wss:// 21412, ws:// 21411) in front of one echo origin on 21401. With a second jar, that build
# runs too (wss:// 21423, ws:// 21425) and rounds alternate between them.
# Each round, for each target and scheme, fixed counts (so the figures divide by operations):
#   full     COUNT handshakes, a full TLS handshake each (bench/churn-count.js: open, one echo, close; 20 at a time)
#   resumed  COUNT handshakes offering the last session ticket, as browsers reconnect (bench/churn-resume.js)
#   64B      MSGS echoes of 64 B, 50 connections with 8 in flight (bench/echo-count.js), CPU read over the counted phase
# and prints the proxy's CPU time (user + system, from /proc): µs per handshake, s per million messages.
# Pier is warmed up first (WARMUP handshakes of each kind and MSGS messages): a cold JVM spends a
# quarter of its CPU compiling the handshake path, which is not what a node in service pays.
#
# usage: bench/tls-cost.sh JAR_A [JAR_B] ; env ROUNDS (3) COUNT (1500) MSGS (100000) WARMUP (6000)
#   JAR_*: a built cli/target/pier.jar. Needs bench/tls/ (made here when missing) and the harness's ws module.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jars=()
for j in "$@"; do jars+=("$(realpath "$j")"); done
[[ ${#jars[@]} -ge 1 ]] || { echo "usage: bench/tls-cost.sh JAR_A [JAR_B]" >&2; exit 2; }
rounds=${ROUNDS:-3}; count=${COUNT:-1500}; msgs=${MSGS:-100000}; warmup=${WARMUP:-6000}
java="$("$here/../bin/find-jdk")/bin/java"
harness=$("$here/harness-dir.sh")
export NODE_PATH="$harness/node_modules" NODE_EXTRA_CA_CERTS="$here/tls/cert.pem"
cd "$here/.."
if [[ ! -f bench/tls/haproxy.pem ]]; then   # the certificate of docs/BENCHMARKS.md, part E
  mkdir -p bench/tls
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout bench/tls/key.pem \
    -out bench/tls/cert.pem -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in bench/tls/key.pem -out bench/tls/key.pk8.pem
  cat bench/tls/cert.pem bench/tls/key.pem > bench/tls/haproxy.pem
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $work/haproxy.pid ]] && kill "$(cat "$work/haproxy.pid")" 2>/dev/null || true
  wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
(cd "$harness" && exec node origin.js 21401 > "$work/origin.log" 2>&1) & pids+=($!)
haproxy -D -f bench/haproxy-tls-cost.cfg -p "$work/haproxy.pid"
listening() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.2; done; echo "nothing listens on $1" >&2; exit 1; }
start() { # JAR CONFIG WSS_PORT: the JVM's pid once it listens (the launcher's flags, as `pier serve` runs it)
  "$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn16m -XX:+UseCompactObjectHeaders \
    -Dio.netty.leakDetection.level=disabled -jar "$1" serve --config "$2" > "$work/pier-$3.log" 2>&1 &
  local pid=$!
  listening "$3" >&2
  echo "$pid"
}
targets=()   # NAME PID WSS_URL WS_URL
sed -e "s#tls/#$here/tls/#g" bench/pier-tls-cost.yaml > "$work/pier-a.yaml"
pid=$(start "${jars[0]}" "$work/pier-a.yaml" 21413); pids+=("$pid"); targets+=("pier-A $pid 21413 21415")
if [[ ${#jars[@]} -ge 2 ]]; then
  sed -e 's/21413/21423/; s/21414/21424/; s/21415/21425/' "$work/pier-a.yaml" > "$work/pier-b.yaml"
  pid=$(start "${jars[1]}" "$work/pier-b.yaml" 21423); pids+=("$pid"); targets+=("pier-B $pid 21423 21425")
fi
listening 21412; listening 21401
targets+=("haproxy $(cat "$work/haproxy.pid") 21412 21411")
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1]).get('$1', ''))"; }
churn() { # SCRIPT URL N: prints "rate extra"
  local out; out=$(node "$here/$1" "$2" "$3" 20)
  echo "$(echo "$out" | field handshakes_per_s) $(echo "$out" | field reused)"
}
echo "# jars: ${jars[*]}"; echo "# uptime before: $(uptime)"
for t in "${targets[@]}"; do
  read -r name pid wss ws <<< "$t"
  [[ $name == pier-* ]] || continue
  for url in "wss://127.0.0.1:$wss/" "ws://127.0.0.1:$ws/"; do churn churn-count.js "$url" "$warmup" > /dev/null; done
  churn churn-resume.js "wss://127.0.0.1:$wss/" "$warmup" > /dev/null
  node "$here/echo-count.js" "wss://127.0.0.1:$wss/" "$msgs" > /dev/null
  node "$here/echo-count.js" "ws://127.0.0.1:$ws/" "$msgs" > /dev/null
done
echo "target scheme load rate cpu_per_op unit resumed"
for r in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    read -r name pid wss ws <<< "$t"
    for scheme in wss ws; do
      port=$([[ $scheme == wss ]] && echo "$wss" || echo "$ws"); url="$scheme://127.0.0.1:$port/"
      b=$(cpu "$pid"); read -r rate _ <<< "$(churn churn-count.js "$url" "$count")"; a=$(cpu "$pid")
      echo "$name $scheme full $rate $(( (a - b) * 1000000 / ticks / count )) us/handshake -"
      if [[ $scheme == wss ]]; then
        b=$(cpu "$pid"); read -r rate reused <<< "$(churn churn-resume.js "$url" "$count")"; a=$(cpu "$pid")
        echo "$name $scheme resumed $rate $(( (a - b) * 1000000 / ticks / count )) us/handshake $reused"
      fi
      mark="$work/mark"; rm -f "$mark"
      MARK=$mark node "$here/echo-count.js" "$url" "$msgs" > "$work/echo.out" & np=$!
      while [[ ! -f $mark ]] && kill -0 "$np" 2>/dev/null; do sleep 0.05; done
      b=$(cpu "$pid"); wait "$np"; a=$(cpu "$pid")
      echo "$name $scheme 64B $(field msgs_per_s < "$work/echo.out") $(awk -v d=$((a - b)) -v t="$ticks" -v m="$msgs" 'BEGIN { printf "%.2f", d / t * 1e6 / m }') s/M-msgs -"
    done
  done
done
echo "# uptime after: $(uptime)"
