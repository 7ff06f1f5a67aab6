/* Rule semantics as the manual states them: a cron schedule checks once per
 * matching minute, a restart limit counts the service's own cycles (a start
 * program that times out does not stretch them), a program killed at its
 * timeout has failed its status test, and learned "changed" baselines
 * survive a restart through the state record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>

#include "engine_fixture.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	return fx_tmpdir_begin(dir, "rules");
}

static int
teardown(void **state)
{
	(void)state;
	return fx_tmpdir_end(dir);
}

static void
settle(struct monitor *m, int rounds)
{
	for (int i = 0; i < rounds; i++)
		ev_run_once(m->ev, 10);
}

static struct monitor *
program_monitor(struct test **tout)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "prog", SVC_PROGRAM);
	struct test *t;
	struct monitor *m;

	sv->program = fx_command("/fake/check");
	t = fx_test(sv, TEST_STATUS, ACTION_EXEC);
	t->op = OP_NE;
	t->value = 0;		/* "if status != 0 then exec ..." */
	t->act.failed.exec = fx_command("/fake/exec");
	if (tout != NULL)
		*tout = t;
	m = fx_monitor(cf);
	return m;
}

/* every "* * * * *" at set daemon 2: once in the minute, not 30 times. */
static void
test_cron_runs_once_per_matching_minute(void **state)
{
	struct monitor *m = program_monitor(NULL);
	int64_t first, last;

	(void)state;
	m->cf->services->every.kind = EVERY_CRON;
	m->cf->services->every.cron = xstrdup("* * * * *");
	m->engine = engine_new(m);
	first = (int64_t)time(NULL) / 60;
	engine_start(m->engine);
	settle(m, 3);
	for (int i = 0; i < 4; i++) {
		engine_run_cycle(m->engine);
		settle(m, 3);
	}
	last = (int64_t)time(NULL) / 60;
	/* one run per minute the five cycles touched */
	assert_int_equal(fake_runs, 1 + (int)(last - first));
	fx_monitor_free(m);
}

/* "if status != 0": a program killed at its timeout failed (Monit). */
static void
test_program_timeout_fails_the_status_test(void **state)
{
	struct monitor *m = program_monitor(NULL);
	struct msg_snapshot_service ss;

	(void)state;
	m->engine = engine_new(m);
	fake_timed_out = true;
	fake_exit_status = -15;		/* privd: killed by SIGTERM */
	engine_start(m->engine);
	settle(m, 5);
	engine_snapshot(m->engine, 0, &ss);
	/* (the fake exec "timed out" as well: Execution failed too) */
	assert_non_null(strstr(ss.status, "Status failed"));
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_run_prog[1], "/fake/exec");
	assert_string_equal(fake_run_event[1], "Status failed");
	assert_non_null(strstr(m->engine->s[0].ts[0].desc, "143"));
	fx_monitor_free(m);
}

/* "if 3 restarts within 5 cycles then unmonitor" with a start program
 * that runs past several poll cycles and fails each time: the limit trips
 * on the third attempt, as it does in Monit, whose cycle waits for the
 * start program. */
static void
test_restart_limit_counts_the_services_cycles(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "slow", SVC_PROCESS);
	struct test *t;
	struct monitor *m;
	char p[128];
	int attempts = 0;

	(void)state;
	snprintf(p, sizeof(p), "%s/a.pid", dir);
	sv->path = xstrdup(p);
	sv->start = fx_command("/fake/start-hangs");
	t = fx_test(sv, TEST_RESTARTS, ACTION_UNMONITOR);
	t->restarts = 3;
	t->restart_cycles = 5;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	fake_spawn_daemon = false;
	fake_timed_out = true;
	fake_exit_status = -15;
	engine_start(m->engine);
	for (int round = 0; round < 6 && m->engine->s[0].monitor != MON_NOT;
	    round++) {
		/* the start program is still running for four more cycles */
		for (int c = 0; c < 4; c++)
			engine_run_cycle(m->engine);
		settle(m, 5);		/* then privd kills it */
		attempts = fake_runs;
		if (m->engine->s[0].monitor != MON_NOT)
			engine_run_cycle(m->engine);
	}
	assert_int_equal(m->engine->s[0].monitor, MON_NOT);
	assert_int_equal(attempts, 3);
	fx_monitor_free(m);
}

static struct monitor *
changed_monitor(const char *path)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "f", SVC_FILE);
	struct test *t;
	struct monitor *m;

	sv->path = xstrdup(path);
	t = fx_test(sv, TEST_SIZE, ACTION_EXEC);
	t->op = OP_CHANGED;
	t->act.failed.exec = fx_command("/fake/size");
	t = fx_test(sv, TEST_TIMESTAMP, ACTION_EXEC);
	t->op = OP_CHANGED;
	t->subkind = 3;		/* modify time */
	t->act.failed.exec = fx_command("/fake/mtime");
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	return m;
}

/* Learned size and time survive vigil quit + start: a change made while
 * vigil was down is seen at the first cycle after. */
static void
test_changed_baselines_survive_a_restart(void **state)
{
	struct monitor *m;
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };
	uint8_t rec[1024];
	char p[128];
	size_t n;
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/f", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("one\n", f);
	fclose(f);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	m = changed_monitor(p);
	engine_start(m->engine);
	settle(m, 3);
	assert_int_equal(fake_runs, 0);
	n = engine_state_encode(m->engine, rec, sizeof(rec));
	assert_true(n < sizeof(rec));
	fx_monitor_free(m);

	/* while vigil is down the file grows and its time moves */
	f = fopen(p, "a");
	assert_non_null(f);
	fputs("two\n", f);
	fclose(f);

	m = changed_monitor(p);
	assert_true(engine_state_decode(m->engine, rec, n));
	engine_start(m->engine);
	settle(m, 5);
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_run_event[0], "Size changed");
	assert_string_equal(fake_run_event[1], "Timestamp changed");
	fx_monitor_free(m);
}

/* A record of the first format (no learned values) is still read. */
static void
test_state_v1_record_is_read(void **state)
{
	static const uint8_t v1[] = {
		'V', 'G', 'E', '1', 1, 0, 0, 0,
		1, 'f', 0, 9, 0, 0, 0, 0,	/* "f": not monitored, 9 restarts */
	};
	struct monitor *m;
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/f", dir);
	m = changed_monitor(p);
	assert_true(engine_state_decode(m->engine, v1, sizeof(v1)));
	assert_int_equal(m->engine->s[0].monitor, MON_NOT);
	assert_int_equal(m->engine->s[0].restart_count, 9);
	/* a v2 record must carry its list of learned values */
	{
		uint8_t v2[sizeof(v1)];

		memcpy(v2, v1, sizeof(v1));
		v2[3] = '2';
		assert_false(engine_state_decode(m->engine, v2, sizeof(v2)));
	}
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cron_runs_once_per_matching_minute,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_program_timeout_fails_the_status_test, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_restart_limit_counts_the_services_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_changed_baselines_survive_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_v1_record_is_read,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
