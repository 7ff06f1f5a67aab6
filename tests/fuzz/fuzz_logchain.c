/* libFuzzer target: the log chain's parsers (common/logchain.c), which read
 * a log file that anyone able to write it may have shaped: the verifier of
 * `vigil log verify` (line by line, as cli/log_verify.c feeds it) and the
 * read-back of the last chain value that vigild does as root when it opens
 * the file (logchain_last_value over the file's tail).
 *
 * Every line and the tail are copied to buffers of exactly their size, so
 * any over-read trips ASan.  Oracles: a value given back is 32 lowercase hex
 * digits; the tail's value is the one the last line's split gives; a line
 * the verifier accepts is one that split accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/logchain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_hex(const char *v)
{
	if (strlen(v) != LOGCHAIN_HEX || strspn(v, "0123456789abcdef") != LOGCHAIN_HEX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logchain_verify v;
	char value[LOGCHAIN_HEX + 1], again[LOGCHAIN_HEX + 1], *buf;
	const uint8_t *p = data, *end = data + size, *nl;
	size_t textlen;

	/* the read-back over the whole input as a file's tail */
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (logchain_last_value(buf, size, value)) {
		/* the same window: the last LOGCHAIN_TAIL_MAX bytes */
		const char *w = size > LOGCHAIN_TAIL_MAX ? buf + size - LOGCHAIN_TAIL_MAX : buf;
		const char *last = buf + size - 1;	/* the final newline */
		size_t n = size - 1;

		check_hex(value);
		while (last > w && last[-1] != '\n')
			last--;
		if (!logchain_split(last, (size_t)(buf + n - last), &textlen, again) ||
		    strcmp(again, value) != 0)
			abort();
	}
	free(buf);

	/* the verifier, line by line */
	logchain_verify_init(&v);
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t len = (size_t)(nl - p);
		char *line = malloc(len ? len : 1);
		const char *why;
		bool split;

		if (line == NULL)
			return 0;
		memcpy(line, p, len);
		split = logchain_split(line, len, &textlen, value);
		why = logchain_verify_line(&v, line, len);
		free(line);
		if (why == NULL && !split)
			abort();
		if (why != NULL)
			break;
		check_hex(v.prev);
		p = nl + 1;
	}
	return 0;
}
