#!/usr/bin/env bats
# `set logfile syslog facility ...`: what a syslog receiver gets.  vigild
# runs in a mount namespace of its own whose /dev/log is the test's
# receiver (tests/integration/syslog_sink.py), so nothing reaches the
# machine's syslog and no daemon is needed.

load helpers

setup() {
	it_require_root
	command -v unshare >/dev/null || it_need "unshare (util-linux)"
	it_init
	SYSLOG_PID=
}

teardown() {
	it_cleanup
	if [ -n "$SYSLOG_PID" ]; then
		kill -TERM "$SYSLOG_PID" 2>/dev/null || true
		wait "$SYSLOG_PID" 2>/dev/null || true
	fi
	it_sanitizer_check
}

# vigild with /dev/log -> $IT/log.sock: /dev becomes a tmpfs of links to
# the real nodes (kept at $IT/hostdev), plus log.
start_with_syslog() {
	python3 "$BATS_TEST_DIRNAME/syslog_sink.py" "$IT/log.sock" "$IT/syslog" &
	SYSLOG_PID=$!
	it_wait 20 test -f "$IT/syslog.ready"
	mkdir "$IT/hostdev"
	unshare -m --propagation private bash -c '
		set -e
		mount --rbind /dev "$IT/hostdev"
		mount -t tmpfs -o mode=0755 vigil-test-dev /dev
		for f in "$IT"/hostdev/* "$IT"/hostdev/.[!.]*; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			ln -s "$f" "/dev/${f##*/}"
		done
		ln -s "$IT/log.sock" /dev/log
		exec "$VIGIL_BUILD/vigil" -c "$IT/rc" -I' >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	export IT_VIGILD_PID
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	it_wait 30 test -S "$IT_SOCK" || { cat "$IT/vigild.log" >&2; return 1; }
}

# syslog_has PRI PATTERN: a datagram with priority PRI whose text matches.
syslog_has() { grep -E -q "^<$1>.*$2" "$IT/syslog"; }

@test "set logfile syslog facility log_local0: Monit's priorities, failures at error, no file-log prefix" {
	it_write_rc "
set logfile syslog facility log_local0
check file missing with path $IT/does-not-exist
    if does not exist then alert
"
	start_with_syslog
	# local0 = 16: error 16*8+3 = 131, info 134
	it_wait 60 syslog_has 131 "vigil\\[[0-9]+\\]: monitor: service 'missing': Does not exist"
	syslog_has 134 "vigil\\[[0-9]+\\]: privd: "
	# the lines from before the log was configured came as syslog lines too:
	# nothing carries the file log's "[date] proc: level:" prefix
	[ "$(wc -l < "$IT/syslog")" -ge 3 ]
	[ "$(grep -E -c '\[[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$IT/syslog")" = 0 ]
	[ "$(grep -E -c '\]: [a-z]+: (info|warning|error): ' "$IT/syslog")" = 0 ]
	# every line at facility local0 (priorities 128..135)
	[ "$(grep -E -v -c '^<13[0-5]>' "$IT/syslog")" = 0 ]
	# and the first two (privd's start-up lines) in particular
	head -2 "$IT/syslog" | grep -E -q '^<13[0-9]>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} vigil\[[0-9]+\]: privd: '
}
