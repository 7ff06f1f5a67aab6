#!/usr/bin/env bats
# The hash-chained log (`set logfile PATH chained`, `vigil log verify`):
# the real daemon writes the lines, through a reload, a rotation (SIGUSR1)
# and a restart; verify passes on what it wrote, and names the line where
# one line was deleted, one character edited, or two lines swapped.

load helpers

setup() {
	it_require_root
	it_init
	LOG="$IT/vigil.log"
	it_write_rc "set logfile $LOG chained"
}

teardown() {
	it_cleanup
	it_sanitizer_check
}

# Start, make the daemon write some lines, stop: at least MIN lines.
write_some() {
	it_start
	it_wait 15 grep -q 'vigild starting' "$LOG"
	it_vigil restart demo >/dev/null
	it_wait 15 grep -q "restart" "$LOG"
	it_stop
	[ "$(wc -l < "$LOG")" -ge 8 ]
}

verify() { "$VIGIL_BUILD/vigil" log verify "$@"; }

@test "chained log: every line carries a value, and verify passes" {
	write_some
	# every line, and the first one starts the chain
	run grep -vc ' #c=[0-9a-f]\{32\}$' "$LOG"
	[ "$output" = 0 ]
	head -1 "$LOG" | grep -q '\] privd: info: log chain start prev=[0-9a-f]\{32\} #c='
	run verify "$LOG"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"the chain is intact"* ]]
	# without FILE: the control file's log file
	run "$VIGIL_BUILD/vigil" -c "$IT/rc" log verify
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "chained log: a reload, a rotation and a restart keep one chain" {
	write_some
	it_start
	it_vigil reload >/dev/null
	it_wait 15 eval "[ \$(grep -c 'log chain start' '$LOG') -ge 3 ]"
	# rotation: the new file's first line names the old file's last value
	mv "$LOG" "$LOG.1"
	kill -USR1 "$IT_VIGILD_PID"
	it_wait 15 grep -q 'SIGUSR1: log file .* reopened' "$LOG"
	it_stop
	run verify "$LOG.1"
	echo "$output"
	[ "$status" -eq 0 ]
	run verify "$LOG"
	echo "$output"
	[ "$status" -eq 0 ]
	last=$(tail -1 "$LOG.1" | sed 's/.* #c=//')
	head -1 "$LOG" | grep -q "log chain start prev=$last "
}

@test "chained log: a deleted middle line is named" {
	write_some
	sed -i '5d' "$LOG"
	run verify "$LOG"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$LOG: line 5: "* ]]
}

@test "chained log: one edited character is named" {
	write_some
	# one character of line 6: the year's second digit, 0 -> 1
	sed -i '6s/^\[20/[21/' "$LOG"
	run verify "$LOG"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$LOG: line 6: "* ]]
}

@test "chained log: two swapped lines are named" {
	write_some
	sed -i '3{h;d};4{G}' "$LOG"
	run verify "$LOG"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$LOG: line 3: "* ]]
}

@test "chained log: syslog is not chained, and vigil -t says so" {
	it_write_rc "set logfile syslog chained"
	run "$VIGIL_BUILD/vigil" -c "$IT/rc" -t
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"syslog lines are not hash-chained"* ]]
	it_write_rc "set logfile $LOG chained"
	run "$VIGIL_BUILD/vigil" -c "$IT/rc" -t
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vigil log verify $LOG"* ]]
}
