#!/usr/bin/env bats
# TLS of connection tests against real servers: certificate verification
# (`ssl { verify: enable, cacertificatefile: ... }`) with nginx serving a
# certificate signed by a test CA, and a self-signed one; STARTTLS for IMAP
# and POP with dovecot; mysqls (the SSL request) with MariaDB.

load helpers
load servers

setup_file() {
	it_require_root
	command -v nginx >/dev/null || it_need "needs nginx"
	it_init
	local p
	for p in ca self imap pop lmtp sieve mysql; do
		export "PORT_$p=$(it_free_port)"
	done
	local d="$IT/pki"
	mkdir -p "$d"
	# a test CA, and a server certificate it signed for a name and 127.0.0.1
	openssl req -x509 -newkey rsa:2048 -nodes -days 5 -subj /CN=vigil-test-ca \
	    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=vigil-test.example \
	    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=DNS:vigil-test.example,IP:127.0.0.1\n' > "$d/san.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
	    -CAcreateserial -days 5 -extfile "$d/san.ext" -out "$d/server.crt" 2>/dev/null
	# a self-signed one
	openssl req -x509 -newkey rsa:2048 -nodes -days 5 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 \
	    -keyout "$d/self.key" -out "$d/self.crt" 2>/dev/null
	chmod 0644 "$d"/*
	mkdir -p "$d/www"
	echo "hello tls" > "$d/www/index.html"
	srv_nginx "$d" "$PORT_ca" "\
  server {
    listen 127.0.0.1:$PORT_ca ssl;
    ssl_certificate $d/server.crt;
    ssl_certificate_key $d/server.key;
    root $d/www;
  }
  server {
    listen 127.0.0.1:$PORT_self ssl;
    ssl_certificate $d/self.crt;
    ssl_certificate_key $d/self.key;
    root $d/www;
  }" || return 1
	local to="with timeout 4 seconds then alert"
	it_write_rc "
check host ca_given with address 127.0.0.1
    if failed port $PORT_ca protocol https
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
check host ca_path with address 127.0.0.1
    if failed port $PORT_ca type tcpssl
       ssl options { verify: enable, cacertificatepath: $d/hashed } $to
check host ca_missing with address 127.0.0.1
    if failed port $PORT_ca protocol https ssl { verify: enable } $to
check host wrong_name with address 127.0.0.1
    if failed port $PORT_ca protocol https hostheader \"wrong.example\"
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
check host right_name with address 127.0.0.1
    if failed port $PORT_ca protocol https hostheader \"vigil-test.example\"
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
check host not_verified with address 127.0.0.1
    if failed port $PORT_ca protocol https $to
check host self_rejected with address 127.0.0.1
    if failed port $PORT_self protocol https ssl { verify: enable } $to
check host self_allowed with address 127.0.0.1
    if failed port $PORT_self protocol https
       ssl { verify: enable, selfsigned: allow } $to
check host imap_starttls with address 127.0.0.1
    if failed port $PORT_imap protocol imaps
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
check host pop_starttls with address 127.0.0.1
    if failed port $PORT_pop protocol pops
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
check host imap_starttls_untrusted with address 127.0.0.1
    if failed port $PORT_imap protocol imaps ssl { verify: enable } $to
check host imap_plain with address 127.0.0.1
    if failed port $PORT_imap protocol imap $to
check host mysqls_verified with address 127.0.0.1
    if failed port $PORT_mysql protocol mysqls
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
check host mysqls_untrusted with address 127.0.0.1
    if failed port $PORT_mysql protocol mysqls ssl { verify: enable } $to
check host tls_to_plain with address 127.0.0.1
    if failed port $PORT_imap type tcpssl $to
check host url_verified with address 127.0.0.1
    if failed url https://127.0.0.1:$PORT_ca/
       ssl { verify: enable, cacertificatefile: $d/ca.crt } $to
"
	# cacertificatepath: a c_rehash directory
	mkdir -p "$d/hashed"
	cp "$d/ca.crt" "$d/hashed/"
	openssl rehash "$d/hashed" 2>/dev/null || c_rehash "$d/hashed" >/dev/null
	SRV_DOVECOT_CERT=$d/server.crt SRV_DOVECOT_KEY=$d/server.key srv_start imap ||
	    { cat "$(srv_dir dovecot)/dovecot.log" >&2; return 1; }
	SRV_MYSQL_ARGS="--ssl-cert=$d/server.crt --ssl-key=$d/server.key" srv_start mysql ||
	    { cat "$IT/srv/mysql.log" >&2; return 1; }
	it_start
}

teardown_file() {
	srv_kill_pidfile "$IT/srv/nginx.pid"
	srv_stop imap
	srv_stop mysql
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "verify: a certificate signed by the CA given in cacertificatefile passes" {
	await_response ca_given "^127\.0\.0\.1:[0-9]+: HTTP: status 200"
	await_response url_verified "HTTP: status 200"
	await_response ca_path "connected over TLS, certificate verified"
}

@test "verify: without the CA the chain fails, and the reason says what to do" {
	await_response ca_missing "certificate verify failed: unable to get local issuer certificate for 127\.0\.0\.1 \(depth 0, subject .*CN ?= ?vigil-test\.example\): give its CA with ssl \{ cacertificatefile: FILE \}"
	it_wait 10 grep -q "service 'ca_missing': Connection failed: .*certificate verify failed" "$IT/vigild.log"
}

@test "verify: the host name is checked (hostheader names the server)" {
	await_response wrong_name "certificate verify failed: hostname mismatch for wrong\.example"
	await_response right_name "HTTP: status 200"
}

@test "verify: Monit's default is kept: a test without verify trusts any certificate" {
	await_response not_verified "HTTP: status 200"
	run it_vigil -t
	echo "$output"
	[[ "$output" == *"is not verified, as in Monit"* ]]
}

@test "verify: a self-signed certificate fails unless selfsigned: allow" {
	await_response self_rejected "certificate verify failed: self-signed certificate for 127\.0\.0\.1 .*selfsigned: allow"
	await_response self_allowed "HTTP: status 200"
}

@test "imaps and pops on a port other than 993/995: STARTTLS (STLS) with dovecot, certificate verified" {
	await_response imap_starttls "IMAP: greeting \* OK, STARTTLS OK, LOGOUT OK over TLS"
	await_response pop_starttls "POP: greeting \+OK, STLS \+OK, QUIT \+OK over TLS"
	await_response imap_starttls_untrusted "certificate verify failed: unable to get local issuer certificate"
	await_response imap_plain "IMAP: greeting \* OK, LOGOUT OK$"
}

@test "mysqls: the SSL request after MariaDB's handshake, TLS, then a login answered over TLS" {
	await_response mysqls_verified "MYSQL: server version '.*MariaDB.*', TLS, login answered with error [0-9]+ 'Access denied for user .x27vigil"
	await_response mysqls_untrusted "certificate verify failed: unable to get local issuer certificate"
	run it_vigil -t
	[[ "$output" != *"mysqls"* ]]
}

@test "a failed handshake says what OpenSSL saw (TLS spoken to a plain-text server)" {
	await_response tls_to_plain "^127\.0\.0\.1:$PORT_imap: TLS handshake failed \([a-z].+\)$"
}
