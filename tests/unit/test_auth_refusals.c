/* Failed web logins coalesced for the monitor (webui/auth/refusals.c): the
 * first of an interval at once, the rest as one count, a flood of fresh
 * keys bounded by the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "webui/auth/auth.h"

static struct auth_refusals t;
static struct msg_access_refused out;

static void
test_first_at_once_rest_counted(void **state)
{
	(void)state;
	auth_refusals_init(&t);
	assert_true(auth_refusal_note(&t, "alice", "10.0.0.2", "denied", 1000, &out));
	assert_string_equal(out.user, "alice");
	assert_string_equal(out.client, "10.0.0.2");
	assert_string_equal(out.reason, "denied");
	assert_int_equal(out.count, 1);
	/* 99 more inside the interval: nothing now, nothing due yet */
	for (int i = 0; i < 99; i++)
		assert_false(auth_refusal_note(&t, "alice", "10.0.0.2", "denied",
		    2000 + (uint64_t)i, &out));
	assert_false(auth_refusal_due(&t, 1000 + AUTH_REFUSAL_INTERVAL_MS - 1, &out));
	/* the interval over: one message with the 99 */
	assert_true(auth_refusal_due(&t, 1000 + AUTH_REFUSAL_INTERVAL_MS, &out));
	assert_int_equal(out.count, 99);
	assert_int_equal(out.interval_s, AUTH_REFUSAL_INTERVAL_MS / 1000);
	assert_false(auth_refusal_due(&t, 1000 + AUTH_REFUSAL_INTERVAL_MS + 5000, &out));
	/* a new interval starts with a report at once again */
	assert_true(auth_refusal_note(&t, "alice", "10.0.0.2", "denied",
	    1000 + 2 * AUTH_REFUSAL_INTERVAL_MS, &out));
	assert_int_equal(out.count, 1);
}

static void
test_keys_apart(void **state)
{
	(void)state;
	auth_refusals_init(&t);
	assert_true(auth_refusal_note(&t, "alice", "10.0.0.2", "denied", 0, &out));
	assert_true(auth_refusal_note(&t, "bob", "10.0.0.2", "denied", 0, &out));
	assert_true(auth_refusal_note(&t, "alice", "10.0.0.3", "denied", 0, &out));
	/* a lockout is news of its own */
	assert_true(auth_refusal_note(&t, "alice", "10.0.0.2", "throttled", 0, &out));
	assert_string_equal(out.reason, "throttled");
}

static void
test_late_note_carries_unswept_count(void **state)
{
	(void)state;
	auth_refusals_init(&t);
	assert_true(auth_refusal_note(&t, "u", "a", "denied", 0, &out));
	assert_false(auth_refusal_note(&t, "u", "a", "denied", 10, &out));
	assert_false(auth_refusal_note(&t, "u", "a", "denied", 20, &out));
	/* no sweep ran: the next interval's first report carries the two */
	assert_true(auth_refusal_note(&t, "u", "a", "denied", AUTH_REFUSAL_INTERVAL_MS, &out));
	assert_int_equal(out.count, 3);
	assert_false(auth_refusal_due(&t, 2 * AUTH_REFUSAL_INTERVAL_MS, &out));
}

static void
test_flood_of_fresh_keys_bounded(void **state)
{
	char user[32];
	unsigned reported = 0, total = 0;

	(void)state;
	auth_refusals_init(&t);
	for (unsigned i = 0; i < 10000; i++) {
		snprintf(user, sizeof(user), "guess%u", i);
		if (auth_refusal_note(&t, user, "10.0.0.9", "denied", i, &out)) {
			reported++;
			total += out.count;
		}
	}
	/* at most one report per slot; the rest counted under "*" */
	assert_int_equal(reported, AUTH_REFUSAL_SLOTS);
	while (auth_refusal_due(&t, 10000 + AUTH_REFUSAL_INTERVAL_MS, &out)) {
		reported++;
		total += out.count;
		if (strcmp(out.user, "*") == 0)
			assert_string_equal(out.client, "*");
	}
	assert_int_equal(reported, AUTH_REFUSAL_SLOTS + 1);
	assert_int_equal(total, 10000);
}

static void
test_names_made_printable(void **state)
{
	(void)state;
	auth_refusals_init(&t);
	assert_true(auth_refusal_note(&t, "eve\r\nBcc: x@y", "", "denied", 0, &out));
	assert_string_equal(out.user, "eve??Bcc:?x@y");
	assert_string_equal(out.client, "-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_at_once_rest_counted),
		cmocka_unit_test(test_keys_apart),
		cmocka_unit_test(test_late_note_carries_unswept_count),
		cmocka_unit_test(test_flood_of_fresh_keys_bounded),
		cmocka_unit_test(test_names_made_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
