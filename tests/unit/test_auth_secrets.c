/* vigil-auth's secrets: constant-time comparison, control-file users with
 * cleartext, crypt(3) and apr1 passwords, MD5 (RFC 1321) and apr1 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/auth/auth.h"
#include "auth_fixture.h"

/* ---- constant-time compare ---- */

static void
test_ct_compare(void **state)
{
	(void)state;
	assert_true(auth_ct_equal("abcd", "abcd", 4));
	assert_false(auth_ct_equal("abcd", "abce", 4));
	assert_false(auth_ct_equal("xbcd", "abcd", 4));
	assert_true(auth_ct_streq("secret", "secret"));
	assert_false(auth_ct_streq("secret", "secret2"));	/* prefix */
	assert_false(auth_ct_streq("secret2", "secret"));
	assert_false(auth_ct_streq("", "x"));
	assert_true(auth_ct_streq("", ""));
	assert_false(auth_ct_streq("Secret", "secret"));
}

/* ---- control-file user secrets ---- */

static void
test_user_cleartext(void **state)
{
	struct auth_rules rs;
	const struct msg_auth_rule *r;

	(void)state;
	auth_rules_init(&rs);
	add_ok(&rs, rule(AUTH_RULE_USER, "admin", SECRET_CLEARTEXT, "monit", ROLE_READWRITE, NULL));
	r = auth_rules_find_user(&rs, "admin");
	assert_non_null(r);
	assert_null(auth_rules_find_user(&rs, "Admin"));
	assert_true(auth_secret_verify(r, "monit"));
	assert_false(auth_secret_verify(r, "Monit"));
	assert_false(auth_secret_verify(r, "monit "));
	assert_false(auth_secret_verify(r, "moni"));
	assert_false(auth_secret_verify(r, ""));
	auth_rules_free(&rs);
}

static void
test_user_crypt_hashes(void **state)
{
	static const char *const prefixes[] = { "$y$", "$2b$", "$6$", "$5$", "$1$" };
	struct auth_rules rs;

	(void)state;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const struct msg_auth_rule *r;
		char name[16];

		auth_rules_init(&rs);
		snprintf(name, sizeof(name), "u%zu", i);
		add_ok(&rs, rule(AUTH_RULE_USER, name,
		    strcmp(prefixes[i], "$1$") == 0 ? SECRET_MD5 : SECRET_CRYPT,
		    make_hash(prefixes[i], "correct horse"), ROLE_READONLY, NULL));
		r = auth_rules_find_user(&rs, name);
		assert_non_null(r);
		if (!auth_secret_verify(r, "correct horse"))
			fail_msg("%s hash: good password refused", prefixes[i]);
		if (auth_secret_verify(r, "correct horsE"))
			fail_msg("%s hash: bad password accepted", prefixes[i]);
		assert_false(auth_secret_verify(r, ""));
		auth_rules_free(&rs);
	}
	/* htpasswd -d (DES) and -B ($2y$) hashes, as the monitor forwards them. */
	auth_rules_init(&rs);
	add_ok(&rs, rule(AUTH_RULE_USER, "des", SECRET_CRYPT, "abJnggxhB/yWI", ROLE_READONLY,
	    NULL));
	add_ok(&rs, rule(AUTH_RULE_USER, "b2y", SECRET_CRYPT,
	    "$2y$05$abcdefghijklmnopqrstuuWG29KuyeAicPCJODk1zjyGvyQUU2awu", ROLE_READONLY, NULL));
	assert_true(auth_secret_verify(auth_rules_find_user(&rs, "des"), "password"));
	assert_false(auth_secret_verify(auth_rules_find_user(&rs, "des"), "passwort"));
	assert_true(auth_secret_verify(auth_rules_find_user(&rs, "b2y"), "password"));
	assert_false(auth_secret_verify(auth_rules_find_user(&rs, "b2y"), "passwor"));
	auth_rules_free(&rs);
	/* A broken hash never matches (crypt fails with "*0"). */
	auth_rules_init(&rs);
	add_ok(&rs, rule(AUTH_RULE_USER, "b", SECRET_CRYPT, "*0", ROLE_READONLY, NULL));
	assert_false(auth_secret_verify(auth_rules_find_user(&rs, "b"), "*0"));
	assert_false(auth_secret_verify(auth_rules_find_user(&rs, "b"), "x"));
	auth_rules_free(&rs);
}

/* ---- MD5 and apr1 (htpasswd -m) ---- */

static void
test_md5_rfc1321(void **state)
{
	static const struct { const char *in, *hex; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234567890"
		  "1234567890", "57edf4a22be3c955ac49da2e2107b67a" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t d[16];
		char hex[33];

		auth_md5(v[i].in, strlen(v[i].in), d);
		for (int k = 0; k < 16; k++)
			sprintf(hex + 2 * k, "%02x", d[k]);
		assert_string_equal(hex, v[i].hex);
	}
}

static void
test_apr1_vectors(void **state)
{
	/* From `openssl passwd -apr1 -salt S PASSWORD`. */
	static const struct { const char *pw, *hash; } v[] = {
		{ "password", "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1" },
		{ "", "$apr1$x$tMwYqBfQwi3FYAr0aJc8M/" },
		{ "a much longer password that spans several md5 blocks for sure....",
		  "$apr1$Zz9./$gA7lqFwXhLVg4sPEVrKi11" },
	};
	char out[128];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(auth_md5crypt(v[i].pw, v[i].hash, out, sizeof(out)));
		assert_string_equal(out, v[i].hash);
	}
	/* "$1$" is the same algorithm: agree with openssl and libcrypt. */
	assert_true(auth_md5crypt("pw", "$1$saltsalt$", out, sizeof(out)));
	assert_string_equal(out, "$1$saltsalt$6SNdNaZLKst2LlSm7oPPL1");
	{
		const char *h = make_hash("$1$", "libcrypt agrees");

		assert_true(auth_md5crypt("libcrypt agrees", h, out, sizeof(out)));
		assert_string_equal(out, h);
	}
	assert_false(auth_md5crypt("pw", "$2b$xx", out, sizeof(out)));
	assert_false(auth_md5crypt("pw", "$apr1$abcdefgh$", out, 20));	/* too short */
}

static void
test_user_apr1(void **state)
{
	struct auth_rules rs;
	const struct msg_auth_rule *r;

	(void)state;
	auth_rules_init(&rs);
	add_ok(&rs, rule(AUTH_RULE_USER, "web", SECRET_MD5,
	    "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1", ROLE_RESTART, NULL));
	add_ok(&rs, rule(AUTH_RULE_USER, "web2", SECRET_CRYPT,
	    "$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1", ROLE_RESTART, NULL));
	r = auth_rules_find_user(&rs, "web");
	assert_true(auth_secret_verify(r, "password"));
	assert_false(auth_secret_verify(r, "Password"));
	assert_false(auth_secret_verify(r, "password1"));
	r = auth_rules_find_user(&rs, "web2");
	assert_true(auth_secret_verify(r, "password"));
	assert_false(auth_secret_verify(r, "passwor"));
	auth_rules_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_compare),
		cmocka_unit_test(test_user_cleartext),
		cmocka_unit_test(test_user_crypt_hashes),
		cmocka_unit_test(test_md5_rfc1321),
		cmocka_unit_test(test_apr1_vectors),
		cmocka_unit_test(test_user_apr1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
