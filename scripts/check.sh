#!/usr/bin/env bash
# The one test command (`make check`): installs what is missing, then runs the
# unit and integration tests (ASan + UBSan), `make install` into a temporary
# folder, the browser end-to-end tests and the load and fault tests, and ends
# with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh all || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for target in test install-check e2e load; do
    echo "== make $target"
    make -j"$(nproc)" "$target" 2>&1 | tee -a "$log"
    [[ ${PIPESTATUS[0]} == 0 ]] || { status=1; echo "== make $target FAILED"; }
done

# GoogleTest: "[  PASSED  ] 12 tests." / "[  FAILED  ] 2 tests, listed below:"
# node --test: "# pass 5" / "# fail 0"
passed=$(awk '/^\[  PASSED  \] [0-9]+ test/ {n += $4} /^# pass [0-9]+/ {n += $3} END {print n + 0}' "$log")
failed=$(awk '/^\[  FAILED  \] [0-9]+ test/ {n += $4} /^# fail [0-9]+/ {n += $3} END {print n + 0}' "$log")
[[ $status == 0 || $failed != 0 ]] || failed=1  # a stage failed before running its tests
echo "check: $passed passed, $failed failed"
exit $status
