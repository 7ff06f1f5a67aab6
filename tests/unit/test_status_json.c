/* `vigil status --json` and `vigil report`: escaping (quotes, control bytes,
 * invalid UTF-8 never reach a script unescaped), the snprintf contract, and
 * Monit's report layout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine_fixture.h"
#include "monitor/engine/status_int.h"

static void
test_json_string_escapes(void **state)
{
	char buf[256];
	struct out o = { buf, sizeof(buf), 0 };

	(void)state;
	json_string(&o, "a\"b\\c\n\x01\x7f<&> caf\xc3\xa9 \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80");
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f\\u003c\\u0026\\u003e "
	    "caf\xc3\xa9 \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
}

static struct monitor *
services(void)
{
	struct config *cf = fx_config();
	struct service *p = fx_service(cf, "we\"ird\x01name\xff", SVC_PROCESS);
	struct service *f = fx_service(cf, "conf", SVC_FILE);
	struct monitor *m;

	p->path = xstrdup("/nonexistent/demo.pid");
	f->path = xstrdup("/etc/hostname");
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	return m;
}

static void
test_status_json_document(void **state)
{
	struct monitor *m = services();
	char *buf, small[16];
	size_t want, n;

	(void)state;
	engine_start(m->engine);
	want = engine_format_status_json(m->engine, NULL, NULL, 0);
	buf = xmalloc(want + 1);
	n = engine_format_status_json(m->engine, NULL, buf, want + 1);
	assert_int_equal(n, want);
	assert_int_equal(strlen(buf), want);
	assert_non_null(strstr(buf, "{\"vigil\":{\"version\":"));
	assert_non_null(strstr(buf, "\"name\":\"we\\\"ird\\u0001name\\ufffd\""));
	assert_non_null(strstr(buf, "\"name\":\"conf\",\"type\":\"file\",\"status\":"));
	assert_non_null(strstr(buf, "\"permission\":\""));
	for (const unsigned char *c = (const unsigned char *)buf; *c; c++)
		assert_true(*c >= 0x20 || *c == '\n');
	assert_int_equal(engine_format_status_json(m->engine, NULL, small, sizeof(small)), want);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	free(buf);
	/* one service */
	want = engine_format_status_json(m->engine, "conf", NULL, 0);
	buf = xmalloc(want + 1);
	engine_format_status_json(m->engine, "conf", buf, want + 1);
	assert_null(strstr(buf, "weird"));
	assert_null(strstr(buf, "we\\\""));
	free(buf);
	fx_monitor_free(m);
}

/* What the snapshot carries to /api/status: each service's object, the
 * very bytes of the document's "services" array; the brief form has the
 * fields every type has, and a short buffer gets the snprintf contract. */
static void
test_service_json_is_the_documents(void **state)
{
	struct monitor *m = services();
	char doc[16384], one[8192], joined[16384] = "", brief[1024];
	size_t len, n;

	(void)state;
	engine_start(m->engine);
	m->engine->s[1].monitor = MON_YES;
	assert_true(engine_format_status_json(m->engine, NULL, doc, sizeof(doc)) < sizeof(doc));
	for (size_t i = 0; i < engine_nservices(m->engine); i++) {
		len = engine_format_service_json(m->engine, i, one, sizeof(one));
		assert_int_equal(len, strlen(one));
		if (i > 0)
			strcat(joined, ",");
		strcat(joined, one);
	}
	assert_non_null(strstr(doc, joined));
	assert_int_equal(strstr(doc, joined)[-1], '[');
	assert_string_equal(strstr(doc, joined) + strlen(joined), "]}\n");
	/* the file's object has its path and owner; the brief one not */
	len = engine_format_service_json(m->engine, 1, one, sizeof(one));
	assert_non_null(strstr(one, "\"permission\":"));
	n = engine_format_service_json_brief(m->engine, 1, brief, sizeof(brief));
	assert_int_equal(n, strlen(brief));
	assert_true(n < len);
	assert_null(strstr(brief, "\"path\":"));
	assert_non_null(strstr(brief, "\"on_reboot\":"));
	assert_int_equal(brief[n - 1], '}');
	assert_int_equal(engine_format_service_json(m->engine, 1, brief, 8), len);
	assert_int_equal(strlen(brief), 7);
	fx_monitor_free(m);
}

static void
test_report(void **state)
{
	struct monitor *m = services();
	char buf[512];

	(void)state;
	m->engine->s[0].monitor = MON_NOT;
	m->engine->s[1].monitor = MON_YES;
	engine_format_report(m->engine, NULL, buf, sizeof(buf));
	assert_string_equal(buf,
	    "up:             1 (50.0%)\n"
	    "down:           0 (0.0%)\n"
	    "initialising:   0 (0.0%)\n"
	    "unmonitored:    1 (50.0%)\n"
	    "total:          2 services\n");
	engine_format_report(m->engine, "unmonitored", buf, sizeof(buf));
	assert_string_equal(buf, "1\n");
	engine_format_report(m->engine, "total", buf, sizeof(buf));
	assert_string_equal(buf, "2\n");
	assert_int_equal(engine_report_kind("initialising"), engine_report_kind("initializing"));
	assert_int_equal(engine_report_kind("sideways"), -1);
	m->engine->s[1].exec_failed = true;
	engine_format_report(m->engine, "down", buf, sizeof(buf));
	assert_string_equal(buf, "1\n");
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string_escapes),
		cmocka_unit_test(test_status_json_document),
		cmocka_unit_test(test_service_json_is_the_documents),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
