# Sourced by the bench scripts that measure one Pier JVM: `one_pier JAR BASE [JVM_FLAGS...]` starts
# the harness's echo origin on BASE+1 and the jar's `serve` with bench/pier-handshake.yaml moved to
# BASE+3 (listener) and BASE+4 (admin), with the launcher's JVM flags and JVM_FLAGS, waits until it
# listens, and sets `pid` (the JVM), `url` (its ws:// address), `harness` (the folder of the harness's
# load generators, ../shared/bench/side-by-side.sh's) and `work` (a temporary folder, removed on exit
# with everything started).
one_pier() {
  local jar=$1 base=$2 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  local java; java="$("$here/../bin/find-jdk")/bin/java"
  harness=$("$here/harness-dir.sh")
  cp "$here/churn-count.js" "$harness/"
  work=$(mktemp -d)
  one_pier_pids=()
  trap 'for p in "${one_pier_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
  (cd "$harness" && exec node origin.js $((base + 1)) > "$work/origin.log" 2>&1) & one_pier_pids+=($!)
  sed -e "s/21101/$((base + 1))/; s/21103/$((base + 3))/; s/21104/$((base + 4))/" "$here/pier-handshake.yaml" > "$work/pier.yaml"
  "$java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn16m -XX:+UseCompactObjectHeaders "${@:3}" \
    -jar "$jar" serve --config "$work/pier.yaml" > "$work/pier.log" 2>&1 & one_pier_pids+=($!)
  pid=$!
  for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$((base + 3))) 2>/dev/null && break; sleep 0.2; done
  url=ws://127.0.0.1:$((base + 3))/
}
