#!/usr/bin/env bats
# Switching from Monit: a control file that Monit 5.33's own `monit -t`
# accepts is accepted by `vigil -t` too, which adds a note for everything it
# will do differently (paths it keeps elsewhere, statements it ignores or
# does not act on yet, and why), each at the statement's line.

load helpers

setup() {
	command -v monit >/dev/null || it_need "monit (package monit)"
	D=$(mktemp -d)
	mkdir -p "$D/etc/monit"
	RC="$D/etc/monit/monitrc"
	cat > "$RC" <<RC
set daemon 120
set logfile /var/log/monit.log
set idfile $D/monit.id
set statefile /var/lib/monit/state
set pidfile /run/monit.pid
set eventqueue basedir $D/events slots 100
set mailserver localhost
set alert root@localhost
set httpd port 2812 and
    use address localhost
    allow localhost
    allow admin:monit
check process sshd with pidfile /run/sshd.pid
    start program = "/etc/init.d/ssh start"
    stop program = "/etc/init.d/ssh stop"
    if failed port 22 protocol ssh then restart
check filesystem rootfs with path /
    if space usage > 90% then alert
RC
	chmod 600 "$RC"
}

teardown() {
	rm -rf "$D"
	it_sanitizer_check
}

@test "migrate: Monit accepts the file, and so does vigil -t, with notes" {
	run monit -t -c "$RC"
	echo "monit: $output"
	[ "$status" -eq 0 ]
	run "$VIGIL_BUILD/vigil" -t -c "$RC"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Control file syntax OK"* ]]
	[[ "$output" == *"monitrc:1:1: note: a Monit control file: stop Monit before starting vigil"* ]]
	[[ "$output" == *"monitrc:3:1: note: set idfile is ignored"* ]]
	[ -s "$D/monit.id" ]	# Monit wrote its id there (its -t is not free of side effects)
	[[ "$output" == *"note: set statefile /var/lib/monit/state: _vigil may not write there"*"vigil keeps its state in /var/lib/vigil/state"* ]]
	[[ "$output" == *"monitrc:5:1: note: set pidfile /run/monit.pid: the package's logrotate file signals the vigild named by /run/vigild.pid"* ]]
	[[ "$output" != *"set eventqueue is not acted on"* ]]
	[[ "$output" != *"mail alerts"* ]]
	[[ "$output" == *"monitrc:9:"*"note: the vigil command does not use set httpd"* ]]
	[[ "$output" != *"note: allow localhost"* ]]
	[[ "$output" != *"protocol ssh"* ]]	# spoken: no note
	# no error, and no note for what vigil does as Monit does
	[[ "$output" != *"error"* ]]
	[[ "$output" != *"set logfile"* ]]
	[[ "$output" != *"space"* ]]
}

@test "migrate: the daemon does not repeat the notes (only vigil -t says them)" {
	run "$VIGIL_BUILD/vigil-monitor" -c "$RC" --query control-socket
	echo "$output"
	[ "$status" -eq 0 ]
	# the socket, then the monitor's user (the CLI checks the listener)
	[ "$output" = "$(printf '/run/vigil/control.sock\n_vigil')" ]
}
