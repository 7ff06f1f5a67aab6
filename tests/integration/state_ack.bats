#!/usr/bin/env bats
# Finding 9: an action the CLI saw acknowledged was lost when the monitor
# died before its next periodic save (at most one save per poll interval,
# here 30 s).  The state is now saved before the answer goes out.

load helpers

setup_file() {
	it_require_root
	it_init
	it_write_rc
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

# kill -9 the monitor, wait for vigild's next one to answer.
kill_monitor() {
	local mon
	mon=$(it_child_by_name vigil-monitor)
	[ -n "$mon" ]
	kill -KILL "$mon"
	it_wait 20 eval '[ -n "$(it_child_by_name vigil-monitor)" ] && [ "$(it_child_by_name vigil-monitor)" != '"$mon"' ]'
	it_wait 20 eval 'it_vigil status demo >/dev/null 2>&1'
}

@test "finding 9: an acknowledged unmonitor survives kill -9 of the monitor" {
	# Two changes first, so the last save is recent and the periodic
	# save of the next change is half a minute away.
	it_vigil unmonitor demo
	it_vigil monitor demo
	run it_vigil unmonitor demo
	[ "$status" -eq 0 ]
	kill_monitor
	run it_vigil status demo
	echo "$output"
	[[ "$output" == *"Not monitored"* ]]
}

@test "finding 9: and an acknowledged monitor too" {
	# The saved state says "not monitored" first (waiting for the
	# periodic save if need be), then monitor is acknowledged.
	local before
	it_vigil monitor demo
	before=$(stat -c %Y.%s "$IT/run/vigil.state" 2>/dev/null || echo none)
	sleep 1.1
	it_vigil unmonitor demo
	it_wait 40 eval '[ "$(stat -c %Y.%s "$IT/run/vigil.state")" != "'"$before"'" ]'
	run it_vigil monitor demo
	[ "$status" -eq 0 ]
	kill_monitor
	run it_vigil status demo
	echo "$output"
	[[ "$output" != *"Not monitored"* ]]
	it_alive "$IT_VIGILD_PID"
}
