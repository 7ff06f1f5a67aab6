/* Monit's HTTP API in vigil-webui: HTTP Basic and bearer-token parsing and
 * the grant cache, the XML/text/metrics documents, /_doaction with Monit's
 * securitytoken, and the escapers they use; the flow driven as in
 * test_webui.c and its neighbours (webui_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc.h"
#include "common/util.h"
#include "webui/webui.h"
#include "webui_fixture.h"

/* ------------------------------------------------------------ Basic */

static void
test_basic_parse(void **state)
{
	char u[MSG_USER_LEN], p[MSG_SECRET_LEN], hdr[1024], raw[600];
	static const char *const bad[] = {
		"", "Basic", "Basic ", "Bearer YWRtaW46cHc=", "Basic YWRtaW46cHc",
		"Basic YWRt aW46cHc=", "Basic ====", "Basic YQ==", "Basic OnB3",
		"Basic YWRtaW46cHc=x", "Basic YW=taW46cHc=", "Basic YWRtaW46cHc=====",
		"Basic YWRt\taW46", "Basic !!!!", "Basic YWRtaW46cHc==",
		"Basic YQp4OnB3",		/* "a\nx:pw": a control byte in the user */
		"Basic YTpiAGM=",		/* "a:b\0c": NUL in the password */
		"BasicYWRtaW46cHc=",
	};

	(void)state;
	assert_int_equal(basic_parse("Basic YWRtaW46cHc=", u, p), 0);
	assert_string_equal(u, "admin");
	assert_string_equal(p, "pw");
	assert_int_equal(basic_parse("basic   YTpiOmM=", u, p), 0);	/* a:b:c */
	assert_string_equal(u, "a");
	assert_string_equal(p, "b:c");
	assert_int_equal(basic_parse("Basic YTo=", u, p), 0);	/* empty password */
	assert_string_equal(p, "");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (basic_parse(bad[i], u, p) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_string_equal(u, "");
		assert_string_equal(p, "");
	}
	/* the longest user and password pass, one more byte does not */
	memset(raw, 'u', MSG_USER_LEN - 1);
	raw[MSG_USER_LEN - 1] = ':';
	memset(raw + MSG_USER_LEN, 'p', MSG_SECRET_LEN - 1);
	{
		static const char b64[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		size_t n = MSG_USER_LEN + MSG_SECRET_LEN - 1, o = 6;

		for (int extra = 0; extra < 2; extra++) {
			size_t len = n + (size_t)extra;

			if (extra)
				raw[len - 1] = 'p';
			strcpy(hdr, "Basic ");
			o = 6;
			for (size_t i = 0; i < len; i += 3) {
				uint32_t v = (uint32_t)(uint8_t)raw[i] << 16;

				v |= i + 1 < len ? (uint32_t)(uint8_t)raw[i + 1] << 8 : 0;
				v |= i + 2 < len ? (uint8_t)raw[i + 2] : 0;
				hdr[o++] = b64[v >> 18 & 63];
				hdr[o++] = b64[v >> 12 & 63];
				hdr[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
				hdr[o++] = i + 2 < len ? b64[v & 63] : '=';
			}
			hdr[o] = '\0';
			assert_int_equal(basic_parse(hdr, u, p), extra ? -1 : 0);
			if (!extra) {
				assert_int_equal(strlen(u), MSG_USER_LEN - 1);
				assert_int_equal(strlen(p), MSG_SECRET_LEN - 1);
			}
		}
	}
	/* far too long */
	memset(hdr, 'A', sizeof(hdr) - 1);
	memcpy(hdr, "Basic ", 6);
	hdr[sizeof(hdr) - 1] = '\0';
	assert_int_equal(basic_parse(hdr, u, p), -1);
}

/* "Bearer NAME.SECRET": RFC 6750's b64token split at its first "." */
static void
test_bearer_parse(void **state)
{
	char u[MSG_USER_LEN], p[MSG_SECRET_LEN], hdr[1024];
	static const char *const bad[] = {
		"", "Bearer", "Bearer ", "Bearer    ", "Basic YWRtaW46cHc=",
		"Bearerci.secret", "Bearer\tci.secret", "Token ci.secret",
		"Bearer cisecret",		/* no dot */
		"Bearer .secret",		/* empty name */
		"Bearer ci.",			/* empty secret */
		"Bearer .",
		"Bearer ci.sec ret", "Bearer ci.secret ", "Bearer ci .secret",
		"Bearer ci.sec\"ret", "Bearer ci.sec:ret", "Bearer ci@x.secret",
		"Bearer ci.sec%20ret", "Bearer ci.s\xc3\xa9" "cret", "Bearer ci.sec\x01" "ret",
		"Bearer ci.sec=ret",		/* "=" only at the end */
		"Bearer ci=.secret", "Bearer ==", "Bearer ci.secret=x",
		"Bearer ci,x.secret", "Bearer ci.secret,",
	};

	(void)state;
	assert_int_equal(bearer_parse("Bearer ci.s3cr3t", u, p), 0);
	assert_string_equal(u, "ci");
	assert_string_equal(p, "s3cr3t");
	/* the scheme in any case (RFC 7235), spaces before the token */
	assert_int_equal(bearer_parse("bearer   ci.s3cr3t", u, p), 0);
	assert_string_equal(u, "ci");
	assert_int_equal(bearer_parse("BEARER ci.s3cr3t", u, p), 0);
	/* split at the first ".": the secret may hold more; every token68
	 * character and trailing "="s */
	assert_int_equal(bearer_parse("Bearer a-b_c~d+e/f.x.y-Z_0~9+/==", u, p), 0);
	assert_string_equal(u, "a-b_c~d+e/f");
	assert_string_equal(p, "x.y-Z_0~9+/==");
	assert_int_equal(bearer_parse("Bearer ci.x=", u, p), 0);
	assert_string_equal(p, "x=");
	/* "ci." is the b64token's body, "=" its padding: the secret is "=" */
	assert_int_equal(bearer_parse("Bearer ci.=", u, p), 0);
	assert_string_equal(p, "=");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		strcpy(u, "junk");
		strcpy(p, "junk");
		if (bearer_parse(bad[i], u, p) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_string_equal(u, "");
		assert_string_equal(p, "");
	}
	/* the longest name and secret pass, one more byte in either does not */
	for (int extra = 0; extra < 3; extra++) {
		size_t ulen = MSG_USER_LEN - 1 + (extra == 1), plen = MSG_SECRET_LEN - 1 + (extra == 2);

		memcpy(hdr, "Bearer ", 7);
		memset(hdr + 7, 'u', ulen);
		hdr[7 + ulen] = '.';
		memset(hdr + 8 + ulen, 'p', plen);
		hdr[8 + ulen + plen] = '\0';
		assert_int_equal(bearer_parse(hdr, u, p), extra ? -1 : 0);
		if (!extra) {
			assert_int_equal(strlen(u), MSG_USER_LEN - 1);
			assert_int_equal(strlen(p), MSG_SECRET_LEN - 1);
		}
	}
	/* far too long */
	memset(hdr, 'A', sizeof(hdr) - 1);
	memcpy(hdr, "Bearer a.", 9);
	hdr[sizeof(hdr) - 1] = '\0';
	assert_int_equal(bearer_parse(hdr, u, p), -1);
}

static int n_done;
static char last_done[MSG_SID_LEN];

static void
on_done(const char *sid, void *arg)
{
	(void)arg;
	n_done++;
	strlcpy_v(last_done, sid, sizeof(last_done));
}

static void
test_basic_cache(void **state)
{
	static struct basic_cache bc;
	uint8_t k1[BASIC_KEY_LEN], k2[BASIC_KEY_LEN], k3[BASIC_KEY_LEN];
	char ev[MSG_SID_LEN], sid[MSG_SID_LEN];

	(void)state;
	assert_true(basic_cache_init(&bc));
	basic_key(&bc, "ab", "c", k1);
	basic_key(&bc, "a", "bc", k2);
	basic_key(&bc, "ab", "c", k3);
	assert_memory_not_equal(k1, k2, BASIC_KEY_LEN);
	assert_memory_equal(k1, k3, BASIC_KEY_LEN);
	/* no password bytes in the cache */
	assert_null(memmem(&bc, sizeof(bc), "bc", 3));
	assert_null(basic_lookup(&bc, k1, 1000));
	basic_store(&bc, k1, "s1", 1000, ev);
	assert_string_equal(ev, "");
	assert_non_null(basic_lookup(&bc, k1, 1000));
	assert_string_equal(basic_lookup(&bc, k1, 1000)->sid, "s1");
	assert_null(basic_lookup(&bc, k2, 1000));
	/* the same credentials again: the old session is the caller's to end */
	basic_store(&bc, k1, "s1b", 1000, ev);
	assert_string_equal(ev, "s1");
	/* expiry */
	assert_non_null(basic_lookup(&bc, k1, 1000 + BASIC_CACHE_TTL_MS - 1));
	assert_null(basic_lookup(&bc, k1, 1000 + BASIC_CACHE_TTL_MS));
	n_done = 0;
	assert_int_equal(basic_cache_expire(&bc, 1000 + BASIC_CACHE_TTL_MS, on_done, NULL), 1);
	assert_int_equal(n_done, 1);
	assert_string_equal(last_done, "s1b");
	/* a full cache gives up the entry closest to expiry */
	for (int i = 0; i < BASIC_CACHE_MAX; i++) {
		char user[16];
		uint8_t k[BASIC_KEY_LEN];

		snprintf(user, sizeof(user), "u%d", i);
		snprintf(sid, sizeof(sid), "sid%d", i);
		basic_key(&bc, user, "pw", k);
		basic_store(&bc, k, sid, 5000 + (uint64_t)i, ev);
		assert_string_equal(ev, "");
	}
	basic_store(&bc, k2, "new", 9000, ev);
	assert_string_equal(ev, "sid0");
	assert_non_null(basic_lookup(&bc, k2, 9000));
}

/* ------------------------------------------------------------ escapers */

static void
test_escapers(void **state)
{
	struct obuf b;
	size_t pos = 0;
	char n[16], v[16];
	static const uint8_t q[] = "service=a&service=b%20c&format=xml";
	static const char *const badq[] = { "a", "=x", "a=b&", "a=%zz", "a=%00", "a=b&&c=d",
	    "a=b c" };

	(void)state;
	obuf_init(&b, 4096);
	obuf_xml(&b, "<a href='x'>&\"\x01\x7f\xc3\xa9\xff\xe2\x82");
	assert_string_equal(b.data, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;??\xc3\xa9"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	obuf_reset(&b);
	obuf_prom_label(&b, "a\"b\\c\nd\te\xff");
	assert_string_equal(b.data, "a\\\"b\\\\c\\nd?e\xef\xbf\xbd");
	obuf_free(&b);

	assert_int_equal(http_form_next(q, sizeof(q) - 1, &pos, n, sizeof(n), v, sizeof(v)), 1);
	assert_string_equal(n, "service");
	assert_string_equal(v, "a");
	assert_int_equal(http_form_next(q, sizeof(q) - 1, &pos, n, sizeof(n), v, sizeof(v)), 1);
	assert_string_equal(v, "b c");
	assert_int_equal(http_form_next(q, sizeof(q) - 1, &pos, n, sizeof(n), v, sizeof(v)), 1);
	assert_string_equal(n, "format");
	assert_int_equal(http_form_next(q, sizeof(q) - 1, &pos, n, sizeof(n), v, sizeof(v)), 0);
	for (size_t i = 0; i < ARRAY_SIZE(badq); i++) {
		int rc;

		pos = 0;
		while ((rc = http_form_next((const uint8_t *)badq[i], strlen(badq[i]), &pos, n,
		    sizeof(n), v, sizeof(v))) == 1)
			;
		if (rc != -1)
			fail_msg("query '%s' accepted", badq[i]);
	}
	/* a value longer than its buffer */
	pos = 0;
	assert_int_equal(http_form_next((const uint8_t *)"a=0123456789abcdef", 18, &pos, n,
	    sizeof(n), v, sizeof(v)), -1);
}

/* ------------------------------------------------------------- the flow */

#define SID1_S "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
static const char SID1[] = SID1_S;
static const char SID2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
#define AUTH_ADMIN	"Authorization: Basic YWRtaW46cHc=\r\n"		/* admin:pw */
#define AUTH_ADMIN_BAD	"Authorization: Basic YWRtaW46cHd4\r\n"	/* admin:pwx */
#define BEARER_ADMIN	"Authorization: bearer admin.pw\r\n"		/* admin:pw */
#define TOKEN		"0123456789abcdef0123"

static void
snapshot_with_figures(void)
{
	struct msg_snapshot_begin b;
	struct msg_snapshot_service s;
	struct msg_snapshot_end e;

	memset(&b, 0, sizeof(b));
	b.gen = 3;
	b.count = 3;
	b.time = 1800000000;
	b.uptime_s = 125;
	b.poll_s = 30;
	strlcpy_v(b.host, "box", sizeof(b.host));
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_BEGIN, &b, -1), 0);
	memset(&s, 0, sizeof(s));
	s.gen = 3;
	strlcpy_v(s.name, "web<1>\"q\"", sizeof(s.name));
	strlcpy_v(s.type, "process", sizeof(s.type));
	strlcpy_v(s.status, "OK", sizeof(s.status));
	strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
	s.pid = 4242;
	s.uptime_s = 3700;
	s.fig.type_code = 0;
	s.fig.monitor_code = 1;
	s.fig.collected = 1800000000;
	s.fig.ppid = 1;
	s.fig.threads = 3;
	s.fig.cpu_permille = 125;
	s.fig.mem_bytes = 2u << 20;
	s.fig.total_mem_bytes = 3u << 20;
	s.fig.restarts = 2;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
	send_service_json(s.gen, s.index, s.name);
	memset(&s, 0, sizeof(s));
	s.gen = 3;
	s.index = 1;
	strlcpy_v(s.name, "box", sizeof(s.name));
	strlcpy_v(s.type, "system", sizeof(s.type));
	strlcpy_v(s.status, "OK", sizeof(s.status));
	strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
	s.fig.type_code = 6;
	s.fig.monitor_code = 1;
	s.fig.load1 = 150;
	s.fig.load5 = 75;
	s.fig.load15 = 5;
	s.fig.cpu_user_permille = 123;
	s.fig.mem_total = 1000u << 20;
	s.fig.mem_used = 250u << 20;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
	send_service_json(s.gen, s.index, s.name);
	memset(&s, 0, sizeof(s));
	s.gen = 3;
	s.index = 2;
	strlcpy_v(s.name, "site", sizeof(s.name));
	strlcpy_v(s.type, "host", sizeof(s.type));
	strlcpy_v(s.status, "Connection failed \x1b[31m", sizeof(s.status));
	strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
	s.fig.type_code = 5;
	s.fig.monitor_code = 1;
	s.fig.events = 0x20;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
	send_service_json(s.gen, s.index, s.name);
	memset(&e, 0, sizeof(e));
	e.gen = 3;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_END, &e, -1), 0);
	pump(&w.monitor);
	assert_true(w.snap.valid);
}

static struct client *
api(const char *method, const char *target, const char *headers, const char *body)
{
	static char raw[4096];

	snprintf(raw, sizeof(raw), "%s %s HTTP/1.0\r\n%s%s%zu\r\n\r\n%s", method, target,
	    headers, body != NULL ? "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: " : "Content-Length: ", body != NULL ? strlen(body) : 0,
	    body != NULL ? body : "");
	return request(raw);
}

/* auth answers the LOGIN that c waits for */
static void
auth_answers(struct client *c, bool ok, const char *sid, uint8_t role)
{
	struct msg_login_result r;

	assert_int_equal(c->state, CL_WAITING);
	assert_int_equal(c->pending, PEND_BASIC);
	expect(&tauth, MSG_LOGIN);
	assert_string_equal(msg.body.login.user, "admin");
	memset(&r, 0, sizeof(r));
	r.req = msg.body.login.req;
	r.ok = ok;
	if (ok) {
		strlcpy_v(r.sid, sid, sizeof(r.sid));
		r.role = role;
		strlcpy_v(r.user, "admin", sizeof(r.user));
	}
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
}

static void
test_api_basic_flow(void **state)
{
	struct client *c;

	(void)state;
	snapshot_with_figures();
	/* no credentials, malformed credentials: 401, nothing asked of auth */
	c = api("GET", "/_status?format=xml", "", NULL);
	assert_status(c, 401);
	assert_has(c, "\r\nWWW-Authenticate: Basic realm=\"vigil\"");
	assert_has(c, "<h2>Unauthorized</h2>");
	done(c);
	c = api("GET", "/_status?format=xml", "Authorization: Basic !!\r\n", NULL);
	assert_status(c, 401);
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);

	/* first request: credentials to auth, then the document */
	c = api("GET", "/_status?format=xml", AUTH_ADMIN, NULL);
	auth_answers(c, true, SID1, ROLE_READWRITE);
	assert_status(c, 200);
	assert_has(c, "Content-Type: text/xml; charset=utf-8\r\n");
	assert_has(c, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><monit><server>");
	assert_has(c, "<poll>30</poll>");
	assert_has(c, "<service type=\"3\"><name>web&lt;1&gt;&quot;q&quot;</name>");
	assert_has(c, "<pid>4242</pid><ppid>1</ppid><uptime>3700</uptime><threads>3</threads>");
	assert_has(c, "<kilobyte>2048</kilobyte><kilobytetotal>3072</kilobytetotal>");
	assert_has(c, "<percent>0.2</percent>");	/* 2 MB of 1000 MB */
	assert_has(c, "<cpu><percent>12.5</percent>");
	assert_has(c, "<service type=\"5\"><name>box</name>");
	assert_has(c, "<load><avg01>1.50</avg01><avg05>0.75</avg05><avg15>0.05</avg15></load>");
	assert_has(c, "<service type=\"4\"><name>site</name>");
	assert_has(c, "<status>32</status>");
	assert_lacks(c, "<1>");
	done(c);
	/* the password is gone from the client's buffer */
	/* second request: the cached grant, auth is not asked */
	c = api("POST", "/_status", AUTH_ADMIN, "format=text&securitytoken=" TOKEN);
	assert_status(c, 200);
	assert_has(c, "Process 'web<1>\"q\"'\n");
	assert_has(c, "  status                       OK\n");
	assert_has(c, "  pid                          4242\n");
	assert_has(c, "  memory                       0.2% [2.0 MB]\n");
	assert_has(c, "  load average                 [1.50] [0.75] [0.05]\n");
	assert_has(c, "Connection failed ?[31m");	/* no escape byte reaches a terminal */
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);
	c = api("GET", "/_status?service=box", AUTH_ADMIN, NULL);
	assert_status(c, 200);
	assert_has(c, "System 'box'");
	assert_lacks(c, "Process");
	done(c);
	c = api("GET", "/_status?service=nosuch", AUTH_ADMIN, NULL);
	assert_status(c, 404);
	done(c);
	c = api("GET", "/_summary", AUTH_ADMIN, NULL);
	assert_status(c, 200);
	assert_has(c, " Service Name ");
	assert_has(c, "Remote Host\n");
	done(c);
	c = api("GET", "/_report", AUTH_ADMIN, NULL);
	assert_status(c, 200);
	assert_has(c, "up:               2 (66.7%)\ndown:             1 (33.3%)\n");
	done(c);
	c = api("GET", "/_runtime", AUTH_ADMIN, NULL);
	assert_status(c, 200);
	done(c);
	c = api("GET", "/_viewlog", AUTH_ADMIN, NULL);
	assert_status(c, 200);		/* the log view (/log) */
	assert_has(c, "Recent log");
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);

	/* another password is not the cached one: auth is asked, says no */
	c = api("GET", "/_status", AUTH_ADMIN_BAD, NULL);
	auth_answers(c, false, NULL, 0);
	assert_status(c, 401);
	assert_int_equal(c->inlen, 0);
	done(c);
	/* a malformed query */
	c = api("GET", "/_status?format", AUTH_ADMIN, NULL);
	assert_status(c, 400);
	done(c);

	/* the grant expires: its session ends, the monitor is told */
	webui_tick(&w, now_ms() + BASIC_CACHE_TTL_MS + 1);
	expect(&tmon, MSG_LOGOUT);
	assert_string_equal(msg.body.logout.sid, SID1);
	assert_null(session_find(&w.sessions, SID1, now_ms()));
	c = api("GET", "/_status", AUTH_ADMIN, NULL);
	auth_answers(c, true, SID2, ROLE_READONLY);
	assert_status(c, 200);
	done(c);
}

/* A bearer token NAME.SECRET is the login NAME:SECRET at auth, the same
 * grant as Basic's; its garbage gets 401 without asking auth; a 401 names
 * both schemes. */
static void
test_api_bearer_flow(void **state)
{
	struct client *c;
	static const char *const bad[] = {
		"Authorization: Bearer\r\n", "Authorization: Bearer admin\r\n",
		"Authorization: Bearer .pw\r\n", "Authorization: Bearer admin.\r\n",
		"Authorization: Bearer adm in.pw\r\n", "Authorization: Bearer admin.p:w\r\n",
	};

	(void)state;
	snapshot_with_figures();
	c = api("GET", "/api/status", "", NULL);
	assert_status(c, 401);
	assert_has(c, "\r\nWWW-Authenticate: Basic realm=\"vigil\", charset=\"UTF-8\"\r\n");
	assert_has(c, "\r\nWWW-Authenticate: Bearer realm=\"vigil\"\r\n");
	done(c);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		c = api("GET", "/api/status", bad[i], NULL);
		assert_status(c, 401);
		assert_has(c, "\r\nWWW-Authenticate: Bearer realm=\"vigil\"\r\n");
		done(c);
	}
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);

	/* auth is asked for admin / pw, answers no: 401 */
	c = api("GET", "/_status", "Authorization: Bearer admin.pwx\r\n", NULL);
	assert_int_equal(c->pending, PEND_BASIC);
	auth_answers(c, false, NULL, 0);
	assert_status(c, 401);
	assert_has(c, "\r\nWWW-Authenticate: Bearer realm=\"vigil\"\r\n");
	done(c);
	/* and yes: the document; auth was asked for admin / pw */
	c = api("GET", "/_status", BEARER_ADMIN, NULL);
	auth_answers(c, true, SID1, ROLE_READONLY);
	assert_string_equal(msg.body.login.password, "pw");
	assert_status(c, 200);
	assert_has(c, "Process 'web<1>\"q\"'\n");
	done(c);
	/* the same credentials as Basic: the same cached grant, auth not asked */
	c = api("GET", "/_status", AUTH_ADMIN, NULL);
	assert_status(c, 200);
	done(c);
	c = api("GET", "/_status", BEARER_ADMIN, NULL);
	assert_status(c, 200);
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);
	/* /metrics counts the two logins auth answered as bearer ones, not as
	 * Basic; the cached grant and the malformed headers are no login */
	c = api("GET", "/metrics", BEARER_ADMIN, NULL);
	assert_status(c, 200);
	assert_has(c, "\nvigil_web_logins_total{method=\"bearer\",result=\"ok\"} 1\n");
	assert_has(c, "\nvigil_web_logins_total{method=\"bearer\",result=\"failed\"} 1\n");
	assert_has(c, "\nvigil_web_logins_total{method=\"basic\",result=\"ok\"} 0\n");
	assert_has(c, "\nvigil_web_logins_total{method=\"basic\",result=\"failed\"} 0\n");
	done(c);
}

static void
monitor_answers(struct client *c, const char *service, enum svc_action a, uint16_t code,
    const char *text)
{
	struct msg_action_result r;

	assert_int_equal(c->state, CL_WAITING);
	expect(&tmon, MSG_ACTION_REQUEST);
	assert_string_equal(msg.body.action_request.service, service);
	assert_int_equal(msg.body.action_request.action, a);
	memset(&r, 0, sizeof(r));
	r.req = msg.body.action_request.req;
	r.code = code;
	strlcpy_v(r.message, text, sizeof(r.message));
	assert_int_equal(ipc_send(&tmon, MSG_ACTION_RESULT, &r, -1), 0);
	pump(&w.monitor);
}

static void
test_api_doaction(void **state)
{
	struct client *c;

	(void)state;
	snapshot_with_figures();
	c = api("GET", "/_status", AUTH_ADMIN, NULL);
	auth_answers(c, true, SID1, ROLE_READWRITE);
	done(c);

	/* what Monit's CLI sends for "restart all": every service, one by one */
	c = api("POST", "/_doaction", AUTH_ADMIN "Cookie: securitytoken=" TOKEN "\r\n",
	    "action=restart&service=web&service=box&format=text&securitytoken=" TOKEN);
	monitor_answers(c, "web", SVC_ACTION_RESTART, 200, "queued");
	monitor_answers(c, "box", SVC_ACTION_RESTART, 200, "queued");
	assert_status(c, 200);
	done(c);
	/* refused by the monitor: Monit's error shape, which its CLI prints */
	c = api("POST", "/_doaction", AUTH_ADMIN "Cookie: securitytoken=" TOKEN "\r\n",
	    "action=stop&service=web&service=box&securitytoken=" TOKEN);
	monitor_answers(c, "web", SVC_ACTION_STOP, 403, "role <readonly> may not stop");
	assert_status(c, 403);
	assert_has(c, "<h2>Forbidden</h2>role &lt;readonly&gt; may not stop<hr>");
	assert_null(c->job);
	done(c);
	assert_int_equal(ipc_recv_wait(&tmon, &msg, 50), IPC_AGAIN);

	/* Monit's CSRF convention, and the rest of the form's rules */
	static const char *const refused[][2] = {
		{ "", "action=restart&service=web" },
		{ "", "action=restart&service=web&securitytoken=" TOKEN },
		{ "Cookie: securitytoken=" TOKEN "x\r\n", "action=restart&service=web&securitytoken=" TOKEN },
		{ "Cookie: securitytoken=short\r\n", "action=restart&service=web&securitytoken=short" },
		{ "Cookie: securitytoken=" TOKEN "\r\nOrigin: http://evil.test\r\n",
		  "action=restart&service=web&securitytoken=" TOKEN },
	};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		char hdr[256];

		snprintf(hdr, sizeof(hdr), "%s%s", AUTH_ADMIN, refused[i][0]);
		c = api("POST", "/_doaction", hdr, refused[i][1]);
		assert_status(c, 403);
		done(c);
	}
	c = api("POST", "/_doaction", AUTH_ADMIN "Cookie: securitytoken=" TOKEN "\r\n",
	    "action=explode&service=web&securitytoken=" TOKEN);
	assert_status(c, 400);
	done(c);
	c = api("POST", "/_doaction", AUTH_ADMIN "Cookie: securitytoken=" TOKEN "\r\n",
	    "action=restart&securitytoken=" TOKEN);
	assert_status(c, 400);
	done(c);
	c = api("GET", "/_doaction?action=restart&service=web", AUTH_ADMIN, NULL);
	assert_status(c, 405);
	done(c);
	assert_int_equal(ipc_recv_wait(&tmon, &msg, 50), IPC_AGAIN);

	/* a form session's cookie serves as well */
	c = api("POST", "/_doaction", "Cookie: securitytoken=" TOKEN "; vigil_session=" SID1_S "\r\n",
	    "action=monitor&service=web&securitytoken=" TOKEN);
	monitor_answers(c, "web", SVC_ACTION_MONITOR, 200, "");
	assert_status(c, 200);
	done(c);
}

static void
test_metrics(void **state)
{
	struct client *c;

	(void)state;
	snapshot_with_figures();
	c = api("GET", "/metrics", "", NULL);
	assert_status(c, 401);
	done(c);
	c = api("GET", "/metrics", AUTH_ADMIN, NULL);
	auth_answers(c, true, SID1, ROLE_READONLY);
	assert_status(c, 200);
	assert_has(c, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n");
	assert_has(c, "\nvigil_up 1\n");
	assert_has(c, "# TYPE vigil_service_ok gauge\n");
	assert_has(c, "\nvigil_service_ok{service=\"web<1>\\\"q\\\"\",type=\"process\"} 1\n");
	assert_has(c, "\nvigil_service_ok{service=\"site\",type=\"host\"} 0\n");
	assert_has(c, "\nvigil_service_failed_events{service=\"site\",type=\"host\"} 32\n");
	assert_has(c, "\nvigil_process_memory_bytes{service=\"web<1>\\\"q\\\"\",type=\"process\"} 2097152\n");
	assert_has(c, "\nvigil_process_cpu_ratio{service=\"web<1>\\\"q\\\"\",type=\"process\"} 0.125\n");
	assert_has(c, "\nvigil_service_restarts_total{service=\"web<1>\\\"q\\\"\",type=\"process\"} 2\n");
	assert_has(c, "\nvigil_system_load1{service=\"box\",type=\"system\"} 1.5\n");
	assert_has(c, "\nvigil_system_cpu_ratio{service=\"box\",mode=\"user\"} 0.123\n");
	assert_has(c, "vigil_web_logins_total{method=\"basic\",result=\"ok\"} 1\n");
	assert_has(c, "vigil_web_logins_total{method=\"bearer\",result=\"ok\"} 0\n");
	/* a process family lists processes only */
	assert_lacks(c, "vigil_process_pid{service=\"box\"");
	done(c);
	c = api("POST", "/metrics", AUTH_ADMIN, "a=b");
	assert_status(c, 405);
	done(c);
}

/* Host rules only (Monit's "allow localhost" alone): pages and API without
 * a login, the grant asked of auth once per address. */
static void
test_open_access(void **state)
{
	struct client *c;
	struct msg_login_result r;

	(void)state;
	snapshot_with_figures();
	c = get("/", false);
	assert_status(c, 200);
	assert_has(c, "name=\"password\"");	/* not open: the login page */
	done(c);
	w.snap.open_access = true;
	c = get("/", false);
	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	assert_string_equal(msg.body.login.user, "");
	assert_string_equal(msg.body.login.password, "");
	assert_string_equal(msg.body.login.client, "192.0.2.7");
	memset(&r, 0, sizeof(r));
	r.req = msg.body.login.req;
	r.ok = 1;
	strlcpy_v(r.sid, SID1, sizeof(r.sid));
	r.role = ROLE_READWRITE;
	strlcpy_v(r.user, "192.0.2.7", sizeof(r.user));
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
	assert_status(c, 200);
	assert_has(c, "Logged in as 192.0.2.7");
	assert_has(c, "<h2>Processes</h2>");
	done(c);
	/* again: the cached grant of this address */
	c = get("/service/box", false);
	assert_status(c, 200);
	done(c);
	c = api("GET", "/_status?format=xml", "", NULL);
	assert_status(c, 200);
	done(c);
	assert_int_equal(ipc_recv_wait(&tauth, &msg, 50), IPC_AGAIN);
}

int
main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_basic_parse),
		cmocka_unit_test(test_bearer_parse),
		cmocka_unit_test(test_basic_cache),
		cmocka_unit_test(test_escapers),
	};
	const struct CMUnitTest flow[] = {
		cmocka_unit_test_setup_teardown(test_api_basic_flow, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_api_bearer_flow, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_api_doaction, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_metrics, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_open_access, flow_setup, flow_teardown),
	};
	int rc = cmocka_run_group_tests_name("units", unit, NULL, NULL);

	return rc + cmocka_run_group_tests_name("flow", flow, NULL, NULL);
}
