#!/usr/bin/env bash
# Upgrade handshakes per second through Pier with the WAF on (100 custom rules + the managed
# OWASP ruleset) as a ratio to the same edge with no rules: the side-by-side churn test (open,
# one echo, close; 20 at a time), interleaved, with each edge's CPU time per handshake read
# from /proc. The client is bench/churn-browser.js: ../shared/bench/churn.js with a browser's
# headers, and a token and session cookie of its own on every upgrade.
#
# usage: bench/waf-churn.sh [rounds=5] [seconds=5] [both|custom|managed]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd); rounds=${1:-5}; secs=${2:-5}; rules=${3:-both}
shared=$root/../shared/bench; dir=/tmp/pier-waf-bench
mkdir -p "$dir"; cp "$shared"/*.js "$root/bench/churn-browser.js" "$dir/"
[ -d "$dir/node_modules/ws" ] || (cd "$dir" && npm init -y >/dev/null && npm install -s ws@8 bufferutil >/dev/null)
"$root/pier" --help >/dev/null   # builds Pier once if needed, before anything is timed

zone() { # $1 port, $2 rulesets
  cat <<YAML
listeners: [ { address: "127.0.0.1:$1" } ]
request_log: requests-$1.ndjson
zones:
  - name: 127.0.0.1
    dns_records: [ { type: A, name: 127.0.0.1, content: 127.0.0.1 } ]
    rulesets:
      - phase: http_request_origin
        rules: [ { expression: "true", action: route, action_parameters: { origin: { port: 9001 } } } ]
$2
YAML
}
custom=$'      - phase: http_request_firewall_custom\n        rules:'
shapes=('http.request.uri.path eq \"/blocked-N\"' 'http.host eq \"bad-N.example.com\" and http.request.method eq \"GET\"'
        'ip.src in {198.18.N.0/24 10.N.0.0/16}' 'http.user_agent contains \"scanner-N\"'
        'http.request.uri.query matches \"(?i)(union|select).*N\"' 'any(http.request.headers.names[*] eq \"x-evil-N\")'
        'http.request.headers[\"origin\"][0] wildcard \"https://*.attackerN.test\"'
        'lower(http.request.uri.path) eq \"/adminN\" and not ip.src in {192.0.2.0/24}'
        'http.request.uri.args[\"token\"][0] eq \"revoked-N\"' 'len(http.request.uri.query) gt N000 and ssl')
for i in $(seq 0 99); do
  e=${shapes[$((i % 10))]//N/$i}
  custom+=$'\n'"          - { id: rule-$i, expression: \"$e\", action: block }"
done
managed=$'      - phase: http_request_firewall_managed\n        rules:\n          - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }'
zone 9121 "" > "$dir/none.yaml"
# the managed rules are at their defaults; the origin ignores the path and query
case $rules in
  both) zone 9122 "$custom"$'\n'"$managed" > "$dir/waf.yaml" ;;
  custom) zone 9122 "$custom" > "$dir/waf.yaml" ;;
  managed) zone 9122 "$managed" > "$dir/waf.yaml" ;;
  *) echo "rules: $rules (expected: both, custom or managed)" >&2; exit 2 ;;
esac

cd "$dir"
node origin.js 9001 > origin.log 2>&1 & opid=$!
PIER_LOG_LEVEL=WARN "$root/pier" serve --config "$dir/none.yaml" > none.log 2>&1 & p1=$!
PIER_LOG_LEVEL=WARN "$root/pier" serve --config "$dir/waf.yaml" > waf.log 2>&1 & p2=$!
trap 'kill $opid $p1 $p2 2>/dev/null || true' EXIT
for port in 9121 9122; do for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done; done
java_pid() { pgrep -P "$1" java || echo "$1"; }
j1=$(java_pid $p1); j2=$(java_pid $p2)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
for _ in 1 2; do node churn-browser.js ws://127.0.0.1:9121/ 20 5 >/dev/null; node churn-browser.js ws://127.0.0.1:9122/ 20 5 >/dev/null; done   # warm-up: both JITs settle
echo "edge handshakes_per_s p50_ms p99_ms errors cpu_ms_per_handshake"
for r in $(seq "$rounds"); do
  for t in "none ws://127.0.0.1:9121/ $j1" "waf ws://127.0.0.1:9122/ $j2"; do
    set -- $t; c0=$(cpu "$3"); out=$(node churn-browser.js "$2" 20 "$secs"); c1=$(cpu "$3")
    python3 - "$1" "$out" "$c0" "$c1" "$hz" "$secs" <<'PY'
import json, sys
name, out, c0, c1, hz, secs = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
n = out["handshakes_per_s"] * secs
print(name, out["handshakes_per_s"], out["p50_ms"], out["p99_ms"], out["errs"], round((c1 - c0) * 1000 / hz / max(n, 1), 3))
PY
  done
done
grep -c '"SecurityActions"' "$dir/requests-9122.ndjson" | sed 's/^/requests with a security action on the WAF edge (expected 0): /' || true
