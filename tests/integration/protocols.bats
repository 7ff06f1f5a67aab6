#!/usr/bin/env bats
# Protocol tests against real servers from Debian (and scripted servers
# where Debian has none), each on a free loopback port.  For every
# protocol: the real server passes; an impostor that accepts TCP (or UDP)
# and answers "NOT-A-PROTOCOL 42" fails with the protocol named in the
# reason; a stopped server fails; the server back raises "succeeded".

load helpers
load servers

# name:transport of every protocol test
PROTOS="http:tcp smtp:tcp ssh:tcp redis:tcp mysql:tcp pgsql:tcp memcache:tcp
imap:tcp pop:tcp lmtp:tcp ftp:tcp dns:tcp ntp3:udp ldap3:tcp mqtt:tcp rsync:tcp
clamav:tcp nntp:tcp sieve:tcp spamassassin:tcp postfix-policy:tcp gps:tcp
fail2ban:tcp websocket:tcp mongodb:tcp rdate:tcp sip:udp radius:udp
apache-status:tcp dwp:tcp tns:tcp"

setup_file() {
	it_require_root
	it_init
	local rc="" p name tr
	for p in $PROTOS https smtps; do
		name=${p%%:*}
		export "PORT_${name//-/_}=$(it_free_port)"
	done
	for p in $PROTOS; do
		name=${p%%:*}
		tr=${p##*:}
		rc+="
check host p_$name with address 127.0.0.1
    if failed port $(srv_port "$name") type $tr protocol $name with timeout 4 seconds then alert"
	done
	srv_make_cert "$(srv_dir nginx)"
	local fp
	fp=$(openssl x509 -in "$(srv_dir nginx)/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
	rc+="
check host https_pinned with address 127.0.0.1
    if failed port $PORT_https type tcpssl certmd5 $fp protocol https
       with timeout 4 seconds then alert
check host https_wrongpin with address 127.0.0.1
    if failed port $PORT_https type tcpssl certmd5 $(printf '%064d' 0) protocol https
       with timeout 4 seconds then alert
check host smtp_starttls with address 127.0.0.1
    if failed port $PORT_smtps protocol smtps certificate valid > 5 days
       with timeout 4 seconds then alert
check host smtp_no_starttls with address 127.0.0.1
    if failed port $PORT_smtp protocol smtps with timeout 4 seconds then alert
check host https_ok with address 127.0.0.1
    if failed port $PORT_https type tcpssl protocol https request \"/page.html\"
       content = \"hello w.rld\" certificate valid > 5 days with timeout 4 seconds then alert
check host https_expiring with address 127.0.0.1
    if failed port $PORT_https type tcpssl protocol https certificate valid > 30 days
       with timeout 4 seconds then alert
check host http_content with address 127.0.0.1
    if failed port $PORT_http protocol http request \"/page.html\" content = \"goodbye\"
       with timeout 4 seconds then alert
check host url_auth with address 127.0.0.1
    if failed url http://user:pass@127.0.0.1:$PORT_http/secret/ content = \"secret\"
       with timeout 4 seconds then alert
check host url_badauth with address 127.0.0.1
    if failed url http://user:wrong@127.0.0.1:$PORT_http/secret/ with timeout 4 seconds then alert
check host apache_busy with address 127.0.0.1
    if failed port $PORT_apache_status protocol apache-status waitlimit < 90% or
       replylimit > 50% with timeout 4 seconds then alert
check host dns_udp with address 127.0.0.1
    if failed port $PORT_dns type udp protocol dns with timeout 4 seconds then alert
"
	it_write_rc "$rc"
	for p in $PROTOS; do
		srv_start "${p%%:*}" || { echo "cannot start ${p%%:*}" >&2; return 1; }
	done
	srv_start smtps
	it_start
}

teardown_file() {
	local f
	for f in "$IT"/srv/*.pid; do
		[ -e "$f" ] && srv_kill_pidfile "$f"
	done
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

# Wait until NAME is "OK" with a port response of protocol UP.
await_ok() {
	local name=$1 up=$2 i
	for i in $(seq 1 80); do
		it_vigil validate >/dev/null 2>&1 || true
		if it_vigil status "$name" 2>/dev/null | grep -Eq "^ *status +OK$" &&
		    port_response "$name" | grep -Eq "^127\.0\.0\.1:[0-9]+: $up: "; then
			return 0
		fi
		sleep 0.25
	done
	echo "service $name: not OK; port response '$(port_response "$name")'" >&2
	return 1
}

# The four claims for one protocol.
protocol_cycle() {
	local name=$1 transport=$2 up
	up=$(tr 'a-z' 'A-Z' <<<"$name")
	await_ok "p_$name" "$up"
	srv_stop "$name"
	srv_impostor "$name" "$transport"
	await_response "p_$name" "^127\.0\.0\.1:[0-9]+: $up: .*(NOT-A-PROTOCOL|expected|not a|not an|shorter|is not|not to our)"
	it_wait 10 grep -q "service 'p_$name': Connection failed: .*: $up: " "$IT/vigild.log"
	srv_stop_impostor "$name"
	await_response "p_$name" "connection refused|Connection refused|cannot connect"
	srv_start "$name"
	await_ok "p_$name" "$up"
	it_wait 10 grep -q "service 'p_$name': Connection succeeded" "$IT/vigild.log"
}

@test "http: nginx passes, an impostor and a stopped server fail, recovery succeeds" { protocol_cycle http tcp; }
@test "smtp: aiosmtpd" { protocol_cycle smtp tcp; }
@test "ssh: openssh-server" { protocol_cycle ssh tcp; }
@test "redis: redis-server" { protocol_cycle redis tcp; }
@test "mysql: mariadb" { protocol_cycle mysql tcp; }
@test "pgsql: postgresql" { protocol_cycle pgsql tcp; }
@test "memcache: memcached" { protocol_cycle memcache tcp; }
@test "imap: dovecot" { protocol_cycle imap tcp; }
@test "pop: dovecot" { protocol_cycle pop tcp; }
@test "lmtp: dovecot" { protocol_cycle lmtp tcp; }
@test "ftp: vsftpd" { protocol_cycle ftp tcp; }
@test "dns: dnsmasq over TCP" { protocol_cycle dns tcp; }
@test "ntp3: chrony over UDP" { protocol_cycle ntp3 udp; }
@test "ldap3: slapd" { protocol_cycle ldap3 tcp; }
@test "mqtt: mosquitto" { protocol_cycle mqtt tcp; }
@test "rsync: rsync daemon" { protocol_cycle rsync tcp; }
@test "clamav: scripted clamd" { protocol_cycle clamav tcp; }
@test "nntp: scripted server" { protocol_cycle nntp tcp; }
@test "sieve: dovecot-managesieved" { protocol_cycle sieve tcp; }
@test "spamassassin: scripted spamd" { protocol_cycle spamassassin tcp; }
@test "postfix-policy: scripted policy server" { protocol_cycle postfix-policy tcp; }
@test "gps: scripted gpsd" { protocol_cycle gps tcp; }
@test "fail2ban: scripted socket" { protocol_cycle fail2ban tcp; }
@test "websocket: scripted upgrade" { protocol_cycle websocket tcp; }
@test "mongodb: scripted OP_MSG" { protocol_cycle mongodb tcp; }
@test "rdate: scripted RFC 868" { protocol_cycle rdate tcp; }
@test "sip: scripted OPTIONS over UDP" { protocol_cycle sip udp; }
@test "radius: scripted Status-Server over UDP" { protocol_cycle radius udp; }

@test "apache-status: scripted mod_status page" { protocol_cycle apache-status tcp; }
@test "dwp: scripted Domino web server (HEAD / with Host)" { protocol_cycle dwp tcp; }
@test "tns: scripted Oracle listener (ping answered by a refuse packet)" { protocol_cycle tns tcp; }

@test "apache-status: a limit that holds fails the test" {
	await_response apache_busy "APACHE-STATUS: 80% of 10 slots waiting \(waitlimit < 90%\)"
}

@test "https: the request is sent after the handshake, content and certificate checked" {
	await_response https_ok "HTTP: status 200, 12 bytes of content as expected"
	await_response https_expiring "certificate valid for (9|10) days, expected > 30 days"
}

@test "https: certmd5 takes a SHA256 fingerprint with colons; a wrong one fails" {
	await_response https_pinned "HTTP: status 200"
	await_response https_wrongpin "certificate checksum is [0-9a-f]{64}, expected 0{64}"
}

@test "smtps on a port other than 465: STARTTLS, and its absence fails" {
	await_response smtp_starttls "SMTP: greeting 220, EHLO 250, QUIT 221 over TLS"
	await_response smtp_no_starttls "SMTP: server does not offer STARTTLS"
}

@test "http: content = is compared (a page that changed fails)" {
	await_response http_content "HTTP: content of 12 bytes does not match 'goodbye'"
}

@test "url: basic auth from user:pass in the url" {
	await_response url_auth "HTTP: status 200"
	await_response url_badauth "HTTP: status 401, expected below 400"
}

@test "dns: dnsmasq over UDP" {
	await_response dns_udp "DNS: server answered"
}
