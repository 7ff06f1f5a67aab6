/* The engine restarts a killed process through monitor_run as soon as its
 * pidfd fires, long before the next poll cycle (set daemon 30). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_fixture.h"

static char tmpdir[64];
static char pidpath[128];

static struct monitor *
demo_monitor(enum monitor_mode mode, struct service **out)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "demo", SVC_PROCESS);
	struct monitor *m;

	strcpy(tmpdir, "/tmp/vigil-engine-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(pidpath, sizeof(pidpath), "%s/demo.pid", tmpdir);
	sv->path = xstrdup(pidpath);
	sv->start = fx_command("/fake/start");
	sv->stop = fx_command("/fake/stop");
	sv->mode = mode;
	fake_pidfile = pidpath;
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	if (out)
		*out = sv;
	return m;
}

static void
demo_cleanup(struct monitor *m)
{
	fx_monitor_free(m);
	fake_kill_children();
	unlink(pidpath);
	rmdir(tmpdir);
}

static pid_t
demo_pid(struct monitor *m)
{
	struct msg_snapshot_service ss;

	engine_snapshot(m->engine, 0, &ss);
	return (pid_t)ss.pid;
}

static pid_t want_other_than;

static bool
new_pid_up(void *arg)
{
	struct monitor *m = arg;
	pid_t p = demo_pid(m);

	return p > 0 && p != want_other_than;
}

static bool
status_is_ok(void *arg)
{
	struct monitor *m = arg;
	struct msg_snapshot_service ss;

	engine_snapshot(m->engine, 0, &ss);
	return strcmp(ss.status, "OK") == 0;
}

static void
test_kill9_restart_within_a_second(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	struct msg_snapshot_service ss;
	pid_t first, second;
	uint64_t t0, took;

	(void)state;
	engine_start(m->engine);
	/* First cycle: nothing runs, so the engine starts it. */
	assert_int_equal(fake_runs, 1);
	assert_string_equal(fake_last_ctx.service, "demo");
	assert_string_equal(fake_last_ctx.event, "Started");	/* as Monit */
	assert_string_equal(fake_last_ctx.host, "testhost");
	assert_true(fake_last_ctx.date[0] != '\0');
	want_other_than = 0;
	fx_run_until(m, new_pid_up, m, 2000);
	first = demo_pid(m);
	assert_true(first > 0);
	fx_run_until(m, status_is_ok, m, 1000);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.status, "OK");
	assert_string_equal(ss.monitor, "Monitored");

	kill(first, SIGKILL);
	waitpid(first, NULL, 0);
	t0 = now_ms();
	want_other_than = first;
	took = fx_run_until(m, new_pid_up, m, 1000);
	second = demo_pid(m);
	assert_int_equal(fake_runs, 2);
	assert_true(fake_run_ms[1] - t0 < 200);	/* the pidfd, not a cycle */
	assert_true(second > 0 && second != first);
	assert_true(took < 1000);
	print_message("restart after kill -9: %llu ms\n", (unsigned long long)took);
	assert_int_equal(kill(second, 0), 0);
	assert_string_equal(fake_last_ctx.event, "Started");
	demo_cleanup(m);
}

static void
test_unmonitored_is_not_restarted(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	char msg[256];
	pid_t first;

	(void)state;
	engine_start(m->engine);
	want_other_than = 0;
	fx_run_until(m, new_pid_up, m, 2000);
	first = demo_pid(m);
	assert_true(first > 0);
	fx_run_until(m, status_is_ok, m, 1000);
	assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_UNMONITOR,
	    msg, sizeof(msg)), 0);
	kill(first, SIGKILL);
	waitpid(first, NULL, 0);
	want_other_than = first;
	fx_run_until(m, new_pid_up, m, 300);
	assert_int_equal(fake_runs, 1);
	assert_int_equal(engine_action(m->engine, "nosuch", SVC_ACTION_START,
	    msg, sizeof(msg)), 404);
	demo_cleanup(m);
}

static void
test_passive_mode_does_not_act(void **state)
{
	struct monitor *m = demo_monitor(MODE_PASSIVE, NULL);
	struct msg_snapshot_service ss;

	(void)state;
	engine_start(m->engine);
	assert_int_equal(fake_runs, 0);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.status, "Does not exist");
	demo_cleanup(m);
}

/* Manual mode with nothing saved: started at the daemon's start, as Monit
 * does; a saved "not monitored" (vigil stop) keeps it down. */
static void
test_manual_mode_starts_unless_saved_down(void **state)
{
	struct monitor *m = demo_monitor(MODE_MANUAL, NULL);
	struct msg_snapshot_service ss;
	uint8_t rec[512];
	size_t n;
	char msg[256];

	(void)state;
	engine_start(m->engine);
	assert_int_equal(fake_runs, 1);
	want_other_than = 0;
	fx_run_until(m, new_pid_up, m, 2000);
	assert_true(demo_pid(m) > 0);
	assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_UNMONITOR, msg,
	    sizeof(msg)), 0);
	n = engine_state_encode(m->engine, rec, sizeof(rec));
	assert_true(n < sizeof(rec));
	demo_cleanup(m);

	m = demo_monitor(MODE_MANUAL, NULL);
	assert_true(engine_state_decode(m->engine, rec, n));
	engine_start(m->engine);
	assert_int_equal(fake_runs, 0);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.monitor, "Not monitored");
	assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_START, msg,
	    sizeof(msg)), 0);
	want_other_than = 0;
	fx_run_until(m, new_pid_up, m, 2000);
	assert_true(demo_pid(m) > 0);
	assert_int_equal(fake_runs, 1);
	demo_cleanup(m);
}

static bool
not_monitored(void *arg)
{
	struct monitor *m = arg;
	struct msg_snapshot_service ss;

	engine_snapshot(m->engine, 0, &ss);
	return strcmp(ss.monitor, "Not monitored") == 0;
}

static void
test_stop_runs_stop_program_and_unmonitors(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	char msg[256];
	pid_t first;

	(void)state;
	engine_start(m->engine);
	want_other_than = 0;
	fx_run_until(m, new_pid_up, m, 2000);
	first = demo_pid(m);
	fx_run_until(m, status_is_ok, m, 1000);
	assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_STOP, msg,
	    sizeof(msg)), 0);
	assert_int_equal(fake_runs, 2);	/* the stop program */
	/* A second action while the first runs is refused. */
	assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_START, msg,
	    sizeof(msg)), 409);
	kill(first, SIGKILL);	/* what the stop program would do */
	waitpid(first, NULL, 0);
	fx_run_until(m, not_monitored, m, 1000);
	assert_true(not_monitored(m));
	fx_run_until(m, new_pid_up, m, 200);
	assert_int_equal(fake_runs, 2);	/* not restarted */
	demo_cleanup(m);
}

static void
test_failed_start_is_reported(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	struct msg_snapshot_service ss;

	(void)state;
	fake_spawn_daemon = false;
	fake_exit_status = 1;
	engine_start(m->engine);
	assert_int_equal(fake_runs, 1);
	for (int i = 0; i < 20; i++)
		ev_run_once(m->ev, 10);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.status, "Does not exist | Execution failed");
	assert_int_equal(ss.pid, 0);
	/* The next cycle tries again. */
	engine_run_cycle(m->engine);
	assert_int_equal(fake_runs, 2);
	demo_cleanup(m);
}

static pid_t
wait_new_pid(struct monitor *m, pid_t old)
{
	want_other_than = old;
	fx_run_until(m, new_pid_up, m, 1000);
	fx_run_until(m, status_is_ok, m, 500);
	return demo_pid(m);
}

static void
test_crash_loop_backs_off(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	uint64_t t0;
	pid_t pid;

	(void)state;
	engine_start(m->engine);
	pid = wait_new_pid(m, 0);
	/* three quick deaths are restarted at once */
	for (int i = 0; i < 3; i++) {
		assert_true(pid > 0);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = wait_new_pid(m, pid);
	}
	assert_int_equal(fake_runs, 4);
	assert_true(pid > 0);
	/* the fourth waits a second (no cycle needed), not for set daemon 30 */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t0 = now_ms();
	want_other_than = pid;
	fx_run_until(m, new_pid_up, m, 300);
	assert_int_equal(fake_runs, 4);
	pid = wait_new_pid(m, pid);
	fx_run_until(m, new_pid_up, m, 2000);
	pid = demo_pid(m);
	assert_true(pid > 0);
	assert_int_equal(fake_runs, 5);
	assert_true(now_ms() - t0 >= 900);
	/* the fifth waits two seconds */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	want_other_than = pid;
	fx_run_until(m, new_pid_up, m, 1200);
	assert_int_equal(fake_runs, 5);
	/* a person asking to start forgets the back-off */
	{
		char msg[128];

		assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_START,
		    msg, sizeof(msg)), 0);
	}
	assert_int_equal(fake_runs, 6);
	assert_true(wait_new_pid(m, pid) > 0);
	demo_cleanup(m);
}

static void
test_death_before_watch_is_retried_at_once(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	pid_t pid;
	uint64_t t0;

	(void)state;
	engine_start(m->engine);
	/* the new daemon dies before the engine polls the pid file */
	ev_run_once(m->ev, 1);
	assert_int_equal(fake_runs, 1);
	pid = fake_children[fake_nchildren - 1];
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t0 = now_ms();
	want_other_than = pid;
	fx_run_until(m, new_pid_up, m, 1000);
	assert_true(demo_pid(m) > 0 && demo_pid(m) != pid);
	assert_int_equal(fake_runs, 2);
	assert_true(now_ms() - t0 < 1000);	/* not the 30 s start timeout */
	demo_cleanup(m);
}

static void
test_restart_limit_unmonitors(void **state)
{
	struct service *sv;
	struct monitor *m;
	struct test *t;
	pid_t pid;

	(void)state;
	m = demo_monitor(MODE_ACTIVE, &sv);
	engine_free(m->engine);
	t = fx_test(sv, TEST_RESTARTS, ACTION_UNMONITOR);	/* "if 2 restarts */
	t->restarts = 2;					/* within 3 cycles */
	t->restart_cycles = 3;					/* then unmonitor" */
	m->engine = engine_new(m);
	engine_start(m->engine);
	pid = wait_new_pid(m, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = wait_new_pid(m, pid);
	assert_true(pid > 0);
	assert_int_equal(fake_runs, 2);
	assert_false(not_monitored(m));
	engine_run_cycle(m->engine);
	assert_true(not_monitored(m));
	demo_cleanup(m);
}

static void
test_dependants_stop_first(void **state)
{
	struct config *cf = fx_config();
	struct service *db = fx_service(cf, "db", SVC_DIRECTORY);
	struct service *app = fx_service(cf, "app", SVC_DIRECTORY);
	struct monitor *m;
	char msg[256];

	(void)state;
	db->path = xstrdup("/");
	app->path = xstrdup("/");
	db->stop = fx_command("/fake/stop-db");
	app->stop = fx_command("/fake/stop-app");
	app->depends = xcalloc(1, sizeof(*app->depends));
	app->depends->name = xstrdup("db");
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_int_equal(engine_action(m->engine, "db", SVC_ACTION_STOP, msg,
	    sizeof(msg)), 0);
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_run_service[0], "app");	/* app went first */
	assert_string_equal(fake_run_service[1], "db");
	/* "stop all" then reaches app, already stopping: fine, not run again */
	assert_int_equal(engine_action(m->engine, "app", SVC_ACTION_STOP, msg,
	    sizeof(msg)), 0);
	assert_int_equal(fake_runs, 2);
	assert_int_equal(engine_action(m->engine, "app", SVC_ACTION_START, msg,
	    sizeof(msg)), 409);
	for (int i = 0; i < 10; i++)
		ev_run_once(m->ev, 10);
	assert_int_equal(m->engine->s[0].monitor, MON_NOT);
	assert_int_equal(m->engine->s[1].monitor, MON_NOT);
	/* monitoring app brings its dependency back first */
	assert_int_equal(engine_action(m->engine, "app", SVC_ACTION_MONITOR, msg,
	    sizeof(msg)), 0);
	assert_int_not_equal(m->engine->s[0].monitor, MON_NOT);
	assert_int_not_equal(m->engine->s[1].monitor, MON_NOT);
	/* unmonitoring db takes app with it */
	assert_int_equal(engine_action(m->engine, "db", SVC_ACTION_UNMONITOR, msg,
	    sizeof(msg)), 0);
	assert_int_equal(m->engine->s[1].monitor, MON_NOT);
	fx_monitor_free(m);
}

static void
test_answers_after_free_are_orphaned(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);

	(void)state;
	engine_start(m->engine);	/* a RUN is in flight */
	assert_int_equal(fake_runs, 1);
	engine_free(m->engine);
	m->engine = NULL;
	/* privd's answer arrives after the engine is gone: ignored safely
	 * (ASan build: no use after free) */
	for (int i = 0; i < 5; i++)
		ev_run_once(m->ev, 10);
	fake_kill_children();
	unlink(pidpath);
	rmdir(tmpdir);
	fx_monitor_free(m);
}

static void
test_check_program_status(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "script", SVC_PROGRAM);
	struct test *t;
	struct monitor *m;
	struct msg_snapshot_service ss;

	(void)state;
	sv->program = fx_command("/usr/local/bin/check-thing");
	t = fx_test(sv, TEST_STATUS, ACTION_ALERT);
	t->op = OP_NE;
	t->value = 0;			/* "if status != 0 then alert" */
	fake_reset();
	fake_pidfile = NULL;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	fake_exit_status = 3;
	engine_start(m->engine);
	assert_int_equal(fake_runs, 1);
	for (int i = 0; i < 5; i++)
		ev_run_once(m->ev, 10);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.status, "Status failed");
	fake_exit_status = 0;
	engine_run_cycle(m->engine);
	for (int i = 0; i < 5; i++)
		ev_run_once(m->ev, 10);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.status, "OK");
	assert_int_equal(fake_runs, 2);
	fx_monitor_free(m);
}

static void
test_user_restart_uses_stop_then_start(void **state)
{
	struct monitor *m = demo_monitor(MODE_ACTIVE, NULL);
	char msg[256];
	pid_t first;

	(void)state;
	engine_start(m->engine);
	first = wait_new_pid(m, 0);
	assert_true(first > 0);
	assert_int_equal(engine_action(m->engine, "demo", SVC_ACTION_RESTART, msg,
	    sizeof(msg)), 0);
	assert_int_equal(fake_runs, 2);			/* the stop program */
	kill(first, SIGKILL);				/* which stops it */
	waitpid(first, NULL, 0);
	assert_true(wait_new_pid(m, first) > 0);	/* then start */
	assert_int_equal(fake_runs, 3);
	assert_false(not_monitored(m));
	demo_cleanup(m);
}

static bool
both_up(void *arg)
{
	struct monitor *m = arg;

	return m->engine->s[0].pid > 0 && m->engine->s[1].pid > 0;
}

static void
test_dependency_starts_first(void **state)
{
	struct config *cf = fx_config();
	struct service *web = fx_service(cf, "web", SVC_PROCESS);
	struct service *db = fx_service(cf, "db", SVC_PROCESS);
	struct monitor *m;
	char d[] = "/tmp/vigil-dep-XXXXXX", wp[64], dp[64];

	(void)state;
	assert_non_null(mkdtemp(d));
	snprintf(wp, sizeof(wp), "%s/web.pid", d);
	snprintf(dp, sizeof(dp), "%s/db.pid", d);
	web->path = xstrdup(wp);
	db->path = xstrdup(dp);
	web->start = fx_command2("/fake/start", wp);
	db->start = fx_command2("/fake/start", dp);
	web->depends = xcalloc(1, sizeof(*web->depends));
	web->depends->name = xstrdup("db");	/* web depends on db */
	fake_reset();
	fake_pidfile = NULL;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	/* web comes first in the file, but db is started first ... */
	assert_int_equal(fake_runs, 1);
	assert_string_equal(fake_run_service[0], "db");
	fx_run_until(m, both_up, m, 2000);
	/* ... and web once db is up */
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_run_service[1], "web");
	assert_true(both_up(m));
	fx_monitor_free(m);
	fake_kill_children();
	unlink(wp);
	unlink(dp);
	rmdir(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill9_restart_within_a_second),
		cmocka_unit_test(test_unmonitored_is_not_restarted),
		cmocka_unit_test(test_passive_mode_does_not_act),
		cmocka_unit_test(test_manual_mode_starts_unless_saved_down),
		cmocka_unit_test(test_stop_runs_stop_program_and_unmonitors),
		cmocka_unit_test(test_failed_start_is_reported),
		cmocka_unit_test(test_crash_loop_backs_off),
		cmocka_unit_test(test_death_before_watch_is_retried_at_once),
		cmocka_unit_test(test_restart_limit_unmonitors),
		cmocka_unit_test(test_dependants_stop_first),
		cmocka_unit_test(test_answers_after_free_are_orphaned),
		cmocka_unit_test(test_check_program_status),
		cmocka_unit_test(test_user_restart_uses_stop_then_start),
		cmocka_unit_test(test_dependency_starts_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
