/* Pattern files of content tests: lines, bounds, and garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/match_file.h"

static void
test_lines(void **state)
{
	struct match_patterns mp;
	char err[160];
	int line;
	const char text[] = "a\r\n\t \n\nb c\nlast-without-newline";

	(void)state;
	assert_true(match_patterns_parse(text, sizeof(text) - 1, &mp, &line, err,
	    sizeof(err)));
	assert_int_equal(mp.n, 3);
	assert_string_equal(mp.pattern[0], "a");
	assert_string_equal(mp.pattern[1], "b c");
	assert_int_equal(mp.line[1], 4);
	assert_string_equal(mp.pattern[2], "last-without-newline");
	assert_int_equal(mp.line[2], 5);
	match_patterns_free(&mp);
}

static void
test_garbage_is_refused_with_its_line(void **state)
{
	struct match_patterns mp;
	char err[160], *big;
	int line;
	const char nul[] = "ok\nbad\0byte\n";

	(void)state;
	assert_false(match_patterns_parse(nul, sizeof(nul) - 1, &mp, &line, err,
	    sizeof(err)));
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "NUL"));
	assert_int_equal(mp.n, 0);

	big = malloc(MATCH_FILE_MAX_LINE + 10);
	memset(big, 'x', MATCH_FILE_MAX_LINE + 10);
	big[0] = 'a';
	big[1] = '\n';
	assert_false(match_patterns_parse(big, MATCH_FILE_MAX_LINE + 10, &mp, &line,
	    err, sizeof(err)));
	assert_int_equal(line, 2);
	assert_non_null(strstr(err, "longer than"));
	free(big);

	/* too many patterns */
	big = malloc((MATCH_FILE_MAX_PATTERNS + 1) * 2);
	for (int i = 0; i < MATCH_FILE_MAX_PATTERNS + 1; i++) {
		big[2 * i] = 'p';
		big[2 * i + 1] = '\n';
	}
	assert_false(match_patterns_parse(big, (MATCH_FILE_MAX_PATTERNS + 1) * 2, &mp,
	    &line, err, sizeof(err)));
	assert_int_equal(line, MATCH_FILE_MAX_PATTERNS + 1);
	assert_non_null(strstr(err, "more than"));
	free(big);

	assert_false(match_patterns_parse("\n \n", 3, &mp, &line, err, sizeof(err)));
	assert_non_null(strstr(err, "no pattern"));
}

static void
test_read_bounds(void **state)
{
	char path[] = "/tmp/vigil-mf.XXXXXX", err[512];
	struct match_patterns mp;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	for (int i = 0; i < MATCH_FILE_MAX_BYTES / 8 + 1; i++)
		fputs("pattern\n", f);
	fclose(f);
	assert_false(match_patterns_read(path, &mp, err, sizeof(err)));
	assert_non_null(strstr(err, "larger than"));
	assert_non_null(strstr(err, path));
	assert_false(match_patterns_read("/proc/self/status", &mp, err, sizeof(err)) &&
	    mp.n == 0);
	match_patterns_free(&mp);
	unlink(path);
	assert_false(match_patterns_read(path, &mp, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_garbage_is_refused_with_its_line),
		cmocka_unit_test(test_read_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
