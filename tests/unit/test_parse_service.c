/* Check entries: every service type and the per-service statements. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"
#include "tests/unit/parse_fixture.h"


static void
test_every_service_type(void **state)
{
	struct config *cf = parse(
	    "check process p with pidfile /run/p.pid\n"
	    "check process m matching \"java.*tomcat\"\n"
	    "check file f with path /etc/hosts\n"
	    "check fifo ff with path /run/x.fifo\n"
	    "check filesystem fs with path /dev/sda1\n"
	    "check device dev with path /\n"
	    "check directory d with path /tmp\n"
	    "check host h with address 127.0.0.1\n"
	    "check system $HOST\n"
	    "check program prog with path \"/bin/sh -c 'exit 1'\" with timeout 60 seconds\n"
	    "check network n with interface eth0\n"
	    "check network n2 with address 10.0.0.1\n"
	    "check file with path /x\n");
	struct service *s;
	(void)state;

	assert_non_null(cf);
	assert_int_equal(cf->nservices, 13);
	s = cf->services;
	assert_int_equal(s->type, SVC_PROCESS);
	assert_string_equal(s->name, "p");
	assert_string_equal(s->path, "/run/p.pid");
	s = s->next;
	assert_int_equal(s->type, SVC_PROCESS);
	assert_null(s->path);
	assert_string_equal(s->match, "java.*tomcat");
	s = s->next;
	assert_int_equal(s->type, SVC_FILE);
	assert_string_equal(s->path, "/etc/hosts");
	s = s->next;
	assert_int_equal(s->type, SVC_FIFO);
	s = s->next;
	assert_int_equal(s->type, SVC_FILESYSTEM);
	s = s->next;
	assert_int_equal(s->type, SVC_FILESYSTEM);
	s = s->next;
	assert_int_equal(s->type, SVC_DIRECTORY);
	s = s->next;
	assert_int_equal(s->type, SVC_HOST);
	assert_string_equal(s->address, "127.0.0.1");
	s = s->next;
	assert_int_equal(s->type, SVC_SYSTEM);
	assert_string_equal(s->name, "$HOST");
	s = s->next;
	assert_int_equal(s->type, SVC_PROGRAM);
	assert_string_equal(s->path, "/bin/sh");
	assert_int_equal(s->program->argc, 3);
	assert_string_equal(s->program->argv[2], "exit 1");
	assert_int_equal(s->program_timeout_s, 60);
	s = s->next;
	assert_int_equal(s->type, SVC_NETWORK);
	assert_string_equal(s->interface, "eth0");
	s = s->next;
	assert_string_equal(s->address, "10.0.0.1");
	s = s->next;
	assert_string_equal(s->name, "with");	/* as Monit: the name is read as written */
	assert_true(config_find_service(cf, "fs") != NULL);
	assert_null(config_find_service(cf, "nope"));
	config_free(cf);
}

static void
test_programs(void **state)
{
	struct config *cf = parse(
	    "check process a with pidfile /run/a.pid\n"
	    "  start program = \"/etc/init.d/a start\" as uid daemon and gid 4 with timeout 60 seconds\n"
	    "  stop program = \"/bin/sh -c 'kill -s TERM `cat /run/a.pid`'\"\n"
	    "  restart \"/etc/init.d/a restart\" as uid 0\n");
	struct service *s;
	struct passwd *pw = getpwnam("daemon");
	(void)state;

	assert_non_null(cf);
	assert_non_null(pw);
	s = cf->services;
	assert_int_equal(s->start->argc, 2);
	assert_string_equal(s->start->argv[0], "/etc/init.d/a");
	assert_string_equal(s->start->argv[1], "start");
	assert_null(s->start->argv[2]);
	assert_true(s->start->has_uid);
	assert_int_equal(s->start->uid, pw->pw_uid);
	assert_string_equal(s->start->user, "daemon");
	assert_true(s->start->has_gid);
	assert_int_equal(s->start->gid, 4);
	assert_int_equal(s->start->timeout_s, 60);
	assert_int_equal(s->start->pos.line, 2);
	assert_int_equal(s->stop->argc, 3);
	assert_string_equal(s->stop->argv[2], "kill -s TERM `cat /run/a.pid`");
	assert_false(s->stop->has_uid);
	assert_int_equal(s->stop->timeout_s, 0);
	assert_true(s->restart->has_uid);
	assert_int_equal(s->restart->uid, 0);
	config_free(cf);

	assert_null(parse("check process a with pidfile /run/a.pid\n  start program = \"bin/a\"\n"));
	assert_string_equal(errtext, "rc:2:19: error: start program 'bin/a' must be an absolute "
	    "path (starting with /)\n");
	assert_null(parse("check process a with pidfile /run/a.pid\n"
	    "  start program = \"/bin/a\" as uid no_such_user_x\n"));
	assert_string_equal(errtext, "rc:2:35: error: unknown user 'no_such_user_x' "
	    "(no such user on this system)\n");
	assert_null(parse("check process a with pidfile /run/a.pid\n"
	    "  start program = \"/bin/a\" as gid no_such_group_x\n"));
	assert_string_equal(errtext, "rc:2:35: error: unknown group 'no_such_group_x' "
	    "(no such group on this system)\n");
	assert_null(parse("check process a with pidfile /run/a.pid\n"
	    "  start program = \"/bin/a 'x\"\n"));
	assert_non_null(strstr(errtext, "unterminated single quote"));
}

static void
test_depends_group_every_mode(void **state)
{
	struct config *cf = parse(
	    "check process a with pidfile /run/a.pid every 2 cycles\n"
	    "  depends on b,\n"
	    "     c\n"
	    "  depend d\n"
	    "  group web\n"
	    "  group database\n"
	    "  group the\n"
	    "  mode passive\n"
	    "  onreboot nostart\n"
	    "check process b with pidfile /run/b.pid\n"
	    "  every \"* 8-19 * * 1-5\"\n"
	    "  mode manual\n"
	    "check process c with pidfile /run/c.pid\n"
	    "  not every \"0 0 * * 0\"\n"
	    "check process d with pidfile /run/d.pid\n");
	struct service *s;
	(void)state;

	assert_non_null(cf);
	s = cf->services;
	assert_string_equal(s->depends->name, "b");
	assert_string_equal(s->depends->next->name, "c");
	assert_string_equal(s->depends->next->next->name, "d");
	assert_null(s->depends->next->next->next);
	assert_int_equal(s->ngroups, 3);
	assert_string_equal(s->groups[1], "database");
	assert_string_equal(s->groups[2], "the");	/* a noise word as the value */
	assert_int_equal(s->every.kind, EVERY_CYCLES);
	assert_int_equal(s->every.cycles, 2);
	assert_int_equal(s->mode, MODE_PASSIVE);
	assert_int_equal(s->onreboot, ONREBOOT_NOSTART);
	s = s->next;
	assert_int_equal(s->every.kind, EVERY_CRON);
	assert_string_equal(s->every.cron, "* 8-19 * * 1-5");
	assert_int_equal(s->mode, MODE_MANUAL);
	s = s->next;
	assert_int_equal(s->every.kind, EVERY_NOT_CRON);
	assert_int_equal(s->mode, MODE_ACTIVE);
	config_free(cf);

	assert_null(parse("check process a with pidfile /run/a.pid\n  every \"* * *\"\n"));
	assert_string_equal(errtext, "rc:2:9: error: cron specification \"* * *\" has 3 fields "
	    "(expected 5: minute hour day month weekday)\n");
	assert_null(parse("check process a with pidfile /run/a.pid\n  mode lazy\n"));
	assert_string_equal(errtext, "rc:2:8: error: unexpected 'lazy' (expected active, passive "
	    "or manual after 'mode')\n");
}

static void
test_service_alerts(void **state)
{
	struct config *cf = parse(
	    "check process a with pidfile /run/a.pid\n"
	    "  alert admin@bar on {nonexist, timeout}\n"
	    "    with mail-format {\n from: bofh@$HOST\n}\n"
	    "  alert foo@bar but not on { instance }\n"
	    "  noalert appadmin@bar\n");
	struct alert_recipient *a;
	(void)state;

	assert_non_null(cf);
	a = cf->services->alerts;
	assert_string_equal(a->address, "admin@bar");
	assert_false(a->events_not);
	assert_int_not_equal(a->events, 0);
	assert_string_equal(a->mail_format, "\n from: bofh@$HOST\n");
	a = a->next;
	assert_true(a->events_not);
	a = a->next;
	assert_true(a->no_alert);
	assert_string_equal(a->address, "appadmin@bar");
	config_free(cf);
}

static void
test_process_needs_pidfile_or_matching(void **state)
{
	(void)state;
	assert_null(parse("check process a with path /run/a.pid\n"));
	assert_string_equal(errtext, "rc:1:22: error: unexpected 'path' (expected 'pidfile PATH' "
	    "or 'matching REGEX')\n");
	assert_null(parse("check host h\n  if failed port 80 then alert\n"));
	assert_non_null(strstr(errtext, "rc:2:3: error: unexpected 'if' (expected 'address' after "
	    "check host NAME)"));
	assert_null(parse("check sevice a\n"));
	assert_string_equal(errtext, "rc:1:7: error: unknown service type 'sevice' after 'check' "
	    "(expected process, file, fifo, filesystem, directory, host, system, program or network)\n");
}

static void
test_ten_thousand_services(void **state)
{
	size_t cap = 10000 * 96 + 256, len = 0, i;
	char *text = malloc(cap), name[32];
	struct config *cf;
	(void)state;

	assert_non_null(text);
	for (i = 0; i < 10000; i++) {
		len += (size_t)snprintf(text + len, cap - len,
		    "check process s%zu with pidfile /run/s%zu.pid\n", i, i);
		if (i > 0)
			len += (size_t)snprintf(text + len, cap - len, "  depends on s%zu\n", i - 1);
	}
	cf = parse(text);
	assert_non_null(cf);
	assert_int_equal(cf->nservices, 10000);
	assert_true(cf->svc_index_size >= 20000);
	for (i = 0; i < 10000; i += 7) {
		snprintf(name, sizeof(name), "s%zu", i);
		assert_non_null(config_find_service(cf, name));
		assert_string_equal(config_find_service(cf, name)->name, name);
	}
	assert_null(config_find_service(cf, "s10000"));
	config_free(cf);

	/* close the chain into a loop of 10,000: found iteratively (no deep
	 * recursion) and reported once */
	snprintf(text + len, cap - len, "check process s10000 with pidfile /x\n"
	    "  depends on s9999\ncheck process head with pidfile /h\n");
	len = strlen(text);
	{
		char *loop = malloc(len + 64);
		assert_non_null(loop);
		snprintf(loop, len + 64, "check process s0 with pidfile /run/s0.pid\n"
		    "  depends on s10000\n%s", strchr(text, '\n') + 1);
		assert_null(parse(loop));
		assert_non_null(strstr(errtext, "error: dependency loop: s0 -> s10000 -> s9999 -> "));
		assert_null(strstr(strchr(errtext, '\n') + 1, "error:"));	/* exactly one */
		free(loop);
	}
	free(text);
}

/* Monit reads the word after "check TYPE" whole, '=' and all; a keyword
 * glued to '=' elsewhere still ends there. */
static void
test_service_name_with_equals(void **state)
{
	struct config *cf;

	(void)state;
	cf = parse("check file a=b with path /etc/hosts\n"
	    "check file c<d with path /etc/hosts\n"
	    "check process p with pidfile /run/p.pid\n  start=\"/bin/true\"\n");
	assert_non_null(cf);
	assert_string_equal(cf->services->name, "a=b");
	assert_string_equal(cf->services->path, "/etc/hosts");
	assert_string_equal(cf->services->next->name, "c<d");
	assert_non_null(cf->services->next->next->start);
	assert_string_equal(cf->services->next->next->start->argv[0], "/bin/true");
	config_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_service_type),
		cmocka_unit_test(test_service_name_with_equals),
		cmocka_unit_test(test_programs),
		cmocka_unit_test(test_depends_group_every_mode),
		cmocka_unit_test(test_service_alerts),
		cmocka_unit_test(test_process_needs_pidfile_or_matching),
		cmocka_unit_test(test_ten_thousand_services),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(errtext);
	return rc;
}
