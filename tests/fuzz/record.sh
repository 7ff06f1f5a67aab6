#!/bin/bash
# Start the real servers of tests/integration/protocols.bats (as root, on
# free loopback ports) and record their answers into the fuzz corpus:
#   VIGIL_BUILD=$PWD/build tests/fuzz/record.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/integration/helpers.bash
source tests/integration/servers.bash
it_init
trap 'for f in "$IT"/srv/*.pid; do [ -e "$f" ] && srv_kill_pidfile "$f"; done; rm -rf "$IT"' EXIT
names="http smtp lmtp ftp pop imap sieve ssh redis memcache mysql pgsql dns ntp3 ldap3 mqtt rsync"
for n in $names https; do export "PORT_$n=$(it_free_port)"; done
specs=()
for n in $names; do
	srv_start "$n"
	case $n in
	ntp3) specs+=("$n:$(srv_port $n):udp") ;;
	dns) specs+=("$n:$(srv_port $n)" "$n:$(srv_port $n):udp") ;;
	*) specs+=("$n:$(srv_port $n)") ;;
	esac
done
sleep 1
/usr/bin/python3 tests/fuzz/record_transcripts.py tests/fuzz/corpus/protocols "${specs[@]}"
