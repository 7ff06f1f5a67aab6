/* Errors: exact messages, positions, recovery (every error reported),
 * semantic checks, file ownership and permissions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"
#define PARSE_NAME "monitrc"
#include "tests/unit/parse_fixture.h"


static void
expect_errors(const char *text, const char *expected, int n)
{
	struct config *cf = parse(text);

	if (strcmp(errtext, expected) != 0)
		print_message("got:\n%s", errtext);
	assert_null(cf);
	assert_string_equal(errtext, expected);
	assert_int_equal(nerrors, n);
}

static void
test_unknown_action(void **state)
{
	(void)state;
	expect_errors("check process a with pidfile /run/a.pid\n"
	    "  if failed port 80 then restrat\n",
	    "monitrc:2:26: error: unknown action 'restrat' (expected alert, restart, start, stop, "
	    "exec, unmonitor)\n", 1);
}

static void
test_every_error_is_reported(void **state)
{
	(void)state;
	expect_errors(
	    "set daemon abc\n"					/* 1 */
	    "check process a with pidfile /run/a.pid\n"		/* 2 */
	    "  start program = \"bin/a\"\n"			/* 3 */
	    "  if failed port 99999 then restart\n"		/* 4 */
	    "  if failed port 80 then restrat\n"		/* 5 */
	    "  if cpu > 50% then alert\n"			/* 6: fine */
	    "check file f with path rel/path\n"			/* 7 */
	    "check host h with address x\n"			/* 8 */
	    "  if failed port 22 protocol foo then alert\n",	/* 9 */
	    "monitrc:1:12: error: unexpected 'abc' (expected a poll interval in seconds after 'set daemon')\n"
	    "monitrc:3:19: error: start program 'bin/a' must be an absolute path (starting with /)\n"
	    "monitrc:4:18: error: '99999' out of range (expected a port number in 1..65535)\n"
	    "monitrc:5:26: error: unknown action 'restrat' (expected alert, restart, start, stop, exec, unmonitor)\n"
	    "monitrc:7:24: error: path 'rel/path' must be an absolute path\n"
	    "monitrc:9:30: error: unknown protocol 'foo' (expected one of http, https, smtp, smtps, "
	    "ftp, imap, imaps, pop, pops, ssh, mysql, pgsql, redis, memcache, dns, ntp3, ldap2, ldap3, "
	    "sip, radius, rsync, clamav, nntp, tns, websocket, mongodb, mqtt, lmtp, sieve, spamassassin, "
	    "apache-status, postfix-policy, fail2ban, dwp, gps, rdate, generic, default)\n", 6);
}

static void
test_missing_then(void **state)
{
	(void)state;
	expect_errors("check process a with pidfile /run/a.pid\n"
	    "  if failed port 80 restrt\n"
	    "  if cpu > 5% for 2 cycles alert\n"
	    "  if cpu > 5% for 2 cycles\n"
	    "  group x\n",
	    "monitrc:2:21: error: unexpected 'restrt' in connection test (expected host, port, "
	    "unixsocket, type, protocol, request, send, expect, timeout, retry or 'then')\n"
	    "monitrc:5:3: error: unexpected 'group' (expected 'then' and an action)\n", 2);
}

static void
test_garbage_and_unknown_statements(void **state)
{
	(void)state;
	expect_errors("hello world\nset daemon 10\ncheck process a with pidfile /a\n  frobnicate\n",
	    "monitrc:1:1: error: unexpected 'hello' (expected 'set' or 'check')\n"
	    "monitrc:4:3: error: unexpected 'frobnicate' in check process a (expected a service "
	    "statement: if, start, stop, restart, depends, group, every, mode, alert, noalert)\n", 2);
	expect_errors("check process a with pidfile /a\n  if bogus > 3 then alert\n",
	    "monitrc:2:6: error: unknown test 'bogus' (expected failed, changed, [does] not exist, "
	    "match, content, cpu, memory, swap, loadavg, children, timestamp, size, space, inode, "
	    "uptime, status, icmp, saturation, upload, download, read rate, write rate, service time or N restarts within M cycles)\n", 1);
}

static void
test_unknown_httpd_option(void **state)
{
	(void)state;
	expect_errors("set httpd port 2812\n  alow localhost\n",
	    "monitrc:2:3: error: unknown httpd option 'alow' (expected port, address, ssl, pemfile, "
	    "clientpemfile, allowselfcertification, signature, allow or pam service; or a new 'set' "
	    "or 'check' statement)\n", 1);
}

static void
test_every_httpd_error_is_reported(void **state)
{
	(void)state;
	expect_errors("set httpd port 2812\n"
	    "  allow admin:\n"
	    "  allow localhost\n"
	    "  signature maybe\n"
	    "  allow @g bogus\n"
	    "set daemon 10\n",
	    "monitrc:2:9: error: missing password in 'allow admin:' (expected user:password)\n"
	    "monitrc:4:13: error: unexpected 'maybe' (expected 'enable' or 'disable' after "
	    "'signature')\n"
	    "monitrc:5:12: error: unknown httpd option 'bogus' (expected port, address, ssl, "
	    "pemfile, clientpemfile, allowselfcertification, signature, allow or pam service; or a "
	    "new 'set' or 'check' statement)\n", 3);
}

static void
test_allow_hosts_and_networks(void **state)
{
	struct config *cf;
	(void)state;

	cf = parse("set httpd port 2812\n allow 10.0.0.0/8\n allow 192.168.1.0/255.255.255.0\n"
	    " allow ::1\n allow fe80::/10\n allow localhost\n allow my.host-1.example\n");
	assert_non_null(cf);
	config_free(cf);
	/* regression (fuzz): a failed allow left a nameless entry behind */
	expect_errors("set httpd port 2812\nallow \"a\" \"b\"\n",
	    "monitrc:2:7: error: unexpected \"a\" (expected user:password)\n", 1);
	expect_errors("set httpd port 2812\n allow 300.1.1.1\n allow 10.0.0.0/33\n"
	    " allow 10.0.0.0/255.0.255.0\n",
	    "monitrc:2:8: error: allow 300.1.1.1: not a valid IPv4 address (expected a host name, "
	    "an address, or a network such as 10.0.0.0/8 or 192.168.1.0/255.255.255.0)\n"
	    "monitrc:3:8: error: allow 10.0.0.0/33: prefix length must be 0..32 (expected a host "
	    "name, an address, or a network such as 10.0.0.0/8 or 192.168.1.0/255.255.255.0)\n"
	    "monitrc:4:8: error: allow 10.0.0.0/255.0.255.0: netmask is not contiguous (expected a "
	    "host name, an address, or a network such as 10.0.0.0/8 or 192.168.1.0/255.255.255.0)\n",
	    3);
}

static void
test_semantic_names_and_dependencies(void **state)
{
	(void)state;
	expect_errors("check process a with pidfile /a\n  depends on b, nothere\n"
	    "check process b with pidfile /b\n  depends on c\n"
	    "check process c with pidfile /c\n  depends on a\n"
	    "check process a with pidfile /a2\n"
	    "check process s with pidfile /s\n  depends on s\n",
	    "monitrc:2:14: error: service 'a' depends on 'nothere', which is not defined "
	    "(no 'check ... nothere')\n"
	    "monitrc:6:14: error: dependency loop: a -> b -> c -> a\n"
	    "monitrc:7:15: error: duplicate service name 'a' (first defined at monitrc:1)\n"
	    "monitrc:9:14: error: service 's' depends on itself\n", 4);
}

static void
test_errors_in_file_order(void **state)
{
	(void)state;
	/* semantic errors (found after parsing) are printed among the syntax
	 * errors, in the order of the file */
	expect_errors("check process a with pidfile /a\n  depends on nothere\n"
	    "check process b with pidfile /b\n  if failed port 80 then restrat\n",
	    "monitrc:2:14: error: service 'a' depends on 'nothere', which is not defined "
	    "(no 'check ... nothere')\n"
	    "monitrc:4:26: error: unknown action 'restrat' (expected alert, restart, start, stop, "
	    "exec, unmonitor)\n", 2);
}

static void
test_semantic_types_and_ranges(void **state)
{
	(void)state;
	expect_errors("check file f with path /etc/hosts\n  if cpu > 50% then alert\n"
	    "check system s\n  if loadavg(1min) > 10 then restart\n"
	    "  if memory usage > 150% then alert\n"
	    "  if totalcpu > 5% then alert\n"
	    "check process p with pidfile /p\n  if 5 restarts within 3 cycles then unmonitor\n"
	    "check host h with address 127.0.0.1\n  if failed checksum then alert\n",
	    "monitrc:2:6: error: resource test is not valid for check file f (valid: exist, checksum, "
	    "timestamp, size, match, permission, uid, gid)\n"
	    "monitrc:4:6: error: action 'restart' is not valid for check system s (expected alert, "
	    "exec, monitor or unmonitor)\n"
	    "monitrc:5:6: error: percentage out of range: 150.00% (expected 0..100%)\n"
	    "monitrc:6:6: error: resource 'totalcpu' is not valid for check system s (valid: cpu, "
	    "cpu(user), cpu(system), cpu(wait), memory, swap, loadavg, uptime)\n"
	    "monitrc:8:6: error: 5 restarts within 3 cycles can never happen (at most one restart "
	    "per cycle)\n"
	    "monitrc:10:6: error: checksum test is not valid for check host h (valid: connection "
	    "(port, unixsocket, url), icmp)\n", 6);
}

static void
test_values_out_of_range(void **state)
{
	(void)state;
	expect_errors("check file f with path /etc/hosts\n  if failed permission 9999 then alert\n"
	    "check host h with address 127.0.0.1\n"
	    "  if failed icmp type echo count 21 then alert\n"
	    "  if failed port 0 then alert\n"
	    "  if failed port 80 with timeout 0 seconds then alert\n"
	    "set httpd port 70000\n",
	    "monitrc:2:24: error: permission '9999' is not valid (expected an octal number 0000..7777)\n"
	    "monitrc:4:34: error: ping count out of range: 21 (expected 1..20)\n"
	    "monitrc:5:18: error: '0' out of range (expected a port number in 1..65535)\n"
	    "monitrc:6:34: error: connection timeout out of range: 0 seconds (expected 1..3600)\n"
	    "monitrc:7:16: error: '70000' out of range (expected a port number after 'port' in "
	    "1..65535)\n", 5);
	expect_errors("check file f with path /etc/hosts\n  if failed checksum expect 1234 then alert\n",
	    "monitrc:2:29: error: checksum '1234' is not an MD5 (32), SHA1 (40) or SHA256 (64) hex "
	    "digest\n", 1);
}

static void
test_bad_regular_expressions(void **state)
{
	(void)state;
	expect_errors("check process p matching \"java(\"\n"
	    "check file f with path /var/log/x\n  if match \"[a-\" then alert\n",
	    "monitrc:1:15: error: process pattern \"java(\" is not a valid regular expression: "
	    "missing closing parenthesis at offset 5\n"
	    "monitrc:3:6: error: match pattern \"[a-\" is not a valid regular expression: "
	    "missing terminating ] for character class at offset 3\n", 2);
}

static void
test_warnings_do_not_fail(void **state)
{
	struct config *cf;
	(void)state;

	cf = parse("check file f with path /etc/hosts\n  if failed checksum then restart\n");
	assert_non_null(cf);
	assert_int_equal(nerrors, 0);
	assert_string_equal(errtext, "monitrc:2:6: warning: action 'restart' in check file f has "
	    "no start program\n");
	config_free(cf);
}

/* ---- ownership and permissions ---- */

static char dir[64];

static void
write_rc(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static struct config *
parse_perms(const char *name, uid_t owner)
{
	struct parse_opts o = { .check_perms = true, .owner_uid = owner };
	char path[256];
	size_t len;
	struct config *cf;

	free(errtext);
	errtext = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o.errout = open_memstream(&errtext, &len);
	cf = config_parse(path, &o, &nerrors);
	fclose(o.errout);
	return cf;
}

static void
test_permissions(void **state)
{
	struct config *cf;
	char expect[512];
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/vigil-perm.XXXXXX");
	assert_non_null(mkdtemp(dir));

	write_rc("ok.rc", "set daemon 10\n", 0644);
	cf = parse_perms("ok.rc", getuid());
	assert_non_null(cf);
	config_free(cf);

	write_rc("gw.rc", "set daemon 10\n", 0664);
	assert_null(parse_perms("gw.rc", getuid()));
	snprintf(expect, sizeof(expect), "%s/gw.rc:1:1: error: %s/gw.rc is writable by group or "
	    "others, mode 0664 (fix: chmod go-w '%s/gw.rc')\n", dir, dir, dir);
	assert_string_equal(errtext, expect);

	assert_null(parse_perms("ok.rc", getuid() + 1));
	assert_non_null(strstr(errtext, "is owned by uid"));

	/* a password makes "readable by others" an error */
	write_rc("pw.rc", "set httpd port 2812 allow admin:secret\n", 0644);
	assert_null(parse_perms("pw.rc", getuid()));
	assert_non_null(strstr(errtext, "holds a password and is readable by others, mode 0644"));
	write_rc("pw.rc", "set httpd port 2812 allow admin:secret\n", 0640);
	cf = parse_perms("pw.rc", getuid());
	assert_non_null(cf);
	config_free(cf);
	write_rc("mail.rc", "set mailserver localhost username u password p\n", 0604);
	assert_null(parse_perms("mail.rc", getuid()));
	write_rc("proto.rc", "check host h with address 127.0.0.1\n"
	    "  if failed port 3306 protocol mysql username u password p then alert\n", 0604);
	assert_null(parse_perms("proto.rc", getuid()));

	/* a password in an included file: that file must not be world-readable */
	write_rc("secret.inc", "\nset httpd port 2812 allow admin:secret\n", 0644);
	write_rc("withinc.rc", "set daemon 20\ninclude secret.inc\n", 0600);
	assert_null(parse_perms("withinc.rc", getuid()));
	snprintf(expect, sizeof(expect), "%s/secret.inc:2:27: error: %s/secret.inc holds a "
	    "password and is readable by others, mode 0644 (fix: chmod o-r '%s/secret.inc')\n",
	    dir, dir, dir);
	assert_string_equal(errtext, expect);

	/* included files are checked too, and reported at the include */
	write_rc("inc.rc", "set daemon 10\n", 0666);
	write_rc("main.rc", "set daemon 20\ninclude inc.rc\n", 0600);
	assert_null(parse_perms("main.rc", getuid()));
	snprintf(expect, sizeof(expect), "%s/main.rc:2:1: error: %s/inc.rc is writable", dir, dir);
	assert_non_null(strstr(errtext, expect));

	/* without check_perms nothing is checked */
	{
		struct parse_opts o = { 0 };
		char path[256];
		snprintf(path, sizeof(path), "%s/main.rc", dir);
		o.errout = fopen("/dev/null", "w");
		cf = config_parse(path, &o, &nerrors);
		fclose(o.errout);
		assert_non_null(cf);
		config_free(cf);
	}
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

static void
test_missing_file(void **state)
{
	struct parse_opts o = { 0 };
	size_t len;
	(void)state;

	free(errtext);
	errtext = NULL;
	o.errout = open_memstream(&errtext, &len);
	assert_null(config_parse("/nonexistent/vigilrc", &o, &nerrors));
	fclose(o.errout);
	assert_string_equal(errtext, "/nonexistent/vigilrc:1:1: error: cannot open "
	    "/nonexistent/vigilrc: No such file or directory\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_action),
		cmocka_unit_test(test_every_error_is_reported),
		cmocka_unit_test(test_missing_then),
		cmocka_unit_test(test_garbage_and_unknown_statements),
		cmocka_unit_test(test_unknown_httpd_option),
		cmocka_unit_test(test_every_httpd_error_is_reported),
		cmocka_unit_test(test_allow_hosts_and_networks),
		cmocka_unit_test(test_semantic_names_and_dependencies),
		cmocka_unit_test(test_errors_in_file_order),
		cmocka_unit_test(test_semantic_types_and_ranges),
		cmocka_unit_test(test_values_out_of_range),
		cmocka_unit_test(test_bad_regular_expressions),
		cmocka_unit_test(test_warnings_do_not_fail),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_missing_file),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(errtext);
	return rc;
}
