#!/usr/bin/env bats
# ICMP echo end to end: the monitor asks privd (which holds the raw socket)
# to ping; the host service reports the answer.

load helpers

setup_file() {
	it_require_root
	it_init
	it_write_rc "
check host loop with address 127.0.0.1
    if failed icmp type echo count 2 with timeout 2 seconds then alert
"
	it_start
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "a host answering ICMP echo is OK, with a response time" {
	it_wait 10 eval 'it_vigil status loop | grep -q "status *OK"'
	run it_vigil status loop
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Host 'loop'"* ]]
	[[ "$output" =~ ping\ response\ +2/2\ echo\ replies,\ avg\ [0-9.]+\ ms ]]
	! grep -q "ICMP failed" "$IT/vigild.log"
}
