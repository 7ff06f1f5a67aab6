/* TLS options of connection tests (monitor/config/config_ssl.c): `set ssl`
 * for every test, a test's own `ssl { ... }` over it, Monit's default of
 * no verification said by `vigil -t`, and the values -t refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "parse_fixture.h"
#include "monitor/config/config_ssl.h"

#define HOST "check host x address 127.0.0.1\n"

static struct config *cf;

static const struct connection *
first_conn(const char *rc)
{
	if (cf)
		config_free(cf);
	cf = parse(rc);
	if (cf == NULL)
		fail_msg("parse: %s", errtext ? errtext : "?");
	return cf->services->tests->conn;
}

static void
test_policy_global_then_test(void **state)
{
	struct ssl_policy p;
	const struct connection *c;

	(void)state;
	/* Monit's default: no verification */
	c = first_conn(HOST "  if failed port 443 protocol https then alert\n");
	ssl_policy_of(cf, c, &p);
	assert_false(p.verify);
	assert_true(ssl_conn_uses_tls(c));
	/* set ssl reaches every test */
	c = first_conn("set ssl { verify: enable, cacertificatefile: /dev/null }\n"
	    HOST "  if failed port 443 protocol https then alert\n");
	ssl_policy_of(cf, c, &p);
	assert_true(p.verify);
	assert_false(p.selfsigned);
	assert_string_equal(p.cafile, "/dev/null");
	/* a test's own options win (the manual's example2.com) */
	c = first_conn("set ssl options { verify: enable }\n"
	    HOST "  if failed port 443 protocol https with ssl options {verify: disable} "
	    "then alert\n");
	ssl_policy_of(cf, c, &p);
	assert_false(p.verify);
	c = first_conn("set ssl options { verify: enable }\n"
	    HOST "  if failed port 443 protocol https with ssl options {selfsigned: allow} "
	    "then alert\n");
	ssl_policy_of(cf, c, &p);
	assert_true(p.verify);
	assert_true(p.selfsigned);
	/* mysqls upgrades in the protocol */
	c = first_conn(HOST "  if failed port 3306 protocol mysqls then alert\n");
	assert_true(ssl_conn_uses_tls(c));
	/* plain TCP and UDP are not TLS */
	c = first_conn(HOST "  if failed port 80 protocol http then alert\n");
	assert_false(ssl_conn_uses_tls(c));
}

static void
test_t_refuses_bad_values(void **state)
{
	(void)state;
	assert_null(parse(HOST "  if failed port 443 protocol https ssl { verify: maybe } "
	    "then alert\n"));
	assert_non_null(strstr(errtext, "verify: 'maybe' (expected enable or disable)"));
	assert_null(parse("set ssl { selfsigned: perhaps }\n"));
	assert_non_null(strstr(errtext, "selfsigned: 'perhaps' (expected allow or reject)"));
	assert_null(parse(HOST "  if failed port 443 protocol https ssl { verify: enable, "
	    "cacertificatefile: /no/such/ca.pem } then alert\n"));
	assert_non_null(strstr(errtext, "cacertificatefile /no/such/ca.pem does not exist"));
	assert_null(parse("set ssl { cacertificatefile: /etc }\n"));
	assert_non_null(strstr(errtext, "is a directory (use cacertificatepath)"));
	assert_null(parse("set ssl { cacertificatepath: /dev/null }\n"));
	assert_non_null(strstr(errtext, "not a directory (use cacertificatefile)"));
	/* accepted, with a warning: what no connection test reads */
	cf = parse(HOST "  if failed port 443 protocol https ssl { verify: enable, "
	    "clientpemfile: /dev/null, frobnicate: yes } then alert\n");
	assert_non_null(cf);
	assert_non_null(strstr(errtext, "'clientpemfile' is ignored by connection tests"));
	assert_non_null(strstr(errtext, "unknown option 'frobnicate'"));
	assert_null(strstr(errtext, "not applied yet"));
}

static char *notes;

static void
parse_with_notes(const char *text)
{
	struct parse_opts o = { 0 };
	size_t len;
	int nerr = 0;

	free(notes);
	notes = NULL;
	o.notes = true;
	o.errout = open_memstream(&notes, &len);
	if (cf)
		config_free(cf);
	cf = config_parse_string(text, "rc", &o, &nerr);
	fclose(o.errout);
	assert_non_null(cf);
	assert_int_equal(nerr, 0);
}

static void
test_t_says_certificates_are_not_verified(void **state)
{
	(void)state;
	parse_with_notes(HOST "  if failed port 80 protocol http then alert\n"
	    "  if failed port 443 protocol https then alert\n"
	    "  if failed port 993 protocol imaps then alert\n");
	/* once, at the first TLS test */
	assert_non_null(strstr(notes, "rc:3:"));
	assert_non_null(strstr(notes, "is not verified, as in Monit"));
	assert_null(strstr(strstr(notes, "is not verified") + 1, "is not verified"));
	parse_with_notes("set ssl { verify: enable }\n"
	    HOST "  if failed port 443 protocol https then alert\n");
	assert_true(notes == NULL || strstr(notes, "is not verified") == NULL);
	parse_with_notes(HOST "  if failed port 443 protocol https ssl { verify: enable } "
	    "then alert\n");
	assert_true(notes == NULL || strstr(notes, "is not verified") == NULL);
	parse_with_notes(HOST "  if failed port 443 protocol https certmd5 "
	    "00112233445566778899aabbccddeeff then alert\n");
	assert_true(notes == NULL || strstr(notes, "is not verified") == NULL);
}

static int
teardown(void **state)
{
	(void)state;
	config_free(cf);
	cf = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_policy_global_then_test, teardown),
		cmocka_unit_test_teardown(test_t_refuses_bad_values, teardown),
		cmocka_unit_test_teardown(test_t_says_certificates_are_not_verified, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
