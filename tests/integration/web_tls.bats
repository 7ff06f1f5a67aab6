#!/usr/bin/env bats
# `ssl enable pemfile`: the web interface over HTTPS with a self-signed cert.

load helpers

setup_file() {
	it_require_root
	command -v openssl >/dev/null || it_need "needs openssl"
	it_init
	IT_PORT=$(it_free_port)
	export IT_PORT
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-keyout "$IT/key.pem" -out "$IT/cert.pem" 2>/dev/null
	cat "$IT/key.pem" "$IT/cert.pem" > "$IT/vigil.pem"
	chmod 0600 "$IT/vigil.pem" "$IT/key.pem"
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    ssl enable
    pemfile $IT/vigil.pem
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -sk -o /dev/null "https://127.0.0.1:$IT_PORT/"
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "HTTPS with the self-signed certificate: the login page" {
	run curl -sS -k --max-time 10 -w '\n%{http_code}' -L "https://127.0.0.1:$IT_PORT/"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${output##*$'\n'}" = 200 ]
	[[ "$output" == *password* ]]
}

@test "the certificate served is the one in the pemfile" {
	local served want
	served=$(openssl s_client -connect "127.0.0.1:$IT_PORT" </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256)
	want=$(openssl x509 -in "$IT/cert.pem" -noout -fingerprint -sha256)
	echo "served $served, want $want"
	[ -n "$want" ]
	[ "$served" = "$want" ]
}

@test "plain HTTP on the TLS port gets no page" {
	run curl -sS --max-time 5 "http://127.0.0.1:$IT_PORT/"
	echo "$output"
	[[ "$output" != *password* ]]
}

@test "a login over HTTPS sets a Secure cookie" {
	local form
	curl -sk --max-time 10 -L "https://127.0.0.1:$IT_PORT/" > "$IT/login.html"
	form=$(it_form login "$IT/login.html" admin admin-pw)
	run curl -sk --max-time 10 -D - -o /dev/null -X POST --data "$(sed -n 2p <<<"$form")" \
		"https://127.0.0.1:$IT_PORT$(sed -n 1p <<<"$form")"
	echo "$output"
	[[ "$output" == *"vigil_session="* ]]
	grep -i '^set-cookie: vigil_session=' <<<"$output" | grep -qi 'secure'
}

@test "HTTPS answers carry HSTS; plain HTTP ones do not" {
	run curl -sS -k --max-time 10 -D - -o /dev/null "https://127.0.0.1:$IT_PORT/"
	echo "$output"
	grep -qi '^strict-transport-security: max-age=31536000' <<<"$output"
}

@test "TLS 1.2 and 1.3 are spoken, TLS 1.1 and 1.0 are refused" {
	local v
	for v in -tls1_2 -tls1_3; do
		run timeout 10 openssl s_client $v -connect "127.0.0.1:$IT_PORT" </dev/null
		echo "$v: $(grep -E 'Protocol|New,' <<<"$output" | head -2)"
		[ "$status" -eq 0 ]
	done
	# The client is told it may (SECLEVEL=0): the refusal is the server's.
	for v in -tls1_1 -tls1; do
		run timeout 10 openssl s_client $v -cipher 'DEFAULT:@SECLEVEL=0' \
			-connect "127.0.0.1:$IT_PORT" </dev/null
		echo "$v: status $status: $(grep -Ei 'alert|error|New,' <<<"$output" | head -2)"
		[ "$status" -ne 0 ]
		[[ "$output" != *"New, TLSv1"* ]] || [[ "$output" == *"Cipher is (NONE)"* ]]
	done
}
