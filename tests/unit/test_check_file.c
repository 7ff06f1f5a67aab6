/* File checks: streamed checksums, learned sums, permission and size, and
 * the inotify re-check between cycles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "engine_fixture.h"

static char dir[64], path[128];

static void
write_file(const char *p, const char *content)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vigil-file-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/watched", dir);
	write_file(path, "hello\n");
	fake_reset();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
test_digest(void **state)
{
	char hex[129];
	char big[] = "/tmp/vigil-bigXXXXXX";
	int fd;

	(void)state;
	assert_true(file_digest(path, HASH_MD5, hex, sizeof(hex)));
	assert_string_equal(hex, "b1946ac92492d2347c6235b4d2611184");
	assert_true(file_digest(path, HASH_SHA1, hex, sizeof(hex)));
	assert_string_equal(hex, "f572d396fae9206628714fb2ce00f72e94f2258f");
	assert_false(file_digest("/nonexistent/x", HASH_MD5, hex, sizeof(hex)));
	assert_false(file_digest(path, HASH_SHA1, hex, 20));	/* too small */
	/* larger than one read chunk: 200000 'a' */
	fd = mkstemp(big);
	assert_true(fd >= 0);
	{
		char a[1000];

		memset(a, 'a', sizeof(a));
		for (int i = 0; i < 200; i++)
			assert_true(write(fd, a, sizeof(a)) == (ssize_t)sizeof(a));
	}
	close(fd);
	assert_true(file_digest(big, HASH_MD5, hex, sizeof(hex)));
	/* python3 -c "import hashlib;print(hashlib.md5(b'a'*200000).hexdigest())" */
	assert_string_equal(hex, "561b1994f6baacd6e5eaf4baaa12849f");
	unlink(big);
}

static const char *
status_of(struct monitor *m)
{
	static struct msg_snapshot_service ss;

	engine_snapshot(m->engine, 0, &ss);
	return ss.status;
}

static void
test_learned_checksum_and_inotify(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "conf", SVC_FILE);
	struct test *t;
	struct monitor *m;
	uint64_t t0;

	(void)state;
	sv->path = xstrdup(path);
	t = fx_test(sv, TEST_CHECKSUM, ACTION_ALERT);
	t->hash = HASH_MD5;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_string_equal(status_of(m), "OK");
	assert_string_equal(m->engine->s[0].ts[1].learned,
	    "b1946ac92492d2347c6235b4d2611184");
	/* change the file: inotify re-checks without a cycle */
	write_file(path, "tampered\n");
	t0 = now_ms();
	while (strcmp(status_of(m), "OK") == 0 && now_ms() - t0 < 1000)
		ev_run_once(m->ev, 20);
	assert_string_equal(status_of(m), "Checksum failed");
	/* back to the learned content: recovers */
	write_file(path, "hello\n");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "OK");
	fx_monitor_free(m);
}

/* The checksum is reused while the file's identity (device, inode, size,
 * mtime, ctime) stays: a rewrite that keeps the size and puts the mtime
 * back still moves ctime, and must still be seen. */
static void
test_checksum_same_size_and_mtime(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "conf", SVC_FILE);
	struct timespec times[2];
	struct test *t;
	struct monitor *m;
	struct stat st;

	(void)state;
	sv->path = xstrdup(path);
	t = fx_test(sv, TEST_CHECKSUM, ACTION_ALERT);
	t->hash = HASH_MD5;
	/* ctime must be old enough for the sum to be remembered */
	assert_int_equal(stat(path, &st), 0);
	while (time(NULL) - st.st_ctim.tv_sec < 2)
		usleep(100000);
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_string_equal(status_of(m), "OK");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "OK");
	write_file(path, "HELLO\n");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "Checksum failed");
	fx_monitor_free(m);
}

/* Without a process service nothing looks at the process table: a cycle
 * does not read /proc (three system calls per process on the host). */
static void
test_no_process_table_without_processes(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "conf", SVC_FILE);
	struct monitor *m;

	(void)state;
	sv->path = xstrdup(path);
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "OK");
	assert_int_equal(m->engine->procs.n, 0);
	fx_monitor_free(m);
}

static void
test_expected_checksum_permission_size(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "conf", SVC_FILE);
	struct test *ck, *perm, *size;
	struct monitor *m;

	(void)state;
	sv->path = xstrdup(path);
	ck = fx_test(sv, TEST_CHECKSUM, ACTION_ALERT);
	ck->hash = HASH_SHA1;
	ck->expect = xstrdup("F572D396FAE9206628714FB2CE00F72E94F2258F");
	perm = fx_test(sv, TEST_PERMISSION, ACTION_ALERT);
	perm->perm = 0640;
	size = fx_test(sv, TEST_SIZE, ACTION_ALERT);
	size->op = OP_GT;
	size->value = 100;
	chmod(path, 0640);
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_string_equal(status_of(m), "OK");
	chmod(path, 0644);
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "Permission failed");
	chmod(path, 0640);
	write_file(path, "hello, but much longer than one hundred bytes ......"
	    "..................................................................\n");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "Checksum failed | Size failed");
	assert_true(m->engine->s[0].ts[3].win.failed);	/* size > 100 */
	unlink(path);
	engine_run_cycle(m->engine);
	assert_true(strncmp(status_of(m), "Does not exist", 14) == 0);
	fx_monitor_free(m);
}

static void
test_missing_file_exec_action(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "gone", SVC_FILE);
	struct test *t;
	struct monitor *m;

	(void)state;
	unlink(path);
	sv->path = xstrdup(path);
	t = fx_test(sv, TEST_EXIST, ACTION_EXEC);
	t->act.failed.exec = fx_command("/usr/local/bin/fix-it");
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_string_equal(status_of(m), "Does not exist");
	assert_int_equal(fake_runs, 1);
	assert_string_equal(fake_last_ctx.event, "Does not exist");
	assert_int_equal(fake_last_ctx.is_process, 0);
	/* still missing next cycle: the event is not repeated */
	engine_run_cycle(m->engine);
	assert_int_equal(fake_runs, 1);
	write_file(path, "x");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "OK");
	fx_monitor_free(m);
}

static void
append(const char *p, const char *content)
{
	FILE *f = fopen(p, "a");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void
test_content_match_reads_only_appended(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "log", SVC_FILE);
	struct test *t;
	struct monitor *m;

	(void)state;
	write_file(path, "old ERROR line before we started\n");
	sv->path = xstrdup(path);
	t = fx_test(sv, TEST_MATCH, ACTION_ALERT);
	t->regex = xstrdup("ERROR|FATAL");
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_string_equal(status_of(m), "OK");	/* old content ignored */
	append(path, "all fine\nstill fine\n");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "OK");
	append(path, "x FATAL: disk on fire\npartial ERR");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "Content match");
	assert_non_null(strstr(m->engine->s[0].ts[1].desc, "disk on fire"));
	append(path, "OR completed\n");	/* the partial line, now whole */
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "Content match");
	assert_non_null(strstr(m->engine->s[0].ts[1].desc, "partial ERROR"));
	append(path, "quiet\n");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "OK");
	/* rotation: a new, smaller file is read from its start */
	unlink(path);
	write_file(path, "ERROR\n");
	engine_run_cycle(m->engine);
	assert_string_equal(status_of(m), "Content match");
	fx_monitor_free(m);
}

static pcre2_code *
re_of(const char *src)
{
	int err;
	PCRE2_SIZE off;

	return pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
}

static void
test_content_scan_bounds(void **state)
{
	char big[10000];
	pcre2_code *re = re_of("b");
	struct content_rule r = { .re = (void *const *)&re, .nre = 1 };

	(void)state;
	assert_int_equal(content_scan(&r, 1, "a\nb\nc", 5), 4);	/* "c" waits */
	assert_int_equal(r.hits, 1);
	assert_string_equal(r.hit, "b");
	r.match_not = true;
	assert_int_equal(content_scan(&r, 1, "b\nb\n", 4), 4);
	assert_int_equal(r.hits, 0);				/* "if not match" */
	/* an endless line is consumed in bounded pieces, hit truncated */
	r.match_not = false;
	memset(big, 'b', sizeof(big));
	assert_int_equal(content_scan(&r, 1, big, sizeof(big)), 8192);
	assert_int_equal(r.hits, 2);
	assert_int_equal(strlen(r.hit), 200);
	pcre2_code_free(re);
}

/* The manual: every IGNORE is applied first; a line one of them selects is
 * never offered to IF MATCH.  Patterns of a file: a line matches when any
 * of them does. */
static void
test_content_scan_ignore(void **state)
{
	pcre2_code *accepted = re_of("Accepted"), *white[2] = { re_of("10\\.0\\.0\\.1 "),
	    re_of("192\\.168\\.") }, *mark = re_of("MARK");
	struct content_rule r[3] = {
		{ .re = (void *const *)white, .nre = 2, .ignore = true },
		{ .re = (void *const *)&mark, .nre = 1, .ignore = true, .match_not = true },
		{ .re = (void *const *)&accepted, .nre = 1 },
	};
	const char *log =
	    "MARK Accepted publickey for a from 10.0.0.1 port 1\n"
	    "MARK Accepted publickey for b from 192.168.1.9 port 2\n"
	    "Accepted publickey for c from 203.0.113.7 port 3\n"	/* no MARK: ignored */
	    "MARK Accepted publickey for d from 203.0.113.8 port 4\n"
	    "MARK Failed password for e from 203.0.113.9 port 5\n";

	(void)state;
	assert_int_equal(content_scan(r, 3, log, strlen(log)), strlen(log));
	assert_int_equal(r[0].hits, 2);
	assert_int_equal(r[1].hits, 1);
	assert_int_equal(r[2].hits, 1);
	assert_non_null(strstr(r[2].hit, "for d from 203.0.113.8"));
	for (size_t i = 0; i < 2; i++)
		pcre2_code_free(white[i]);
	pcre2_code_free(accepted);
	pcre2_code_free(mark);
}

static void
test_filesystem_space(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "rootfs", SVC_FILESYSTEM);
	struct test *used, *inodes;
	struct monitor *m;

	(void)state;
	sv->path = xstrdup("/");
	used = fx_test(sv, TEST_SPACE, ACTION_ALERT);
	used->op = OP_GT;
	used->unit = UNIT_PERCENT;
	used->value = 10000;	/* > 100%: never */
	inodes = fx_test(sv, TEST_INODE, ACTION_ALERT);
	inodes->op = OP_LT;
	inodes->subkind = 1;	/* inode free < huge: always */
	inodes->unit = UNIT_COUNT;
	inodes->value = INT64_MAX;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_false(m->engine->s[0].ts[1].win.failed);
	assert_true(m->engine->s[0].ts[2].win.failed);
	assert_string_equal(status_of(m), "Resource limit matched");
	fx_monitor_free(m);
}

static void
test_big_file_hashed_in_slices(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "big", SVC_FILE);
	struct test *t;
	struct monitor *m;
	char want[129];
	int turns = 0;
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < 20 * 1024; i++)	/* 20 MiB: five slices */
		fwrite("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		    1, 1024, f);
	fclose(f);
	assert_true(file_digest(path, HASH_SHA1, want, sizeof(want)));
	sv->path = xstrdup(path);
	t = fx_test(sv, TEST_CHECKSUM, ACTION_ALERT);
	t->hash = HASH_SHA1;
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_non_null(m->engine->s[0].ts[1].hj);	/* not done in one go */
	while (m->engine->s[0].ts[1].hj != NULL && turns < 1000) {
		ev_run_once(m->ev, 100);
		turns++;
	}
	assert_true(turns >= 4);			/* several loop turns */
	assert_string_equal(m->engine->s[0].ts[1].learned, want);
	assert_string_equal(status_of(m), "OK");
	/* a change is caught the same way */
	f = fopen(path, "r+");
	fputs("X", f);
	fclose(f);
	engine_run_cycle(m->engine);
	while (m->engine->s[0].ts[1].hj != NULL)
		ev_run_once(m->ev, 100);
	assert_string_equal(status_of(m), "Checksum failed");
	/* unmonitor in the middle of a hash cancels it */
	engine_run_cycle(m->engine);
	assert_non_null(m->engine->s[0].ts[1].hj);
	{
		char msg[128];

		assert_int_equal(engine_action(m->engine, "big", SVC_ACTION_UNMONITOR,
		    msg, sizeof(msg)), 0);
	}
	assert_null(m->engine->s[0].ts[1].hj);
	fx_monitor_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learned_checksum_and_inotify,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expected_checksum_permission_size,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_same_size_and_mtime,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_process_table_without_processes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_exec_action, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_content_match_reads_only_appended,
		    setup, teardown),
		cmocka_unit_test(test_content_scan_bounds),
		cmocka_unit_test(test_content_scan_ignore),
		cmocka_unit_test(test_filesystem_space),
		cmocka_unit_test_setup_teardown(test_big_file_hashed_in_slices, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
