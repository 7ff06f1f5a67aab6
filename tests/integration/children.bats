#!/usr/bin/env bats
# Every child of vigild runs with an empty capability bounding set (the
# monitor already did; webui and auth kept the full set after their uid
# switch), and the monitor's log lines carry one "monitor:" prefix.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	it_init
	IT_PORT=$(it_free_port)
	export IT_PORT
	it_write_rc "set logfile $IT/vigil.log
set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -s -o /dev/null "http://127.0.0.1:$IT_PORT/"
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "webui, auth and the monitor drop their capability bounding sets" {
	local name pid
	for name in vigil-monitor vigil-webui vigil-auth; do
		it_wait 15 it_child_by_name "$name"
		pid=$(it_child_by_name "$name")
		echo "$name ($pid): $(it_status_field "$pid" CapBnd) / CapEff $(it_status_field "$pid" CapEff)"
		[ "$(it_status_field "$pid" CapBnd)" = 0000000000000000 ]
		[ "$(it_status_field "$pid" CapPrm)" = "$(it_status_field "$pid" CapEff)" ]
	done
}

# Last: it leaves the monitor failing on a broken control file.
@test "a monitor's own error lines carry one 'monitor:' prefix in the log" {
	echo "check process broken with pidfil /nowhere" >> "$IT/rc"
	run "$VIGIL_BUILD/vigil" --socket "$IT_SOCK" reload
	echo "$output"
	it_wait 20 grep -q "error in the control file" "$IT/vigil.log"
	grep "error in the control file" "$IT/vigil.log"
	grep -Eq '^\[.*\] monitor: warning: .*rc: 1 error in the control file$' "$IT/vigil.log"
	! grep -q "monitor: monitor:" "$IT/vigil.log" || false
	! grep -Eq "monitor: (warning|info|error): (monitor|warning|info|error): " "$IT/vigil.log" || false
}
