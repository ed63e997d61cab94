#!/usr/bin/env bash
# Two Pier builds through ../shared/bench/side-by-side.sh in one sitting, one right after the
# other, each started fresh with bench/pier-bench.yaml (ws:// on 9103 in front of the harness's
# origin on 9001), as a user runs it (`pier serve`, request log on).
#
# usage: bench/before-after.sh BEFORE_CHECKOUT AFTER_CHECKOUT [OUT_DIR] [quick]
#   each checkout is a clone of this repository at the commit to measure (its ./pier builds it)
# Writes OUT_DIR/before.txt and OUT_DIR/after.txt (default OUT_DIR: bench-before-after) with
# `uptime` before and after each run.
set -euo pipefail
before=$(cd "${1:?usage: before-after.sh BEFORE_CHECKOUT AFTER_CHECKOUT [OUT_DIR] [quick]}" && pwd)
after=$(cd "${2:?usage: before-after.sh BEFORE_CHECKOUT AFTER_CHECKOUT [OUT_DIR] [quick]}" && pwd)
out=${3:-bench-before-after}; quick=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"; out=$(cd "$out" && pwd)
for build in "$before" "$after"; do "$build/pier" --help > /dev/null; done   # builds both before anything is measured
run() {
  local name=$1 build=$2
  (cd "$out" && exec "$build/pier" serve --config "$here/pier-bench.yaml" > "$out/$name-pier.log" 2>&1) &
  local launcher=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/9103) 2>/dev/null && break; sleep 0.2; done
  local pid; pid=$(pgrep -f "$build/cli/target/pier.jar serve" | head -1)
  { echo "# $name: $(git -C "$build" log --oneline -1)"; echo "# uptime before: $(uptime)"; } > "$out/$name.txt"
  bash "$here/../../shared/bench/side-by-side.sh" ws://127.0.0.1:9103/ "$pid" $quick >> "$out/$name.txt" 2>&1
  echo "# uptime after: $(uptime)" >> "$out/$name.txt"
  kill "$pid" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true
}
run before "$before"
run after "$after"
echo "before-after: $out/before.txt and $out/after.txt"
