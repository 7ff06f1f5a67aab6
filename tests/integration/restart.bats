#!/usr/bin/env bats
# A dead process is noticed at once (pidfd), not at the next poll cycle:
# with `set daemon 30`, a killed demo is back within one second.

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

# Poll the pidfile every 50 ms for a live pid other than $1; give up after
# 1 s.  Prints the milliseconds it took.
back_within_1s() {
	local old=$1 start now pid
	start=$(date +%s%N)
	while :; do
		pid=$(it_demo_pid 2>/dev/null || true)
		now=$(date +%s%N)
		if [ -n "$pid" ] && [ "$pid" != "$old" ]; then
			echo "back as pid $pid after $(((now - start) / 1000000)) ms"
			return 0
		fi
		if [ $((now - start)) -ge 1000000000 ]; then
			echo "not back after 1 s (pidfile: $(cat "$IT_PIDFILE" 2>/dev/null))"
			return 1
		fi
		sleep 0.05
	done
}

@test "kill -9 of the demo: back with a new pid within 1 s (set daemon 30)" {
	local old
	grep -q '^set daemon 30$' "$IT/rc"
	# Let the first cycle pass so the restart is not the start-up check.
	sleep 2
	old=$(it_demo_pid)
	kill -KILL "$old"
	back_within_1s "$old"
}

@test "and again: the new process is watched too" {
	local old
	old=$(it_demo_pid)
	kill -KILL "$old"
	back_within_1s "$old"
}
