#!/usr/bin/env bats
# Whom the CLI talks to.
#  finding 5: a wrong `-c FILE` fell back to the default socket and acted on
#             the production daemon;
#  finding 4: the CLI sent its request to whoever listened on the socket path.
# A fake daemon (python, SOCK_SEQPACKET) records every byte it is sent; the
# attacker is an unprivileged user this file creates.

load helpers

setup_file() {
	it_require_root
	command -v unshare >/dev/null || it_need "unshare (util-linux)"
	ATK=vigilatk$$
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		--user-group "$ATK" || it_need "cannot create the attacker user $ATK"
	export ATK
	it_init
	it_write_rc
	it_start
}

teardown_file() {
	it_cleanup
	userdel "$ATK" 2>/dev/null || true
	groupdel "$ATK" 2>/dev/null || true
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

# fake_daemon SOCKET RECORD [USER]: listen on SOCKET (bound as root, then
# listening as USER so SO_PEERCRED names USER), write "connected" and every
# byte received to RECORD.  Prints its pid after the socket exists.
fake_daemon() {
	python3 - "$@" <<'PY' &
import os, pwd, socket, sys
path, record = sys.argv[1], sys.argv[2]
user = sys.argv[3] if len(sys.argv) > 3 else None
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(path)
os.chmod(path, 0o666)
if user:
    pw = pwd.getpwnam(user)
    os.setgroups([])
    os.setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid)
    os.setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid)
s.listen(4)
s.settimeout(30)
try:
    c, _ = s.accept()
except socket.timeout:
    sys.exit(0)
with open(record, "a") as f:
    f.write("connected\n")
c.settimeout(3)
n = 0
try:
    while True:
        b = c.recv(65536)
        if not b:
            break
        n += len(b)
except socket.timeout:
    pass
with open(record, "a") as f:
    f.write("bytes %d\n" % n)
PY
	FAKE_PID=$!
	it_wait 10 test -S "$1"
}

stop_fake() {
	kill "$FAKE_PID" 2>/dev/null || true
	wait "$FAKE_PID" 2>/dev/null || true
}

@test "finding 5: vigil -c MISSING stop all shows why and contacts no daemon" {
	# The default socket, in a private mount namespace, served by a fake
	# "production" daemon that records whether anyone talks to it.
	local rec="$IT/default.rec"
	run unshare -m bash -c '
		mount -t tmpfs vigiltest /run && mkdir -m 0755 /run/vigil || exit 99
		'"$(declare -f fake_daemon it_wait)"'
		fake_daemon /run/vigil/control.sock "'"$rec"'"
		"'"$VIGIL_BUILD"'/vigil" -c "'"$IT"'/no-such-rc" stop all
		rc=$?
		sleep 1
		kill $FAKE_PID 2>/dev/null; wait $FAKE_PID 2>/dev/null
		exit $rc'
	echo "$output"
	cat "$rec" 2>/dev/null || true
	[ "$status" -ne 0 ] && [ "$status" -ne 99 ]
	[[ "$output" == *"no-such-rc"* ]]
	[[ "$output" == *"nothing was sent"* ]]
	[ ! -s "$rec" ]
}

@test "finding 5: vigil -c BAD (a syntax error) prints the error and acts on nothing" {
	cp "$IT/rc" "$IT/bad.rc"
	echo "check process oops with pidfil /x" >> "$IT/bad.rc"
	chmod 0600 "$IT/bad.rc"
	run "$VIGIL_BUILD/vigil" -c "$IT/bad.rc" --socket "$IT_SOCK" unmonitor demo
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.rc:"*"error"* ]]
	run it_vigil status demo
	[[ "$output" == *"onitored"* ]]
	[[ "$output" != *"ot monitored"* ]]
}

@test "finding 4: vigil refuses a socket served by another user and sends it nothing" {
	local d="$IT/peer" rec="$IT/peer.rec"
	mkdir -m 0755 "$d"
	fake_daemon "$d/ctl.sock" "$rec" "$ATK"
	run "$VIGIL_BUILD/vigil" --socket "$d/ctl.sock" stop demo
	sleep 0.5
	stop_fake
	echo "$output"
	cat "$rec" || true
	[ "$status" -ne 0 ]
	[[ "$output" == *"served by uid $(id -u "$ATK")"* ]]
	! grep -q '^bytes [1-9]' "$rec" || false
}

@test "finding 4: vigil refuses a socket in a directory another user owns" {
	local d="$IT/atkdir" rec="$IT/atkdir.rec"
	mkdir -m 0755 "$d"
	chown "$ATK:$ATK" "$d"
	fake_daemon "$d/ctl.sock" "$rec"
	run "$VIGIL_BUILD/vigil" --socket "$d/ctl.sock" status
	stop_fake
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$d is owned by uid $(id -u "$ATK")"* ]]
	[ ! -s "$rec" ]
}

@test "finding 4: vigil refuses a socket in a directory others can write (even sticky)" {
	local d="$IT/open" rec="$IT/open.rec" mode
	mkdir "$d"
	for mode in 0777 1777; do
		chmod "$mode" "$d"
		rm -f "$d/ctl.sock" "$rec"
		fake_daemon "$d/ctl.sock" "$rec"
		run "$VIGIL_BUILD/vigil" --socket "$d/ctl.sock" status
		stop_fake
		echo "$mode: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"$d is writable by others"* ]]
		[ ! -s "$rec" ]
	done
}

# hold_idle USER N SECONDS: as USER, keep N idle connections to the control
# socket open, reopening any the daemon closes; count the closes in $IT/held.
hold_idle() {
	: > "$IT/held"
	chown "$1" "$IT/held"
	setpriv --reuid="$1" --regid="$1" --clear-groups /usr/bin/python3 - "$IT_SOCK" "$2" "$3" "$IT/held" <<'PY' &
import socket, sys, time
path, n, secs, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
conns, closed = [], 0
def dial():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.setblocking(False)
    try:
        s.connect(path)
    except (BlockingIOError, InterruptedError):
        pass
    except OSError:
        s.close()
        return None
    return s
end = time.time() + secs
while time.time() < end:
    conns = [c for c in conns if c is not None]
    for c in list(conns):
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    raise ConnectionResetError
        except BlockingIOError:
            continue
        except OSError:
            closed += 1
            c.close()
            conns.remove(c)
    while len(conns) < n:
        conns.append(dial())
        if conns[-1] is None:
            conns.pop()
            break
    with open(out, "w") as f:
        f.write("%d\n" % closed)
    time.sleep(0.05)
PY
	HOLD_PID=$!
}

@test "finding 3: 40 idle connections of a user who is not allowed do not lock root out" {
	hold_idle "$ATK" 40 40
	it_wait 10 test -s "$IT/held"
	sleep 1
	run timeout 30 "$VIGIL_BUILD/vigil" -c "$IT/rc" status demo
	local held
	held=$(cat "$IT/held")
	kill "$HOLD_PID" 2>/dev/null || true
	wait "$HOLD_PID" 2>/dev/null || true
	echo "$output"
	echo "attacker connections closed by the daemon: $held"
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
	# refused at once, not after the 10 s idle timeout
	[ "$held" -ge 40 ]
}

@test "finding 4: the real monitor's socket is accepted" {
	run it_vigil status demo
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *demo* ]]
}
