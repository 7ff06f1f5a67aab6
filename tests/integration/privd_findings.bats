#!/usr/bin/env bats
# The red-team findings on privd's side (issue 10), each against the real
# daemon as root.  Each test is named after its finding; SECURITY.md's table
# "Red-team findings: fix and test" points here.

load helpers

setup() {
	it_require_root
	it_init
	ATTACKER=
	SMALL=
	SLOW_PIDS=
	EXTRA_GROUP=
}

teardown() {
	# the test's own processes first, by the pids they recorded, while
	# $IT still holds the lists
	if [ -n "${SLOW_PIDS:-}" ] && [ -f "$SLOW_PIDS" ]; then
		while read -r p; do kill -KILL "$p" 2>/dev/null || true; done < "$SLOW_PIDS"
	fi
	if [ -n "${SMALL:-}" ]; then
		it_stop
		umount "$SMALL" 2>/dev/null || true
	fi
	it_cleanup
	if [ -n "$ATTACKER" ]; then
		# anything still running as the test's user, by pid
		local uid p
		uid=$(id -u "$ATTACKER" 2>/dev/null || true)
		for p in /proc/[0-9]*; do
			[ -n "$uid" ] && [ "$(stat -c %u "$p" 2>/dev/null)" = "$uid" ] &&
				kill -KILL "${p#/proc/}" 2>/dev/null || true
		done
		userdel "$ATTACKER" 2>/dev/null || it_wait 5 userdel "$ATTACKER" || true
	fi
	[ -z "$EXTRA_GROUP" ] || groupdel "$EXTRA_GROUP" 2>/dev/null || true
	it_sanitizer_check
}

# A user the test owns, removed in teardown.
make_attacker() {
	ATTACKER=vigilatk$$
	useradd -M -N -s /usr/sbin/nologin "$ATTACKER" || it_need "useradd"
	ATTACKER_UID=$(id -u "$ATTACKER")
}

start_vigild() {
	"$VIGIL_BUILD/vigil" -c "$IT/rc" -I >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	it_wait 15 test -S "$IT_SOCK" || { cat "$IT/vigild.log"; return 1; }
}

log_has() { grep -qF -- "$1" "$IT/vigild.log"; }

# A start program that takes 3 s, records every start in $IT/starts and
# every instance it leaves running in $IT/instances.
write_slow_service() {
	SLOW_PIDS="$IT/instances"
	cat > "$IT/slow" <<EOF
#!/bin/sh
echo \$\$ >> $IT/starts
sleep 3
sleep 1000 </dev/null >/dev/null 2>&1 &
echo \$! >> $IT/instances
echo \$! > $IT/slow.pid
EOF
	chmod 0755 "$IT/slow"
	it_write_rc "
check process slow with pidfile $IT/slow.pid
    start program = \"$IT/slow\" with timeout 20 seconds
    stop program = \"/bin/true\"
"
}

live_instances() {
	local n=0 p
	[ -f "$IT/instances" ] || { echo 0; return; }
	while read -r p; do it_alive "$p" && n=$((n + 1)); done < "$IT/instances"
	echo "$n"
}

starts() { [ -f "$IT/starts" ] && wc -l < "$IT/starts" || echo 0; }

@test "finding 1: a reload while a start program runs does not start a second instance" {
	write_slow_service
	start_vigild
	it_wait 15 test -s "$IT/starts"
	# the start program is running now; reload twice while it does
	sleep 0.5
	it_vigil reload
	sleep 0.5
	it_vigil reload
	it_wait 30 test -s "$IT/slow.pid"
	# Give a second start every chance to happen: the fresh monitors
	# check at once, and the joined RUN answers when the first ends.
	sleep 5
	echo "starts: $(starts), live instances: $(live_instances)"
	cat "$IT/vigild.log"
	[ "$(starts)" -eq 1 ]
	[ "$(live_instances)" -eq 1 ]
	log_has "the same program is still running"
}

# A start program at $IT/NAME that records each run in $IT/NAME.runs and
# leaves a daemon whose pid goes to $IT/NAME.pid (and $IT/instances).
write_marker_program() {
	local name=$1 out=$IT/out
	# out/ is world-writable for the program run as nobody; it is not on
	# any program's path
	mkdir -p -m 1777 "$out"
	SLOW_PIDS="$out/instances"
	cat > "$IT/$name" <<EOF2
#!/bin/sh
echo run >> $out/$name.runs
grep '^Groups:' /proc/\$\$/status > $out/$name.groups
sleep 1000 </dev/null >/dev/null 2>&1 &
echo \$! >> $out/instances
echo \$! > $out/$name.pid
EOF2
	chmod 0755 "$IT/$name"
}

runs() { [ -f "$IT/out/$1.runs" ] && wc -l < "$IT/out/$1.runs" || echo 0; }

@test "finding 1: kill the service, reload 0.5 s later: one new instance, not two" {
	write_slow_service
	start_vigild
	it_wait 30 test -s "$IT/slow.pid"
	it_wait 15 eval '[ "$(live_instances)" -eq 1 ]'
	kill -KILL "$(cat "$IT/slow.pid")"
	# the monitor notices at once and runs the (3 s) start program
	it_wait 15 eval '[ "$(starts)" -eq 2 ]'
	sleep 0.5
	it_vigil reload
	it_wait 30 eval '[ "$(live_instances)" -ge 1 ]'
	it_wait 30 eval '[ "$(grep -c "action table sealed" "$IT/vigild.log")" -ge 2 ]'
	sleep 5
	echo "starts: $(starts), live instances: $(live_instances)"
	[ "$(starts)" -eq 2 ]
	[ "$(live_instances)" -eq 1 ]
}

@test "finding 1: a storm of reloads while a start program runs still starts it once" {
	write_slow_service
	start_vigild
	it_wait 15 test -s "$IT/starts"
	local i
	for i in $(seq 1 20); do
		it_vigil reload >/dev/null 2>&1 || true
		sleep 0.1
	done
	it_wait 60 test -s "$IT/slow.pid"
	# every fresh monitor has had its look, and its joined RUN answered
	it_wait 30 eval '[ "$(grep -c "action table sealed" "$IT/vigild.log")" -ge 2 ]'
	sleep 5
	echo "starts: $(starts), live instances: $(live_instances)"
	[ "$(starts)" -eq 1 ]
	[ "$(live_instances)" -eq 1 ]
}

@test "finding 2: a program behind a link in a directory another user owns is refused" {
	make_attacker
	write_marker_program good
	mkdir -m 0755 "$IT/atk"
	chown "$ATTACKER" "$IT/atk"
	ln -s "$IT/good" "$IT/atk/link"
	# and a link the attacker owns, in a root-owned directory
	ln -s "$IT/good" "$IT/link2"
	chown -h "$ATTACKER" "$IT/link2"
	it_write_rc "
check process viadir with pidfile $IT/out/viadir.pid
    start program = \"$IT/atk/link\"
check process vialink with pidfile $IT/out/vialink.pid
    start program = \"$IT/link2\"
"
	start_vigild
	it_wait 15 log_has "$IT/atk/link: directory $IT/atk is owned by uid $ATTACKER_UID"
	it_wait 15 log_has "$IT/link2: symbolic link $IT/link2 is owned by uid $ATTACKER_UID"
	# the service checks have run (the demo is up), and neither started
	it_wait 15 it_demo_running
	sleep 2
	cat "$IT/vigild.log"
	[ "$(runs good)" -eq 0 ]
}

@test "finding 2: a program behind root's links in root's directories still runs" {
	write_marker_program good
	mkdir -m 0755 "$IT/bin"
	ln -s ../good "$IT/bin/rel"
	it_write_rc "
check process rel with pidfile $IT/out/good.pid
    start program = \"$IT/bin/rel\"
"
	start_vigild
	it_wait 15 test -s "$IT/out/good.pid" || { cat "$IT/vigild.log"; false; }
}

@test "finding 2: a #! script still sees its own path as \$0 (run through its checked interpreter)" {
	# Debian's init scripts find their name through $0 (the systemctl
	# redirect); executing the checked descriptor showed them /dev/fd/4
	mkdir -p -m 1777 "$IT/out"
	cat > "$IT/named" <<EOF2
#!/bin/sh -e
echo "\$0 \$1" > $IT/out/named.args
EOF2
	chmod 0755 "$IT/named"
	it_write_rc "
check program named with path \"$IT/named first\"
    if status != 0 then alert
"
	start_vigild
	it_wait 15 test -s "$IT/out/named.args" || { cat "$IT/vigild.log"; false; }
	[ "$(cat "$IT/out/named.args")" = "$IT/named first" ]
}

@test "finding 2: a script whose interpreter another user may replace is refused" {
	make_attacker
	mkdir -m 0755 "$IT/ibin"
	cp /bin/sh "$IT/ibin/sh"
	chown "$ATTACKER" "$IT/ibin/sh"
	mkdir -p -m 1777 "$IT/out"
	printf '#!%s\necho ran > %s\n' "$IT/ibin/sh" "$IT/out/bad.ran" > "$IT/bad"
	chmod 0755 "$IT/bad"
	it_write_rc "
check program bad with path \"$IT/bad\"
    if status != 0 then alert
"
	start_vigild
	it_wait 15 log_has "$IT/ibin/sh: owned by" || { cat "$IT/vigild.log"; false; }
	[ ! -e "$IT/out/bad.ran" ]
}

@test "finding 14: a program made world-writable after the seal does not run" {
	write_marker_program late
	it_write_rc "
check process late with pidfile $IT/out/late.pid
    start program = \"$IT/late\"
"
	start_vigild
	it_wait 15 test -s "$IT/out/late.pid"
	[ "$(runs late)" -eq 1 ]
	chmod 0777 "$IT/late"
	kill -KILL "$(cat "$IT/out/late.pid")"
	it_wait 15 log_has "$IT/late: writable by group or others (mode 0777)" || {
		cat "$IT/vigild.log"; false; }
	sleep 1
	[ "$(runs late)" -eq 1 ]
}

@test "finding 14: a started program does not keep vigild's supplementary groups" {
	command -v setpriv >/dev/null || it_need "setpriv (util-linux)"
	write_marker_program asroot
	write_marker_program asnobody
	it_write_rc "
check process asroot with pidfile $IT/out/asroot.pid
    start program = \"$IT/asroot\"
check process asnobody with pidfile $IT/out/asnobody.pid
    start program = \"$IT/asnobody\" as uid nobody
"
	chown nobody "$IT/asnobody"
	setpriv --groups 24,25 "$VIGIL_BUILD/vigil" -c "$IT/rc" -I >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	it_wait 15 test -s "$IT/out/asroot.groups"
	it_wait 15 test -s "$IT/out/asnobody.groups"
	# vigild itself has the groups (so the test can tell)
	grep -Eq '^Groups:.*\b24\b' /proc/"$IT_VIGILD_PID"/status
	echo "root: $(cat "$IT/out/asroot.groups") nobody: $(cat "$IT/out/asnobody.groups")"
	# (a bare `! cmd` would not fail a bats test)
	if grep -Eq '\b(24|25)\b' "$IT/out/asroot.groups" "$IT/out/asnobody.groups"; then
		false
	fi
}

# privd resolves a program's groups itself and keeps them while /etc/passwd
# and /etc/group are unchanged (privd/ids.c): a membership change must reach
# the next run, in both directions.
@test "a program run as a user has that user's groups; a change to /etc/group reaches the next run" {
	make_attacker
	EXTRA_GROUP=vigilgrp$$
	groupadd "$EXTRA_GROUP" || it_need "groupadd"
	local gid out=$IT/out
	gid=$(getent group "$EXTRA_GROUP" | cut -d: -f3)
	mkdir -p -m 1777 "$out"
	cat > "$IT/showgroups" <<SCRIPT
#!/bin/sh
grep '^Groups:' /proc/\$\$/status > $out/groups.new
mv $out/groups.new $out/groups
SCRIPT
	chmod 0755 "$IT/showgroups"
	it_write_rc "
check program showgroups with path \"$IT/showgroups\" as uid $ATTACKER
    if status != 0 then alert
"
	sed -i 's/^set daemon 30$/set daemon 1/' "$IT/rc"
	start_vigild
	it_wait 15 test -s "$out/groups"
	cat "$out/groups"
	if grep -Eq "\b$gid\b" "$out/groups"; then false; fi
	# the kernel's ctime has a tick's grain: privd trusts a stamp only a
	# second after the change, so the new member is seen within two cycles
	gpasswd -a "$ATTACKER" "$EXTRA_GROUP" >/dev/null
	it_wait 15 grep -Eq "\b$gid\b" "$out/groups" || { cat "$out/groups"; false; }
	gpasswd -d "$ATTACKER" "$EXTRA_GROUP" >/dev/null
	it_wait 15 eval "! grep -Eq '\b$gid\b' '$out/groups'" || { cat "$out/groups"; false; }
}

@test "finding 8: kill -9 of vigild takes the monitor (which dropped its uid) down" {
	it_write_rc
	start_vigild
	local mon
	it_wait 15 it_child_by_name vigil-monitor
	mon=$(it_child_by_name vigil-monitor)
	[ "$(it_status_field "$mon" Uid | cut -f1 -d' ')" != 0 ]
	# Stopped, it cannot notice its closed channel: only the parent-death
	# signal (SIGKILL reaches a stopped process) can end it.
	kill -STOP "$mon"
	kill -KILL "$IT_VIGILD_PID"
	wait "$IT_VIGILD_PID" 2>/dev/null || true
	if ! it_wait 5 eval "! it_alive $mon"; then
		echo "monitor $mon outlived vigild"
		kill -KILL "$mon"
		false
	fi
}

@test "finding 10: stopping vigild ends a hung start program at its timeout" {
	cat > "$IT/hang" <<EOF
#!/bin/sh
echo \$\$ > $IT/hang.started
exec sleep 1000
EOF
	chmod 0755 "$IT/hang"
	it_write_rc "
check process hung with pidfile $IT/hung.pid
    start program = \"$IT/hang\" with timeout 3 seconds
"
	start_vigild
	it_wait 15 test -s "$IT/hang.started"
	local hang
	hang=$(cat "$IT/hang.started")
	it_alive "$hang"
	kill -TERM "$IT_VIGILD_PID"
	it_wait 20 eval "! it_alive $IT_VIGILD_PID"
	wait "$IT_VIGILD_PID" 2>/dev/null || true
	cat "$IT/vigild.log"
	if it_alive "$hang"; then
		echo "the start program (pid $hang) outlived vigild"
		kill -KILL "$hang"
		false
	fi
	# (the demo's start may still be running too)
	grep -Eq "waiting for [0-9]+ programs? to end" "$IT/vigild.log"
}

@test "finding 6: a log file in a directory others can write, or owned by another user, is refused" {
	make_attacker
	mkdir -m 1777 "$IT/pub"
	# planted by the attacker before vigild starts: root must not append
	setpriv --reuid="$ATTACKER_UID" --regid="$ATTACKER_UID" --clear-groups \
		sh -c "umask 0; : > $IT/pub/vigil.log"
	it_write_rc "set logfile $IT/pub/vigil.log"
	start_vigild
	it_wait 15 log_has "not using log file $IT/pub/vigil.log: directory $IT/pub is writable by group or others (mode 1777)" || {
		cat "$IT/vigild.log"; false; }
	it_stop
	[ ! -s "$IT/pub/vigil.log" ]
	# a root directory, but the file belongs to the attacker
	mkdir -m 0755 "$IT/logs"
	: > "$IT/logs/vigil.log"
	chown "$ATTACKER" "$IT/logs/vigil.log"
	it_write_rc "set logfile $IT/logs/vigil.log"
	start_vigild
	it_wait 15 log_has "not using log file $IT/logs/vigil.log: owned by uid $ATTACKER_UID, not root" || {
		cat "$IT/vigild.log"; false; }
	it_stop
	[ ! -s "$IT/logs/vigil.log" ]
	# root's own file in root's directory: used
	rm "$IT/logs/vigil.log"
	start_vigild
	it_wait 15 grep -q "action table sealed" "$IT/logs/vigil.log"
}

@test "finding 6: a planted pid does not stop vigild from starting" {
	make_attacker
	mkdir -m 1777 "$IT/pub"
	# the attacker's own process, named vigild
	cp /bin/sleep "$IT/pub/vigild"
	setpriv --reuid="$ATTACKER_UID" --regid="$ATTACKER_UID" --clear-groups \
		"$IT/pub/vigild" 1000 &
	local fake=$!
	SLOW_PIDS="$IT/fake.pids"
	echo "$fake" > "$SLOW_PIDS"
	it_wait 5 eval '[ "$(readlink /proc/'"$fake"'/exe)" = "$IT/pub/vigild" ]'
	# in a directory the attacker can write ...
	setpriv --reuid="$ATTACKER_UID" --regid="$ATTACKER_UID" --clear-groups \
		sh -c "echo $fake > $IT/pub/vigild.pid"
	it_write_rc
	sed -i "s|^set pidfile .*|set pidfile $IT/pub/vigild.pid|" "$IT/rc"
	start_vigild
	it_wait 15 log_has "action table sealed" || { cat "$IT/vigild.log"; false; }
	it_alive "$IT_VIGILD_PID"
	log_has "pidfile not trusted: $IT/pub/vigild.pid: directory $IT/pub is writable"
	log_has "not writing the pidfile"
	it_stop
	# ... and in root's own directory, naming a process that is not root's
	echo "$fake" > "$IT/vigild.pid"
	it_write_rc
	start_vigild
	it_wait 15 log_has "action table sealed" || { cat "$IT/vigild.log"; false; }
	it_wait 5 eval '[ "$(cat "$IT/vigild.pid")" = "$IT_VIGILD_PID" ]'
}

# Every line of a log file is whole: a timestamp, a process, a level.
all_lines_whole() {
	local bad
	bad=$(grep -Evc '^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\] [a-z]+: (error|warning|info|debug): ' "$1" || true)
	[ "$bad" -eq 0 ] && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ]
}

reloads_seen() { grep -c "action table sealed" "$IT/vigild.log" || true; }

@test "finding 11: a full disk loses whole log lines, never part of one, and counts them" {
	mkdir -m 0755 "$IT/small"
	mount -t tmpfs -o size=64k,mode=0755 tmpfs "$IT/small" || it_need "mount tmpfs"
	SMALL="$IT/small"
	it_write_rc "set logfile $IT/small/vigil.log"
	start_vigild
	it_wait 15 grep -q "action table sealed" "$IT/small/vigil.log"
	dd if=/dev/zero of="$IT/small/fill" bs=1k count=1000 2>/dev/null || true
	# reloads log lines until the last page of the log is full, then on
	local n i
	for i in $(seq 1 12); do
		n=$(reloads_seen)
		it_vigil reload >/dev/null
		it_wait 20 eval '[ "$(reloads_seen)" -gt '"$n"' ]'
	done
	all_lines_whole "$IT/small/vigil.log" || {
		tail -3 "$IT/small/vigil.log" | od -c | tail -5; false; }
	rm "$IT/small/fill"
	n=$(reloads_seen)
	it_vigil reload >/dev/null
	it_wait 20 eval '[ "$(reloads_seen)" -gt '"$n"' ]'
	it_wait 10 grep -Eq "privd: warning: [0-9]+ log lines were lost" "$IT/small/vigil.log"
	all_lines_whole "$IT/small/vigil.log"
}

@test "finding 12: vigil -t names a program vigild will refuse, and vigil start on it fails with the reason" {
	make_attacker
	mkdir -m 0755 "$IT/user"
	write_marker_program good
	cp "$IT/good" "$IT/user/prog"
	chown -R "$ATTACKER" "$IT/user"
	it_write_rc "
check process refused with pidfile $IT/out/refused.pid
    start program = \"$IT/user/prog\"
    stop program = \"/bin/true\"
"
	run it_vigil -t
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Control file syntax OK"* ]]
	[[ "$output" == *"vigild will refuse to run this program: $IT/user/prog: directory $IT/user is owned by uid $ATTACKER_UID, not root"* ]]
	start_vigild
	it_wait 15 it_demo_running
	# starting the daemon shows the same warning
	log_has "vigild will refuse to run this program: $IT/user/prog"
	run it_vigil start refused
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"the start program of 'refused' is refused by vigild: $IT/user/prog: directory $IT/user"* ]]
	# a service whose programs are fine still answers 0
	run it_vigil start demo
	[ "$status" -eq 0 ]
}

@test "finding 1: a start asked for just after the same start ended for a replaced monitor is not run again" {
	# against privd alone, with the scripted monitor: the race a real
	# monitor loses under load (it found the service down just before the
	# program ended, and asks just after), made certain
	local fake="$VIGIL_BUILD/tests/helpers/fake_monitor" T="$IT"
	[ -x "$fake" ] || it_need "build tests/helpers"
	printf '#!/bin/sh\necho run >> %s/count\nsleep 2\ntouch %s/finished\n' "$T" "$T" > "$T/slow.sh"
	chmod 0755 "$T/slow.sh"
	printf 'scenario rerun\ndir %s\nprog1 %s\n' "$T" "$T/slow.sh" > "$T/ctl"
	"$VIGIL_BUILD/vigild" -c "$T/ctl" -I --monitor-binary "$fake" 2>"$T/stderr" &
	IT_VIGILD_PID=$!
	echo "$IT_VIGILD_PID" > "$IT/vigild.testpid"
	it_wait 30 test -s "$T/done" || { cat "$T/stderr"; false; }
	cat "$T/run1"
	[ "$(wc -l < "$T/count")" -eq 1 ]
	grep -q "spawned=1 timed_out=0 status=0" "$T/run1"
	grep -q "ago: not starting another" "$T/vigil.log"
}
