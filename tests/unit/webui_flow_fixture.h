/* Helpers of the webui flow tests (test_webui.c, test_webui_actions.c,
 * test_webui_limits.c) on top of webui_fixture.h: two session ids, the
 * security headers every page carries, a three-service snapshot from the
 * monitor, a login that auth grants, a session's CSRF token. */
#ifndef WEBUI_FLOW_FIXTURE_H
#define WEBUI_FLOW_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/ipc.h"
#include "common/util.h"
#include "webui/webui.h"
#include "webui_fixture.h"

static const char SID1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char SID2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

static inline void
assert_security_headers(struct client *c)
{
	assert_has(c, "\r\nContent-Security-Policy: default-src 'none'; style-src "
	    "'unsafe-inline'; form-action 'self'; frame-ancestors 'none'\r\n");
	assert_has(c, "\r\nX-Frame-Options: DENY\r\n");
	assert_has(c, "\r\nX-Content-Type-Options: nosniff\r\n");
	assert_has(c, "\r\nReferrer-Policy: same-origin\r\n");
	assert_has(c, "\r\nCache-Control: no-store\r\n");
}

static inline void
send_snapshot(uint32_t gen, const char *name, const char *status)
{
	struct msg_snapshot_begin b;
	struct msg_snapshot_service s;
	struct msg_snapshot_end e;

	memset(&b, 0, sizeof(b));
	b.gen = gen;
	b.count = 3;
	strlcpy_v(b.host, "host<1>", sizeof(b.host));
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_BEGIN, &b, -1), 0);
	memset(&s, 0, sizeof(s));
	s.gen = gen;
	s.index = 0;
	strlcpy_v(s.name, name, sizeof(s.name));
	strlcpy_v(s.type, "process", sizeof(s.type));
	strlcpy_v(s.status, status, sizeof(s.status));
	strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
	s.fig.monitor_code = 1;
	s.fig.events = 0x200;
	s.pid = 4242;
	s.uptime_s = 90061;
	strlcpy_v(s.detail, "d\"etail", sizeof(s.detail));
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
	send_service_json(s.gen, s.index, s.name);
	s.index = 1;
	strlcpy_v(s.name, "second", sizeof(s.name));
	s.pid = 0;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
	send_service_json(s.gen, s.index, s.name);
	/* a process started this minute: it has an uptime, zero */
	s.index = 2;
	strlcpy_v(s.name, "fresh", sizeof(s.name));
	s.pid = 77;
	s.uptime_s = 0;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
	send_service_json(s.gen, s.index, s.name);
	memset(&e, 0, sizeof(e));
	e.gen = gen;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_END, &e, -1), 0);
	pump(&w.monitor);
}

static inline void
login(const char *sid, uint8_t role)
{
	struct client *c = post("/login", "user=alice&password=s3cr%26t", false);
	struct msg_login_result r;

	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	assert_string_equal(msg.body.login.user, "alice");
	assert_string_equal(msg.body.login.password, "s3cr&t");
	assert_string_equal(msg.body.login.client, "192.0.2.7");
	memset(&r, 0, sizeof(r));
	r.req = msg.body.login.req;
	r.ok = 1;
	strlcpy_v(r.sid, sid, sizeof(r.sid));
	r.role = role;
	strlcpy_v(r.user, "alice", sizeof(r.user));
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
	assert_status(c, 303);
	assert_security_headers(c);
	assert_has(c, "\r\nServer: vigil\r\n");
	{
		char want[160];

		snprintf(want, sizeof(want), "\r\nSet-Cookie: vigil_session=%s; HttpOnly; "
		    "SameSite=Strict; Path=/\r\n", sid);
		assert_has(c, want);
	}
	assert_has(c, "\r\nLocation: /\r\n");
	done(c);
	snprintf(cookie, sizeof(cookie), "vigil_session=%s", sid);
}

static inline const char *
csrf_of(const char *sid)
{
	struct web_session *s = session_find(&w.sessions, sid, now_ms());

	assert_non_null(s);
	return s->csrf;
}

#endif
