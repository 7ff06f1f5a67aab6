#!/usr/bin/env bats
# Alert mail against a real SMTP server (aiosmtpd, tests/integration/
# smtp_sink.py) on free loopback ports: formats, filters, failover, TLS and
# AUTH, and the event queue across a stopped server and a kill -9.

load helpers

SINK="$BATS_TEST_DIRNAME/smtp_sink.py"
PY=/usr/bin/python3	# Debian's, where python3-aiosmtpd lives

setup() {
	it_require_root
	"$PY" -c 'import aiosmtpd' 2>/dev/null || it_need "python3-aiosmtpd"
	it_init
	SINK_PIDS=()
}

teardown() {
	it_cleanup_sinks
	it_cleanup
}

it_cleanup_sinks() {
	local p
	for p in "${SINK_PIDS[@]:-}"; do
		[ -n "$p" ] || continue
		kill -TERM "$p" 2>/dev/null || true
		it_wait 10 eval "! kill -0 $p 2>/dev/null" || kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	SINK_PIDS=()
}

# sink_start DIR PORT [ARGS]: a mail sink; waits until it listens.
sink_start() {
	local dir=$1 port=$2; shift 2
	mkdir -p "$dir"
	rm -f "$dir/ready"
	"$PY" "$SINK" "$dir" "$port" "$@" >"$dir.log" 2>&1 &
	SINK_PIDS+=("$!")
	SINK_LAST=$!
	it_wait 20 test -f "$dir/ready" || { cat "$dir.log" >&2; return 1; }
}

sink_stop() {
	local p=$1 i
	kill -TERM "$p" 2>/dev/null || true
	it_wait 10 eval "! kill -0 $p 2>/dev/null" || kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	for i in "${!SINK_PIDS[@]}"; do
		[ "${SINK_PIDS[$i]}" != "$p" ] || unset 'SINK_PIDS[i]'
	done
}

# mail_count DIR [PATTERN]: messages received (whose text matches PATTERN).
mail_count() {
	local dir=$1 pat=${2:-} n=0 f
	for f in "$dir"/*.eml; do
		[ -f "$f" ] || continue
		if [ -z "$pat" ] || grep -q -- "$pat" "$f"; then n=$((n + 1)); fi
	done
	echo "$n"
}

mail_at_least() { [ "$(mail_count "$1" "${3:-}")" -ge "$2" ]; }

kill_demo() {
	local pid
	pid=$(it_demo_pid)
	kill -KILL "$pid"
	it_wait 20 eval "! it_alive $pid"
}

@test "a process failure sends a mail in the configured format that the server received" {
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set mailserver 127.0.0.1 port $port
set mail-format {
  from: Vigil <vigil@test.example>
  subject: [\$SERVICE] \$EVENT
  message: \$EVENT on \$HOST: \$DESCRIPTION (\$ACTION) at \$DATE.
}
set alert ops@example.com but not on { instance }
"
	it_start
	kill_demo
	it_wait 60 mail_at_least "$IT/mail" 1 "Subject: \[demo\] Does not exist"
	f=$(grep -l "Subject: \[demo\] Does not exist" "$IT/mail"/*.eml | head -1)
	cat "$f"
	grep -q "^From: Vigil <vigil@test.example>" "$f"
	grep -q "^To: ops@example.com" "$f"
	grep -q "^Date: " "$f"
	grep -q "Does not exist on $(hostname): .*(restart) at " "$f"
	grep -q "^from vigil@test.example" "${f%.eml}.env"
	grep -q "^to ops@example.com" "${f%.eml}.env"
	# the recovery mail follows once the restart brought it back
	it_wait 60 mail_at_least "$IT/mail" 1 "Subject: \[demo\] Exists"
	# the instance event was filtered out
	[ "$(mail_count "$IT/mail" "instance changed")" = 0 ]
}
