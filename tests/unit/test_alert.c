/* Alerts without a network: mail-format expansion and Monit's default
 * layout, recipient filters (only on, not on, noalert, local over global,
 * reminders), and the event queue's files (round trip, corrupt, truncated,
 * wrong version, planted symlinks, event order). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/alert/alert.h"
#include "monitor/core/state.h"
#include "parse_fixture.h"

static const struct mail_vars VARS = {
	.service = "apache", .event = "Does not exist", .action = "restart",
	.description = "process is not running", .host = "www.example.org",
	.date = 1062635583,	/* Thu, 04 Sep 2003 00:33:03 UTC */
};

static void
test_expand_every_variable(void **state)
{
	char *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	s = mail_expand("$SERVICE|$EVENT|$ACTION|$DESCRIPTION|$HOST|$DATE|$OTHER $",
	    &VARS, false);
	assert_string_equal(s, "apache|Does not exist|restart|process is not running|"
	    "www.example.org|Thu, 04 Sep 2003 00:33:03 +0000|$OTHER $");
	free(s);
}

/* A description (from a watched log line, say) cannot add header lines. */
static void
test_header_injection(void **state)
{
	struct mail_vars v = VARS;
	char from[256];
	size_t len;
	char *msg;

	(void)state;
	v.description = "x\r\nBcc: victim@example.com";
	msg = mail_compose(&v, "subject: $DESCRIPTION\nmessage: $DESCRIPTION\n", NULL,
	    "ops@example.com", 7, from, sizeof(from), &len);
	assert_non_null(strstr(msg, "Subject: x  Bcc: victim@example.com\n"));
	*strstr(msg, "\n\n") = '\0';	/* the headers only */
	assert_null(strstr(msg, "\nBcc:"));
	free(msg);
}

static void
test_default_layout_is_monits(void **state)
{
	char from[256];
	size_t len;
	char *msg;

	(void)state;
	setenv("TZ", "UTC", 1);
	msg = mail_compose(&VARS, NULL, NULL, "hauk@example.com", 1, from,
	    sizeof(from), &len);
	assert_int_equal(len, strlen(msg));
	assert_string_equal(from, "monit@www.example.org");
	assert_non_null(strstr(msg, "Date: Thu, 04 Sep 2003 00:33:03 +0000\n"));
	assert_non_null(strstr(msg, "\nFrom: monit@www.example.org\n"));
	assert_non_null(strstr(msg, "\nTo: hauk@example.com\n"));
	assert_non_null(strstr(msg, "\nSubject: monit alert --  Does not exist apache\n"));
	assert_non_null(strstr(msg, "\n\nDoes not exist Service apache \n\n"
	    "\tDate:        Thu, 04 Sep 2003 00:33:03 +0000\n"
	    "\tAction:      restart\n\tHost:        www.example.org\n"
	    "\tDescription: process is not running\n\n"
	    "Your faithful employee,\nMonit\n"));
	free(msg);
}

/* Recipient format over global format over the default, field by field. */
static void
test_formats_merge_by_field(void **state)
{
	char from[256];
	size_t len;
	char *msg;

	(void)state;
	msg = mail_compose(&VARS, "subject: local $SERVICE",
	    "from: Bofh <bofh@bar.baz>\n reply-to: help@bar.baz\nsubject: global\n"
	    "message: Monit $ACTION $SERVICE on $HOST.\n  Yours sincerely,\n  monit\n",
	    "x@y", 1, from, sizeof(from), &len);
	assert_string_equal(from, "bofh@bar.baz");
	assert_non_null(strstr(msg, "\nFrom: Bofh <bofh@bar.baz>\n"));
	assert_non_null(strstr(msg, "\nReply-To: help@bar.baz\n"));
	assert_non_null(strstr(msg, "\nSubject: local apache\n"));
	assert_non_null(strstr(msg, "\n\nMonit restart apache on www.example.org.\n"
	    "  Yours sincerely,\n  monit\n"));
	free(msg);
}

static const char *
names(const struct config *cf, const struct alert_event *ev, char *buf, size_t len)
{
	const struct alert_recipient *r[16];
	size_t n = alert_recipients(cf, ev, r, 16);

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(buf, r[i]->address, len - strlen(buf) - 1);
		strncat(buf, " ", len - strlen(buf) - 1);
	}
	return buf;
}

static void
test_filters(void **state)
{
	struct config *cf;
	struct test t = { .kind = TEST_EXIST, .op = OP_NE };
	struct alert_event ev = { .state = ALERT_FAILED, .test = &t };
	char buf[256];

	(void)state;
	cf = parse(
	    "set alert all@x\n"
	    "set alert sec@x only on { checksum, permission }\n"
	    "set alert most@x but not on { instance, nonexist }\n"
	    "set alert quiet@x\n"
	    "set alert rem@x with reminder on 3 cycles\n"
	    "check process a with pidfile /run/a.pid\n"
	    "  alert all@x only on { timeout }\n"
	    "  noalert quiet@x\n"
	    "  alert own@x\n"
	    "check process b with pidfile /run/b.pid\n");
	assert_non_null(cf);
	ev.svc = config_find_service(cf, "b");
	ev.service = "b";
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)), "all@x quiet@x rem@x ");
	t.kind = TEST_CHECKSUM;
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)),
	    "all@x sec@x most@x quiet@x rem@x ");
	/* service a: its own all@x only on timeout; quiet@x silenced; own@x */
	ev.svc = config_find_service(cf, "a");
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)),
	    "own@x sec@x most@x rem@x ");
	t.kind = TEST_RESTARTS;
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)), "all@x own@x most@x rem@x ");
	/* instance events: "not on { instance }" skips them */
	ev.test = NULL;
	ev.kind = "instance";
	ev.svc = NULL;
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)), "all@x quiet@x rem@x ");
	/* access events (vigil's): only for a filter that names them */
	ev.kind = "access";
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)), "");
	config_free(cf);
	cf = parse("set alert all@x\nset alert aud@x only on { access }\n"
	    "set alert notaud@x not on { access }\n");
	assert_non_null(cf);
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)), "aud@x ");
	ev.kind = "action";
	assert_string_equal(names(cf, &ev, buf, sizeof(buf)), "all@x notaud@x ");
	config_free(cf);
	cf = parse(
	    "set alert rem@x with reminder on 3 cycles\n"
	    "check process b with pidfile /run/b.pid\n");
	assert_non_null(cf);
	/* still failed: only reminders, every 3rd cycle */
	ev.test = &t;
	ev.kind = NULL;
	ev.svc = config_find_service(cf, "b");
	ev.state = ALERT_STILL_FAILED;
	for (uint32_t c = 1; c <= 6; c++) {
		ev.failed_cycles = c;
		assert_string_equal(names(cf, &ev, buf, sizeof(buf)),
		    c % 3 == 0 ? "rem@x " : "");
	}
	config_free(cf);
}

/* ---- the event queue ---- */

static char qdir[] = "/tmp/vigil-test-eventq.XXXXXX";

static struct alert_item *
item(uint64_t seq, const char *service, size_t nmails)
{
	struct alert_item *it = calloc(1, sizeof(*it));

	it->seq = seq;
	it->time = 1062635583;
	it->service = strdup(service);
	it->event = strdup("Does not exist");
	it->mails = calloc(nmails, sizeof(*it->mails));
	it->nmails = nmails;
	for (size_t i = 0; i < nmails; i++) {
		it->mails[i].to = strdup(i ? "b@x" : "a@x");
		it->mails[i].from = strdup("monit@h");
		it->mails[i].msg = strdup("Subject: s\n\nbody\n");
		it->mails[i].msglen = strlen(it->mails[i].msg);
	}
	return it;
}

static int
setup_dir(void **state)
{
	(void)state;
	strcpy(qdir, "/tmp/vigil-test-eventq.XXXXXX");
	return mkdtemp(qdir) ? 0 : -1;
}

static int
teardown_dir(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", qdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_queue_round_trip_in_order(void **state)
{
	struct alert_item *a = item(2000, "late", 1), *b = item(1000, "early", 2), *l;
	uint64_t maxseq;
	size_t count;

	(void)state;
	assert_int_equal(eventq_store(qdir, a), 0);
	assert_int_equal(eventq_store(qdir, b), 0);
	/* a mail delivered: the rewrite keeps only the other */
	b->mails[0].done = true;
	assert_int_equal(eventq_store(qdir, b), 0);
	l = eventq_load(qdir, &maxseq, &count);
	assert_int_equal(count, 2);
	assert_int_equal(maxseq, 2000);
	assert_string_equal(l->service, "early");
	assert_int_equal(l->nmails, 1);
	assert_string_equal(l->mails[0].to, "b@x");
	assert_string_equal(l->mails[0].msg, "Subject: s\n\nbody\n");
	assert_int_equal(l->time, 1062635583);
	assert_true(l->on_disk);
	assert_string_equal(l->next->service, "late");
	assert_null(l->next->next);
	eventq_remove(qdir, l);
	alert_item_free(l->next);
	alert_item_free(l);
	l = eventq_load(qdir, &maxseq, &count);
	assert_int_equal(count, 1);
	alert_item_free(l);
	alert_item_free(a);
	alert_item_free(b);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static int
count_aside(void)
{
	char cmd[300];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c corrupt", qdir);
	f = popen(cmd, "r");
	if (f == NULL || fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

static void
test_queue_refuses_damage(void **state)
{
	struct alert_item *good = item(5000, "good", 1);
	char path[512];
	uint8_t *payload, buf[64 * 1024];
	size_t plen;
	uint64_t maxseq;
	size_t count;
	ssize_t n;
	int fd;
	struct alert_item *l;

	(void)state;
	/* a flipped byte (the checksum notices) */
	assert_int_equal(eventq_store(qdir, good), 0);
	eventq_path(qdir, 5000, path, sizeof(path));
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_true(n > 60);
	buf[n - 3] ^= 1;
	write_file(path, buf, (size_t)n);
	/* truncated */
	eventq_path(qdir, 5001, path, sizeof(path));
	buf[n - 3] ^= 1;
	write_file(path, buf, (size_t)n - 10);
	/* checksummed but of a future version */
	good->seq = 5002;
	payload = eventq_encode(good, &plen);
	payload[4] = 99;
	eventq_path(qdir, 5002, path, sizeof(path));
	assert_int_equal(state_write(path, payload, plen), 0);
	free(payload);
	/* a sequence that is not its name */
	good->seq = 1;
	payload = eventq_encode(good, &plen);
	eventq_path(qdir, 5003, path, sizeof(path));
	assert_int_equal(state_write(path, payload, plen), 0);
	free(payload);
	/* a symlink planted under a queue name */
	eventq_path(qdir, 5004, path, sizeof(path));
	assert_int_equal(symlink("/etc/shadow", path), 0);
	/* names that are not queue files are left alone */
	snprintf(path, sizeof(path), "%s/README", qdir);
	write_file(path, "x", 1);
	l = eventq_load(qdir, &maxseq, &count);
	assert_null(l);
	assert_int_equal(count, 0);
	assert_int_equal(maxseq, 5004);
	assert_int_equal(count_aside(), 5);
	assert_int_equal(access(path, F_OK), 0);
	alert_item_free(good);
}

static void
test_decode_bounds(void **state)
{
	struct alert_item *good = item(7, "s", 2), it;
	uint8_t *p;
	size_t len;
	char why[128];

	(void)state;
	p = eventq_encode(good, &len);
	assert_true(eventq_decode(p, len, &it, why, sizeof(why)));
	assert_int_equal(it.nmails, 2);
	for (size_t i = 0; i < it.nmails; i++) {
		free(it.mails[i].to);
		free(it.mails[i].from);
		free(it.mails[i].msg);
	}
	free(it.mails);
	free(it.service);
	free(it.event);
	/* every shorter prefix is refused */
	for (size_t cut = 0; cut < len; cut++)
		assert_false(eventq_decode(p, cut, &it, why, sizeof(why)));
	/* a trailing byte too */
	p = realloc(p, len + 1);
	p[len] = 0;
	assert_false(eventq_decode(p, len + 1, &it, why, sizeof(why)));
	assert_non_null(strstr(why, "trailing"));
	/* a NUL inside a string */
	p[28] = '\0';
	assert_false(eventq_decode(p, len, &it, why, sizeof(why)));
	free(p);
	alert_item_free(good);
}

static void
test_dir_problems(void **state)
{
	char buf[512], link[512];

	(void)state;
	assert_int_equal(chmod(qdir, 0700), 0);
	assert_null(eventq_dir_problem(qdir, geteuid(), buf, sizeof(buf)));
	assert_non_null(eventq_dir_problem(qdir, geteuid() + 1, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "not writable by the monitor's user"));
	assert_int_equal(chmod(qdir, 0777), 0);
	assert_non_null(eventq_dir_problem(qdir, geteuid(), buf, sizeof(buf)));
	assert_non_null(strstr(buf, "group or others"));
	assert_int_equal(chmod(qdir, 0700), 0);
	snprintf(link, sizeof(link), "%s.link", qdir);
	assert_int_equal(symlink(qdir, link), 0);
	assert_non_null(eventq_dir_problem(link, geteuid(), buf, sizeof(buf)));
	assert_non_null(strstr(buf, "symbolic link"));
	unlink(link);
	assert_non_null(eventq_dir_problem("/nonexistent/q", geteuid(), buf,
	    sizeof(buf)));
}

static void
collect_mmq(void *arg, struct mmq_record *r)
{
	struct mmq_record *out = arg;
	size_t i = 0;

	while (out[i].e.service != NULL)
		i++;
	assert_true(i < 3);
	out[i] = *r;
}

/* M/Monit events (set mmonit with set eventqueue): written, read back in
 * seq order, their files removed when taken; a damaged one set aside. */
static void
test_mmq_round_trip_in_order(void **state)
{
	struct mmq_record a = { 7, { 1700000000000001ull, "late", 3, 0x200, 1, 2, "gone" } };
	struct mmq_record b = { 3, { 1700000000000000ull, "Monit", 5, 0x10000, 2, 6,
	    "Monit started" } };
	struct mmq_record got[4];
	char path[512], from[512];
	uint64_t maxseq;

	(void)state;
	memset(got, 0, sizeof(got));
	assert_int_equal(mmq_store(qdir, &a), 0);
	assert_int_equal(mmq_store(qdir, &b), 0);
	assert_int_equal(mmq_load(qdir, &maxseq, collect_mmq, got), 2);
	assert_int_equal(maxseq, 7);
	assert_string_equal(got[0].e.service, "Monit");
	assert_int_equal(got[0].e.id, 0x10000);
	assert_int_equal(got[0].e.action, 6);
	assert_string_equal(got[1].e.service, "late");
	assert_int_equal(got[1].e.time_us, 1700000000000001ull);
	assert_int_equal(got[1].e.type, 3);
	assert_int_equal(got[1].e.state, 1);
	assert_string_equal(got[1].e.message, "gone");
	mmq_record_free(&got[0]);
	mmq_record_free(&got[1]);
	/* taken: gone; a file under another event's number: set aside */
	mmq_remove(qdir, 3);
	snprintf(from, sizeof(from), "%s/%020d.mmq", qdir, 7);
	snprintf(path, sizeof(path), "%s/%020d.mmq", qdir, 3);
	assert_int_equal(rename(from, path), 0);
	memset(got, 0, sizeof(got));
	assert_int_equal(mmq_load(qdir, &maxseq, collect_mmq, got), 0);
	assert_null(got[0].e.service);
	assert_int_equal(access(path, F_OK), -1);	/* renamed .corrupt-TIME */
}

static void
test_mmq_decode_bounds(void **state)
{
	struct mmq_record r = { 1, { 1, "svc", 3, 0x200, 1, 2, "msg" } }, back;
	uint8_t *p;
	size_t len;
	char why[128];

	(void)state;
	p = mmq_encode(&r, &len);
	assert_true(mmq_decode(p, len, &back, why, sizeof(why)));
	mmq_record_free(&back);
	/* every shorter prefix is refused */
	for (size_t n = 0; n < len; n++)
		assert_false(mmq_decode(p, n, &back, why, sizeof(why)));
	/* trailing bytes */
	p = realloc(p, len + 1);
	p[len] = 0;
	assert_false(mmq_decode(p, len + 1, &back, why, sizeof(why)));
	free(p);
	/* values outside Monit's numbers */
	r.e.action = 9;
	p = mmq_encode(&r, &len);
	assert_false(mmq_decode(p, len, &back, why, sizeof(why)));
	assert_non_null(strstr(why, "out of range"));
	free(p);
	r.e.action = 2;
	r.e.type = 42;
	p = mmq_encode(&r, &len);
	assert_false(mmq_decode(p, len, &back, why, sizeof(why)));
	free(p);
	/* a mail event record is not one */
	p = (uint8_t *)strdup("VGEQ\1\0\0\0");
	assert_false(mmq_decode(p, 8, &back, why, sizeof(why)));
	assert_non_null(strstr(why, "bad magic"));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand_every_variable),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_default_layout_is_monits),
		cmocka_unit_test(test_formats_merge_by_field),
		cmocka_unit_test(test_filters),
		cmocka_unit_test_setup_teardown(test_queue_round_trip_in_order,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_queue_refuses_damage,
		    setup_dir, teardown_dir),
		cmocka_unit_test(test_decode_bounds),
		cmocka_unit_test_setup_teardown(test_mmq_round_trip_in_order, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_mmq_decode_bounds),
		cmocka_unit_test_setup_teardown(test_dir_problems, setup_dir,
		    teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
