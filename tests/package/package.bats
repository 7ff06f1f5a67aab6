#!/usr/bin/env bats
# The Debian package, installed on this machine as a fresh one would get it:
# users, directories, conffiles, the unit, man pages and completion; the
# daemon started from the unit's ExecStart; an upgrade to a rebuilt package
# with a service running (its pid and vigil's state kept); remove; purge
# leaves nothing.  Run only through tests/package/run.sh, which puts /etc,
# /usr, /var and /run under throw-away overlays: the tests run in order and
# share that machine.

USERS="_vigil _vigilweb _vigilauth"
UNIT=/lib/systemd/system/vigil.service
DEMO=/usr/share/doc/vigil/examples/demo-service
DEMO_PID=/run/vigil-pkgtest/demo.pid
STATE=/var/lib/vigil/vigil.state

setup_file() {
	[ -n "${PKG_OVL:-}" ] || { echo "run me through tests/package/run.sh" >&2; return 1; }
	# Never outside the overlays: this file installs and purges packages.
	for d in /etc /usr /var /run; do
		[ "$(findmnt -n -o FSTYPE "$d")" = overlay ] || { echo "$d is not an overlay" >&2; return 1; }
	done
}

wait_for() {	# seconds command...
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

alive() {
	[ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
	local state
	state=$(awk '/^State:/ {print $2}' /proc/"$1"/status 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}
not_alive() { ! alive "$1"; }

# What a purge must give back.  Everything written in this namespace lands
# in the overlays' upper directories (the machine's own changes, made by
# other work meanwhile, do not), so the snapshot lists those: every path with
# its type, mode and owner, but dpkg's own records, logs and caches, and the
# vigil users and groups (/run/systemd and /run/adduser are the tools'
# own run-time state).  A leftover shows as a new path, a purge that removed
# too much as a new whiteout.
snapshot() {
	{
		cd "$PKG_OVL" && find etc/upper usr/upper var/upper run/upper \
			-path var/upper/lib/dpkg -prune -o -path var/upper/log -prune -o \
			-path var/upper/cache -prune -o -path run/upper/vigil-pkgtest -prune -o \
			-path run/upper/systemd -prune -o -path run/upper/adduser -prune -o \
			\( -name 'passwd-' -o -name 'group-' -o -name 'shadow-' -o -name 'gshadow-' \
			   -o -name .pwd.lock \) -prune -o -printf '%p %y %m %u %g\n' |
		while read -r path type rest; do
			# a directory of the machine, copied up because something in it changed
			lower="lower/${path%%/*}/${path#*/upper/}"
			[ "$type" = d ] && [ -d "$lower" ] && continue
			echo "$path $type $rest"
		done
		find /var/log -maxdepth 1 -name 'vigil*'
		getent passwd | grep '_vigil' || true
		getent group | grep '_vigil' || true
	} | sort
}

unit_values() { sed -n "s/^$1=//p" "$UNIT"; }

# systemd's NOTIFY_SOCKET, played by tests/helpers/notify_listen.py: every
# message received goes to $PKG_OVL/notify.log, one per line (newlines as |).
notify_listen() {
	rm -f "$PKG_OVL/notify.sock"
	: > "$PKG_OVL/notify.log"
	python3 "$PKG_REPO/tests/helpers/notify_listen.py" "$PKG_OVL/notify.sock" "$PKG_OVL/notify.log" \
		>/dev/null 2>&1 3>&- &
	echo $! > "$PKG_OVL/notify.pid"
	wait_for 10 grep -q listening "$PKG_OVL/notify.log"
}

# What systemd does for start (Type=notify): ExecStartPre, then ExecStart
# with NOTIFY_SOCKET set, and the service is up at READY=1.
unit_start() {
	local cmd
	while read -r cmd; do $cmd; done < <(unit_values ExecStartPre)
	notify_listen
	NOTIFY_SOCKET="$PKG_OVL/notify.sock" $(unit_values ExecStart) >/dev/null 2>&1 3>&- &
	MAIN=$!
	echo "$MAIN" > "$PKG_OVL/main.pid"
	wait_for 60 grep -q "^READY=1|MAINPID=$MAIN$" "$PKG_OVL/notify.log"
	kill "$(cat "$PKG_OVL/notify.pid")"
	alive "$MAIN"
	test -S /run/vigil/control.sock
	[ "$(cat /run/vigild.pid)" = "$MAIN" ]
}

# What systemd does for stop with KillMode=process: SIGTERM to the main pid.
unit_stop() {
	local main
	main=$(cat "$PKG_OVL/main.pid" 2>/dev/null) || return 0
	kill -TERM "$main" 2>/dev/null || return 0
	wait_for 30 not_alive "$main"
}

demo_pid() { cat "$DEMO_PID" 2>/dev/null; }

@test "package: a fresh machine (no vigil users, directories or files)" {
	for u in $USERS; do
		if getent passwd "$u" >/dev/null; then userdel -f "$u"; fi
		if getent group "$u" >/dev/null; then groupdel "$u"; fi
	done
	rm -rf /var/lib/vigil /run/vigil /etc/vigil /etc/pam.d/vigil /etc/tmpfiles.d/vigil.conf \
		/var/log/vigil.log /run/vigil-pkgtest
	# no man-db index rebuild on every dpkg run: the pages are found without it
	rm -f /var/lib/man-db/auto-update
	! dpkg -s vigil >/dev/null 2>&1
	snapshot > "$PKG_OVL/before"
}

@test "package: dpkg -i installs it" {
	dpkg -i "$PKG_DIR"/vigil_*-1_*.deb
	[ "$(dpkg-query -W -f '${Status}' vigil)" = "install ok installed" ]
	for f in /usr/bin/vigil /usr/sbin/vigild /usr/libexec/vigil/vigil-monitor \
		/usr/libexec/vigil/vigil-webui /usr/libexec/vigil/vigil-auth; do
		[ -x "$f" ] || { echo "missing $f"; return 1; }
	done
	# the children are found where the package put them
	strings /usr/sbin/vigild | grep -qx /usr/libexec/vigil
}

@test "package: the system users exist, _vigilauth in group shadow" {
	for u in $USERS; do
		getent passwd "$u" | awk -F: -v u="$u" '$7 == "/usr/sbin/nologin" && $3 < 1000 { ok = 1 } END { exit !ok }' ||
			{ echo "bad user $u: $(getent passwd "$u")"; return 1; }
	done
	id -nG _vigilauth | tr ' ' '\n' | grep -qx shadow
	grep -qx 'user _vigil' /var/lib/vigil/.created-by-package
}

@test "package: directories, conffiles and their modes" {
	[ "$(stat -c '%a %U %G' /var/lib/vigil)" = "1770 root _vigil" ]
	[ "$(stat -c '%a %U %G' /var/lib/vigil/empty)" = "755 root root" ]
	[ "$(stat -c '%a %U %G' /run/vigil)" = "1775 root _vigil" ]
	[ "$(stat -c '%a %U' /etc/vigil/vigilrc)" = "600 root" ]
	conf=$(dpkg-query -W -f '${Conffiles}' vigil)
	for f in /etc/vigil/vigilrc /etc/pam.d/vigil /etc/logrotate.d/vigil; do
		echo "$conf" | grep -q " $f " || { echo "not a conffile: $f"; return 1; }
	done
	grep -qx 'd /run/vigil 1775 root _vigil -' /usr/lib/tmpfiles.d/vigil.conf
	# the shipped control file is valid
	/usr/bin/vigil -t -c /etc/vigil/vigilrc
}

@test "package: the unit is installed, enabled and verifies with its man pages" {
	[ -f "$UNIT" ]
	[ -L /etc/systemd/system/multi-user.target.wants/vigil.service ]
	run systemd-analyze verify "$UNIT"
	echo "$output"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	# an upgrade restarts the daemon (systemd's part of it)
	grep -q '_dh_action=restart' /var/lib/dpkg/info/vigil.postinst
}

@test "package: man pages are found and render without warnings; bash completes" {
	for p in "1 vigil" "5 vigilrc" "8 vigild"; do
		set -- $p
		f=$(man -w "$1" "$2")
		[ "$f" = "/usr/share/man/man$1/$2.$1.gz" ] || { echo "man -w $p: $f"; return 1; }
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 "$1" "$2" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "$out"; return 1; }
	done
	run bash -c 'source /usr/share/bash-completion/completions/vigil
		COMP_WORDS=(vigil rest); COMP_CWORD=1; _vigil; echo "${COMPREPLY[*]}"'
	[ "$output" = restart ]
}

@test "package: the daemon starts from the unit's ExecStart" {
	mkdir -p /run/vigil-pkgtest
	umask 077
	cat > /etc/vigil/vigilrc <<RC
set daemon 30
set logfile /var/log/vigil.log
check process demo with pidfile $DEMO_PID
    start program = "$DEMO start $DEMO_PID"
    stop program = "$DEMO stop $DEMO_PID"
check file passwd with path /etc/passwd
    if failed permission 644 then alert
RC
	umask 022
	unit_start
	[ "$(cat /proc/"$MAIN"/comm)" = vigild ]
	[ "$(unit_values Type)" = notify ]
	wait_for 30 alive "$(demo_pid)"
	# the monitor runs as _vigil
	mon=$(cat /proc/"$MAIN"/task/*/children | tr ' ' '\n' | grep . | head -1)
	[ "$(stat -c %U /proc/"$mon")" = _vigil ]
	/usr/bin/vigil status demo
	grep -q 'vigild starting' /var/log/vigil.log
}

@test "package: an upgrade keeps the supervised service's pid and vigil's state" {
	demo=$(demo_pid)
	/usr/bin/vigil unmonitor passwd
	wait_for 30 test -s "$STATE"
	/usr/bin/vigil status passwd | grep -qi 'not monitored'
	# a rebuilt package, version bumped
	work=$(mktemp -d)
	dpkg-deb -R "$PKG_DIR"/vigil_*-1_*.deb "$work/root"
	sed -i 's/^Version: \(.*\)-1$/Version: \1-2/' "$work/root/DEBIAN/control"
	dpkg-deb -b "$work/root" "$work/vigil-upgrade.deb" >/dev/null
	# the control file was edited: keep it, as an admin answering dpkg would
	dpkg -i --force-confold "$work/vigil-upgrade.deb"
	rm -rf "$work"
	[ "$(dpkg-query -W -f '${Version}' vigil)" = "$(dpkg-query -W -f '${Version}' vigil | sed 's/-2$//')-2" ]
	grep -q "check process demo" /etc/vigil/vigilrc
	# what the postinst's systemctl restart does: stop (KillMode=process), start
	old=$MAIN
	unit_stop
	unit_start
	[ "$MAIN" != "$old" ]
	[ "$(demo_pid)" = "$demo" ]
	alive "$demo"
	/usr/bin/vigil status passwd | grep -qi 'not monitored'
	/usr/bin/vigil status demo
}

@test "package: remove keeps conffiles and users; purge leaves nothing" {
	demo=$(demo_pid)
	unit_stop
	kill -TERM "$demo" 2>/dev/null || true
	wait_for 30 not_alive "$demo"
	rm -rf /run/vigil-pkgtest
	dpkg -r vigil
	[ ! -e /usr/sbin/vigild ] && [ ! -e /usr/bin/vigil ] && [ ! -e /usr/libexec/vigil ]
	[ -f /etc/vigil/vigilrc ]
	getent passwd _vigil >/dev/null
	dpkg -P vigil
	! dpkg -s vigil >/dev/null 2>&1
	snapshot > "$PKG_OVL/after"
	diff "$PKG_OVL/before" "$PKG_OVL/after"
}

@test "package: purge keeps users and directories it did not create" {
	# as a source install does it: make users, setup-dirs.sh
	sh "$PKG_REPO/scripts/make-users.sh"
	sh "$PKG_REPO/scripts/setup-dirs.sh"
	snapshot > "$PKG_OVL/before2"
	dpkg -i "$PKG_DIR"/vigil_*-1_*.deb
	[ ! -e /var/lib/vigil/.created-by-package ] || ! grep -q user /var/lib/vigil/.created-by-package
	dpkg -P vigil
	for u in $USERS; do getent passwd "$u" >/dev/null; done
	[ -d /var/lib/vigil ]
	snapshot > "$PKG_OVL/after2"
	# /etc/vigil is a directory the package ships: dpkg removes it when it
	# is empty, whoever made it first.  Nothing else may differ.
	run diff "$PKG_OVL/before2" "$PKG_OVL/after2"
	echo "$output"
	[ "$(echo "$output" | grep '^[<>]')" = "< etc/upper/vigil d 755 root root" ]
}
