/* vigil-auth's decisions without PAM: rules, groups and roles, rate
 * limits, session ids, the pending table, the seccomp table (the login
 * orchestration with PAM and NSS stubbed: test_auth_login.c; secrets:
 * test_auth_secrets.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "policy/policy.h"
#include "webui/auth/auth.h"
#include "auth_fixture.h"

/* ---- rule validation: garbage from the monitor is refused ---- */

static void
test_rules_refuse_garbage(void **state)
{
	struct auth_rules rs;
	struct msg_auth_rule *r;
	const char *why;

	(void)state;
	auth_rules_init(&rs);
	why = NULL;
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "", SECRET_CLEARTEXT, "x",
	    ROLE_READONLY, NULL), &why));
	assert_non_null(why);
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "a", SECRET_NONE, "x",
	    ROLE_READONLY, NULL), &why));
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "a", SECRET_CLEARTEXT, "",
	    ROLE_READONLY, NULL), &why));
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "a", 9, "x",
	    ROLE_READONLY, NULL), &why));
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_GROUP, "g", SECRET_CLEARTEXT, "x",
	    ROLE_READONLY, NULL), &why));
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_GROUP_MEMBER, "u", SECRET_NONE, "",
	    ROLE_READONLY, NULL), &why));
	r = rule(AUTH_RULE_GROUP, "g", SECRET_NONE, NULL, ROLE_READONLY, NULL);
	r->role = 7;
	assert_false(auth_rules_add(&rs, r, &why));
	r = rule(AUTH_RULE_GROUP, "g", SECRET_NONE, NULL, ROLE_READONLY, "a");
	r->scope[0][0] = '\0';
	assert_false(auth_rules_add(&rs, r, &why));
	r = rule(AUTH_RULE_GROUP, "g", SECRET_NONE, NULL, ROLE_READONLY, NULL);
	r->kind = 3;
	assert_false(auth_rules_add(&rs, r, &why));
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "a", SECRET_MD5,
	    "$2b$05$abcdefghijklmnopqrstuv", ROLE_READONLY, NULL), &why));
	assert_non_null(strstr(why, "md5"));
	/* Duplicates: the first wins, the second is refused. */
	add_ok(&rs, rule(AUTH_RULE_USER, "a", SECRET_CLEARTEXT, "x", ROLE_READONLY, NULL));
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "a", SECRET_CLEARTEXT, "y",
	    ROLE_READWRITE, NULL), &why));
	assert_int_equal(rs.n, 1);
	/* Every message counts towards AUTH_READY's total, refused or not. */
	assert_int_equal(rs.nreceived, 12);
	ready(&rs, "");
	assert_false(auth_rules_add(&rs, rule(AUTH_RULE_USER, "b", SECRET_CLEARTEXT, "x",
	    ROLE_READONLY, NULL), &why));
	auth_rules_free(&rs);
}

static void
test_ready_checks(void **state)
{
	struct auth_rules rs;
	struct msg_auth_ready m;
	const char *why = NULL;

	(void)state;
	auth_rules_init(&rs);
	add_ok(&rs, rule(AUTH_RULE_USER, "a", SECRET_CLEARTEXT, "x", ROLE_READONLY, NULL));
	memset(&m, 0, sizeof(m));
	m.nrules = 2;	/* one was sent */
	assert_false(auth_rules_ready(&rs, &m, &why));
	m.nrules = 1;
	m.session_ttl_s = AUTH_TTL_MAX_S + 1;
	assert_false(auth_rules_ready(&rs, &m, &why));
	m.session_ttl_s = 0;
	snprintf(m.pam_service, sizeof(m.pam_service), "login");
	assert_true(auth_rules_ready(&rs, &m, &why));
	assert_int_equal(rs.ttl_s, AUTH_DEFAULT_TTL_S);
	/* No group rule: PAM could grant nothing, so it is not used. */
	assert_string_equal(rs.pam_service, "");
	assert_false(auth_rules_ready(&rs, &m, &why));	/* twice */
	auth_rules_free(&rs);

	auth_rules_init(&rs);
	add_ok(&rs, rule(AUTH_RULE_GROUP, "g", SECRET_NONE, NULL, ROLE_READONLY, NULL));
	m.nrules = 1;
	m.pam_service[0] = '\0';
	assert_true(auth_rules_ready(&rs, &m, &why));
	assert_string_equal(rs.pam_service, AUTH_DEFAULT_PAM);
	auth_rules_free(&rs);
}

/* ---- groups and roles ---- */

static struct auth_rules grs;

static void
group_rules(void)
{
	auth_rules_init(&grs);
	add_ok(&grs, rule(AUTH_RULE_GROUP, "viewers", SECRET_NONE, NULL, ROLE_READONLY, NULL));
	add_ok(&grs, rule(AUTH_RULE_GROUP, "operators", SECRET_NONE, NULL, ROLE_RESTART, NULL));
	add_ok(&grs, rule(AUTH_RULE_GROUP, "admins", SECRET_NONE, NULL, ROLE_READWRITE, NULL));
	add_ok(&grs, rule(AUTH_RULE_GROUP, "webteam", SECRET_NONE, NULL, ROLE_RESTART,
	    "nginx,apache"));
	add_ok(&grs, rule(AUTH_RULE_GROUP, "dbteam", SECRET_NONE, NULL, ROLE_RESTART,
	    "mysql,apache"));
	add_ok(&grs, rule(AUTH_RULE_GROUP, "dbview", SECRET_NONE, NULL, ROLE_READONLY,
	    "postgresql"));
	/* set group admins users ops-lead ; set group operators users op1 */
	add_ok(&grs, rule(AUTH_RULE_GROUP_MEMBER, "ops-lead", SECRET_NONE, "admins",
	    ROLE_READONLY, NULL));
	add_ok(&grs, rule(AUTH_RULE_GROUP_MEMBER, "op1", SECRET_NONE, "operators",
	    ROLE_READONLY, NULL));
	ready(&grs, "vigil");
}

static int
groups_setup(void **state)
{
	(void)state;
	group_rules();
	return 0;
}

static int
groups_teardown(void **state)
{
	(void)state;
	auth_rules_free(&grs);
	return 0;
}

static void
test_group_single(void **state)
{
	const char *g1[] = { "users", "viewers" };
	struct auth_grant g;

	(void)state;
	assert_true(auth_grant_from_groups(&grs, "alice", g1, 2, &g));
	assert_int_equal(g.role, ROLE_READONLY);
	assert_int_equal(g.nscope, 0);
	assert_string_equal(g.user, "alice");
}

static void
test_group_best_role_wins(void **state)
{
	const char *gs[] = { "viewers", "admins", "operators" };
	struct auth_grant g;

	(void)state;
	assert_true(auth_grant_from_groups(&grs, "bob", gs, 3, &g));
	assert_int_equal(g.role, ROLE_READWRITE);
	assert_int_equal(g.nscope, 0);
}

static void
test_group_scope_union(void **state)
{
	const char *gs[] = { "webteam", "dbteam", "dbview" };
	struct auth_grant g;

	(void)state;
	assert_true(auth_grant_from_groups(&grs, "carol", gs, 3, &g));
	assert_int_equal(g.role, ROLE_RESTART);
	/* Union of the restart rules, once each; dbview's readonly scope is
	 * not carried over to restart. */
	assert_int_equal(g.nscope, 3);
	assert_string_equal(g.scope[0], "nginx");
	assert_string_equal(g.scope[1], "apache");
	assert_string_equal(g.scope[2], "mysql");
}

static void
test_group_unscoped_rule_means_all(void **state)
{
	const char *gs[] = { "webteam", "operators" };
	struct auth_grant g;

	(void)state;
	assert_true(auth_grant_from_groups(&grs, "dave", gs, 2, &g));
	assert_int_equal(g.role, ROLE_RESTART);
	assert_int_equal(g.nscope, 0);
}

static void
test_group_set_group_members(void **state)
{
	const char *none[] = { "users" };
	struct auth_grant g;

	(void)state;
	/* ops-lead is in no system group with a rule, but in `set group admins`. */
	assert_true(auth_grant_from_groups(&grs, "ops-lead", none, 1, &g));
	assert_int_equal(g.role, ROLE_READWRITE);
	assert_true(auth_grant_from_groups(&grs, "op1", NULL, 0, &g));
	assert_int_equal(g.role, ROLE_RESTART);
	/* Membership is by exact user name. */
	assert_false(auth_grant_from_groups(&grs, "op", NULL, 0, &g));
	assert_false(auth_grant_from_groups(&grs, "op1x", NULL, 0, &g));
}

static void
test_group_no_rule_fails(void **state)
{
	const char *gs[] = { "users", "audio", "admin" /* not "admins" */ };
	struct auth_grant g;

	(void)state;
	assert_false(auth_grant_from_groups(&grs, "eve", gs, 3, &g));
	assert_false(auth_grant_from_groups(&grs, "eve", NULL, 0, &g));
	/* A GROUP_MEMBER rule's name is a user, never a group. */
	{
		const char *trick[] = { "op1" };

		assert_false(auth_grant_from_groups(&grs, "mallory", trick, 1, &g));
	}
}

static void
test_group_scope_overflow_fails_closed(void **state)
{
	struct auth_rules rs;
	struct msg_auth_rule *r;
	const char *gs[] = { "a", "b" };
	struct auth_grant g;

	(void)state;
	auth_rules_init(&rs);
	for (int k = 0; k < 2; k++) {
		r = rule(AUTH_RULE_GROUP, gs[k], SECRET_NONE, NULL, ROLE_RESTART, NULL);
		r->nscope = MSG_SCOPE_MAX;
		for (int i = 0; i < MSG_SCOPE_MAX; i++)
			snprintf(r->scope[i], MSG_SCOPE_LEN, "svc%d_%d", k, i);
		add_ok(&rs, r);
	}
	ready(&rs, "vigil");
	assert_true(auth_grant_from_groups(&rs, "u", gs, 2, &g));
	assert_int_equal(g.nscope, MSG_SCOPE_MAX);	/* never 0 = all */
	auth_rules_free(&rs);
}

/* ---- rate limiting ---- */

static void
test_ratelimit(void **state)
{
	static struct auth_ratelimit rl;
	uint64_t t = 1000000;

	(void)state;
	auth_rl_init(&rl);
	for (int i = 0; i < AUTH_RL_MAX_FAILS - 1; i++) {
		auth_rl_fail(&rl, "10.0.0.1", t);
		assert_false(auth_rl_blocked(&rl, "10.0.0.1", t));
	}
	auth_rl_fail(&rl, "10.0.0.1", t + 10);
	assert_true(auth_rl_blocked(&rl, "10.0.0.1", t + 20));
	assert_false(auth_rl_blocked(&rl, "10.0.0.2", t + 20));
	assert_true(auth_rl_blocked(&rl, "10.0.0.1", t + AUTH_RL_WINDOW_MS - 1));
	assert_false(auth_rl_blocked(&rl, "10.0.0.1", t + AUTH_RL_WINDOW_MS));
	/* A new window starts counting from one. */
	auth_rl_fail(&rl, "10.0.0.1", t + AUTH_RL_WINDOW_MS);
	assert_false(auth_rl_blocked(&rl, "10.0.0.1", t + AUTH_RL_WINDOW_MS + 1));
	/* Table full of other keys: still bounded, still working. */
	for (int i = 0; i < 3 * AUTH_RL_SLOTS; i++) {
		char key[32];

		snprintf(key, sizeof(key), "k%d", i);
		auth_rl_fail(&rl, key, t + 2 * AUTH_RL_WINDOW_MS);
	}
	for (int i = 0; i < AUTH_RL_MAX_FAILS; i++)
		auth_rl_fail(&rl, "victim", t + 2 * AUTH_RL_WINDOW_MS);
	assert_true(auth_rl_blocked(&rl, "victim", t + 2 * AUTH_RL_WINDOW_MS));
}

/* ---- session ids and the pending table ---- */

static void
test_sid_format(void **state)
{
	char a[MSG_SID_LEN], b[MSG_SID_LEN];

	(void)state;
	assert_true(auth_sid_new(a));
	assert_true(auth_sid_new(b));
	assert_int_equal(strlen(a), 64);
	assert_true(auth_sid_valid(a));
	assert_string_not_equal(a, b);
	for (int i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_false(auth_sid_valid("abc"));
	a[10] = 'A';
	assert_false(auth_sid_valid(a));
	a[10] = 'g';
	assert_false(auth_sid_valid(a));
}

static void
test_pending_table(void **state)
{
	static struct auth_pending_table t;
	struct auth_pending *p;
	char sid[MSG_SID_LEN];

	(void)state;
	auth_pending_init(&t);
	for (int i = 0; i < AUTH_PENDING_MAX; i++) {
		assert_true(auth_sid_new(sid));
		assert_non_null(auth_pending_add(&t, (uint32_t)i, sid, "u", ROLE_READONLY,
		    1000));
	}
	assert_null(auth_pending_add(&t, 99, sid, "u", ROLE_READONLY, 1000));	/* bounded */
	p = auth_pending_find(&t, sid);
	assert_non_null(p);
	assert_int_equal(p->req, AUTH_PENDING_MAX - 1);
	auth_pending_remove(p);
	assert_null(auth_pending_find(&t, sid));
	assert_null(auth_pending_find(&t, ""));
	assert_null(auth_pending_expired(&t, 1000 + AUTH_PENDING_TIMEOUT_MS - 1));
	assert_non_null(auth_pending_expired(&t, 1000 + AUTH_PENDING_TIMEOUT_MS));
	assert_non_null(auth_pending_add(&t, 100, "x", "u", ROLE_READONLY, 2000));
}

static void
test_delay_queue(void **state)
{
	static struct auth_delay_queue q;
	uint32_t req;

	(void)state;
	auth_delay_init(&q);
	assert_int_equal(auth_delay_next(&q), 0);
	assert_false(auth_delay_pop(&q, 5000, &req));
	assert_true(auth_delay_add(&q, 2, 3000));
	assert_true(auth_delay_add(&q, 1, 2000));
	assert_int_equal(auth_delay_next(&q), 2000);
	assert_false(auth_delay_pop(&q, 1999, &req));	/* not before it is due */
	assert_true(auth_delay_pop(&q, 5000, &req));
	assert_int_equal(req, 1);			/* oldest first */
	assert_true(auth_delay_pop(&q, 5000, &req));
	assert_int_equal(req, 2);
	assert_false(auth_delay_pop(&q, 5000, &req));
	for (int i = 0; i < AUTH_DELAYED_MAX; i++)
		assert_true(auth_delay_add(&q, (uint32_t)i, 1000));
	assert_false(auth_delay_add(&q, 9999, 1000));	/* bounded */
}

/* The policy is data: sorted by name, a reason for every entry, and the
 * things auth must never do are not in it. */
static void
test_seccomp_policy_table(void **state)
{
	const struct seccomp_policy *p = &seccomp_policy_auth;
	static const char *const never[] = {
		"execve", "execveat", "ptrace", "setuid", "setgid", "setresuid",
		"setresgid", "setgroups", "socket", "connect", "bind", "listen",
		"accept", "accept4", "sendto", "fork", "vfork", "clone", "clone3",
		"mount", "chroot", "unshare", "setns", "process_vm_writev", "kill",
	};

	(void)state;
	assert_true(p->nallow > 0);
	for (size_t i = 0; i < p->nallow; i++) {
		assert_non_null(p->allow[i].why);
		assert_true(strlen(p->allow[i].why) > 5);
		if (i > 0 && strcmp(p->allow[i - 1].name, p->allow[i].name) > 0)
			fail_msg("seccomp_auth: %s listed after %s", p->allow[i].name,
			    p->allow[i - 1].name);
		for (size_t k = 0; k < sizeof(never) / sizeof(never[0]); k++)
			if (strcmp(p->allow[i].name, never[k]) == 0)
				fail_msg("seccomp_auth allows %s", never[k]);
	}
	/* socket() fails softly, with the errno libpam takes for "no audit". */
	assert_int_equal(p->ndeny, 1);
	assert_string_equal(p->deny[0].name, "socket");
	assert_int_equal(p->deny[0].err, EAFNOSUPPORT);
}

int
main(void)
{
	const struct CMUnitTest basic[] = {
		cmocka_unit_test(test_rules_refuse_garbage),
		cmocka_unit_test(test_ready_checks),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_sid_format),
		cmocka_unit_test(test_pending_table),
		cmocka_unit_test(test_delay_queue),
		cmocka_unit_test(test_seccomp_policy_table),
		cmocka_unit_test(test_group_scope_overflow_fails_closed),
	};
	const struct CMUnitTest groups[] = {
		cmocka_unit_test(test_group_single),
		cmocka_unit_test(test_group_best_role_wins),
		cmocka_unit_test(test_group_scope_union),
		cmocka_unit_test(test_group_unscoped_rule_means_all),
		cmocka_unit_test(test_group_set_group_members),
		cmocka_unit_test(test_group_no_rule_fails),
	};
	int rc = 0;

	log_init("test_auth", 0);
	rc |= cmocka_run_group_tests_name("auth basics", basic, NULL, NULL);
	rc |= cmocka_run_group_tests_name("auth groups", groups, groups_setup, groups_teardown);
	return rc;
}
