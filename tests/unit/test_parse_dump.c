/* config_dump: the normalised configuration auditors read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

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
	assert_non_null(strstr(out, "set pidfile \"/run/vigild.pid\"\n"));
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

/* "chained" survives the dump (the dump is parsed again by the fuzzer). */
static void
test_logfile_chained(void **state)
{
	char *out = dump("set logfile /var/log/vigil.log chained\n");

	(void)state;
	assert_non_null(strstr(out, "set logfile \"/var/log/vigil.log\" chained\n"));
	free(out);
	out = dump("set logfile /var/log/vigil.log\n");
	assert_non_null(strstr(out, "set logfile \"/var/log/vigil.log\"\n"));
	free(out);
}

/* The dump without its "# file:" lines (they name where it came from). */
static char *
dump_cf(const struct config *cf)
{
	char *out = NULL, *r, *w;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	config_dump(cf, f);
	fclose(f);
	for (r = w = out; *r;) {
		char *nl = strchr(r, '\n');
		size_t n = nl ? (size_t)(nl - r + 1) : strlen(r);
		if (strncmp(r, "# file:", 7) != 0) {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	*w = '\0';
	return out;
}

/* The normalised form is itself a control file: parsing it gives the same
 * configuration (dumping it again gives the same text), for every config of
 * the differential corpus that parses. */
static void
test_dump_round_trip(void **state)
{
	struct dirent **ents;
	int n, i, checked = 0;
	(void)state;

	n = scandir("tests/differential/configs", &ents, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		struct parse_opts o = { 0 };
		struct config *cf, *cf2;
		char path[512], *first, *second;
		int nerr;

		snprintf(path, sizeof(path), "tests/differential/configs/%s", ents[i]->d_name);
		free(ents[i]);
		if (!strstr(path, ".rc"))
			continue;
		o.errout = fopen("/dev/null", "w");
		cf = config_parse(path, &o, &nerr);
		if (!cf) {
			fclose(o.errout);
			continue;
		}
		first = dump_cf(cf);
		config_free(cf);
		cf2 = config_parse_string(first, "dump", &o, &nerr);
		fclose(o.errout);
		if (!cf2) {
			o.errout = stderr;
			config_parse_string(first, "dump", &o, &nerr);
			fail_msg("the dump of %s does not parse:\n%s", path, first);
		}
		second = dump_cf(cf2);
		config_free(cf2);
		if (strcmp(first, second) != 0)
			fail_msg("the dump of %s changes when parsed again:\n%s\n---\n%s", path,
			    first, second);
		free(first);
		free(second);
		checked++;
	}
	free(ents);
	print_message("%d configurations round-trip through config_dump\n", checked);
	assert_true(checked > 100);
}

/* Finding 13: names the lexer would split or read as a keyword ("a b",
 * "then") were dumped bare, so the dump parsed to another configuration. */
static void
test_finding13_group_names_round_trip(void **state)
{
	struct parse_opts o = { 0 };
	struct config *cf;
	char *first;
	int nerr;
	(void)state;

	/* "the": a noise word the parser skips when bare (fuzz_parser_roundtrip) */
	first = dump("set group \"ops team\" users alice, \"b c\", \"then\", \"users\", "
	    "\"the\"\n");
	assert_non_null(strstr(first, "set group \"ops team\" users alice, \"b c\", \"then\", "
	    "\"users\", \"the\"\n"));
	o.errout = stderr;
	cf = config_parse_string(first, "dump", &o, &nerr);
	assert_non_null(cf);
	assert_string_equal(cf->user_groups->name, "ops team");
	assert_int_equal(cf->user_groups->nusers, 5);
	assert_string_equal(cf->user_groups->users[1], "b c");
	assert_string_equal(cf->user_groups->users[2], "then");
	assert_string_equal(cf->user_groups->users[4], "the");
	config_free(cf);
	free(first);
}

/* fuzz_parser_roundtrip: a mail server named like a keyword of its own
 * statement ("password", "allow") was dumped bare and read back as that
 * keyword. */
static void
test_mailserver_keyword_names_round_trip(void **state)
{
	struct parse_opts o = { 0 };
	struct config *cf;
	char *first;
	int nerr;
	(void)state;

	first = dump("set mailserver a.example, \"password\", \"allow\", \"port\"\n");
	assert_non_null(strstr(first, "set mailserver a.example port 25,\n    \"password\" port 25,\n"
	    "    \"allow\" port 25,\n    \"port\" port 25\n"));
	o.errout = stderr;
	cf = config_parse_string(first, "dump", &o, &nerr);
	assert_non_null(cf);
	assert_int_equal(nerr, 0);
	assert_string_equal(cf->mailservers->next->host, "password");
	assert_string_equal(cf->mailservers->next->next->next->host, "port");
	assert_null(cf->mailservers->next->password);
	config_free(cf);
	free(first);
}

/* fuzz_parser: an ssl option without a value was kept with a NULL value
 * after the error, and the notes read it. */
static void
test_option_without_value_not_kept(void **state)
{
	struct parse_opts o = { 0 };
	struct config *cf;
	int nerr = 0;
	(void)state;

	o.errout = fopen("/dev/null", "w");
	o.notes = true;		/* vigil -t's notes read every ssl option */
	cf = config_parse_string("set ssl { verify : }\n"
	    "check host h with address 127.0.0.1\n"
	    "    if failed port 443 protocol https then alert\n",
	    "rc", &o, &nerr);
	fclose(o.errout);
	assert_true(nerr > 0);
	config_free(cf);
}

/* Every event name the parser reads comes back in the dump: the dump kept
 * its own copy of the list, without vigil's "access", and printed
 * "only on { access }" as "on { }" (which then means every event). */
static void
test_every_event_name_round_trips(void **state)
{
	char rc[1024], *out;
	(void)state;

	for (unsigned i = 0; event_name(i) != NULL; i++) {
		snprintf(rc, sizeof(rc), "set alert a@example.com only on { %s }\n",
		    event_name(i));
		out = dump(rc);
		if (strstr(out, event_name(i)) == NULL || strstr(out, "on { }") != NULL)
			fail_msg("%s: dumped as\n%s", event_name(i), out);
		free(out);
	}
	out = dump("set alert a@example.com only on { access, nonexist }\n");
	assert_non_null(strstr(out, "on { nonexist, access }"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwords_hidden),
		cmocka_unit_test(test_normalised_form),
		cmocka_unit_test(test_logfile_chained),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_finding13_group_names_round_trip),
		cmocka_unit_test(test_mailserver_keyword_names_round_trip),
		cmocka_unit_test(test_option_without_value_not_kept),
		cmocka_unit_test(test_every_event_name_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
