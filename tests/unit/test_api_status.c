/* GET /api/status: `vigil status --json` from the snapshot's service
 * objects (the monitor's bytes, checked at END), the CLI's document around
 * them, Basic or session credentials, a scoped user's services only; and
 * json_object_valid(), the check of those bytes.  Also the other per-service
 * messages of a snapshot: graph points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/ipc.h"
#include "common/util.h"
#include "common/version.h"
#include "webui/json_check.h"
#include "webui/webui.h"
#include "webui_fixture.h"

#define AUTH_ADMIN	"Authorization: Basic YWRtaW46cHc=\r\n"		/* admin:pw */
static const char SID1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char *const NAMES[] = { "alpha", "bravo<&>", "charlie" };

static void
json_valid(const char *s, bool want)
{
	if (json_object_valid(s, strlen(s)) != want)
		fail_msg("json_object_valid(%s) is not %s", s, want ? "true" : "false");
}

static void
test_json_object_valid(void **state)
{
	(void)state;
	json_valid("{}", true);
	json_valid(" {\"a\":1,\"b\":[1,-2.5e3,true,false,null,\"x\\u00e9\\n\"],\"c\":{}} ", true);
	json_valid("{\"name\":\"caf\xc3\xa9\"}", true);
	json_valid("", false);
	json_valid("[]", false);			/* an object, not any value */
	json_valid("\"x\"", false);
	json_valid("{\"a\":1", false);
	json_valid("{\"a\":1}}", false);		/* an object ends early */
	json_valid("{\"a\":1},{\"b\":2}", false);
	json_valid("{\"a\":1,}", false);
	json_valid("{\"a\" 1}", false);
	json_valid("{a:1}", false);
	json_valid("{\"a\":\"x\ny\"}", false);		/* raw control byte */
	json_valid("{\"a\":\"\\x\"}", false);
	json_valid("{\"a\":\"\\u12\"}", false);
	json_valid("{\"a\":01}", false);
	json_valid("{\"a\":1.}", false);
	json_valid("{\"a\":-}", false);
	json_valid("{\"a\":tru}", false);
	json_valid("{\"a\":\"x}", false);
	json_valid("{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}", false);	/* too deep */
	json_valid("{\"a\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}", true);
}

/* BEGIN, three services each with its object (the second in two parts), END */
static void
snapshot3(uint32_t gen)
{
	static struct msg_snapshot_service s;
	static struct msg_snapshot_json j;
	struct msg_snapshot_begin b;
	struct msg_snapshot_end e;

	memset(&b, 0, sizeof(b));
	b.gen = gen;
	b.count = 3;
	b.time = 1800000000;
	b.uptime_s = 125;
	b.poll_s = 30;
	strlcpy_v(b.host, "box", sizeof(b.host));
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_BEGIN, &b, -1), 0);
	for (uint32_t i = 0; i < 3; i++) {
		memset(&s, 0, sizeof(s));
		s.gen = gen;
		s.index = i;
		strlcpy_v(s.name, NAMES[i], sizeof(s.name));
		strlcpy_v(s.type, "process", sizeof(s.type));
		strlcpy_v(s.status, "OK", sizeof(s.status));
		strlcpy_v(s.monitor, "Monitored", sizeof(s.monitor));
		assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_SERVICE, &s, -1), 0);
		fixture_service_json(&j, gen, i, NAMES[i]);
		if (i == 1) {
			char whole[sizeof(j.part)];

			strlcpy_v(whole, j.part, sizeof(whole));
			j.part[5] = '\0';
			assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_JSON, &j, -1), 0);
			strlcpy_v(j.part, whole + 5, sizeof(j.part));
		}
		assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_JSON, &j, -1), 0);
	}
	memset(&e, 0, sizeof(e));
	e.gen = gen;
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_END, &e, -1), 0);
	pump(&w.monitor);
}

static struct client *
api_get(const char *target, const char *headers)
{
	static char raw[1024];

	snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n%s\r\n", target, headers);
	return request(raw);
}

/* auth grants the Basic credentials c waits on, with this scope */
static void
grant(struct client *c, uint8_t role, uint16_t nscope, const char *const *scope)
{
	struct msg_login_result r;

	assert_int_equal(c->state, CL_WAITING);
	expect(&tauth, MSG_LOGIN);
	memset(&r, 0, sizeof(r));
	r.req = msg.body.login.req;
	r.ok = true;
	strlcpy_v(r.sid, SID1, sizeof(r.sid));
	strlcpy_v(r.user, "admin", sizeof(r.user));
	r.role = role;
	r.nscope = nscope;
	for (uint16_t i = 0; i < nscope; i++)
		strlcpy_v(r.scope[i], scope[i], sizeof(r.scope[i]));
	assert_int_equal(ipc_send(&tauth, MSG_LOGIN_RESULT, &r, -1), 0);
	pump(&w.auth);
}

static const char *
body_of(struct client *c)
{
	const char *b = strstr(c->out.data, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

static void
test_api_status_document(void **state)
{
	struct client *c;
	char want[512];

	(void)state;
	/* before the first snapshot: no document to give */
	c = api_get("/api/status", AUTH_ADMIN);
	grant(c, ROLE_READONLY, 0, NULL);
	assert_status(c, 503);
	assert_has(c, "Content-Type: application/json\r\n");
	done(c);

	snapshot3(4);
	assert_true(w.snap.valid);
	c = api_get("/api/status", "");
	assert_status(c, 401);
	assert_has(c, "\r\nWWW-Authenticate: Basic realm=\"vigil\"");
	done(c);
	c = request("POST /api/status HTTP/1.1\r\nHost: t\r\n" AUTH_ADMIN
	    "Content-Length: 0\r\n\r\n");
	assert_status(c, 405);
	done(c);

	c = api_get("/api/status", AUTH_ADMIN);
	assert_status(c, 200);
	assert_has(c, "\r\nContent-Type: application/json\r\n");
	assert_has(c, "\r\nCache-Control: no-store\r\n");
	assert_has(c, "\r\nX-Content-Type-Options: nosniff\r\n");
	snprintf(want, sizeof(want), "{\"vigil\":{\"version\":\"%s\",\"hostname\":\"box\","
	    "\"uptime_s\":", VIGIL_VERSION);
	assert_memory_equal(body_of(c), want, strlen(want));
	assert_has(c, ",\"poll_s\":30},\"services\":[{\"name\":\"alpha\",\"type\":\"process\","
	    "\"n\":0},{\"name\":\"bravo\\u003c\\u0026\\u003e\",\"type\":\"process\",\"n\":1},"
	    "{\"name\":\"charlie\",\"type\":\"process\",\"n\":2}]}\n");
	assert_lacks(c, "<");
	done(c);

	/* one service, as `vigil status --json NAME` */
	c = api_get("/api/status?service=charlie", AUTH_ADMIN);
	assert_status(c, 200);
	assert_has(c, "\"services\":[{\"name\":\"charlie\",\"type\":\"process\",\"n\":2}]}\n");
	done(c);
	c = api_get("/api/status?service=nosuch", AUTH_ADMIN);
	assert_status(c, 404);
	assert_has(c, "{\"error\":");
	done(c);
	c = api_get("/api/status?service", AUTH_ADMIN);
	assert_status(c, 400);
	done(c);
}

static void
test_api_status_scope(void **state)
{
	static const char *const scope[] = { "charlie", "alpha" };
	struct client *c;

	(void)state;
	snapshot3(5);
	c = api_get("/api/status", AUTH_ADMIN);
	grant(c, ROLE_RESTART, 2, scope);
	assert_status(c, 200);
	assert_has(c, "\"services\":[{\"name\":\"alpha\",\"type\":\"process\",\"n\":0},"
	    "{\"name\":\"charlie\",\"type\":\"process\",\"n\":2}]}\n");
	assert_lacks(c, "bravo");
	done(c);
	/* a service outside the scope is not there for this user */
	c = api_get("/api/status?service=bravo%3C%26%3E", AUTH_ADMIN);
	assert_status(c, 404);
	assert_lacks(c, "bravo");
	done(c);
}

/* The JSON object of the service just sent (gen, index 0), in one part. */
static void
accepted_json(uint32_t gen, const char *const *part)
{
	static struct msg_snapshot_json j;

	memset(&j, 0, sizeof(j));
	j.gen = gen;
	strlcpy_v(j.part, part[0], sizeof(j.part));
	snapshot_on_json(&w, &j);
}

/* One service whose object came as these parts: does the generation
 * replace the one shown? */
static bool
accepted(uint32_t gen, const char *const *parts, size_t nparts, uint32_t json_index)
{
	static struct msg_snapshot_service s;
	static struct msg_snapshot_json j;
	struct msg_snapshot_begin b;
	struct msg_snapshot_end e;

	memset(&b, 0, sizeof(b));
	b.gen = gen;
	b.count = 1;
	snapshot_on_begin(&w, &b);
	memset(&s, 0, sizeof(s));
	s.gen = gen;
	strlcpy_v(s.name, "one", sizeof(s.name));
	snapshot_on_service(&w, &s);
	for (size_t i = 0; i < nparts; i++) {
		memset(&j, 0, sizeof(j));
		j.gen = gen;
		j.index = json_index;
		strlcpy_v(j.part, parts[i], sizeof(j.part));
		snapshot_on_json(&w, &j);
	}
	memset(&e, 0, sizeof(e));
	e.gen = gen;
	snapshot_on_end(&w, &e);
	return w.snap.valid && w.snap.gen == gen;
}

static void
test_snapshot_json_checked(void **state)
{
	static const char *const good[] = { "{\"name\":", "\"one\"}" };
	static const char *const cut[] = { "{\"name\":\"one\"" };
	static const char *const two[] = { "{\"name\":\"one\"},", "{\"name\":\"x\"}" };
	static const char *const ctl[] = { "{\"name\":\"o\x01ne\"}" };
	static const char *const big[] = { "{\"a\":\"" };
	static char chunk[MSG_TEXT_LEN];
	const char *many[MSG_SVC_JSON_MAX / (MSG_TEXT_LEN - 1) + 2];

	(void)state;
	assert_true(accepted(10, good, 2, 0));
	assert_string_equal(w.snap.svc[0].json, "{\"name\":\"one\"}");
	assert_false(accepted(11, good, 0, 0));		/* no object */
	assert_false(accepted(12, cut, 1, 0));
	assert_false(accepted(13, two, 2, 0));		/* two objects: a key of its own */
	assert_false(accepted(14, ctl, 1, 0));
	assert_false(accepted(15, good, 2, 1));		/* not the service just sent */
	assert_int_equal(w.snap.gen, 10);
	/* past MSG_SVC_JSON_MAX: refused, whatever follows */
	memset(chunk, 'a', sizeof(chunk) - 1);
	many[0] = big[0];
	for (size_t i = 1; i < ARRAY_SIZE(many); i++)
		many[i] = chunk;
	assert_false(accepted(16, many, ARRAY_SIZE(many), 0));
	assert_int_equal(w.snap.gen, 10);
	assert_true(accepted(17, good, 2, 0));
}

/* Graph points: only for the service just sent, of this generation, at
 * most a ring's worth; they reach the service's ring at END. */
static void
test_snapshot_points_checked(void **state)
{
	static const char *const good[] = { "{\"name\":\"one\"}" };
	struct msg_snapshot_begin b;
	static struct msg_snapshot_service s;
	struct msg_snapshot_point p;
	struct msg_snapshot_end e;
	const struct svc_hist *h;

	(void)state;
	for (int round = 0; round < 4; round++) {
		uint32_t gen = 30 + (uint32_t)round;
		uint32_t npoints = round == 3 ? MSG_GRAPH_POINTS + 1 : 2;

		memset(&b, 0, sizeof(b));
		b.gen = gen;
		b.count = 1;
		snapshot_on_begin(&w, &b);
		memset(&s, 0, sizeof(s));
		s.gen = gen;
		s.fig.type_code = MSG_SVC_HOST;
		strlcpy_v(s.name, "site", sizeof(s.name));
		snapshot_on_service(&w, &s);
		accepted_json(gen, good);
		for (uint32_t k = 0; k < npoints; k++) {
			memset(&p, 0, sizeof(p));
			p.gen = round == 1 ? gen + 1 : gen;	/* 1: another generation */
			p.index = round == 2 ? 1 : 0;		/* 2: another service */
			p.t = 1000 + k;
			p.v[0] = 2000 * (k + 1);		/* us */
			snapshot_on_point(&w, &p);
		}
		memset(&e, 0, sizeof(e));
		e.gen = gen;
		snapshot_on_end(&w, &e);
		assert_int_equal(w.snap.gen, 30);	/* only round 0 is whole */
	}
	h = history_find(&w.history, "site");
	assert_non_null(h);
	assert_int_equal(h->n, 2);
	assert_true(h->p[1].v[0] > 3.99f && h->p[1].v[0] < 4.01f);	/* ms */
}

int
main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_json_object_valid),
	};
	const struct CMUnitTest flow[] = {
		cmocka_unit_test_setup_teardown(test_api_status_document, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_api_status_scope, flow_setup, flow_teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_json_checked, flow_setup,
		    flow_teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_points_checked, flow_setup,
		    flow_teardown),
	};
	int rc = cmocka_run_group_tests_name("units", unit, NULL, NULL);

	return rc + cmocka_run_group_tests_name("flow", flow, NULL, NULL);
}
