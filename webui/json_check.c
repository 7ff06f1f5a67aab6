/* A strict check of the JSON objects the monitor sends for /api/status.
 * The monitor is the more trusted process, but webui passes these bytes on
 * to scripts: a monitor bug must not become a document a parser rejects, or
 * one whose object ends early and lets text that follows (a service name,
 * a program's output) start keys of its own.  RFC 8259 syntax, nesting
 * bounded, strings without raw control bytes; UTF-8 left as it is (the
 * monitor replaced what was invalid). */
#include <stdbool.h>
#include <stddef.h>

#include "webui/json_check.h"

#define JSON_MAX_DEPTH	16

struct cursor {
	const char *p, *end;
};

static bool value(struct cursor *c, int depth);

static void
space(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool
eat(struct cursor *c, char ch)
{
	space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static bool
is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool
string(struct cursor *c)
{
	if (!eat(c, '"'))
		return false;
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p++;

		if (ch == '"')
			return true;
		if (ch < 0x20)
			return false;
		if (ch != '\\')
			continue;
		if (c->p >= c->end)
			return false;
		ch = (unsigned char)*c->p++;
		if (ch == 'u') {
			for (int i = 0; i < 4; i++)
				if (c->p >= c->end || !is_hex(*c->p++))
					return false;
		} else if (ch != '"' && ch != '\\' && ch != '/' && ch != 'b' && ch != 'f' &&
		    ch != 'n' && ch != 'r' && ch != 't') {
			return false;
		}
	}
	return false;
}

static bool
digits(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > start;
}

static bool
number(struct cursor *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!digits(c))
		return false;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!digits(c))
			return false;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!digits(c))
			return false;
	}
	return true;
}

static bool
word(struct cursor *c, const char *w)
{
	for (; *w != '\0'; w++, c->p++)
		if (c->p >= c->end || *c->p != *w)
			return false;
	return true;
}

static bool
members(struct cursor *c, int depth, char close, bool keyed)
{
	if (eat(c, close))
		return true;
	do {
		if (keyed && (!string(c) || !eat(c, ':')))
			return false;
		if (!value(c, depth))
			return false;
	} while (eat(c, ','));
	return eat(c, close);
}

static bool
value(struct cursor *c, int depth)
{
	space(c);
	if (c->p >= c->end || depth > JSON_MAX_DEPTH)
		return false;
	switch (*c->p) {
	case '{':
		c->p++;
		return members(c, depth + 1, '}', true);
	case '[':
		c->p++;
		return members(c, depth + 1, ']', false);
	case '"':
		return string(c);
	case 't':
		return word(c, "true");
	case 'f':
		return word(c, "false");
	case 'n':
		return word(c, "null");
	default:
		return number(c);
	}
}

bool
json_object_valid(const char *text, size_t len)
{
	struct cursor c = { text, text + len };

	space(&c);
	if (c.p >= c.end || *c.p != '{' || !value(&c, 0))
		return false;
	space(&c);
	return c.p == c.end;
}
