#!/usr/bin/env bats
# IPv6 targets: a connection test to nginx on ::1, and `ipv4`/`ipv6` with a
# host name that resolves to both (dual.test, in an /etc/hosts of vigild's
# own mount namespace: the machine's file is not touched); without either,
# the name's next address when the first refuses, as Monit does.

load helpers
load servers

setup_file() {
	it_require_root
	command -v nginx >/dev/null || it_need "needs nginx"
	command -v unshare >/dev/null || it_need "needs unshare (util-linux)"
	it_init
	export PORT_v4=$(it_free_port) PORT_v6=$(it_free_port) PORT_closed=$(it_free_port)
	local d="$IT/web"
	mkdir -p "$d/four" "$d/six"
	echo "four" > "$d/four/index.html"
	echo "six" > "$d/six/index.html"
	srv_nginx "$d" "$PORT_v4" "\
  server { listen 127.0.0.1:$PORT_v4; root $d/four; }
  server { listen [::1]:$PORT_v6; root $d/six; }" || return 1
	# dual.test: both loopbacks (the resolver orders them, ::1 first here)
	printf '127.0.0.1 localhost\n127.0.0.1 dual.test\n::1 dual.test\n' > "$IT/hosts"
	printf '#!/bin/sh\nmount --bind "%s/hosts" /etc/hosts && exec "$@"\n' "$IT" > "$IT/wrap.sh"
	chmod 0755 "$IT/wrap.sh"
	IT_WRAP="unshare -m --propagation private $IT/wrap.sh"
	local to="with timeout 4 seconds then alert"
	it_write_rc "
check host v6 with address ::1
    if failed port $PORT_v6 ipv6 protocol http content = \"six\" $to
check host v6_url with address ::1
    if failed url http://[::1]:$PORT_v6/ content = \"six\" $to
check host dual_v4 with address dual.test
    if failed port $PORT_v4 ipv4 protocol http content = \"four\" $to
check host dual_v6 with address dual.test
    if failed port $PORT_v6 ipv6 protocol http content = \"six\" $to
check host dual_v6_host with address 127.0.0.1
    if failed host dual.test port $PORT_v6 ipv6 protocol http content = \"six\" $to
check host dual_v6_wrong_port with address dual.test
    if failed port $PORT_v4 ipv6 protocol http $to
check host dual_next with address dual.test
    if failed port $PORT_v6 protocol http content = \"six\" $to
check host dual_next_host with address 127.0.0.1
    if failed host dual.test port $PORT_v6 protocol http content = \"six\" $to
check host dual_first with address dual.test
    if failed port $PORT_v4 protocol http content = \"four\" $to
check host dual_none with address dual.test
    if failed port $PORT_closed protocol http $to
check host v4_only with address 127.0.0.1
    if failed port $PORT_v4 ipv6 protocol http $to
"
	it_start
}

teardown_file() {
	srv_kill_pidfile "$IT/srv/nginx.pid"
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

@test "ipv6: a server listening on ::1 only is checked over IPv6" {
	await_response v6 "^::1:$PORT_v6: HTTP: status 200, .* as expected"
	await_response v6_url "HTTP: status 200, .* as expected"
}

@test "ipv4 / ipv6 pick the address family of a name that resolves to both" {
	await_response dual_v4 "^dual\.test:$PORT_v4: HTTP: status 200, .* as expected"
	await_response dual_v6 "^dual\.test:$PORT_v6: HTTP: status 200, .* as expected"
	await_response dual_v6_host "^dual\.test:$PORT_v6: HTTP: status 200, .* as expected"
	# the IPv4-only port over IPv6: refused, not silently tried over IPv4
	await_response dual_v6_wrong_port "^dual\.test:$PORT_v4: cannot connect: Connection refused"
	await_response v4_only "^127\.0\.0\.1:$PORT_v4: no IPv6 address"
}

@test "without ipv4/ipv6 a name's next address is tried when the first refuses (Monit)" {
	# PORT_v6 listens on ::1 only, PORT_v4 on 127.0.0.1 only: whichever
	# address the resolver puts first, one of the two refuses there
	await_response dual_next "^dual\.test:$PORT_v6: HTTP: status 200, .* as expected"
	await_response dual_next_host "^dual\.test:$PORT_v6: HTTP: status 200, .* as expected"
	await_response dual_first "^dual\.test:$PORT_v4: HTTP: status 200, .* as expected"
	# nobody anywhere: refused, once per address, then the verdict
	await_response dual_none "^dual\.test:$PORT_closed: cannot connect: Connection refused"
}
