#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/obuf.h"

void
obuf_init(struct obuf *ob, size_t max)
{
	memset(ob, 0, sizeof(*ob));
	ob->max = max;
}

void
obuf_free(struct obuf *ob)
{
	free(ob->data);
	memset(ob, 0, sizeof(*ob));
}

void
obuf_reset(struct obuf *ob)
{
	ob->len = 0;
	ob->failed = false;
}

static bool
obuf_reserve(struct obuf *ob, size_t more)
{
	size_t need;

	if (ob->failed)
		return false;
	if (more > ob->max || ob->len > ob->max - more) {
		ob->failed = true;
		return false;
	}
	need = ob->len + more + 1;
	if (need > ob->cap) {
		size_t ncap = ob->cap < 1024 ? 1024 : ob->cap;

		while (ncap < need)
			ncap *= 2;
		ob->data = xreallocarray(ob->data, ncap, 1);
		ob->cap = ncap;
	}
	return true;
}

void
obuf_add(struct obuf *ob, const void *data, size_t len)
{
	if (!obuf_reserve(ob, len))
		return;
	memcpy(ob->data + ob->len, data, len);
	ob->len += len;
	ob->data[ob->len] = '\0';
}

void
obuf_adds(struct obuf *ob, const char *s)
{
	obuf_add(ob, s, strlen(s));
}

void
obuf_addf(struct obuf *ob, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ob->failed = true;	/* literal formats only: a bug */
		return;
	}
	obuf_add(ob, tmp, (size_t)n);
}

void
obuf_html(struct obuf *ob, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': obuf_adds(ob, "&amp;"); break;
		case '<': obuf_adds(ob, "&lt;"); break;
		case '>': obuf_adds(ob, "&gt;"); break;
		case '"': obuf_adds(ob, "&quot;"); break;
		case '\'': obuf_adds(ob, "&#39;"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				c = '?';
			obuf_add(ob, &c, 1);
		}
	}
}

/* Length of the valid UTF-8 sequence at s, or 0 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] > 0x9f)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] > 0x8f)
			return 0;
		return 4;
	}
	return 0;
}

void
obuf_json_str(struct obuf *ob, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	obuf_adds(ob, "\"");
	while (*s != '\0') {
		unsigned char c = *s;
		size_t n;

		if (c == '"') {
			obuf_adds(ob, "\\\"");
		} else if (c == '\\') {
			obuf_adds(ob, "\\\\");
		} else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
			obuf_addf(ob, "\\u%04x", c);
		} else if (c < 0x80) {
			obuf_add(ob, s, 1);
		} else {
			/* The string is NUL-terminated, so a truncated sequence
			 * stops at the NUL, which fails the continuation test. */
			n = utf8_seq(s);
			if (n == 0) {
				obuf_adds(ob, "\\ufffd");
				s++;
				continue;
			}
			obuf_add(ob, s, n);
			s += n;
			continue;
		}
		s++;
	}
	obuf_adds(ob, "\"");
}

/* The UTF-8 sequence at *s appended (or U+FFFD for an invalid one);
 * returns how many input bytes it took. */
static size_t
utf8_copy(struct obuf *ob, const unsigned char *s)
{
	size_t n = utf8_seq(s);

	if (n == 0) {
		obuf_adds(ob, "\xef\xbf\xbd");
		return 1;
	}
	obuf_add(ob, s, n);
	return n;
}

void
obuf_xml(struct obuf *ob, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s != '\0') {
		unsigned char c = *s;

		if (c >= 0x80) {
			s += utf8_copy(ob, s);
			continue;
		}
		switch (c) {
		case '&': obuf_adds(ob, "&amp;"); break;
		case '<': obuf_adds(ob, "&lt;"); break;
		case '>': obuf_adds(ob, "&gt;"); break;
		case '"': obuf_adds(ob, "&quot;"); break;
		case '\'': obuf_adds(ob, "&apos;"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				c = '?';
			obuf_add(ob, &c, 1);
		}
		s++;
	}
}

void
obuf_prom_label(struct obuf *ob, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s != '\0') {
		unsigned char c = *s;

		if (c >= 0x80) {
			s += utf8_copy(ob, s);
			continue;
		}
		if (c == '\\')
			obuf_adds(ob, "\\\\");
		else if (c == '"')
			obuf_adds(ob, "\\\"");
		else if (c == '\n')
			obuf_adds(ob, "\\n");
		else if (c < 0x20 || c == 0x7f)
			obuf_adds(ob, "?");
		else
			obuf_add(ob, &c, 1);
		s++;
	}
}

void
obuf_url(struct obuf *ob, const char *str)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *s = (const unsigned char *)str; *s != '\0'; s++) {
		unsigned char c = *s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
			obuf_add(ob, &c, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			obuf_add(ob, e, 3);
		}
	}
}
