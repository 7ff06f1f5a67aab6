/* The engine over a parsed control file: the shapes the parser produces
 * (cycles, modes, every, checksums, system resources) drive the engine as
 * intended. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_fixture.h"
#include "monitor/config/parse.h"

static char dir[64];

static struct monitor *
from_text(const char *fmt)
{
	char text[4096];
	struct config *cf;
	struct parse_opts o = { 0 };
	struct monitor *m;
	int nerr = 0;

	snprintf(text, sizeof(text), fmt, dir, dir, dir, dir);
	cf = config_parse_string(text, "test.rc", &o, &nerr);
	assert_non_null(cf);
	assert_int_equal(nerr, 0);
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	return m;
}

static const char *
status_of(struct monitor *m, const char *name)
{
	static struct msg_snapshot_service ss;
	int i = engine_find(m->engine, name);

	assert_true(i >= 0);
	engine_snapshot(m->engine, (size_t)i, &ss);
	return ss.status;
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vigil-ecfg-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	fake_kill_children();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_parsed_process_restarts_on_death(void **state)
{
	static char pidfile[128];
	struct monitor *m;
	uint64_t t0;
	pid_t pid;

	(void)state;
	snprintf(pidfile, sizeof(pidfile), "%s/demo.pid", dir);
	fake_pidfile = pidfile;
	m = from_text("set daemon 30\n"
	    "check process demo with pidfile %s/demo.pid\n"
	    "  start program = \"/fake/start\"\n"
	    "  stop program = \"/fake/stop\"\n");
	engine_start(m->engine);
	assert_int_equal(fake_runs, 1);
	t0 = now_ms();
	while (strcmp(status_of(m, "demo"), "OK") != 0 && now_ms() - t0 < 2000)
		ev_run_once(m->ev, 10);
	assert_string_equal(status_of(m, "demo"), "OK");
	pid = m->engine->s[0].pid;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t0 = now_ms();
	while ((m->engine->s[0].pid == 0 || m->engine->s[0].pid == pid) &&
	    now_ms() - t0 < 1000)
		ev_run_once(m->ev, 10);
	assert_int_equal(fake_runs, 2);
	assert_true(m->engine->s[0].pid > 0 && m->engine->s[0].pid != pid);
	fx_monitor_free(m);
}

static void
test_parsed_cycles_and_every(void **state)
{
	struct monitor *m;
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/data", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("x", f);
	fclose(f);
	m = from_text("set daemon 30\n"
	    "check file data with path %s/data\n"
	    "  if size > 3 B for 2 cycles then alert\n"
	    "check file slow with path %s/data\n"
	    "  every 2 cycles\n"
	    "  if size > 3 B then alert\n");
	engine_start(m->engine);	/* cycle 1 */
	assert_string_equal(status_of(m, "data"), "OK");
	f = fopen(path, "w");
	fputs("12345", f);
	fclose(f);
	engine_run_cycle(m->engine);	/* cycle 2: 1 of 2, slow skipped */
	assert_string_equal(status_of(m, "data"), "OK");
	assert_string_equal(status_of(m, "slow"), "OK");
	engine_run_cycle(m->engine);	/* cycle 3: fires; slow checked */
	assert_string_equal(status_of(m, "data"), "Size failed");
	assert_string_equal(status_of(m, "slow"), "Size failed");
	fx_monitor_free(m);
}

static void
test_parsed_system_and_checksum(void **state)
{
	struct monitor *m;
	char buf[4096];

	(void)state;
	m = from_text("set daemon 30\n"
	    "check system box\n"
	    "  if loadavg (1min) > 10000 then alert\n"
	    "  if memory usage > 0.001 %% then alert\n"
	    "check file hosts with path /etc/hostname\n"
	    "  if failed checksum then alert\n"
	    "check directory d with path %s\n"
	    "  if failed permission 0123 then alert\n");
	engine_start(m->engine);
	assert_string_equal(status_of(m, "box"), "Resource limit matched");
	assert_string_equal(status_of(m, "hosts"), "OK");
	assert_string_equal(status_of(m, "d"), "Permission failed");
	engine_format_status(m->engine, "box", false, buf, sizeof(buf));
	assert_non_null(strstr(buf, "System 'box'\n"));
	assert_non_null(strstr(buf, "load average"));
	engine_format_status(m->engine, NULL, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Directory"));
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parsed_process_restarts_on_death,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_parsed_cycles_and_every, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parsed_system_and_checksum, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
