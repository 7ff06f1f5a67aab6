/* vigil-webui's page flow without a network, driven through
 * webui_client_input() with socketpairs standing in for auth and the
 * monitor: logins, pages, actions, CSRF and Origin, snapshots, client
 * limits, the log view, revocation.  The allow list and sessions are in
 * test_webui_access.c, argv and the key file in test_webui_options.c,
 * graphs in test_webui_history.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/util.h"
#include "webui/webui.h"
#include "webui_fixture.h"

static const char SID1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char SID2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

static void
assert_security_headers(struct client *c)
{
	assert_has(c, "\r\nContent-Security-Policy: default-src 'none'; style-src "
	    "'unsafe-inline'; form-action 'self'; frame-ancestors 'none'\r\n");
	assert_has(c, "\r\nX-Frame-Options: DENY\r\n");
	assert_has(c, "\r\nX-Content-Type-Options: nosniff\r\n");
	assert_has(c, "\r\nReferrer-Policy: same-origin\r\n");
	assert_has(c, "\r\nCache-Control: no-store\r\n");
}

static void
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

static const char XSS[] = "<img src=x onerror=alert(1)>";

static void
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

static const char *
csrf_of(const char *sid)
{
	struct web_session *s = session_find(&w.sessions, sid, now_ms());

	assert_non_null(s);
	return s->csrf;
}

static void
test_flow_login_page_and_404(void **state)
{
	struct client *c;

	(void)state;
	c = get("/", false);
	assert_status(c, 200);
	assert_security_headers(c);
	assert_has(c, "action=\"/login\"");
	assert_has(c, "name=\"password\"");
	done(c);
	c = get("/nope", false);
	assert_status(c, 404);
	assert_security_headers(c);
	done(c);
	c = get("/api/status", false);
	assert_status(c, 401);
	done(c);
	c = request("GET /% HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_status(c, 400);
	assert_security_headers(c);
	done(c);
	c = request("BREW / HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_status(c, 501);
	done(c);
	c = get("/action", false);
	assert_status(c, 405);
	assert_has(c, "\r\nAllow: POST\r\n");
	done(c);
	/* a forged cookie is no session */
	snprintf(cookie, sizeof(cookie), "vigil_session=%s", SID2);
	c = get("/", true);
	assert_status(c, 200);
	assert_has(c, "action=\"/login\"");
	done(c);
}

static void
test_flow_login_failure(void **state)
{
	struct client *c = post("/login", "user=mallory%0A&password=x", false);
	struct msg_login_result r;

	(void)state;
	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	memset(&r, 0, sizeof(r));
	r.req = msg.body.login.req;
	r.ok = 0;
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
	assert_status(c, 401);
	assert_has(c, "Login failed.");
	assert_lacks(c, "vigil_session=");
	done(c);
	/* a reply for nobody is ignored */
	r.req = 999999;
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
	/* malformed forms */
	c = post("/login", "user=a&user=b&password=x", false);
	assert_status(c, 400);
	done(c);
	c = post("/login", "password=x", false);
	assert_status(c, 400);
	done(c);
	c = request("POST /login HTTP/1.1\r\nHost: vigil.test\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 3\r\n\r\na=b");
	assert_status(c, 415);
	done(c);
	c = request("POST /login HTTP/1.1\r\nHost: vigil.test\r\nOrigin: http://evil.test\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 3\r\n\r\na=b");
	assert_status(c, 403);
	done(c);
}

static void
test_flow_login_timeout(void **state)
{
	struct client *c = post("/login", "user=slow&password=x", false);

	(void)state;
	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	webui_tick(&w, c->pending_deadline - 1);
	assert_int_equal(c->state, CL_WAITING);
	webui_tick(&w, c->pending_deadline);
	assert_status(c, 503);
	done(c);
}

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

static void
test_flow_logout(void **state)
{
	struct client *c;
	char body[128];

	(void)state;
	login(SID1, ROLE_READWRITE);
	c = post("/logout", "csrf=wrong", true);
	assert_status(c, 403);
	done(c);
	snprintf(body, sizeof(body), "csrf=%s", csrf_of(SID1));
	c = post("/logout", body, true);
	assert_status(c, 303);
	assert_has(c, "Set-Cookie: vigil_session=; Max-Age=0");
	done(c);
	expect(&tmon, MSG_LOGOUT);
	assert_string_equal(msg.body.logout.sid, SID1);
	c = get("/", true);
	assert_has(c, "action=\"/login\"");
	done(c);
}

/* A form POST as a browser sends it: Origin (NULL: none) and Cookie (NULL:
 * none) as given. */
static struct client *
post_as(const char *path, const char *origin, const char *cookies, const char *body)
{
	char raw[2048];

	snprintf(raw, sizeof(raw), "POST %s HTTP/1.1\r\nHost: vigil.test\r\n"
	    "%s%s%s"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
	    "%s%s%s\r\n%s", path,
	    origin != NULL ? "Origin: " : "", origin != NULL ? origin : "",
	    origin != NULL ? "\r\n" : "", strlen(body),
	    cookies != NULL ? "Cookie: " : "", cookies != NULL ? cookies : "",
	    cookies != NULL ? "\r\n" : "", body);
	return request(raw);
}

/* The login token of a login page: the cookie it set (or, with no
 * Set-Cookie, "") and the form's field (both 64 hex digits). */
static void
login_page_token(struct client *c, char *set_cookie, char *field)
{
	const char *p;

	set_cookie[0] = field[0] = '\0';
	p = strstr(c->out.data, "\r\nSet-Cookie: vigil_login=");
	if (p != NULL) {
		p += strlen("\r\nSet-Cookie: vigil_login=");
		memcpy(set_cookie, p, CSRF_LEN);
		set_cookie[CSRF_LEN] = '\0';
		assert_true(csrf_token_valid(set_cookie));
		assert_non_null(strstr(p, "; HttpOnly; SameSite=Strict; Path=/\r\n"));
	}
	p = strstr(c->out.data, "name=\"login_token\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"login_token\" value=\"");
	memcpy(field, p, CSRF_LEN);
	field[CSRF_LEN] = '\0';
	assert_true(csrf_token_valid(field));
}

/* What Chromium sends under "Referrer-Policy: no-referrer": Origin null.
 * Accepted only with a token proving the form was vigil's; another origin
 * never.  (Before the fix every browser login was "403 malformed login
 * form".) */
static void
test_flow_origin_null(void **state)
{
	struct client *c;
	char set[CSRF_LEN + 1], field[CSRF_LEN + 1], field2[CSRF_LEN + 1];
	char ck[160], body[512];
	struct msg_login_result r;

	(void)state;
	c = get("/", false);
	assert_status(c, 200);
	login_page_token(c, set, field);
	assert_string_equal(set, field);
	done(c);
	/* the same browser again: its cookie's token, no new cookie */
	snprintf(ck, sizeof(ck), "vigil_login=%s", set);
	c = request(strcat(strcat(strcpy(body, "GET / HTTP/1.1\r\nHost: vigil.test\r\n"
	    "Cookie: "), ck), "\r\n\r\n"));
	assert_status(c, 200);
	assert_lacks(c, "Set-Cookie");
	login_page_token(c, field2, field2);
	assert_string_equal(field2, field);
	done(c);

	/* Origin null: without the token, without the cookie, with another
	 * cookie: 403, and nothing reaches auth */
	c = post_as("/login", "null", NULL, "user=alice&password=pw");
	assert_status(c, 403);
	done(c);
	snprintf(body, sizeof(body), "login_token=%s&user=alice&password=pw", field);
	c = post_as("/login", "null", NULL, body);
	assert_status(c, 403);
	done(c);
	c = post_as("/login", "null", "vigil_login="
	    "0000000000000000000000000000000000000000000000000000000000000000", body);
	assert_status(c, 403);
	done(c);
	c = post_as("/login", "null", ck, "user=alice&password=pw");
	assert_status(c, 403);
	done(c);
	/* another origin, even with the token: 403 */
	c = post_as("/login", "http://evil.test", ck, body);
	assert_status(c, 403);
	assert_has(c, "another site");
	done(c);
	c = post_as("/login", "https://vigil.test.evil.test", ck, body);
	assert_status(c, 403);
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);

	/* Origin null with the cookie and the matching field: a login */
	c = post_as("/login", "null", ck, body);
	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	assert_string_equal(msg.body.login.user, "alice");
	memset(&r, 0, sizeof(r));
	r.req = msg.body.login.req;
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
	assert_status(c, 401);
	done(c);
	/* the same origin (what same-origin referrer policy makes browsers
	 * send) needs no login token */
	c = post_as("/login", "http://vigil.test", NULL, "user=alice&password=pw");
	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	webui_tick(&w, c->pending_deadline);
	done(c);

	/* actions and logout: Origin null is no weaker than no Origin, since
	 * the session's CSRF token is required either way */
	login(SID1, ROLE_READWRITE);
	snprintf(body, sizeof(body), "service=web&action=restart&csrf=%s", csrf_of(SID1));
	c = post_as("/action", "null", cookie, body);
	assert_int_equal(c->state, CL_WAITING);
	expect(&tmon, MSG_ACTION_REQUEST);
	webui_tick(&w, c->pending_deadline);
	done(c);
	c = post_as("/action", "null", cookie, "service=web&action=restart&csrf="
	    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_status(c, 403);
	done(c);
	c = post_as("/action", "http://evil.test", cookie, body);
	assert_status(c, 403);
	done(c);
	assert_int_equal(ipc_recv_wait(&tmon, &msg, 50), IPC_AGAIN);
	snprintf(body, sizeof(body), "csrf=%s", csrf_of(SID1));
	c = post_as("/logout", "null", cookie, body);
	assert_status(c, 303);
	done(c);
	expect(&tmon, MSG_LOGOUT);
}

static void
test_flow_forbidden_and_signature(void **state)
{
	struct client *c;

	(void)state;
	c = webui_client_new(&w, -1, "203.0.113.9");
	c->forbidden = true;
	memcpy(c->in, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 27);
	c->inlen = 27;
	webui_client_input(&w, c);
	assert_status(c, 403);
	done(c);
	/* even a malformed request gets 403, not a parser verdict */
	c = webui_client_new(&w, -1, "203.0.113.9");
	c->forbidden = true;
	memcpy(c->in, "GET /%G HTTP/1.1\r\n\r\n", 21);
	c->inlen = 21;
	webui_client_input(&w, c);
	assert_status(c, 403);
	done(c);
	w.signature = false;
	c = get("/", false);
	assert_lacks(c, "Server:");
	done(c);
	w.signature = true;
}

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
		cmocka_unit_test(test_flow_login_page_and_404),
		cmocka_unit_test(test_flow_recheck),
		cmocka_unit_test(test_flow_log_view),
		cmocka_unit_test(test_flow_login_failure),
		cmocka_unit_test(test_flow_login_timeout),
		cmocka_unit_test(test_flow_status_escaped),
		cmocka_unit_test(test_flow_readonly_no_buttons),
		cmocka_unit_test(test_flow_action_csrf),
		cmocka_unit_test(test_flow_logout),
		cmocka_unit_test(test_flow_forbidden_and_signature),
		cmocka_unit_test(test_flow_origin_null),
		cmocka_unit_test(test_snapshot_consistency),
		cmocka_unit_test(test_flow_login_flood_429),
		cmocka_unit_test(test_client_limits),
	};
	return cmocka_run_group_tests_name("flow", flow, flow_setup, flow_teardown);
}
