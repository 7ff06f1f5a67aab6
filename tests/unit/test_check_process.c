/* Pid files are parsed strictly; "matching" finds a process by command line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

#include "engine_fixture.h"

static pid_t
parse(const char *s)
{
	return pidfile_parse(s, strlen(s));
}

static void
test_pidfile_good(void **state)
{
	(void)state;
	assert_int_equal(parse("1234\n"), 1234);
	assert_int_equal(parse("1"), 1);
	assert_int_equal(parse("  42 \r\n"), 42);
	assert_int_equal(parse("4194304"), 4194304);
}

static void
test_pidfile_garbage(void **state)
{
	(void)state;
	assert_int_equal(parse(""), -1);
	assert_int_equal(parse("\n"), -1);
	assert_int_equal(parse("abc"), -1);
	assert_int_equal(parse("12a"), -1);		/* trailing junk */
	assert_int_equal(parse("12 34"), -1);		/* two numbers */
	assert_int_equal(parse("123\n456\n"), -1);
	assert_int_equal(parse("-5"), -1);		/* negative */
	assert_int_equal(parse("+5"), -1);
	assert_int_equal(parse("0"), -1);
	assert_int_equal(parse("0x10"), -1);
	assert_int_equal(parse("4194305"), -1);		/* beyond PID_MAX_LIMIT */
	assert_int_equal(parse("99999999999999999999999"), -1);	/* overflow */
	assert_int_equal(pidfile_parse("12\0" "3", 4), -1);	/* embedded NUL */
}

static void
test_pidfile_read_bounded(void **state)
{
	char path[] = "/tmp/vigil-pidXXXXXX";
	int fd = mkstemp(path);
	char big[200];

	(void)state;
	assert_true(fd >= 0);
	assert_true(write(fd, "777\n", 4) == 4);
	assert_int_equal(pidfile_read(path), 777);
	/* a long file of blanks after the pid is refused, not half-read */
	memset(big, ' ', sizeof(big));
	memcpy(big, "777", 3);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_true(pwrite(fd, big, sizeof(big), 0) == (ssize_t)sizeof(big));
	assert_int_equal(pidfile_read(path), -1);
	close(fd);
	unlink(path);
	assert_int_equal(pidfile_read(path), -1);	/* missing */
	assert_int_equal(pidfile_read(NULL), -1);
}

static void
test_proc_table_and_matching(void **state)
{
	struct proc_table t = { 0 };
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "sleeper", SVC_PROCESS);
	struct monitor *m;
	const struct proc_entry *me;
	pid_t child, found;

	(void)state;
	child = fork();
	if (child == 0) {
		execl("/bin/sleep", "sleep", "987.654", (char *)NULL);
		_exit(127);
	}
	assert_true(child > 0);
	usleep(100 * 1000);
	sv->match = xstrdup("sleep 987\\.654$");
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	proc_table_read(&t, true);
	assert_true(t.n > 1);
	me = proc_table_find(&t, getpid());
	assert_non_null(me);
	assert_true(me->children >= 1);	/* the sleeper */
	found = process_match_in(&t, m->engine->s[0].match_code, getpid());
	assert_int_equal(found, child);
	assert_int_equal(process_find(&m->engine->s[0], true), child);
	assert_true(proc_alive(child, NULL));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_false(proc_alive(child, NULL));
	assert_int_equal(process_find(&m->engine->s[0], true), -1);
	proc_table_clear(&t);
	fx_monitor_free(m);
}

static void
test_resources_of_a_real_process(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "me", SVC_PROCESS);
	struct test *mem, *kids, *thr, *big;
	struct monitor *m;
	pid_t child, grandchild;

	(void)state;
	/* a sleeper with one child of its own */
	child = fork();
	if (child == 0) {
		if (fork() == 0)
			execl("/bin/sleep", "sleep", "987.111", (char *)NULL);
		execl("/bin/sleep", "sleep", "987.321", (char *)NULL);
		_exit(127);
	}
	usleep(150 * 1000);
	sv->match = xstrdup("^sleep 987\\.321$");
	mem = fx_test(sv, TEST_RESOURCE, ACTION_ALERT);
	mem->resource = RES_MEMORY;
	mem->unit = UNIT_BYTES;
	mem->op = OP_GT;
	mem->value = 1;			/* any process uses more than 1 byte */
	kids = fx_test(sv, TEST_RESOURCE, ACTION_ALERT);
	kids->resource = RES_CHILDREN;
	kids->op = OP_LT;
	kids->value = 1;		/* fails if the child is not counted */
	thr = fx_test(sv, TEST_RESOURCE, ACTION_ALERT);
	thr->resource = RES_THREADS;
	thr->op = OP_NE;
	thr->value = 1;
	big = fx_test(sv, TEST_RESOURCE, ACTION_ALERT);
	big->resource = RES_TOTAL_MEMORY;
	big->unit = UNIT_PERCENT;
	big->op = OP_GT;
	big->value = 9000;		/* 90 %: never */
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_int_equal(m->engine->s[0].pid, child);
	assert_true(m->engine->s[0].ts[1].win.failed);	/* memory > 1 B */
	assert_false(m->engine->s[0].ts[2].win.failed);	/* children >= 1 */
	assert_false(m->engine->s[0].ts[3].win.failed);	/* one thread */
	assert_false(m->engine->s[0].ts[4].win.failed);
	assert_int_equal(m->engine->s[0].children, 1);
	assert_true(m->engine->s[0].total_mem_bytes > m->engine->s[0].mem_bytes);
	fx_monitor_free(m);
	grandchild = -1;
	{
		struct proc_table t = { 0 };

		proc_table_read(&t, false);
		for (size_t i = 0; i < t.n; i++)
			if (t.p[i].ppid == child)
				grandchild = t.p[i].pid;
		proc_table_clear(&t);
	}
	if (grandchild > 0)
		kill(grandchild, SIGKILL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* /proc/PID/io as the kernel writes it; privd passes another user's on
 * unread, so the monitor's parser is strict. */
#define IO_TEXT "rchar: 1000\nwchar: 2000\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\n" \
	"write_bytes: 8192\ncancelled_write_bytes: 0\n"

static void
test_proc_io_parse_good(void **state)
{
	struct proc_io io;

	(void)state;
	assert_true(proc_io_parse(IO_TEXT, &io));
	assert_int_equal(io.rchar, 1000);
	assert_int_equal(io.wchar, 2000);
	assert_int_equal(io.syscr, 3);
	assert_int_equal(io.syscw, 4);
	assert_int_equal(io.read_bytes, 4096);
	assert_int_equal(io.write_bytes, 8192);
	/* the largest counter; no final newline; names in another order */
	assert_true(proc_io_parse("write_bytes: 18446744073709551615\nrchar: 1\nwchar: 2\n"
	    "syscr: 3\nsyscw: 4\nread_bytes: 5", &io));
	assert_true(io.write_bytes == UINT64_MAX);
	assert_int_equal(io.read_bytes, 5);
}

static void
test_proc_io_parse_garbage(void **state)
{
	struct proc_io io;

	(void)state;
	assert_false(proc_io_parse("", &io));
	/* a counter missing, twice, negative, too large, not a number */
	assert_false(proc_io_parse("rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\n", &io));
	assert_false(proc_io_parse(IO_TEXT "rchar: 7\n", &io));
	assert_false(proc_io_parse("rchar: -1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\n"
	    "write_bytes: 6\n", &io));
	assert_false(proc_io_parse("rchar: 18446744073709551616\nwchar: 2\nsyscr: 3\nsyscw: 4\n"
	    "read_bytes: 5\nwrite_bytes: 6\n", &io));
	assert_false(proc_io_parse("rchar: 1x\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\n"
	    "write_bytes: 6\n", &io));
	assert_false(proc_io_parse("rchar:\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\n"
	    "write_bytes: 6\n", &io));
	/* a line without a colon; a name that only ends like a counter's */
	assert_false(proc_io_parse(IO_TEXT "garbage\n", &io));
	assert_false(proc_io_parse("xrchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\n"
	    "write_bytes: 6\n", &io));
}

/* The real file of this process parses. */
static void
test_proc_io_self(void **state)
{
	struct proc_io io;

	(void)state;
	assert_true(proc_read_io(getpid(), &io));
	assert_true(io.rchar > 0);
}

static pid_t
sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* gone with a failed test */
		execl("/bin/sleep", "sleep", "987.5", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

static void
write_pidfile(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "%9d\n", (int)pid);	/* the same size for any pid */
	fclose(f);
}

/* The pid file is read again only when its stat changed: a rewrite that
 * keeps the size and puts the mtime back still moves ctime, and the new
 * pid must be seen. */
static void
test_pidfile_rewrite_same_size_and_mtime(void **state)
{
	struct config *cf = fx_config();
	struct service *sv = fx_service(cf, "sl", SVC_PROCESS);
	char dir[] = "/tmp/vigil-pidfile-XXXXXX", path[64];
	struct timespec times[2];
	struct monitor *m;
	struct stat st;
	pid_t a, b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sl.pid", dir);
	a = sleeper();
	b = sleeper();
	write_pidfile(path, a);
	assert_int_equal(stat(path, &st), 0);
	while (time(NULL) - st.st_ctim.tv_sec < 2)
		usleep(100000);	/* old enough for its stat to be trusted */
	sv->path = xstrdup(path);
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	assert_int_equal(m->engine->s[0].pid, a);
	engine_run_cycle(m->engine);
	assert_int_equal(m->engine->s[0].pid, a);
	write_pidfile(path, b);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	engine_run_cycle(m->engine);
	assert_int_equal(m->engine->s[0].pid, b);
	fx_monitor_free(m);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pidfile_good),
		cmocka_unit_test(test_proc_io_parse_good),
		cmocka_unit_test(test_proc_io_parse_garbage),
		cmocka_unit_test(test_proc_io_self),
		cmocka_unit_test(test_pidfile_garbage),
		cmocka_unit_test(test_pidfile_read_bounded),
		cmocka_unit_test(test_pidfile_rewrite_same_size_and_mtime),
		cmocka_unit_test(test_proc_table_and_matching),
		cmocka_unit_test(test_resources_of_a_real_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
