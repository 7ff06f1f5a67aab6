#!/usr/bin/env bats
# Bearer tokens for scripts: `Authorization: Bearer NAME.SECRET` is the
# login NAME / SECRET of Basic, checked by auth the same way: a token kept
# as a hashed htpasswd entry (sha-crypt from `openssl passwd -6`, so the
# control file holds no secret), a read-only `allow NAME:"SECRET"` token,
# and a PAM user whose group rule names one service.  A wrong or malformed
# token gets 401 naming both schemes.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	command -v jq >/dev/null || it_need "needs jq"
	command -v openssl >/dev/null || it_need "needs openssl"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	local hex
	hex=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	CI_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
	RO_TOKEN="ro-$hex-$RANDOM"
	# used once, by the /metrics test: its login is surely not a cached grant
	MT_TOKEN="mt-$hex-$RANDOM"
	export IT_PORT IT_URL CI_TOKEN RO_TOKEN MT_TOKEN
	# BT_PW: token68 characters only, a bearer token is NAME.SECRET verbatim
	it_pam_user BT
	printf 'ci:%s\n' "$(openssl passwd -6 "$CI_TOKEN")" > "$IT/htpasswd"
	chmod 0600 "$IT/htpasswd"
	! grep -q "$CI_TOKEN" "$IT/htpasswd"
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    pam service $BT_PAM
    allow @$BT_GROUP restart service demo
    allow $IT/htpasswd ci
    allow ro:\"$RO_TOKEN\" read-only
    allow mt:\"$MT_TOKEN\" read-only"
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
}

teardown_file() {
	it_cleanup
	it_pam_user_cleanup BT
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "a bearer token of a hashed htpasswd entry: 200 and the JSON of every service" {
	curl -sS --max-time 10 -D "$IT/headers" -H "Authorization: Bearer ci.$CI_TOKEN" \
		"$IT_URL/api/status" > "$IT/doc.json"
	cat "$IT/headers"
	grep -q '^HTTP/1.1 200' "$IT/headers"
	grep -qi '^Content-Type: application/json' "$IT/headers"
	jq -e '[.services[].name] | sort == ["demo", "rc"]' "$IT/doc.json"
	# the scheme in any case (RFC 7235); Monit's endpoints take it too
	it_curl "" -H "Authorization: bearer ci.$CI_TOKEN" "$IT_URL/_status?format=xml" |
		grep -q '<name>demo</name>'
	[ "$(it_http_code)" = 200 ]
	it_curl "" -H "Authorization: BEARER ci.$CI_TOKEN" "$IT_URL/metrics" >/dev/null
	[ "$(it_http_code)" = 200 ]
	grep -q "login of user 'ci' from 127.0.0.1 as readwrite (bearer token)" "$IT/vigild.log"
}

@test "a wrong secret or a malformed token: 401 naming Basic and Bearer" {
	curl -sS --max-time 10 -D "$IT/headers" -o /dev/null \
		-H "Authorization: Bearer ci.${CI_TOKEN}x" "$IT_URL/api/status"
	cat "$IT/headers"
	grep -q '^HTTP/1.1 401' "$IT/headers"
	grep -q '^WWW-Authenticate: Basic realm="vigil", charset="UTF-8"' "$IT/headers"
	grep -q '^WWW-Authenticate: Bearer realm="vigil"' "$IT/headers"
	# the htpasswd entry's hash is not a password
	it_curl "" -H "Authorization: Bearer ci.$(cut -d: -f2- "$IT/htpasswd")" \
		"$IT_URL/api/status" >/dev/null
	[ "$(it_http_code)" = 401 ]
	for bad in "Bearer" "Bearer ci" "Bearer .$CI_TOKEN" "Bearer ci." \
		"Bearer ci.$CI_TOKEN!" "Bearer ci.$CI_TOKEN=x" "Bearer ci.$(head -c 400 /dev/zero | tr '\0' a)"; do
		it_curl "" -H "Authorization: $bad" "$IT_URL/api/status" >/dev/null
		[ "$(it_http_code)" = 401 ] || { echo "'$bad': $(it_http_code)"; false; }
	done
	# still serving
	it_curl "" -H "Authorization: Bearer ro.$RO_TOKEN" "$IT_URL/api/status" >/dev/null
	[ "$(it_http_code)" = 200 ]
}

@test "a read-only token cannot POST /_doaction; a read-write one can" {
	local old tok=0123456789abcdef0123
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	it_curl "" -H "Authorization: Bearer ro.$RO_TOKEN" -b "securitytoken=$tok" \
		--data "action=restart&service=demo&securitytoken=$tok" "$IT_URL/_doaction" >/dev/null
	[ "$(it_http_code)" = 403 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
	it_curl "" -H "Authorization: Bearer ci.$CI_TOKEN" -b "securitytoken=$tok" \
		--data "action=restart&service=demo&securitytoken=$tok" "$IT_URL/_doaction" >/dev/null
	[ "$(it_http_code)" = 200 ]
	it_wait 30 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != "$old" ]'
}

@test "a scoped PAM user's token sees only their services" {
	curl -sS --max-time 10 -H "Authorization: Bearer $BT_USER.$BT_PW" "$IT_URL/api/status" \
		> "$IT/scoped.json"
	jq -e '[.services[].name] == ["demo"]' "$IT/scoped.json"
	it_curl "" -H "Authorization: Bearer $BT_USER.$BT_PW" "$IT_URL/api/status?service=rc" >/dev/null
	[ "$(it_http_code)" = 404 ]
	grep -q "login of user '$BT_USER' from 127.0.0.1 as restart (bearer token)" "$IT/vigild.log"
}

# vigil_web_logins_total's value for METHOD and RESULT in $IT/metrics.txt
logins() {
	awk -v k="vigil_web_logins_total{method=\"$1\",result=\"$2\"}" \
		'$1 == k { print $2; found = 1 } END { exit !found }' "$IT/metrics.txt"
}

@test "/metrics counts bearer logins as method=\"bearer\", ok and failed, not as Basic" {
	local bok bfail aok afail
	it_curl "" -H "Authorization: Bearer ci.$CI_TOKEN" "$IT_URL/metrics" > "$IT/metrics.txt"
	[ "$(it_http_code)" = 200 ]
	bok=$(logins bearer ok); bfail=$(logins bearer failed)
	aok=$(logins basic ok); afail=$(logins basic failed)
	# a failed bearer login (a user nobody has: no lockout of a real one)
	it_curl "" -H "Authorization: Bearer nobody$RANDOM.x" "$IT_URL/metrics" >/dev/null
	[ "$(it_http_code)" = 401 ]
	# a bearer login auth grants: the response is rendered after it counted
	it_curl "" -H "Authorization: Bearer mt.$MT_TOKEN" "$IT_URL/metrics" > "$IT/metrics.txt"
	[ "$(it_http_code)" = 200 ]
	grep vigil_web_logins_total "$IT/metrics.txt"
	[ "$(logins bearer ok)" = $((bok + 1)) ]
	[ "$(logins bearer failed)" = $((bfail + 1)) ]
	[ "$(logins basic ok)" = "$aok" ]
	[ "$(logins basic failed)" = "$afail" ]
	command -v promtool >/dev/null || it_need "needs promtool (apt-get install prometheus)"
	promtool check metrics < "$IT/metrics.txt"
}
