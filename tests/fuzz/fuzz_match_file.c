/* Fuzz the pattern-file splitter of content tests ("if match /path"). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "monitor/config/match_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct match_patterns mp;
	char err[160];
	int line;

	if (match_patterns_parse((const char *)data, size, &mp, &line, err, sizeof(err))) {
		if (mp.n == 0 || mp.n > MATCH_FILE_MAX_PATTERNS)
			__builtin_trap();
		for (size_t i = 0; i < mp.n; i++)
			if (strlen(mp.pattern[i]) > MATCH_FILE_MAX_LINE ||
			    mp.line[i] < 1 || (i > 0 && mp.line[i] <= mp.line[i - 1]))
				__builtin_trap();
		match_patterns_free(&mp);
	} else if (mp.n != 0 || err[0] == '\0') {
		__builtin_trap();
	}
	return 0;
}
