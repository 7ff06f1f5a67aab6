/* vigil-auth's login orchestration with PAM and NSS replaced by stubs:
 * the whole login decision, revocation rechecks, open access, rate limits,
 * and random rules and logins (rules, groups and session ids:
 * test_auth.c; secrets: test_auth_secrets.c; real PAM: test_auth_pam.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "webui/auth/auth.h"
#include "auth_fixture.h"

/* ---- the whole login decision, PAM and NSS stubbed ---- */

static int pam_calls;
static int account_rc = PAM_SUCCESS;	/* what the account check says */
static bool groups_gone;		/* the user left every system group */
static const char *pam_user_ok = "sysuser";
static const char *pam_pass_ok = "syspass";

static int
stub_pam(const char *service, const char *user, const char *password,
    const char *rhost)
{
	pam_calls++;
	assert_non_null(rhost);
	assert_string_equal(service, "vigil-svc");
	return strcmp(user, pam_user_ok) == 0 && strcmp(password, pam_pass_ok) == 0 ?
	    PAM_SUCCESS : PAM_AUTH_ERR;
}

static size_t
stub_groups(const char *user, char buf[][MSG_NAME_LEN], const char **names, size_t max)
{
	(void)max;
	if (strcmp(user, pam_user_ok) != 0 || groups_gone)
		return 0;
	snprintf(buf[0], MSG_NAME_LEN, "users");
	snprintf(buf[1], MSG_NAME_LEN, "operators");
	names[0] = buf[0];
	names[1] = buf[1];
	return 2;
}

static int
stub_account(const char *service, const char *user, const char *rhost)
{
	assert_string_equal(service, "vigil-svc");
	assert_non_null(rhost);
	return strcmp(user, pam_user_ok) == 0 ? account_rc : PAM_USER_UNKNOWN;
}

static struct auth_ctx lctx;

static int
login_setup(void **state)
{
	(void)state;
	auth_ctx_init(&lctx);
	lctx.pam_check = stub_pam;
	lctx.system_groups = stub_groups;
	lctx.pam_account = stub_account;
	account_rc = PAM_SUCCESS;
	groups_gone = false;
	pam_calls = 0;
	return 0;
}

static int
login_teardown(void **state)
{
	(void)state;
	auth_ctx_free(&lctx);
	return 0;
}

static enum auth_verdict
try_login(const char *user, const char *password, const char *client, uint64_t now,
    struct auth_grant *g)
{
	struct msg_login m;

	memset(&m, 0, sizeof(m));
	snprintf(m.user, sizeof(m.user), "%s", user);
	snprintf(m.password, sizeof(m.password), "%s", password);
	snprintf(m.client, sizeof(m.client), "%s", client);
	return auth_login(&lctx, &m, now, g);
}

static enum auth_verdict
try_recheck(const char *user, struct auth_grant *g)
{
	struct msg_session_check m;

	memset(&m, 0, sizeof(m));
	snprintf(m.user, sizeof(m.user), "%s", user);
	snprintf(m.client, sizeof(m.client), "127.0.0.1");
	return auth_recheck(&lctx, &m, g);
}

/* Revocation: a session's user decided again without the password. */
static void
test_recheck(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READWRITE, NULL));
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "operators", SECRET_NONE, NULL,
	    ROLE_RESTART, "demo"));
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "leads", SECRET_NONE, NULL,
	    ROLE_READWRITE, NULL));
	/* set group leads users lead1 */
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP_MEMBER, "lead1", SECRET_NONE, "leads",
	    ROLE_READONLY, NULL));
	assert_int_equal(try_recheck("admin", &g), AUTH_NOT_READY);
	ready(&lctx.rules, "vigil-svc");
	assert_int_equal(try_recheck("admin", &g), AUTH_GRANTED);
	assert_int_equal(g.role, ROLE_READWRITE);
	assert_int_equal(try_recheck(pam_user_ok, &g), AUTH_GRANTED);
	assert_int_equal(g.role, ROLE_RESTART);
	assert_int_equal(g.nscope, 1);
	assert_string_equal(g.scope[0], "demo");
	/* locked or expired account */
	account_rc = PAM_ACCT_EXPIRED;
	assert_int_equal(try_recheck(pam_user_ok, &g), AUTH_DENIED);
	assert_int_equal(g.role, 0);
	account_rc = PAM_SUCCESS;
	/* out of the group */
	groups_gone = true;
	assert_int_equal(try_recheck(pam_user_ok, &g), AUTH_DENIED);
	groups_gone = false;
	/* an account that is gone */
	assert_int_equal(try_recheck("ghost", &g), AUTH_DENIED);
	assert_int_equal(try_recheck("", &g), AUTH_BAD_INPUT);
	assert_int_equal(pam_calls, 0);		/* no password was checked */
	auth_ctx_free(&lctx);
	login_setup(NULL);
	/* `set group leads` without lead1 (after a reload): lead1 is out. */
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "leads", SECRET_NONE, NULL,
	    ROLE_READWRITE, NULL));
	ready(&lctx.rules, "vigil-svc");
	account_rc = PAM_SUCCESS;
	pam_user_ok = "lead1";
	assert_int_equal(try_recheck("lead1", &g), AUTH_DENIED);
	pam_user_ok = "sysuser";
}

static void
test_login_not_ready(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READWRITE, NULL));
	assert_int_equal(try_login("admin", "pw", "1.2.3.4", 1000, &g), AUTH_NOT_READY);
	ready(&lctx.rules, "vigil-svc");
	assert_int_equal(try_login("admin", "pw", "1.2.3.4", 1000, &g), AUTH_GRANTED);
	assert_int_equal(g.role, ROLE_READWRITE);
}

/* "allow localhost" alone: the monitor says open_access and sends no rule;
 * an empty user and password is then a login named after the client.  Any
 * rule at all, or no open_access, and it is refused as before. */
static void
test_login_open_access(void **state)
{
	struct msg_auth_ready m;
	struct auth_grant g;
	const char *why = NULL;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.session_ttl_s = 3600;
	m.open_access = 1;
	assert_true(auth_rules_ready(&lctx.rules, &m, &why));
	assert_int_equal(try_login("", "", "127.0.0.1", 1000, &g), AUTH_GRANTED);
	assert_string_equal(g.user, "127.0.0.1");
	assert_int_equal(g.role, ROLE_READWRITE);
	assert_int_equal(g.nscope, 0);
	/* a user name still needs its password */
	assert_int_equal(try_login("admin", "", "127.0.0.1", 1000, &g), AUTH_BAD_INPUT);
	assert_int_equal(try_login("", "x", "127.0.0.2", 1000, &g), AUTH_BAD_INPUT);
	auth_ctx_free(&lctx);
	login_setup(NULL);
	/* with a user rule, open_access is not honoured */
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READWRITE, NULL));
	m.nrules = 1;
	assert_true(auth_rules_ready(&lctx.rules, &m, &why));
	assert_int_equal(try_login("", "", "127.0.0.3", 1000, &g), AUTH_BAD_INPUT);
	auth_ctx_free(&lctx);
	login_setup(NULL);
	/* without open_access, no login without a password */
	m.nrules = 0;
	m.open_access = 0;
	assert_true(auth_rules_ready(&lctx.rules, &m, &why));
	assert_int_equal(try_login("", "", "127.0.0.4", 1000, &g), AUTH_BAD_INPUT);
}

static void
test_login_user_rule_and_pam(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READONLY, "nginx"));
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "sysuser", SECRET_CLEARTEXT, "other",
	    ROLE_READWRITE, NULL));
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "operators", SECRET_NONE, NULL,
	    ROLE_RESTART, NULL));
	ready(&lctx.rules, "vigil-svc");

	assert_int_equal(try_login("admin", "pw", "1.1.1.1", 1000, &g), AUTH_GRANTED);
	assert_int_equal(g.role, ROLE_READONLY);
	assert_int_equal(g.nscope, 1);
	assert_string_equal(g.scope[0], "nginx");
	assert_int_equal(pam_calls, 0);
	/* A control-file user is authoritative: a wrong password is not
	 * retried through PAM. */
	assert_int_equal(try_login("admin", "syspass", "1.1.1.2", 1000, &g), AUTH_DENIED);
	assert_int_equal(pam_calls, 0);
	/* sysuser is a control-file user too: its PAM password does not count. */
	assert_int_equal(try_login("sysuser", "syspass", "1.1.1.3", 1000, &g), AUTH_DENIED);
	assert_int_equal(pam_calls, 0);
	assert_int_equal(g.nscope, 0);
	assert_string_equal(g.user, "");
}

static void
test_login_pam_groups(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "operators", SECRET_NONE, NULL,
	    ROLE_RESTART, "web"));
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "admins", SECRET_NONE, NULL,
	    ROLE_READWRITE, NULL));
	ready(&lctx.rules, "vigil-svc");
	assert_int_equal(try_login("sysuser", "syspass", "1.1.1.1", 1000, &g), AUTH_GRANTED);
	assert_int_equal(pam_calls, 1);
	assert_int_equal(g.role, ROLE_RESTART);
	assert_int_equal(g.nscope, 1);
	assert_string_equal(g.user, "sysuser");
	assert_int_equal(try_login("sysuser", "nope", "1.1.1.1", 1000, &g), AUTH_DENIED);
	assert_int_equal(try_login("ghost", "syspass", "1.1.1.1", 1000, &g), AUTH_DENIED);
}

static void
test_login_pam_but_no_matching_group(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_GROUP, "admins", SECRET_NONE, NULL,
	    ROLE_READWRITE, NULL));
	ready(&lctx.rules, "vigil-svc");
	/* PAM says yes, but no group rule matches: no login. */
	assert_int_equal(try_login("sysuser", "syspass", "1.1.1.1", 1000, &g), AUTH_DENIED);
	assert_int_equal(pam_calls, 1);
}

static void
test_login_no_pam_without_group_rules(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READWRITE, NULL));
	ready(&lctx.rules, "vigil-svc");
	assert_int_equal(try_login("sysuser", "syspass", "1.1.1.1", 1000, &g), AUTH_DENIED);
	assert_int_equal(pam_calls, 0);
}

static void
test_login_rate_limited(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READWRITE, NULL));
	ready(&lctx.rules, "vigil-svc");
	for (int i = 0; i < AUTH_RL_MAX_FAILS; i++)
		assert_int_equal(try_login("admin", "bad", "9.9.9.9", 1000, &g), AUTH_DENIED);
	/* Per client: even the right password is not checked now. */
	assert_int_equal(try_login("admin", "pw", "9.9.9.9", 1001, &g), AUTH_THROTTLED);
	/* Per user: from another address too. */
	assert_int_equal(try_login("admin", "pw", "8.8.8.8", 1001, &g), AUTH_THROTTLED);
	/* Another user from another address is unaffected. */
	assert_int_equal(try_login("other", "x", "7.7.7.7", 1001, &g), AUTH_DENIED);
	/* After the window, the right password works again. */
	assert_int_equal(try_login("admin", "pw", "9.9.9.9", 1000 + AUTH_RL_WINDOW_MS, &g),
	    AUTH_GRANTED);
}

static void
test_login_bad_input(void **state)
{
	struct auth_grant g;

	(void)state;
	add_ok(&lctx.rules, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "pw",
	    ROLE_READWRITE, NULL));
	ready(&lctx.rules, "vigil-svc");
	assert_int_equal(try_login("", "pw", "1.1.1.1", 1000, &g), AUTH_BAD_INPUT);
	assert_int_equal(try_login("admin", "", "1.1.1.2", 1000, &g), AUTH_BAD_INPUT);
	assert_int_equal(try_login("adm\nin", "pw", "1.1.1.3", 1000, &g), AUTH_BAD_INPUT);
	assert_int_equal(try_login("admin\x7f", "pw", "1.1.1.4", 1000, &g), AUTH_BAD_INPUT);
	assert_int_equal(pam_calls, 0);
}

/* Random rules and logins (as a compromised peer could send them after
 * decoding): nothing crashes, and a grant always comes from a rule. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void
rnd_str(char *dst, size_t size)
{
	static const char alphabet[] = "ab$\x01'\n:*@ ";
	size_t n = rnd() % 4 == 0 ? size - 1 : rnd() % 4;

	for (size_t i = 0; i < n; i++)
		dst[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
	dst[n] = '\0';
}

static void
test_random_rules_and_logins(void **state)
{
	static struct msg_auth_rule r;
	static struct msg_login m;
	struct auth_grant g;

	(void)state;
	for (int round = 0; round < 40; round++) {
		const char *why;

		login_setup(NULL);
		for (int i = 0; i < 30; i++) {
			memset(&r, 0, sizeof(r));
			r.kind = (uint8_t)(rnd() % 5);
			rnd_str(r.name, sizeof(r.name));
			r.secret_type = (uint8_t)(rnd() % 5);
			rnd_str(r.secret, sizeof(r.secret));
			r.role = (uint8_t)(rnd() % 4);
			r.nscope = (uint16_t)(rnd() % 3);
			for (unsigned k = 0; k < r.nscope; k++)
				rnd_str(r.scope[k], sizeof(r.scope[k]));
			why = NULL;
			if (!auth_rules_add(&lctx.rules, &r, &why))
				assert_non_null(why);
		}
		ready(&lctx.rules, "vigil-svc");
		for (int i = 0; i < 30; i++) {
			memset(&m, 0, sizeof(m));
			rnd_str(m.user, sizeof(m.user));
			rnd_str(m.password, sizeof(m.password));
			rnd_str(m.client, sizeof(m.client));
			if (auth_login(&lctx, &m, 1000 + (uint64_t)i, &g) == AUTH_GRANTED) {
				const struct msg_auth_rule *u =
				    auth_rules_find_user(&lctx.rules, m.user);

				assert_true(g.role <= ROLE_MAX);
				assert_string_equal(g.user, m.user);
				/* Only control-file users can pass: the PAM stub
				 * knows "sysuser" alone. */
				assert_non_null(u);
			}
		}
		login_teardown(NULL);
	}
}

int
main(void)
{
	const struct CMUnitTest logins[] = {
		cmocka_unit_test_setup_teardown(test_login_not_ready, login_setup, login_teardown),
		cmocka_unit_test_setup_teardown(test_recheck, login_setup, login_teardown),
		cmocka_unit_test_setup_teardown(test_login_open_access, login_setup,
		    login_teardown),
		cmocka_unit_test_setup_teardown(test_login_user_rule_and_pam, login_setup,
		    login_teardown),
		cmocka_unit_test_setup_teardown(test_login_pam_groups, login_setup, login_teardown),
		cmocka_unit_test_setup_teardown(test_login_pam_but_no_matching_group, login_setup,
		    login_teardown),
		cmocka_unit_test_setup_teardown(test_login_no_pam_without_group_rules, login_setup,
		    login_teardown),
		cmocka_unit_test_setup_teardown(test_login_rate_limited, login_setup,
		    login_teardown),
		cmocka_unit_test_setup_teardown(test_login_bad_input, login_setup, login_teardown),
		cmocka_unit_test(test_random_rules_and_logins),
	};

	log_init("test_auth_login", 0);
	return cmocka_run_group_tests_name("auth logins", logins, NULL, NULL);
}
