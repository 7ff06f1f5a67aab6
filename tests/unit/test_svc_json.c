/* The snapshots' JSON objects kept between snapshots (monitor/core/
 * svc_json.c): made again when what the snapshot shows of the service
 * changed, always for hosts and programs, afresh after a reload. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_fixture.h"
#include "monitor/core/svc_json.h"

static void
test_svc_json_cache(void **state)
{
	struct config *cf = fx_config();
	struct service *f = fx_service(cf, "conf", SVC_FILE);
	struct service *h = fx_service(cf, "site", SVC_HOST);
	struct svc_json_cache jc = { 0 };
	static struct msg_snapshot_service s;
	struct monitor *m;
	const char *text;
	size_t len;

	(void)state;
	f->path = xstrdup("/etc/hostname");
	h->address = xstrdup("127.0.0.1");
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	engine_snapshot(m->engine, 0, &s);
	assert_true(s.fig.collected != 0);
	text = svc_json_get(&jc, m->engine, 0, &s, &len);
	assert_int_equal(len, strlen(text));
	assert_non_null(strstr(text, "\"path\":\"/etc/hostname\""));
	/* the same snapshot: the same object, even if something else moved */
	assert_ptr_equal(m->engine->s[0].cf, f);
	free(f->path);
	f->path = xstrdup("/etc/elsewhere");
	text = svc_json_get(&jc, m->engine, 0, &s, &len);
	assert_non_null(strstr(text, "\"path\":\"/etc/hostname\""));
	/* a new check (its time in the snapshot): made again */
	s.fig.collected++;
	text = svc_json_get(&jc, m->engine, 0, &s, &len);
	assert_non_null(strstr(text, "\"path\":\"/etc/elsewhere\""));
	/* a host is made every time (its port responses come after the check) */
	engine_snapshot(m->engine, 1, &s);
	text = svc_json_get(&jc, m->engine, 1, &s, &len);
	assert_null(strstr(text, "\"address\":\"::1\""));
	assert_ptr_equal(m->engine->s[1].cf, h);
	free(h->address);
	h->address = xstrdup("::1");
	text = svc_json_get(&jc, m->engine, 1, &s, &len);
	assert_non_null(strstr(text, "\"address\":\"::1\""));
	/* fewer services: the rest dropped */
	svc_json_trim(&jc, 1);
	assert_int_equal(jc.n, 1);
	svc_json_free(&jc);
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svc_json_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
