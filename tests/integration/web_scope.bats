#!/usr/bin/env bats
# A web user whose group rule carries a service scope (`allow @GROUP
# read-only service demo`) sees only the scope's services on every view:
# the status page, the service pages, Monit's /_status (XML read by
# Python, text), /_summary, /_report, /metrics, and Monit 5.33's own CLI
# (`monit status`, `summary`, `report`) given that user's credentials.  A
# service outside the scope answers as one that does not exist.  The user
# is a real system user the test creates in a group of its own (PAM), and
# removes again.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	command -v monit >/dev/null || it_need "needs monit (Monit 5.33's CLI)"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	# SC_PW: letters, digits and '-' only: Monit's CLI reads it unquoted below
	it_pam_user SC
	it_write_rc "check system vigilhost

check process other with pidfile $IT/other.pid

set httpd port $IT_PORT address 127.0.0.1
    pam service $SC_PAM
    allow @$SC_GROUP read-only service demo
    allow admin:\"admin-pw\""
	# Monit's CLI reads its own control file: where the daemon listens,
	# its pidfile (the CLI checks the daemon runs) and who asks.
	cat > "$IT/scoped.monitrc" <<RC
set idfile $IT/monit.id
set statefile $IT/monit.state
set pidfile $IT/vigild.pid
set httpd port $IT_PORT address 127.0.0.1
    allow $SC_USER:$SC_PW
check process demo with pidfile $IT_PIDFILE
RC
	chmod 0600 "$IT/scoped.monitrc"
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
	it_wait 60 measured
}

teardown_file() {
	it_cleanup
	it_pam_user_cleanup SC
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

# The first cycle is done: the demo has a pid, every service is there.
measured() {
	curl -s --max-time 5 -u admin:admin-pw "$IT_URL/_status?format=xml" |
		python3 -c '
import sys, xml.etree.ElementTree as ET
s = {x.findtext("name"): x for x in ET.parse(sys.stdin).getroot().findall("service")}
sys.exit(0 if set(s) == {"demo", "rc", "vigilhost", "other"} and s["demo"].findtext("pid")
         else 1)' 2>/dev/null
}

# GET as the scoped user (HTTP Basic) into $IT/http_body; prints the code
scoped() {
	it_curl "" -u "$SC_USER:$SC_PW" "$IT_URL$1" >/dev/null
	it_http_code
}

# Not in the file (a function, so that a match fails the test: a bare
# `! grep` in the middle of a test does not)
lacks() {
	if grep -qE "$1" "$2"; then
		echo "found /$1/ in $2:" >&2
		grep -E "$1" "$2" >&2
		return 1
	fi
}

admin() {
	it_curl "" -u admin:admin-pw "$IT_URL$1" >/dev/null
	it_http_code
}

@test "the status page lists the scope's service and no other" {
	[ "$(scoped /)" = 200 ]
	cat "$IT/http_body"
	grep -q 'href="/service/demo"' "$IT/http_body"
	lacks 'href="/service/rc"' "$IT/http_body"
	lacks 'href="/service/other"' "$IT/http_body"
	lacks 'vigilhost' "$IT/http_body"
	# the admin, without a scope, sees them all
	[ "$(admin /)" = 200 ]
	for s in demo rc other vigilhost; do
		grep -q "href=\"/service/$s\"" "$IT/http_body"
	done
}

@test "a service page outside the scope answers as a service that does not exist" {
	[ "$(scoped /service/demo)" = 200 ]
	grep -q 'Process demo' "$IT/http_body"
	[ "$(scoped /service/nosuchservice)" = 404 ]
	cp "$IT/http_body" "$IT/missing.html"
	for s in other rc vigilhost; do
		[ "$(scoped "/service/$s")" = 404 ]
		cmp "$IT/http_body" "$IT/missing.html"
		[ "$(admin "/service/$s")" = 200 ]
	done
}

@test "/_status?format=xml (Python's parser) and the text hold only the scope" {
	[ "$(scoped '/_status?format=xml')" = 200 ]
	python3 - "$IT/http_body" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
names = [s.findtext('name') for s in root.findall('service')]
assert names == ['demo'], names
PY
	[ "$(scoped '/_status?format=text')" = 200 ]
	cat "$IT/http_body"
	grep -q "^Process 'demo'" "$IT/http_body"
	lacks "'(rc|other|vigilhost)'" "$IT/http_body"
	[ "$(scoped '/_status?format=text&service=nosuchservice')" = 404 ]
	cp "$IT/http_body" "$IT/missing.txt"
	[ "$(scoped '/_status?format=text&service=other')" = 404 ]
	cmp "$IT/http_body" "$IT/missing.txt"
}

@test "/_summary, /_report and /metrics count only the scope" {
	[ "$(scoped /_summary)" = 200 ]
	cat "$IT/http_body"
	grep -qE '^ demo +' "$IT/http_body"
	lacks '^ (rc|other|vigilhost) ' "$IT/http_body"
	[ "$(scoped /_report)" = 200 ]
	cat "$IT/http_body"
	grep -qE '^total: +1 services$' "$IT/http_body"
	[ "$(admin /_report)" = 200 ]
	grep -qE '^total: +4 services$' "$IT/http_body"
	[ "$(scoped /metrics)" = 200 ]
	grep -qx 'vigil_services 1' "$IT/http_body"
	grep -q 'service="demo"' "$IT/http_body"
	lacks 'service="(rc|other|vigilhost)"' "$IT/http_body"
}

@test "Monit's CLI with the scoped user's credentials: status, summary and report show only the scope" {
	run timeout 30 monit -c "$IT/scoped.monitrc" status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Process 'demo'"* ]]
	[[ "$output" != *"'rc'"* && "$output" != *"'other'"* && "$output" != *vigilhost* ]]
	run timeout 30 monit -c "$IT/scoped.monitrc" summary
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ demo\ +[A-Za-z] ]]
	[[ "$output" != *other* && "$output" != *vigilhost* ]]
	run timeout 30 monit -c "$IT/scoped.monitrc" report
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ total:\ +1\ services ]]
}
