/* A user with a service scope (`allow @GROUP read-only service demo`) sees
 * only the scope's services on every view: the status page, a service's
 * page and its graphs, Monit's /_status (XML and text), /_summary,
 * /_report, /_runtime and /metrics.  A service outside the scope answers
 * exactly as one that does not exist.  A user without a scope sees every
 * service, as before.  (/api/status and /log: test_api_status.c,
 * test_webui_limits.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/ipc.h"
#include "common/util.h"
#include "webui/webui.h"
#include "webui_fixture.h"

#define SID_SCOPED	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SID_ALL		"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* The system, the scope's process, and three services outside it (one
 * failing, with a detail that names it again). */
static const struct {
	const char *name;
	uint8_t type;
} SERVICES[] = {
	{ "sysbox", MSG_SVC_SYSTEM },
	{ "demo", MSG_SVC_PROCESS },
	{ "secretd", MSG_SVC_PROCESS },
	{ "secretfile", MSG_SVC_FILE },
	{ "secrethost", MSG_SVC_HOST },
};
#define NSERVICES	ARRAY_SIZE(SERVICES)
static const char *const HIDDEN[] = { "sysbox", "secretd", "secretfile", "secrethost" };

static void
snapshot_with_graphs(void)
{
	struct msg_snapshot_begin b;
	static struct msg_snapshot_service s;
	static struct msg_snapshot_json j;
	struct msg_snapshot_point p;
	struct msg_snapshot_end e;

	memset(&b, 0, sizeof(b));
	b.gen = 1;
	b.count = NSERVICES;
	b.poll_s = 30;
	b.time = 1800000000;
	b.uptime_s = 600;
	strlcpy_v(b.host, "machine", sizeof(b.host));
	snapshot_on_begin(&w, &b);
	for (uint32_t i = 0; i < NSERVICES; i++) {
		memset(&s, 0, sizeof(s));
		s.gen = 1;
		s.index = i;
		strlcpy_v(s.name, SERVICES[i].name, sizeof(s.name));
		strlcpy_v(s.type, "process", sizeof(s.type));
		strlcpy_v(s.status, "OK", sizeof(s.status));
		strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
		s.fig.type_code = SERVICES[i].type;
		s.fig.monitor_code = 1;
		s.fig.collected = 1800000000;
		if (SERVICES[i].type == MSG_SVC_PROCESS) {
			s.pid = 4000 + i;
			s.uptime_s = 3600;
			s.fig.mem_bytes = 1 << 20;
		}
		if (SERVICES[i].type == MSG_SVC_SYSTEM) {
			s.fig.mem_total = 1ull << 30;
			s.fig.mem_used = 1ull << 29;
		}
		if (strcmp(s.name, "secretd") == 0) {
			s.fig.events = 1;
			strlcpy_v(s.status, "Does not exist", sizeof(s.status));
			strlcpy_v(s.detail, "process 'secretd' is not running", sizeof(s.detail));
		}
		snapshot_on_service(&w, &s);
		fixture_service_json(&j, 1, i, s.name);
		snapshot_on_json(&w, &j);
		for (uint32_t k = 0; k < 2; k++) {
			memset(&p, 0, sizeof(p));
			p.gen = 1;
			p.index = i;
			p.t = 1800000000 - 60 + 30 * k;
			p.v[0] = 100 * (k + 1);
			p.v[1] = 2048;
			snapshot_on_point(&w, &p);
		}
	}
	memset(&e, 0, sizeof(e));
	e.gen = 1;
	snapshot_on_end(&w, &e);
	assert_true(w.snap.valid);
}

static int
scope_setup(void **state)
{
	static const char scope[1][MSG_SCOPE_LEN] = { "demo" };
	struct web_session *s;

	flow_setup(state);
	s = session_add(&w.sessions, SID_SCOPED, "auditor", ROLE_READONLY, now_ms());
	assert_non_null(s);
	session_set_scope(s, 1, scope);
	assert_non_null(session_add(&w.sessions, SID_ALL, "admin", ROLE_READWRITE, now_ms()));
	snapshot_with_graphs();
	return 0;
}

static struct client *
get_as(const char *sid, const char *path)
{
	snprintf(cookie, sizeof(cookie), "vigil_session=%s", sid);
	return get(path, true);
}

static size_t
count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static const char *
body_of(const struct client *c)
{
	const char *b = strstr(c->out.data, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

/* The scoped user's answer names demo and none of the other services;
 * the unscoped user's names them all. */
static void
check_view(const char *path, int status)
{
	struct client *c = get_as(SID_SCOPED, path);

	assert_status(c, status);
	assert_has(c, "demo");
	for (size_t i = 0; i < ARRAY_SIZE(HIDDEN); i++)
		assert_lacks(c, HIDDEN[i]);
	done(c);
	c = get_as(SID_ALL, path);
	assert_status(c, status);
	assert_has(c, "demo");
	assert_has(c, "secretd");
	assert_has(c, "secretfile");
	assert_has(c, "secrethost");
	assert_has(c, "sysbox");
	done(c);
}

/* What the scoped user gets for a hidden name is byte for byte what
 * anybody gets for a name that does not exist. */
static void
check_like_missing(const char *hidden, const char *missing, int status)
{
	struct client *a = get_as(SID_SCOPED, hidden), *b = get_as(SID_SCOPED, missing);

	assert_status(a, status);
	assert_status(b, status);
	assert_string_equal(body_of(a), body_of(b));
	done(a);
	done(b);
	a = get_as(SID_ALL, hidden);
	assert_status(a, 200);
	done(a);
}

static void
test_scope_status_page(void **state)
{
	(void)state;
	check_view("/", 200);
	/* the unscoped page is still made once and shared: a scoped user in
	 * between changes nothing for the next one */
	check_view("/", 200);
}

static void
test_scope_service_page(void **state)
{
	struct client *c;

	(void)state;
	c = get_as(SID_SCOPED, "/service/demo");
	assert_status(c, 200);
	assert_has(c, "<svg");
	done(c);
	c = get_as(SID_ALL, "/service/secretd");
	assert_status(c, 200);
	assert_has(c, "<svg");		/* its graphs */
	done(c);
	check_like_missing("/service/secretd", "/service/nosuchservice", 404);
	check_like_missing("/service/secretfile", "/service/nosuchservice", 404);
	check_like_missing("/service/sysbox", "/service/nosuchservice", 404);
}

static void
test_scope_monit_status(void **state)
{
	(void)state;
	check_view("/_status?format=xml", 200);
	check_view("/_status", 200);
	check_view("/_summary", 200);
	check_like_missing("/_status?service=secretd", "/_status?service=nosuchservice", 404);
}

static void
test_scope_counts(void **state)
{
	struct client *c;

	(void)state;
	c = get_as(SID_SCOPED, "/_report");
	assert_status(c, 200);
	assert_has(c, "up:               1 (100.0%)\n");
	assert_has(c, "down:             0 (0.0%)\n");
	assert_has(c, "total:            1 services\n");
	done(c);
	c = get_as(SID_ALL, "/_report");
	assert_has(c, "down:             1 (20.0%)\n");
	assert_has(c, "total:            5 services\n");
	done(c);
	c = get_as(SID_SCOPED, "/_runtime");
	assert_has(c, "services:             1\n");
	done(c);
	c = get_as(SID_ALL, "/_runtime");
	assert_has(c, "services:             5\n");
	done(c);
	c = get_as(SID_SCOPED, "/_status?format=xml");
	assert_int_equal(count_of(body_of(c), "<service type="), 1);
	done(c);
}

static void
test_scope_metrics(void **state)
{
	struct client *c;

	(void)state;
	check_view("/metrics", 200);
	c = get_as(SID_SCOPED, "/metrics");
	assert_has(c, "\nvigil_services 1\n");
	assert_lacks(c, "vigil_system_");	/* the system is outside the scope */
	done(c);
	c = get_as(SID_ALL, "/metrics");
	assert_has(c, "\nvigil_services 5\n");
	assert_has(c, "vigil_system_load1{service=\"sysbox\"");
	done(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope_status_page, scope_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_scope_service_page, scope_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_scope_monit_status, scope_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_scope_counts, scope_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_scope_metrics, scope_setup, flow_teardown),
	};

	return cmocka_run_group_tests_name("scope", tests, NULL, NULL);
}
