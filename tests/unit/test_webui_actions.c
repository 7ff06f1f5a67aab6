/* vigil-webui's pages and actions through webui_client_input(), the
 * test playing auth and the monitor over socketpairs: the status page
 * escaped, buttons by role and scope, actions behind the CSRF token, and
 * revocation (a session rechecked with auth).  Logins: test_webui.c. */
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

static const char XSS[] = "<img src=x onerror=alert(1)>";

static void
test_flow_status_escaped(void **state)
{
	struct client *c;
	char want[256];

	(void)state;
	login(SID1, ROLE_RESTART);
	send_snapshot(7, XSS, "Does not exist <b>\x1b[31m");
	c = get("/", true);
	assert_status(c, 200);
	assert_security_headers(c);
	assert_lacks(c, "<img");
	assert_lacks(c, "<b>");
	assert_lacks(c, "\x1b");
	assert_has(c, "&lt;img src=x onerror=alert(1)&gt;");
	/* the link to its page: every byte outside [A-Za-z0-9._~-] escaped */
	assert_has(c, "<a href=\"/service/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\">");
	assert_has(c, "host&lt;1&gt;");
	/* grouped by type, refreshed with the poll cycle, no script, no asset */
	assert_has(c, "<h2>Processes</h2>");
	assert_has(c, "<meta http-equiv=\"refresh\" content=\"30\">");
	assert_lacks(c, "<script");
	assert_lacks(c, "src=\"");
	assert_lacks(c, "http://");
	assert_has(c, "<td>4242</td><td>1d 1h 1m</td>");
	/* a process started this minute has an uptime, zero */
	assert_has(c, "<td>77</td><td>0m</td>");
	/* no process, no figures, whatever the snapshot carried */
	assert_has(c, "</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>");
	/* the status in colour and words, with why it fails */
	assert_has(c, "<td class=\"fail\">Does not exist &lt;b&gt;?[31m<br><small>d&quot;etail</small></td>");
	/* no form per row: the one log-out form carries the token */
	assert_lacks(c, "action=\"/action\"");
	snprintf(want, sizeof(want), "name=\"csrf\" value=\"%s\"", csrf_of(SID1));
	assert_has(c, want);
	done(c);
	/* the service's page: its fields, and what the restart role may do to
	 * a running process: restart only */
	c = get("/service/fresh", true);
	assert_status(c, 200);
	assert_has(c, "<tr><th>PID</th><td>77</td></tr>");
	assert_has(c, "action=\"/action\"");
	assert_has(c, "name=\"service\" value=\"fresh\"");
	assert_has(c, "value=\"restart\"");
	assert_lacks(c, "value=\"start\"");
	assert_lacks(c, "value=\"stop\"");
	assert_lacks(c, "value=\"unmonitor\"");
	assert_lacks(c, "value=\"monitor\"");
	assert_has(c, want);
	done(c);
	c = get("/service/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E", true);
	assert_status(c, 200);
	assert_lacks(c, "<img");
	assert_has(c, "name=\"service\" value=\"&lt;img src=x onerror=alert(1)&gt;\"");
	done(c);
	c = get("/service/nosuch", true);
	assert_status(c, 404);
	done(c);
	c = get("/service/fresh", false);
	assert_status(c, 303);
	done(c);

	/* the monitor's objects as they came, in a document that has no '<' */
	c = get("/api/status", true);
	assert_status(c, 200);
	assert_has(c, "Content-Type: application/json\r\n");
	assert_has(c, "\"hostname\":\"host\\u003c1\\u003e\"");
	assert_has(c, "\"services\":[{\"name\":\"\\u003cimg src=x onerror=alert(1)\\u003e\","
	    "\"type\":\"process\",\"n\":0},{\"name\":\"second\",\"type\":\"process\",\"n\":1},"
	    "{\"name\":\"fresh\",\"type\":\"process\",\"n\":2}]}\n");
	assert_lacks(c, "<");
	done(c);
}

static void
test_flow_readonly_no_buttons(void **state)
{
	struct client *c;

	(void)state;
	login(SID2, ROLE_READONLY);
	send_snapshot(8, "web", "OK");
	c = get("/", true);
	assert_status(c, 200);
	assert_has(c, "<a href=\"/service/web\">web</a>");
	assert_lacks(c, "action=\"/action\"");
	done(c);
	c = get("/service/web", true);
	assert_status(c, 200);
	assert_lacks(c, "action=\"/action\"");
	assert_lacks(c, "<button type=\"submit\" name=\"action\"");
	done(c);
	/* read-write: what means something for a running process; for one
	 * that is not running, start instead of stop */
	login(SID2, ROLE_READWRITE);
	c = get("/service/web", true);
	assert_has(c, "value=\"stop\"");
	assert_has(c, "value=\"restart\"");
	assert_has(c, "value=\"unmonitor\"");
	assert_lacks(c, "value=\"start\"");
	assert_lacks(c, "value=\"monitor\"");
	done(c);
	c = get("/service/second", true);
	assert_has(c, "value=\"start\"");
	assert_lacks(c, "value=\"stop\"");
	done(c);
	/* a scoped grant: buttons only on its services */
	session_set_scope(session_find(&w.sessions, SID2, now_ms()), 1,
	    (const char[][MSG_SCOPE_LEN]){ "second" });
	c = get("/service/web", true);
	assert_lacks(c, "action=\"/action\"");
	done(c);
	c = get("/service/second", true);
	assert_has(c, "value=\"start\"");
	done(c);
}

static void
test_flow_action_csrf(void **state)
{
	struct client *c;
	char body[512];
	struct msg_action_result r;

	(void)state;
	login(SID1, ROLE_RESTART);
	/* no token, wrong token, token of another length */
	c = post("/action", "service=web&action=restart", true);
	assert_status(c, 403);
	done(c);
	c = post("/action", "service=web&action=restart&csrf="
	    "0000000000000000000000000000000000000000000000000000000000000000", true);
	assert_status(c, 403);
	assert_has(c, "CSRF");
	done(c);
	c = post("/action", "service=web&action=restart&csrf=abc", true);
	assert_status(c, 403);
	done(c);
	/* no session */
	snprintf(body, sizeof(body), "service=web&action=restart&csrf=%s", csrf_of(SID1));
	c = post("/action", body, false);
	assert_status(c, 403);
	done(c);
	/* nothing reached the monitor */
	assert_int_equal(ipc_recv_wait(&tmon, &msg, 50), IPC_AGAIN);

	/* the real thing */
	snprintf(body, sizeof(body), "service=my+web&action=restart&csrf=%s", csrf_of(SID1));
	c = post("/action", body, true);
	assert_int_equal(c->state, CL_WAITING);
	expect(&tmon, MSG_ACTION_REQUEST);
	assert_string_equal(msg.body.action_request.sid, SID1);
	assert_string_equal(msg.body.action_request.service, "my web");
	assert_int_equal(msg.body.action_request.action, SVC_ACTION_RESTART);
	memset(&r, 0, sizeof(r));
	r.req = msg.body.action_request.req;
	r.code = 200;
	strlcpy_v(r.message, "restart <queued>", sizeof(r.message));
	assert_int_equal(ipc_send(&tmon, MSG_ACTION_RESULT, &r, -1), 0);
	pump(&w.monitor);
	assert_status(c, 303);
	assert_has(c, "\r\nLocation: /service/my%20web\r\n");
	done(c);
	c = get("/", true);
	assert_has(c, "class=\"flash\">restart my web: restart &lt;queued&gt;");
	done(c);
	c = get("/", true);
	assert_lacks(c, "class=\"flash\"");	/* shown once */
	done(c);

	/* refused by the monitor */
	snprintf(body, sizeof(body), "service=web&action=stop&csrf=%s", csrf_of(SID1));
	c = post("/action", body, true);
	expect(&tmon, MSG_ACTION_REQUEST);
	r.req = msg.body.action_request.req;
	r.code = 403;
	strlcpy_v(r.message, "role 'restart' may not <stop>", sizeof(r.message));
	assert_int_equal(ipc_send(&tmon, MSG_ACTION_RESULT, &r, -1), 0);
	pump(&w.monitor);
	assert_status(c, 403);
	assert_has(c, "may not &lt;stop&gt;");
	done(c);
	snprintf(body, sizeof(body), "service=ghost&action=start&csrf=%s", csrf_of(SID1));
	c = post("/action", body, true);
	expect(&tmon, MSG_ACTION_REQUEST);
	r.req = msg.body.action_request.req;
	r.code = 404;
	assert_int_equal(ipc_send(&tmon, MSG_ACTION_RESULT, &r, -1), 0);
	pump(&w.monitor);
	assert_status(c, 404);
	done(c);
	/* unknown action never leaves webui */
	snprintf(body, sizeof(body), "service=web&action=explode&csrf=%s", csrf_of(SID1));
	c = post("/action", body, true);
	assert_status(c, 400);
	done(c);
	/* the monitor never answers */
	snprintf(body, sizeof(body), "service=web&action=monitor&csrf=%s", csrf_of(SID1));
	c = post("/action", body, true);
	expect(&tmon, MSG_ACTION_REQUEST);
	webui_tick(&w, c->pending_deadline);
	assert_status(c, 503);
	done(c);
}

/* answer_check OK ROLE: auth's reply to the SESSION_CHECK just sent. */
static void
answer_check(bool ok, uint8_t role)
{
	struct msg_session_check_result r;

	expect(&tauth, MSG_SESSION_CHECK);
	assert_string_equal(msg.body.session_check.user, "alice");
	memset(&r, 0, sizeof(r));
	r.req = msg.body.session_check.req;
	r.ok = ok ? 1 : 0;
	r.role = role;
	assert_int_equal(ipc_send(&tauth, MSG_SESSION_CHECK_RESULT, &r, -1), 0);
	pump(&w.auth);
}

/* Revocation: a session last checked WEBUI_RECHECK_MS ago holds its next
 * request until auth has said the user may still log in; a no ends the
 * session (here and in the monitor) and the request runs logged out. */
static void
test_flow_recheck(void **state)
{
	struct web_session *s;
	struct client *c;

	(void)state;
	send_snapshot(9, "web", "OK");
	login(SID1, ROLE_READONLY);
	c = get("/", true);
	assert_status(c, 200);		/* checked at login: no trip to auth */
	assert_has(c, "web");
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);
	/* Time passes: the next request asks auth, which says yes. */
	s = session_find(&w.sessions, SID1, now_ms());
	assert_non_null(s);
	s->checked_ms -= WEBUI_RECHECK_MS;
	c = get("/", true);
	assert_int_equal(c->state, CL_WAITING);
	assert_int_equal(c->pending, PEND_RECHECK);
	answer_check(true, ROLE_READONLY);
	assert_status(c, 200);
	assert_has(c, "web");
	done(c);
	/* Again later, and now the account is locked: logged out. */
	s = session_find(&w.sessions, SID1, now_ms());
	assert_non_null(s);
	s->checked_ms -= WEBUI_RECHECK_MS;
	c = get("/", true);
	assert_int_equal(c->pending, PEND_RECHECK);
	answer_check(false, 0);
	assert_status(c, 200);
	assert_has(c, "name=\"password\"");	/* the login page */
	done(c);
	assert_null(session_find(&w.sessions, SID1, now_ms()));
	expect(&tmon, MSG_LOGOUT);
	assert_string_equal(msg.body.logout.sid, SID1);
	/* A role that changed also ends the session. */
	login(SID2, ROLE_READWRITE);
	s = session_find(&w.sessions, SID2, now_ms());
	s->checked_ms -= WEBUI_RECHECK_MS;
	c = post("/action", "csrf=x&service=web&action=restart", true);
	assert_int_equal(c->pending, PEND_RECHECK);
	answer_check(true, ROLE_READONLY);
	assert_status(c, 403);
	done(c);
	assert_null(session_find(&w.sessions, SID2, now_ms()));
	expect(&tmon, MSG_LOGOUT);
	assert_int_equal(ipc_recv_wait(&tmon, &msg, 50), IPC_AGAIN);
}

int
main(void)
{
	const struct CMUnitTest flow[] = {
		cmocka_unit_test(test_flow_recheck),
		cmocka_unit_test(test_flow_status_escaped),
		cmocka_unit_test(test_flow_readonly_no_buttons),
		cmocka_unit_test(test_flow_action_csrf),
	};
	return cmocka_run_group_tests_name("flow actions", flow, flow_setup, flow_teardown);
}
