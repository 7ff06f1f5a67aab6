#!/usr/bin/env bats
# The service pages' graphs come from rings the monitor keeps: killing the
# web process (kill -9; vigild starts a new one) loses no point, and a
# host's page graphs its response time.  `set daemon 1` so that points
# come quickly.

load helpers

setup_file() {
	it_require_root
	command -v curl >/dev/null || it_need "needs curl"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_write_rc "check host loopback with address 127.0.0.1
    if failed port $IT_PORT protocol http then alert

set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\""
	sed -i 's/^set daemon 30$/set daemon 1/' "$IT/rc"
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

# The number of points of the page's first graph with that caption (empty
# when the page or the graph is not there).
points() {
	curl -s --max-time 5 -u admin:admin-pw "$IT_URL/service/$1" |
		sed -n "s/.*<figcaption>$2: .*(max [^,]*, \([0-9]*\) points.*/\1/p" | head -1
}

at_least() {
	local n
	n=$(points "$1" "$2")
	[ -n "$n" ] && [ "$n" -ge "$3" ]
}

@test "a host's page graphs its response time; kill -9 of the web process keeps every point" {
	it_wait 60 at_least loopback "Response time" 4
	it_wait 30 at_least demo CPU 4
	before=$(points loopback "Response time")
	demo_before=$(points demo CPU)
	echo "before: $before, demo $demo_before"
	old=$(it_child_by_name vigil-webui)
	[ -n "$old" ]
	kill -9 "$old"
	new_webui() {
		local p
		p=$(it_child_by_name vigil-webui) && [ "$p" != "$old" ] &&
			curl -s -o /dev/null -f -u admin:admin-pw "$IT_URL/service/demo"
	}
	it_wait 30 new_webui
	after=$(points loopback "Response time")
	demo_after=$(points demo CPU)
	echo "after: $after, demo $demo_after"
	[ -n "$after" ] && [ "$after" -ge "$before" ]
	[ -n "$demo_after" ] && [ "$demo_after" -ge "$demo_before" ]
}
