/* Actions of one service queue in order, none lost (ACTION_QUEUE_MAX aside),
 * and a dependency that (re)starts stops its dependants first and starts
 * them again after it (the manual's DEPENDENCIES). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "engine_fixture.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	return fx_tmpdir_begin(dir, "queue");
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

/* "if failed uid 12345 then exec A" and "if failed gid 12345 then exec B"
 * on one file: both fail in one cycle, both run. */
static void
test_two_execs_in_one_cycle_both_run(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "f", SVC_FILE);
	struct test *t;
	struct monitor *m;
	char p[128];
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/watched", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	sv->path = xstrdup(p);
	t = fx_test(sv, TEST_UID, ACTION_EXEC);
	t->value = 12345;
	t->act.failed.exec = fx_command("/fake/exec-uid");
	t = fx_test(sv, TEST_GID, ACTION_EXEC);
	t->value = 12345;
	t->act.failed.exec = fx_command("/fake/exec-gid");
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	settle(m, 5);
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_run_prog[0], "/fake/exec-uid");
	assert_string_equal(fake_run_event[0], "UID failed");
	assert_string_equal(fake_run_prog[1], "/fake/exec-gid");
	assert_string_equal(fake_run_event[1], "GID failed");
	fx_monitor_free(m);
}

static struct monitor *
process_monitor(const char *name, struct service **out)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, name, SVC_PROCESS);
	struct monitor *m;
	char p[128];

	snprintf(p, sizeof(p), "%s/a.pid", dir);
	sv->path = xstrdup(p);
	sv->start = fx_command2("/fake/start", p);
	sv->stop = fx_command("/fake/stop");
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	*out = sv;
	return m;
}

static bool
svc0_up(void *arg)
{
	struct monitor *m = arg;

	return m->engine->s[0].pid > 0 && m->engine->s[0].busy == BUSY_NONE;
}

/* An exec that arrives while the start program runs waits for it, then
 * runs; a second start in the meantime is the same wish and merged. */
static void
test_exec_waits_for_the_start(void **state)
{
	struct service *sv;
	struct monitor *m = process_monitor("demo", &sv);
	struct action exec = { .kind = ACTION_EXEC };
	struct action restart = { .kind = ACTION_RESTART };
	struct svc *s;

	(void)state;
	exec.exec = fx_command("/fake/exec");
	engine_start(m->engine);
	s = &m->engine->s[0];
	assert_int_equal(s->busy, BUSY_START);
	do_action(s, &s->ts[0], &exec, "Resource limit matched", "cpu 99%");
	do_action(s, &s->ts[0], &restart, "Does not exist", "again");
	assert_int_equal(fake_runs, 1);		/* only the start so far */
	assert_int_equal(s->queue_len, 1);
	fx_run_until(m, svc0_up, m, 2000);
	settle(m, 3);
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_run_prog[0], "/fake/start");
	assert_string_equal(fake_run_prog[1], "/fake/exec");
	assert_string_equal(fake_run_event[1], "Resource limit matched");
	assert_int_equal(s->queue_len, 0);
	fx_monitor_free(m);
	free(exec.exec->argv[0]);
	free(exec.exec->argv);
	free(exec.exec);
}

/* The bound: ACTION_QUEUE_MAX wait, the next is dropped (and logged);
 * those that waited all run, at most EXEC_PARALLEL_MAX at once. */
static void
test_queue_is_bounded_and_drains(void **state)
{
	struct service *sv;
	struct monitor *m = process_monitor("demo", &sv);
	struct action exec = { .kind = ACTION_EXEC };
	struct svc *s;

	(void)state;
	exec.exec = fx_command("/fake/exec");
	engine_start(m->engine);
	s = &m->engine->s[0];
	for (int i = 0; i < ACTION_QUEUE_MAX + 5; i++)
		do_action(s, &s->ts[0], &exec, "Resource limit matched", "x");
	assert_int_equal(s->queue_len, ACTION_QUEUE_MAX);
	fx_run_until(m, svc0_up, m, 2000);
	assert_true(s->execs_running <= EXEC_PARALLEL_MAX);
	for (int i = 0; i < 100 && s->queue_len > 0; i++)
		settle(m, 1);
	settle(m, 3);
	assert_int_equal(s->queue_len, 0);
	assert_int_equal(fake_runs, 1 + ACTION_QUEUE_MAX);
	fx_monitor_free(m);
	free(exec.exec->argv[0]);
	free(exec.exec->argv);
	free(exec.exec);
}

/* ---- dependencies: c depends on b depends on a ---- */

static struct monitor *
chain_monitor(void)
{
	struct config *cf = fx_config();
	const char *names[] = { "a", "b", "c" };
	struct service *sv[3];
	struct monitor *m;
	char p[128], stop[64];

	for (int i = 0; i < 3; i++) {
		sv[i] = fx_service(cf, names[i], SVC_PROCESS);
		snprintf(p, sizeof(p), "%s/%s.pid", dir, names[i]);
		sv[i]->path = xstrdup(p);
		sv[i]->start = fx_command2("/fake/start", p);
		snprintf(stop, sizeof(stop), "/fake/stop-%s", names[i]);
		sv[i]->stop = fx_command(stop);
		if (i > 0) {
			sv[i]->depends = xcalloc(1, sizeof(*sv[i]->depends));
			sv[i]->depends->name = xstrdup(names[i - 1]);
		}
	}
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	return m;
}

static bool
all_up(void *arg)
{
	struct monitor *m = arg;

	for (size_t i = 0; i < m->engine->n; i++)
		if (m->engine->s[i].pid <= 0 || m->engine->s[i].busy != BUSY_NONE)
			return false;
	return true;
}

struct wait_arg {
	int runs;
	struct monitor *m;
};

static bool
runs_and_up(void *arg)
{
	struct wait_arg *w = arg;

	return fake_runs >= w->runs && all_up(w->m);
}

static void
kill_pid(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
test_kill9_of_a_dependency_restarts_its_dependants(void **state)
{
	struct monitor *m = chain_monitor();
	struct wait_arg w;
	pid_t a, b, c;

	(void)state;
	engine_start(m->engine);
	w.runs = 3;
	w.m = m;
	fx_run_until(m, runs_and_up, &w, 3000);
	assert_true(all_up(m));
	/* started in dependency order */
	assert_int_equal(fake_runs, 3);
	assert_string_equal(fake_run_service[0], "a");
	assert_string_equal(fake_run_service[1], "b");
	assert_string_equal(fake_run_service[2], "c");
	a = m->engine->s[0].pid;
	b = m->engine->s[1].pid;
	c = m->engine->s[2].pid;

	kill_pid(a);
	w.runs = 3 + 5;
	fx_run_until(m, runs_and_up, &w, 3000);
	/* c and b stop (c first), then a starts, then b, then c */
	assert_int_equal(fake_runs, 8);
	assert_string_equal(fake_run_prog[3], "/fake/stop-c");
	assert_string_equal(fake_run_prog[4], "/fake/stop-b");
	assert_string_equal(fake_run_service[5], "a");
	assert_string_equal(fake_run_prog[5], "/fake/start");
	assert_string_equal(fake_run_service[6], "b");
	assert_string_equal(fake_run_service[7], "c");
	assert_true(all_up(m));
	assert_true(m->engine->s[1].pid != b);
	assert_true(m->engine->s[2].pid != c);
	fx_monitor_free(m);
}

static void
test_user_restart_of_a_dependency_restarts_its_dependants(void **state)
{
	struct monitor *m = chain_monitor();
	struct wait_arg w = { 3, NULL };
	char msg[256];
	pid_t a;

	(void)state;
	w.m = m;
	engine_start(m->engine);
	fx_run_until(m, runs_and_up, &w, 3000);
	assert_true(all_up(m));
	a = m->engine->s[0].pid;
	assert_int_equal(engine_action(m->engine, "b", SVC_ACTION_RESTART, msg,
	    sizeof(msg)), 0);
	/* c stops, b stops and starts, c starts; a is left alone */
	w.runs = 3 + 4;
	fx_run_until(m, runs_and_up, &w, 3000);
	assert_int_equal(fake_runs, 7);
	assert_string_equal(fake_run_prog[3], "/fake/stop-c");
	assert_string_equal(fake_run_prog[4], "/fake/stop-b");
	assert_string_equal(fake_run_service[5], "b");
	assert_string_equal(fake_run_prog[5], "/fake/start");
	assert_string_equal(fake_run_service[6], "c");
	assert_string_equal(fake_run_prog[6], "/fake/start");
	assert_int_equal(m->engine->s[0].pid, a);
	assert_true(all_up(m));
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_execs_in_one_cycle_both_run,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_waits_for_the_start,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_is_bounded_and_drains,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_kill9_of_a_dependency_restarts_its_dependants, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_user_restart_of_a_dependency_restarts_its_dependants, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
