#!/usr/bin/env bats
# The manual's TESTS rows on real objects: a log file that grows, pattern
# files, a tmpfs that is remounted read-only.  Every rule execs mark.sh,
# which records "$MONIT_SERVICE|$MONIT_EVENT|$MONIT_DESCRIPTION" per line.

load helpers

setup() {
	it_require_root
	it_init
	cat > "$IT/mark.sh" <<'SH'
#!/bin/sh
echo "$MONIT_SERVICE|$MONIT_EVENT|$MONIT_DESCRIPTION" >> "$(dirname "$0")/marks"
SH
	chmod 0755 "$IT/mark.sh"
	: > "$IT/marks"
	chmod 0644 "$IT/marks"
	MARK="exec \"$IT/mark.sh\""
	export MARK
	CK_MOUNTS=
}

teardown() {
	it_stop
	local mp
	for mp in $CK_MOUNTS; do
		umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
	done
	it_cleanup
}

# ck_start BODY: a control file with a 1 s cycle and BODY, then the daemon.
ck_start() {
	umask 077
	cat > "$IT/rc" <<RC
set daemon 1
set statefile $IT/run/vigil.state
set pidfile $IT/run/vigild.pid
set control socket $IT_SOCK
set privsep chroot $IT/empty

$1
RC
	umask 022
	"$VIGIL_BUILD/vigil" -c "$IT/rc" -I >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	export IT_VIGILD_PID
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	it_wait 15 test -S "$IT_SOCK" || { cat "$IT/vigild.log" >&2; return 1; }
	# the first cycle has run when the status says so
	it_wait 15 eval "it_vigil status 2>/dev/null | grep -q 'monitoring status'" || true
}

marked() { grep -q -- "$1" "$IT/marks"; }

# Wait until a mark matching $1 appears (at most $2 seconds, default 15).
wait_mark() {
	it_wait "${2:-15}" marked "$1" || {
		echo "no mark '$1'; marks:" >&2; cat "$IT/marks" >&2
		echo "vigild log:" >&2; tail -20 "$IT/vigild.log" >&2
		return 1
	}
}

@test "content: the seed's SSH login watch with a whitelist file (ignore match FILE)" {
	printf 'from 10\\.0\\.0\\.1 \n\nfrom 192\\.168\\.[0-9.]+ \n' > "$IT/whitelist_ips.regex"
	: > "$IT/auth.log"
	ck_start "check file ssh_logins with path $IT/auth.log
  ignore match \"$IT/whitelist_ips.regex\"
  if content = \"Accepted\" then $MARK"
	sleep 2.5	# let the first cycles pass: the file's old content is skipped
	echo "sshd[1]: Accepted publickey for ops from 10.0.0.1 port 5000 ssh2" >> "$IT/auth.log"
	echo "sshd[2]: Accepted publickey for ops from 192.168.4.20 port 5001 ssh2" >> "$IT/auth.log"
	sleep 3
	! marked "ssh_logins|Content failed"
	echo "sshd[3]: Accepted publickey for eve from 203.0.113.9 port 6666 ssh2" >> "$IT/auth.log"
	wait_mark "ssh_logins|Content failed|.*203.0.113.9"
	! grep -q "10.0.0.1\|192.168.4.20" "$IT/marks"
}

@test "content: ignore content = \"...\" and if match FILE act as the manual says" {
	printf 'ERROR\nFATAL\n' > "$IT/active.regex"
	: > "$IT/app.log"
	ck_start "check file applog with path $IT/app.log
  ignore content = \"healthcheck\"
  if match $IT/active.regex then $MARK"
	sleep 2.5
	echo "ERROR from healthcheck probe" >> "$IT/app.log"
	echo "ok line" >> "$IT/app.log"
	sleep 3
	! marked "applog|Content failed"
	echo "FATAL disk on fire" >> "$IT/app.log"
	wait_mark "applog|Content failed|.*disk on fire"
}

@test "content: a pattern file with a bad pattern is refused with its file and line" {
	printf 'fine\nbro(ken\n' > "$IT/bad.regex"
	printf 'set daemon 1\ncheck file f with path /etc/hosts\n  if match %s then alert\n' \
	    "$IT/bad.regex" > "$IT/badrc"
	chmod 0600 "$IT/badrc"
	run "$VIGIL_BUILD/vigil" -t -c "$IT/badrc"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.regex:2"* ]]
}
