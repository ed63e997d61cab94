#!/usr/bin/env bash
# Handshake churn through two Pier builds side by side, interleaved in one sitting (issue 15, the
# upgrade path): both run at once with bench/pier-handshake.yaml (A on BASE+3, B on BASE+13), in
# front of one echo origin on BASE+1, and rounds alternate A, B, A, B... Each round is a fixed count of
# handshakes (open, one echo, close; 20 at a time: bench/churn-count.js) and reports handshakes/s
# and the Pier process's CPU time (user + system, from /proc) per handshake.
#
# usage: bench/handshake-ab.sh JAR_A JAR_B [ROUNDS] [COUNT] [WARMUP] [BASE]   (BASE defaults to 21100)
#   JAR_*: a built cli/target/pier.jar (its lib/ folder beside it), e.g. of two clones of this repository
set -euo pipefail
jar_a=$(realpath "${1:?usage: handshake-ab.sh JAR_A JAR_B [ROUNDS] [COUNT] [WARMUP] [BASE]}")
jar_b=$(realpath "${2:?usage: handshake-ab.sh JAR_A JAR_B [ROUNDS] [COUNT] [WARMUP] [BASE]}")
rounds=${3:-4}; count=${4:-4000}; warmup=${5:-10000}; base=${6:-21100}
here=$(cd "$(dirname "$0")" && pwd)
java="$("$here/../bin/find-jdk")/bin/java"
harness=$("$here/harness-dir.sh")
cp "$here/churn-count.js" "$harness/"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$harness" && exec node origin.js $((base + 1)) > "$work/origin.log" 2>&1) & pids+=($!)
port() { sed -e "s/21101/$((base + 1))/; s/21103/$((base + $1))/; s/21104/$((base + $1 + 1))/" "$here/pier-handshake.yaml"; }
mkdir "$work/a" "$work/b"   # a folder each: each build's request log beside its config
port 3 > "$work/a/pier.yaml"; port 13 > "$work/b/pier.yaml"
start() { # JAR CONFIG PORT: the JVM's pid, once it listens (the launcher's flags, as `pier serve` runs it)
  "$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn16m -XX:+UseCompactObjectHeaders -jar "$1" serve \
    --config "$2" > "$work/pier-$3.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$3") 2>/dev/null && break; sleep 0.2; done
  echo "$pid"
}
url_a=ws://127.0.0.1:$((base + 3))/; url_b=ws://127.0.0.1:$((base + 13))/
pid_a=$(start "$jar_a" "$work/a/pier.yaml" $((base + 3))); pids+=("$pid_a")
pid_b=$(start "$jar_b" "$work/b/pier.yaml" $((base + 13))); pids+=("$pid_b")
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "# A: $jar_a"; echo "# B: $jar_b"; echo "# uptime before: $(uptime)"
for url in "$url_a" "$url_b"; do   # warm-up: the JIT compiles the handshake path
  (cd "$harness" && node churn-count.js "$url" "$warmup" 20 > /dev/null)
done
round() { # NAME PID URL
  local before after out
  before=$(cpu "$2")
  out=$(cd "$harness" && node churn-count.js "$3" "$count" 20)
  after=$(cpu "$2")
  echo "$out" | python3 -c "import json,sys; r=json.load(sys.stdin); print('$1', r['handshakes_per_s'], round(($after-$before)/$ticks*1e6/$count, 1), r['errs'])"
}
echo "build handshakes_per_s pier_cpu_us_per_handshake errors"
for r in $(seq "$rounds"); do
  round A "$pid_a" "$url_a"
  round B "$pid_b" "$url_b"
done
echo "# uptime after: $(uptime)"
