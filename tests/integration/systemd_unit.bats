#!/usr/bin/env bats
# systemd/vigil.service: systemd-analyze verify accepts it, and its command
# lines do what systemd expects of them, run by hand (the test machine need
# not run systemd as PID 1): ExecStartPre checks the file, ExecStart stays
# in the foreground and sends READY=1 to NOTIFY_SOCKET once the daemon
# answers, ExecReload reloads (READY=1 again), and stopping as
# KillMode=process does (SIGTERM to the main pid alone) says STOPPING=1 and
# leaves the services vigil started running.

load helpers

UNIT="$IT_REPO/systemd/vigil.service"

# The unit with the installed paths replaced by the build tree's and the
# packaged control file by this test's.
unit_for_build() {
	sed -e "s|/usr/sbin/vigild|$VIGIL_BUILD/vigild|g" \
	    -e "s|/usr/bin/vigil |$VIGIL_BUILD/vigil |g" \
	    -e "s|/etc/vigil/vigilrc|${IT:-/etc/vigil}/rc|g" "$UNIT"
}

# All values of one key of the [Service] section, one per line.
unit_values() {	# file key
	sed -n "s/^$2=//p" "$1"
}

setup_file() {
	it_require_root
	it_init
	it_write_rc "set logfile $IT/vigild.log"
	unit_for_build > "$IT/vigil.service"
}

teardown_file() {
	[ ! -s "$IT/notify.pid" ] || kill "$(cat "$IT/notify.pid")" 2>/dev/null || true
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "unit: systemd-analyze verify reports nothing" {
	command -v systemd-analyze >/dev/null || it_need "systemd-analyze (package systemd)"
	# --man=no: the pages are checked where they are installed (the package test)
	run systemd-analyze verify --man=no "$IT/vigil.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "unit: systemd-analyze verify notices a broken unit" {
	bad="$IT/bad.service"
	sed 's/^Type=notify/Type=notifyy/' "$IT/vigil.service" > "$bad"
	run systemd-analyze verify --man=no "$bad"
	echo "$output"
	[ -n "$output" ]
}

@test "unit: notify, foreground, reload, restart on failure, KillMode=process" {
	[ "$(unit_values "$UNIT" Type)" = notify ]
	[ "$(unit_values "$UNIT" NotifyAccess)" = main ]
	unit_values "$UNIT" ExecStart | grep -q -- ' -I$'
	[ "$(unit_values "$UNIT" Restart)" = on-failure ]
	[ "$(unit_values "$UNIT" KillMode)" = process ]
	unit_values "$UNIT" ExecReload | grep -qx '/bin/kill -HUP $MAINPID'
	# logrotate's postrotate finds vigild by its default pidfile
	printf 'check system s\n' > "$IT/plain.rc"
	chmod 600 "$IT/plain.rc"
	"$VIGIL_BUILD/vigil" -t -v -c "$IT/plain.rc" | grep -qx 'set pidfile "/run/vigild.pid"'
	grep -q /run/vigild.pid "$IT_REPO/debian/vigil.logrotate"
}

@test "unit: ExecStartPre refuses a broken control file" {
	printf 'check nosuchtype x\n' > "$IT/broken.rc"
	chmod 600 "$IT/broken.rc"
	pre=$(unit_values "$IT/vigil.service" ExecStartPre)
	run ${pre//$IT\/rc/$IT/broken.rc}
	[ "$status" -ne 0 ]
}

# systemd's NOTIFY_SOCKET, played by tests/helpers/notify_listen.py: every
# message received goes to $IT/notify.log, one per line (newlines as |).
notify_listen() {
	python3 "$IT_REPO/tests/helpers/notify_listen.py" "$IT/notify.sock" "$IT/notify.log" \
		>/dev/null 2>&1 3>&- &
	echo $! > "$IT/notify.pid"
	it_wait 10 grep -q listening "$IT/notify.log"
}

ready_count_is() { [ "$(grep -c '^READY=1' "$IT/notify.log")" -ge "$1" ]; }

@test "unit: ExecStart says READY=1 once vigil answers, ExecReload reloads, SIGTERM leaves services running" {
	notify_listen
	pre=$(unit_values "$IT/vigil.service" ExecStartPre)
	start=$(unit_values "$IT/vigil.service" ExecStart)
	$pre
	NOTIFY_SOCKET="$IT/notify.sock" $start 3>&- &
	main=$!
	IT_VIGILD_PID=$main
	echo "$main" > "$IT/vigild.testpid"
	it_wait 30 grep -q "^READY=1|MAINPID=$main$" "$IT/notify.log"
	# ready means ready: the control socket answers at once
	it_vigil status demo
	[ "$(cat /proc/"$main"/comm)" = vigild ]
	# the daemon's children do not see NOTIFY_SOCKET
	mon=$(it_child_by_name vigil-monitor)
	! tr '\0' '\n' < /proc/"$mon"/environ | grep -q NOTIFY_SOCKET
	it_wait 20 it_demo_running
	demo=$(it_demo_pid)
	# ExecReload, with $MAINPID as systemd would fill it in: a new monitor,
	# ready again
	while read -r cmd; do
		${cmd//\$MAINPID/$main}
	done < <(unit_values "$IT/vigil.service" ExecReload)
	it_wait 20 grep -q 'SIGHUP: restarting the monitor' "$IT/vigild.log"
	it_wait 30 ready_count_is 2
	it_vigil status demo
	# stop, as KillMode=process does: SIGTERM to the main pid only
	kill -TERM "$main"
	it_wait 20 eval "! it_alive $main"
	it_wait 10 grep -qx 'STOPPING=1' "$IT/notify.log"
	[ "$(it_demo_pid)" = "$demo" ]
}

@test "unit: a NOTIFY_SOCKET that is no socket path is refused with a warning; an abstract one works" {
	start=$(unit_values "$IT/vigil.service" ExecStart)
	long=/$(head -c 200 /dev/zero | tr '\0' x)
	for bad in relative/path "$long" "@" "/"; do
		: > "$IT/vigild.log"
		NOTIFY_SOCKET=$bad $start 3>&- &
		main=$!
		it_wait 30 grep -q 'monitoring 2 services' "$IT/vigild.log"
		# an unusable value is said once, the daemon runs without it
		if [ "$bad" != / ]; then
			grep -q "NOTIFY_SOCKET '.*' is not a unix socket path: not notifying" "$IT/vigild.log"
		else
			grep -q "NOTIFY_SOCKET '/' is not a unix socket path" "$IT/vigild.log"
		fi
		it_alive "$main"
		kill -TERM "$main"
		it_wait 20 eval "! it_alive $main"
		wait "$main" || true
	done
	# an abstract socket ("@name"), as systemd may pass
	: > "$IT/notify.log"
	name="vigil-test-$$-$RANDOM"
	python3 "$IT_REPO/tests/helpers/notify_listen.py" "@$name" "$IT/notify.log" >/dev/null 2>&1 3>&- &
	echo $! > "$IT/notify.pid"
	it_wait 10 grep -q listening "$IT/notify.log"
	NOTIFY_SOCKET="@$name" $start 3>&- &
	main=$!
	it_wait 30 grep -q "^READY=1|MAINPID=$main$" "$IT/notify.log"
	kill -TERM "$main"
	it_wait 20 eval "! it_alive $main"
}
