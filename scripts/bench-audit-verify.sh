#!/bin/sh
# Times `haven audit verify` on a fresh data folder with N audit entries (default
# 100000), written through the store with their authentication codes and a signed
# checkpoint every 100 entries. Figures only; nothing is asserted.
#   scripts/bench-audit-verify.sh [ENTRIES] [BUILD_DIR]
set -eu
entries=${1:-100000}
build=${2:-build}
cmake --build "$build" --target haven audit_fill -j2 >/dev/null
dir=$(mktemp -d "${TMPDIR:-/tmp}/haven-bench-XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$build/haven" admin enroll --data "$dir" >/dev/null
"$build/audit_fill" "$dir" "$entries"
start=$(date +%s.%N)
"$build/haven" audit verify --data "$dir"
end=$(date +%s.%N)
echo "wall time of haven audit verify: $(echo "$end - $start" | bc) s for $entries entries"
