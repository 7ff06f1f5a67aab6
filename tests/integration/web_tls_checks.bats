#!/usr/bin/env bats
# TLS as the hardening guide asks: client certificates from `clientpemfile`,
# self-signed ones only with `allowselfcertification` (Monit); the key file
# refused when group or others may read it; `vigil -t` refuses what would
# stop the web process at start (a missing pemfile, an allow host that does
# not resolve).

load helpers

setup() {
	it_require_root
	command -v openssl >/dev/null || it_need "needs openssl"
	command -v curl >/dev/null || it_need "needs curl"
	it_init
	IT_PORT=$(it_free_port)
	export IT_PORT
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-keyout "$IT/key.pem" -out "$IT/cert.pem" 2>/dev/null
	cat "$IT/key.pem" "$IT/cert.pem" > "$IT/vigil.pem"
	chmod 0600 "$IT/vigil.pem" "$IT/key.pem"
	# A self-signed client certificate.
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=self-client \
		-keyout "$IT/self.key" -out "$IT/self.crt" 2>/dev/null
	# A small CA and a client certificate it signed.
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca \
		-keyout "$IT/ca.key" -out "$IT/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=ca-client \
		-keyout "$IT/client.key" -out "$IT/client.csr" 2>/dev/null
	openssl x509 -req -in "$IT/client.csr" -CA "$IT/ca.crt" -CAkey "$IT/ca.key" \
		-CAcreateserial -days 1 -out "$IT/client.crt" 2>/dev/null
	# Monit's clientpemfile: the certificates a client may show (and CAs).
	cat "$IT/ca.crt" "$IT/self.crt" > "$IT/clients.pem"
}

teardown() {
	it_cleanup
	it_sanitizer_check
}

# https_code CERT KEY: the HTTP code of / with that client certificate
# ("000" when the handshake is refused).
https_code() {
	curl -sk --max-time 10 -o /dev/null -w '%{http_code}' --cert "$1" --key "$2" \
		"https://127.0.0.1:$IT_PORT/" || true
}

tls_rc() {
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    ssl enable
    pemfile $IT/vigil.pem
    clientpemfile $IT/clients.pem
    $1
    allow admin:\"admin-pw\""
}

@test "clientpemfile without allowselfcertification: the CA's client in, a self-signed client out" {
	tls_rc ""
	it_start
	it_wait 15 eval '[ "$(https_code "$IT/client.crt" "$IT/client.key")" = 200 ]'
	run https_code "$IT/self.crt" "$IT/self.key"
	echo "self-signed client: $output"
	[ "$output" = 000 ]
	# No certificate at all: refused.
	run curl -sk --max-time 10 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$IT_PORT/"
	echo "no client certificate: $output"
	[ "$output" = 000 ]
}

@test "allowselfcertification: a self-signed client listed in clientpemfile is let in, an unlisted one is not" {
	tls_rc "allowselfcertification"
	it_start
	it_wait 15 eval '[ "$(https_code "$IT/self.crt" "$IT/self.key")" = 200 ]'
	[ "$(https_code "$IT/client.crt" "$IT/client.key")" = 200 ]
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=stranger \
		-keyout "$IT/stranger.key" -out "$IT/stranger.crt" 2>/dev/null
	run https_code "$IT/stranger.crt" "$IT/stranger.key"
	echo "unlisted self-signed client: $output"
	[ "$output" = 000 ]
}

@test "vigil -t and start refuse a pemfile that group or others may read" {
	chmod 0644 "$IT/vigil.pem"
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    ssl enable
    pemfile $IT/vigil.pem
    allow admin:\"admin-pw\""
	run it_vigil -t
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$IT/vigil.pem"* ]]
	[[ "$output" == *0644* ]]
	run timeout 30 "$VIGIL_BUILD/vigil" -c "$IT/rc" -I
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not starting"* ]]
	chmod 0600 "$IT/vigil.pem"
	run it_vigil -t
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "vigil -t refuses a missing pemfile" {
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    ssl enable
    pemfile $IT/no-such.pem
    allow admin:\"admin-pw\""
	run it_vigil -t
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$IT/no-such.pem"* ]]
}

@test "vigil -t refuses an allow host that does not resolve" {
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow no-such-host.invalid
    allow admin:\"admin-pw\""
	run it_vigil -t
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no-such-host.invalid"* ]]
}
