/* config_dump: the normalised configuration auditors read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config.h"
#include "monitor/parse.h"

static char *
dump(const char *text)
{
	struct parse_opts o = { 0 };
	struct config *cf;
	char *out = NULL;
	size_t len;
	FILE *f;
	int nerr;

	o.errout = stderr;
	cf = config_parse_string(text, "rc", &o, &nerr);
	assert_non_null(cf);
	f = open_memstream(&out, &len);
	config_dump(cf, f);
	fclose(f);
	config_free(cf);
	return out;
}

static void
test_passwords_hidden(void **state)
{
	char *out = dump(
	    "set mailserver mail.example.com username \"u\" password \"mailsecret\"\n"
	    "set httpd port 2812 allow admin:websecret\n"
	    "check host h with address 127.0.0.1\n"
	    "  if failed port 3306 protocol mysql username \"db\" password \"dbsecret\" then alert\n"
	    "  if failed url http://user:urlsecret@example.com/ then alert\n"
	    "  if failed port 1812 type udp protocol radius secret radsecret then alert\n");
	(void)state;

	assert_null(strstr(out, "mailsecret"));
	assert_null(strstr(out, "websecret"));
	assert_null(strstr(out, "dbsecret"));
	assert_null(strstr(out, "urlsecret"));
	assert_null(strstr(out, "radsecret"));
	assert_non_null(strstr(out, "allow admin:******** readwrite\n"));
	assert_non_null(strstr(out, " password \"********\""));
	assert_non_null(strstr(out, "url http://user:********@example.com/"));
	free(out);
}

static void
test_normalised_form(void **state)
{
	char *out = dump(
	    "SET DAEMON 60\nset logfile syslog facility LOG_LOCAL5\n"
	    "Check Process web With Pidfile /run/web.pid\n"
	    "  start program = \"/usr/sbin/web -c '/etc/web conf'\" as uid 0 with timeout 10 seconds\n"
	    "  if totalmem is greater than 1 GB for 2 cycles then restart\n"
	    "  if failed port 80 protocol http then restart else if succeeded then alert\n"
	    "  depends on cfg\n"
	    "check file cfg with path /etc/web.conf\n"
	    "  if changed checksum then alert\n");
	(void)state;

	assert_non_null(strstr(out, "set daemon 60\n"));
	assert_non_null(strstr(out, "set logfile syslog facility log_local5\n"));
	assert_non_null(strstr(out, "set pidfile \"/run/vigil/vigild.pid\"\n"));
	assert_non_null(strstr(out, "\ncheck process \"web\" pidfile \"/run/web.pid\"\n"));
	assert_non_null(strstr(out, "    start program \"/usr/sbin/web -c '/etc/web conf'\" as uid 0 "
	    "timeout 10 seconds\n"));
	assert_non_null(strstr(out, "    if totalmemory > 1073741824 B 2 times within 2 cycles "
	    "then restart\n"));
	assert_non_null(strstr(out, "    if failed host localhost port 80 type tcp protocol http "
	    "timeout 5 seconds then restart else if succeeded then alert\n"));
	assert_non_null(strstr(out, "    depends on cfg\n"));
	assert_non_null(strstr(out, "    if changed md5 checksum then alert\n"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwords_hidden),
		cmocka_unit_test(test_normalised_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
