#!/usr/bin/env bats
# The web interface in Chromium over TLS (a self-signed certificate, which
# the browser is told to accept), as a person uses it: type the user and
# password, press Enter, click the buttons, log out; the session cookie is
# Secure here, so this also shows the browser keeps and sends it.  Screenshots: build/browser-shots/tls/.

load helpers
load browser

setup_file() {
	it_require_root
	it_init
	it_browser_setup tls
	command -v openssl >/dev/null || it_need "needs openssl"
	IT_PORT=$(it_free_port)
	IT_URL="https://127.0.0.1:$IT_PORT/"
	export IT_PORT IT_URL
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-keyout "$IT/key.pem" -out "$IT/cert.pem" 2>/dev/null
	cat "$IT/key.pem" "$IT/cert.pem" > "$IT/vigil.pem"
	chmod 0600 "$IT/vigil.pem" "$IT/key.pem"
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    ssl enable
    pemfile $IT/vigil.pem
    allow admin:\"admin-pw\"
    allow guest:\"guest-pw\" read-only"
	it_start
	it_wait 15 curl -sk -o /dev/null "$IT_URL"
}

teardown_file() {
	it_cleanup
}

@test "browser (TLS): admin types, presses Enter, restarts the demo, logs out" {
	local old
	old=$(it_demo_pid)
	run it_browser admin "$IT_URL" admin admin-pw demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 20 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "browser (TLS): a read-only user sees no action button and is refused one" {
	local old
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	run it_browser readonly "$IT_URL" guest guest-pw demo
	echo "$output"
	[ "$status" -eq 0 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "browser (TLS): a wrong password shows the login page again" {
	run it_browser badlogin "$IT_URL" admin admin-pw demo
	echo "$output"
	[ "$status" -eq 0 ]
}
