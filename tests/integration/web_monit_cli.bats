#!/usr/bin/env bats
# Monit's HTTP API, driven by Monit 5.33's own CLI: `monit status`,
# `summary`, `report`, `restart NAME`, `stop NAME` read their own control
# file, whose `set httpd port` points at vigil's port and whose `allow
# user:password` is the credential they send (HTTP Basic).  Python's XML
# parser reads /_status?format=xml; promtool checks /metrics.

load helpers

setup_file() {
	it_require_root
	command -v monit >/dev/null || it_need "needs monit (Monit 5.33's CLI)"
	command -v curl >/dev/null || it_need "needs curl"
	it_init
	IT_PORT=$(it_free_port)
	IT_URL="http://127.0.0.1:$IT_PORT"
	export IT_PORT IT_URL
	it_write_rc "check system vigilhost

set httpd port $IT_PORT address 127.0.0.1
    allow admin:\"admin-pw\"
    allow guest:\"guest-pw\" read-only"
	# The CLI's own control files, as a Monit user keeps them: the services
	# (the CLI checks names against them), the daemon's pidfile (it checks
	# the daemon runs), where the daemon listens and who asks.
	cli_rc admin admin-pw > "$IT/admin.monitrc"
	cli_rc guest guest-pw > "$IT/guest.monitrc"
	cli_rc admin wrong-pw > "$IT/bad.monitrc"
	chmod 0600 "$IT"/*.monitrc
	it_start
	it_wait 15 curl -s -o /dev/null "$IT_URL/"
	# The first cycle has measured the demo (a pid, monitored, not
	# initializing) and the system.
	it_wait 60 demo_measured
}

demo_measured() {
	curl -s --max-time 5 -u admin:admin-pw "$IT_URL/_status?format=xml" |
		python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.stdin).getroot()
s = {x.findtext("name"): x for x in r.findall("service")}
d, h = s["demo"], s["vigilhost"]
# memory too: a process attached the moment its start script forked it
# (examples/demo-service writes the pid file before the exec) has no pages
# yet; the next scheduled cycle measures it
sys.exit(0 if d.findtext("monitor") == "1" and d.findtext("pid") and
         int(d.findtext("memory/kilobyte") or 0) > 0 and
         h.find("system/load") is not None else 1)' 2>/dev/null
}

teardown_file() {
	it_cleanup
	it_sanitizer_check
}

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

cli_rc() {
	cat <<RC
set idfile $IT/monit.id
set statefile $IT/monit.state
set pidfile $IT/vigild.pid
set httpd port $IT_PORT address 127.0.0.1
    allow $1:$2
check system vigilhost
check process demo with pidfile $IT_PIDFILE
check file rc with path $IT/rc
check process nosuch with pidfile $IT/none.pid
RC
}

# monit as USER (admin, guest or bad) with its own control file
mon() {
	local who=$1; shift
	timeout 30 monit -c "$IT/$who.monitrc" "$@"
}

@test "monit status (Monit's CLI over HTTP Basic): every service with its figures" {
	it_wait 60 demo_measured
	run mon admin status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Process 'demo'"* ]]
	[[ "$output" == *"File 'rc'"* ]]
	[[ "$output" == *"System 'vigilhost'"* ]]
	[[ "$output" =~ pid\ +[0-9]+ ]]
	[[ "$output" == *"load average"* ]]
	run mon admin status demo
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Process 'demo'"* ]]
	[[ "$output" != *"File 'rc'"* ]]
}

@test "monit summary and report" {
	run mon guest summary
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Service Name"* ]]
	[[ "$output" =~ demo\ +[A-Za-z] ]]
	[[ "$output" == *Process* ]]
	run mon guest report
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ total:\ +3\ services ]]
}

@test "monit with a wrong password: refused" {
	run mon bad status
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *"Process 'demo'"* ]]
}

@test "monit restart NAME as the read-only user: refused, the demo keeps its pid" {
	local old
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	run mon guest restart demo
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"read"* || "$output" == *"may not"* ]]
	run mon guest stop demo
	echo "$output"
	[ "$status" -ne 0 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "monit restart NAME as admin: the demo gets a new pid" {
	local old
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	run mon admin restart demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 20 eval '[ -n "$(it_demo_pid)" ] && [ "$(it_demo_pid)" != '"$old"' ]'
}

@test "monit stop NAME as admin: stopped and not monitored; start brings it back" {
	it_wait 20 it_demo_running
	run mon admin stop demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 20 eval '! it_demo_running'
	it_wait 20 eval 'mon admin status demo | grep -q "Not monitored"'
	run mon admin start demo
	echo "$output"
	[ "$status" -eq 0 ]
	it_wait 20 it_demo_running
}

@test "monit restart of a service that does not exist: the CLI prints why" {
	run mon admin restart nosuch
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *nosuch* ]]
}

@test "/_status?format=xml parses (Python) with Monit's elements and type numbers" {
	it_wait 60 demo_measured
	curl -sS --max-time 10 -u admin:admin-pw "$IT_URL/_status?format=xml" > "$IT/status.xml"
	python3 - "$IT/status.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'monit', root.tag
server = root.find('server')
for e in ('id', 'incarnation', 'version', 'uptime', 'poll', 'localhostname'):
    assert server.find(e) is not None, e
assert int(server.findtext('poll')) == 30
assert root.find('platform/cpu') is not None
svc = {s.findtext('name'): s for s in root.findall('service')}
assert set(svc) >= {'demo', 'rc', 'vigilhost'}, set(svc)
demo, rc, host = svc['demo'], svc['rc'], svc['vigilhost']
# Monit's type numbers: process 3, file 2, system 5
assert (demo.get('type'), rc.get('type'), host.get('type')) == ('3', '2', '5')
for s in svc.values():
    for e in ('collected_sec', 'status', 'monitor', 'monitormode', 'pendingaction'):
        assert s.find(e) is not None, (s.findtext('name'), e)
assert demo.findtext('monitor') == '1' and demo.findtext('status') == '0'
assert int(demo.findtext('pid')) > 1
assert int(demo.findtext('memory/kilobyte')) > 0
assert demo.find('cpu/percent') is not None
assert float(host.findtext('system/load/avg01')) >= 0
assert int(host.findtext('system/memory/kilobyte')) > 0
print('ok', sorted(svc))
PY
}

@test "Basic credentials go to auth once, then the cached grant serves" {
	local before after
	before=$(grep -c "login of user 'guest'.*HTTP Basic" "$IT/vigild.log" || true)
	for i in 1 2 3 4 5; do
		curl -sS --max-time 10 -o /dev/null -w '%{http_code}\n' -u guest:guest-pw \
			"$IT_URL/_status?format=text" | grep -qx 200
	done
	after=$(grep -c "login of user 'guest'.*HTTP Basic" "$IT/vigild.log" || true)
	echo "Basic logins of guest: before $before, after $after"
	[ "$after" -le $((before + 1)) ]
	# the wrong password is not served from the cache of the right one
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u guest:guest-pwX \
		"$IT_URL/_status?format=text"
	[ "$output" = 401 ]
}

@test "/_doaction without Monit's securitytoken, or from another origin: 403" {
	local old
	it_wait 20 it_demo_running
	old=$(it_demo_pid)
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u admin:admin-pw \
		--data 'action=restart&service=demo' "$IT_URL/_doaction"
	[ "$output" = 403 ]
	# the field without the cookie
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u admin:admin-pw \
		--data 'action=restart&service=demo&securitytoken=0123456789abcdef0123' "$IT_URL/_doaction"
	[ "$output" = 403 ]
	# cookie and field differ
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u admin:admin-pw \
		-b securitytoken=0123456789abcdef0124 \
		--data 'action=restart&service=demo&securitytoken=0123456789abcdef0123' "$IT_URL/_doaction"
	[ "$output" = 403 ]
	# right token, wrong origin
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -u admin:admin-pw \
		-H 'Origin: http://evil.example' -b securitytoken=0123456789abcdef0123 \
		--data 'action=restart&service=demo&securitytoken=0123456789abcdef0123' "$IT_URL/_doaction"
	[ "$output" = 403 ]
	# no credentials at all
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -b securitytoken=0123456789abcdef0123 \
		--data 'action=restart&service=demo&securitytoken=0123456789abcdef0123' "$IT_URL/_doaction"
	[ "$output" = 401 ]
	sleep 1
	[ "$(it_demo_pid)" = "$old" ]
}

@test "GET /metrics: promtool check metrics is clean, the figures are there" {
	it_wait 60 demo_measured
	command -v promtool >/dev/null || it_need "needs promtool (apt-get install prometheus)"
	run curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$IT_URL/metrics"
	[ "$output" = 401 ]
	curl -sS --max-time 10 -u guest:guest-pw "$IT_URL/metrics" > "$IT/metrics.txt"
	cat "$IT/metrics.txt"
	run promtool check metrics < "$IT/metrics.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -q '^vigil_up 1$' "$IT/metrics.txt"
	grep -Eq '^vigil_service_ok\{service="demo",type="process"\} 1$' "$IT/metrics.txt"
	grep -Eq '^vigil_process_memory_bytes\{service="demo",type="process"\} [1-9][0-9]*$' "$IT/metrics.txt"
	grep -Eq '^vigil_system_load1\{service="vigilhost",type="system"\} [0-9.]+$' "$IT/metrics.txt"
	grep -Eq '^vigil_web_logins_total\{method="basic",result="ok"\} [1-9]' "$IT/metrics.txt"
}

@test "a real prometheus scrapes /metrics with Basic auth" {
	command -v prometheus >/dev/null || it_need "needs prometheus (apt-get install prometheus)"
	local pport ppid ok=
	pport=$(it_free_port)
	mkdir -p "$IT/prom"
	cat > "$IT/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vigil
    basic_auth:
      username: guest
      password: guest-pw
    static_configs:
      - targets: ['127.0.0.1:$IT_PORT']
YML
	prometheus --config.file="$IT/prom/prometheus.yml" --storage.tsdb.path="$IT/prom/data" \
		--web.listen-address="127.0.0.1:$pport" > "$IT/prom/log" 2>&1 &
	ppid=$!
	query() {
		curl -s --max-time 5 "http://127.0.0.1:$pport/api/v1/query?query=$1"
	}
	if it_wait 60 eval 'query vigil_up | grep -q "\"value\":\[[0-9.]*,\"1\"\]"'; then
		ok=1
	fi
	query 'vigil_service_ok%7Bservice%3D%22demo%22%7D' > "$IT/prom/demo.json"
	query 'up%7Bjob%3D%22vigil%22%7D' > "$IT/prom/up.json"
	kill "$ppid" 2>/dev/null || true
	wait "$ppid" 2>/dev/null || true
	cat "$IT/prom/demo.json" "$IT/prom/up.json"
	[ -n "$ok" ] || { tail -20 "$IT/prom/log"; return 1; }
	grep -q '"service":"demo"' "$IT/prom/demo.json"
	grep -q '"value":\[[0-9.]*,"1"\]' "$IT/prom/up.json"
}
