/* Rule windows: "for N cycles", "N times within M cycles", "else if
 * succeeded [for N cycles]". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "monitor/engine/engine.h"

static struct rule_actions
ra(int count, int within)
{
	struct rule_actions r = { 0 };

	r.failed.kind = ACTION_ALERT;
	r.failed_cycles.count = count;
	r.failed_cycles.within = within;
	return r;
}

/* Feed a pattern of 'F'ailed / 'o'k and return the events as letters:
 * F fired, s still failed, S succeeded, . ok. */
static void
feed(const struct rule_actions *r, const char *pattern, char *out)
{
	struct rulewin w = { 0 };
	size_t i;

	for (i = 0; pattern[i] != '\0'; i++) {
		switch (rule_step(&w, r, pattern[i] == 'F')) {
		case RULE_OK: out[i] = '.'; break;
		case RULE_FAILED: out[i] = 'F'; break;
		case RULE_STILL_FAILED: out[i] = 's'; break;
		case RULE_SUCCEEDED: out[i] = 'S'; break;
		}
	}
	out[i] = '\0';
}

static void
test_default_fires_at_once(void **state)
{
	struct rule_actions r = ra(0, 0);
	char out[64];

	(void)state;
	feed(&r, "oFFoo", out);
	assert_string_equal(out, ".FsS.");
}

static void
test_for_n_cycles(void **state)
{
	struct rule_actions r = ra(3, 3);	/* "for 3 cycles" */
	char out[64];

	(void)state;
	feed(&r, "FFoFFFFo", out);
	assert_string_equal(out, ".....FsS");
	feed(&r, "FFoFFoFF", out);
	assert_string_equal(out, "........");
}

static void
test_x_times_within_y(void **state)
{
	struct rule_actions r = ra(2, 4);	/* "2 times within 4 cycles" */
	char out[64];

	(void)state;
	/* failures 4 apart never meet in one window */
	feed(&r, "FoooFoooF", out);
	assert_string_equal(out, ".........");
	/* failures 3 apart do (cycles 1 and 4 are within a window of 4) */
	feed(&r, "FooF", out);
	assert_string_equal(out, "...F");
	feed(&r, "FoFo", out);
	assert_string_equal(out, "..FS");
}

static void
test_else_if_succeeded_for_cycles(void **state)
{
	struct rule_actions r = ra(1, 1);
	char out[64];

	(void)state;
	r.has_succeeded = true;
	r.succeeded.kind = ACTION_ALERT;
	r.succeeded_cycles.count = 2;
	r.succeeded_cycles.within = 2;
	feed(&r, "FoFoooF", out);
	assert_string_equal(out, "FsssS.F");
	feed(&r, "FoFooo", out);
	assert_string_equal(out, "FsssS.");
}

static void
test_immediate_only_without_count(void **state)
{
	struct rule_actions a = ra(1, 1), b = ra(3, 3), c = ra(2, 5), d = ra(0, 0);

	(void)state;
	assert_true(rule_is_immediate(&a));
	assert_false(rule_is_immediate(&b));
	assert_false(rule_is_immediate(&c));
	assert_true(rule_is_immediate(&d));
}

static void
test_window_is_bounded(void **state)
{
	struct rule_actions r = ra(1000, 5000);	/* beyond the history: clamped */
	struct rulewin w = { 0 };
	int fired = 0;

	(void)state;
	for (int i = 0; i < 200; i++)
		if (rule_step(&w, &r, true) == RULE_FAILED)
			fired = i + 1;
	assert_int_equal(fired, RULE_HIST_MAX);
	assert_int_equal(rule_count_failed(&w, 64), 64);
	assert_int_equal(rule_count_failed(&w, 3), 3);
}

static struct tm
at(int wday, int mon, int mday, int hour, int min)
{
	struct tm tm = { 0 };

	tm.tm_wday = wday;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	return tm;
}

static void
test_cron(void **state)
{
	struct tm mon_0830 = at(1, 3, 16, 8, 30), sun_2300 = at(0, 3, 15, 23, 0);

	(void)state;
	assert_int_equal(cron_match("* * * * *", &mon_0830), 1);
	assert_int_equal(cron_match("30 8 * * *", &mon_0830), 1);
	assert_int_equal(cron_match("31 8 * * *", &mon_0830), 0);
	assert_int_equal(cron_match("*/15 8-17 * * 1-5", &mon_0830), 1);
	assert_int_equal(cron_match("*/15 8-17 * * 1-5", &sun_2300), 0);
	assert_int_equal(cron_match("0 23 * * 7", &sun_2300), 1);	/* 7 = Sunday */
	assert_int_equal(cron_match("0,30 22,23 15 3 0", &sun_2300), 1);
	assert_int_equal(cron_match("0-29/10 * * * *", &mon_0830), 0);
	/* malformed */
	assert_int_equal(cron_match("* * * *", &mon_0830), -1);
	assert_int_equal(cron_match("* * * * * *", &mon_0830), -1);
	assert_int_equal(cron_match("60 * * * *", &mon_0830), -1);
	assert_int_equal(cron_match("5-1 * * * *", &mon_0830), -1);
	assert_int_equal(cron_match("*/0 * * * *", &mon_0830), -1);
	assert_int_equal(cron_match("a * * * *", &mon_0830), -1);
	assert_int_equal(cron_match("1,,2 * * * *", &mon_0830), -1);
	assert_int_equal(cron_match("00001 * * * *", &mon_0830), -1);
	assert_int_equal(cron_match(NULL, &mon_0830), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_fires_at_once),
		cmocka_unit_test(test_for_n_cycles),
		cmocka_unit_test(test_x_times_within_y),
		cmocka_unit_test(test_else_if_succeeded_for_cycles),
		cmocka_unit_test(test_immediate_only_without_count),
		cmocka_unit_test(test_window_is_bounded),
		cmocka_unit_test(test_cron),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
