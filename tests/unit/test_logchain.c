/* The log file's hash chain (common/logchain.c): values, splitting a line,
 * the read-back of the last value from a file's tail, and verification
 * that names the first line that does not chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/logchain.h"

#define SEED "00112233445566778899aabbccddeeff"

/* A chained file of N lines: a start line naming SEED, then "line K". */
static char *
chained_file(int n)
{
	char prev[LOGCHAIN_HEX + 1], text[128], value[LOGCHAIN_HEX + 1];
	size_t cap = (size_t)(n + 1) * 256, len = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	strcpy(prev, SEED);
	for (int i = 0; i <= n; i++) {
		if (i == 0)
			snprintf(text, sizeof(text), "[2026-11-30 03:00:00] %s%s", LOGCHAIN_START, SEED);
		else
			snprintf(text, sizeof(text), "[2026-11-30 03:00:%02d] monitor: info: line %d",
			    i % 60, i);
		logchain_value(prev, text, strlen(text), value);
		len += (size_t)snprintf(out + len, cap - len, "%s" LOGCHAIN_TAG "%s\n", text, value);
		strcpy(prev, value);
	}
	return out;
}

/* The number of the first line that does not chain, 0 when all do. */
static unsigned long
verify(const char *file, const char **why)
{
	struct logchain_verify v;
	const char *p = file, *nl;

	logchain_verify_init(&v);
	*why = NULL;
	while ((nl = strchr(p, '\n')) != NULL) {
		if ((*why = logchain_verify_line(&v, p, (size_t)(nl - p))) != NULL)
			return v.line;
		p = nl + 1;
	}
	return 0;
}

/* FILE with line N (1-based) removed, in place. */
static void
remove_line(char *file, int n)
{
	char *p = file, *end;

	while (--n > 0)
		p = strchr(p, '\n') + 1;
	end = strchr(p, '\n') + 1;
	memmove(p, end, strlen(end) + 1);
}

static char *
line_start(char *file, int n)
{
	while (--n > 0)
		file = strchr(file, '\n') + 1;
	return file;
}

static void
test_value_is_sha256_prefix(void **state)
{
	char v[LOGCHAIN_HEX + 1];

	(void)state;
	/* SHA-256("a b") = c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65 */
	logchain_value("a", "b", 1, v);
	assert_string_equal(v, "c8687a08aa5d6ed2044328fa6a697ab8");
}

static void
test_split(void **state)
{
	char v[LOGCHAIN_HEX + 1];
	size_t n;
	const char ok[] = "text #c=" SEED;

	(void)state;
	assert_true(logchain_split(ok, strlen(ok), &n, v));
	assert_int_equal(n, 4);
	assert_string_equal(v, SEED);
	assert_false(logchain_split("text", 4, &n, v));
	assert_false(logchain_split(" #c=00112233445566778899aabbccddeeF", 36, &n, v));
	assert_false(logchain_split(" #c=00112233445566778899aabbccddee", 34, &n, v));
	assert_false(logchain_split("x#c=00112233445566778899aabbccddeeff", 36, &n, v));
	/* a NUL inside the value is not a hex digit */
	assert_false(logchain_split(" #c=0011223344556677\0" "899aabbccddeeff", 36, &n, v));
}

static void
test_start_line(void **state)
{
	char p[LOGCHAIN_HEX + 1];
	const char *s = "[2026-11-30 03:00:00] " LOGCHAIN_START SEED;
	const char *child = "[2026-11-30 03:00:00] monitor: info: log chain start prev=" SEED;

	(void)state;
	assert_true(logchain_is_start(s, strlen(s), p));
	assert_string_equal(p, SEED);
	/* only privd may start a segment: a child's line saying so is text */
	assert_false(logchain_is_start(child, strlen(child), p));
	assert_false(logchain_is_start(s, strlen(s) - 1, p));
	assert_false(logchain_is_start("]", 1, p));
	assert_false(logchain_is_start("[", 1, p));
}

static void
test_last_value(void **state)
{
	char *f = chained_file(3), v[LOGCHAIN_HEX + 1], big[LOGCHAIN_TAIL_MAX + 200];
	const char *last = strrchr(f, '=') + 1;

	(void)state;
	assert_true(logchain_last_value(f, strlen(f), v));
	assert_memory_equal(v, last, LOGCHAIN_HEX);
	/* a torn last line (no newline) or an unchained one gives nothing */
	assert_false(logchain_last_value(f, strlen(f) - 1, v));
	assert_false(logchain_last_value("plain line\n", 11, v));
	assert_false(logchain_last_value("", 0, v));
	assert_false(logchain_last_value("\n", 1, v));
	/* only the last LOGCHAIN_TAIL_MAX bytes are looked at */
	memset(big, 'x', sizeof(big));
	memcpy(big + sizeof(big) - 38, " #c=" SEED "\n", 37);
	big[sizeof(big) - 1] = '\0';
	assert_true(logchain_last_value(big, sizeof(big) - 1, v));
	assert_string_equal(v, SEED);
	free(f);
}

static void
test_verify_intact(void **state)
{
	char *f = chained_file(10);
	const char *why;

	(void)state;
	assert_int_equal(verify(f, &why), 0);
	free(f);
}

static void
test_verify_removed_middle_line(void **state)
{
	char *f = chained_file(10);
	const char *why;

	(void)state;
	remove_line(f, 5);
	assert_int_equal(verify(f, &why), 5);
	assert_non_null(why);
	free(f);
}

static void
test_verify_edited_character(void **state)
{
	char *f = chained_file(10);
	const char *why;

	(void)state;
	line_start(f, 7)[1] = '3';	/* the year's first digit */
	assert_int_equal(verify(f, &why), 7);
	free(f);
}

static void
test_verify_swapped_lines(void **state)
{
	char *f = chained_file(10), *a = line_start(f, 4), *b = line_start(f, 5);
	char *c = line_start(f, 6), tmp[256];
	size_t la = (size_t)(b - a), lb = (size_t)(c - b);
	const char *why;

	(void)state;
	memcpy(tmp, a, la);
	memmove(a, b, lb);
	memcpy(a + lb, tmp, la);
	assert_int_equal(verify(f, &why), 4);
	free(f);
}

static void
test_verify_removed_first_line(void **state)
{
	char *f = chained_file(3);
	const char *why;

	(void)state;
	remove_line(f, 1);
	assert_int_equal(verify(f, &why), 1);
	assert_non_null(strstr(why, "chain start"));
	free(f);
}

static void
test_verify_unchained_line(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(verify("[2026-11-30 03:00:00] privd: info: plain\n", &why), 1);
	assert_non_null(strstr(why, "no chain value"));
}

/* A restart appends a start line naming the last value: the file still
 * verifies; one naming anything else (lines removed before it) does not. */
static void
append_start(char **f, const char *prev)
{
	char text[160], value[LOGCHAIN_HEX + 1];
	size_t len = strlen(*f);

	snprintf(text, sizeof(text), "[2026-11-30 04:00:00] %s%s", LOGCHAIN_START, prev);
	logchain_value(prev, text, strlen(text), value);
	*f = realloc(*f, len + 256);
	assert_non_null(*f);
	snprintf(*f + len, 256, "%s" LOGCHAIN_TAG "%s\n", text, value);
}

static void
test_verify_restart_segments(void **state)
{
	char *f = chained_file(3), last[LOGCHAIN_HEX + 1];
	const char *why;

	(void)state;
	assert_true(logchain_last_value(f, strlen(f), last));
	append_start(&f, last);
	assert_int_equal(verify(f, &why), 0);
	append_start(&f, SEED);
	assert_int_equal(verify(f, &why), 6);
	assert_non_null(strstr(why, "does not name the line before"));
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_is_sha256_prefix),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_start_line),
		cmocka_unit_test(test_last_value),
		cmocka_unit_test(test_verify_intact),
		cmocka_unit_test(test_verify_removed_middle_line),
		cmocka_unit_test(test_verify_edited_character),
		cmocka_unit_test(test_verify_swapped_lines),
		cmocka_unit_test(test_verify_removed_first_line),
		cmocka_unit_test(test_verify_unchained_line),
		cmocka_unit_test(test_verify_restart_segments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
