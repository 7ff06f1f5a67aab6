/* libFuzzer target: config_dump's normalised form is itself a control file.
 * Whatever parses must dump to text that parses again and dumps to the same
 * text.  Inputs with control characters (other than newline and tab) or
 * backslashes are skipped: the dump escapes those for the reader, and the
 * control-file language has no escape to read them back. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The dump without its "# file:" lines (they name where it came from). */
static char *
dump(const struct config *cf)
{
	char *out = NULL, *r, *w;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	config_dump(cf, f);
	fclose(f);
	for (r = w = out; *r;) {
		char *nl = strchr(r, '\n');
		size_t n = nl ? (size_t)(nl - r + 1) : strlen(r);

		if (strncmp(r, "# file:", 7) != 0) {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	*w = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct parse_opts o = { 0 };
	struct config *cf, *again;
	char *text, *first, *second;
	size_t i;
	int nerr;

	if (size > 64 * 1024)
		return 0;
	for (i = 0; i < size; i++)
		if ((data[i] < 0x20 && data[i] != '\n' && data[i] != '\t') || data[i] >= 0x7f ||
		    data[i] == '\\')
			return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	o.errout = devnull;
	o.no_includes = true;
	cf = config_parse_string(text, "fuzz", &o, &nerr);
	free(text);
	if (!cf)
		return 0;
	first = dump(cf);
	config_free(cf);
	again = config_parse_string(first, "dump", &o, &nerr);
	if (!again) {
		fprintf(stderr, "the dump does not parse:\n%s\n", first);
		o.errout = stderr;
		config_parse_string(first, "dump", &o, &nerr);
		abort();
	}
	second = dump(again);
	config_free(again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "the dump changes when parsed again:\n%s\n---\n%s\n", first, second);
		abort();
	}
	free(first);
	free(second);
	return 0;
}
