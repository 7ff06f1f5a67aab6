/* vigil-auth against real PAM and NSS (run as root, as CI does): a local
 * user is created for the test with useradd + chpasswd, a PAM service
 * file with common-auth + common-account is written, and both are removed
 * afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <security/pam_appl.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "webui/auth/auth.h"
#include "tests/unit/test_auth_user.h"

static struct test_user tu;

static int
setup(void **state)
{
	(void)state;
	log_init("test_auth_pam", 0);
	return test_user_create(&tu);
}

static int
teardown(void **state)
{
	(void)state;
	test_user_remove(&tu);
	return 0;
}

static void
test_pam_good_password(void **state)
{
	(void)state;
	assert_int_equal(auth_pam_check(tu.service, tu.name, tu.password, "127.0.0.1"),
	    PAM_SUCCESS);
}

static void
test_pam_bad_passwords(void **state)
{
	char almost[sizeof(tu.password) + 1];

	(void)state;
	assert_int_equal(auth_pam_check(tu.service, tu.name, "wrong", "127.0.0.1"), PAM_AUTH_ERR);
	snprintf(almost, sizeof(almost), "%s", tu.password);
	almost[strlen(almost) - 1] = '?';
	assert_int_equal(auth_pam_check(tu.service, tu.name, almost, "127.0.0.1"), PAM_AUTH_ERR);
	assert_int_not_equal(auth_pam_check(tu.service, tu.name, "", "127.0.0.1"), PAM_SUCCESS);
}

static void
test_pam_unknown_user(void **state)
{
	(void)state;
	assert_int_not_equal(auth_pam_check(tu.service, "vigiltest_nosuchuser",
	    tu.password, "127.0.0.1"), PAM_SUCCESS);
}

static void
test_pam_no_failure_delay(void **state)
{
	struct timespec a, b;
	long ms;

	(void)state;
	/* pam_unix asks for a 2 s delay after a failure; auth replaces it. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(auth_pam_check(tu.service, tu.name, "wrong", "127.0.0.1"), PAM_AUTH_ERR);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms < 1000);
}

/* Revocation: the account check without a password sees a locked
 * password (usermod -L), an expired account (usermod -e) and a removed
 * user. */
static void
test_pam_account(void **state)
{
	char cmd[128];

	(void)state;
	assert_int_equal(auth_pam_account(tu.service, tu.name, "127.0.0.1"), PAM_SUCCESS);
	snprintf(cmd, sizeof(cmd), "usermod -L %s", tu.name);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(auth_pam_account(tu.service, tu.name, "127.0.0.1"), PAM_SUCCESS);
	snprintf(cmd, sizeof(cmd), "usermod -U %s", tu.name);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(auth_pam_account(tu.service, tu.name, "127.0.0.1"), PAM_SUCCESS);
	snprintf(cmd, sizeof(cmd), "usermod -e 1 %s", tu.name);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(auth_pam_account(tu.service, tu.name, "127.0.0.1"), PAM_SUCCESS);
	snprintf(cmd, sizeof(cmd), "usermod -e '' %s", tu.name);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(auth_pam_account(tu.service, tu.name, "127.0.0.1"), PAM_SUCCESS);
	assert_int_not_equal(auth_pam_account(tu.service, "vigiltest_nosuchuser", ""),
	    PAM_SUCCESS);
}

static void
test_system_groups(void **state)
{
	char buf[AUTH_GROUPS_MAX][MSG_NAME_LEN];
	const char *names[AUTH_GROUPS_MAX];
	size_t n;
	bool own = false;

	(void)state;
	n = auth_system_groups(tu.name, buf, names, AUTH_GROUPS_MAX);
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], tu.name) == 0)
			own = true;
	assert_true(own);	/* useradd's user private group */
	assert_int_equal(auth_system_groups("vigiltest_nosuchuser", buf, names,
	    AUTH_GROUPS_MAX), 0);
	/* root is in group root */
	n = auth_system_groups("root", buf, names, AUTH_GROUPS_MAX);
	assert_true(n >= 1);
	assert_string_equal(names[0], "root");
}

/* The whole decision with the real PAM and NSS: a group rule for the test
 * user's group grants its role. */
static void
test_login_real_user(void **state)
{
	struct auth_ctx ctx;
	struct msg_auth_rule r;
	struct msg_auth_ready rd;
	struct msg_login m;
	struct auth_grant g;
	const char *why = NULL;

	(void)state;
	auth_ctx_init(&ctx);
	memset(&r, 0, sizeof(r));
	r.kind = AUTH_RULE_GROUP;
	snprintf(r.name, sizeof(r.name), "%s", tu.name);
	r.role = ROLE_RESTART;
	assert_true(auth_rules_add(&ctx.rules, &r, &why));
	memset(&rd, 0, sizeof(rd));
	rd.nrules = 1;
	snprintf(rd.pam_service, sizeof(rd.pam_service), "%s", tu.service);
	assert_true(auth_rules_ready(&ctx.rules, &rd, &why));

	memset(&m, 0, sizeof(m));
	snprintf(m.user, sizeof(m.user), "%s", tu.name);
	snprintf(m.password, sizeof(m.password), "%s", tu.password);
	snprintf(m.client, sizeof(m.client), "127.0.0.1");
	assert_int_equal(auth_login(&ctx, &m, 1000, &g), AUTH_GRANTED);
	assert_int_equal(g.role, ROLE_RESTART);
	assert_string_equal(g.user, tu.name);
	snprintf(m.password, sizeof(m.password), "bad");
	assert_int_equal(auth_login(&ctx, &m, 1000, &g), AUTH_DENIED);
	auth_ctx_free(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pam_good_password),
		cmocka_unit_test(test_pam_bad_passwords),
		cmocka_unit_test(test_pam_unknown_user),
		cmocka_unit_test(test_pam_no_failure_delay),
		cmocka_unit_test(test_pam_account),
		cmocka_unit_test(test_system_groups),
		cmocka_unit_test(test_login_real_user),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
