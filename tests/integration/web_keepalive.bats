#!/usr/bin/env bats
# HTTP keep-alive: a client (Python's http.client, curl) sends several
# requests on one connection, over HTTP and TLS; each request is checked on
# its own (credentials are not carried from one to the next), "Connection:
# close" and HTTP/1.0 end the connection after the answer, and an idle kept
# connection is closed within WEBUI_FIRST_BYTE_MS (2 s).

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	command -v openssl >/dev/null || it_need "needs openssl"
	it_init
	IT_PORT=$(it_free_port)
	IT_TPORT=$(it_free_port)
	export IT_PORT IT_TPORT
	it_write_rc "set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -s -o /dev/null "http://127.0.0.1:$IT_PORT/"
}

teardown_file() {
	# the TLS test started a second vigild: the one to stop is the last
	# it_start recorded, not the one setup_file exported
	IT_VIGILD_PID=$(cat "$IT/vigild.testpid" 2>/dev/null || true)
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "keep-alive: three requests on one connection, each checked on its own" {
	python3 - "$IT_PORT" <<'PY'
import base64, http.client, socket, sys, time
port = int(sys.argv[1])
auth = {"Authorization": "Basic " + base64.b64encode(b"admin:admin-pw").decode()}
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.request("GET", "/_status?format=text", headers=auth)
r = c.getresponse(); body = r.read()
assert r.status == 200 and r.getheader("Connection") == "keep-alive", (r.status, r.headers)
sock = c.sock
assert sock is not None
# the same connection, no credentials: refused, not served on the last grant
c.request("GET", "/_status?format=text")
r = c.getresponse(); r.read()
assert c.sock is sock, "a new connection was opened"
assert r.status == 401, r.status
c.request("GET", "/api/status", headers=dict(auth, Connection="close"))
r = c.getresponse(); r.read()
assert r.status == 200 and r.getheader("Connection") == "close", (r.status, r.headers)

def until_closed(request):
    """send request on a fresh socket, read to the server's end (a timeout
    if the server kept the connection)"""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(request)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk

data = until_closed(b"GET /api/status HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                    b"Authorization: " + auth["Authorization"].encode() + b"\r\n\r\n")
assert data.startswith(b"HTTP/1.1 200 ") and b"\r\nConnection: close\r\n" in data, data[:300]
# HTTP/1.0 without keep-alive: closed after the answer
data = until_closed(b"GET / HTTP/1.0\r\n\r\n")
assert b"\r\nConnection: close\r\n" in data, data[:300]
# an idle kept connection is closed by the server within a few seconds
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.request("GET", "/", headers=auth)
c.getresponse().read()
t0 = time.monotonic()
c.sock.settimeout(15)
assert c.sock.recv(1) == b""
assert time.monotonic() - t0 < 10, time.monotonic() - t0
PY
}

@test "keep-alive over TLS: curl reuses the connection for a second URL" {
	it_stop
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-keyout "$IT/key.pem" -out "$IT/cert.pem" 2>/dev/null
	cat "$IT/key.pem" "$IT/cert.pem" > "$IT/server.pem"
	chmod 0600 "$IT/server.pem"
	it_write_rc "set httpd port $IT_TPORT address 127.0.0.1
    with ssl { pemfile: $IT/server.pem }
    allow admin:\"admin-pw\""
	it_start
	it_wait 15 curl -sk -o /dev/null "https://127.0.0.1:$IT_TPORT/"
	run curl -sk -v -u admin:admin-pw -o /dev/null -o /dev/null \
		"https://127.0.0.1:$IT_TPORT/api/status" "https://127.0.0.1:$IT_TPORT/_status"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Re-using existing connection"* ]]
	[ "$(grep -c '^< HTTP/1.1 200' <<<"$output")" -eq 2 ]
}
