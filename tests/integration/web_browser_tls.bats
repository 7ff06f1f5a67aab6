#!/usr/bin/env bats
# The web interface in Chromium and Firefox over TLS (a self-signed certificate, which
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
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "browser (TLS): admin types, presses Enter, restarts the demo, logs out" {
	it_browser_admin chromium
}

@test "browser (TLS): a read-only user sees no action button and is refused one" {
	it_browser_readonly chromium
}

@test "browser (TLS): a wrong password shows the login page again" {
	it_browser_badlogin chromium
}

@test "Firefox (TLS): admin types, presses Enter, restarts the demo, logs out" {
	it_browser_admin firefox
}

@test "Firefox (TLS): a read-only user sees no action button and is refused one" {
	it_browser_readonly firefox
}

@test "Firefox (TLS): a wrong password shows the login page again" {
	it_browser_badlogin firefox
}
