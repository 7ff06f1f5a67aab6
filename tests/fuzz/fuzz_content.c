/* libFuzzer target: the content-match line reader (content_scan in
 * monitor/checks/check_content.c).  What a watched log file contains is up
 * to whoever writes to it.
 *
 * Input: byte 0 picks one of a few patterns and "match" or "not match"; the
 * rest is what was appended to the file.  Oracles besides the sanitizers:
 * the bytes consumed never exceed the input; what is left is an incomplete
 * line (no newline, shorter than the line limit); the reported line is
 * NUL-terminated within its buffer. */
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
	char hit[256];
	bool failed;
	size_t used, n;
	const char *buf;

	if (size < 1 || size > 1024 * 1024)
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
	buf = (const char *)data + 1;
	n = size - 1;
	memset(hit, 'x', sizeof(hit));
	hit[sizeof(hit) - 1] = '\0';
	used = content_scan(code[(data[0] >> 1) % NPAT], data[0] & 1, buf, n, hit,
	    sizeof(hit), &failed);
	if (used > n)
		abort();
	if (used < n && (memchr(buf + used, '\n', n - used) != NULL || n - used >= 4096))
		abort();
	if (memchr(hit, '\0', sizeof(hit)) == NULL)
		abort();
	return 0;
}
