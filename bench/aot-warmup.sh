#!/usr/bin/env bash
# The first seconds after a start, with and without the launcher's AOT cache (./pier aot), interleaved:
# each round starts ./pier serve on bench/pier-aot-bench.yaml once with PIER_AOT=0 and once with the cache,
# times the start to the first request answered through it (an HTTP GET polled every 20 ms; wall time and
# the JVM's CPU time, the latter less dependent on the machine's load), then runs the
# harness's churn load (open, one echo, close; 20 at a time) for SECONDS at once and reports handshakes/s,
# Pier's CPU (user+system, from /proc) per handshake, and the JIT compilations made meanwhile
# (-XX:+PrintCompilation lines). A third start, without the cache and without the Graal compiler
# (PIER_JS_INTERPRETER=1: the JDK itself, with its default class data sharing, which the launcher's
# cli/target/runtime has not), separates what the cache brings from default CDS alone.
# Ports 21300 (origin) and 21301 (Pier).
# usage: bench/aot-warmup.sh [ROUNDS [SECONDS]]      (defaults 3 and 30; needs ./pier aot run first)
set -euo pipefail
rounds=${1:-3}; secs=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd); shared="$root/../shared/bench"
bench=$("$root/bench/harness-dir.sh"); export NODE_PATH="$bench/node_modules"
[ -f "$root/cli/target/pier.aot" ] || { echo "no AOT cache: run ./pier aot first" >&2; exit 1; }
out=$(mktemp -d /tmp/pier-aot-warmup.XXXX)
node "$shared/origin.js" 21300 > "$out/origin.log" 2>&1 & origin=$!
pier=
trap 'kill $origin 2>/dev/null || true; [ -z "$pier" ] || kill $pier 2>/dev/null || true' EXIT
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # clock ticks
tick=$(getconf CLK_TCK)
# compilations so far: all tiers, and C2's (tier 4) alone
compiled() { grep "::" "$1" | grep -v "made not entrant" | awk '{n++; for (i = 3; i <= 5; i++) if ($i ~ /^[0-4]$/) { if ($i == 4) c2++; break }} END {print n + 0, c2 + 0}'; }
echo "variant startup_ms startup_cpu_ms handshakes_per_s cpu_ms_per_handshake compilations_during_churn c2_compilations load_avg"
for r in $(seq 1 "$rounds"); do
  for variant in no-cache cache no-cache-no-jvmci; do
    aot=1; [ "$variant" = cache ] || aot=0
    interpreter=; [ "$variant" != no-cache-no-jvmci ] || interpreter=1
    log="$out/$variant-$r.log"
    t0=$(date +%s%N)
    PIER_AOT=$aot PIER_JS_INTERPRETER=$interpreter PIER_JAVA_OPTS="-XX:+PrintCompilation" "$root/pier" serve --config "$root/bench/pier-aot-bench.yaml" > "$log" 2>&1 & pier=$!
    until curl -sf -o /dev/null http://127.0.0.1:21301/; do sleep 0.02; kill -0 $pier || { echo "pier exited: $log" >&2; exit 1; }; done
    t1=$(date +%s%N)
    java_pid=$pier   # the launcher execs java
    c0=$(cpu $java_pid); s0=$c0; read -r n0 k0 < <(compiled "$log")
    result=$(node "$shared/churn.js" ws://127.0.0.1:21301/ 20 "$secs")
    c1=$(cpu $java_pid); read -r n1 k1 < <(compiled "$log")
    hs=$(echo "$result" | sed 's/.*"handshakes_per_s":\([0-9]*\).*/\1/')
    echo "$variant $(( (t1 - t0) / 1000000 )) $((s0 * 1000 / tick)) $hs $(awk -v c=$((c1 - c0)) -v t=$tick -v h="$hs" -v s="$secs" 'BEGIN{printf "%.3f", c*1000/t/(h*s)}') $((n1 - n0)) $((k1 - k0)) $(cut -d' ' -f1 /proc/loadavg)"
    kill $pier; wait $pier 2>/dev/null || true; pier=
  done
done
echo "logs in $out"
