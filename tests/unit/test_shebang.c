/* privd reads a script's "#!" line so that the script runs with its path as
 * $0 (privd/shebang.c): what it takes and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "privd/privd.h"

static int
parse(const char *s, char *interp, char *arg)
{
	return shebang_parse(s, strlen(s), interp, 64, arg, 64);
}

static void
test_scripts(void **state)
{
	char i[64], a[64];

	(void)state;
	assert_int_equal(parse("#!/bin/sh\necho\n", i, a), 1);
	assert_string_equal(i, "/bin/sh");
	assert_string_equal(a, "");
	assert_int_equal(parse("#! /bin/sh -e  \r\n", i, a), 1);
	assert_string_equal(i, "/bin/sh");
	assert_string_equal(a, "-e");
	/* the rest of the line is one argument, as the kernel passes it */
	assert_int_equal(parse("#!/usr/bin/env python3 -u\n", i, a), 1);
	assert_string_equal(i, "/usr/bin/env");
	assert_string_equal(a, "python3 -u");
}

static void
test_binaries(void **state)
{
	char i[64], a[64];

	(void)state;
	assert_int_equal(shebang_parse("\177ELF\2\1\1", 7, i, 64, a, 64), 0);
	assert_int_equal(parse("", i, a), 0);
	assert_int_equal(parse("#", i, a), 0);
	assert_int_equal(parse("# comment\n", i, a), 0);
}

static void
test_refused(void **state)
{
	char i[64], a[64], longline[400];

	(void)state;
	assert_int_equal(parse("#!/bin/sh", i, a), -1);		/* no newline */
	assert_int_equal(parse("#!\n", i, a), -1);		/* no interpreter */
	assert_int_equal(parse("#!sh\n", i, a), -1);		/* relative */
	assert_int_equal(shebang_parse("#!/bin/s\0h\n", 11, i, 64, a, 64), -1);
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "#!/", 3);
	longline[sizeof(longline) - 1] = '\n';
	/* the newline lies past what the kernel reads */
	assert_int_equal(shebang_parse(longline, sizeof(longline), i, 64, a, 64), -1);
	/* an interpreter longer than the caller's buffer */
	assert_int_equal(shebang_parse("#!/aaaaaaaaaa\n", 14, i, 8, a, 64), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_binaries),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
