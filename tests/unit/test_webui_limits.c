/* vigil-webui's bounds, the test playing auth and the monitor over
 * socketpairs: snapshots kept consistent (an incomplete or oversized
 * generation never replaces a whole one), the client table per address
 * and in all, the login rate, and the log view (newest first, escaped,
 * filtered by service and scope, a bounded ring).  Logins: test_webui.c. */
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
#include "webui_flow_fixture.h"

static void
test_snapshot_consistency(void **state)
{
	struct msg_snapshot_begin b;
	struct msg_snapshot_service s;
	struct msg_snapshot_end e;

	(void)state;
	send_snapshot(20, "good", "OK");
	assert_true(w.snap.valid);
	assert_int_equal(w.snap.gen, 20);

	memset(&b, 0, sizeof(b));
	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	/* END before all services: generation 21 dropped, 20 stays */
	b.gen = 21;
	b.count = 2;
	snapshot_on_begin(&w, &b);
	s.gen = 21;
	snapshot_on_service(&w, &s);
	e.gen = 21;
	snapshot_on_end(&w, &e);
	assert_int_equal(w.snap.gen, 20);
	/* out of order index */
	b.gen = 22;
	snapshot_on_begin(&w, &b);
	s.gen = 22;
	s.index = 1;
	snapshot_on_service(&w, &s);
	s.index = 0;
	snapshot_on_service(&w, &s);
	e.gen = 22;
	snapshot_on_end(&w, &e);
	assert_int_equal(w.snap.gen, 20);
	/* service of another generation */
	b.gen = 23;
	b.count = 1;
	snapshot_on_begin(&w, &b);
	s.gen = 24;
	s.index = 0;
	snapshot_on_service(&w, &s);
	e.gen = 23;
	snapshot_on_end(&w, &e);
	assert_int_equal(w.snap.gen, 20);
	/* too many services */
	b.gen = 25;
	b.count = SNAPSHOT_MAX_SERVICES + 1;
	snapshot_on_begin(&w, &b);
	e.gen = 25;
	snapshot_on_end(&w, &e);
	assert_int_equal(w.snap.gen, 20);
	/* more services than announced */
	b.gen = 26;
	b.count = 1;
	snapshot_on_begin(&w, &b);
	s.gen = 26;
	s.index = 0;
	snapshot_on_service(&w, &s);
	s.index = 1;
	snapshot_on_service(&w, &s);
	e.gen = 26;
	snapshot_on_end(&w, &e);
	assert_int_equal(w.snap.gen, 20);
	/* an empty generation is complete */
	b.gen = 27;
	b.count = 0;
	snapshot_on_begin(&w, &b);
	e.gen = 27;
	snapshot_on_end(&w, &e);
	assert_int_equal(w.snap.gen, 27);
	assert_int_equal(w.snap.count, 0);
}

static void
test_client_limits(void **state)
{
	struct client *cs[WEBUI_MAX_CLIENTS];
	struct client *user, *busy, *c;
	char addr[32];

	(void)state;
	/* One address at its cap: a newcomer from it ends its own
	 * longest-idle unfinished connection, nobody else's. */
	user = webui_client_new(&w, -1, "192.0.2.7");
	assert_non_null(user);
	for (int i = 0; i < WEBUI_MAX_PER_ADDR; i++) {
		assert_non_null(cs[i] = webui_client_new(&w, -1, "198.51.100.1"));
		cs[i]->last_ms = 1000 + (uint64_t)i;
	}
	cs[3]->last_ms = 10;		/* idle longest */
	cs[3]->status = 777;		/* a mark: the allocator may reuse the pointer */
	assert_non_null(c = webui_client_new(&w, -1, "198.51.100.1"));
	assert_int_equal(w.nclients, WEBUI_MAX_PER_ADDR + 1);
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++)
		assert_false(w.clients[i] != NULL && w.clients[i]->status == 777);
	cs[3] = c;
	/* An address whose connections all carry whole requests keeps them:
	 * its newcomer is refused. */
	for (int i = 0; i < WEBUI_MAX_PER_ADDR; i++)
		cs[i]->state = CL_WAITING;
	assert_null(webui_client_new(&w, -1, "198.51.100.1"));
	for (int i = 0; i < WEBUI_MAX_PER_ADDR; i++)
		cs[i]->state = CL_READING;
	/* Fill the table from a crowd of addresses, 4 each. */
	for (int i = WEBUI_MAX_PER_ADDR; i < WEBUI_MAX_CLIENTS - 1; i++) {
		snprintf(addr, sizeof(addr), "203.0.113.%d", i / 4);
		assert_non_null(cs[i] = webui_client_new(&w, -1, addr));
	}
	assert_int_equal(w.nclients, WEBUI_MAX_CLIENTS);
	/* Full: a newcomer pushes out an unfinished connection of the
	 * largest crowd (198.51.100.1, 16), never the lone user. */
	user->last_ms = 0;
	assert_non_null(c = webui_client_new(&w, -1, "192.0.2.8"));
	assert_int_equal(w.nclients, WEBUI_MAX_CLIENTS);
	{
		bool user_there = false;
		size_t crowd = 0;

		for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++) {
			user_there |= w.clients[i] == user;
			crowd += w.clients[i] != NULL &&
			    strcmp(w.clients[i]->addr, "198.51.100.1") == 0;
		}
		assert_true(user_there);
		assert_int_equal(crowd, WEBUI_MAX_PER_ADDR - 1);
	}
	/* Nobody unfinished: refused. */
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++)
		w.clients[i]->state = CL_WRITING;
	assert_null(webui_client_new(&w, -1, "192.0.2.9"));
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++)
		if ((busy = w.clients[i]) != NULL)
			done(busy);
	assert_int_equal(w.nclients, 0);
	assert_non_null(cs[0] = webui_client_new(&w, -1, "198.51.100.1"));
	done(cs[0]);
}

static void
test_flow_login_flood_429(void **state)
{
	int waiting = 0, limited = 0;
	struct client *cs[WEBUI_LOGIN_BURST + 10];

	(void)state;
	bucket_init(&w.login_rate, WEBUI_LOGIN_RATE, WEBUI_LOGIN_BURST, now_ms());
	for (size_t i = 0; i < WEBUI_LOGIN_BURST + 10; i++) {
		cs[i] = post("/login", "user=flood&password=x", false);
		if (cs[i]->state == CL_WAITING)
			waiting++;
		else if (strncmp(cs[i]->out.data, "HTTP/1.1 429 ", 13) == 0)
			limited++;
		done(cs[i]);
	}
	/* a few tokens may refill while the loop runs */
	assert_true(waiting >= WEBUI_LOGIN_BURST && waiting <= WEBUI_LOGIN_BURST + 2);
	assert_int_equal(waiting + limited, WEBUI_LOGIN_BURST + 10);
	for (int i = 0; i < waiting; i++)
		expect(&tauth, MSG_LOGIN);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);
}

static void
send_log(uint64_t seq, uint8_t level, const char *text)
{
	struct msg_snapshot_log l;

	memset(&l, 0, sizeof(l));
	l.seq = seq;
	l.time = 1700000000 + seq;
	l.level = level;
	strlcpy_v(l.text, text, sizeof(l.text));
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_LOG, &l, -1), 0);
	pump(&w.monitor);
}

/* The log view: newest first, escaped, filtered by service; a scoped user
 * sees only lines naming a service in the scope; a bounded ring. */
static void
test_flow_log_view(void **state)
{
	struct client *c;
	const char *a, *b2;
	char path[64];

	(void)state;
	send_snapshot(10, "web", "OK");
	c = get("/log", false);
	assert_status(c, 303);		/* logged out: to the login page */
	done(c);
	login(SID1, ROLE_READONLY);
	send_log(1, LOG_LVL_INFO, "service 'web': started");
	send_log(2, LOG_LVL_ERR, "service 'db': <script>alert(1)</script> failed");
	send_log(3, LOG_LVL_WARN, "service 'web': restarted");
	c = get("/log", true);
	assert_status(c, 200);
	assert_has(c, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_lacks(c, "<script>");
	a = memmem(c->out.data, c->out.len, "restarted", 9);
	b2 = memmem(c->out.data, c->out.len, "started</td>", 12);
	assert_non_null(a);
	assert_non_null(b2);
	assert_true(a < b2);		/* newest first */
	done(c);
	c = get("/log?service=db", true);
	assert_status(c, 200);
	assert_has(c, "alert(1)");
	assert_lacks(c, "restarted");
	done(c);
	c = get("/log?service=%zz", true);
	assert_status(c, 400);
	done(c);
	/* A scoped user: lines of services outside the scope stay hidden. */
	{
		struct web_session *s = session_find(&w.sessions, SID1, now_ms());
		const char scope[1][MSG_SCOPE_LEN] = { "web" };

		assert_non_null(s);
		session_set_scope(s, 1, scope);
	}
	c = get("/log", true);
	assert_has(c, "restarted");
	assert_lacks(c, "alert(1)");
	done(c);
	/* Bounded: the oldest lines go. */
	for (uint64_t i = 4; i < 4 + WEBUI_LOG_LINES; i++) {
		snprintf(path, sizeof(path), "service 'web': line %llu",
		    (unsigned long long)i);
		send_log(i, LOG_LVL_INFO, path);
	}
	assert_int_equal(w.logview.n, WEBUI_LOG_LINES);
	c = get("/log", true);
	assert_lacks(c, "restarted");
	assert_has(c, "line 203");
	done(c);
}

int
main(void)
{
	const struct CMUnitTest flow[] = {
		cmocka_unit_test(test_flow_log_view),
		cmocka_unit_test(test_snapshot_consistency),
		cmocka_unit_test(test_flow_login_flood_429),
		cmocka_unit_test(test_client_limits),
	};
	return cmocka_run_group_tests_name("flow limits", flow, flow_setup, flow_teardown);
}
