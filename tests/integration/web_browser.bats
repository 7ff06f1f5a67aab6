#!/usr/bin/env bats
# The web interface in Chromium and Firefox over plain HTTP, as a person uses it: type
# the user and password, press Enter, click the buttons, log out.  The
# browser sends what curl does not (an Origin header on every form POST,
# shaped by the page's Referrer-Policy), so this is where a form that only
# curl can submit shows.  Screenshots: build/browser-shots/http/.

load helpers
load browser

setup_file() {
	it_require_root
	it_init
	it_browser_setup http
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT/"
	export IT_PORT IT_URL
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\"
    allow guest:\"guest-pw\" read-only"
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL"
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "browser (HTTP): admin types, presses Enter, restarts the demo, logs out" {
	it_browser_admin chromium
}

@test "browser (HTTP): a read-only user sees no action button and is refused one" {
	it_browser_readonly chromium
}

@test "browser (HTTP): a wrong password shows the login page again" {
	it_browser_badlogin chromium
}

@test "Firefox (HTTP): admin types, presses Enter, restarts the demo, logs out" {
	it_browser_admin firefox
}

@test "Firefox (HTTP): a read-only user sees no action button and is refused one" {
	it_browser_readonly firefox
}

@test "Firefox (HTTP): a wrong password shows the login page again" {
	it_browser_badlogin firefox
}
