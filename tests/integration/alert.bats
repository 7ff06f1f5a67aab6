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
	it_sanitizer_check
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

# Five file services whose actions make five distinct events, in order.
FIVE_FILES='
check file f1 with path /etc/hostname
check file f2 with path /etc/hostname
check file f3 with path /etc/hostname
check file f4 with path /etc/hostname
check file f5 with path /etc/hostname
'

# The subjects of the received mails, in arrival order.
subjects() {
	local f
	for f in "$1"/*.eml; do
		[ -f "$f" ] || continue
		sed -n 's/^Subject: //p' "$f" | tr -d '\r'
	done
}

queue_count() { find "$IT/queue" -name '*.evq' | wc -l; }
queue_has() { [ "$(queue_count)" -eq "$1" ]; }

make_queue_dir() {
	install -d -o _vigil -g _vigil -m 0700 "$IT/queue"
}

@test "only on and not on filters pick the recipients" {
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set mailserver 127.0.0.1 port $port
set alert all@example.com
set alert actions@example.com only on { action }
set alert noactions@example.com but not on { action, instance }
set alert timeouts@example.com only on { timeout }
$FIVE_FILES
  alert mine@example.com not on { instance }
  noalert all@example.com
"
	it_start
	it_vigil unmonitor f5
	it_vigil unmonitor f1
	it_wait 60 mail_at_least "$IT/mail" 3
	sleep 2
	# f1: all + actions; f5: actions + its own; never noactions or timeouts
	[ "$(grep -l '^To: actions@example.com' "$IT"/mail/*.eml | xargs grep -l 'Action done f1' | wc -l)" = 1 ]
	[ "$(grep -l '^To: all@example.com' "$IT"/mail/*.eml | xargs grep -l 'Action done f1' | wc -l)" = 1 ]
	[ "$(grep -l '^To: mine@example.com' "$IT"/mail/*.eml | xargs grep -l 'Action done f5' | wc -l)" = 1 ]
	[ "$(grep -l '^To: actions@example.com' "$IT"/mail/*.eml | xargs grep -l 'Action done f5' | wc -l)" = 1 ]
	[ "$(grep -l '^To: all@example.com' "$IT"/mail/*.eml | xargs grep -l 'Action done f5' | wc -l)" = 0 ]
	[ "$(grep -l '^To: noactions@example.com' "$IT"/mail/*.eml | xargs grep -l 'Action done' | wc -l)" = 0 ]
	[ "$(grep -l '^To: timeouts@example.com' "$IT"/mail/*.eml | wc -l)" = 0 ]
	# the start-up's instance event reached all@ (no filter), not noactions@
	grep -l '^To: all@example.com' "$IT"/mail/*.eml | xargs grep -q 'Monit instance changed'
	! grep -l '^To: noactions@example.com' "$IT"/mail/*.eml | xargs grep -q 'Monit instance changed'
}

@test "a dead first mail server fails over to the live second" {
	dead=$(it_free_port)
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set mailserver 127.0.0.1 port $dead, 127.0.0.1 port $port with timeout 10 seconds
    using hostname \"mail.vigil.test\"
set alert ops@example.com
"
	it_start
	it_vigil unmonitor rc
	it_wait 60 mail_at_least "$IT/mail" 1 "Action done rc"
	grep -q "mail server 127.0.0.1:$dead: .*refused" "$IT/vigild.log"
	grep -q "alert mailed to ops@example.com via 127.0.0.1:$port" "$IT/vigild.log"
	f=$(grep -l "Action done rc" "$IT"/mail/*.eml | head -1)
	grep -q '^ehlo mail.vigil.test$' "${f%.eml}.env"
}

make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IT/key.pem" \
	    -out "$IT/cert.pem" -days 2 -subj /CN=localhost \
	    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
}

@test "STARTTLS is used when offered, with AUTH" {
	make_cert
	port=$(it_free_port)
	sink_start "$IT/mail" "$port" --starttls "$IT/cert.pem" "$IT/key.pem" --auth alice:s3cret
	it_write_rc "
set mailserver 127.0.0.1 port $port username \"alice\" password \"s3cret\"
set alert ops@example.com not on { instance }
"
	it_start
	it_vigil unmonitor rc
	it_wait 60 mail_at_least "$IT/mail" 1 "Action done rc"
	f=$(grep -l "Action done rc" "$IT"/mail/*.eml | head -1)
	cat "${f%.eml}.env"
	grep -q '^tls yes' "${f%.eml}.env"
	grep -q '^auth alice ' "${f%.eml}.env"
}

@test "implicit TLS (using ssl) with AUTH, and a wrong password is refused" {
	make_cert
	port=$(it_free_port)
	sink_start "$IT/mail" "$port" --tls "$IT/cert.pem" "$IT/key.pem" --auth alice:s3cret
	it_write_rc "
set mailserver 127.0.0.1 port $port username \"alice\" password \"s3cret\" using ssl
set alert ops@example.com not on { instance }
"
	it_start
	it_vigil unmonitor rc
	it_wait 60 mail_at_least "$IT/mail" 1 "Action done rc"
	f=$(grep -l "Action done rc" "$IT"/mail/*.eml | head -1)
	grep -q '^tls yes' "${f%.eml}.env"
	grep -q '^auth alice ' "${f%.eml}.env"
	it_stop
	sed -i 's/password "s3cret"/password "wrong"/' "$IT/rc"
	: > "$IT/vigild.log"
	it_start
	it_vigil monitor rc
	it_wait 60 grep -q "authentication refused: 535" "$IT/vigild.log"
	it_wait 60 grep -q "alert lost: service 'rc': Action done" "$IT/vigild.log"
	[ "$(mail_count "$IT/mail" "Action done rc")" = 1 ]
}

@test "the server stopped while five events happen: all five arrive, in order, once each" {
	make_queue_dir
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	sink=$SINK_LAST
	it_write_rc "
set mailserver 127.0.0.1 port $port
set eventqueue basedir $IT/queue slots 100
set mail-format { subject: \$SERVICE \$EVENT }
set alert ops@example.com only on { action }
$FIVE_FILES
"
	it_start
	sink_stop "$sink"
	for i in 1 2 3 4 5; do
		it_vigil unmonitor f$i
		it_wait 30 queue_has $i
	done
	[ "$(mail_count "$IT/mail")" = 0 ]
	sleep 2
	back=$(date +%s)
	sink_start "$IT/mail" "$port"
	it_wait 90 mail_at_least "$IT/mail" 5
	it_wait 30 queue_has 0
	sleep 3
	run subjects "$IT/mail"
	echo "$output"
	[ "$output" = "$(printf 'f%s Action done\n' 1 2 3 4 5)" ]
	# one connection for the batch, one mail per event
	[ "$(cat "$IT"/mail/*.env | grep '^session ' | sort -u | wc -l)" = 1 ]
	# each mail carries the date of its event, not of its delivery
	for f in "$IT"/mail/*.eml; do
		d=$(sed -n 's/^Date: //p' "$f" | tr -d '\r')
		[ "$(date -d "$d" +%s)" -lt "$back" ]
	done
}

@test "kill -9 of the monitor while mail is queued loses nothing" {
	make_queue_dir
	port=$(it_free_port)
	it_write_rc "
set mailserver 127.0.0.1 port $port
set eventqueue basedir $IT/queue
set mail-format { subject: \$SERVICE \$EVENT at \$DATE }
set alert ops@example.com only on { action }
$FIVE_FILES
"
	it_start
	for i in 1 2 3; do
		it_vigil unmonitor f$i
		it_wait 30 queue_has $i
	done
	mon=$(it_child_by_name vigil-monitor)
	[ -n "$mon" ]
	kill -KILL "$mon"
	it_wait 30 eval '[ -n "$(it_child_by_name vigil-monitor)" ] && [ "$(it_child_by_name vigil-monitor)" != "$mon" ]'
	queue_has 3
	sink_start "$IT/mail" "$port"
	it_wait 90 mail_at_least "$IT/mail" 3
	it_wait 30 queue_has 0
	run subjects "$IT/mail"
	echo "$output"
	[ "$(echo "$output" | cut -d' ' -f1-3)" = "$(printf 'f%s Action done\n' 1 2 3)" ]
}

@test "vigil -t warns when alerts go nowhere and when the queue directory is unusable" {
	# a queue directory anyone may write: planted alerts (a missing one is
	# made at start, in its place or under /var/lib/vigil: core/paths.c)
	install -d -m 0777 "$IT/open"
	it_write_rc "
set eventqueue basedir $IT/open
"
	run "$VIGIL_BUILD/vigil" -t -c "$IT/rc"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rules say 'alert' but nobody is alerted"* ]]
	[[ "$output" == *"event queue directory $IT/open"*"install -d -o _vigil -m 0700 $IT/open"* ]]
	it_write_rc "
set alert ops@example.com
"
	run "$VIGIL_BUILD/vigil" -t -c "$IT/rc"
	echo "$output"
	[[ "$output" == *"no 'set mailserver'"* ]]
}

@test "set ssl { verify: enable } refuses a self-signed mail server unless selfsigned: allow" {
	make_cert
	port=$(it_free_port)
	sink_start "$IT/mail" "$port" --tls "$IT/cert.pem" "$IT/key.pem"
	it_write_rc "
set ssl { verify: enable }
set mailserver 127.0.0.1 port $port using tls
set alert ops@example.com only on { action }
"
	it_start
	it_vigil unmonitor rc
	it_wait 60 grep -q "mail server 127.0.0.1:$port: TLS certificate not trusted" "$IT/vigild.log"
	it_wait 30 grep -q "alert lost: service 'rc': Action done" "$IT/vigild.log"
	[ "$(mail_count "$IT/mail")" = 0 ]
	it_stop
	sed -i 's/set ssl { verify: enable }/set ssl { verify: enable, selfsigned: allow }/' "$IT/rc"
	it_start
	it_vigil monitor rc
	it_wait 60 mail_at_least "$IT/mail" 1 "Action done rc"
}

@test "set ssl { cacertificatefile } decides which mail server certificates are trusted" {
	make_cert
	# another CA: the server's certificate is not among its certificates
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IT/other.key" \
	    -out "$IT/other.pem" -days 2 -subj /CN=other 2>/dev/null
	port=$(it_free_port)
	sink_start "$IT/mail" "$port" --tls "$IT/cert.pem" "$IT/key.pem"
	it_write_rc "
set ssl { verify: enable, cacertificatefile: $IT/other.pem }
set mailserver 127.0.0.1 port $port using tls
set alert ops@example.com only on { action }
"
	it_start
	it_vigil unmonitor rc
	it_wait 60 grep -q "mail server 127.0.0.1:$port: TLS certificate not trusted: self-signed certificate" "$IT/vigild.log"
	[ "$(mail_count "$IT/mail")" = 0 ]
	it_stop
	# the server's own certificate as the CA: trusted, no selfsigned needed
	sed -i "s|cacertificatefile: $IT/other.pem|cacertificatefile: $IT/cert.pem|" "$IT/rc"
	it_start
	it_vigil monitor rc
	it_wait 60 mail_at_least "$IT/mail" 1 "Action done rc"
}

@test "event queue slots: what does not fit is named in the log, then lost by name" {
	make_queue_dir
	port=$(it_free_port)
	it_write_rc "
set mailserver 127.0.0.1 port $port
set eventqueue basedir $IT/queue slots 2
set alert ops@example.com only on { action }
$FIVE_FILES
"
	it_start
	for i in 1 2 3; do
		it_vigil unmonitor f$i
	done
	it_wait 30 grep -q "alert for service 'f3' (Action done) not queued: the event queue is full" "$IT/vigild.log"
	it_wait 30 grep -q "alert lost: service 'f3': Action done, to ops@example.com" "$IT/vigild.log"
	queue_has 2
	! grep -q "alert lost: service 'f[12]'" "$IT/vigild.log"
}

@test "reminder on N cycles repeats the alert while the failure lasts" {
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set daemon 1
set mailserver 127.0.0.1 port $port
set alert once@example.com only on { nonexist }
set alert ops@example.com only on { nonexist } with reminder on 2 cycles
check file gone with path $IT/no-such-file
    if does not exist then alert
"
	it_start
	it_wait 60 eval '[ "$(grep -l "^To: ops@example.com" "$IT"/mail/*.eml | xargs grep -l "Does not exist gone" | wc -l)" -ge 3 ]'
	# the one without a reminder got the failure once
	[ "$(grep -l '^To: once@example.com' "$IT"/mail/*.eml | xargs grep -l 'Does not exist gone' | wc -l)" = 1 ]
}

@test "a watched log line (sshd's Accepted) reaches the auditor's inbox" {
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	: > "$IT/auth.log"
	it_write_rc "
set daemon 1
set mailserver 127.0.0.1 port $port
set alert auditor@example.com only on { content }
set mail-format { subject: \$SERVICE: \$DESCRIPTION }
check file authlog with path $IT/auth.log
    if content = \"Accepted\" then alert
"
	it_start
	sleep 2
	echo "sshd[2]: Accepted publickey for alice from 10.0.0.2 port 2 ssh2" >> "$IT/auth.log"
	it_wait 60 mail_at_least "$IT/mail" 1 "Accepted publickey for alice from 10.0.0.2"
	f=$(grep -l "for alice" "$IT"/mail/*.eml | head -1)
	grep -q "^To: auditor@example.com" "$f"
	grep -q "^Subject: authlog: content matches in 1 line(s), first: 'sshd\[2\]: Accepted publickey for alice from 10.0.0.2" "$f"
}

@test "a start program that fails is mailed once as Execution failed" {
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set daemon 1
set mailserver 127.0.0.1 port $port
set alert ops@example.com only on { exec }
check process broken with pidfile $IT/broken.pid
    start program = \"/bin/false\"
"
	it_start
	it_wait 60 mail_at_least "$IT/mail" 1 "Execution failed broken"
	f=$(grep -l "Execution failed broken" "$IT"/mail/*.eml | head -1)
	grep -q "Description: the program exited with status 1" "$f"
	# it keeps failing, every cycle; the mail said so once
	it_wait 30 eval '[ "$(grep -c "service .broken.: Execution failed" "$IT/vigild.log")" -ge 3 ]'
	sleep 2
	[ "$(mail_count "$IT/mail" "Execution failed broken")" = 1 ]
}

@test "access events: CLI actions, refusals and web logins reach only who asked for them" {
	command -v curl >/dev/null || it_need "needs curl"
	getent passwd nobody >/dev/null || it_need "no user nobody"
	port=$(it_free_port)
	web=$(it_free_port)
	sink_start "$IT/mail" "$port"
	export IT_CTL_ALLOW="allow nobody read-only"
	it_write_rc "
set mailserver 127.0.0.1 port $port
set alert auditor@example.com only on { access }
set alert ops@example.com
set mail-format { subject: \$EVENT \$SERVICE: \$DESCRIPTION }
set httpd port $web address 127.0.0.1
    allow admin:\"admin-pw\"
"
	it_start
	it_vigil unmonitor rc
	it_wait 60 mail_at_least "$IT/mail" 1 "^Subject: Access rc: uid 0 asked (vigil unmonitor rc): done"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$VIGIL_BUILD/vigil" --socket "$IT_SOCK" stop demo || true
	it_wait 60 mail_at_least "$IT/mail" 1 "^Subject: Access refused .*refused on the control socket: read-only access"
	it_wait 15 curl -s -o /dev/null "http://127.0.0.1:$web/"
	rm -f "$IT/jar"
	it_curl "$IT/jar" -L "http://127.0.0.1:$web/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" admin admin-pw)
	it_curl "$IT/jar" -X POST --data "$(sed -n 2p <<<"$form")" \
		"http://127.0.0.1:$web$(sed -n 1p <<<"$form")" >/dev/null
	it_wait 60 mail_at_least "$IT/mail" 1 "^Subject: Access .*web user 'admin' logged in (role"
	sleep 2
	# every access mail went to the auditor, none to ops (no filter: Monit's events only)
	[ "$(grep -l '^Subject: Access' "$IT"/mail/*.eml | xargs grep -l '^To: ops@example.com' | wc -l)" = 0 ]
	[ "$(grep -l '^Subject: Access' "$IT"/mail/*.eml | xargs grep -l '^To: auditor@example.com' | wc -l)" -ge 3 ]
	# ops still got the action itself
	grep -l '^To: ops@example.com' "$IT"/mail/*.eml | xargs grep -q '^Subject: Action done rc'
}

@test "with an event queue, the instance's stop is mailed at the next start, before its start" {
	make_queue_dir
	port=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set mailserver 127.0.0.1 port $port
set eventqueue basedir $IT/queue
set mail-format { subject: \$EVENT: \$DESCRIPTION }
set alert ops@example.com only on { instance }
"
	it_start
	it_wait 60 mail_at_least "$IT/mail" 1 "vigil started"
	it_stop
	queue_has 1
	it_start
	it_wait 60 mail_at_least "$IT/mail" 3
	it_wait 30 queue_has 0
	run subjects "$IT/mail"
	echo "$output"
	[ "$output" = "$(printf 'Monit instance changed: vigil %s on %s\n' started "$(hostname)" stopped "$(hostname)" started "$(hostname)")" ]
}

@test "failed web logins and the lockout reach the auditor, coalesced: a flood is not a mail per guess" {
	command -v curl >/dev/null || it_need "needs curl"
	port=$(it_free_port)
	web=$(it_free_port)
	sink_start "$IT/mail" "$port"
	it_write_rc "
set mailserver 127.0.0.1 port $port
set alert auditor@example.com only on { access }
set alert ops@example.com
set mail-format { subject: \$EVENT \$SERVICE: \$DESCRIPTION }
set httpd port $web address 127.0.0.1
    allow admin:\"admin-pw\"
"
	it_start
	it_wait 15 curl -s -o /dev/null "http://127.0.0.1:$web/"
	# a wrong password on the Basic-auth API
	code=$(curl -s -o /dev/null -w '%{http_code}' -u admin:wrong \
		"http://127.0.0.1:$web/_status?format=xml")
	[ "$code" = 401 ]
	it_wait 60 mail_at_least "$IT/mail" 1 \
		"^Subject: Access refused .*web login refused for user 'admin' from 127.0.0.1: wrong password"
	f=$(grep -l "web login refused for user 'admin'" "$IT"/mail/*.eml | head -1)
	grep -q '^To: auditor@example.com' "$f"
	grep -q "web login refused for user 'admin' from 127.0.0.1: wrong password" "$IT/vigild.log"
	# a wrong password in the login form, as another user
	rm -f "$IT/jar"
	it_curl "$IT/jar" -L "http://127.0.0.1:$web/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" mallory guess)
	it_curl "$IT/jar" -X POST --data "$(sed -n 2p <<<"$form")" \
		"http://127.0.0.1:$web$(sed -n 1p <<<"$form")" >/dev/null || true
	it_wait 60 mail_at_least "$IT/mail" 1 "^Subject: Access refused .*user 'mallory' from 127.0.0.1"
	# a guesser: twenty more wrong passwords run into the lockout
	for i in $(seq 1 20); do
		curl -s -o /dev/null -u "admin:guess$i" "http://127.0.0.1:$web/_status?format=xml" || true
	done
	it_wait 60 mail_at_least "$IT/mail" 1 \
		"^Subject: Access refused .*user 'admin' from 127.0.0.1: too many failed attempts"
	sleep 3
	# 22 refusals, 3 mails in this interval: admin wrong password, mallory,
	# admin locked out (the rest is counted and mailed when it ends)
	[ "$(mail_count "$IT/mail" '^Subject: Access refused')" = 3 ]
	[ "$(grep -l '^Subject: Access refused' "$IT"/mail/*.eml | xargs grep -l '^To: ops@example.com' | wc -l)" = 0 ]
}
