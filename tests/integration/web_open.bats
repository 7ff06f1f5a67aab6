#!/usr/bin/env bats
# Monit's access rules: "allow localhost" (host and net rules) alone lets
# those clients in without a password (with a user rule too, a client must
# be on the list and log in: web_open_login.bats).

load helpers

setup_file() {
	it_require_root
	command -v monit >/dev/null || it_need "needs monit (Monit 5.33's CLI)"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow localhost"
	cat > "$IT/cli.monitrc" <<RC
set idfile $IT/monit.id
set statefile $IT/monit.state
set pidfile $IT/vigild.pid
set httpd port $IT_PORT address 127.0.0.1
    allow localhost
check process demo with pidfile $IT_PIDFILE
check file rc with path $IT/rc
RC
	chmod 0600 "$IT/cli.monitrc"
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "allow localhost alone: the status page without a login" {
	it_wait 20 eval 'it_curl "" "$IT_URL/" | grep -q "href=\"/service/demo\""'
	run it_curl "" "$IT_URL/"
	echo "$output"
	[ "$(it_http_code)" = 200 ]
	[[ "$output" != *'type="password"'* ]]
	[[ "$output" == *demo* ]]
	grep -q "access without a password for 127.0.0.1" "$IT/vigild.log"
}

@test "allow localhost alone: the page's restart button works without a login" {
	local old form
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	it_curl "" "$IT_URL/service/demo" > "$IT/svc.html"
	form=$(it_form action "$IT/svc.html" demo restart)
	it_curl "" -X POST --data "$(sed -n 2p <<<"$form")" "$IT_URL$(sed -n 1p <<<"$form")"
	echo "code $(it_http_code): $(cat "$IT/http_body")"
	[[ "$(it_http_code)" =~ ^(200|303)$ ]]
	it_wait 20 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "allow localhost alone: Monit's CLI needs no password either" {
	local old
	it_wait 20 it_demo_running
	run timeout 30 monit -c "$IT/cli.monitrc" status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Process 'demo'"* ]]
	old=$(it_demo_pid)
	run timeout 30 monit -c "$IT/cli.monitrc" restart demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 20 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}
