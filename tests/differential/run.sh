#!/bin/sh
# Differential test: every configs/*.rc is checked by Monit (`monit -t -c`)
# and by vigil (`vigil-monitor -t -c`, or tests/helpers/parse_check until
# the monitor's main.c exists).  Verdicts (syntax OK or not) must agree,
# unless the config is listed in DISAGREEMENTS.md with its reason.
#
#   tests/differential/run.sh [-v]      (-v: show both outputs on a disagreement)
#
# Exit status: 0 all agree or are listed, 1 an unlisted disagreement or a
# listed config that agrees now (or no longer exists), 2 setup.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
verbose=0
[ "${1:-}" = "-v" ] && verbose=1

monit=${MONIT:-/usr/bin/monit}
# VIGIL_BUILD: another build (make asan-integration runs this under ASan)
build=${VIGIL_BUILD:-$top/build}
if [ -x "$build/vigil-monitor" ] && [ -z "${VIGIL_PARSE_CHECK:-}" ]; then
	vigil="$build/vigil-monitor -t -c"
else
	vigil="${VIGIL_PARSE_CHECK:-$build/tests/helpers/parse_check} -c"
fi
[ -x "$monit" ] || { echo "run.sh: $monit not found" >&2; exit 2; }

tmp=$(mktemp -d /tmp/vigil-diff.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
listed="$tmp/listed"
# The seeds name Debian's snakeoil certificate, which a machine may or may
# not have (ssl-cert makes it only sometimes): both checkers now look at the
# pemfile, so every config gets one that exists, private as both demand.
pem="$tmp/snakeoil.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-keyout "$pem" -out "$pem.crt" >/dev/null 2>&1 && cat "$pem.crt" >> "$pem" ||
	{ echo "run.sh: openssl could not make a test certificate" >&2; exit 2; }
chmod 0600 "$pem"
# Listed configs: lines of DISAGREEMENTS.md that start with "- `NAME`".
# DISAGREEMENTS_FILE: another list (the test of this script uses it).
sed -n 's/^- `\([^`]*\)`.*/\1/p' "${DISAGREEMENTS_FILE:-$here/DISAGREEMENTS.md}" > "$listed" 2>/dev/null || : > "$listed"

agree=0 listed_n=0 bad=0 stale=0 total=0
for cfg in "$here"/configs/*.rc; do
	name=$(basename "$cfg")
	total=$((total + 1))
	work="$tmp/$name.d"
	mkdir -p "$work/home"
	# Monit may create its id file when checking: keep it in the temp dir.
	{ echo "set idfile $work/monit.id"; sed -e 's/^\([[:space:]]*set[[:space:]][[:space:]]*idfile\)/# \1/' \
		-e "s|/etc/ssl/certs/ssl-cert-snakeoil.pem|$pem|g" "$cfg"; } > "$work/rc"
	chmod 0600 "$work/rc"
	HOME="$work/home" $monit -t -c "$work/rc" > "$work/monit.out" 2>&1 </dev/null
	m=$?
	HOME="$work/home" $vigil "$work/rc" > "$work/vigil.out" 2>&1 </dev/null
	v=$?
	[ $m -eq 0 ] && mv=ok || mv=error
	[ $v -eq 0 ] && vv=ok || vv=error
	if [ "$mv" = "$vv" ]; then
		agree=$((agree + 1))
		# Listed but agreeing: DISAGREEMENTS.md is no longer true
		# (finding 14: a fixed disagreement stayed listed unnoticed).
		if grep -qx "$name" "$listed"; then
			stale=$((stale + 1))
			echo "AGREES NOW $name (monit=$mv vigil=$vv): remove it from DISAGREEMENTS.md"
		fi
		continue
	fi
	if grep -qx "$name" "$listed"; then
		listed_n=$((listed_n + 1))
		continue
	fi
	bad=$((bad + 1))
	echo "DISAGREE $name: monit=$mv vigil=$vv"
	if [ $verbose -eq 1 ]; then
		sed 's/^/    monit: /' "$work/monit.out" | head -5
		sed 's/^/    vigil: /' "$work/vigil.out" | head -5
	fi
done
# A listed name with no config at all is as stale.
while read -r name; do
	[ -f "$here/configs/$name" ] && continue
	stale=$((stale + 1))
	echo "LISTED BUT MISSING $name: remove it from DISAGREEMENTS.md"
done < "$listed"
echo "differential: $total configs, $agree agree, $listed_n listed in DISAGREEMENTS.md, $bad unlisted disagreements, $stale listed that agree or are missing"
[ $bad -eq 0 ] && [ $stale -eq 0 ]
