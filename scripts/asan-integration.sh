#!/bin/bash
# make asan-integration: the whole bats integration suite against the daemons
# built with -fsanitize=address,undefined.
#   usage: asan-integration.sh BUILD [FILE.bats...]   (default: every file)
#
# Any sanitizer report fails a test:
#   - ASAN_OPTIONS / UBSAN_OPTIONS stop at the first error and abort;
#   - every vigil process writes its reports to a file of its own in
#     $VIGIL_SANITIZER_DIR (common/sanitizer.c: opened before the sandbox,
#     passed to privd's children), the test helpers to DIR/other.PID;
#   - every test's teardown runs it_sanitizer_check
#     (tests/integration/sanitizer.bash), which fails the test when a file
#     grew during it, so a report fails its test even when the daemon kept
#     running or privd restarted the child that wrote it;
#   - after each file the same check runs once more (a report written after
#     the file's last teardown) and is counted as a failed test.
# LeakSanitizer runs in the CLI and in vigild; privd's sandboxed children run
# with detect_leaks=0 (it needs /proc and ptrace at exit, which their sandbox
# forbids; `make asan` checks leaks in the unit tests).
#
# Excluded tests: EXCLUDED below, one line each, "FILE|TEST NAME|REASON";
# SECURITY.md lists the same.  They are printed at the start of every run;
# nothing else is skipped.  The exit status is non-zero when any test or
# any file failed.
set -u -o pipefail
build=$(cd "${1:?usage: asan-integration.sh BUILD-DIR}" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

EXCLUDED=(
)

san=$(mktemp -d /tmp/vigil-asan.XXXXXX)
# the CLI also runs as the unprivileged users the tests create
chmod 1777 "$san"
export VIGIL_SANITIZER_DIR=$san
export VIGIL_BUILD=$build
# every it_wait bound 4 times longer: the sanitizer build runs slower (the
# bounds are upper limits; the tests still poll for the condition)
export IT_TIME_SCALE=4
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$san/other"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$san/other"
# shellcheck source=../tests/integration/sanitizer.bash
source tests/integration/sanitizer.bash

# An extended regular expression matching exactly NAME (bats --filter).
ere_literal() {
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[.\[\]\(\)*+?{}\|\$]) out+="[$c]" ;;
		\\ | ^) out+="\\$c" ;;
		*) out+=$c ;;
		esac
	done
	printf '%s' "$out"
}

for e in "${EXCLUDED[@]}"; do
	IFS='|' read -r file name why <<<"$e"
	grep -qF "@test \"$name\"" "tests/integration/$file" || {
		echo "asan-integration: EXCLUDED names a test that does not exist: $file: $name" >&2
		exit 1
	}
	echo "asan-integration: excluded: $file: $name ($why)"
done

failed=0
files=("${@:2}")
[ ${#files[@]} -gt 0 ] || files=(tests/integration/*.bats)
for f in "${files[@]}"; do
	base=${f##*/}
	filter=()
	names=()
	for e in "${EXCLUDED[@]}"; do
		IFS='|' read -r file name why <<<"$e"
		[ "$file" = "$base" ] && names+=("$name")
	done
	if [ ${#names[@]} -gt 0 ]; then
		# every test of the file but the excluded ones
		re=''
		while IFS= read -r t; do
			skip=0
			for n in "${names[@]}"; do [ "$t" = "$n" ] && skip=1; done
			[ "$skip" = 1 ] && continue
			re+="${re:+|}$(ere_literal "$t")"
		done < <(sed -n 's/^@test "\(.*\)" {$/\1/p' "$f")
		[ -n "$re" ] || continue
		filter=(--filter "^($re)\$")
	fi
	echo "== $f (ASan/UBSan)"
	bats --print-output-on-failure "${filter[@]}" "$f" || failed=1
	if ! it_sanitizer_check; then
		echo "not ok 0 $base: a sanitizer report written after the file's last teardown (above)"
		failed=1
	fi
done

if [ "$failed" != 0 ]; then
	echo "asan-integration: FAILED; the sanitizer reports are kept in $san" >&2
	exit 1
fi
rm -rf "$san"
echo "asan-integration: every test passed, no sanitizer report"
