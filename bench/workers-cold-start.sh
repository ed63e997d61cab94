#!/usr/bin/env bash
# Cold starts of JavaScript Workers and Durable Objects, Pier beside workerd, with the same script
# (bench/workers-js/echo.js, workerd's reference endpoints) and the same client (bench/workers-cold.js).
#
# usage: bench/workers-cold-start.sh [DEPLOYS [OBJECTS [WARM]]]     (defaults 20, 200 and 0)
#   WARM: untimed requests to each runtime first (WARM GETs, WARM/4 object upgrades), so that what is
#         timed is a new script version on a warm node (workerd: each deploy is a new process all the same)
#   script: each deploy appends a comment to the module (a new version), deploys it (Pier: SIGHUP, the
#           node reloads its file and loads the changed module anew; workerd: a new process, its only
#           way to take new code), then times the first requests after it, each on a new connection
#   object: the WebSocket upgrade to a new id (the object is constructed), and to a live one
# Pier runs from this checkout (./pier serve, the optimizing compiler on) on 127.0.0.1:9205, workerd
# (from npm, as ../shared/bench/workers-side-by-side.sh installs it) on 127.0.0.1:9206.
set -euo pipefail
deploys=${1:-20}; objects=${2:-200}; warm=${3:-0}
root=$(cd "$(dirname "$0")/.." && pwd); dir=/tmp/pier-bench-cold; mods=/tmp/pier-bench-workers
mkdir -p "$mods"
[ -d "$mods/node_modules/ws" ] && [ -d "$mods/node_modules/workerd" ] || (cd "$mods" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install -s ws@8 bufferutil workerd >/dev/null)
export NODE_PATH="$mods/node_modules"
rm -rf "$dir"; mkdir -p "$dir/pier/workers-js" "$dir/workerd"
cp "$root/bench/workers-js/echo.js" "$dir/pier/workers-js/echo.js"; cp "$root/bench/workers-js/echo.js" "$dir/workerd/echo.js"
sed -e 's/9204/9205/' -e 's#\.\./target/pier-workers-js-bench-objects#objects#' "$root/bench/pier-workers-js-bench.yaml" > "$dir/pier/pier.yaml"
cat > "$dir/workerd/config.capnp" <<'CAPNP'
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .echoWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:9206", http = (), service = "main") ],
);
const echoWorker :Workerd.Worker = (
  modules = [ (name = "echo.js", esModule = embed "echo.js") ],
  compatibilityDate = "2026-11-01",
  durableObjectNamespaces = [ (className = "Room", uniqueKey = "pier-bench-room") ],
  durableObjectStorage = (inMemory = void),
  bindings = [ (name = "ROOM", durableObjectNamespace = "Room") ],
);
CAPNP
listening() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on port $1" >&2; return 1; }

"$root/pier" serve --config "$dir/pier/pier.yaml" > "$dir/pier.log" 2>&1 & ppid=$!
trap 'kill $ppid 2>/dev/null || true; [ -f "$dir/workerd.pid" ] && kill "$(cat "$dir/workerd.pid")" 2>/dev/null || true' EXIT
listening 9205
grep -m1 "JavaScript Workers: GraalJS" "$dir/pier.log" || true
cat > "$dir/deploy-pier.sh" <<SH
set -e
echo "// deploy \$(date +%s%N)" >> "$dir/pier/workers-js/echo.js"
n=\$(grep -c "Worker bench-js deployed" "$dir/pier.log" || true)
kill -HUP $ppid
for _ in \$(seq 1 600); do [ "\$(grep -c "Worker bench-js deployed" "$dir/pier.log")" -gt "\$n" ] && exit 0; sleep 0.02; done
echo "pier did not deploy" >&2; exit 1
SH
cat > "$dir/deploy-workerd.sh" <<SH
set -e
[ -f "$dir/workerd.pid" ] && { kill "\$(cat "$dir/workerd.pid")" 2>/dev/null || true; while kill -0 "\$(cat "$dir/workerd.pid")" 2>/dev/null; do sleep 0.02; done; }
echo "// deploy \$(date +%s%N)" >> "$dir/workerd/echo.js"
cd "$dir/workerd"; setsid "$mods/node_modules/.bin/workerd" serve config.capnp >> "$dir/workerd.log" 2>&1 < /dev/null & echo \$! > "$dir/workerd.pid"
for _ in \$(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/9206) 2>/dev/null && exit 0; sleep 0.02; done
echo "workerd did not start" >&2; exit 1
SH
node "$root/bench/workers-cold.js" pier http://127.0.0.1:9205 "bash $dir/deploy-pier.sh" "$deploys" "$objects" "$warm"
node "$root/bench/workers-cold.js" workerd http://127.0.0.1:9206 "bash $dir/deploy-workerd.sh" "$deploys" "$objects" "$warm"
