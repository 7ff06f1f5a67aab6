/* Sessions: the monitor accepts a web action only for a granted, unexpired
 * session whose role and scope allow it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "monitor/core/core.h"

#define NOW 1800000000ull

static struct session_table table;

static void
make_sid(char *sid, unsigned n)
{
	for (int i = 0; i < 64; i++)
		sid[i] = "0123456789abcdef"[(n + (unsigned)i * 7u) % 16u];
	snprintf(sid + 56, 9, "%08x", n);
}

static struct msg_session_grant
grant_of(unsigned n, const char *user, enum web_role role)
{
	struct msg_session_grant g;

	memset(&g, 0, sizeof(g));
	make_sid(g.sid, n);
	strcpy(g.user, user);
	g.role = (uint8_t)role;
	g.expiry = NOW + 3600;
	return g;
}

static int
allow(unsigned n, const char *svc, enum svc_action a)
{
	char sid[MSG_SID_LEN], user[MSG_USER_LEN], why[256];

	make_sid(sid, n);
	return grant_authorize(&table, sid, svc, a, NOW, user, sizeof(user),
	    why, sizeof(why));
}

static int
teardown(void **st)
{
	(void)st;
	grant_table_clear(&table);
	return 0;
}

static void
test_grant_and_authorize(void **st)
{
	struct msg_session_grant g = grant_of(1, "alice", ROLE_READWRITE);
	char why[256], user[MSG_USER_LEN];

	(void)st;
	assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	assert_int_equal(grant_authorize(&table, g.sid, "nginx", SVC_ACTION_STOP,
	    NOW, user, sizeof(user), why, sizeof(why)), 0);
	assert_string_equal(user, "alice");
}

static void
test_duplicate_rejected(void **st)
{
	struct msg_session_grant g = grant_of(2, "alice", ROLE_READONLY);
	struct msg_session_grant g2 = grant_of(2, "mallory", ROLE_READWRITE);
	char why[256];

	(void)st;
	assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	assert_false(grant_add(&table, &g2, NOW, why, sizeof(why)));
	assert_string_equal(why, "duplicate session id");
	/* The first grant stands: still read-only. */
	assert_int_equal(allow(2, "nginx", SVC_ACTION_RESTART), 403);
}

static void
test_bad_sid_rejected(void **st)
{
	const char *bad[] = {
		"",
		"abc",
		/* 63 digits */
		"000000000000000000000000000000000000000000000000000000000000000",
		/* upper case */
		"000000000000000000000000000000000000000000000000000000000000000A",
		/* not hex */
		"000000000000000000000000000000000000000000000000000000000000000g",
	};
	char why[256];

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct msg_session_grant g = grant_of(3, "alice", ROLE_READWRITE);

		strcpy(g.sid, bad[i]);
		assert_false(grant_add(&table, &g, NOW, why, sizeof(why)));
		assert_false(grant_sid_valid(bad[i]));
	}
	assert_true(grant_sid_valid(
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
}

static void
test_expiry(void **st)
{
	struct msg_session_grant g = grant_of(4, "bob", ROLE_READWRITE);
	char why[256], user[MSG_USER_LEN];

	(void)st;
	g.expiry = NOW;		/* not in the future */
	assert_false(grant_add(&table, &g, NOW, why, sizeof(why)));
	g.expiry = NOW - 10;
	assert_false(grant_add(&table, &g, NOW, why, sizeof(why)));
	g.expiry = NOW + 10;
	assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	assert_int_equal(grant_authorize(&table, g.sid, "x", SVC_ACTION_START,
	    NOW + 9, user, sizeof(user), why, sizeof(why)), 0);
	assert_int_equal(grant_authorize(&table, g.sid, "x", SVC_ACTION_START,
	    NOW + 10, user, sizeof(user), why, sizeof(why)), 403);
	assert_string_equal(why, "session expired");
	assert_string_equal(user, "bob");
	/* Gone for good. */
	assert_int_equal(grant_authorize(&table, g.sid, "x", SVC_ACTION_START,
	    NOW, user, sizeof(user), why, sizeof(why)), 403);
	assert_string_equal(why, "no such session");
}

static void
test_role_matrix(void **st)
{
	/* [role][action]: START STOP RESTART MONITOR UNMONITOR */
	static const int want[3][5] = {
		[ROLE_READONLY]  = { 403, 403, 403, 403, 403 },
		[ROLE_RESTART]   = { 403, 403, 0, 0, 403 },
		[ROLE_READWRITE] = { 0, 0, 0, 0, 0 },
	};
	char why[256];

	(void)st;
	for (unsigned r = 0; r <= ROLE_MAX; r++) {
		struct msg_session_grant g = grant_of(10 + r, "u", (enum web_role)r);

		assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
		for (unsigned a = 0; a <= SVC_ACTION_MAX; a++) {
			assert_int_equal(allow(10 + r, "svc", (enum svc_action)a), want[r][a]);
			assert_int_equal(grant_role_allows((enum web_role)r,
			    (enum svc_action)a), want[r][a] == 0);
		}
	}
}

static void
test_scope(void **st)
{
	struct msg_session_grant g = grant_of(20, "web", ROLE_READWRITE);
	char why[256];

	(void)st;
	g.nscope = 2;
	strcpy(g.scope[0], "nginx");
	strcpy(g.scope[1], "apache");
	assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	assert_int_equal(allow(20, "nginx", SVC_ACTION_STOP), 0);
	assert_int_equal(allow(20, "apache", SVC_ACTION_RESTART), 0);
	assert_int_equal(allow(20, "sshd", SVC_ACTION_RESTART), 403);
	assert_int_equal(allow(20, "nginx2", SVC_ACTION_RESTART), 403);
	assert_int_equal(allow(20, "ngin", SVC_ACTION_RESTART), 403);
}

static void
test_unknown_sid(void **st)
{
	struct msg_session_grant g = grant_of(30, "alice", ROLE_READWRITE);
	char why[256];

	(void)st;
	assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	assert_int_equal(allow(31, "nginx", SVC_ACTION_START), 403);
	assert_int_equal(grant_authorize(&table, "", "nginx", SVC_ACTION_START,
	    NOW, g.user, sizeof(g.user), why, sizeof(why)), 403);
}

static void
test_logout(void **st)
{
	struct msg_session_grant g = grant_of(40, "alice", ROLE_READWRITE);
	char why[256];

	(void)st;
	assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	assert_int_equal(allow(40, "x", SVC_ACTION_START), 0);
	assert_true(grant_revoke(&table, g.sid));
	assert_false(grant_revoke(&table, g.sid));
	assert_int_equal(allow(40, "x", SVC_ACTION_START), 403);
}

static void
test_table_bounded(void **st)
{
	char why[256];
	unsigned i;

	(void)st;
	/* 256 users fill the table; the next login ends the oldest session
	 * instead of being refused */
	for (i = 0; i < SESSION_MAX; i++) {
		char user[16];
		struct msg_session_grant g;

		snprintf(user, sizeof(user), "u%u", i);
		g = grant_of(100 + i, user, ROLE_READONLY);
		assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	}
	assert_int_equal(grant_expire(&table, NOW), SESSION_MAX);
	{
		struct msg_session_grant g = grant_of(100 + i, "admin", ROLE_READWRITE);

		assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
		assert_int_equal(grant_expire(&table, NOW), SESSION_MAX);
		assert_int_equal(allow(100, "x", SVC_ACTION_START), 403);	/* the oldest */
		assert_int_equal(allow(101, "x", SVC_ACTION_START), 403);	/* read-only */
		assert_int_equal(allow(100 + i, "x", SVC_ACTION_START), 0);
		/* Once the others have expired they are gone. */
		g = grant_of(100 + i + 1, "admin", ROLE_READWRITE);
		g.expiry = NOW + 7200;
		assert_true(grant_add(&table, &g, NOW + 3600, why, sizeof(why)));
		assert_int_equal(grant_expire(&table, NOW + 3600), 1);
	}
}

/* ~255 logins of one read-only user used to fill the table and lock
 * everybody else out for an hour; now a user keeps its newest
 * SESSION_PER_USER sessions. */
static void
test_per_user_cap(void **st)
{
	char why[256];
	unsigned i;

	(void)st;
	for (i = 0; i < 300; i++) {
		struct msg_session_grant g = grant_of(1000 + i, "guest", ROLE_READONLY);

		assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
	}
	assert_int_equal(grant_expire(&table, NOW), SESSION_PER_USER);
	{
		struct msg_session_grant g = grant_of(5000, "admin", ROLE_READWRITE);
		char user[MSG_USER_LEN];

		assert_true(grant_add(&table, &g, NOW, why, sizeof(why)));
		assert_int_equal(grant_authorize(&table, g.sid, "x", SVC_ACTION_RESTART, NOW,
		    user, sizeof(user), why, sizeof(why)), 0);
	}
	/* the newest of guest's are the ones kept */
	assert_int_equal(allow(1000 + 299, "x", SVC_ACTION_START), 403);
	{
		char sid[MSG_SID_LEN], user[MSG_USER_LEN];

		make_sid(sid, 1000 + 299);
		grant_authorize(&table, sid, "x", SVC_ACTION_START, NOW, user, sizeof(user),
		    why, sizeof(why));
		assert_string_not_equal(why, "no such session");
		make_sid(sid, 1000);
		grant_authorize(&table, sid, "x", SVC_ACTION_START, NOW, user, sizeof(user),
		    why, sizeof(why));
		assert_string_equal(why, "no such session");
	}
}

/* ---- over real channels: webpeer.c ---- */

static struct config wcf;
static struct monitor wm;
static struct core wcore;

static enum ipc_result
recv_pumped(struct ipc_channel *ch, struct ipc_msg *in)
{
	for (int i = 0; i < 100; i++) {
		enum ipc_result r;

		ev_run_once(wm.ev, 10);
		r = ipc_recv(ch, in);
		if (r != IPC_AGAIN)
			return r;
	}
	return IPC_AGAIN;
}

static void
test_web_channels(void **st)
{
	static struct ipc_msg in;
	static struct msg_session_grant g;
	struct httpd_allow admin = { 0 }, grp = { 0 };
	char *members[] = { "carol", "dave" };
	struct user_group ug = { 0 };
	struct ipc_channel auth, web;
	struct msg_action_request rq;
	int pa[2], pw[2];

	(void)st;
	admin.kind = ALLOW_USER;
	admin.name = "admin";
	admin.secret = "s3cret";
	admin.secret_type = SECRET_CLEARTEXT;
	admin.role = ROLE_READWRITE;
	admin.next = &grp;
	grp.kind = ALLOW_GROUP;
	grp.name = "@ops";
	grp.role = ROLE_RESTART;
	ug.name = "ops";
	ug.users = members;
	ug.nusers = 2;
	wcf.httpd.enabled = true;
	wcf.httpd.allow = &admin;
	wcf.user_groups = &ug;
	wcf.poll_s = 30;
	wcf.statefile = "/tmp/vigil-test-session.state";
	wm.cf = &wcf;
	wm.ev = ev_new();
	core_init(&wcore, &wm);
	wm.engine = engine_new(&wm);

	/* auth: HELLO, the rules, AUTH_READY */
	assert_int_equal(ipc_socketpair(pa), 0);
	webpeer_channel(&wcore, PROC_AUTH, pa[0]);
	ipc_channel_init(&auth, pa[1], PROC_AUTH, PROC_MONITOR);
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_HELLO);
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_AUTH_RULE);
	assert_int_equal(in.body.auth_rule.kind, AUTH_RULE_USER);
	assert_string_equal(in.body.auth_rule.name, "admin");
	assert_string_equal(in.body.auth_rule.secret, "s3cret");
	assert_int_equal(in.body.auth_rule.role, ROLE_READWRITE);
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.body.auth_rule.kind, AUTH_RULE_GROUP);
	assert_string_equal(in.body.auth_rule.name, "ops");
	assert_int_equal(in.body.auth_rule.role, ROLE_RESTART);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
		assert_int_equal(in.body.auth_rule.kind, AUTH_RULE_GROUP_MEMBER);
		assert_string_equal(in.body.auth_rule.name, members[i]);
		assert_string_equal(in.body.auth_rule.secret, "ops");
	}
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_AUTH_READY);
	assert_int_equal(in.body.auth_ready.nrules, 4);
	assert_string_equal(in.body.auth_ready.pam_service, "vigil");

	/* a grant is acknowledged; a duplicate is not */
	ipc_send_hello(&auth);
	g = grant_of(50, "alice", ROLE_READONLY);
	g.expiry = (uint64_t)time(NULL) + 600;
	assert_int_equal(ipc_send(&auth, MSG_SESSION_GRANT, &g, -1), 0);
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_SESSION_ACK);
	assert_int_equal(in.body.session_ack.ok, 1);
	assert_string_equal(in.body.session_ack.sid, g.sid);
	assert_int_equal(ipc_send(&auth, MSG_SESSION_GRANT, &g, -1), 0);
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.body.session_ack.ok, 0);

	/* webui: HELLO then a snapshot */
	assert_int_equal(ipc_socketpair(pw), 0);
	webpeer_channel(&wcore, PROC_WEBUI, pw[0]);
	ipc_channel_init(&web, pw[1], PROC_WEBUI, PROC_MONITOR);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_HELLO);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_SNAPSHOT_BEGIN);
	{
		uint32_t gen = in.body.snapshot_begin.gen, count = in.body.snapshot_begin.count;

		for (uint32_t i = 0; i < count; i++) {
			assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
			assert_int_equal(in.type, MSG_SNAPSHOT_SERVICE);
		}
		assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
		assert_int_equal(in.type, MSG_SNAPSHOT_END);
		assert_int_equal(in.body.snapshot_end.gen, gen);
	}
	/* a change pushes a new snapshot, debounced */
	monitor_changed(&wm);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_SNAPSHOT_BEGIN);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	while (in.type == MSG_SNAPSHOT_SERVICE)
		assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_SNAPSHOT_END);

	/* actions: read-only session refused; unknown session refused */
	ipc_send_hello(&web);
	memset(&rq, 0, sizeof(rq));
	rq.req = 7;
	memcpy(rq.sid, g.sid, sizeof(rq.sid));
	strcpy(rq.service, "nosuch");
	rq.action = SVC_ACTION_RESTART;
	assert_int_equal(ipc_send(&web, MSG_ACTION_REQUEST, &rq, -1), 0);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_ACTION_RESULT);
	assert_int_equal(in.body.action_result.req, 7);
	assert_int_equal(in.body.action_result.code, 403);
	rq.req = 8;
	rq.sid[0] = rq.sid[0] == 'a' ? 'b' : 'a';
	assert_int_equal(ipc_send(&web, MSG_ACTION_REQUEST, &rq, -1), 0);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.body.action_result.code, 403);
	/* a read-write session reaches the engine: unknown service, 404 */
	g = grant_of(51, "root", ROLE_READWRITE);
	g.expiry = (uint64_t)time(NULL) + 600;
	assert_int_equal(ipc_send(&auth, MSG_SESSION_GRANT, &g, -1), 0);
	assert_int_equal(recv_pumped(&auth, &in), IPC_MSG);
	assert_int_equal(in.body.session_ack.ok, 1);
	rq.req = 9;
	memcpy(rq.sid, g.sid, sizeof(rq.sid));
	assert_int_equal(ipc_send(&web, MSG_ACTION_REQUEST, &rq, -1), 0);
	assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
	assert_int_equal(in.body.action_result.code, 404);
	/* logout revokes */
	{
		struct msg_logout lo;

		memcpy(lo.sid, g.sid, sizeof(lo.sid));
		assert_int_equal(ipc_send(&web, MSG_LOGOUT, &lo, -1), 0);
		rq.req = 10;
		assert_int_equal(ipc_send(&web, MSG_ACTION_REQUEST, &rq, -1), 0);
		assert_int_equal(recv_pumped(&web, &in), IPC_MSG);
		assert_int_equal(in.body.action_result.code, 403);
	}
	/* webui may not grant sessions: a violation closes its channel */
	assert_int_equal(ipc_send(&web, MSG_SESSION_GRANT, &g, -1), 0);
	assert_int_equal(recv_pumped(&web, &in), IPC_CLOSED);
	assert_false(wcore.webui.open);
	assert_true(wcore.auth.open);
	/* garbage on auth's channel closes that one too */
	assert_int_equal(send(auth.fd, "junk", 4, 0), 4);
	assert_int_equal(recv_pumped(&auth, &in), IPC_CLOSED);
	assert_false(wcore.auth.open);
	ipc_channel_close(&auth);
	ipc_channel_close(&web);
	webpeer_close_all(&wcore);
	unlink("/tmp/vigil-test-session.state");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_grant_and_authorize, teardown),
		cmocka_unit_test_teardown(test_duplicate_rejected, teardown),
		cmocka_unit_test_teardown(test_bad_sid_rejected, teardown),
		cmocka_unit_test_teardown(test_expiry, teardown),
		cmocka_unit_test_teardown(test_role_matrix, teardown),
		cmocka_unit_test_teardown(test_scope, teardown),
		cmocka_unit_test_teardown(test_unknown_sid, teardown),
		cmocka_unit_test_teardown(test_logout, teardown),
		cmocka_unit_test_teardown(test_table_bounded, teardown),
		cmocka_unit_test_teardown(test_per_user_cap, teardown),
		cmocka_unit_test(test_web_channels),
	};

	log_init("test_session", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
