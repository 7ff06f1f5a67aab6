/* The monitor's state saving keeps its promise: a save that fails (here: a
 * directory is in the way) is retried a poll interval later, and succeeds once
 * the cause is gone, without any further change to trigger it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/event.h"
#include "common/util.h"
#include "monitor/core/core.h"

static bool
exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static void
run_for(struct ev_loop *ev, uint64_t ms)
{
	uint64_t t0 = now_ms();

	while (now_ms() - t0 < ms)
		ev_run_once(ev, 20);
}

static void
test_failed_save_is_retried(void **state)
{
	char dir[] = "/tmp/vigil-core-state-XXXXXX";
	char path[160];
	struct config cf;
	struct monitor m;
	struct core core;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* The save fails while a directory sits where the file goes. */
	snprintf(path, sizeof(path), "%s/vigil.state", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	memset(&cf, 0, sizeof(cf));
	memset(&m, 0, sizeof(m));
	cf.poll_s = 1;
	cf.statefile = path;
	m.cf = &cf;
	m.ev = ev_new();
	core_init(&core, &m);
	m.engine = engine_new(&m);

	/* a change: the save is due at once (nothing saved before) and fails */
	monitor_changed(&m);
	run_for(m.ev, 300);
	assert_true(core.state_failing);
	/* the cause goes away; no further change happens */
	assert_int_equal(rmdir(path), 0);
	run_for(m.ev, 2500);
	assert_true(exists(path));

	engine_free(m.engine);
	if (core.state_timer >= 0)
		close(core.state_timer);
	ev_free(m.ev);
	unlink(path);
	rmdir(dir);
}

static char *
check_paths_as(struct config *cf, bool *ok, bool daemon)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	*ok = core_paths_check(cf, "rc", f, daemon);
	fclose(f);
	return text;
}

static char *
check_paths(struct config *cf, bool *ok)
{
	return check_paths_as(cf, ok, true);
}

/* Monit's paths: a state file where the monitor may not write moves under
 * vigil's own directory, said by a note; a control socket it cannot make
 * is an error that says how to fix it; an id file is ignored, said. */
static void
test_paths_of_a_monit_control_file(void **state)
{
	char dir[] = "/tmp/vigil-paths-XXXXXX", sock[96], file[96];
	struct config cf;
	char *text;
	bool ok;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/vigil.state", dir);
	snprintf(sock, sizeof(sock), "%s/control.sock", dir);
	memset(&cf, 0, sizeof(cf));
	cf.statefile = file;
	cf.control_socket = sock;
	assert_string_equal(core_statefile(&cf), file);	/* writable: kept */
	text = check_paths(&cf, &ok);
	assert_true(ok);
	assert_string_equal(text, "");
	free(text);

	cf.statefile = (char *)"/nonexistent-monit-dir/state";
	cf.idfile = (char *)"/nonexistent-monit-dir/id";
	cf.eventqueue_dir = (char *)"/nonexistent-monit-dir/events";
	assert_string_equal(core_statefile(&cf), VIGIL_STATE_DIR "/state");
	assert_string_equal(core_eventqueue_dir(&cf), VIGIL_STATE_DIR "/events");
	text = check_paths(&cf, &ok);
	assert_non_null(strstr(text, "vigil keeps its state in " VIGIL_STATE_DIR
	    "/state"));
	assert_non_null(strstr(text, "vigil keeps its event queue in "));
	assert_non_null(strstr(text, "set idfile /nonexistent-monit-dir/id"));
	free(text);

	cf.control_socket = (char *)"/nonexistent-monit-dir/ctl.sock";
	text = check_paths(&cf, &ok);
	assert_false(ok);
	assert_non_null(strstr(text, "control socket /nonexistent-monit-dir/ctl.sock "
	    "cannot be created"));
	assert_non_null(strstr(text, "setup-dirs.sh"));
	free(text);
	/* vigil -t fails for it too: the control file names it */
	text = check_paths_as(&cf, &ok, false);
	assert_false(ok);
	free(text);
	/* vigil's own directories (an installation step) only warn in -t,
	 * so a file can be checked on any machine */
	cf.control_socket = (char *)"/run/vigil/control.sock";
	cf.statefile = NULL;
	cf.eventqueue_dir = NULL;
	text = check_paths_as(&cf, &ok, false);
	assert_true(ok);
	assert_null(strstr(text, "error"));
	free(text);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_save_is_retried),
		cmocka_unit_test(test_paths_of_a_monit_control_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
