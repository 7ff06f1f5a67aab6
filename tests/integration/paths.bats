#!/usr/bin/env bats
# Monit's usual paths in a control file (state file, event queue and id file
# under /var/lib/monit, root-owned) work out of the box: vigil keeps its own
# files under /var/lib/vigil and says so; a path it cannot use at all makes
# `vigil -t` and the start fail, with the fix.

load helpers

setup() {
	it_require_root
	it_init
	MADE_STATE_DIR=
	if [ ! -d /var/lib/vigil ]; then
		# what scripts/setup-dirs.sh makes; removed again in teardown
		install -d -m 1770 -o root -g _vigil /var/lib/vigil
		MADE_STATE_DIR=1
	fi
	NAME=$(basename "$IT")
}

teardown() {
	it_cleanup
	rm -f "/var/lib/vigil/$NAME.state" "/var/lib/monit/$NAME.state"
	rm -rf "/var/lib/vigil/$NAME.events"
	if [ -n "$MADE_STATE_DIR" ]; then
		rmdir /var/lib/vigil 2>/dev/null || true
	fi
	it_sanitizer_check
}

monit_paths_rc() {
	it_write_rc
	[ -d /var/lib/monit ] || it_need "/var/lib/monit (package monit)"
	sed -i "s|^set statefile .*|set statefile /var/lib/monit/$NAME.state\\
set idfile /var/lib/monit/id\\
set eventqueue basedir /var/lib/monit/$NAME.events slots 100|" "$IT/rc"
}

@test "Monit's state file and event queue paths: vigil keeps them under /var/lib/vigil and says so" {
	monit_paths_rc
	run it_vigil -t
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vigil keeps its state in /var/lib/vigil/$NAME.state"* ]]
	[[ "$output" == *"vigil keeps its event queue in /var/lib/vigil/$NAME.events"* ]]
	[[ "$output" == *"set idfile /var/lib/monit/id"*"ignored"* ]]
	it_start
	run it_vigil status
	[ "$status" -eq 0 ]
	# the queue's directory in its place, made by the monitor, private
	[ -d "/var/lib/vigil/$NAME.events" ]
	[ "$(stat -c '%U %a' "/var/lib/vigil/$NAME.events")" = "_vigil 700" ]
	[ ! -e "/var/lib/monit/$NAME.events" ]
	it_stop
	run cat "$IT/vigild.log"
	echo "$output"
	[ -s "/var/lib/vigil/$NAME.state" ]
	[ ! -e "/var/lib/monit/$NAME.state" ]
	[[ "$output" != *"cannot save state file"* ]]
	[[ "$output" == *"vigil keeps its state in /var/lib/vigil/$NAME.state"* ]]
}

@test "a control socket in a directory the monitor cannot write: vigil -t and the start fail, with the fix" {
	it_write_rc
	sed -i "s|^set control socket .*|set control socket /var/lib/monit/$NAME.sock|" "$IT/rc"
	run it_vigil -t
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"control socket /var/lib/monit/$NAME.sock cannot be created"* ]]
	[[ "$output" == *"setup-dirs.sh"* ]]
	run timeout 30 "$VIGIL_BUILD/vigil" -c "$IT/rc" -I
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "/var/lib/monit/$NAME.sock" ]
}

@test "the daemon ends, loudly, when its control socket cannot be made" {
	it_write_rc
	it_start
	# a second daemon on the same socket (another pidfile): its monitor
	# finds the socket taken and must not run on unreachable
	sed -e "s|^set pidfile .*|set pidfile $IT/run/second.pid|" "$IT/rc" > "$IT/rc2"
	chmod 0600 "$IT/rc2"
	run timeout 60 "$VIGIL_BUILD/vigil" -c "$IT/rc2" -I
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ]	# it ended by itself, not by the timeout
	[[ "$output" == *"another monitor answers on $IT_SOCK"* ]]
	[[ "$output" == *"cannot open the control socket"* ]]
	it_vigil status >/dev/null
}
