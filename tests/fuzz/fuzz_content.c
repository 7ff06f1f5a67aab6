/* libFuzzer target: the content-match line reader (content_scan in
 * monitor/checks/check_content.c).  What a watched log file contains is up
 * to whoever writes to it.
 *
 * Input: byte 0 picks an "if [not] match" pattern, byte 1 an "ignore [not]
 * match" pattern (or none); the rest is what was appended to the file.
 * Oracles besides the sanitizers: the bytes consumed never exceed the
 * input; what is left is an incomplete line (no newline, shorter than the
 * line limit); no rule selects more lines than were consumed; each reported
 * line is NUL-terminated within its buffer. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/engine/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const patterns[] = {
	"error", "^ERROR .* timeout$", "[0-9]{3} [A-Z]+", "", "a|b|c\\d+", "(?i)panic",
	"^$", "\\x00",
};
#define NPAT (sizeof(patterns) / sizeof(patterns[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pcre2_code *code[NPAT];
	struct content_rule rules[2];
	size_t used, n, nrules, lines = 0;
	const char *buf;

	if (size < 2 || size > 1024 * 1024)
		return 0;
	if (code[0] == NULL) {
		for (size_t i = 0; i < NPAT; i++) {
			int err;
			PCRE2_SIZE off;

			code[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
			    0, &err, &off, NULL);
			if (code[i] == NULL)
				abort();
			(void)pcre2_jit_compile(code[i], PCRE2_JIT_COMPLETE);
		}
	}
	memset(rules, 0, sizeof(rules));
	rules[0].re = (void *const *)&code[(data[0] >> 1) % NPAT];
	rules[0].nre = 1;
	rules[0].match_not = data[0] & 1;
	nrules = 1;
	if (data[1] & 1) {
		rules[1].re = (void *const *)&code[(data[1] >> 2) % NPAT];
		rules[1].nre = 1;
		rules[1].match_not = (data[1] >> 1) & 1;
		rules[1].ignore = true;
		nrules = 2;
	}
	for (size_t k = 0; k < nrules; k++)
		memset(rules[k].hit, 'x', sizeof(rules[k].hit));
	buf = (const char *)data + 2;
	n = size - 2;
	used = content_scan(rules, nrules, buf, n);
	if (used > n)
		abort();
	if (used < n && (memchr(buf + used, '\n', n - used) != NULL || n - used >= 4096))
		abort();
	for (size_t i = 0; i < used; i++)
		if (buf[i] == '\n')
			lines++;
	for (size_t k = 0; k < nrules; k++) {
		/* a line longer than the bound is cut and counted once more */
		if (rules[k].hits > lines + used / 4096 + 1)
			abort();
		if (memchr(rules[k].hit, '\0', sizeof(rules[k].hit)) == NULL)
			abort();
	}
	return 0;
}
