#!/usr/bin/env bats
# The web interface, end to end: login page, 401 on bad credentials, roles
# enforced by the monitor (read-only cannot restart), CSRF, escaping.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	# An htpasswd file of cleartext passwords (Monit's default).
	printf 'carol:carol-pw\n' > "$IT/htpasswd"
	chmod 0600 "$IT/htpasswd"
	# A service whose (quoted) name needs HTML escaping.
	it_write_rc "check file \"odd<i>x&y\" with path $IT/rc
    if failed permission 0600 then alert

set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\"
    allow guest:\"guest-pw\" read-only
    allow $IT/htpasswd read-only"
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

# login JAR USER PASSWORD: follow the login page's form; HTTP code in
# $IT/http_code.
login() {
	local jar=$1 user=$2 pw=$3 form
	rm -f "$jar"
	it_curl "$jar" -L "$IT_URL/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" "$user" "$pw")
	it_curl "$jar" -X POST --data "$(sed -n 2p <<<"$form")" \
		"$IT_URL$(sed -n 1p <<<"$form")" >/dev/null
}

logged_in_ok() { [[ "$(it_http_code)" =~ ^(200|302|303)$ ]]; }

@test "GET / shows the login page" {
	run it_curl "" -L "$IT_URL/"
	echo "$output"
	[ "$(it_http_code)" = 200 ]
	[[ "$output" == *'type="password"'* || "$output" == *"type='password'"* || "$output" == *"type=password"* ]]
	# Nothing about the services before login.
	[[ "$output" != *"$IT_PIDFILE"* ]]
	[[ "$output" != *'odd'* ]]
}

@test "POST /login with a wrong password: 401" {
	login "$IT/jar.bad" guest not-the-password
	echo "code $(it_http_code)"
	[ "$(it_http_code)" = 401 ]
	# And that jar holds no session.
	run it_curl "$IT/jar.bad" -L "$IT_URL/"
	[[ "$output" != *'odd'* ]]
}

@test "read-only login: the status page lists the services, escaped" {
	login "$IT/jar.guest" guest guest-pw
	echo "code $(it_http_code)"
	logged_in_ok
	grep -q vigil_session "$IT/jar.guest"
	run it_curl "$IT/jar.guest" -L "$IT_URL/"
	echo "$output"
	[ "$(it_http_code)" = 200 ]
	[[ "$output" == *demo* ]]
	[[ "$output" == *rc* ]]
	# The odd name is on the page, escaped, never raw.
	[[ "$output" == *"odd&lt;i&gt;x&amp;y"* ]]
	[[ "$output" != *"<i>x&y"* ]]
}

@test "read-only user: POST restart is 403 and the demo keeps its pid" {
	local old form body tok
	old=$(it_demo_pid)
	# The action form as the read-write user sees it on the service page...
	login "$IT/jar.admin" admin admin-pw
	logged_in_ok
	it_curl "$IT/jar.admin" -L "$IT_URL/service/demo" > "$IT/admin.html"
	form=$(it_form action "$IT/admin.html" demo restart)
	# ...sent with the read-only user's session and CSRF token.
	login "$IT/jar.guest" guest guest-pw
	it_curl "$IT/jar.guest" -L "$IT_URL/" > "$IT/guest.html"
	tok=$(it_form token "$IT/guest.html" || true)
	[ -n "$tok" ] || { echo "the read-only page has no CSRF token"; return 1; }
	body=$(it_body_set_csrf "$(sed -n 2p <<<"$form")" "$tok")
	it_curl "$IT/jar.guest" -X POST --data "$body" "$IT_URL$(sed -n 1p <<<"$form")"
	echo "code $(it_http_code): $(cat "$IT/http_body")"
	[ "$(it_http_code)" = 403 ]
	# Refused for the role, not for a CSRF mistake of the test's own.
	! grep -qi csrf "$IT/http_body"
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "read-write user: POST restart gives the demo a new pid" {
	local old form
	old=$(it_demo_pid)
	login "$IT/jar.admin" admin admin-pw
	logged_in_ok
	it_curl "$IT/jar.admin" -L "$IT_URL/service/demo" > "$IT/admin.html"
	form=$(it_form action "$IT/admin.html" demo restart)
	it_curl "$IT/jar.admin" -X POST --data "$(sed -n 2p <<<"$form")" \
		"$IT_URL$(sed -n 1p <<<"$form")"
	echo "code $(it_http_code)"
	[[ "$(it_http_code)" =~ ^(200|302|303)$ ]]
	it_wait 15 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "POST without the CSRF token: 403, nothing done" {
	local old form body
	old=$(it_demo_pid)
	login "$IT/jar.admin" admin admin-pw
	it_curl "$IT/jar.admin" -L "$IT_URL/service/demo" > "$IT/admin.html"
	form=$(it_form action "$IT/admin.html" demo restart)
	body=$(it_body_set_csrf "$(sed -n 2p <<<"$form")" "")
	it_curl "$IT/jar.admin" -X POST --data "$body" "$IT_URL$(sed -n 1p <<<"$form")"
	echo "code $(it_http_code)"
	[ "$(it_http_code)" = 403 ]
	# A wrong token is no better.
	body=$(it_body_set_csrf "$(sed -n 2p <<<"$form")" "csrf=$(printf '%064d' 0)")
	it_curl "$IT/jar.admin" -X POST --data "$body" "$IT_URL$(sed -n 1p <<<"$form")"
	[ "$(it_http_code)" = 403 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "POST restart without a session: refused, nothing done" {
	local old form
	old=$(it_demo_pid)
	login "$IT/jar.admin" admin admin-pw
	it_curl "$IT/jar.admin" -L "$IT_URL/service/demo" > "$IT/admin.html"
	form=$(it_form action "$IT/admin.html" demo restart)
	it_curl "" -X POST --data "$(sed -n 2p <<<"$form")" "$IT_URL$(sed -n 1p <<<"$form")"
	echo "code $(it_http_code)"
	[[ "$(it_http_code)" =~ ^(401|403)$ ]]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "270 logins of the read-only user do not lock the admin out" {
	python3 - "$IT_URL" <<'PY'
import sys, time, http.client, urllib.parse
host, port = sys.argv[1].split('//')[1].split(':')
ok = 0
deadline = time.time() + 240
body = urllib.parse.urlencode({'user': 'guest', 'password': 'guest-pw'})
while ok < 270 and time.time() < deadline:
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    c.request('POST', '/login', body, {'Content-Type': 'application/x-www-form-urlencoded'})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status == 303:
        ok += 1
    elif r.status == 429:
        time.sleep(0.1)
    else:
        sys.exit('login %d answered %d' % (ok, r.status))
print('guest logins:', ok)
sys.exit(0 if ok == 270 else 1)
PY
	local old form
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	login "$IT/jar.admin" admin admin-pw
	echo "admin login: $(it_http_code)"
	logged_in_ok
	it_curl "$IT/jar.admin" -L "$IT_URL/service/demo" > "$IT/admin.html"
	form=$(it_form action "$IT/admin.html" demo restart)
	it_curl "$IT/jar.admin" -X POST --data "$(sed -n 2p <<<"$form")" \
		"$IT_URL$(sed -n 1p <<<"$form")"
	echo "restart: $(it_http_code)"
	[[ "$(it_http_code)" =~ ^(200|302|303)$ ]]
	it_wait 15 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "htpasswd with cleartext passwords (Monit's default): the right one logs in" {
	login "$IT/jar.carol" carol carol-pw
	echo "code $(it_http_code)"
	logged_in_ok
	run it_curl "$IT/jar.carol" -L "$IT_URL/"
	[[ "$output" == *"Logged in as carol"* ]]
	login "$IT/jar.carol2" carol carol-pwX
	[ "$(it_http_code)" = 401 ]
}

@test "the service page draws the demo's recent cpu and memory as inline SVG" {
	login "$IT/jar.graph" guest guest-pw
	logged_in_ok
	it_wait 40 eval 'it_curl "$IT/jar.graph" "$IT_URL/service/demo" | grep -q "<svg"'
	run it_curl "$IT/jar.graph" "$IT_URL/service/demo"
	[ "$(it_http_code)" = 200 ]
	[[ "$output" == *"<polyline"* ]]
	[[ "$output" == *"CPU"* ]]
	[[ "$output" == *"Memory"* ]]
	# Made on the server: no script, no third-party asset.
	[[ "$output" != *"<script"* ]]
	[[ "$output" != *"http://"*".js"* ]]
}

@test "the log view shows the monitor's recent lines about the demo, newest first" {
	login "$IT/jar.log" guest guest-pw
	logged_in_ok
	it_wait 30 eval 'it_curl "$IT/jar.log" "$IT_URL/log?service=demo" | grep -q "&#39;demo&#39;\|'"'"'demo'"'"'"'
	run it_curl "$IT/jar.log" "$IT_URL/log?service=demo"
	echo "$output" | head -40
	[ "$(it_http_code)" = 200 ]
	# Filtered: nothing about the other services.
	[[ "$output" != *"'rc'"* && "$output" != *"&#39;rc&#39;"* ]]
	# The odd name is escaped in the unfiltered view, never raw.
	run it_curl "$IT/jar.log" "$IT_URL/log"
	[[ "$output" != *"<i>x&y"* ]]
}
