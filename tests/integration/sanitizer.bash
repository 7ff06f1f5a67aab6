# Sanitizer reports fail the test that caused them (make asan-integration).
#
# scripts/asan-integration.sh runs this suite against binaries built with
# -fsanitize=address,undefined and sets VIGIL_SANITIZER_DIR: every vigil
# process (CLI, vigild, monitor, webui, auth; common/sanitizer.c) writes its
# ASan/UBSan/LeakSanitizer reports to a file of its own there, opened before
# it sandboxes itself, and the test helpers' to DIR/other.PID.  A report
# fails the test even when the process that wrote it kept running or privd
# restarted it: every teardown ends with it_sanitizer_check.
#
#   it_sanitizer_check    fail (and print the report) when any file in
#                         $VIGIL_SANITIZER_DIR grew since the last check;
#                         nothing to do in a normal run (variable unset)
#
# $VIGIL_SANITIZER_DIR/.seen/NAME keeps how many bytes of NAME were already
# reported, so a daemon shared by a file's tests fails only the test during
# which it wrote.

it_sanitizer_check() {
	local dir=${VIGIL_SANITIZER_DIR:-} f name size seen bad=0
	[ -n "$dir" ] || return 0
	mkdir -p "$dir/.seen"
	for f in "$dir"/*; do
		[ -f "$f" ] && [ -s "$f" ] || continue
		name=${f##*/}
		size=$(stat -c %s "$f")
		seen=$(cat "$dir/.seen/$name" 2>/dev/null || echo 0)
		[ "$size" -gt "$seen" ] || continue
		echo "sanitizer report in $f (bytes $seen-$size):" >&2
		tail -c +"$((seen + 1))" "$f" >&2
		echo "$size" > "$dir/.seen/$name"
		bad=1
	done
	[ "$bad" = 0 ]
}
