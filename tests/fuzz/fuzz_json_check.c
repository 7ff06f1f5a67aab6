/* Fuzz json_object_valid(), webui's check of the service objects the
 * monitor sends for /api/status: any bytes, never a crash or a read past
 * the end; what it accepts starts with '{' and ends with '}' (spaces
 * aside), so no object ends early inside /api/status's array. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webui/json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: ASan sees a read one past the end */
	char *text = malloc(size > 0 ? size : 1);
	size_t a = 0, b = size;

	if (text == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	if (json_object_valid(text, size)) {
		while (a < b && strchr(" \t\r\n", text[a]) != NULL)
			a++;
		while (b > a && strchr(" \t\r\n", text[b - 1]) != NULL)
			b--;
		if (b - a < 2 || text[a] != '{' || text[b - 1] != '}')
			__builtin_trap();
	}
	free(text);
	return 0;
}
