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

# it_browser SCENARIO URL USER PASSWORD SERVICE: run one scenario of web.js.
it_browser() {
	timeout 180 node "$IT_BROWSER_DIR/web.js" "$1" "$2" "$3" "$4" "$5" "$IT_SHOTS"
}
