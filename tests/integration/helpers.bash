# Common set-up for vigil's integration tests: the real daemon, as root, on a
# control file in a temporary directory, with free loopback ports.
#
#   it_init                 make $IT (root 0755) with run/ (_vigil 0755),
#                           demo/ and empty/ (the web chroot)
#   it_write_rc [EXTRA]     write $IT/rc (0600): daemon 30, state and socket
#                           in run/ ($IT_CTL_ALLOW appended to `set control
#                           socket`), the demo process, the control file
#                           watched by checksum, then EXTRA verbatim
#   it_start                start `vigil -c $IT/rc -I` in the background (under
#                           $IT_WRAP when set) and wait for the control socket
#                           and the demo pidfile
#   it_stop                 stop vigild by pid and wait; stop the demo
#   it_pam_user P           a system user with a password in a group of its
#                           own and a PAM service: $P_USER, $P_GROUP, $P_PAM,
#                           $P_PW; it_pam_user_cleanup P removes them
#
# Everything is ended by pid; nothing here uses pkill or killall.

: "${VIGIL_BUILD:?VIGIL_BUILD must be the absolute path of build/}"
IT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IT_DEMO="$IT_REPO/examples/demo-service"
# it_sanitizer_check, which every teardown ends with (make asan-integration)
source "$IT_REPO/tests/integration/sanitizer.bash"

# A missing prerequisite fails the test: the suite runs as root on Debian 12
# with everything installed, so a skip would only hide a broken set-up.
it_need() {
	echo "prerequisite missing: $*" >&2
	return 1
}

it_require_root() {
	if [ "$(id -u)" != 0 ]; then
		it_need "needs root (the daemon drops to _vigil, _vigilweb, _vigilauth)"
		return 1
	fi
	getent passwd _vigil >/dev/null || { it_need "no user _vigil: run 'make users'"; return 1; }
}

# A TCP port nobody listens on now, on the loopback.
it_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

it_init() {
	# Under the build tree, not /tmp: no world-writable directory above
	# the web chroot or the programs the daemon runs.
	IT=$(mktemp -d "$VIGIL_BUILD/it.XXXXXX")
	chmod 0755 "$IT"
	mkdir -m 0755 "$IT/run" "$IT/demo" "$IT/empty"
	chown _vigil:_vigil "$IT/run"
	IT_SOCK="$IT/run/control.sock"
	IT_PIDFILE="$IT/demo/demo.pid"
	IT_VIGILD_PID=
	export IT IT_SOCK IT_PIDFILE IT_VIGILD_PID
}

it_write_rc() {
	local extra=${1:-}
	umask 077
	cat > "$IT/rc" <<RC
set daemon 30
set statefile $IT/run/vigil.state
set pidfile $IT/vigild.pid
set control socket $IT_SOCK ${IT_CTL_ALLOW:-}
set privsep chroot $IT/empty

check process demo with pidfile $IT_PIDFILE
    start program = "$IT_DEMO start $IT_PIDFILE"
    stop program = "$IT_DEMO stop $IT_PIDFILE"
    group demos

check file rc with path $IT/rc
    if failed checksum then alert
$extra
RC
	umask 022
	chmod 0600 "$IT/rc"
}

# Wait until "$@" succeeds, polling every 50 ms, at most $1 seconds (times
# IT_TIME_SCALE: make asan-integration sets 4, the sanitizer build is slower).
it_wait() {
	local secs=$1; shift
	local i=0 n=$((secs * ${IT_TIME_SCALE:-1} * 20))
	while [ $i -lt $n ]; do
		"$@" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# A live process (a zombie is not: it died, its parent has not reaped it).
it_alive() {
	[ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
	local state
	state=$(awk '/^State:/ { print $2 }' /proc/"$1"/status 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

# The demo's pid when the pidfile names a live process, else nothing.
it_demo_pid() {
	local pid
	pid=$(cat "$IT_PIDFILE" 2>/dev/null) || return 1
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	it_alive "$pid" || return 1
	echo "$pid"
}

it_demo_running() { it_demo_pid >/dev/null; }

it_start() {
	# IT_WRAP: a command that execs its arguments (a namespace, say)
	# shellcheck disable=SC2086
	${IT_WRAP:-} "$VIGIL_BUILD/vigil" -c "$IT/rc" -I >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	export IT_VIGILD_PID
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	if ! it_wait 15 test -S "$IT_SOCK"; then
		echo "vigild did not open $IT_SOCK; its log:" >&2
		cat "$IT/vigild.log" >&2
		return 1
	fi
	if ! it_wait 15 it_demo_running; then
		echo "the demo service did not start; vigild's log:" >&2
		cat "$IT/vigild.log" >&2
		return 1
	fi
}

it_stop() {
	local pid=${IT_VIGILD_PID:-}
	[ -n "$pid" ] || pid=$(cat "$IT/vigild.testpid" 2>/dev/null || true)
	if it_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		it_wait 10 eval "! it_alive $pid" || kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	local demo
	demo=$(it_demo_pid 2>/dev/null || true)
	if [ -n "$demo" ]; then
		kill -KILL "$demo" 2>/dev/null || true
	fi
	it_kill_strays
}

# Demo instances of this test that the pidfile no longer names (a test that
# failed half-way): their parent shell (a subshell of the start program) has
# this test's pidfile path on its command line.  Ended by pid, children first.
it_kill_strays() {
	local f pid kid cmd
	[ -n "${IT_PIDFILE:-}" ] || return 0
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}; pid=${pid%/cmdline}
		[ "$pid" != $$ ] || continue
		cmd=$( { tr '\0' ' ' < "$f"; } 2>/dev/null) || continue
		if [[ "$cmd" == *"demo-service start $IT_PIDFILE"* ]]; then
			for kid in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
				kill -KILL "$kid" 2>/dev/null || true
			done
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}

it_cleanup() {
	it_stop
	if [ -n "${IT:-}" ] && [ -d "$IT" ]; then
		# Keep the daemon's log when a test failed, for the reader.
		[ -n "${IT_KEEP:-}" ] || rm -rf "$IT"
	fi
}

# ---- a PAM user for the web interface's `allow @GROUP` rules --------------

# it_pam_user P [PW_EXTRA]: a system user with a password, in a group of its
# own, and a PAM service for `pam service`, all named with P and a random
# suffix.  Sets and exports P_USER (vigil<p>_HEX), P_GROUP (vigil<p>g_HEX),
# P_PAM (vigil-<p>-HEX, in /etc/pam.d) and P_PW ("Pw-HEX-N": letters, digits
# and '-', so it also serves as a bearer token's secret and unquoted in
# Monit's control file; PW_EXTRA appended), p being P in lower case.  The
# names are set before anything is made, so it_pam_user_cleanup P removes
# whatever a failed set-up left.
it_pam_user() {
	local p=$1 lp=${1,,} hex
	command -v useradd >/dev/null || { it_need "needs useradd (passwd)"; return 1; }
	hex=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	declare -gx "${p}_USER=vigil${lp}_$hex" "${p}_GROUP=vigil${lp}g_$hex" \
		"${p}_PAM=vigil-$lp-$hex" "${p}_PW=Pw-$hex-$RANDOM${2:-}"
	local user=${p}_USER group=${p}_GROUP pam=${p}_PAM pw=${p}_PW
	groupadd "${!group}" || return 1
	useradd -M -s /usr/sbin/nologin -G "${!group}" "${!user}" || return 1
	printf '%s:%s\n' "${!user}" "${!pw}" | chpasswd || return 1
	printf '@include common-auth\n@include common-account\n' > "/etc/pam.d/${!pam}"
}

# it_pam_user_cleanup P: end what runs as P_USER (by pid), remove the user,
# the group and the PAM service by their names; what is not there is skipped.
it_pam_user_cleanup() {
	local p=$1 user group pam uid f pid
	user=${p}_USER group=${p}_GROUP pam=${p}_PAM
	user=${!user:-} group=${!group:-} pam=${!pam:-}
	if [ -n "$user" ] && uid=$(id -u "$user" 2>/dev/null) && [ "$uid" != 0 ]; then
		for f in /proc/[0-9]*/status; do
			pid=${f#/proc/}; pid=${pid%/status}
			if awk -v u="$uid" '$1 == "Uid:" && $2 == u { m = 1 } END { exit !m }' \
				"$f" 2>/dev/null; then
				kill -KILL "$pid" 2>/dev/null || true
			fi
		done
		userdel "$user" 2>/dev/null || true
	fi
	[ -z "$group" ] || groupdel "$group" 2>/dev/null || true
	[ -z "$pam" ] || rm -f "/etc/pam.d/$pam"
}

# Direct children of vigild: the monitor, and with httpd the webui and auth.
it_child_by_name() {
	local name=$1 c
	for c in $(cat /proc/"$IT_VIGILD_PID"/task/*/children 2>/dev/null); do
		if [ "$(cat /proc/"$c"/comm 2>/dev/null)" = "$name" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# One field of /proc/PID/status, tabs squeezed to single spaces.
it_status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }' /proc/"$1"/status
}

it_vigil() { "$VIGIL_BUILD/vigil" -c "$IT/rc" "$@"; }

# ---- the web interface ----------------------------------------------------

# it_form MODE PAGE ARGS...: read an HTML page, find a form, print its
# action URL on the first line and an urlencoded POST body on the second.
#   login PAGE USER PASSWORD     the form with a password field
#   action PAGE SERVICE ACTION   the POST form acting on SERVICE with ACTION
#   token PAGE                   "name=value" of the page's CSRF field
# The tests follow the page's own forms, so they do not hard-code field names.
it_form() {
	python3 - "$@" <<'PY'
import sys, html.parser, urllib.parse

mode, page = sys.argv[1], sys.argv[2]
args = sys.argv[3:]

class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.cur, self.select = [], None, None
        self.loose = []  # csrf-looking fields outside any form, meta tags
    def handle_starttag(self, tag, attrs):
        a = {k: (v or '') for k, v in attrs}
        if tag == 'meta' and 'csrf' in a.get('name', '').lower():
            self.loose.append((a.get('name'), a.get('content', '')))
        if tag == 'form':
            self.cur = {'action': a.get('action', ''),
                        'method': (a.get('method') or 'get').lower(),
                        'hidden': [], 'buttons': [], 'pw': None, 'text': None}
            self.forms.append(self.cur)
            return
        if tag in ('input', 'button'):
            t = (a.get('type') or ('submit' if tag == 'button' else 'text')).lower()
            n, v = a.get('name'), a.get('value', '')
            if not n:
                return
            if self.cur is None:
                if t == 'hidden' and 'csrf' in n.lower():
                    self.loose.append((n, v))
                return
            if t == 'password':
                self.cur['pw'] = n
            elif t in ('submit', 'button', 'image'):
                self.cur['buttons'].append((n, v))
            elif t == 'hidden':
                self.cur['hidden'].append((n, v))
            elif t in ('text', 'email', 'username'):
                self.cur['text'] = n
        if tag == 'select' and self.cur is not None:
            self.select = a.get('name')
        if tag == 'option' and self.cur is not None and self.select:
            self.cur['buttons'].append((self.select, a.get('value', '')))
    def handle_endtag(self, tag):
        if tag == 'form':
            self.cur = None
        if tag == 'select':
            self.select = None

p = Forms()
p.feed(open(page, encoding='utf-8', errors='replace').read())
enc = urllib.parse.urlencode

def csrf_fields(f):
    return [(n, v) for n, v in f['hidden'] if 'csrf' in n.lower() or 'token' in n.lower()]

if mode == 'login':
    for f in p.forms:
        if f['pw']:
            body = list(f['hidden']) + [(f['text'] or 'user', args[0]), (f['pw'], args[1])]
            print(f['action'] or '/login')
            print(enc(body))
            sys.exit(0)
    sys.exit('no login form on the page')
elif mode == 'action':
    service, action = args[0], args[1]
    for f in p.forms:
        if f['method'] != 'post':
            continue
        names_service = service in [v for _, v in f['hidden']] or \
            ('/' + service) in f['action'] or ('=' + service) in f['action']
        act = [(n, v) for n, v in f['buttons'] if v == action]
        act_hidden = action in [v for _, v in f['hidden']] or action in f['action']
        if names_service and (act or act_hidden):
            print(f['action'])
            print(enc(list(f['hidden']) + act[:1]))
            sys.exit(0)
    sys.exit('no form for %s %s on the page' % (action, service))
elif mode == 'token':
    for f in p.forms:
        for n, v in csrf_fields(f):
            print(enc([(n, v)]))
            sys.exit(0)
    for n, v in p.loose:
        print(enc([(n, v)]))
        sys.exit(0)
    sys.exit('no CSRF field on the page')
PY
}

# Replace (or drop, with an empty VALUE) the CSRF field of an urlencoded body.
it_body_set_csrf() {
	python3 - "$1" "$2" <<'PY'
import sys, urllib.parse
body = urllib.parse.parse_qsl(sys.argv[1], keep_blank_values=True)
tok = urllib.parse.parse_qsl(sys.argv[2], keep_blank_values=True)
out = [(n, v) for n, v in body if 'csrf' not in n.lower() and 'token' not in n.lower()]
print(urllib.parse.urlencode(out + tok))
PY
}

# curl against the test's web interface; prints the body, HTTP code in
# $IT/http_code.  $1: cookie jar ('' for none), rest: curl arguments.
it_curl() {
	local jar=$1; shift
	local cj=()
	[ -n "$jar" ] && cj=(-b "$jar" -c "$jar")
	curl -sS --max-time 10 "${cj[@]}" -o "$IT/http_body" -w '%{http_code}' \
		"$@" > "$IT/http_code"
	cat "$IT/http_body"
}

it_http_code() { cat "$IT/http_code"; }
