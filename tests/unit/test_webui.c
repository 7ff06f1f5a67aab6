/* vigil-webui's login flow without a network, driven through
 * webui_client_input() with socketpairs standing in for auth and the
 * monitor: the login page, failed and timed-out logins, logout, Origin
 * and the login token, forbidden clients.  Pages and actions are in
 * test_webui_actions.c, snapshots, client and rate limits and the log
 * view in test_webui_limits.c, the allow list and sessions in
 * test_webui_access.c, argv and the key file in test_webui_options.c,
 * graphs in test_webui_history.c. */
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

int
main(void)
{
	const struct CMUnitTest flow[] = {
		cmocka_unit_test(test_flow_login_page_and_404),
		cmocka_unit_test(test_flow_login_failure),
		cmocka_unit_test(test_flow_login_timeout),
		cmocka_unit_test(test_flow_logout),
		cmocka_unit_test(test_flow_forbidden_and_signature),
		cmocka_unit_test(test_flow_origin_null),
	};
	return cmocka_run_group_tests_name("flow", flow, flow_setup, flow_teardown);
}
