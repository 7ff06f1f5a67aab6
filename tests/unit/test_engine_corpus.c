/* Every control file of the parser's differential corpus runs through the
 * engine: build, two cycles, actions, status, snapshot, state round trip,
 * free.  Network targets are pointed at a closed loopback port first: tests
 * send traffic only to loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>

#include "engine_fixture.h"
#include "monitor/config/parse.h"

static void
loopback_only(struct config *cf)
{
	for (struct service *s = cf->services; s != NULL; s = s->next) {
		if (s->address != NULL) {
			free(s->address);
			s->address = xstrdup("127.0.0.1");
		}
		for (struct test *t = s->tests; t != NULL; t = t->next) {
			struct connection *c = t->conn;

			if (c == NULL)
				continue;
			free(c->host);
			c->host = xstrdup("127.0.0.1");
			c->port = 1;	/* closed: refused at once */
			free(c->unix_path);
			c->unix_path = NULL;
			c->timeout_s = 1;
		}
	}
}

static int ran;

static void
run_one(const char *path)
{
	struct parse_opts o = { 0 };
	FILE *devnull = fopen("/dev/null", "w");
	struct config *cf;
	struct monitor *m;
	static uint8_t rec[1 << 20];
	char *buf;
	size_t n, want;
	int nerr = 0;

	o.errout = devnull;
	cf = config_parse(path, &o, &nerr);
	fclose(devnull);
	if (cf == NULL)
		return;		/* refused by the parser: not the engine's business */
	loopback_only(cf);
	fake_reset();
	fake_pidfile = NULL;
	fake_spawn_daemon = false;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	for (int i = 0; i < 3; i++)
		ev_run_once(m->ev, 5);
	engine_run_cycle(m->engine);
	for (size_t i = 0; i < engine_nservices(m->engine); i++) {
		struct msg_snapshot_service ss;
		char msg[256];
		size_t ng;

		engine_snapshot(m->engine, i, &ss);
		assert_true(ss.status[0] != '\0');
		assert_true(ss.name[0] != '\0');
		(void)engine_groups(m->engine, i, &ng);
		(void)engine_action(m->engine, ss.name, SVC_ACTION_MONITOR, msg, sizeof(msg));
		(void)engine_action(m->engine, ss.name, SVC_ACTION_UNMONITOR, msg,
		    sizeof(msg));
	}
	want = engine_format_status(m->engine, NULL, false, NULL, 0);
	buf = xmalloc(want + 1);
	assert_int_equal(engine_format_status(m->engine, NULL, false, buf, want + 1), want);
	assert_int_equal(strlen(buf), want);
	free(buf);
	n = engine_state_encode(m->engine, rec, sizeof(rec));
	assert_true(n < sizeof(rec));
	assert_true(engine_state_decode(m->engine, rec, n));
	engine_free(m->engine);
	for (int i = 0; i < 3; i++)	/* late answers find orphans */
		ev_run_once(m->ev, 5);
	ev_free(m->ev);
	free(m);
	config_free(cf);
	ran++;
}

static void
test_corpus(void **state)
{
	const char *dir = "tests/differential/configs";
	DIR *d = opendir(dir);
	struct dirent *de;

	(void)state;
	if (d == NULL)
		skip();
	while ((de = readdir(d)) != NULL) {
		char path[512];
		size_t l = strlen(de->d_name);

		if (l < 4 || strcmp(de->d_name + l - 3, ".rc") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		run_one(path);
	}
	closedir(d);
	print_message("%d control files ran through the engine\n", ran);
	assert_true(ran > 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
