#!/usr/bin/env bats
# `set control socket PATH allow USER read-only`: that user may look, not act;
# a user named without read-only may act; everybody else is refused.

load helpers

setup_file() {
	it_require_root
	getent passwd nobody >/dev/null || it_need "no user nobody"
	getent group nogroup >/dev/null || it_need "no group nogroup"
	# a group that only reaches the socket as a supplementary group
	CTL_GRP=vigilctl$$
	groupadd --system "$CTL_GRP" || it_need "cannot create group $CTL_GRP"
	export CTL_GRP
	it_init
	export IT_CTL_ALLOW="allow nobody read-only allow _vigilweb allow @$CTL_GRP"
	it_write_rc
	it_start
}

teardown_file() {
	it_cleanup
	groupdel "$CTL_GRP" 2>/dev/null || true
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

as_user() {
	local user=$1 group=$2; shift 2
	setpriv --reuid="$user" --regid="$group" --clear-groups \
		"$VIGIL_BUILD/vigil" --socket "$IT_SOCK" "$@"
}

@test "a read-only user may see the status" {
	run as_user nobody nogroup status demo
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"'demo'"* ]]
	run as_user nobody nogroup summary
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
}

@test "a read-only user may not act" {
	local old
	old=$(it_demo_pid)
	for a in stop restart unmonitor; do
		run as_user nobody nogroup "$a" demo
		echo "$a: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"permission denied"* ]]
	done
	run as_user nobody nogroup quit
	[ "$status" -ne 0 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
	it_alive "$IT_VIGILD_PID"
}

@test "a user allowed without read-only may act" {
	local old
	old=$(it_demo_pid)
	run as_user _vigilweb _vigilweb restart demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 15 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "a user not named is refused even the status" {
	run as_user _vigilauth _vigilauth status
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"permission denied"* ]]
}

@test "finding 14: a user allowed only through a supplementary group is let in" {
	run setpriv --reuid=_vigilauth --regid=_vigilauth --groups="$CTL_GRP" \
		"$VIGIL_BUILD/vigil" --socket "$IT_SOCK" status demo
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"'demo'"* ]]
}

@test "finding 14: the same user without that supplementary group is refused" {
	run setpriv --reuid=_vigilauth --regid=_vigilauth --groups=nogroup \
		"$VIGIL_BUILD/vigil" --socket "$IT_SOCK" status demo
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"permission denied"* ]]
}
