#!/usr/bin/env bats
# The vigil command: syntax check, version, help, and the actions over the
# control socket against a running daemon.

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

@test "vigil -V prints the version" {
	run "$VIGIL_BUILD/vigil" -V
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^vigil\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "vigil -h lists the options and actions" {
	run "$VIGIL_BUILD/vigil" -h
	[ "$status" -eq 0 ]
	for w in -c -g -I -t -v -V -h --socket status summary start stop restart \
	    monitor unmonitor reload quit validate; do
		[[ "$output" == *"$w"* ]] || { echo "missing $w"; return 1; }
	done
}

@test "vigil rejects an unknown action" {
	run "$VIGIL_BUILD/vigil" -c "$IT/rc" restrat demo
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown action 'restrat'"* ]]
}

@test "vigil -t on a good file: Control file syntax OK" {
	run "$VIGIL_BUILD/vigil" -t -c "$IT/rc"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Control file syntax OK"* ]]
}

@test "vigil -t on a bad file: file:line error, exit 1" {
	local bad="$IT/bad.rc"
	printf 'set daemon 30\n\ncheck process x with pidfile /run/x.pid\n    if cpu > 50%% for 2 cycles then restrat\n' > "$bad"
	chmod 0600 "$bad"
	run "$VIGIL_BUILD/vigil" -t -c "$bad"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$bad:4"* ]]
	[[ "$output" != *"syntax OK"* ]]
}

@test "vigil -t -v also prints the configuration as understood" {
	run "$VIGIL_BUILD/vigil" -t -v -c "$IT/rc"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Control file syntax OK"* ]]
	[[ "$output" == *"set daemon 30"* ]]
	[[ "$output" == *"$IT_PIDFILE"* ]]
}

@test "without -c, ~/.vigilrc is the control file" {
	mkdir -p "$IT/home"
	printf 'set daemon 30\nset bogus\n' > "$IT/home/.vigilrc"
	chmod 0600 "$IT/home/.vigilrc"
	HOME="$IT/home" run "$VIGIL_BUILD/vigil" -t
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$IT/home/.vigilrc:2"* ]]
}

@test "vigil refuses to start the daemon on a bad file" {
	local bad="$IT/bad2.rc"
	printf 'set daemon thirty\n' > "$bad"
	chmod 0600 "$bad"
	run "$VIGIL_BUILD/vigil" -c "$bad" -I
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$bad:1"* ]]
	[[ "$output" == *"not starting"* ]]
}

@test "vigil status lists every service" {
	run it_vigil status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
	[[ "$output" == *"rc"* ]]
	[[ "$output" == *"$(it_demo_pid)"* ]]
}

@test "vigil status NAME shows one service" {
	run it_vigil status demo
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
}

@test "vigil summary lists every service" {
	run it_vigil summary
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
	[[ "$output" == *rc* ]]
}

@test "vigil status on an unknown service fails" {
	run it_vigil status no-such-service
	echo "$output"
	[ "$status" -ne 0 ]
}

@test "vigil -g GROUP status shows only that group" {
	run it_vigil -g demos status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"'demo'"* ]]
	[[ "$output" != *"'rc'"* ]]
	run it_vigil -g no-such-group status
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *no-such-group* ]]
}

@test "vigil unmonitor demo / monitor demo toggle its monitoring" {
	run it_vigil unmonitor demo
	echo "$output"
	[ "$status" -eq 0 ]
	run it_vigil status demo
	echo "$output"
	[[ "$output" == *"Not monitored"* ]]
	run it_vigil monitor demo
	echo "$output"
	[ "$status" -eq 0 ]
	run it_vigil status demo
	echo "$output"
	[[ "$output" != *"Not monitored"* ]]
	it_demo_running
}

@test "vigil stop demo stops it, vigil start demo starts it" {
	local old new
	old=$(it_demo_pid)
	run it_vigil stop demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 15 eval "! it_alive $old"
	# Stopped means unmonitored: it stays down.
	sleep 1
	! it_demo_running
	run it_vigil start demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 15 it_demo_running
	new=$(it_demo_pid)
	[ "$new" != "$old" ]
}

@test "vigil restart demo gives it a new pid" {
	local old
	old=$(it_demo_pid)
	run it_vigil restart demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 15 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "a user who is not allowed is refused" {
	chmod 0755 "$VIGIL_BUILD"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$VIGIL_BUILD/vigil" --socket "$IT_SOCK" stop demo
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"ermission denied"* ]]
	# And nothing happened.
	it_demo_running
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$VIGIL_BUILD/vigil" --socket "$IT_SOCK" status
	[ "$status" -ne 0 ]
	[[ "$output" == *"ermission denied"* ]]
}

@test "vigil without a daemon says where it looked" {
	run "$VIGIL_BUILD/vigil" --socket "$IT/run/nothing.sock" status
	[ "$status" -eq 1 ]
	[[ "$output" == "vigil: cannot connect to the vigil daemon at $IT/run/nothing.sock: No such file or directory (is it running?)" ]]
}

@test "the control socket hangs up on garbage and keeps serving" {
	local m
	for m in garbage nohello badhello oversize; do
		run "$VIGIL_BUILD/tests/helpers/cli_rawctl" "$IT_SOCK" "$m"
		echo "$m: $output"
		[ "$status" -eq 0 ]
	done
	run it_vigil status demo
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
}

@test "a client that says nothing does not block others" {
	"$VIGIL_BUILD/tests/helpers/cli_rawctl" "$IT_SOCK" idle 20 >"$IT/idle.out" 3>&- &
	local idle=$!
	it_wait 5 grep -q connected "$IT/idle.out"
	run timeout 5 "$VIGIL_BUILD/vigil" -c "$IT/rc" status demo
	kill "$idle" 2>/dev/null || true
	wait "$idle" 2>/dev/null || true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
}

@test "vigil validate answers" {
	run it_vigil validate
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "vigil reload: a fresh monitor, the same daemon" {
	local mon
	mon=$(it_child_by_name vigil-monitor)
	run it_vigil reload
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 15 eval '[ -n "$(it_child_by_name vigil-monitor)" ] && [ "$(it_child_by_name vigil-monitor)" != '"$mon"' ]'
	it_wait 15 eval 'it_vigil status demo >/dev/null 2>&1'
	it_alive "$IT_VIGILD_PID"
}

# Last: it ends the daemon of this file.
@test "vigil quit stops the daemon" {
	run it_vigil quit
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 15 eval "! it_alive $IT_VIGILD_PID"
}
