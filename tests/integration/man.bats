#!/usr/bin/env bats
# The man pages: rendered by man(1) and groff without a single warning, and
# vigilrc(5) names every global statement, service type and action the
# parser knows (taken from the parser's own error messages, so a statement
# added to the parser without documentation fails here).

load helpers

# a sanitizer report fails the test it happened in (make asan-integration)
teardown() {
	it_sanitizer_check
}

MAN_DIR="$IT_REPO/man"
PAGES="vigil.1 vigild.8 vigilrc.5"

# Every warning man or groff prints, for one page; empty when clean.
man_warnings() {
	local page=$1
	{
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -E UTF-8 "$page" >/dev/null
		groff -ww -z -man "$page"
	} 2>&1
}

@test "man: every page renders without warnings (man --warnings, groff -ww)" {
	command -v man >/dev/null || it_need "man (package man-db)"
	command -v groff >/dev/null || it_need "groff (package groff)"
	for p in $PAGES; do
		[ -f "$MAN_DIR/$p" ] || { echo "missing $p"; return 1; }
		out=$(man_warnings "$MAN_DIR/$p")
		[ -z "$out" ] || { echo "$p:"; echo "$out"; return 1; }
	done
}

@test "man: the warning check itself sees a broken page" {
	bad=$(mktemp)
	printf '.TH X 1\n.SH NAME\nx \\- y\n.BOGUS\n\\fQ\n' > "$bad"
	out=$(man_warnings "$bad")
	rm -f "$bad"
	[ -n "$out" ]
}

# The words the parser lists in one of its "expected ..." errors.
parser_expects() {	# control-file-text
	local rc
	rc=$(mktemp)
	printf '%s\n' "$1" > "$rc"
	chmod 600 "$rc"
	"$VIGIL_BUILD/vigil" -t -c "$rc" 2>&1 | sed -n 's/.*(expected \(.*\))$/\1/p' |
		sed 's/ or /, /g; s/ control socket/ control/' | tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep .
	rm -f "$rc"
}

@test "man: vigilrc(5) documents every global statement of the parser" {
	words=$(parser_expects "set nosuchstatement")
	[ "$(echo "$words" | wc -l)" -ge 15 ] || { echo "parser list: $words"; return 1; }
	for w in $words; do
		# roff writes a hyphen as \-
		grep -qF -e ".B set ${w//-/\\-}" -e ".BI \"set ${w//-/\\-}" -e ".B \"set ${w//-/\\-}" \
			"$MAN_DIR/vigilrc.5" || { echo "vigilrc.5 lacks 'set $w'"; return 1; }
	done
}

@test "man: vigilrc(5) documents every service type and action" {
	types=$(parser_expects "check nosuchtype x")
	[ "$(echo "$types" | wc -l)" -ge 9 ] || { echo "parser list: $types"; return 1; }
	for w in $types; do
		grep -q "^\.BI \"check $w " "$MAN_DIR/vigilrc.5" || { echo "vigilrc.5 lacks 'check $w'"; return 1; }
	done
	actions=$(parser_expects "check system s
  if loadavg (1min) > 1 then nosuchaction")
	[ "$(echo "$actions" | wc -l)" -ge 6 ] || { echo "parser list: $actions"; return 1; }
	for w in $actions; do
		sed -n '/^\.SH ACTIONS/,/^\.SH TESTS/p' "$MAN_DIR/vigilrc.5" | grep -q "^\.BI\? \"\?$w\b" ||
			{ echo "vigilrc.5 ACTIONS lacks $w"; return 1; }
	done
}
