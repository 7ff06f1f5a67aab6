#!/usr/bin/env bats
# Each process runs with the identity and sandbox DESIGN.md promises, as the
# kernel reports it in /proc/<pid>/status.

load helpers

setup_file() {
	it_require_root
	it_init
	IT_PORT=$(it_free_port)
	export IT_PORT
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"secret\""
	it_start
	# webui and auth come up after the monitor has sealed its table.
	it_wait 15 it_child_by_name vigil-webui
	it_wait 15 it_child_by_name vigil-auth
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

uid_of() { id -u "$1"; }

# "Uid:" holds real, effective, saved and filesystem ids: all four must be it.
assert_all_ids() {
	local pid=$1 field=$2 want=$3 got
	got=$(it_status_field "$pid" "$field")
	echo "$field of $pid: '$got', want $want"
	[ "$got" = "$want $want $want $want" ]
}

@test "vigild runs as root" {
	assert_all_ids "$IT_VIGILD_PID" Uid 0
	[ "$(cat /proc/$IT_VIGILD_PID/comm)" = vigild ]
}

@test "monitor: _vigil, only CAP_DAC_READ_SEARCH, no-new-privs, seccomp filter" {
	local pid
	pid=$(it_child_by_name vigil-monitor)
	assert_all_ids "$pid" Uid "$(uid_of _vigil)"
	assert_all_ids "$pid" Gid "$(id -g _vigil)"
	[ "$(it_status_field "$pid" CapEff)" = 0000000000000004 ]
	[ "$(it_status_field "$pid" CapPrm)" = 0000000000000004 ]
	[ "$(it_status_field "$pid" NoNewPrivs)" = 1 ]
	[ "$(it_status_field "$pid" Seccomp)" = 2 ]
}

@test "webui: _vigilweb, no capabilities, no-new-privs, seccomp, chrooted" {
	local pid
	pid=$(it_child_by_name vigil-webui)
	assert_all_ids "$pid" Uid "$(uid_of _vigilweb)"
	[ "$(it_status_field "$pid" CapEff)" = 0000000000000000 ]
	[ "$(it_status_field "$pid" CapPrm)" = 0000000000000000 ]
	[ "$(it_status_field "$pid" NoNewPrivs)" = 1 ]
	[ "$(it_status_field "$pid" Seccomp)" = 2 ]
	echo "root: $(readlink /proc/$pid/root)"
	[ "$(readlink /proc/$pid/root)" = "$IT/empty" ]
}

@test "auth: _vigilauth with group shadow, seccomp" {
	local pid shadow
	pid=$(it_child_by_name vigil-auth)
	shadow=$(getent group shadow | cut -d: -f3)
	assert_all_ids "$pid" Uid "$(uid_of _vigilauth)"
	echo "groups: $(it_status_field "$pid" Groups)"
	[[ " $(it_status_field "$pid" Groups) " == *" $shadow "* ]]
	[ "$(it_status_field "$pid" CapEff)" = 0000000000000000 ]
	[ "$(it_status_field "$pid" NoNewPrivs)" = 1 ]
	[ "$(it_status_field "$pid" Seccomp)" = 2 ]
}

@test "the demo service is not a child of the monitor or webui" {
	local demo ppid
	demo=$(it_demo_pid)
	ppid=$(it_status_field "$demo" PPid)
	[ "$ppid" != "$(it_child_by_name vigil-monitor)" ]
	[ "$ppid" != "$(it_child_by_name vigil-webui)" ]
}
