#!/bin/bash
# make check's driver: runs every suite in order, keeps going after a failed
# suite so one run shows everything, then prints one tally of the cmocka and
# bats results and exits non-zero if any suite failed.
set -u -o pipefail
make=${MAKE:-make}
log=$(mktemp /tmp/vigil-check.XXXXXX)
trap 'rm -f "$log"' EXIT
failed_suites=()
# package-test last: it builds the .deb and installs it in an overlay of
# this machine (tests/package/run.sh), apart from everything above.
for suite in unit sandbox integration differential asan asan-sandbox asan-integration fuzz-smoke package-test; do
	echo "==== make $suite"
	if ! $make --no-print-directory "$suite" 2>&1 | tee -a "$log"; then
		failed_suites+=("$suite")
	fi
done
# cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s), listed below:"
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
# bats (TAP): "ok N ..." / "not ok N ..."
passed=$((passed + $(grep -c '^ok [0-9]' "$log")))
failed=$((failed + $(grep -c '^not ok [0-9]' "$log")))
echo
# Name what failed, last, so a log cut to its tail (CI's) still shows it.
if [ "$failed" -gt 0 ]; then
	awk '/^not ok [0-9]/ {n = 12; print; next} n > 0 && /^#/ {print; n--; next} {n = 0}' "$log" | head -60
	echo "failed tests:"
	grep -E '^not ok [0-9]|^\[  FAILED  \] [^0-9]' "$log" | sed 's/^/  /' | head -50
fi
if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "make check: failed suites: ${failed_suites[*]}"
	[ "$failed" -gt 0 ] || failed=1
fi
echo "check: $passed passed, $failed failed"
[ ${#failed_suites[@]} -eq 0 ]
