#!/usr/bin/env bats
# `vigil validate` checks every service now, not at the next cycle.

load helpers

setup_file() {
	it_require_root
	it_init
	it_write_rc
	it_start
}

teardown_file() {
	it_cleanup
}

@test "vigil validate: a changed watched file is caught at once (set daemon 30)" {
	# The first cycle (at start) learns the checksum of the control file.
	sleep 1
	! grep -q "Checksum failed" "$IT/vigild.log"
	echo "# changed after start" >> "$IT/rc"
	run it_vigil validate
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$IT/vigild.log"
	it_wait 3 grep -q "service 'rc'.*[Cc]hecksum" "$IT/vigild.log"
}
