# Chromium against the real daemon, for web_browser*.bats: the browser
# script is tests/browser/web.js (puppeteer-core from the committed
# package-lock.json, installed here by `npm ci`, driving Debian's chromium).

IT_BROWSER_DIR="$IT_REPO/tests/browser"

# npm ci once per file: a fresh CI machine has no node_modules.
it_browser_setup() {
	command -v node >/dev/null || { it_need "needs node (and npm)"; return 1; }
	command -v npm >/dev/null || { it_need "needs npm"; return 1; }
	[ -x /usr/bin/chromium ] || { it_need "needs Debian's chromium (apt-get install chromium)"; return 1; }
	if ! (cd "$IT_BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$IT/npm.log" 2>&1; then
		cat "$IT/npm.log" >&2
		it_need "npm ci in tests/browser failed"
		return 1
	fi
	IT_SHOTS="$VIGIL_BUILD/browser-shots/$1"
	rm -rf "$IT_SHOTS"
	mkdir -p "$IT_SHOTS"
	export IT_SHOTS
}

# it_browser SCENARIO URL USER PASSWORD SERVICE: run one scenario of web.js
# in $VIGIL_BROWSER (chromium, the default, or firefox: Debian's
# firefox-esr over WebDriver BiDi).
it_browser() {
	if [ "${VIGIL_BROWSER:-chromium}" = firefox ] && [ ! -x /usr/bin/firefox-esr ]; then
		it_need "needs Debian's firefox-esr (apt-get install firefox-esr)"
		return 1
	fi
	timeout 180 node "$IT_BROWSER_DIR/web.js" "$1" "$2" "$3" "$4" "$5" "$IT_SHOTS"
}

# The scenarios every browser test file runs, in browser $1 (chromium or
# firefox) against $IT_URL; $IT_OLD_PID is the demo's pid before.
it_browser_run() {
	it_wait 20 it_demo_running
	IT_OLD_PID=$(it_demo_pid)
	VIGIL_BROWSER=$1 run it_browser "$2" "$IT_URL" "$3" "$4" demo
	echo "$output"
	[ "$status" -eq 0 ]
}

#   admin: types, presses Enter, restarts the demo (a new pid), logs out
it_browser_admin() {
	it_browser_run "$1" admin admin admin-pw
	it_wait 20 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$IT_OLD_PID"' ]'
}

#   readonly: no action button, a forged one refused (the demo keeps its pid)
it_browser_readonly() {
	it_browser_run "$1" readonly guest guest-pw
	sleep 1
	[ "$(it_demo_pid)" = "$IT_OLD_PID" ]
}

#   badlogin: a wrong password shows the login page again
it_browser_badlogin() {
	it_browser_run "$1" badlogin admin admin-pw
}
