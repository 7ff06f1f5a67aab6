/* Parsing a control file from a string in tests: diagnostics land in
 * errtext, the error count in nerrors.  Define PARSE_NAME before including
 * to name the file in messages (default "rc"). */
#ifndef VIGIL_TEST_PARSE_FIXTURE_H
#define VIGIL_TEST_PARSE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

#ifndef PARSE_NAME
#define PARSE_NAME "rc"
#endif

static char *errtext;
static __attribute__((unused)) int nerrors;

static __attribute__((unused)) struct config *
parse(const char *text)
{
	struct parse_opts o = { 0 };
	size_t len;
	struct config *c;

	free(errtext);
	errtext = NULL;
	o.errout = open_memstream(&errtext, &len);
	c = config_parse_string(text, PARSE_NAME, &o, &nerrors);
	fclose(o.errout);
	return c;
}

#endif
