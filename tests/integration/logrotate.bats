#!/usr/bin/env bats
# Log rotation: vigild reopens its log file on SIGUSR1, and the package's
# /etc/logrotate.d/vigil (debian/vigil.logrotate), run by the real logrotate,
# moves the file away and has vigild write to a fresh one.

load helpers

setup() {
	it_require_root
	command -v logrotate >/dev/null || it_need "logrotate (package logrotate)"
	it_init
	LOG="$IT/vigil.log"
	it_write_rc "set logfile $LOG"
	it_start
	it_wait 15 grep -q 'vigild starting' "$LOG"
}

teardown() {
	it_cleanup
	it_sanitizer_check
}

# A line written after now: a restart of the demo logs several.
log_something() {
	it_vigil restart demo >/dev/null
}

@test "logrotate: SIGUSR1 reopens the log file at its path" {
	mv "$LOG" "$LOG.1"
	kill -USR1 "$IT_VIGILD_PID"
	it_wait 15 grep -q 'SIGUSR1: log file .* reopened' "$LOG"
	log_something
	it_wait 15 grep -q "restart" "$LOG"
	! grep -q 'reopened' "$LOG.1"
	# the daemon, its monitor and the demo are unaffected
	it_alive "$IT_VIGILD_PID"
	it_vigil status demo >/dev/null
}

@test "logrotate: a path that became a directory keeps the old file" {
	mv "$LOG" "$LOG.1"
	mkdir "$LOG"
	kill -USR1 "$IT_VIGILD_PID"
	it_wait 15 grep -q "cannot reopen log file $LOG" "$LOG.1"
	it_alive "$IT_VIGILD_PID"
	rmdir "$LOG"
}

@test "logrotate: the package's logrotate file rotates and vigild follows" {
	conf="$IT/logrotate.conf"
	sed -e "s|/var/log/vigil.log|$LOG|" -e "s|/run/vigild.pid|$IT/vigild.pid|g" \
		"$IT_REPO/debian/vigil.logrotate" > "$conf"
	grep -q "$IT/vigild.pid" "$conf"
	it_wait 15 test -s "$IT/vigild.pid"
	logrotate -f -s "$IT/logrotate.state" "$conf"
	[ -s "$LOG.1" ]
	it_wait 15 grep -q 'reopened' "$LOG"
	log_something
	it_wait 15 grep -q "restart" "$LOG"
}
