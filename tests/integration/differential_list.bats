#!/usr/bin/env bats
# Finding 14: tests/differential/run.sh only failed on unlisted
# disagreements, so a listed one that starts agreeing (a fixed parser, a
# changed Monit) left DISAGREEMENTS.md untrue without anyone noticing.

load sanitizer

setup() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	LIST=$(mktemp /tmp/vigil-disagree.XXXXXX)
	cp "$REPO/tests/differential/DISAGREEMENTS.md" "$LIST"
}

teardown() {
	rm -f "$LIST"
	it_sanitizer_check
}

# The first config the real list does not name (all of them agree).
agreeing_config() {
	local c name
	for c in "$REPO"/tests/differential/configs/*.rc; do
		name=$(basename "$c")
		grep -q "^- \`$name\`" "$LIST" || { echo "$name"; return 0; }
	done
	return 1
}

@test "finding 14: the differential test passes on the real list" {
	run sh "$REPO/tests/differential/run.sh"
	echo "$output" | tail -n 3
	[ "$status" -eq 0 ]
}

@test "finding 14: a listed disagreement that agrees now fails the differential test" {
	local name
	name=$(agreeing_config)
	printf -- '- `%s`: listed by the test, but both verdicts agree.\n' "$name" >> "$LIST"
	DISAGREEMENTS_FILE="$LIST" run sh "$REPO/tests/differential/run.sh"
	echo "$output" | tail -n 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"AGREES NOW $name"* ]]
}

@test "finding 14: a listed config that does not exist fails the differential test" {
	printf -- '- `no_such_config.rc`: gone.\n' >> "$LIST"
	DISAGREEMENTS_FILE="$LIST" run sh "$REPO/tests/differential/run.sh"
	[ "$status" -eq 1 ]
	[[ "$output" == *"LISTED BUT MISSING no_such_config.rc"* ]]
}
