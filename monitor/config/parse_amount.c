/* Amounts in tests: a number and its unit ("80 %", "1.5 GB", "10 MB/s",
 * "500 operations/s", "10 milliseconds"), normalised for struct test. */
#include <ctype.h>
#include <errno.h>
#include <math.h>	/* isfinite (a macro) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/config/parse_int.h"

/* Rounding without libm (the build links no -lm). */
static int64_t
round_amount(double v)
{
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}


static const struct {
	const char *name;
	int kind;
	int64_t mul;
} unit_table[] = {
	{ "%", U_PERCENT, 1 }, { "percent", U_PERCENT, 1 },
	{ "b", U_BYTES, 1 }, { "byte", U_BYTES, 1 }, { "bytes", U_BYTES, 1 },
	{ "kb", U_BYTES, 1024 }, { "k", U_BYTES, 1024 }, { "kilobyte", U_BYTES, 1024 },
	{ "kilobytes", U_BYTES, 1024 },
	{ "mb", U_BYTES, 1024 * 1024 }, { "m", U_BYTES, 1024 * 1024 },
	{ "megabyte", U_BYTES, 1024 * 1024 }, { "megabytes", U_BYTES, 1024 * 1024 },
	{ "gb", U_BYTES, 1024LL * 1024 * 1024 }, { "g", U_BYTES, 1024LL * 1024 * 1024 },
	{ "gigabyte", U_BYTES, 1024LL * 1024 * 1024 },
	{ "gigabytes", U_BYTES, 1024LL * 1024 * 1024 },
	{ "tb", U_BYTES, 1024LL * 1024 * 1024 * 1024 },
	{ "terabyte", U_BYTES, 1024LL * 1024 * 1024 * 1024 },
	{ "terabytes", U_BYTES, 1024LL * 1024 * 1024 * 1024 },
	{ "s", U_TIME, 1 }, { "sec", U_TIME, 1 }, { "second", U_TIME, 1 },
	{ "seconds", U_TIME, 1 },
	{ "min", U_TIME, 60 }, { "minute", U_TIME, 60 }, { "minutes", U_TIME, 60 },
	{ "h", U_TIME, 3600 }, { "hour", U_TIME, 3600 }, { "hours", U_TIME, 3600 },
	{ "d", U_TIME, 86400 }, { "day", U_TIME, 86400 }, { "days", U_TIME, 86400 },
	{ "b/s", U_RATE, 1 }, { "kb/s", U_RATE, 1024 }, { "mb/s", U_RATE, 1024 * 1024 },
	{ "gb/s", U_RATE, 1024LL * 1024 * 1024 },
	{ "packet", U_PACKETS, 1 }, { "packets", U_PACKETS, 1 },
	{ "packet/s", U_PACKETS, 1 }, { "packets/s", U_PACKETS, 1 },
	{ "operation/s", U_OPS, 1 }, { "operations/s", U_OPS, 1 },
	{ "ms", U_MSEC, 1 }, { "millisecond", U_MSEC, 1 }, { "milliseconds", U_MSEC, 1 },
};

static int
find_unit(const char *s, int allowed, int64_t *mul)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unit_table); i++)
		if ((unit_table[i].kind & allowed) && strcasecmp(s, unit_table[i].name) == 0) {
			*mul = unit_table[i].mul;
			return unit_table[i].kind;
		}
	return 0;
}

static const char *
units_expected(int allowed)
{
	static const struct {
		int kind;
		const char *words;
	} names[] = {
		{ U_PERCENT, "%, " }, { U_BYTES, "B, KB, MB, GB, " },
		{ U_TIME, "seconds, minutes, hours, days, " },
		{ U_RATE, "B/s, KB/s, MB/s, GB/s, " }, { U_PACKETS, "packets/s, " },
		{ U_OPS, "operations/s, " }, { U_MSEC, "milliseconds, " },
	};
	static char buf[160];

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (allowed & names[i].kind)
			strlcpy_v(buf + strlen(buf), names[i].words, sizeof(buf) - strlen(buf));
	if (buf[0])
		buf[strlen(buf) - 2] = '\0';
	else
		strlcpy_v(buf, "a plain number, no unit", sizeof(buf));
	return buf;
}

/* NUMBER [UNIT]: sets value (normalised: bytes, seconds, hundredths of a
 * percent, counts) and unit.  default_kind is used when no unit is written. */
bool
parse_amount(struct parser *p, const char *what, int allowed, int default_kind,
    struct test *t)
{
	struct token *tk = p_peek(p);
	char buf[96];
	const char *suffix;
	char *end;
	double v;
	int64_t mul = 1;
	int kind = 0;

	if (tk->kind != TK_WORD || !(isdigit((unsigned char)tk->text[0]) ||
	    (tk->text[0] == '.' && isdigit((unsigned char)tk->text[1])))) {
		char exp[128];
		snprintf(exp, sizeof(exp), "a number for %s", what);
		p_unexpected(p, exp);
		return false;
	}
	errno = 0;
	v = strtod(tk->text, &end);
	if (errno == ERANGE || !isfinite(v) || v > 1e15) {
		p_error_at(p, tk, "%s out of range: %s", what, tk->text);
		return false;
	}
	suffix = end;
	p_next(p);
	if (*suffix) {
		if (!(kind = find_unit(suffix, allowed, &mul))) {
			p_error_at(p, tk, "unknown unit '%s' for %s (expected %s)", suffix, what,
			    units_expected(allowed));
			return false;
		}
	} else {
		struct token *u = p_peek(p);
		if (u->kind == TK_WORD && (kind = find_unit(u->text, allowed, &mul)))
			p_next(p);
		else if (u->kind == TK_WORD && find_unit(u->text, ~0, &mul) &&
		    !tok_is(u, "m") && !tok_is(u, "s")) {
			p_error_at(p, u, "unit %s is not valid for %s (expected %s)",
			    tok_describe(u, buf, sizeof(buf)), what, units_expected(allowed));
			return false;
		} else {
			kind = default_kind;
			mul = 1;
		}
	}
	if ((kind == U_PACKETS || kind == U_RATE) && p_accept(p, "per"))
		p_expect(p, "second", "'second' after 'per'");
	if (v * (double)mul > 9.0e18 || v * 100.0 > 9.0e18) {
		p_error_at(p, tk, "%s out of range: %s", what, tk->text);
		return false;
	}
	switch (kind) {
	case U_PERCENT:
		t->unit = UNIT_PERCENT;
		t->value = (int64_t)round_amount(v * 100.0);
		break;
	case U_BYTES:
	case U_RATE:
		t->unit = UNIT_BYTES;
		t->value = (int64_t)round_amount(v * (double)mul);
		break;
	case U_TIME:
		t->unit = UNIT_SECONDS;
		t->value = (int64_t)round_amount(v * (double)mul);
		break;
	case U_COUNT:
	case U_PACKETS:
	case U_OPS:
	case U_MSEC:
		t->unit = UNIT_COUNT;
		t->value = (int64_t)round_amount(v);
		break;
	default:
		p_error_at(p, tk, "missing unit for %s (expected %s)", what, units_expected(allowed));
		return false;
	}
	return true;
}

