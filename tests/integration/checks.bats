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
	CK_MOUNTS= CK_NETNS= CK_VETH= CK_PIDS=
}

teardown() {
	it_stop
	local mp p
	for p in ${CK_PIDS:-}; do
		kill "$p" 2>/dev/null || true
	done
	[ -z "${CK_VETH:-}" ] || ip link del "$CK_VETH" 2>/dev/null || true
	[ -z "${CK_NETNS:-}" ] || ip netns del "$CK_NETNS" 2>/dev/null || true
	for mp in $CK_MOUNTS; do
		umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
	done
	it_cleanup
	it_sanitizer_check
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
	! marked "ssh_logins|Content match"
	echo "sshd[3]: Accepted publickey for eve from 203.0.113.9 port 6666 ssh2" >> "$IT/auth.log"
	wait_mark "ssh_logins|Content match|.*203.0.113.9"
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
	! marked "applog|Content match"
	echo "FATAL disk on fire" >> "$IT/app.log"
	wait_mark "applog|Content match|.*disk on fire"
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

@test "process: if failed uid/euid/gid act on the process's real ids" {
	setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
	local pid=$!
	echo "$pid" > "$IT/sleeper.pid"
	# one rule per service: each service runs one exec at a time
	ck_start "check process sleeper with pidfile $IT/sleeper.pid
  if failed uid root then $MARK
check process sleeper_e with pidfile $IT/sleeper.pid
  if failed euid nobody then $MARK
check process sleeper_g with pidfile $IT/sleeper.pid
  if failed gid root then $MARK"
	wait_mark "sleeper|UID failed|uid is $(id -u nobody)"
	wait_mark "sleeper_g|GID failed|gid is $(getent group nogroup | cut -d: -f3)"
	sleep 2
	! marked "EUID failed"
	kill "$pid"
}

@test "system: if uptime is evaluated" {
	ck_start "check system vigiltest
  if uptime > 1 minutes then $MARK"
	wait_mark "vigiltest|Uptime failed|uptime is"
}

@test "filesystem: /dev/shm is a mount point, its usage is read" {
	ck_start "check filesystem shm with path /dev/shm
  if inode usage >= 0% then $MARK
  if space usage > 100 % then $MARK"
	wait_mark "shm|Resource limit matched|inodes used"
	! marked "cannot read"
}

@test "filesystem: changed fsflags on mount -o remount,ro of a tmpfs" {
	mkdir "$IT/tmpfs"
	mount -t tmpfs -o size=1m,mode=0755 vigiltest "$IT/tmpfs"
	CK_MOUNTS="$IT/tmpfs"
	ck_start "check filesystem scratch with path $IT/tmpfs
  if changed fsflags then $MARK"
	sleep 2.5
	! marked "scratch|"
	mount -o remount,ro "$IT/tmpfs"
	wait_mark "scratch|Filesystem flags changed|.*ro"
}

@test "filesystem: read rate, write rate and service time of a loop device" {
	truncate -s 64M "$IT/disk.img"
	mkfs.ext2 -q -F "$IT/disk.img"
	mkdir "$IT/disk"
	mount -o loop "$IT/disk.img" "$IT/disk"
	CK_MOUNTS="$IT/disk"
	# one rule per service: each service runs one exec at a time
	ck_start "check filesystem diskw with path $IT/disk
  if write rate > 100 kB/s then $MARK
check filesystem diskr with path $IT/disk
  if read rate > 10 operations/s then $MARK
check filesystem disks with path $IT/disk
  if service time >= 0 milliseconds then $MARK
check filesystem diskn with path $IT/disk
  if service time > 100000 milliseconds then $MARK"
	sleep 2.5
	local i
	for i in 1 2 3 4 5 6 7 8; do
		dd if=/dev/urandom of="$IT/disk/f$i" bs=1M count=4 oflag=direct 2>/dev/null
		dd if="$IT/disk/f$i" of=/dev/null bs=4k iflag=direct 2>/dev/null
		marked "diskw|Resource limit matched|write rate" && marked "diskr|" && break
		sleep 1
	done
	wait_mark "diskw|Resource limit matched|write rate"
	wait_mark "diskr|Resource limit matched|read rate .* operations/s"
	wait_mark "disks|Resource limit matched|service time .* (limit >= 0 ms)"
	! marked "diskn|"
}

# A veth pair into a namespace this test creates; UDP datagrams both ways.
@test "network: upload/download events carry Monit's names" {
	local ns="vigilck$$" host="vck$$" peer="vckp$$"
	ip netns add "$ns"
	ip link add "$host" type veth peer name "$peer"
	ip link set "$peer" netns "$ns"
	ip addr add 10.253.$(( $$ % 200 )).1/30 dev "$host"
	ip link set "$host" up
	ip -n "$ns" addr add 10.253.$(( $$ % 200 )).2/30 dev "$peer"
	ip -n "$ns" link set "$peer" up
	ip -n "$ns" link set lo up
	CK_NETNS=$ns CK_VETH=$host
	ck_start "check network veth with interface $host
  if upload > 1 kB/s then $MARK
check network veth_d with interface $host
  if download > 5 packets/s then $MARK
check network veth_n with interface $host
  if upload > 1000000 packets/s then $MARK"
	local net=10.253.$(( $$ % 200 ))
	(
		for i in $(seq 400); do
			head -c 1000 /dev/zero > /dev/udp/$net.2/9 2>/dev/null || true
			ip netns exec "$ns" bash -c "echo x > /dev/udp/$net.1/9" 2>/dev/null || true
			sleep 0.02
		done
	) &
	local ping=$!
	wait_mark "veth|Upload bytes exceeded|upload"
	wait_mark "veth_d|Download packets exceeded|download"
	kill "$ping" 2>/dev/null || true
	wait "$ping" 2>/dev/null || true
	! marked "Link down"
	! marked "Upload packets exceeded"
}

@test "filedescriptors: process (own and total) and system" {
	# run as the monitor's user: another user's /proc/PID/fd is closed to it
	setpriv --reuid=_vigil --regid=_vigil --clear-groups \
	    sh -c 'sleep 600 3</dev/null 4</dev/null & wait' </dev/null >/dev/null 2>&1 &
	local pid=$!
	echo "$pid" > "$IT/fdproc.pid"
	ck_start "check process fdproc with pidfile $IT/fdproc.pid
  if filedescriptors > 100 then $MARK
check process fdtotal with pidfile $IT/fdproc.pid
  if total filedescriptors > 5 then $MARK
check process fdpct with pidfile $IT/fdproc.pid
  if filedescriptors > 0.0001 % then $MARK
check system fdsys
  if filedescriptors > 1 then $MARK"
	wait_mark "fdtotal|Resource limit matched|total filedescriptors"
	wait_mark "fdpct|Resource limit matched|filedescriptors"
	wait_mark "fdsys|Resource limit matched|filedescriptors"
	sleep 2
	! marked "fdproc|"
	local kid
	for kid in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
		kill "$kid" 2>/dev/null || true
	done
	kill "$pid" 2>/dev/null || true
}

@test "process: read/write rate tests are evaluated, and -t no longer says they are not" {
	printf 'set daemon 1\ncheck process p with pidfile /run/p.pid\n  if disk write rate > 1 MB/s then alert\n  if read rate > 1 MB/s then alert\n' > "$IT/iorc"
	chmod 0600 "$IT/iorc"
	run "$VIGIL_BUILD/vigil" -t -c "$IT/iorc"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not evaluated"* ]]
}

@test "process: write rate of another user's process (privd reads its /proc/PID/io): dd trips the rule, an idle one does not" {
	# Both run as nobody: the monitor (_vigil) may not read their
	# /proc/PID/io, privd reads it (PROC_IO) and the monitor parses it.
	# The writer: dd copies ~20 MB/s from a throttled producer to /dev/null.
	(while :; do head -c 1048576 /dev/zero || exit 0; sleep 0.05; done) |
	    setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    dd of=/dev/null bs=64k status=none &
	echo $! > "$IT/dd.pid"
	setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
	echo $! > "$IT/idle.pid"
	CK_PIDS="$(cat "$IT/dd.pid") $(cat "$IT/idle.pid")"
	it_wait 10 eval "[ \"\$(stat -c %U /proc/$(cat "$IT/dd.pid"))\" = nobody ]"
	ck_start "check process ddw with pidfile $IT/dd.pid
  if write rate > 1 MB/s for 2 cycles then $MARK
check process idle with pidfile $IT/idle.pid
  if write rate > 1 MB/s then $MARK
  if read rate > 1 MB/s then $MARK
  if disk write > 10 operations/s then $MARK"
	wait_mark "ddw|Resource limit matched|write rate" 30
	# the rates are shown as for a process of the monitor's own user
	run it_vigil status ddw
	echo "$output"
	[[ "$output" == *"write bytes"* ]]
	[[ "$output" == *"disk write bytes"* ]]
	run it_vigil status idle
	echo "$output"
	[[ "$output" == *"write bytes"* ]]
	sleep 3
	! marked "idle|"
	! grep -q "cannot be read" "$IT/marks"
}
