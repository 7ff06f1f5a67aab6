/* Service tests: operators, units, cycles, actions, connection tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"
#include "tests/unit/parse_fixture.h"

static struct config *cf;

/* The first test of the only service of a config. */
static struct test *
one_test(const char *header, const char *line)
{
	char buf[2048];

	config_free(cf);
	snprintf(buf, sizeof(buf), "%s\n  %s\n", header, line);
	cf = parse(buf);
	if (!cf)
		fail_msg("%s: %s", line, errtext);
	assert_non_null(cf->services->tests);
	return cf->services->tests;
}

#define PROC "check process p with pidfile /run/p.pid\n  start program = \"/bin/true\""
#define SYS "check system s"
#define FILEC "check file f with path /etc/hosts"
#define FS "check filesystem fs with path /"
#define HOST "check host h with address 127.0.0.1"

static void
test_resources_and_units(void **state)
{
	struct test *t;
	(void)state;

	t = one_test(PROC, "if cpu > 80% for 3 cycles then alert");
	assert_int_equal(t->kind, TEST_RESOURCE);
	assert_int_equal(t->resource, RES_CPU);
	assert_int_equal(t->op, OP_GT);
	assert_int_equal(t->unit, UNIT_PERCENT);
	assert_int_equal(t->value, 8000);
	assert_int_equal(t->act.failed_cycles.count, 3);
	assert_int_equal(t->act.failed_cycles.within, 3);
	assert_int_equal(t->act.failed.kind, ACTION_ALERT);

	t = one_test(PROC, "if totalmem > 1.5 GB for 2 times within 5 cycles then restart");
	assert_int_equal(t->resource, RES_TOTAL_MEMORY);
	assert_int_equal(t->unit, UNIT_BYTES);
	assert_int_equal(t->value, 1610612736);
	assert_int_equal(t->act.failed_cycles.count, 2);
	assert_int_equal(t->act.failed_cycles.within, 5);
	assert_int_equal(t->act.failed.kind, ACTION_RESTART);

	t = one_test(PROC, "if mem is greater than 100MB then stop");
	assert_int_equal(t->resource, RES_MEMORY);
	assert_int_equal(t->value, 100 * 1024 * 1024);
	assert_int_equal(t->op, OP_GT);

	t = one_test(PROC, "if children >= 200 then alert");
	assert_int_equal(t->resource, RES_CHILDREN);
	assert_int_equal(t->unit, UNIT_COUNT);
	assert_int_equal(t->op, OP_GE);
	assert_int_equal(t->value, 200);

	t = one_test(SYS, "if loadavg (5min) greater than 10.5 then alert");
	assert_int_equal(t->resource, RES_LOADAVG_5);
	assert_int_equal(t->value, 1050);

	t = one_test(SYS, "if cpu usage (wait) > 20% then alert");
	assert_int_equal(t->resource, RES_CPU_WAIT);

	t = one_test(SYS, "if swap usage < 25 % then alert");
	assert_int_equal(t->resource, RES_SWAP);
	assert_int_equal(t->op, OP_LT);
	assert_int_equal(t->value, 2500);

	t = one_test(SYS, "if memory != 75% then alert");
	assert_int_equal(t->op, OP_NE);
	t = one_test(SYS, "if memory <> 75% then alert");
	assert_int_equal(t->op, OP_NE);
	t = one_test(SYS, "if memory eq 75% then alert");
	assert_int_equal(t->op, OP_EQ);
	t = one_test(SYS, "if uptime < 1 hour then alert");
	assert_int_equal(t->kind, TEST_UPTIME);
	assert_int_equal(t->value, 3600);
	assert_int_equal(t->unit, UNIT_SECONDS);
}

static void
test_file_tests(void **state)
{
	struct test *t;
	(void)state;

	t = one_test(FILEC, "if failed checksum and expect the sum 8f7f419955cefa0b33a2ba316cba3659 "
	    "then unmonitor");
	assert_int_equal(t->kind, TEST_CHECKSUM);
	assert_int_equal(t->hash, HASH_MD5);
	assert_string_equal(t->expect, "8f7f419955cefa0b33a2ba316cba3659");
	assert_int_equal(t->act.failed.kind, ACTION_UNMONITOR);

	t = one_test(FILEC, "if changed sha1 checksum then alert");
	assert_int_equal(t->op, OP_CHANGED);
	assert_int_equal(t->hash, HASH_SHA1);
	assert_null(t->expect);

	t = one_test(FILEC, "if failed permission 0644 then alert");
	assert_int_equal(t->kind, TEST_PERMISSION);
	assert_int_equal(t->perm, 0644);

	t = one_test(FILEC, "if failed uid root then alert");
	assert_int_equal(t->kind, TEST_UID);
	assert_int_equal(t->value, 0);
	assert_string_equal(t->owner, "root");

	t = one_test(FILEC, "if failed gid disk then alert");	/* a keyword as value */
	assert_int_equal(t->kind, TEST_GID);
	assert_string_equal(t->owner, "disk");

	t = one_test(FILEC, "if timestamp > 7 days then alert");
	assert_int_equal(t->kind, TEST_TIMESTAMP);
	assert_int_equal(t->value, 7 * 86400);
	t = one_test(FILEC, "if timestamp was changed then alert");
	assert_int_equal(t->op, OP_CHANGED);
	t = one_test(FILEC, "if changed timestamp then exec \"/etc/init.d/httpd graceful\"");
	assert_int_equal(t->op, OP_CHANGED);
	assert_int_equal(t->act.failed.kind, ACTION_EXEC);
	assert_string_equal(t->act.failed.exec->argv[1], "graceful");

	t = one_test(FILEC, "if size > 50 MB then alert");
	assert_int_equal(t->kind, TEST_SIZE);
	assert_int_equal(t->value, 50 * 1024 * 1024);
	t = one_test(FILEC, "if size != 95564 then alert");
	assert_int_equal(t->value, 95564);
	assert_int_equal(t->unit, UNIT_BYTES);

	t = one_test(FILEC, "if does not exist for 5 cycles then alert");
	assert_int_equal(t->kind, TEST_EXIST);
	assert_int_equal(t->op, OP_NE);
	assert_int_equal(t->act.failed_cycles.count, 5);
	t = one_test(FILEC, "if not exist then alert");
	assert_int_equal(t->kind, TEST_EXIST);

	t = one_test(FILEC, "ignore match \"monit\"");
	assert_int_equal(t->kind, TEST_MATCH);
	assert_int_equal(t->subkind, 1);
	assert_string_equal(t->regex, "monit");
	assert_int_equal(t->act.failed.kind, ACTION_IGNORE);
	t = one_test(FILEC, "if not match \"^ok\" then alert");
	assert_true(t->match_not);
	t = one_test(FILEC, "ignore content = \"sshd\"");
	assert_int_equal(t->kind, TEST_MATCH);
	assert_int_equal(t->subkind, 1);
	assert_false(t->match_not);
	assert_string_equal(t->regex, "sshd");
	assert_int_equal(t->act.failed.kind, ACTION_IGNORE);
	t = one_test(FILEC, "ignore content != \"sshd\"");
	assert_true(t->match_not);
	assert_int_equal(t->subkind, 1);
	t = one_test(FILEC, "ignore not match \"x\"");
	assert_true(t->match_not);
	assert_int_equal(t->subkind, 1);
	t = one_test(FILEC, "if content != \"^ok\" then alert");
	assert_true(t->match_not);
	assert_int_equal(t->subkind, 0);
}

/* A pattern file is read while parsing (as Monit does): its lines become the
 * test's patterns; a missing file or a bad pattern is an error naming the
 * file and its line. */
static void
test_match_pattern_files(void **state)
{
	char dir[] = "/tmp/vigil-pat.XXXXXX", path[64], rc[256];
	struct test *t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/white", dir);
	f = fopen(path, "w");
	fputs("10\\.0\\.0\\.1\r\n\n   \n192\\.168\\.\n", f);
	fclose(f);
	snprintf(rc, sizeof(rc), "ignore match \"%s\"", path);
	t = one_test(FILEC, rc);
	assert_null(t->regex);
	assert_string_equal(t->match_path, path);
	assert_int_equal(t->patterns.n, 2);
	assert_string_equal(t->patterns.pattern[0], "10\\.0\\.0\\.1");
	assert_int_equal(t->patterns.line[1], 4);
	snprintf(rc, sizeof(rc), "if content = %s then alert", path);
	t = one_test(FILEC, rc);
	assert_int_equal(t->patterns.n, 2);
	assert_int_equal(t->subkind, 0);

	/* a bad pattern: the file and line in the message */
	f = fopen(path, "w");
	fputs("fine\nbro(ken\n", f);
	fclose(f);
	config_free(cf);
	snprintf(rc, sizeof(rc), FILEC "\n  if match %s then alert\n", path);
	cf = parse(rc);
	assert_null(cf);
	assert_non_null(strstr(errtext, "white:2"));
	/* missing, empty, a directory */
	unlink(path);
	cf = parse(rc);
	assert_null(cf);
	assert_non_null(strstr(errtext, "cannot read the pattern file"));
	f = fopen(path, "w");
	fclose(f);
	cf = parse(rc);
	assert_null(cf);
	assert_non_null(strstr(errtext, "no pattern"));
	unlink(path);
	snprintf(rc, sizeof(rc), FILEC "\n  if match %s then alert\n", dir);
	cf = parse(rc);
	assert_null(cf);
	assert_non_null(strstr(errtext, "not a regular file"));
	rmdir(dir);
}

static void
test_filesystem_tests(void **state)
{
	struct test *t;
	(void)state;

	t = one_test(FS, "if space usage > 80 % then alert");
	assert_int_equal(t->kind, TEST_SPACE);
	assert_int_equal(t->subkind, 0);
	assert_int_equal(t->value, 8000);
	t = one_test(FS, "if space free < 1 GB then alert");
	assert_int_equal(t->subkind, 1);
	assert_int_equal(t->unit, UNIT_BYTES);
	t = one_test(FS, "if inode free < 1000 then alert");
	assert_int_equal(t->kind, TEST_INODE);
	assert_int_equal(t->unit, UNIT_COUNT);
	t = one_test(FS, "if changed fsflags then alert");
	assert_int_equal(t->kind, TEST_FSFLAGS);
}

static void
test_else_if_succeeded_and_actions(void **state)
{
	struct test *t;
	(void)state;

	t = one_test(FS, "if space usage > 80% for 5 times within 15 cycles\n"
	    "    then alert else if succeeded for 10 cycles then exec \"/bin/echo ok\"");
	assert_int_equal(t->act.failed_cycles.count, 5);
	assert_int_equal(t->act.failed_cycles.within, 15);
	assert_true(t->act.has_succeeded);
	assert_int_equal(t->act.succeeded_cycles.count, 10);
	assert_int_equal(t->act.succeeded.kind, ACTION_EXEC);

	/* "then" is a noise word: the action may follow directly */
	t = one_test(PROC, "if failed port 80 restart");
	assert_int_equal(t->act.failed.kind, ACTION_RESTART);
	t = one_test(PROC, "if cpu > 90% for 2 cycles alert");
	assert_int_equal(t->act.failed.kind, ACTION_ALERT);
	assert_int_equal(t->act.failed_cycles.count, 2);

	t = one_test(PROC, "if 3 restarts within 5 cycles then timeout");
	assert_int_equal(t->kind, TEST_RESTARTS);
	assert_int_equal(t->restarts, 3);
	assert_int_equal(t->restart_cycles, 5);
	assert_int_equal(t->act.failed.kind, ACTION_UNMONITOR);	/* 5.x "timeout" */

	t = one_test(PROC, "if failed port 80 then exec \"/bin/x\" as uid 0 and repeat every 3 cycles");
	assert_int_equal(t->act.failed.exec->uid, 0);
	assert_int_equal(t->act.failed.repeat_cycles, 3);

	t = one_test("check program prog with path /bin/true", "if status = 3 for 5 cycles then alert");
	assert_int_equal(t->kind, TEST_STATUS);
	assert_int_equal(t->op, OP_EQ);
	assert_int_equal(t->value, 3);
}

static void
test_connections(void **state)
{
	struct test *t;
	struct connection *c;
	(void)state;

	t = one_test(PROC, "if failed host www.sol.no port 80 protocol http\n"
	    "     and request \"/login.cgi\" with hostheader \"example.com\" with timeout 15 seconds "
	    "retry 2 then restart");
	c = t->conn;
	assert_int_equal(t->kind, TEST_CONNECTION);
	assert_string_equal(c->host, "www.sol.no");
	assert_int_equal(c->port, 80);
	assert_string_equal(c->protocol, "http");
	assert_string_equal(c->request, "/login.cgi");
	assert_string_equal(c->hostheader, "example.com");
	assert_int_equal(c->timeout_s, 15);
	assert_int_equal(c->retry, 2);

	t = one_test(PROC, "if failed port 53 use type udp protocol dns then restart");
	assert_int_equal(t->conn->type, CONN_UDP);
	assert_null(t->conn->host);

	t = one_test(PROC, "if failed port 443 type tcpssl certmd5 12-34 protocol https then alert");
	assert_int_equal(t->conn->type, CONN_TCPSSL);
	assert_true(t->conn->ssl);
	assert_string_equal(t->conn->certmd5, "12-34");

	t = one_test(PROC, "if failed unix /var/run/sophie then restart");
	assert_string_equal(t->conn->unix_path, "/var/run/sophie");
	assert_int_equal(t->conn->port, 0);

	t = one_test(HOST, "if failed port 4040\n"
	    "     send \"\\0xFF\\0x00get\\r\\n\"\n     expect \"See you [A-Za-z ]+\\r\\n\"\n  then restart");
	c = t->conn;
	assert_non_null(c->sendexpect);
	assert_true(c->sendexpect->is_send);
	assert_int_equal(c->sendexpect->len, 7);
	assert_memory_equal(c->sendexpect->data, "\xff\x00get\r\n", 7);
	assert_false(c->sendexpect->next->is_send);
	/* expect keeps regex escapes for the regex engine */
	assert_string_equal(c->sendexpect->next->data, "See you [A-Za-z ]+\\r\\n");

	t = one_test(HOST, "if failed url http://user:pw@www.foo.bar:8080/login?q=1 "
	    "and content == 'up' timeout 10 seconds then alert");
	c = t->conn;
	assert_string_equal(c->host, "www.foo.bar");
	assert_int_equal(c->port, 8080);
	assert_string_equal(c->request, "/login?q=1");
	assert_string_equal(c->username, "user");
	assert_string_equal(c->password, "pw");
	assert_string_equal(c->content_regex, "up");
	assert_false(c->content_not);
	assert_int_equal(c->timeout_s, 10);

	t = one_test(HOST, "if failed url https://[::1]:8443/ then alert");
	assert_string_equal(t->conn->host, "::1");
	assert_int_equal(t->conn->port, 8443);
	assert_true(t->conn->ssl);
	config_free(cf);
	cf = NULL;
	assert_null(parse(HOST "\n  if failed url http://[::1]:99999/ then alert\n"));
	assert_non_null(strstr(errtext, "has a bad port (expected 1..65535)"));
	assert_null(parse(HOST "\n  if failed url ftp://x/ then alert\n"));
	assert_non_null(strstr(errtext, "must start with http:// or https://"));

	t = one_test(HOST, "if failed port 5060 type udp protocol SIP and target me@foo.bar "
	    "maxforward 10 then alert");
	c = t->conn;
	assert_string_equal(c->protocol, "sip");
	assert_string_equal(c->options->name, "target");
	assert_string_equal(c->options->value, "me@foo.bar");
	assert_string_equal(c->options->next->name, "maxforward");

	t = one_test(HOST, "if failed port 80 protocol http and request \"/x.tar.gz\" "
	    "with checksum f9d26b8393736b5dfad837bb13780786 then alert");
	assert_string_equal(t->conn->checksum, "f9d26b8393736b5dfad837bb13780786");
}

static void
test_icmp(void **state)
{
	struct test *t;
	(void)state;

	t = one_test(HOST, "if failed icmp type echo count 5 with timeout 15 seconds then alert");
	assert_int_equal(t->kind, TEST_ICMP);
	assert_int_equal(t->icmp_count, 5);
	assert_int_equal(t->icmp_timeout_s, 15);
	t = one_test(HOST, "if failed icmp type echo then alert");
	assert_int_equal(t->icmp_count, 3);
	t = one_test(HOST, "if icmp type echo with timeout 5 seconds then alert");	/* seed 000 */
	assert_int_equal(t->icmp_timeout_s, 5);

	config_free(cf);
	cf = NULL;
	assert_null(parse(HOST "\n  if failed icmp type echo count 0 then alert\n"));
	assert_string_equal(errtext, "rc:2:34: error: ping count out of range: 0 (expected 1..20)\n");
}

static void
test_network(void **state)
{
	struct test *t;
	(void)state;

	t = one_test("check network n with interface eth0", "if failed link then alert");
	assert_int_equal(t->kind, TEST_LINK);
	assert_int_equal(t->subkind, 0);
	t = one_test("check network n with interface eth0", "if saturation > 90% then alert");
	assert_int_equal(t->subkind, 2);
	t = one_test("check network n with interface eth0",
	    "if total downloaded > 1 GB in last 2 hours then alert");
	assert_int_equal(t->kind, TEST_LINK);
	assert_int_equal(t->subkind, 6);
	assert_int_equal(t->value, 1073741824);
	assert_int_equal(t->window_s, 7200);
	t = one_test("check network n with interface eth0", "if upload > 10 MB/s then alert");
	assert_int_equal(t->subkind, 3);
	assert_int_equal(t->value, 10 * 1024 * 1024);
}

/* Forms Monit 5.33 accepts that vigil refused: process owners, filesystem
 * I/O, packets of network rates. */
static void
test_533_owner_io_packets(void **state)
{
	struct test *t;
	(void)state;

	t = one_test(PROC, "if failed uid root then alert");
	assert_int_equal(t->kind, TEST_UID);
	assert_int_equal(t->subkind, 0);
	t = one_test(PROC, "if failed euid 0 then alert");
	assert_int_equal(t->kind, TEST_UID);
	assert_int_equal(t->subkind, 1);
	assert_int_equal(t->value, 0);
	t = one_test(PROC, "if failed gid root then alert");
	assert_int_equal(t->kind, TEST_GID);

	t = one_test(FS, "if read rate > 1 MB/s for 5 cycles then alert");
	assert_int_equal(t->kind, TEST_DISKIO);
	assert_int_equal(t->subkind, 0);
	assert_int_equal(t->unit, UNIT_BYTES);
	assert_int_equal(t->value, 1024 * 1024);
	assert_int_equal(t->act.failed_cycles.count, 5);
	t = one_test(FS, "if write rate > 500 operations/s then alert");
	assert_int_equal(t->subkind, 1);
	assert_int_equal(t->unit, UNIT_COUNT);
	assert_int_equal(t->value, 500);
	t = one_test(FS, "if service time > 10 milliseconds for 3 cycles then alert");
	assert_int_equal(t->subkind, 2);
	assert_int_equal(t->value, 10);
	t = one_test(FS, "if service time > 2 seconds then alert");
	assert_int_equal(t->value, 2000);

	t = one_test("check network n with interface lo", "if upload > 1000 packets/s then alert");
	assert_int_equal(t->kind, TEST_LINK);
	assert_int_equal(t->subkind, 3);
	assert_int_equal(t->unit, UNIT_COUNT);
	assert_int_equal(t->value, 1000);
	t = one_test("check network n with interface lo",
	    "if download > 10 packets per second then alert");
	assert_int_equal(t->subkind, 4);
	assert_int_equal(t->unit, UNIT_COUNT);

	t = one_test(PROC, "if filedescriptors > 800 then alert");
	assert_int_equal(t->kind, TEST_RESOURCE);
	assert_int_equal(t->resource, RES_FDS);
	assert_int_equal(t->unit, UNIT_COUNT);
	assert_int_equal(t->value, 800);
	t = one_test(PROC, "if total filedescriptors > 2000 then alert");
	assert_int_equal(t->resource, RES_TOTAL_FDS);
	assert_int_equal(t->unit, UNIT_COUNT);
	t = one_test(PROC, "if filedescriptors > 80% then alert");
	assert_int_equal(t->unit, UNIT_PERCENT);
	t = one_test(SYS, "if filedescriptors > 80% then alert");
	assert_int_equal(t->resource, RES_FDS);

	/* a process's I/O: "read rate" is every byte (subkind 3), "disk read" storage */
	t = one_test(PROC, "if read rate > 10 MB/s then alert");
	assert_int_equal(t->kind, TEST_DISKIO);
	assert_int_equal(t->subkind, 3);
	t = one_test(PROC, "if disk write > 1 MB/s then alert");
	assert_int_equal(t->subkind, 1);
	assert_int_equal(t->unit, UNIT_BYTES);
	t = one_test(PROC, "if disk read rate > 100 operations/s then alert");
	assert_int_equal(t->subkind, 0);
	assert_int_equal(t->unit, UNIT_COUNT);
	assert_null(strstr(errtext, "not evaluated"));

	/* an euid on a file makes no sense: a clear error */
	config_free(cf);
	cf = parse(FILEC "\n  if failed euid root then alert\n");
	assert_null(cf);
	assert_non_null(strstr(errtext, "euid test is valid only for check process"));
	/* a rate needs a unit of rates */
	cf = parse(FS "\n  if read rate > 10 seconds then alert\n");
	assert_null(cf);
}

/* Token classes Monit's lexer accepts: <addr>, http headers [...], and
 * "key : value" in ssl blocks. */
static void
test_monit_token_classes(void **state)
{
	struct test *t;
	struct config_option *o;
	(void)state;

	config_free(cf);
	cf = parse("set alert <ops@example.com>\nset alert <b@example.com> not on { instance }\n"
	    FILEC "\n  alert <c@example.com>\n");
	if (!cf)
		fail_msg("%s", errtext);
	assert_string_equal(cf->alerts->address, "ops@example.com");
	assert_string_equal(cf->alerts->next->address, "b@example.com");
	assert_true(cf->alerts->next->events_not);
	assert_string_equal(cf->services->alerts->address, "c@example.com");
	config_free(cf);
	cf = parse("set alert <ops@example.com\n");
	assert_null(cf);

	t = one_test(HOST, "if failed port 80 protocol http request \"/\" http headers "
	    "[Host: www.example.com, Referer: www.foo.com, X-Two: a b] then alert");
	assert_string_equal(t->conn->request, "/");
	/* every header is sent as written, Host included (proto_http.c) */
	o = t->conn->options;
	assert_string_equal(o->name, "header");
	assert_string_equal(o->value, "Host: www.example.com");
	assert_string_equal(o->next->value, "Referer: www.foo.com");
	assert_string_equal(o->next->next->value, "X-Two: a b");
	assert_null(strstr(errtext, "not sent yet"));
	t = one_test(HOST, "if failed port 80 protocol http with http headers "
	    "[\"Host: a.example\", \"Accept: text/html\"] and request /x then alert");
	assert_string_equal(t->conn->options->value, "Host: a.example");
	assert_string_equal(t->conn->options->next->value, "Accept: text/html");
	assert_string_equal(t->conn->request, "/x");
	/* a header that is not "Name: value", an unclosed list */
	config_free(cf);
	cf = parse(HOST "\n  if failed port 80 protocol http http headers [nocolon] then alert\n");
	assert_null(cf);
	assert_non_null(strstr(errtext, "expected Name: value"));
	cf = parse(HOST "\n  if failed port 80 protocol http http headers [Host: a\n");
	assert_null(cf);

	config_free(cf);
	cf = parse("set ssl { verify : enable, selfsigned : allow }\n");
	if (!cf)
		fail_msg("%s", errtext);
	assert_string_equal(cf->ssl_options->name, "verify");
	assert_string_equal(cf->ssl_options->value, "enable");
	assert_string_equal(cf->ssl_options->next->name, "selfsigned");
	assert_string_equal(cf->ssl_options->next->value, "allow");
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
		cmocka_unit_test_teardown(test_resources_and_units, teardown),
		cmocka_unit_test_teardown(test_file_tests, teardown),
		cmocka_unit_test_teardown(test_match_pattern_files, teardown),
		cmocka_unit_test_teardown(test_533_owner_io_packets, teardown),
		cmocka_unit_test_teardown(test_monit_token_classes, teardown),
		cmocka_unit_test_teardown(test_filesystem_tests, teardown),
		cmocka_unit_test_teardown(test_else_if_succeeded_and_actions, teardown),
		cmocka_unit_test_teardown(test_connections, teardown),
		cmocka_unit_test_teardown(test_icmp, teardown),
		cmocka_unit_test_teardown(test_network, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(errtext);
	return rc;
}
