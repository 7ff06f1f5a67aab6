#!/usr/bin/env bats
# The mail server's name is resolved without blocking the monitor's loop
# (monitor/alert/resolve.c): with a nameserver that answers 20 s late (and
# resolv.conf allowing 30 s, which a blocking getaddrinfo would wait), a
# killed process is still back within 2 s, and the mail goes out once the
# answer came.  The daemon runs in its own mount namespace with the test's
# resolv.conf bound over /etc/resolv.conf; the nameserver listens on a
# random 127.x.y.z address of the loopback.

load helpers

PY=/usr/bin/python3	# Debian's, where python3-aiosmtpd lives

setup() {
	it_require_root
	"$PY" -c 'import aiosmtpd' 2>/dev/null || it_need "python3-aiosmtpd"
	command -v unshare >/dev/null || it_need "unshare (util-linux)"
	it_init
	PIDS=()
}

teardown() {
	local p
	it_cleanup_keep_log
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] || continue
		kill -TERM "$p" 2>/dev/null || true
		it_wait 10 eval "! kill -0 $p 2>/dev/null" || kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -z "${IT:-}" ] || rm -rf "$IT"
	it_sanitizer_check
}

it_cleanup_keep_log() { it_stop; }

# The daemon as it_start runs it, but seeing $IT/resolv.conf.
start_with_resolv_conf() {
	unshare -m --propagation private sh -c \
	    'mount --bind "$1/resolv.conf" /etc/resolv.conf && exec "$2/vigil" -c "$1/rc" -I' \
	    sh "$IT" "$VIGIL_BUILD" >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	it_wait 15 test -S "$IT_SOCK" || { cat "$IT/vigild.log" >&2; return 1; }
	it_wait 15 it_demo_running || { cat "$IT/vigild.log" >&2; return 1; }
}

# Poll every 50 ms for a live demo pid other than $1, at most 2 s.
back_within_2s() {
	local old=$1 start now pid
	start=$(date +%s%N)
	while :; do
		pid=$(it_demo_pid 2>/dev/null || true)
		now=$(date +%s%N)
		if [ -n "$pid" ] && [ "$pid" != "$old" ]; then
			echo "back as pid $pid after $(((now - start) / 1000000)) ms"
			return 0
		fi
		if [ $((now - start)) -ge 2000000000 ]; then
			echo "not back after 2 s; vigild's log:"
			cat "$IT/vigild.log"
			return 1
		fi
		sleep 0.05
	done
}

@test "a nameserver answering 20 s late delays no restart; the mail goes out after" {
	ns=127.$((RANDOM % 200 + 20)).$((RANDOM % 200 + 20)).$((RANDOM % 200 + 20))
	mkdir "$IT/dns" "$IT/mail"
	"$PY" "$BATS_TEST_DIRNAME/slow_dns.py" "$ns" 20 "$IT/dns" >"$IT/dns.log" 2>&1 &
	PIDS+=("$!")
	it_wait 20 test -f "$IT/dns/ready" || { cat "$IT/dns.log" >&2; return 1; }
	port=$(it_free_port)
	"$PY" "$BATS_TEST_DIRNAME/smtp_sink.py" "$IT/mail" "$port" >"$IT/mail.log" 2>&1 &
	PIDS+=("$!")
	it_wait 20 test -f "$IT/mail/ready" || { cat "$IT/mail.log" >&2; return 1; }
	printf 'nameserver %s\noptions timeout:30 attempts:1\n' "$ns" > "$IT/resolv.conf"
	it_write_rc "
set mailserver mail.vigil-test.invalid port $port with timeout 60 seconds
set alert ops@example.com
"
	start_with_resolv_conf
	# the start-up mail ("instance changed") is resolving its server now
	it_wait 20 grep -q "^mail.vigil-test.invalid 1$" "$IT/dns/queries"
	[ ! -f "$IT/dns/answered" ]
	old=$(it_demo_pid)
	kill -KILL "$old"
	back_within_2s "$old"
	# still unanswered: the restart did not wait for the name
	[ ! -f "$IT/dns/answered" ]
	# once the answer came (127.0.0.1), the mails reach the server
	it_wait 90 eval 'ls "$IT"/mail/*.eml >/dev/null 2>&1 && grep -l "Does not exist" "$IT"/mail/*.eml'
}
