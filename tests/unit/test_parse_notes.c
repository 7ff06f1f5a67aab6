/* Migration notes (`vigil -t` on a Monit file): each statement vigil reads
 * but does differently gets a note at its line, notes never make a file
 * invalid, and nothing is noted when the caller did not ask (the daemon) or
 * when the file has nothing to note. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

static char *out;

static struct config *
parse_notes(const char *text, const char *name, bool notes, int *nerrors)
{
	struct parse_opts o = { 0 };
	size_t len;
	struct config *c;

	free(out);
	out = NULL;
	o.notes = notes;
	o.errout = open_memstream(&out, &len);
	c = config_parse_string(text, name, &o, nerrors);
	fclose(o.errout);
	return c;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static const char monit_file[] =
	"set daemon 60\n"					/* 1 */
	"set idfile /var/lib/monit/id\n"			/* 2 */
	"set statefile /var/lib/monit/state\n"			/* 3 */
	"set pidfile /run/monit.pid\n"				/* 4 */
	"set eventqueue basedir /var/lib/monit/events\n"	/* 5 */
	"set mailserver localhost\n"				/* 6 */
	"set alert root@localhost\n"				/* 7 */
	"set httpd port 2812 allow localhost allow admin:monit\n" /* 8 */
	"set init\n"						/* 9 */
	"set fips\n"						/* 10 */
	"set limits { programoutput: 512 B }\n"			/* 11 */
	"set ssl { verify: enable }\n"				/* 12 */
	"set mmonit http://m:p@localhost:8080/collector\n"	/* 13 */
	"check process sshd with pidfile /run/sshd.pid\n"	/* 14 */
	"    if failed port 22 protocol ssh then alert\n"	/* 15 */
	"    if failed port 80 protocol http then alert\n"	/* 16 */
	"    alert ops@example.com\n"				/* 17 */
	"check filesystem root with path /\n"			/* 18 */
	"    if changed fsflags then alert\n";			/* 19 */

static void
test_each_statement_noted_at_its_line(void **state)
{
	int nerr = -1;
	struct config *cf = parse_notes(monit_file, "/etc/monit/monitrc", true, &nerr);
	(void)state;

	assert_non_null(cf);
	assert_int_equal(nerr, 0);
	assert_non_null(strstr(out, "monitrc:1:1: note: a Monit control file: stop Monit"));
	assert_non_null(strstr(out, "its pid to /run/monit.pid, its state to /var/lib/monit/state"));
	assert_non_null(strstr(out, "monitrc:2:1: note: set idfile is ignored"));
	/* where vigil keeps a state file it may not write is core/paths.c's
	 * note (tests/integration/paths.bats), not the parser's */
	assert_null(strstr(out, "note: set statefile"));
	assert_non_null(strstr(out, "monitrc:4:1: note: set pidfile /run/monit.pid: the package's logrotate"));
	/* mail alerts and the event queue act (monitor/alert/): no note */
	assert_null(strstr(out, "note: set eventqueue"));
	assert_null(strstr(out, "mail alerts"));
	assert_non_null(strstr(out, "monitrc:8:11: note: the vigil command does not use set httpd"));
	/* allow HOST acts as in Monit (host alone: no password; with users: both) */
	assert_null(strstr(out, "note: allow localhost"));
	assert_non_null(strstr(out, "monitrc:9:1: note: set init is ignored"));
	assert_non_null(strstr(out, "monitrc:10:1: note: set fips is ignored"));
	assert_non_null(strstr(out, "monitrc:11:1: note: set limits is ignored"));
	assert_non_null(strstr(out, "monitrc:12:1: note: set ssl: verify, selfsigned, cacertificatefile and cacertificatepath act"));
	/* the monitor reports to M/Monit (monitor/alert/mmonit.c): no note */
	assert_null(strstr(out, "mmonit"));
	assert_null(strstr(out, "protocol ssh"));	/* spoken (proto_simple.c) */
	assert_null(strstr(out, "fsflags"));	/* tested: no note */
	/* http is spoken */
	assert_null(strstr(out, "protocol http"));
	assert_int_equal(count(out, "error"), 0);
	config_free(cf);
}

static void
test_no_notes_unless_asked(void **state)
{
	int nerr = -1;
	struct config *cf = parse_notes(monit_file, "/etc/monit/monitrc", false, &nerr);
	(void)state;

	assert_non_null(cf);
	assert_true(out == NULL || strstr(out, "note:") == NULL);
	config_free(cf);
}

static void
test_vigil_file_has_nothing_to_note(void **state)
{
	int nerr = -1;
	struct config *cf = parse_notes(
		"set daemon 30\n"
		"set logfile /var/log/vigil.log\n"
		"set pidfile /run/vigild.pid\n"
		"set statefile /var/lib/vigil/vigil.state\n"
		"check process a with pidfile /run/a.pid\n"
		"    if failed port 80 protocol http then restart\n"
		"    if failed port 81 send \"x\" expect \"y\" then alert\n",
		"/etc/vigil/vigilrc", true, &nerr);
	(void)state;

	assert_non_null(cf);
	assert_true(out == NULL || strstr(out, "note:") == NULL);
	config_free(cf);
}

static void
test_notes_do_not_hide_errors(void **state)
{
	int nerr = -1;
	struct config *cf = parse_notes("set idfile /x\ncheck nosuchtype x\n", "monitrc", true,
	    &nerr);
	(void)state;

	assert_null(cf);
	assert_int_equal(nerr, 1);
	assert_non_null(strstr(out, "monitrc:1:1: note: set idfile is ignored"));
	assert_non_null(strstr(out, "monitrc:2:7: error: unknown service type"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_statement_noted_at_its_line),
		cmocka_unit_test(test_no_notes_unless_asked),
		cmocka_unit_test(test_vigil_file_has_nothing_to_note),
		cmocka_unit_test(test_notes_do_not_hide_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(out);
	return rc;
}
