#!/usr/bin/env bats
# Monit's access rules, the other half of web_open.bats: "allow localhost"
# together with a user rule: a client must be on the host list AND log in.

load helpers

setup_file() {
	it_require_root
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow localhost
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
	# auth has the rules and webui the monitor's status
	it_wait 30 eval '[ "$(curl -s -o /dev/null -w "%{http_code}" -u admin:admin-pw \
		"$IT_URL/_status")" = 200 ]'
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "allow localhost plus a user: both must pass (the login page, 401 for the API)" {
	run it_curl "" "$IT_URL/"
	[ "$(it_http_code)" = 200 ]
	[[ "$output" == *'type="password"'* ]]
	run it_curl "" "$IT_URL/service/demo"
	[ "$(it_http_code)" = 303 ]
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$IT_URL/_status"
	[ "$output" = 401 ]
	! grep -q "access without a password" "$IT/vigild.log"
}
