#!/usr/bin/env bats
# `vigil validate` checks every service now, not at the next cycle.  A
# connection test is re-run only by a cycle (no inotify or pidfd triggers
# it), and the cycle is 30 s: only validate can notice the port open.

load helpers

setup_file() {
	it_require_root
	it_init
	PROBE_PORT=$(it_free_port)
	export PROBE_PORT
	it_write_rc "
check host probe with address 127.0.0.1
    if failed port $PROBE_PORT type tcp with timeout 2 seconds then alert
"
	it_start
}

teardown_file() {
	[ -z "${LISTENER:-}" ] || kill "$LISTENER" 2>/dev/null || true
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "vigil validate: a port that opened is seen at once (set daemon 30)" {
	it_wait 10 grep -q "service 'probe'.*[Cc]onnection failed" "$IT/vigild.log"
	python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
time.sleep(60)' "$PROBE_PORT" &
	LISTENER=$!
	export LISTENER
	it_wait 5 python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PROBE_PORT"
	run it_vigil validate
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 3 grep -q "service 'probe'.*[Cc]onnection succeeded" "$IT/vigild.log" || { cat "$IT/vigild.log"; false; }
	kill "$LISTENER"
}
