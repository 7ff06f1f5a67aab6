/* What `vigil status` / `summary` print, snapshots, and the state record:
 * round trip, and refusal of every malformed record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_fixture.h"

static struct monitor *
two_services(void)
{
	struct config *cf = fx_config();
	struct service *p = fx_service(cf, "demo", SVC_PROCESS);
	struct service *f = fx_service(cf, "conf", SVC_FILE);
	struct test *t;
	struct monitor *m;

	p->path = xstrdup("/nonexistent/demo.pid");
	f->path = xstrdup("/etc/hostname");
	t = fx_test(f, TEST_CHECKSUM, ACTION_ALERT);
	t->hash = HASH_MD5;
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	return m;
}

static void
test_status_text(void **state)
{
	struct monitor *m = two_services();
	struct engine *e = m->engine;
	char buf[8192];
	size_t n;

	(void)state;
	/* Fake a running process without the loop. */
	e->s[0].monitor = MON_YES;
	e->s[0].pid = 1234;
	e->s[0].uptime_s = 5 * 60 + 7;
	svc_update_status(&e->s[0]);
	n = engine_format_status(e, "demo", false, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "Process 'demo'\n"
	    "  status                       OK\n"
	    "  monitoring status            Monitored\n"));
	assert_non_null(strstr(buf, "\n  pid                          1234\n"));
	assert_non_null(strstr(buf, "\n  uptime                       5m\n"));
	assert_null(strstr(buf, "conf"));	/* only the one asked for */

	e->s[1].monitor = MON_NOT;
	svc_update_status(&e->s[1]);
	n = engine_format_status(e, NULL, true, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "Service Name"));
	assert_non_null(strstr(buf, "\ndemo "));
	assert_non_null(strstr(buf, "Not monitored"));
	assert_non_null(strstr(buf, " File\n"));
	assert_non_null(strstr(buf, " Process\n"));
	fx_monitor_free(m);
}

static void
test_status_truncates_like_snprintf(void **state)
{
	struct monitor *m = two_services();
	char full[8192], small[16];
	size_t want, got;

	(void)state;
	want = engine_format_status(m->engine, "all", false, full, sizeof(full));
	memset(small, 'X', sizeof(small));
	got = engine_format_status(m->engine, "all", false, small, sizeof(small));
	assert_int_equal(got, want);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	assert_int_equal(engine_format_status(m->engine, "all", false, NULL, 0), want);
	fx_monitor_free(m);
}

static void
test_snapshot(void **state)
{
	struct monitor *m = two_services();
	struct msg_snapshot_service ss;

	(void)state;
	m->engine->s[0].monitor = MON_NOT;
	svc_update_status(&m->engine->s[0]);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.name, "demo");
	assert_string_equal(ss.type, "process");
	assert_string_equal(ss.status, "Not monitored");
	assert_string_equal(ss.monitor, "Not monitored");
	engine_snapshot(m->engine, 1, &ss);
	assert_string_equal(ss.type, "file");
	assert_string_equal(ss.status, "Initializing");
	assert_int_equal(engine_find(m->engine, "conf"), 1);
	assert_int_equal(engine_find(m->engine, "nope"), -1);
	assert_int_equal(engine_nservices(m->engine), 2);
	fx_monitor_free(m);
}

static size_t
sample_record(uint8_t *buf, size_t cap)
{
	struct monitor *m = two_services();
	size_t n;

	m->engine->s[0].monitor = MON_NOT;
	m->engine->s[0].restart_count = 7;
	strcpy(m->engine->s[1].ts[1].learned, "0123456789abcdef0123456789abcdef");
	n = engine_state_encode(m->engine, buf, cap);
	fx_monitor_free(m);
	return n;
}

static void
test_state_round_trip(void **state)
{
	uint8_t buf[4096];
	size_t n = sample_record(buf, sizeof(buf));
	struct monitor *m = two_services();

	(void)state;
	assert_true(n > 8);
	assert_int_equal(m->engine->s[0].monitor, MON_INIT);
	assert_true(engine_state_decode(m->engine, buf, n));
	assert_int_equal(m->engine->s[0].monitor, MON_NOT);
	assert_int_equal(m->engine->s[0].restart_count, 7);
	assert_string_equal(m->engine->s[1].ts[1].learned,
	    "0123456789abcdef0123456789abcdef");
	assert_int_equal(m->engine->s[1].monitor, MON_INIT);
	/* too small a buffer: the length wanted, like snprintf */
	assert_int_equal(engine_state_encode(m->engine, buf, 10),
	    engine_state_encode(m->engine, buf, sizeof(buf)));
	assert_int_equal(engine_state_encode(m->engine, NULL, 0),
	    engine_state_encode(m->engine, buf, sizeof(buf)));
	assert_true(engine_state_decode(m->engine, (const uint8_t *)"VGE1\0\0\0\0", 8));
	fx_monitor_free(m);
}

static void
test_state_malformed(void **state)
{
	uint8_t buf[4096], bad[4096];
	size_t n = sample_record(buf, sizeof(buf));
	struct monitor *m = two_services();

	(void)state;
	/* every truncation */
	for (size_t len = 0; len < n; len++)
		assert_false(engine_state_decode(m->engine, buf, len));
	/* trailing junk */
	memcpy(bad, buf, n);
	bad[n] = 0;
	assert_false(engine_state_decode(m->engine, bad, n + 1));
	/* bad magic */
	memcpy(bad, buf, n);
	bad[0] = 'X';
	assert_false(engine_state_decode(m->engine, bad, n));
	/* service count far beyond the record */
	memcpy(bad, buf, n);
	bad[4] = 0xff; bad[5] = 0xff; bad[6] = 0xff; bad[7] = 0x7f;
	assert_false(engine_state_decode(m->engine, bad, n));
	/* name length 0 */
	memcpy(bad, buf, n);
	bad[8] = 0;
	assert_false(engine_state_decode(m->engine, bad, n));
	/* monitored flag 2 (after "\x04demo") */
	memcpy(bad, buf, n);
	bad[13] = 2;
	assert_false(engine_state_decode(m->engine, bad, n));
	/* a checksum that is not lowercase hex (the last byte) */
	memcpy(bad, buf, n);
	bad[n - 1] = 'G';
	assert_false(engine_state_decode(m->engine, bad, n));
	/* nothing was applied by any of these */
	assert_int_equal(m->engine->s[0].monitor, MON_INIT);
	assert_int_equal(m->engine->s[1].ts[1].learned[0], '\0');
	/* random flips never crash; an accepted record is still exact */
	srand(1);
	for (int i = 0; i < 20000; i++) {
		memcpy(bad, buf, n);
		bad[rand() % n] ^= (uint8_t)(1 + rand() % 255);
		(void)engine_state_decode(m->engine, bad, n);
	}
	assert_false(engine_state_decode(m->engine, NULL, 0));
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_status_truncates_like_snprintf),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
