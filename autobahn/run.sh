#!/usr/bin/env bash
# Runs the Autobahn fuzzingclient (groups 1-7, 9, 10) against the echo origin directly and
# through Pier, and fails when any case ends differently through Pier: ./run.sh [extra Maven args]
# (e.g. ./run.sh -DskipTests to skip the upstream modules' unit tests). See docs/AUTOBAHN.md.
# ./run.sh -Dautobahn.worker fuzzes, instead, a Pier whose every request goes to the echo Worker, then
# the same with the JavaScript echo Worker, then one whose every request goes to the hibernating echo
# Durable Object, and fails on any case Autobahn does not pass (OK, NON-STRICT or INFORMATIONAL), on a
# JavaScript case that ends otherwise than the Java API's, or when the object never hibernated.
# -Dautobahn.worker=java runs only the Java API's Workers, -Dautobahn.worker=js only the JavaScript one.
set -euo pipefail
# The plugin writes to ./target/autobahntestsuite-reports, so Maven runs from this folder.
cd "$(dirname "${BASH_SOURCE[0]}")"
JAVA_HOME=$(../bin/find-jdk) || exit 1
export JAVA_HOME
exec mvn -B -ntp -f ../pom.xml -Pautobahn -pl autobahn -am verify "$@"
