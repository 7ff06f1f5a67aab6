/* "every" with a cron specification: does a time match "m h dom mon dow"?
 * Fields: "*", N, A-B, lists with ",", and steps "/S" on "*" or a range.
 * Weekday 0 and 7 are Sunday.  Pure: tested without a clock. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/engine/engine.h"

static bool
parse_num(const char **p, int *out)
{
	int v = 0, digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 3) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || (**p >= '0' && **p <= '9'))
		return false;
	*out = v;
	return true;
}

/* One field (up to the next blank) against value v in [lo, hi].  Returns
 * 1 match, 0 no match, -1 malformed. */
static int
field_match(const char **pp, int v, int lo, int hi, bool dow)
{
	const char *p = *pp;
	int matched = 0;

	for (;;) {
		int a, b, step = 1;

		if (*p == '*') {
			a = lo;
			b = hi;
			p++;
		} else {
			if (!parse_num(&p, &a))
				return -1;
			b = a;
			if (*p == '-') {
				p++;
				if (!parse_num(&p, &b))
					return -1;
			}
		}
		if (*p == '/') {
			p++;
			if (!parse_num(&p, &step) || step == 0)
				return -1;
		}
		if (a < lo || b > hi || a > b)
			return -1;
		for (int x = a; x <= b; x += step)
			if (x == v || (dow && x == 7 && v == 0))
				matched = 1;
		if (*p == ',') {
			p++;
			continue;
		}
		break;
	}
	if (*p != ' ' && *p != '\t' && *p != '\0')
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	return matched;
}

int
cron_match(const char *spec, const struct tm *tm)
{
	const char *p = spec;
	int vals[5] = { tm->tm_min, tm->tm_hour, tm->tm_mday, tm->tm_mon + 1,
	    tm->tm_wday };
	static const int lo[5] = { 0, 0, 1, 1, 0 }, hi[5] = { 59, 23, 31, 12, 7 };
	int all = 1;

	if (spec == NULL)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	for (int i = 0; i < 5; i++) {
		int r = field_match(&p, vals[i], lo[i], hi[i], i == 4);

		if (r < 0)
			return -1;
		if (r == 0)
			all = 0;
	}
	return *p == '\0' ? all : -1;
}
