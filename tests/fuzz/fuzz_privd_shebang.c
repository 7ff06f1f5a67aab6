/* libFuzzer target: privd's "#!" line parser (privd/shebang.c), which reads
 * the first bytes of a program as root before choosing what to execute.
 *
 * The input is copied to a buffer of exactly its size, so any over-read
 * trips ASan.  Oracles: an accepted line gives an absolute interpreter with
 * no blank and no NUL, both strings fit their buffers, and the newline that
 * ends the line lies within what the kernel reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privd/privd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char interp[64], arg[64], *buf;
	int r;

	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	r = shebang_parse(buf, size, interp, sizeof(interp), arg, sizeof(arg));
	if (r == 1) {
		const char *nl = memchr(buf, '\n', size < SHEBANG_MAX ? size : SHEBANG_MAX);

		if (interp[0] != '/' || strchr(interp, ' ') != NULL ||
		    strchr(interp, '\t') != NULL || strlen(interp) >= sizeof(interp) ||
		    strlen(arg) >= sizeof(arg) || nl == NULL)
			abort();
	} else if (r != 0 && r != -1) {
		abort();
	}
	free(buf);
	return 0;
}
