#!/bin/bash
# make fuzz-smoke's driver (finding 13: the smoke run used to pipe each
# fuzzer into `tail`, so a crash left `make check` green).
#
#   scripts/fuzz-smoke.sh SECONDS build-fuzz/fuzz_a build-fuzz/fuzz_b ...
#
# Each target runs for SECONDS on a copy of its seed corpus (so the
# repository's corpus only grows by hand; libFuzzer replays every seed
# first, so a reproducer committed there is a regression test).  A crash, a
# leak, a timeout or an out-of-memory in any target fails the run; its
# reproducer is kept in build-fuzz/crashes/TARGET/ and named in the output,
# with the line that replays it.
set -u -o pipefail
seconds=${1:?usage: fuzz-smoke.sh SECONDS TARGET...}
shift
crashdir=${FUZZ_CRASH_DIR:-build-fuzz/crashes}
corpora=${FUZZ_CORPUS_ROOT:-tests/fuzz/corpus}
failed=()
for f in "$@"; do
	n=$(basename "$f")
	corpus=$corpora/${n#fuzz_}
	if [ ! -x "$f" ]; then
		echo "fuzz-smoke: $f is missing (make fuzz)" >&2
		failed+=("$n")
		continue
	fi
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		echo "fuzz-smoke: $n has no seed corpus in $corpus" >&2
		failed+=("$n")
		continue
	fi
	work=$(mktemp -d /tmp/vigil-fuzz.XXXXXX)
	cp -r "$corpus"/. "$work"/
	out=$(mktemp /tmp/vigil-fuzz-log.XXXXXX)
	mkdir -p "$crashdir/$n"
	echo "== $f ($seconds s)"
	# -timeout: one input running longer than 10 s is a hang, a failure.
	# Leak detection on, whatever the caller's ASAN_OPTIONS say (a later
	# option wins).
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
	"$f" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashdir/$n/" "$work" >"$out" 2>&1
	rc=$?
	grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$out" | tail -n 3
	if [ $rc -ne 0 ]; then
		failed+=("$n")
		echo "fuzz-smoke: $n FAILED (exit $rc); its output:" >&2
		grep -v '^#[0-9]' "$out" | tail -n 60 >&2
		for a in "$crashdir/$n"/*; do
			[ -e "$a" ] || continue
			echo "fuzz-smoke: reproducer $a (replay: $f $a; then add it to $corpus/)" >&2
		done
	fi
	rm -rf "$work" "$out"
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz-smoke: failed targets: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz-smoke: all $# targets ran ${seconds} s without a crash, leak or timeout"
