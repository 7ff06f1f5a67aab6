#!/usr/bin/env bats
# While a start program runs, the monitor watches the pid file's directory
# (inotify) and looks for the new process when the file is written, not
# only at the next tick of its 50 ms start timer.

load helpers

setup() {
	it_require_root
	it_init
	# A start program that writes its pid file at once and then lingers:
	# the process is found while the program still runs.
	cat > "$IT/slowstart" <<'SH'
#!/bin/sh
sleep 100000 </dev/null >/dev/null 2>&1 &
echo $! > "$1"
echo $$ > "$1.starter"
exec sleep 4 </dev/null >/dev/null 2>&1
SH
	chmod 0755 "$IT/slowstart"
	umask 077
	cat > "$IT/rc" <<RC
set daemon 30
set statefile $IT/run/vigil.state
set pidfile $IT/run/vigild.pid
set control socket $IT_SOCK
set privsep chroot $IT/empty

check process slow with pidfile $IT/demo/slow.pid
    start program = "$IT/slowstart $IT/demo/slow.pid"
RC
	umask 022
	"$VIGIL_BUILD/vigil" -v -c "$IT/rc" -I >"$IT/vigild.log" 2>&1 3>&- &
	IT_VIGILD_PID=$!
	export IT_VIGILD_PID
}

teardown() {
	local pid
	it_stop
	pid=$(cat "$IT/demo/slow.pid" 2>/dev/null || true)
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
	pid=$(cat "$IT/demo/slow.pid.starter" 2>/dev/null || true)
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
	it_cleanup
	it_sanitizer_check
}

slow_pid() { cat "$IT/demo/slow.pid" 2>/dev/null; }
# The first start program has ended (while it runs, vigild joins a second
# start of the same service to it instead of running another: finding 1).
starter_done() { local p; p=$(cat "$IT/demo/slow.pid.starter" 2>/dev/null) && [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null; }
# The log after its first $SKIP lines says $1.
logged() { tail -n +"$((${SKIP:-0} + 1))" "$IT/vigild.log" | grep -q -- "$1"; }

@test "a pid file written while the start program runs is seen when it is written" {
	local old new
	it_wait 20 logged "service 'slow': started (pid" || { cat "$IT/vigild.log"; false; }
	old=$(slow_pid)
	it_alive "$old"
	# The restart after a kill -9 runs the start program again, with the
	# watch in place (the first start may come before the watch can).
	it_wait 20 starter_done
	SKIP=$(wc -l < "$IT/vigild.log")
	kill -KILL "$old"
	it_wait 20 logged "service 'slow': its pid file was written: looking for the process now" ||
	    { cat "$IT/vigild.log"; false; }
	new=$(slow_pid)
	[ "$new" != "$old" ]
	it_alive "$new"
	it_wait 10 logged "service 'slow': started (pid $new)" || { cat "$IT/vigild.log"; false; }
}
