#!/usr/bin/env bats
# Rule semantics on real objects, as Monit 5.33 acts on the same control
# file: every action of a service runs (queued, in order), dependencies
# restart their dependants, cron schedules, restart limits, program
# timeouts, manual mode and state that survives a restart.  Programs record
# $MONIT_SERVICE and $MONIT_EVENT to a file, the way the side-by-side runs
# with Monit were wired.

load helpers

setup() {
	it_require_root
	it_init
	# rec TAG: one line "TAG SERVICE EVENT" per run
	cat > "$IT/rec" <<'SH'
#!/bin/sh
echo "$1 $MONIT_SERVICE $MONIT_EVENT" >> "$(dirname "$0")/marks"
SH
	# svc start|stop NAME: the demo daemon with its own pidfile, recording
	# the order of starts and stops
	cat > "$IT/svc" <<SH
#!/bin/sh
echo "\$1 \$2" >> "$IT/order"
exec "$IT_DEMO" "\$1" "$IT/demo/\$2.pid"
SH
	chmod 0755 "$IT/rec" "$IT/svc"
	: > "$IT/marks"
	: > "$IT/order"
}

teardown() {
	# vigild first: it would start again what we end
	it_stop
	it_cleanup_svcs
	it_cleanup
	it_sanitizer_check
}

# The demo daemons started through $IT/svc: their sleep and its shell.
it_cleanup_svcs() {
	local f pid parent
	for f in "$IT"/demo/*.pid; do
		[ -e "$f" ] || continue
		[ "$f" != "$IT_PIDFILE" ] || continue
		pid=$(cat "$f" 2>/dev/null || true)
		case $pid in ''|*[!0-9]*) continue ;; esac
		parent=$(awk '/^PPid:/ { print $2 }' /proc/"$pid"/status 2>/dev/null || true)
		kill -KILL "$pid" 2>/dev/null || true
		if [ -n "$parent" ] && grep -qF "$f" /proc/"$parent"/cmdline 2>/dev/null; then
			kill -KILL "$parent" 2>/dev/null || true
		fi
	done
}

svc_pid() {
	local pid
	pid=$(cat "$IT/demo/$1.pid" 2>/dev/null) || return 1
	it_alive "$pid" && echo "$pid"
}

has_lines() { [ "$(grep -c . "$1")" -ge "$2" ]; }

@test "two execs of one service in one cycle both run (uid and gid)" {
	touch "$IT/owned"
	chown 65534:65534 "$IT/owned"
	it_write_rc "
check file owned with path $IT/owned
    if failed uid root then exec \"$IT/rec A\"
    if failed gid root then exec \"$IT/rec B\"
"
	it_start
	it_wait 20 has_lines "$IT/marks" 2 || { cat "$IT/vigild.log"; false; }
	run cat "$IT/marks"
	echo "$output"
	[[ "$output" == *"A owned UID failed"* ]]
	[[ "$output" == *"B owned GID failed"* ]]
}

@test "two execs of one process in one cycle both run (memory and totalmem)" {
	it_write_rc "
check process mem with pidfile $IT/demo/mem.pid
    start program = \"$IT/svc start mem\"
    stop program = \"$IT/svc stop mem\"
    if memory > 1 kB then exec \"$IT/rec A\"
    if totalmem > 1 kB then exec \"$IT/rec B\"
"
	it_start
	it_wait 20 has_lines "$IT/marks" 2 || {
		# the first cycle sees no process yet: the next one (set daemon 30)
		it_vigil validate >/dev/null 2>&1 || true
		it_wait 20 has_lines "$IT/marks" 2
	} || { cat "$IT/vigild.log"; false; }
	run cat "$IT/marks"
	echo "$output"
	[[ "$output" == *"A mem Resource limit matched"* ]]
	[[ "$output" == *"B mem Resource limit matched"* ]]
}

write_chain_rc() {
	it_write_rc "
check process base with pidfile $IT/demo/base.pid
    start program = \"$IT/svc start base\"
    stop program = \"$IT/svc stop base\"

check process dep with pidfile $IT/demo/dep.pid
    start program = \"$IT/svc start dep\"
    stop program = \"$IT/svc stop dep\"
    depends on base
"
}

chain_up() { svc_pid base >/dev/null && svc_pid dep >/dev/null; }

@test "kill -9 of a dependency: its dependant stops, it starts, the dependant starts" {
	local base dep
	write_chain_rc
	it_start
	it_wait 20 chain_up || { cat "$IT/vigild.log"; false; }
	it_wait 10 has_lines "$IT/order" 2
	[ "$(cat "$IT/order")" = "start base
start dep" ]
	base=$(svc_pid base)
	dep=$(svc_pid dep)
	sleep 1
	: > "$IT/order"
	kill -KILL "$base"
	it_wait 20 has_lines "$IT/order" 3 || { cat "$IT/vigild.log"; false; }
	it_wait 20 chain_up
	sleep 0.5
	run cat "$IT/order"
	echo "$output"
	[ "$output" = "stop dep
start base
start dep" ]
	[ "$(svc_pid dep)" != "$dep" ]
}

@test "vigil restart of a dependency restarts its dependant around it" {
	local dep
	write_chain_rc
	it_start
	it_wait 20 chain_up || { cat "$IT/vigild.log"; false; }
	it_wait 10 has_lines "$IT/order" 2
	dep=$(svc_pid dep)
	sleep 1
	: > "$IT/order"
	it_vigil restart base
	it_wait 20 has_lines "$IT/order" 4 || { cat "$IT/vigild.log"; false; }
	it_wait 20 chain_up
	sleep 0.5
	run cat "$IT/order"
	echo "$output"
	[ "$output" = "stop dep
stop base
start base
start dep" ]
	[ "$(svc_pid dep)" != "$dep" ]
}

daemon_every_2s() { sed -i 's/^set daemon 30$/set daemon 2/' "$IT/rc"; }

@test "every \"* * * * *\": a check program runs once per minute, not every cycle" {
	cat > "$IT/cronprog" <<SH
#!/bin/sh
date +%H%M >> "$IT/marks"
SH
	chmod 0755 "$IT/cronprog"
	it_write_rc "
check program cronprog with path \"$IT/cronprog\"
    every \"* * * * *\"
"
	daemon_every_2s
	it_start
	it_wait 20 has_lines "$IT/marks" 1 || { cat "$IT/vigild.log"; false; }
	sleep 10	# five cycles of set daemon 2
	run cat "$IT/marks"
	echo "$output"
	[ -z "$(sort "$IT/marks" | uniq -d)" ]
}

@test "a restart limit trips when the start program itself times out" {
	cat > "$IT/hang" <<SH
#!/bin/sh
echo attempt >> "$IT/order"
exec sleep 60
SH
	chmod 0755 "$IT/hang"
	it_write_rc "
check process slow with pidfile $IT/demo/slow.pid
    start program = \"$IT/hang\" with timeout 5 seconds
    if 3 restarts within 5 cycles then unmonitor
"
	daemon_every_2s
	it_start
	it_wait 90 eval 'it_vigil summary 2>/dev/null | grep -E "slow +Not monitored" >/dev/null' || {
		cat "$IT/vigild.log"; cat "$IT/order"; false; }
	sleep 5	# no attempt after the limit
	run grep -c attempt "$IT/order"
	echo "attempts: $output"
	[ "$output" -eq 3 ]
}

@test "check program killed at its timeout fails 'if status != 0'" {
	cat > "$IT/sleeper" <<SH
#!/bin/sh
exec sleep 60
SH
	chmod 0755 "$IT/sleeper"
	it_write_rc "
check program sleeper with path \"$IT/sleeper\" with timeout 2 seconds
    if status != 0 then exec \"$IT/rec T\"
"
	it_start
	it_wait 30 has_lines "$IT/marks" 1 || { cat "$IT/vigild.log"; false; }
	run cat "$IT/marks"
	echo "$output"
	[ "$output" = "T sleeper Status failed" ]
}

@test "mode manual without a state file: started at the daemon's start" {
	it_write_rc "
check process man with pidfile $IT/demo/man.pid
    start program = \"$IT/svc start man\"
    stop program = \"$IT/svc stop man\"
    mode manual
"
	it_start
	it_wait 20 svc_pid man >/dev/null || { cat "$IT/vigild.log"; false; }
	run it_vigil summary
	echo "$output"
	[[ "$output" != *"man"*"Not monitored"* ]]
}

@test "changed size and changed timestamp baselines survive vigil quit and start" {
	echo one > "$IT/watched"
	touch -d '2001-01-01 00:00' "$IT/watched"
	it_write_rc "
check file watched with path $IT/watched
    if changed size then exec \"$IT/rec S\"
    if changed timestamp then exec \"$IT/rec T\"
"
	it_start
	# the first check ran (its size is shown), so the baselines exist; the
	# state file is written again at the stop
	it_wait 20 eval 'it_vigil status watched | grep -q "^ *size "' ||
	    { it_vigil status watched; false; }
	it_stop
	[ -s "$IT/run/vigil.state" ]
	[ ! -s "$IT/marks" ]
	# timestamps have a resolution of one second and the test counts the
	# newer of mtime and ctime: change the file in a later second than
	# the baseline's ctime (this machine's clock may stand still a while)
	it_wait 20 eval '[ "$(date +%s)" -gt "$(stat -c %Z "$IT/watched")" ]'
	echo two >> "$IT/watched"
	it_start
	it_wait 20 has_lines "$IT/marks" 2 || { cat "$IT/vigild.log"; false; }
	run cat "$IT/marks"
	echo "$output"
	[[ "$output" == *"S watched Size changed"* ]]
	[[ "$output" == *"T watched Timestamp changed"* ]]
}

@test "vigil reload: programs in flight are not reported as failed to run" {
	cat > "$IT/slowprog" <<SH
#!/bin/sh
echo ran >> "$IT/order"
sleep 3
SH
	chmod 0755 "$IT/slowprog"
	it_write_rc "
check program slowprog with path \"$IT/slowprog\" with timeout 10 seconds
    if status != 0 then alert
"
	daemon_every_2s
	it_start
	it_wait 20 has_lines "$IT/order" 1 || { cat "$IT/vigild.log"; false; }
	it_vigil reload
	# the new monitor runs the program again
	it_wait 30 has_lines "$IT/order" 2 || { cat "$IT/vigild.log"; false; }
	sleep 4
	run cat "$IT/vigild.log"
	echo "$output"
	[[ "$output" != *"could not run the program"* ]]
	[[ "$output" != *"error 32"* ]]
	[[ "$output" != *"Execution failed"* ]]
}

# N file services with a start and a stop program each, after the usual rc
many_services_rc() {
	local n=$1 i
	it_write_rc
	{
		for i in $(seq 1 "$n"); do
			echo "check file f$i with path $IT/rc"
			echo "    start program = \"$IT/rec start$i\""
			echo "    stop program = \"$IT/rec stop$i\""
		done
	} >> "$IT/rc"
}

@test "10,000 services with 20,000 programs: vigil -t and the daemon agree, all are monitored" {
	many_services_rc 10000
	run it_vigil -t
	echo "$output"
	[ "$status" -eq 0 ]
	it_start
	it_wait 60 eval 'grep -q "action table sealed: 20002 entries" "$IT/vigild.log"' || {
		head -30 "$IT/vigild.log"; false; }
	run it_vigil summary
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^ *f[0-9]')" -eq 10000 ]
	! grep -q "killing it" "$IT/vigild.log"
}

@test "more programs than one sealed table holds: vigil -t says so, vigil does not start" {
	many_services_rc 32768	# 65,536 + the demo's 2 = 65,538
	run it_vigil -t
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"65538 programs"*"at most 65536"* ]]
}

@test "a monitor that fails twice before sealing stops vigild with a clear error" {
	it_write_rc
	it_start
	echo "check nonsense here" >> "$IT/rc"
	kill -HUP "$IT_VIGILD_PID"
	it_wait 30 eval '! it_alive $IT_VIGILD_PID' || { cat "$IT/vigild.log"; false; }
	run wait "$IT_VIGILD_PID"
	[ "$status" -ne 0 ]
	run cat "$IT/vigild.log"
	echo "$output"
	[[ "$output" == *"the monitor ended twice before sealing its action table"* ]]
	[[ "$output" == *"vigil -t"* ]]
}
