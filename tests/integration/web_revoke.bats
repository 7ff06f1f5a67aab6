#!/usr/bin/env bats
# Revoking a user ends their web sessions at their next request (at most
# WEBUI_RECHECK_MS, 5 s, after the last check): a real system user the
# test creates, logged in through PAM as a member of a group with a rule,
# then locked (usermod -L), or taken out of the group (gpasswd -d).

load helpers

setup() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	command -v gpasswd >/dev/null || it_need "needs gpasswd (passwd)"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_pam_user RV '!'
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    pam service $RV_PAM
    allow @$RV_GROUP read-only
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
}

teardown() {
	it_cleanup
	it_pam_user_cleanup RV
	it_sanitizer_check
}

# login JAR USER PASSWORD: the login page's own form.
login() {
	local jar=$1 form
	rm -f "$jar"
	it_curl "$jar" -L "$IT_URL/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" "$2" "$3")
	it_curl "$jar" -X POST --data "$(sed -n 2p <<<"$form")" \
		"$IT_URL$(sed -n 1p <<<"$form")" >/dev/null
}

status_page() { it_curl "$1" "$IT_URL/" | grep -q 'href="/service/demo"'; }
login_page() { it_curl "$1" "$IT_URL/" | grep -q 'type="password"'; }

@test "a PAM user whose account is locked (usermod -L) loses the session" {
	login "$IT/jar.u" "$RV_USER" "$RV_PW"
	it_wait 20 status_page "$IT/jar.u"
	# Another user's session is not touched.
	login "$IT/jar.a" admin admin-pw
	it_wait 20 status_page "$IT/jar.a"
	usermod -L "$RV_USER"
	it_wait 30 login_page "$IT/jar.u"
	grep -q "web session of user '$RV_USER' ended" "$IT/vigild.log"
	grep -q "user '$RV_USER' may no longer log in" "$IT/vigild.log"
	status_page "$IT/jar.a"
	# And a new login is refused.
	login "$IT/jar.u2" "$RV_USER" "$RV_PW"
	[ "$(it_http_code)" = 401 ]
}

@test "a PAM user taken out of the group (gpasswd -d) loses the session" {
	login "$IT/jar.u" "$RV_USER" "$RV_PW"
	it_wait 20 status_page "$IT/jar.u"
	gpasswd -d "$RV_USER" "$RV_GROUP"
	it_wait 30 login_page "$IT/jar.u"
	grep -q "in no group that may log in" "$IT/vigild.log"
}

@test "Basic auth of a locked user: 401 at the next request" {
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u "$RV_USER:$RV_PW" \
		"$IT_URL/_status?format=xml"
	[ "$output" = 200 ]
	usermod -L "$RV_USER"
	it_wait 30 eval '[ "$(curl -sS --max-time 10 -o /dev/null -w "%{http_code}" \
		-u "$RV_USER:$RV_PW" "$IT_URL/_status?format=xml")" = 401 ]'
}
