#!/usr/bin/env bats
# Resource exhaustion: a slowloris client and idle connections from many
# loopback addresses (1,000 connections, reopened as soon as the server
# closes them) do not keep a legitimate user out, nor the monitor from
# restarting a killed service.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	command -v python3 >/dev/null || it_need "needs python3"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
	LORIS_PID=
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

teardown() {
	if [ -n "${LORIS_PID:-}" ]; then
		kill -TERM "$LORIS_PID" 2>/dev/null || true
		wait "$LORIS_PID" 2>/dev/null || true
	fi
	it_sanitizer_check
}

# login JAR: the login page's own form, then the status page; succeeds when
# the status page lists the demo.  Every request has a generous bound.
login_and_status() {
	local jar=$1 form
	rm -f "$jar"
	curl -sS --max-time 20 -b "$jar" -c "$jar" -L "$IT_URL/" > "$IT/login.html" || return 1
	form=$(it_form login "$IT/login.html" admin admin-pw) || return 1
	curl -sS --max-time 20 -b "$jar" -c "$jar" -o /dev/null -X POST \
		--data "$(sed -n 2p <<<"$form")" "$IT_URL$(sed -n 1p <<<"$form")" || return 1
	curl -sS --max-time 20 -b "$jar" -c "$jar" -L "$IT_URL/" > "$IT/status.html" || return 1
	grep -q 'href="/service/demo"' "$IT/status.html"
}

loris_connects() { awk '{ print $4 }' "$IT/loris.status" 2>/dev/null || echo 0; }

@test "1,000 slowloris and idle connections: logins, status pages and restarts go on" {
	python3 "$IT_REPO/tests/integration/slowloris.py" 127.0.0.1 "$IT_PORT" 120 1000 20 \
		"$IT/loris.status" &
	LORIS_PID=$!
	# The attack is on: the client holds its connections.
	it_wait 30 eval '[ "$(loris_connects)" -ge 1000 ]'
	sleep 2
	cat "$IT/loris.status"

	local ok=0 i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if login_and_status "$IT/jar.$i"; then
			ok=$((ok + 1))
		fi
	done
	echo "served $ok of 10 logins with status pages during the attack"
	cat "$IT/loris.status"
	[ "$ok" -eq 10 ]

	# The monitor's cycle is untouched: a killed demo comes back.
	local old new
	old=$(it_demo_pid)
	kill -KILL "$old"
	it_wait 30 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != "$old" ]'
	new=$(it_demo_pid)
	echo "demo restarted: $old -> $new"

	# The attack was live all along.
	it_alive "$LORIS_PID"
	grep -q "ended for room" "$IT/vigild.log"
}
