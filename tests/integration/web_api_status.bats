#!/usr/bin/env bats
# GET /api/status: the document of `vigil status --json` over HTTP, read by
# Python's json module and jq and checked against docs/status.schema.json;
# the same as the CLI's for the same state; HTTP Basic or a form session;
# a user whose group rule names services sees only those; no credentials
# get 401.  The scoped user is a real system user the test creates, in a
# group with an `allow @GROUP restart service demo` rule (PAM).  The same
# services' pages graph a host's response time and a filesystem's space.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	command -v jq >/dev/null || it_need "needs jq"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_pam_user AS '!'
	it_write_rc "check system vigilhost

check filesystem root with path /

check host loopback with address 127.0.0.1
    if failed port $IT_PORT protocol http then alert

set httpd port $IT_PORT address 127.0.0.1
    pam service $AS_PAM
    allow @$AS_GROUP restart service demo
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
	it_wait 60 measured
}

teardown_file() {
	it_cleanup
	it_pam_user_cleanup AS
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

# The first cycle is in the document: the demo has a pid, the system a load.
measured() {
	curl -s --max-time 5 -u admin:admin-pw "$IT_URL/api/status" | jq -e '
		(.services[] | select(.name == "demo") | .pid) and
		(.services[] | select(.name == "vigilhost") | .load_1) != null' >/dev/null
}

# The document without what changes from one second to the next (the time
# it was made, uptimes counted at that moment), keys sorted.
stable() {
	jq -S 'del(.vigil.time, .vigil.uptime_s) |
		.services |= map(if .type == "system" then del(.uptime_s) else . end)'
}

# GET /api/status and `vigil status --json` agree (a cycle may fall between
# the two reads: then the next try compares the next state).
same_as_cli() {
	curl -sS --max-time 10 -u admin:admin-pw "$IT_URL/api/status" | stable > "$IT/api.json" &&
	it_vigil status --json | stable > "$IT/cli.json" &&
	diff -u "$IT/cli.json" "$IT/api.json" > "$IT/api.diff"
}

@test "api/status without credentials, or with a wrong password: 401" {
	it_curl "" "$IT_URL/api/status" >/dev/null
	[ "$(it_http_code)" = 401 ]
	grep -q '^WWW-Authenticate: Basic' <(curl -s -D - -o /dev/null "$IT_URL/api/status")
	it_curl "" -u admin:wrong "$IT_URL/api/status" >/dev/null
	[ "$(it_http_code)" = 401 ]
	it_curl "" -d "" -u admin:admin-pw "$IT_URL/api/status" >/dev/null
	[ "$(it_http_code)" = 405 ]
}

@test "api/status (HTTP Basic, admin): JSON, not cached, valid against the schema, Python reads it" {
	curl -sS --max-time 10 -D "$IT/headers" -u admin:admin-pw "$IT_URL/api/status" \
		> "$IT/doc.json"
	cat "$IT/headers"
	grep -qi '^Content-Type: application/json' "$IT/headers"
	grep -qi '^Cache-Control: no-store' "$IT/headers"
	python3 "$IT_REPO/tests/helpers/json_schema_check.py" "$IT_REPO/docs/status.schema.json" \
		< "$IT/doc.json"
	python3 - "$IT/doc.json" "$(it_demo_pid)" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
svc = {s["name"]: s for s in doc["services"]}
assert set(svc) == {"demo", "rc", "vigilhost", "root", "loopback"}, sorted(svc)
assert svc["demo"]["pid"] == int(sys.argv[2]), svc["demo"]
assert svc["root"]["mount_point"] == "/" and svc["root"]["space_total_bytes"] > 0, svc["root"]
assert svc["loopback"]["type"] == "host", svc["loopback"]
PY
}

@test "api/status is the document of vigil status --json for the same state" {
	if ! it_wait 90 same_as_cli; then
		cat "$IT/api.diff"
		false
	fi
	# one service, as `vigil status --json demo`
	curl -sS --max-time 10 -u admin:admin-pw "$IT_URL/api/status?service=demo" |
		jq -e '[.services[].name] == ["demo"]'
}

@test "a user whose group rule names services sees only those, with Basic and with a session" {
	curl -sS --max-time 10 -u "$AS_USER:$AS_PW" "$IT_URL/api/status" > "$IT/scoped.json"
	jq -e '[.services[].name] == ["demo"]' "$IT/scoped.json"
	it_curl "" -u "$AS_USER:$AS_PW" "$IT_URL/api/status?service=rc" >/dev/null
	[ "$(it_http_code)" = 404 ]
	# a form login's session cookie
	rm -f "$IT/jar"
	it_curl "$IT/jar" -L "$IT_URL/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" "$AS_USER" "$AS_PW")
	it_curl "$IT/jar" -X POST --data "$(sed -n 2p <<<"$form")" \
		"$IT_URL$(sed -n 1p <<<"$form")" >/dev/null
	it_curl "$IT/jar" "$IT_URL/api/status" > "$IT/session.json"
	[ "$(it_http_code)" = 200 ]
	jq -e '[.services[].name] == ["demo"]' "$IT/session.json"
	# the admin's session sees every service
	rm -f "$IT/jar"
	it_curl "$IT/jar" -L "$IT_URL/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" admin admin-pw)
	it_curl "$IT/jar" -X POST --data "$(sed -n 2p <<<"$form")" \
		"$IT_URL$(sed -n 1p <<<"$form")" >/dev/null
	it_curl "$IT/jar" "$IT_URL/api/status" | jq -e '.services | length == 5'
}

graph_on() {
	curl -s --max-time 5 -u admin:admin-pw "$IT_URL/service/$1" > "$IT/page.html" &&
		grep -q "<figcaption>$2: " "$IT/page.html"
}

@test "the service pages graph a host's response time and a filesystem's space used" {
	if ! it_wait 90 graph_on loopback "Response time"; then
		cat "$IT/page.html"
		false
	fi
	grep -q '<svg' "$IT/page.html"
	! grep -q '<figcaption>CPU' "$IT/page.html"
	it_wait 30 graph_on root "Space used"
	grep -q '<figcaption>Inodes used: ' "$IT/page.html"
}
