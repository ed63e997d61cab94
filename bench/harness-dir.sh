#!/usr/bin/env bash
# Prints the folder where ../shared/bench/side-by-side.sh installs its load generator and `ws`
# module (its `dir=` setting), so that scripts and docs here need not name it; PIER_BENCH_DIR overrides.
set -euo pipefail
if [[ -n "${PIER_BENCH_DIR:-}" ]]; then echo "$PIER_BENCH_DIR"; exit; fi
here=$(cd "$(dirname "$0")" && pwd)
dir=$(grep -o 'dir=[^ ;]*' "$here/../../shared/bench/side-by-side.sh" | head -1 | cut -d= -f2)
[[ -n "$dir" ]] || { echo "harness-dir: no dir= setting in ../shared/bench/side-by-side.sh" >&2; exit 1; }
echo "$dir"
