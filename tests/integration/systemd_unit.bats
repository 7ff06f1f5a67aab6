#!/usr/bin/env bats
# systemd/vigil.service: systemd-analyze verify accepts it, and its command
# lines do what systemd expects of them, run by hand (the test machine need
# not run systemd as PID 1): ExecStartPre checks the file, ExecStart forks
# and the daemon writes the pidfile of PIDFile=, ExecReload reloads, and
# stopping as KillMode=process does (SIGTERM to the main pid alone) leaves
# the services vigil started running.

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
	it_cleanup
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
	sed 's/^Type=forking/Type=forkingg/' "$IT/vigil.service" > "$bad"
	run systemd-analyze verify --man=no "$bad"
	echo "$output"
	[ -n "$output" ]
}

@test "unit: forking with the default pidfile, reload, restart on failure, KillMode=process" {
	[ "$(unit_values "$UNIT" Type)" = forking ]
	[ "$(unit_values "$UNIT" PIDFile)" = /run/vigil/vigild.pid ]
	[ "$(unit_values "$UNIT" Restart)" = on-failure ]
	[ "$(unit_values "$UNIT" KillMode)" = process ]
	unit_values "$UNIT" ExecReload | grep -qx '/bin/kill -HUP $MAINPID'
	# the pidfile vigild writes by default is the one systemd reads
	printf 'check system s\n' > "$IT/plain.rc"
	chmod 600 "$IT/plain.rc"
	"$VIGIL_BUILD/vigil" -t -v -c "$IT/plain.rc" | grep -qx 'set pidfile "/run/vigil/vigild.pid"'
}

@test "unit: ExecStartPre refuses a broken control file" {
	printf 'check nosuchtype x\n' > "$IT/broken.rc"
	chmod 600 "$IT/broken.rc"
	pre=$(unit_values "$IT/vigil.service" ExecStartPre)
	run ${pre//$IT\/rc/$IT/broken.rc}
	[ "$status" -ne 0 ]
}

@test "unit: ExecStart forks a daemon that writes the pidfile, ExecReload reloads, SIGTERM leaves services running" {
	pre=$(unit_values "$IT/vigil.service" ExecStartPre)
	start=$(unit_values "$IT/vigil.service" ExecStart)
	$pre
	# Type=forking: the command returns once the daemon has detached
	timeout 30 $start
	it_wait 20 test -s "$IT/run/vigild.pid"
	main=$(cat "$IT/run/vigild.pid")
	IT_VIGILD_PID=$main
	echo "$main" > "$IT/vigild.testpid"
	it_alive "$main"
	[ "$(cat /proc/"$main"/comm)" = vigild ]
	it_wait 20 it_demo_running
	demo=$(it_demo_pid)
	# ExecReload, with $MAINPID as systemd would fill it in
	while read -r cmd; do
		${cmd//\$MAINPID/$main}
	done < <(unit_values "$IT/vigil.service" ExecReload)
	it_wait 20 grep -q 'SIGHUP: restarting the monitor' "$IT/vigild.log"
	it_wait 20 test -S "$IT_SOCK"
	# stop, as KillMode=process does: SIGTERM to the main pid only
	kill -TERM "$main"
	it_wait 20 eval "! it_alive $main"
	[ ! -e "$IT/run/vigild.pid" ]
	[ "$(it_demo_pid)" = "$demo" ]
}
