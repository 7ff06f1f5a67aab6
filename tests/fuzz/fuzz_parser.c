/* libFuzzer target: the control-file parser on arbitrary bytes.
 * No disk access: includes are ignored (parse_opts.no_includes). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct parse_opts o = { 0 };
	struct config *cf;
	char *text;
	int nerr;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (size > 256 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	o.errout = devnull;
	o.no_includes = true;
	o.notes = size > 0 && (data[0] & 1) != 0;	/* the migration notes of vigil -t, half the time */
	cf = config_parse_string(text, "fuzz", &o, &nerr);
	if (cf) {
		config_dump(cf, devnull);
		config_free(cf);
	}
	free(text);
	return 0;
}
