#!/usr/bin/env bash
# Issue 10, medium 3: heavy regex rules saved by a zone's WAF token, then long paths from
# several clients, against `pier serve --store`: another zone's latency and the node's heap,
# before and during. The client is dev.pier.bench.RuleBudgetLoad (bench/target/benchmarks.jar);
# the origin is Python's http.server. Ports 21010 (edge), 21011 (API), 21020 (origin).
#
# usage: bench/rule-budget.sh [clients=4] [seconds=10] [rule_budget=1000000]
#   rule_budget 2147483647 is the largest waf.rule_budget takes: the rules always run to the end
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd); clients=${1:-4}; secs=${2:-10}; budget=${3:-1000000}
dir=/tmp/pier-rule-budget-$budget
rm -rf "$dir"; mkdir -p "$dir/www"; echo ok > "$dir/www/index.html"
JAVA_HOME=$("$root/bin/find-jdk"); export JAVA_HOME
"$root/pier" --help >/dev/null   # builds Pier once if needed
(cd "$root" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl bench -am package)
cat > "$dir/node.yaml" <<YAML
listeners: [ { address: "127.0.0.1:21010" } ]
admin: { address: "127.0.0.1:21011" }
request_log: $dir/requests.ndjson
waf: { rule_budget: $budget }
zones: []
YAML
token=$("$root/pier" token --store "embedded:$dir/store" --name bench | awk '/API token/{print $3}')
python3 -m http.server 21020 --bind 127.0.0.1 --directory "$dir/www" > "$dir/origin.log" 2>&1 & opid=$!
PIER_LOG_LEVEL=WARN PIER_JAVA_OPTS="-Xmx1g" "$root/pier" serve --config "$dir/node.yaml" --store "embedded:$dir/store" > "$dir/pier.log" 2>&1 & ppid=$!
trap 'kill $opid $ppid 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/21011) 2>/dev/null && break; sleep 0.2; done
jpid=$(pgrep -P $ppid java || echo $ppid)
echo "# waf.rule_budget $budget, $clients clients, ${secs}s per phase; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -cp "$root/bench/target/benchmarks.jar" dev.pier.bench.RuleBudgetLoad \
  http://127.0.0.1:21011 21010 "$token" "$jpid" 21020 "$clients" "$secs" "$root/pier" "embedded:$dir/store"
