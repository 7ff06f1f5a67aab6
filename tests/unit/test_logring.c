/* The monitor's ring of recent log lines (monitor/core/logring.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "monitor/core/logring.h"

static void
test_ring_bounded(void **state)
{
	static struct logring r;
	char text[64];

	(void)state;
	assert_null(logring_get(&r, 0));
	assert_null(logring_get(&r, 1));
	logring_add(&r, LOG_LVL_INFO, "first");
	logring_add(&r, LOG_LVL_DEBUG, "debug lines are left out");
	assert_non_null(logring_get(&r, 1));
	assert_string_equal(logring_get(&r, 1)->text, "first");
	assert_null(logring_get(&r, 2));
	for (int i = 0; i < LOGRING_LINES + 5; i++) {
		snprintf(text, sizeof(text), "line %d", i);
		logring_add(&r, LOG_LVL_WARN, text);
	}
	assert_int_equal(r.next_seq, LOGRING_LINES + 7);
	assert_null(logring_get(&r, 1));	/* overwritten */
	assert_null(logring_get(&r, 6));
	assert_non_null(logring_get(&r, 7));
	assert_string_equal(logring_get(&r, LOGRING_LINES + 6)->text, "line 132");
	assert_int_equal(logring_get(&r, LOGRING_LINES + 6)->level, LOG_LVL_WARN);
	assert_null(logring_get(&r, LOGRING_LINES + 7));
	/* A line longer than the field: cut, terminated. */
	{
		char big[2 * MSG_LOGLINE_LEN];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		logring_add(&r, LOG_LVL_ERR, big);
		assert_int_equal(strlen(logring_get(&r, LOGRING_LINES + 7)->text),
		    MSG_LOGLINE_LEN - 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
