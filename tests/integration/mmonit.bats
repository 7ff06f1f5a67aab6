#!/usr/bin/env bats
# set mmonit against a stand-in collector (tests/integration/mmonit_sink.py)
# on free loopback ports: the status document every cycle and a document
# with the event when one happens, as Monit 5.33 POSTs them (recorded in
# tests/unit/test_monit_xml.c), failover from a dead first URL, and a
# collector that answers garbage logged as a failure, https.

load helpers

SINK="$BATS_TEST_DIRNAME/mmonit_sink.py"

setup() {
	it_require_root
	it_init
	SINK_PIDS=()
}

teardown() {
	local p
	for p in "${SINK_PIDS[@]:-}"; do
		[ -n "$p" ] || continue
		kill -TERM "$p" 2>/dev/null || true
		it_wait 10 eval "! kill -0 $p 2>/dev/null" || kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	it_cleanup
	it_sanitizer_check
}

# sink_start DIR PORT [--garbage]: a collector; waits until it listens.
sink_start() {
	local dir=$1 port=$2; shift 2
	mkdir -p "$dir"
	python3 "$SINK" "$dir" "$port" "$@" >"$dir.log" 2>&1 &
	SINK_PIDS+=("$!")
	it_wait 20 test -f "$dir/ready" || { cat "$dir.log" >&2; return 1; }
}

# query DIR PYTHON-EXPR: true when some request's summary s satisfies it.
query() {
	python3 - "$1" "$2" <<'PY'
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    s = json.load(open(f))
    if eval(sys.argv[2]):
        sys.exit(0)
sys.exit(1)
PY
}

@test "the status document reaches the collector every cycle, with auth, path and type" {
	port=$(it_free_port)
	sink_start "$IT/mm" "$port"
	it_write_rc "
set mmonit http://mon:pa%20ss@127.0.0.1:$port/collector with timeout 5 seconds
"
	sed -i 's/^set daemon 30/set daemon 2/' "$IT/rc"
	it_start
	# a document where the demo process runs (monitor 1 = monitored, status 0)
	it_wait 60 query "$IT/mm" \
	    's["services"].get("demo", {}).get("monitor") == "1" and s["services"]["demo"]["status"] == "0" and s["services"]["demo"]["pid"]'
	f=$(ls "$IT"/mm/*.json | head -1)
	cat "$f"
	query "$IT/mm" 's["method"] == "POST" and s["path"] == "/collector" and s["version"] == "HTTP/1.1"'
	# every request: auth from the URL as written, text/xml, a parsing document
	! query "$IT/mm" 'not s["auth_ok"]'
	! query "$IT/mm" 's["content_type"] != "text/xml"'
	! query "$IT/mm" 'not s["xml_ok"]'
	query "$IT/mm" 's["host"] == "127.0.0.1:'"$port"'"'
	query "$IT/mm" '"rc" in s["services"] and s["services"]["rc"]["type"] == "2" and s["services"]["demo"]["type"] == "3"'
	# the start event, as Monit's "Monit started"
	query "$IT/mm" 'any(e["id"] == "65536" and e["action"] == "6" for e in s["events"])'
	# more than one cycle's document (set daemon 2)
	it_wait 30 eval '[ $(ls "$IT"/mm/*.json | wc -l) -ge 3 ]'
}

@test "kill -9 of a checked process sends an event document naming it" {
	port=$(it_free_port)
	sink_start "$IT/mm" "$port"
	it_write_rc "
set mmonit http://mon:pa%20ss@127.0.0.1:$port/collector
"
	it_start
	it_wait 30 query "$IT/mm" '"demo" in s["services"]'
	pid=$(it_demo_pid)
	kill -KILL "$pid"
	it_wait 60 query "$IT/mm" \
	    'any(e["service"] == "demo" and e["state"] == "1" and e["type"] == "3" and e["id"] == "512" for e in s["events"])'
	# and the recovery once the restart brought it back
	it_wait 60 query "$IT/mm" \
	    'any(e["service"] == "demo" and e["state"] == "0" and e["id"] == "512" for e in s["events"])'
	cat "$IT"/mm/*.json | grep -o '"events": \[[^]]*demo[^]]*\]' | head -3
}

@test "a dead first collector fails over to the second; the failure is logged" {
	dead=$(it_free_port)
	port=$(it_free_port)
	sink_start "$IT/mm" "$port"
	it_write_rc "
set mmonit http://mon:pa%20ss@127.0.0.1:$dead/collector
           http://mon:pa%20ss@127.0.0.1:$port/collector
"
	it_start
	it_wait 30 query "$IT/mm" '"demo" in s["services"]'
	it_wait 30 grep -q "M/Monit http://127.0.0.1:$dead/collector: Connection refused" "$IT/vigild.log"
	# the password is never logged
	! grep -q "pa%20ss" "$IT/vigild.log"
}

@test "a collector answering garbage is logged as a failure, and the event as lost" {
	port=$(it_free_port)
	sink_start "$IT/mm" "$port" --garbage
	it_write_rc "
set mmonit http://mon:pa%20ss@127.0.0.1:$port/collector
"
	it_start
	it_wait 30 grep -q "M/Monit http://127.0.0.1:$port/collector: not an HTTP reply: the reply does not start with HTTP/1." "$IT/vigild.log"
	# without set eventqueue the start event cannot wait: lost, by name
	it_wait 30 grep -q "M/Monit event lost (no collector took it and there is no 'set eventqueue'): service 'Monit'" "$IT/vigild.log"
	# the daemon keeps running and checking
	it_vigil status demo >/dev/null
}

@test "set eventqueue keeps M/Monit events on disk: a crashed monitor's events reach the collector later, in order" {
	port=$(it_free_port)
	install -d -o _vigil -g _vigil -m 0700 "$IT/queue"
	it_write_rc "
set mmonit http://mon:pw@127.0.0.1:$port/collector
set eventqueue basedir $IT/queue
"
	it_start
	pid=$(it_demo_pid)
	kill -KILL "$pid"
	# the collector is down: the start event and demo's failure wait on disk
	it_wait 60 eval '[ $(ls "$IT"/queue/*.mmq 2>/dev/null | wc -l) -ge 2 ]'
	ls -l "$IT/queue"
	mon=$(it_child_by_name vigil-monitor)
	kill -KILL "$mon"
	it_wait 30 eval 'c=$(it_child_by_name vigil-monitor) && [ "$c" != "$mon" ]'
	sink_start "$IT/mm" "$port"
	# the dead monitor's events, sent by the new one: Monit started, then
	# demo's failure, in that order
	it_wait 90 query "$IT/mm" \
	    'any(e["service"] == "demo" and e["state"] == "1" and e["id"] == "512" for e in s["events"])'
	python3 - "$IT/mm" <<'PY'
import glob, json, sys
order = []
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    for e in json.load(open(f))["events"]:
        order.append((e["service"], e["id"], e["state"]))
print(order)
first_demo = order.index(("demo", "512", "1"))
assert ("Monit", "65536", "2") in order[:first_demo] or order[0][0] == "Monit", order
PY
	grep -q "M/Monit: [0-9]* events\? from the event queue, sent first" "$IT/vigild.log"
	# taken: their files are gone
	it_wait 30 eval '[ $(ls "$IT"/queue/*.mmq 2>/dev/null | wc -l) -eq 0 ]'
}

# A self-signed certificate for 127.0.0.1 (name and address).
make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
	    -addext "subjectAltName=IP:127.0.0.1" -keyout "$IT/key.pem" \
	    -out "$IT/cert.pem" 2>/dev/null
}

@test "https: encrypted as Monit does by default; set ssl verify refuses a self-signed collector" {
	make_cert
	port=$(it_free_port)
	sink_start "$IT/mm" "$port" --tls "$IT/cert.pem" "$IT/key.pem"
	it_write_rc "
set mmonit https://mon:pa%20ss@127.0.0.1:$port/collector
"
	it_start
	it_wait 30 query "$IT/mm" '"demo" in s["services"] and s["auth_ok"] and s["xml_ok"]'
	it_stop
	rm -f "$IT"/mm/*.json
	it_write_rc "
set ssl { verify: enable }
set mmonit https://mon:pa%20ss@127.0.0.1:$port/collector
"
	it_start
	it_wait 30 grep -q "M/Monit https://127.0.0.1:$port/collector: TLS certificate not trusted" "$IT/vigild.log"
	! ls "$IT"/mm/*.json 2>/dev/null
}
