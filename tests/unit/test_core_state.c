/* The monitor's state saving keeps its promise: a save that fails (here: the
 * directory is missing) is retried a poll interval later, and succeeds once
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
	char sub[128], path[160];
	struct config cf;
	struct monitor m;
	struct core core;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/later", dir);
	snprintf(path, sizeof(path), "%s/vigil.state", sub);
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
	assert_false(exists(path));
	/* the cause goes away; no further change happens */
	assert_int_equal(mkdir(sub, 0700), 0);
	run_for(m.ev, 2500);
	assert_true(exists(path));

	engine_free(m.engine);
	if (core.state_timer >= 0)
		close(core.state_timer);
	ev_free(m.ev);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_save_is_retried),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
