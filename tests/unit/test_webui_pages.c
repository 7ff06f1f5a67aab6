/* The status page's size: bytes per service at or below Monit's (239 KB
 * for 1,000 services on Monit 5.33's page), so large configurations stay
 * far inside the response bound. */
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

#define SID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define MONIT_BYTES_PER_SERVICE 239

/* n running processes with Monit-like names, straight into the snapshot
 * (no IPC: 20,000 would fill the socket buffer). */
static void
many_processes(uint32_t n)
{
	struct msg_snapshot_begin b;
	static struct msg_snapshot_service s;
	static struct msg_snapshot_json j;
	struct msg_snapshot_end e;

	memset(&b, 0, sizeof(b));
	b.gen = 1;
	b.count = n;
	b.poll_s = 30;
	strlcpy_v(b.host, "host", sizeof(b.host));
	snapshot_on_begin(&w, &b);
	for (uint32_t i = 0; i < n; i++) {
		memset(&s, 0, sizeof(s));
		s.gen = 1;
		s.index = i;
		snprintf(s.name, sizeof(s.name), "service-%05u", i);
		strlcpy_v(s.type, "process", sizeof(s.type));
		strlcpy_v(s.status, "OK", sizeof(s.status));
		strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
		s.pid = 100000 + i;
		s.uptime_s = 93784;
		s.fig.monitor_code = 1;
		s.fig.cpu_permille = 12;
		s.fig.mem_bytes = 123456789;
		snapshot_on_service(&w, &s);
		fixture_service_json(&j, 1, i, s.name);
		snapshot_on_json(&w, &j);
	}
	memset(&e, 0, sizeof(e));
	e.gen = 1;
	snapshot_on_end(&w, &e);
	assert_true(w.snap.valid);
}

static size_t
page_bytes(void)
{
	struct client *c = get("/", true);
	const char *body;
	size_t n;

	assert_status(c, 200);
	body = strstr(c->out.data, "\r\n\r\n");
	assert_non_null(body);
	n = c->out.len - (size_t)(body + 4 - c->out.data);
	done(c);
	return n;
}

static void
test_status_page_size(void **state)
{
	size_t one, thousand, per;

	(void)state;
	assert_non_null(session_add(&w.sessions, SID, "admin", ROLE_READWRITE, now_ms()));
	snprintf(cookie, sizeof(cookie), "vigil_session=" SID);
	many_processes(1);
	one = page_bytes();
	snapshot_clear(&w.snap);
	many_processes(1001);
	thousand = page_bytes();
	per = (thousand - one) / 1000;
	print_message("status page: %zu bytes with 1 service, %zu with 1,001: %zu bytes "
	    "per service (Monit: %d)\n", one, thousand, per, MONIT_BYTES_PER_SERVICE);
	assert_true(per <= MONIT_BYTES_PER_SERVICE);
	/* 20,000 services: still one page, far below the bound */
	snapshot_clear(&w.snap);
	many_processes(20000);
	assert_true(page_bytes() < WEBUI_MAX_RESPONSE / 2);
}

/* The tables are made once per snapshot and shared: a new snapshot shows
 * at once, and each user still gets their own head (name, role, token). */
static void
test_status_tables_per_snapshot(void **state)
{
	static const char SID_RO[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
	struct client *c;

	(void)state;
	assert_non_null(session_add(&w.sessions, SID, "admin", ROLE_READWRITE, now_ms()));
	assert_non_null(session_add(&w.sessions, SID_RO, "guest", ROLE_READONLY, now_ms()));
	many_processes(2);
	snprintf(cookie, sizeof(cookie), "vigil_session=" SID);
	c = get("/", true);
	assert_has(c, "service-00001");
	assert_lacks(c, "service-00002");
	assert_has(c, "Logged in as admin (readwrite)");
	done(c);
	many_processes(3);
	snprintf(cookie, sizeof(cookie), "vigil_session=%s", SID_RO);
	c = get("/", true);
	assert_has(c, "service-00002");
	assert_has(c, "Logged in as guest (readonly)");
	assert_lacks(c, "admin");
	done(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_page_size, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_status_tables_per_snapshot, flow_setup,
		    flow_teardown),
	};

	return cmocka_run_group_tests_name("pages", tests, NULL, NULL);
}
