/* Global statements ("set ..."), defaults and the httpd block. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "common/msg.h"
#include "monitor/config/config.h"
#include "monitor/config/parse.h"
#include "tests/unit/parse_fixture.h"


static void
test_defaults(void **state)
{
	struct config *cf = parse("");
	(void)state;

	assert_non_null(cf);
	assert_int_equal(cf->poll_s, 30);
	assert_string_equal(cf->statefile, "/var/lib/vigil/vigil.state");
	assert_string_equal(cf->pidfile, "/run/vigild.pid");
	assert_string_equal(cf->monitor_user, "_vigil");
	assert_string_equal(cf->webui_user, "_vigilweb");
	assert_string_equal(cf->auth_user, "_vigilauth");
	assert_string_equal(cf->chroot_dir, "/var/lib/vigil/empty");
	assert_string_equal(cf->control_socket, "/run/vigil/control.sock");
	assert_false(cf->httpd.enabled);
	assert_int_equal(cf->httpd.port, 2812);
	assert_true(cf->httpd.signature);
	assert_string_equal(cf->httpd.pam_service, "vigil");
	assert_null(cf->logfile);
	assert_false(cf->log_syslog);
	config_free(cf);
}

static void
test_daemon_and_files(void **state)
{
	struct config *cf = parse("set daemon 60 with start delay 240\nset init\n"
	    "set pidfile /run/x.pid\nset statefile \"/var/lib/x.state\"\nset idfile /var/lib/x.id\n");
	(void)state;

	assert_non_null(cf);
	assert_int_equal(cf->poll_s, 60);
	assert_int_equal(cf->start_delay_s, 240);
	assert_true(cf->init);
	assert_string_equal(cf->pidfile, "/run/x.pid");
	assert_string_equal(cf->statefile, "/var/lib/x.state");
	assert_string_equal(cf->idfile, "/var/lib/x.id");
	config_free(cf);
}

static void
test_logfile(void **state)
{
	struct config *cf;
	(void)state;

	cf = parse("set logfile /var/log/vigil.log\n");
	assert_non_null(cf);
	assert_string_equal(cf->logfile, "/var/log/vigil.log");
	assert_false(cf->log_syslog);
	config_free(cf);

	cf = parse("set logfile syslog facility log_local3\n");
	assert_non_null(cf);
	assert_null(cf->logfile);
	assert_true(cf->log_syslog);
	assert_int_equal(cf->syslog_facility, LOG_FAC(LOG_LOCAL3));
	config_free(cf);

	/* the 5.3x spellings from the hardening guide */
	cf = parse("set log syslog\nset logfacility LOG_DAEMON\n");
	assert_non_null(cf);
	assert_true(cf->log_syslog);
	assert_int_equal(cf->syslog_facility, LOG_FAC(LOG_DAEMON));
	config_free(cf);

	assert_null(parse("set logfile syslog facility log_local9\n"));
	assert_non_null(strstr(errtext, "rc:1:29: error: unknown syslog facility 'log_local9'"));
	assert_null(parse("set logfile relative.log\n"));
	assert_non_null(strstr(errtext, "must be an absolute path"));
}

/* vigil's "chained" after the path (common/logchain.h); syslog is not. */
static void
test_logfile_chained(void **state)
{
	struct config *cf;
	(void)state;

	cf = parse("set logfile /var/log/vigil.log\n");
	assert_non_null(cf);
	assert_false(cf->log_chained);
	config_free(cf);
	cf = parse("set logfile /var/log/vigil.log chained\nset daemon 10\n");
	assert_non_null(cf);
	assert_string_equal(cf->logfile, "/var/log/vigil.log");
	assert_true(cf->log_chained);
	config_free(cf);
	/* a later statement decides, as for every other set */
	cf = parse("set logfile /var/log/vigil.log chained\nset logfile syslog\n");
	assert_non_null(cf);
	assert_false(cf->log_chained);
	config_free(cf);
	assert_null(parse("set logfile syslog chained\n"));
	assert_non_null(strstr(errtext, "syslog lines are not hash-chained"));
	assert_null(parse("set logfile syslog facility log_local0 chained\n"));
	assert_non_null(strstr(errtext, "syslog lines are not hash-chained"));
}

static void
test_mailserver(void **state)
{
	struct config *cf = parse(
	    "set mailserver mail.tildeslash.com, mail.foo.bar port 10025\n"
	    "    username \"Rabbi\" password \"Loew\" using tlsv1, localhost\n"
	    "    with timeout 15 seconds using hostname \"myhost.example.org\"\n");
	struct mailserver *m;
	(void)state;

	assert_non_null(cf);
	m = cf->mailservers;
	assert_string_equal(m->host, "mail.tildeslash.com");
	assert_int_equal(m->port, 25);
	m = m->next;
	assert_string_equal(m->host, "mail.foo.bar");
	assert_int_equal(m->port, 10025);
	assert_string_equal(m->username, "Rabbi");
	assert_string_equal(m->password, "Loew");
	assert_true(m->ssl);
	m = m->next;
	assert_string_equal(m->host, "localhost");
	assert_null(m->next);
	assert_int_equal(cf->mail_timeout_s, 15);
	assert_string_equal(cf->mail_hostname, "myhost.example.org");
	config_free(cf);

	/* keywords as values */
	cf = parse("set mailserver localhost username username password password\n");
	assert_non_null(cf);
	assert_string_equal(cf->mailservers->username, "username");
	assert_string_equal(cf->mailservers->password, "password");
	config_free(cf);
}

static void
test_alert_and_mail_format(void **state)
{
	struct config *cf = parse(
	    "set mail-format { from: a@b.c\n subject: $SERVICE }\n"
	    "set alert ops@example.com not on { instance, action } with reminder on 10 cycles\n"
	    "set alert sec@example.com on { checksum, permission } mail-format { subject: x }\n");
	(void)state;

	assert_non_null(cf);
	assert_string_equal(cf->mail_format, " from: a@b.c\n subject: $SERVICE ");
	assert_string_equal(cf->alerts->address, "ops@example.com");
	assert_true(cf->alerts->events_not);
	assert_int_equal(cf->alerts->reminder, 10);
	assert_int_not_equal(cf->alerts->events, 0);
	assert_string_equal(cf->alerts->next->address, "sec@example.com");
	assert_false(cf->alerts->next->events_not);
	assert_string_equal(cf->alerts->next->mail_format, " subject: x ");
	config_free(cf);

	assert_null(parse("set alert a@b on { nonexist, bogus }\n"));
	assert_non_null(strstr(errtext, "rc:1:30: error: unknown event 'bogus' in alert filter"));
}

static void
test_eventqueue_expectbuffer_fips_limits(void **state)
{
	struct config *cf = parse("set eventqueue basedir /var/monit slots 5000\n"
	    "set expectbuffer 10 kb\nset fips\n"
	    "set limits { programOutput: 512 B, networkTimeout: 5 seconds }\n"
	    "set onreboot nostart\n");
	(void)state;

	assert_non_null(cf);
	assert_string_equal(cf->eventqueue_dir, "/var/monit");
	assert_int_equal(cf->eventqueue_slots, 5000);
	assert_int_equal(cf->expectbuffer, 10240);
	assert_true(cf->fips);
	assert_string_equal(cf->limits->name, "programOutput");
	assert_string_equal(cf->limits->value, "512 B");
	assert_string_equal(cf->limits->next->name, "networkTimeout");
	assert_int_equal(cf->onreboot_default, 1);
	config_free(cf);
}

static void
test_httpd(void **state)
{
	struct config *cf = parse(
	    "set httpd port 2813 address localhost\n"
	    "  ssl enable pemfile /etc/vigil/vigil.pem clientpemfile /etc/vigil/ca.pem\n"
	    "  allowselfcertification signature disable\n"
	    "  allow localhost\n"
	    "  allow 10.0.0.0/8\n"
	    "  allow ::1\n"
	    "  allow admin:password\n"
	    "  allow guest:\"pass word\" read-only\n"
	    "  allow md5 /etc/htpasswd john paul\n"
	    "  allow @admins readwrite\n"
	    "  allow @users readonly\n"
	    "  allow @operators restart\n"
	    "  allow @viewers\n"
	    "  allow @webteam service web, db\n"
	    "  pam service \"monit\"\n"
	    "check process web with pidfile /run/web.pid\n"
	    "check process db with pidfile /run/db.pid\n");
	struct httpd_allow *a;
	(void)state;

	assert_non_null(cf);
	assert_true(cf->httpd.enabled);
	assert_int_equal(cf->httpd.port, 2813);
	assert_string_equal(cf->httpd.address, "localhost");
	assert_true(cf->httpd.ssl);
	assert_string_equal(cf->httpd.pemfile, "/etc/vigil/vigil.pem");
	assert_string_equal(cf->httpd.clientpemfile, "/etc/vigil/ca.pem");
	assert_true(cf->httpd.allowselfcert);
	assert_false(cf->httpd.signature);
	assert_string_equal(cf->httpd.pam_service, "monit");
	a = cf->httpd.allow;
	assert_int_equal(a->kind, ALLOW_HOST);
	assert_string_equal(a->name, "localhost");
	a = a->next;
	assert_int_equal(a->kind, ALLOW_HOST);
	assert_string_equal(a->name, "10.0.0.0/8");
	a = a->next;
	assert_int_equal(a->kind, ALLOW_HOST);
	assert_string_equal(a->name, "::1");
	a = a->next;
	assert_int_equal(a->kind, ALLOW_USER);
	assert_string_equal(a->name, "admin");
	assert_string_equal(a->secret, "password");
	assert_int_equal(a->secret_type, SECRET_CLEARTEXT);
	assert_int_equal(a->role, ROLE_READWRITE);
	a = a->next;
	assert_string_equal(a->name, "guest");
	assert_string_equal(a->secret, "pass word");
	assert_int_equal(a->role, ROLE_READONLY);
	a = a->next;
	assert_int_equal(a->kind, ALLOW_HTPASSWD);
	assert_int_equal(a->secret_type, SECRET_MD5);
	assert_string_equal(a->name, "/etc/htpasswd");
	assert_int_equal(a->nusers, 2);
	assert_string_equal(a->users[1], "paul");
	a = a->next;
	assert_int_equal(a->kind, ALLOW_GROUP);
	assert_string_equal(a->name, "admins");
	assert_int_equal(a->role, ROLE_READWRITE);
	a = a->next;
	assert_int_equal(a->role, ROLE_READONLY);
	a = a->next;
	assert_int_equal(a->role, ROLE_RESTART);
	a = a->next;
	assert_string_equal(a->name, "viewers");
	assert_int_equal(a->role, ROLE_READWRITE);
	a = a->next;
	assert_string_equal(a->name, "webteam");
	assert_int_equal(a->nscope, 2);
	assert_string_equal(a->scope[0], "web");
	assert_string_equal(a->scope[1], "db");
	assert_null(a->next);
	config_free(cf);
}

static void
test_httpd_default_port_and_errors(void **state)
{
	struct config *cf = parse("set httpd allow localhost\n");
	(void)state;

	assert_non_null(cf);
	assert_int_equal(cf->httpd.port, 2812);
	config_free(cf);

	assert_null(parse("set httpd port 2812 ssl enable allow localhost\n"));
	assert_non_null(strstr(errtext, "'ssl enable' needs a 'pemfile'"));
	assert_null(parse("set httpd port 2812 allow @web service nosuch\n"));
	assert_non_null(strstr(errtext, "allow @web service nosuch: no such service"));
	assert_null(parse("set httpd port 2812 allow admin:\n"));
	assert_non_null(strstr(errtext, "rc:1:27: error: missing password in 'allow admin:'"));
}

static void
test_mmonit_urls(void **state)
{
	struct config *cf = parse(
	    "set mmonit http://mon:pa%20ss@127.0.0.1:8080/collector with timeout 30 seconds\n"
	    "    https://[::1] and register without credentials\n"
	    "set mmonit http://m.example.org\n");
	const struct mmonit_url *u;
	(void)state;

	assert_non_null(cf);
	u = cf->mmonits;
	assert_false(u->ssl);
	assert_string_equal(u->host, "127.0.0.1");
	assert_int_equal(u->port, 8080);
	assert_string_equal(u->path, "/collector");
	assert_string_equal(u->user, "mon");
	assert_string_equal(u->password, "pa%20ss");	/* as written, as Monit sends it */
	assert_int_equal(u->timeout_s, 30);
	u = u->next;
	assert_true(u->ssl);
	assert_string_equal(u->host, "::1");
	assert_int_equal(u->port, 443);
	assert_string_equal(u->path, "/collector");
	assert_null(u->user);
	assert_int_equal(u->timeout_s, 5);
	u = u->next;
	assert_string_equal(u->host, "m.example.org");
	assert_int_equal(u->port, 80);
	assert_null(u->next);
	assert_true(cf->mmonit_no_credentials);
	config_free(cf);

	assert_null(parse("set mmonit ftp://h/collector\n"));
	assert_non_null(strstr(errtext, "not an http:// or https:// URL"));
	assert_null(parse("set mmonit http://h:99999/collector\n"));
	assert_non_null(strstr(errtext, "the port is not 1 to 65535"));
	assert_null(parse("set mmonit http://user@h/collector\n"));
	assert_non_null(strstr(errtext, "user without ':password'"));
	assert_null(parse("set mmonit \"http://h/coll\r\nX: y\"\n"));
	assert_non_null(strstr(errtext, "control bytes or spaces"));
	assert_null(parse("set mmonit http://[::1/collector\n"));
	assert_non_null(strstr(errtext, "'[' without ']'"));
	assert_null(parse("set mmonit http://h%0d/collector\n"));
	assert_non_null(strstr(errtext, "the host has a byte"));
}

static void
test_groups_privsep_control(void **state)
{
	struct config *cf = parse(
	    "set group admins users admin, ops-lead\n"
	    "set group users users viewer1,viewer2\n"
	    "set privsep monitor user daemon webui nobody auth user nobody chroot /var/empty\n"
	    "set control socket /run/v/c.sock allow root allow @adm read-only\n");
	(void)state;

	assert_non_null(cf);
	assert_string_equal(cf->user_groups->name, "admins");
	assert_int_equal(cf->user_groups->nusers, 2);
	assert_string_equal(cf->user_groups->users[1], "ops-lead");
	assert_string_equal(cf->user_groups->next->users[0], "viewer1");
	assert_string_equal(cf->monitor_user, "daemon");
	assert_string_equal(cf->webui_user, "nobody");
	assert_string_equal(cf->auth_user, "nobody");
	assert_string_equal(cf->chroot_dir, "/var/empty");
	assert_string_equal(cf->control_socket, "/run/v/c.sock");
	assert_string_equal(cf->control_allow->name, "root");
	assert_false(cf->control_allow->is_group);
	assert_false(cf->control_allow->readonly);
	assert_string_equal(cf->control_allow->next->name, "adm");
	assert_true(cf->control_allow->next->is_group);
	assert_true(cf->control_allow->next->readonly);
	config_free(cf);
}

static void
test_privsep_and_control_users_resolve(void **state)
{
	(void)state;
	assert_null(parse("set privsep monitor user no_such_user_x\n"));
	assert_string_equal(errtext, "rc:1:26: error: unknown user 'no_such_user_x' in 'set privsep' "
	    "(no such user on this system; scripts/make-users.sh creates vigil's users)\n");
	assert_null(parse("set privsep webui root\n"));
	assert_string_equal(errtext, "rc:1:19: error: 'set privsep' user 'root' is root: each "
	    "process must run as its own unprivileged user\n");
	assert_null(parse("set control socket /run/c.sock allow no_such_user_x\n"));
	assert_non_null(strstr(errtext, "rc:1:38: error: unknown user 'no_such_user_x'"));
	assert_null(parse("set control socket /run/c.sock allow @no_such_group_x\n"));
	assert_non_null(strstr(errtext, "rc:1:38: error: unknown group 'no_such_group_x'"));
}

/* Finding 13: `users a,"",b` kept an empty name that the dump printed as
 * nothing and the re-parse dropped (the round-trip fuzzer died on it). */
static void
test_finding13_empty_names_rejected(void **state)
{
	(void)state;
	assert_null(parse("set group admins users a,\"\",b\n"));
	assert_string_equal(errtext, "rc:1:26: error: empty name in the user names after "
	    "'users'\n");
	assert_null(parse("set group admins users ''\n"));
	assert_string_equal(errtext, "rc:1:24: error: empty name in the user names after "
	    "'users'\n");
	assert_null(parse("set group \"\" users a\n"));
	assert_string_equal(errtext, "rc:1:11: error: empty group name after 'set group'\n");
	assert_null(parse("check process a matching x\n  depends on b, \"\"\n"
	    "check process b matching y\n"));
	assert_non_null(strstr(errtext, "rc:2:17: error: empty name in the service names after "
	    "'depends on'\n"));
}

static void
test_unknown_set(void **state)
{
	(void)state;
	assert_null(parse("\n  set daemonn 30\n"));
	assert_string_equal(errtext, "rc:2:7: error: unknown global statement 'set daemonn' "
	    "(expected daemon, init, logfile, pidfile, statefile, idfile, mailserver, mail-format, "
	    "alert, eventqueue, httpd, expectbuffer, fips, limits, ssl, mmonit, onreboot, group, "
	    "privsep or control socket)\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_daemon_and_files),
		cmocka_unit_test(test_logfile),
		cmocka_unit_test(test_logfile_chained),
		cmocka_unit_test(test_mailserver),
		cmocka_unit_test(test_alert_and_mail_format),
		cmocka_unit_test(test_eventqueue_expectbuffer_fips_limits),
		cmocka_unit_test(test_httpd),
		cmocka_unit_test(test_httpd_default_port_and_errors),
		cmocka_unit_test(test_mmonit_urls),
		cmocka_unit_test(test_groups_privsep_control),
		cmocka_unit_test(test_privsep_and_control_users_resolve),
		cmocka_unit_test(test_finding13_empty_names_rejected),
		cmocka_unit_test(test_unknown_set),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(errtext);
	return rc;
}
