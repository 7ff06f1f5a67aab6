/* The log file's hash chain: values, line splitting, the read-back of the
 * last value, verification (see logchain.h). */
#include <string.h>

#include "common/logchain.h"
#include "common/sha256.h"

static const char hexdigits[] = "0123456789abcdef";

void
logchain_hex(const unsigned char *bytes, char out[LOGCHAIN_HEX + 1])
{
	for (int i = 0; i < LOGCHAIN_HEX / 2; i++) {
		out[2 * i] = hexdigits[bytes[i] >> 4];
		out[2 * i + 1] = hexdigits[bytes[i] & 15];
	}
	out[LOGCHAIN_HEX] = '\0';
}

void
logchain_value(const char *prev, const char *text, size_t len, char out[LOGCHAIN_HEX + 1])
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];

	sha256_init(&s);
	sha256_update(&s, prev, strlen(prev));
	sha256_update(&s, " ", 1);
	sha256_update(&s, text, len);
	sha256_final(&s, d);
	logchain_hex(d, out);
}

static bool
is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(hexdigits, p[i]) == NULL || p[i] == '\0')
			return false;
	return true;
}

bool
logchain_split(const char *line, size_t len, size_t *textlen, char value[LOGCHAIN_HEX + 1])
{
	const char *suffix;

	if (len < LOGCHAIN_SUFFIX_LEN)
		return false;
	suffix = line + len - LOGCHAIN_SUFFIX_LEN;
	if (memcmp(suffix, LOGCHAIN_TAG, LOGCHAIN_TAG_LEN) != 0 ||
	    !is_hex(suffix + LOGCHAIN_TAG_LEN, LOGCHAIN_HEX))
		return false;
	memcpy(value, suffix + LOGCHAIN_TAG_LEN, LOGCHAIN_HEX);
	value[LOGCHAIN_HEX] = '\0';
	*textlen = len - LOGCHAIN_SUFFIX_LEN;
	return true;
}

bool
logchain_is_start(const char *text, size_t len, char prev[LOGCHAIN_HEX + 1])
{
	const size_t slen = strlen(LOGCHAIN_START);
	const char *p = memchr(text, ']', len);
	size_t rest;

	/* "[TIME] " then the start text, then exactly the hex value */
	if (len == 0 || text[0] != '[' || p == NULL || (size_t)(p - text) + 2 > len ||
	    p[1] != ' ')
		return false;
	p += 2;
	rest = len - (size_t)(p - text);
	if (rest != slen + LOGCHAIN_HEX || memcmp(p, LOGCHAIN_START, slen) != 0 ||
	    !is_hex(p + slen, LOGCHAIN_HEX))
		return false;
	memcpy(prev, p + slen, LOGCHAIN_HEX);
	prev[LOGCHAIN_HEX] = '\0';
	return true;
}

bool
logchain_last_value(const char *tail, size_t len, char value[LOGCHAIN_HEX + 1])
{
	const char *start;
	size_t textlen;

	if (len > LOGCHAIN_TAIL_MAX) {
		tail += len - LOGCHAIN_TAIL_MAX;
		len = LOGCHAIN_TAIL_MAX;
	}
	if (len == 0 || tail[len - 1] != '\n')
		return false;
	len--;
	/* the value is the last LOGCHAIN_SUFFIX_LEN bytes before the newline;
	 * the line must not be cut by the window (a newline before it, or the
	 * window's start being the file's start is the caller's business) */
	start = tail + len;
	while (start > tail && start[-1] != '\n')
		start--;
	return logchain_split(start, (size_t)(tail + len - start), &textlen, value);
}

void
logchain_verify_init(struct logchain_verify *v)
{
	memset(v, 0, sizeof(*v));
}

const char *
logchain_verify_line(struct logchain_verify *v, const char *line, size_t len)
{
	char value[LOGCHAIN_HEX + 1], want[LOGCHAIN_HEX + 1], start_prev[LOGCHAIN_HEX + 1];
	size_t textlen;

	v->line++;
	if (!logchain_split(line, len, &textlen, value))
		return "no chain value at the end of the line (\" #c=\" and 32 hex digits)";
	if (logchain_is_start(line, textlen, start_prev)) {
		if (v->have_prev && strcmp(start_prev, v->prev) != 0)
			return "a chain start that does not name the line before it "
			    "(lines removed before it)";
		if (!v->have_prev)
			memcpy(v->first_prev, start_prev, sizeof(start_prev));
		logchain_value(start_prev, line, textlen, want);
	} else {
		if (!v->have_prev)
			return "the file does not begin with a chain start line "
			    "(lines removed from its beginning)";
		logchain_value(v->prev, line, textlen, want);
	}
	if (strcmp(want, value) != 0)
		return "the chain value does not match (this line was changed, "
		    "or a line before it was removed, added or moved)";
	memcpy(v->prev, value, sizeof(value));
	v->have_prev = true;
	return NULL;
}
