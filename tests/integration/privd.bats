#!/usr/bin/env bats
# vigild (privd) against a scripted monitor (tests/helpers/fake_monitor),
# run as root.  The fake monitor reads its scenario from the -c file and
# appends its pid to $T/pids on every start, so a restart shows as a new line.

B="${VIGIL_BUILD:-$(cd "$(dirname "$BATS_TEST_FILENAME")/../.." && pwd)/build}"
FAKE="$B/tests/helpers/fake_monitor"

# A missing prerequisite fails: a skip would hide a broken set-up.
it_need() {
	echo "prerequisite missing: $*" >&2
	return 1
}

load sanitizer

setup() {
	[ "$(id -u)" -eq 0 ] || it_need "needs root"
	[ -x "$B/vigild" ] && [ -x "$FAKE" ] || it_need "build vigild and tests/helpers first"
	# Under /tmp (root-owned, sticky) a root-owned 0755 directory: the
	# sealed table's parent-directory check accepts it.
	T=$(mktemp -d /tmp/privd-bats.XXXXXX)
	chmod 0755 "$T"
	VPID=
}

teardown() {
	if [ -n "$VPID" ] && kill -0 "$VPID" 2>/dev/null; then
		kill -TERM "$VPID" 2>/dev/null || true
		for _ in $(seq 1 70); do kill -0 "$VPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$VPID" 2>/dev/null || true
	fi
	if [ -f "$T/pids" ]; then
		while read -r p; do kill -KILL "$p" 2>/dev/null || true; done < "$T/pids"
	fi
	rm -rf "$T"
	it_sanitizer_check
}

# control file for the fake monitor: scenario NAME, then extra "key value" lines
control() {
	local sc=$1; shift
	{ echo "scenario $sc"; echo "dir $T"; for l in "$@"; do echo "$l"; done; } > "$T/ctl"
}

start_vigild() {
	"$B/vigild" -c "$T/ctl" -I --monitor-binary "$FAKE" "$@" 2>"$T/stderr" &
	VPID=$!
}

# wait_for CMD...: up to 10 s
wait_for() {
	for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	return 1
}
has_file() { [ -s "$1" ]; }
npids() { [ -f "$T/pids" ] && [ "$(wc -l < "$T/pids")" -ge "$1" ]; }
log_has() { grep -qF -- "$1" "$T/vigil.log" 2>/dev/null; }
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# A violation: logged, the monitor killed and a new one started.
assert_violation_restart() {
	wait_for npids 2 || { cat "$T/stderr"; false; }
	local first second
	first=$(sed -n 1p "$T/pids")
	second=$(sed -n 2p "$T/pids")
	[ "$first" != "$second" ]
	pid_gone "$first"
	wait_for log_has "$1" || { cat "$T/vigil.log"; false; }
	grep -qF "monitor (pid $first) killed by SIGKILL" "$T/vigil.log"
}

@test "RUN with an unknown id: violation logged, monitor killed and restarted" {
	control run_unknown_id "prog1 /bin/echo hi"
	start_vigild
	assert_violation_restart "monitor: RUN: unknown entry id 99; killing it"
	[ ! -e "$T/run99" ]
}

@test "RUN before SEAL: violation logged, monitor killed and restarted" {
	control run_before_seal
	start_vigild
	assert_violation_restart "monitor: not allowed in this state"
	[ ! -e "$T/sealed" ]
}

@test "ACTION_ADD (a command string) after SEAL: violation, kill, restart" {
	control action_add_after_seal "prog1 /bin/echo hi"
	start_vigild
	assert_violation_restart "monitor: not allowed in this state"
}

@test "bad magic, SEAL count mismatch, relative path, duplicate id: each a violation" {
	for sc in bad_magic seal_mismatch relative_path duplicate_id; do
		rm -f "$T/pids" "$T/vigil.log"
		control "$sc"
		start_vigild
		case $sc in
		bad_magic) msg="monitor: bad magic:" ;;
		seal_mismatch) msg="monitor: SEAL: count 2 but 1 entries received; killing it" ;;
		relative_path) msg="monitor: ACTION_ADD: entry 1: program 'bin/echo' is not an absolute path; killing it" ;;
		duplicate_id) msg="monitor: ACTION_ADD: entry id 1 out of order (expected 2); killing it" ;;
		esac
		assert_violation_restart "$msg"
		# (the same refusal twice before SEAL stops vigild by itself)
		kill -TERM "$VPID" 2>/dev/null || true
		wait "$VPID" || true
	done
}

@test "garbage from the monitor: each time a violation, a kill, a restart; vigild lives" {
	control garbage
	start_vigild
	wait_for npids 3 || { cat "$T/vigil.log"; false; }
	kill -0 "$VPID"
	n=$(grep -c "; killing it$" "$T/vigil.log")
	[ "$n" -ge 2 ]
	# no message was acted upon
	! grep -q "RUN .* started\|sealed table" "$T/vigil.log"
}

@test "a good RUN returns the program's output and the MONIT_* environment" {
	cat > "$T/prog.sh" <<'EOF'
#!/bin/sh
echo "service=$MONIT_SERVICE"
echo "event=$MONIT_EVENT"
echo "description=$MONIT_DESCRIPTION"
echo "host=$MONIT_HOST date=$MONIT_DATE"
echo "pid=$MONIT_PROCESS_PID mem=$MONIT_PROCESS_MEMORY children=$MONIT_PROCESS_CHILDREN cpu=$MONIT_PROCESS_CPU_PERCENT"
echo "path=$PATH"
echo "nenv=$(env | grep -vc '^MONIT_\|^PATH=\|^PWD=\|^SHLVL=\|^_=')"
echo "cwd=$(pwd) sid=$(ps -o sid= -p $$ | tr -d ' ') pid=$$"
for fd in /proc/$$/fd/*; do echo "fd ${fd##*/} $(readlink $fd)"; done
echo to-stderr >&2
exit 7
EOF
	chmod 0755 "$T/prog.sh"
	control normal "prog1 $T/prog.sh"
	start_vigild
	wait_for has_file "$T/done" || { cat "$T/stderr"; false; }
	cat "$T/run1"
	grep -q "spawned=1 timed_out=0 status=7" "$T/run1"
	grep -qx "service=webserver" "$T/run1"		# control byte stripped
	grep -qx "event=Does not exist" "$T/run1"
	grep -qx "description=process is not runningforged line" "$T/run1"
	grep -qx "host=testhost date=Sat, 21 Nov 2026 11:00:00" "$T/run1"
	grep -qx "pid=4242 mem=1024 children=2 cpu=12.5" "$T/run1"
	grep -qx "path=/bin:/usr/bin:/sbin:/usr/sbin" "$T/run1"
	grep -qx "nenv=0" "$T/run1"
	grep -qx "to-stderr" "$T/run1"
	# own session (sid = its pid), cwd /, only fds 0-2 (+ the one ls opens)
	line=$(grep '^cwd=' "$T/run1")
	[ "${line%% *}" = "cwd=/" ]
	sid=$(echo "$line" | sed 's/.*sid=\([0-9]*\).*/\1/'); pid=${line##*pid=}
	[ "$sid" = "$pid" ]
	# nothing of privd's leaks in: no socket, epoll, signalfd, timer, log
	grep -q "^fd 0 /dev/null$" "$T/run1"
	grep -q "^fd 2 pipe:" "$T/run1"
	! grep -E "^fd ([3-9]|[1-9][0-9]+) (socket:|pipe:|anon_inode:|.*vigil.log)" "$T/run1"
	# the monitor was not disturbed
	[ "$(wc -l < "$T/pids")" -eq 1 ]
}

@test "RUN as another uid switches user" {
	printf '#!/bin/sh\necho "uid=$(id -u) gid=$(id -g)"\n' > "$T/prog.sh"
	chmod 0755 "$T/prog.sh"
	uid=$(id -u _vigil) gid=$(id -g _vigil)
	control normal "prog1 $T/prog.sh" "uid1 $uid"
	start_vigild
	wait_for has_file "$T/run1" || { cat "$T/stderr"; false; }
	grep -qx "uid=$uid gid=$gid" "$T/run1"
}

@test "a timeout kills a 'sleep 100' entry (SIGTERM to its group)" {
	control normal "prog1 /bin/echo hi" "prog2 /bin/sleep 100" "timeout2 1000"
	start_vigild
	wait_for has_file "$T/run2" || { cat "$T/stderr"; false; }
	cat "$T/run2"
	grep -q "spawned=1 timed_out=1 status=-15" "$T/run2"
	ms=$(sed 's/.*duration_ms=\([0-9]*\).*/\1/;q' "$T/run2")
	[ "$ms" -ge 1000 ] && [ "$ms" -lt 3000 ]
	grep -q "timed out after" "$T/vigil.log"
	grep -q "^req=101 id=1 spawned=1 timed_out=0 status=0" "$T/run1"
}

@test "a timed-out program ignoring SIGTERM gets SIGKILL 2 s later" {
	printf '#!/bin/sh\ntrap "" TERM\nsleep 100\n' > "$T/stubborn.sh"
	chmod 0755 "$T/stubborn.sh"
	control normal "prog1 /bin/echo hi" "prog2 $T/stubborn.sh" "timeout2 500"
	start_vigild
	wait_for has_file "$T/run2" || { cat "$T/stderr"; false; }
	cat "$T/run2"
	grep -q "spawned=1 timed_out=1 status=-9" "$T/run2"
	ms=$(sed 's/.*duration_ms=\([0-9]*\).*/\1/;q' "$T/run2")
	[ "$ms" -ge 2400 ] && [ "$ms" -lt 4000 ]
}

@test "an entry failing the file checks is disabled, not a violation" {
	printf '#!/bin/sh\necho should-not-run\n' > "$T/prog.sh"
	chmod 0775 "$T/prog.sh"	# group-writable
	control normal "prog1 $T/prog.sh"
	start_vigild
	wait_for has_file "$T/run1" || { cat "$T/stderr"; false; }
	cat "$T/run1"
	grep -q "spawned=0 timed_out=0 status=13" "$T/run1"
	grep -q "writable by group or others" "$T/run1"
	! grep -q should-not-run "$T/run1"
	grep -q "sealed table: entry 1 refused: $T/prog.sh: writable by group or others" "$T/vigil.log"
	[ "$(wc -l < "$T/pids")" -eq 1 ]
}

@test "PING to 127.0.0.1 receives replies" {
	control normal
	start_vigild
	wait_for has_file "$T/ping" || { cat "$T/stderr"; false; }
	cat "$T/ping"
	grep -q "^req=7 sent=3 received=3 .* error=0" "$T/ping"
	min=$(sed 's/.*min=\([0-9]*\).*/\1/' "$T/ping")
	max=$(sed 's/.*max=\([0-9]*\).*/\1/' "$T/ping")
	[ "$max" -ge "$min" ] && [ "$max" -lt 1000000 ]
}

@test "PROC_IO returns /proc/PID/io of another user's process unparsed, and the errno of one that cannot exist" {
	setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 60 &
	local other=$!
	control procio "iopid $other"
	start_vigild
	wait_for has_file "$T/procio" || { cat "$T/stderr"; false; }
	cat "$T/procio"
	grep -qx "req=9 n=3" "$T/procio"
	grep -qE "^0 error=0 len=[1-9][0-9]* rchar$" "$T/procio"
	grep -qE "^1 error=0 len=[1-9][0-9]* rchar$" "$T/procio"
	grep -qx "2 error=2 len=0 -" "$T/procio"
	kill "$other"
}

@test "PING without replies ends at its timeout with received=0" {
	command -v unshare >/dev/null && command -v ip >/dev/null || it_need "needs unshare and ip"
	control normal
	# a private network namespace whose loopback ignores echo requests
	unshare -n sh -c "ip link set lo up && sysctl -qw net.ipv4.icmp_echo_ignore_all=1 &&
	    exec '$B/vigild' -c '$T/ctl' -I --monitor-binary '$FAKE'" 2>"$T/stderr" &
	VPID=$!
	wait_for has_file "$T/ping" || { cat "$T/stderr"; false; }
	cat "$T/ping"
	grep -q "^req=7 sent=3 received=0 min=0 avg=0 max=0 error=0" "$T/ping"
}

@test "PING to ::1 receives replies (IPv6, when loopback has it)" {
	ip -6 addr show dev lo 2>/dev/null | grep -q '::1' || it_need "no IPv6 on lo"
	control ping6
	start_vigild
	wait_for has_file "$T/ping6" || { cat "$T/stderr"; false; }
	cat "$T/ping6"
	grep -q "^req=7 sent=3 received=3 .* error=0" "$T/ping6"
}

@test "log: own lines, the monitor's LOG and its stderr, with timestamps" {
	control normal
	start_vigild
	wait_for has_file "$T/done"
	grep -Eq '^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\] privd: info: vigild starting' "$T/vigil.log"
	grep -Eq '^\[.*\] monitor: info: fake monitor pid [0-9]+ scenario normal$' "$T/vigil.log"
	grep -Eq '^\[.*\] monitor: warning: fake_monitor stderr line$' "$T/vigil.log"
	# foreground: also on stderr
	grep -q "fake monitor pid" "$T/stderr"
	[ "$(stat -c %a "$T/vigil.log")" = 640 ]
}

@test "a child flooding the log is rate-limited, and the loss is reported" {
	control logflood
	start_vigild
	wait_for has_file "$T/done" || { cat "$T/stderr"; false; }
	wait_for log_has "monitor: info: after the flood"
	n=$(grep -c "monitor: info: flood line" "$T/vigil.log")
	[ "$n" -ge 400 ] && [ "$n" -lt 800 ]
	grep -Eq "privd: warning: monitor: [0-9]+ log lines suppressed" "$T/vigil.log"
	[ "$(wc -l < "$T/pids")" -eq 1 ]
}

@test "killing vigild with SIGKILL takes its children down (PDEATHSIG)" {
	# stubborn: the fake monitor ignores its closed channel, only
	# PDEATHSIG can end it
	control normal "stubborn 1"
	start_vigild
	wait_for has_file "$T/done"
	mon=$(sed -n 1p "$T/pids")
	kill -0 "$mon"
	kill -KILL "$VPID"
	wait "$VPID" || true
	wait_for pid_gone "$mon"
}

@test "SIGTERM ends everything, exit 0, pidfile removed" {
	control normal "stubborn 1"
	start_vigild
	wait_for has_file "$T/done"
	wait_for has_file "$T/vigild.pid"
	[ "$(cat "$T/vigild.pid")" = "$VPID" ]
	mon=$(sed -n 1p "$T/pids")
	kill -TERM "$VPID"
	rc=0; wait "$VPID" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -e "$T/vigild.pid" ]
	pid_gone "$mon"
	grep -q "vigild exiting" "$T/vigil.log"
}

@test "SIGTERM: a child ignoring SIGTERM is killed after 5 s" {
	control normal "stubborn 1" "ignore_term 1"
	start_vigild
	wait_for has_file "$T/done"
	mon=$(sed -n 1p "$T/pids")
	start=$(date +%s%N)
	kill -TERM "$VPID"
	rc=0; wait "$VPID" || rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$rc" -eq 0 ]
	[ "$ms" -ge 4500 ] && [ "$ms" -lt 8000 ]
	pid_gone "$mon"
	grep -q "monitor (pid $mon) did not stop in 5 s: SIGKILL" "$T/vigil.log"
	grep -q "monitor (pid $mon) killed by SIGKILL" "$T/vigil.log"
}

@test "a crashing monitor is restarted with growing backoff" {
	control crash
	start_vigild
	wait_for npids 2
	grep -q "monitor (pid [0-9]*) exited with code 3" "$T/vigil.log"
	grep -q "restarting the monitor in 1 s" "$T/vigil.log"
	wait_for log_has "restarting the monitor in 2 s"
}

@test "SIGHUP and CONTROL reload start a fresh monitor" {
	control reload
	start_vigild
	wait_for npids 2 || { cat "$T/stderr"; false; }
	grep -q "monitor asked to reload" "$T/vigil.log"
	kill -HUP "$VPID"
	wait_for npids 3
	wait_for log_has "SIGHUP: restarting the monitor"
	first=$(sed -n 1p "$T/pids")
	pid_gone "$first"
}

@test "CONTROL quit stops vigild" {
	control quit
	start_vigild
	rc=0; wait "$VPID" || rc=$?
	[ "$rc" -eq 0 ]
	grep -q "monitor asked to quit" "$T/vigil.log"
}

@test "CONFIG naming a missing monitor user: the 'make users' message" {
	control normal "monitor_user _vigil_missing_user"
	start_vigild
	wait_for log_has "user '_vigil_missing_user' does not exist: create the vigil users with 'make users' (or name others in 'set privsep')"
}

@test "a missing monitor user: the exact message, exit 1, nothing spawned" {
	command -v unshare >/dev/null || it_need "needs unshare"
	control normal
	grep -v '^_vigil:' /etc/passwd > "$T/passwd"
	# a private mount namespace sees a passwd without _vigil
	run unshare -m sh -c "mount --bind '$T/passwd' /etc/passwd &&
	    exec '$B/vigild' -c '$T/ctl' -I --monitor-binary '$FAKE'"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "vigild: user '_vigil' does not exist: create the vigil users with 'make users' (or name others in 'set privsep')" ]
	[ ! -e "$T/pids" ]
}

@test "--monitor-binary refuses a group-writable or non-root file" {
	control normal
	cp "$FAKE" "$T/fm"
	chmod 0775 "$T/fm"
	run "$B/vigild" -c "$T/ctl" -I --monitor-binary "$T/fm"
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing monitor binary $T/fm must be"* ]]
	chmod 0755 "$T/fm"; chown 12345 "$T/fm"
	run "$B/vigild" -c "$T/ctl" -I --monitor-binary "$T/fm"
	[ "$status" -eq 1 ]
	[ ! -e "$T/pids" ]
}

@test "without -I vigild daemonizes and writes its pidfile" {
	control normal
	run "$B/vigild" -c "$T/ctl" --monitor-binary "$FAKE"
	[ "$status" -eq 0 ]
	wait_for has_file "$T/vigild.pid"
	VPID=$(cat "$T/vigild.pid")
	kill -0 "$VPID"
	[ "$(ps -o sid= -p "$VPID" | tr -d ' ')" = "$VPID" ]
	[ "$(readlink /proc/$VPID/cwd)" = / ]
	wait_for has_file "$T/done"
	kill -TERM "$VPID"
	wait_for pid_gone "$VPID"
	[ ! -e "$T/vigild.pid" ]
}

@test "a child killed by SIGSYS is reported as seccomp, with its stderr line" {
	control sigsys
	start_vigild
	wait_for log_has "killed by SIGSYS (seccomp)" || { cat "$T/vigil.log"; false; }
	grep -q "monitor: warning: seccomp: forbidden syscall 999" "$T/vigil.log"
}

@test "output is bounded; the reply comes when the program exits though a daemon holds the pipe" {
	cat > "$T/prog.sh" <<EOF2
#!/bin/sh
head -c 100000 /dev/zero
sleep 30 &
echo \$! > $T/bgpid
exit 0
EOF2
	chmod 0755 "$T/prog.sh"
	control normal "prog1 $T/prog.sh"
	start_vigild
	wait_for has_file "$T/run1" || { cat "$T/stderr"; false; }
	kill "$(cat "$T/bgpid")" 2>/dev/null || true
	head -1 "$T/run1"
	grep -q "spawned=1 timed_out=0 status=0" "$T/run1"
	ms=$(sed 's/.*duration_ms=\([0-9]*\).*/\1/;q' "$T/run1")
	[ "$ms" -lt 2000 ]
	[ "$(tail -n +2 "$T/run1" | wc -c)" -eq 4095 ]
	[ "$(tail -n +2 "$T/run1" | tr -d '?' | wc -c)" -eq 0 ]	# NUL bytes replaced
}

@test "at most 32 programs run, 1024 wait, the rest get EAGAIN at once" {
	control flood "prog1 /bin/sleep 3"
	start_vigild
	wait_for has_file "$T/flood" || { cat "$T/stderr"; false; }
	cat "$T/flood"
	grep -qx "results=4 eagain=4" "$T/flood"
	[ "$(ps --ppid "$VPID" -o comm= | grep -c '^sleep$')" -eq 32 ]
	[ "$(wc -l < "$T/pids")" -eq 1 ]
}

# A vigild copy next to stand-in webui/auth scripts (exec_path looks beside
# the binary first).
web_setup() {
	mkdir "$T/bin"
	cp "$B/vigild" "$T/bin/vigild"
	for p in webui auth; do
		cat > "$T/bin/vigil-$p" <<EOF2
#!/bin/sh
echo "\$@" > $T/$p.args
echo \$\$ >> $T/$p.pids
for fd in 0 1 2 3 4 5; do echo "\$fd \$(readlink /proc/\$\$/fd/\$fd)"; done > $T/$p.fds
exec sleep 1000
EOF2
		chmod 0755 "$T/bin/vigil-$p"
	done
}

@test "httpd on: webui and auth spawned with their argv, fds 3-5 and channels for the monitor" {
	web_setup
	control web
	"$T/bin/vigild" -c "$T/ctl" -I --monitor-binary "$FAKE" 2>"$T/stderr" &
	VPID=$!
	wait_for has_file "$T/channels" || { cat "$T/stderr"; false; }
	wait_for has_file "$T/webui.fds"
	wait_for has_file "$T/auth.fds"
	cat "$T/channels" "$T/webui.args" "$T/auth.args" "$T/webui.fds"
	grep -qx "peer=webui seqpacket=1" "$T/channels"
	grep -qx "peer=auth seqpacket=1" "$T/channels"
	[ "$(cat "$T/webui.args")" = "--user _vigilweb --chroot $T/empty --port 2812 --address 127.0.0.1 --no-signature --allow 127.0.0.1 --allow 10.0.0.0/8" ]
	[ "$(cat "$T/auth.args")" = "--user _vigilauth" ]
	for p in webui auth; do
		grep -qx "0 /dev/null" "$T/$p.fds"
		grep -q "^2 pipe:" "$T/$p.fds"	# (fd 1 is redirected in the script)
		for fd in 3 4 5; do grep -q "^$fd socket:" "$T/$p.fds"; done
	done
	[ "$(stat -c '%U %a %F' "$T/empty")" = "root 755 directory" ]
	# the monitor's death takes the pair down; they come back after the next SEAL
	web1=$(sed -n 1p "$T/webui.pids"); auth1=$(sed -n 1p "$T/auth.pids")
	kill -KILL "$(sed -n 1p "$T/pids")"
	wait_for pid_gone "$web1"
	wait_for pid_gone "$auth1"
	wait_for npids 2
	for _ in $(seq 1 100); do [ "$(wc -l < "$T/webui.pids")" -ge 2 ] && break; sleep 0.1; done
	[ "$(wc -l < "$T/webui.pids")" -eq 2 ]
	[ "$(wc -l < "$T/auth.pids")" -eq 2 ]
}

@test "httpd on: a chroot that is not empty is refused, the monitor runs on" {
	web_setup
	mkdir "$T/empty"; touch "$T/empty/intruder"
	control web
	"$T/bin/vigild" -c "$T/ctl" -I --monitor-binary "$FAKE" 2>"$T/stderr" &
	VPID=$!
	wait_for log_has "webui chroot $T/empty is not empty: not starting the web interface"
	sleep 0.5
	[ ! -e "$T/webui.pids" ]
	[ ! -e "$T/auth.pids" ]
	kill -0 "$(sed -n 1p "$T/pids")"
}

@test "httpd on: a group-writable vigil-webui is not executed" {
	web_setup
	chmod 0775 "$T/bin/vigil-webui"
	control web
	"$T/bin/vigild" -c "$T/ctl" -I --monitor-binary "$FAKE" 2>"$T/stderr" &
	VPID=$!
	wait_for log_has "web interface not started: $T/bin/vigil-webui must be an absolute path to an executable owned by root"
	[ ! -e "$T/webui.pids" ]
	[ ! -e "$T/auth.pids" ]
}

@test "a second vigild on the same pidfile refuses to run; the first keeps it" {
	control normal "stubborn 1"
	start_vigild
	wait_for has_file "$T/vigild.pid"
	[ "$(cat "$T/vigild.pid")" = "$VPID" ]
	rc=0
	timeout 20 "$B/vigild" -c "$T/ctl" -I --monitor-binary "$FAKE" 2>"$T/stderr2" || rc=$?
	cat "$T/stderr2"
	[ "$rc" -eq 1 ]
	grep -q "vigild is already running with pid $VPID" "$T/vigil.log" "$T/stderr2"
	kill -0 "$VPID"
	[ "$(cat "$T/vigild.pid")" = "$VPID" ]
}

@test "a stale pidfile (no such vigild) does not stop vigild" {
	control normal
	echo 999999 > "$T/vigild.pid"
	start_vigild
	wait_for has_file "$T/done"
	wait_for eval '[ "$(cat "$T/vigild.pid")" = "$VPID" ]'
	kill -0 "$VPID"
}
