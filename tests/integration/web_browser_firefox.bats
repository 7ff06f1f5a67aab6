#!/usr/bin/env bats
# The same scenarios as web_browser.bats in Debian's Firefox ESR, driven by
# puppeteer-core over WebDriver BiDi: type the user and password, press
# Enter, click the buttons, log out.  Screenshots:
# build/browser-shots/firefox/.

load helpers
load browser

setup_file() {
	it_require_root
	[ -x /usr/bin/firefox-esr ] || it_need "needs Debian's firefox-esr (apt-get install firefox-esr)"
	it_init
	it_browser_setup firefox
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT/"
	VIGIL_BROWSER=firefox
	export IT_PORT IT_URL VIGIL_BROWSER
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\"
    allow guest:\"guest-pw\" read-only"
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL"
}

teardown_file() {
	it_cleanup
}

@test "Firefox (HTTP): admin types, presses Enter, restarts the demo, logs out" {
	local old
	old=$(it_demo_pid)
	run it_browser admin "$IT_URL" admin admin-pw demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 20 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "Firefox (HTTP): a read-only user sees no action button and is refused one" {
	local old
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	run it_browser readonly "$IT_URL" guest guest-pw demo
	echo "$output"
	[ "$status" -eq 0 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "Firefox (HTTP): a wrong password shows the login page again" {
	run it_browser badlogin "$IT_URL" admin admin-pw demo
	echo "$output"
	[ "$status" -eq 0 ]
}
