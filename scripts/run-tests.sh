#!/usr/bin/env bash
# Runs every test: C++ unit tests and fuzz-corpus replays (CTest), the browser client's
# pure modules against test vectors (tests/web), then integration and
# browser tests (node's test runner against the real server and Debian's Chromium).
# Ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
logs=tests/.logs
rm -rf "$logs" && mkdir -p "$logs"

# One run id for both node suites, so the final log scan covers every server log.
export HAVEN_TEST_RUN_ID="run-$$-$(date +%s)"

passed=0 failed=0 skipped=0

echo "== C++ unit tests and fuzz corpus replays (ctest)"
ctest --test-dir "$build_dir" --output-on-failure -j2 2>&1 | tee "$logs/ctest.txt"
total=$(grep -Eo 'tests failed out of [0-9]+' "$logs/ctest.txt" | grep -Eo '[0-9]+$' || echo 0)
cfail=$(grep -Eo '[0-9]+ tests failed out of' "$logs/ctest.txt" | grep -Eo '^[0-9]+' || echo 0)
[ -z "$total" ] && total=0
[ -z "$cfail" ] && cfail=0
if [ "$total" -eq 0 ]; then cfail=1; echo "ctest ran no test"; fi
passed=$((passed + total - cfail)); failed=$((failed + cfail))

run_node_suite() {
  local name=$1 dir=$2
  echo "== $name tests (node --test $dir)"
  node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$logs/$name.tap" \
    "$dir"/*.test.mjs
  local rc=$? p f s c
  p=$(grep -E '^# pass ' "$logs/$name.tap" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -E '^# fail ' "$logs/$name.tap" | tail -1 | grep -Eo '[0-9]+' || echo 1)
  s=$(grep -E '^# skipped ' "$logs/$name.tap" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  # A failed before() hook cancels its tests without counting them as failed.
  c=$(grep -E '^# cancelled ' "$logs/$name.tap" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(( ${f:-0} + ${c:-0} ))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$name: node exited $rc"; fi
  if [ "${p:-0}" -eq 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; echo "$name ran no test"; fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}
echo "== web unit bundle (vite build -c web/vite.unit.config.ts)"
if ! npm run --silent build:web-unit; then failed=$((failed + 1)); echo "web unit bundle failed to build"; fi
run_node_suite web tests/web
run_node_suite integration tests/integration
# Browser tests run last: their final file scans every server log of this run for PHI.
run_node_suite browser tests/browser

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
