#!/usr/bin/env bats
# `make fuzz-smoke` must be able to fail (finding 13: it piped every fuzzer
# into `tail`, so a crashing target left `make check` green).  Each test
# builds a tiny libFuzzer target that misbehaves on every input and runs the
# real `make fuzz-smoke` on it alone.

load sanitizer

setup() {
	command -v clang >/dev/null || { echo "prerequisite missing: clang" >&2; return 1; }
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	W=$(mktemp -d /tmp/vigil-fuzzsmoke.XXXXXX)
	mkdir -p "$W/corpus/bad" "$W/crashes"
	echo seed > "$W/corpus/bad/seed"
}

teardown() {
	rm -rf "$W"
	it_sanitizer_check
}

build_target() {
	printf '%s\n' "$1" > "$W/fuzz_bad.c"
	clang -g -fsanitize=fuzzer,address -o "$W/fuzz_bad" "$W/fuzz_bad.c"
}

# Without the options of make asan-integration: these targets crash and
# leak on purpose, and their reports belong to this test, not to its
# sanitizer check.
smoke() {
	env -u ASAN_OPTIONS -u UBSAN_OPTIONS -u VIGIL_SANITIZER_DIR \
		make -C "$REPO" --no-print-directory fuzz-smoke FUZZ_BIN="$W/fuzz_bad" FUZZ_SECONDS=5 \
		FUZZ_CORPUS_ROOT="$W/corpus" FUZZ_CRASH_DIR="$W/crashes"
}

@test "finding 13: a crashing fuzzer fails make fuzz-smoke and keeps its reproducer" {
	build_target '#include <stdlib.h>
#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; abort(); }'
	run smoke
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"failed targets: fuzz_bad"* ]]
	ls "$W"/crashes/fuzz_bad/crash-* >/dev/null
	[[ "$output" == *"reproducer $W/crashes/fuzz_bad/crash-"* ]]
}

@test "finding 13: a leaking fuzzer fails make fuzz-smoke" {
	build_target '#include <stdlib.h>
#include <stdint.h>
#include <stddef.h>
static void *volatile keep;
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; keep = malloc(n + 16); keep = 0; return 0; }'
	run smoke
	echo "$output"
	[ "$status" -ne 0 ]
	ls "$W"/crashes/fuzz_bad/leak-* >/dev/null
}

@test "finding 13: a fuzzer without a seed corpus fails make fuzz-smoke" {
	build_target '#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }'
	rm -rf "$W/corpus/bad"
	run smoke
	[ "$status" -ne 0 ]
	[[ "$output" == *"no seed corpus"* ]]
}

@test "finding 13: a well-behaved fuzzer passes make fuzz-smoke" {
	build_target '#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }'
	run smoke
	echo "$output"
	[ "$status" -eq 0 ]
}
