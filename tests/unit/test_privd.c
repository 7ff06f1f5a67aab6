/* privd: the sealed table's checks, the program environment, output bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pathcheck.h"
#include "privd/privd.h"

static char dir[PATH_MAX];	/* root-owned 0755 temp dir under /tmp */
static char prog[PATH_MAX + 16];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_privd.XXXXXX");
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) < 0)
		return -1;
	snprintf(prog, sizeof(prog), "%s/prog", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
make_prog(mode_t mode)
{
	FILE *f;

	unlink(prog);
	f = fopen(prog, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho hi\n", f);
	fclose(f);
	assert_int_equal(chmod(prog, mode), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chown(dir, 0, 0), 0);
}

static bool
check(const char *path, bool has_uid, uid_t uid, char *why)
{
	char resolved[PATH_MAX];

	why[0] = '\0';
	return action_path_ok(path, has_uid, uid, resolved, sizeof(resolved), why, 512);
}

static void
skip_unless_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void
test_path_good(void **state)
{
	char why[512], resolved[PATH_MAX], real[PATH_MAX];

	(void)state;
	skip_unless_root();
	make_prog(0755);
	assert_true(action_path_ok(prog, false, 0, resolved, sizeof(resolved), why, sizeof(why)));
	assert_non_null(realpath(prog, real));
	assert_string_equal(resolved, real);
	/* a system program */
	assert_true(check("/bin/echo", false, 0, why));
}

static void
test_path_relative_missing_dir(void **state)
{
	char why[512];

	(void)state;
	assert_false(check("bin/echo", false, 0, why));
	assert_non_null(strstr(why, "not an absolute path"));
	assert_false(check("/nonexistent/vigil/prog", false, 0, why));
	assert_non_null(strstr(why, "No such file"));
	assert_false(check("/usr/bin", false, 0, why));
	assert_non_null(strstr(why, "not a regular file"));
}

static void
test_path_modes(void **state)
{
	char why[512];

	(void)state;
	skip_unless_root();
	make_prog(0775);
	assert_false(check(prog, false, 0, why));
	assert_non_null(strstr(why, "writable by group or others"));
	make_prog(0757);
	assert_false(check(prog, false, 0, why));
	assert_non_null(strstr(why, "writable by group or others"));
	make_prog(0644);
	assert_false(check(prog, false, 0, why));
	assert_non_null(strstr(why, "not executable"));
	make_prog(0700);
	assert_true(check(prog, false, 0, why));
}

static void
test_path_owner(void **state)
{
	char why[512];

	(void)state;
	skip_unless_root();
	make_prog(0755);
	assert_int_equal(chown(prog, 12345, 12345), 0);
	assert_false(check(prog, false, 0, why));
	assert_non_null(strstr(why, "owned by uid 12345"));
	/* the entry's own uid may own it */
	assert_true(check(prog, true, 12345, why));
	assert_false(check(prog, true, 12346, why));
}

static void
test_path_parent_dirs(void **state)
{
	char why[512];

	(void)state;
	skip_unless_root();
	make_prog(0755);
	assert_int_equal(chmod(dir, 0775), 0);
	assert_false(check(prog, false, 0, why));
	assert_non_null(strstr(why, "directory"));
	assert_non_null(strstr(why, "writable by group or others"));
	assert_int_equal(chmod(dir, 0777), 0);
	assert_false(check(prog, false, 0, why));
	/* root-owned and sticky, like /tmp: accepted */
	assert_int_equal(chmod(dir, 01777), 0);
	assert_true(check(prog, false, 0, why));
	/* sticky but owned by someone else: refused */
	assert_int_equal(chown(dir, 12345, 0), 0);
	assert_false(check(prog, false, 0, why));
	/* a parent owned by another uid (not writable): refused, unless that
	 * uid is the entry's */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_false(check(prog, false, 0, why));
	assert_non_null(strstr(why, "owned by uid 12345"));
	assert_true(check(prog, true, 12345, why));
	assert_int_equal(chown(dir, 0, 0), 0);
}

static void
test_path_symlink(void **state)
{
	char why[512], link[PATH_MAX + 16], resolved[PATH_MAX];

	(void)state;
	skip_unless_root();
	make_prog(0755);
	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	assert_int_equal(symlink(prog, link), 0);
	assert_true(action_path_ok(link, false, 0, resolved, sizeof(resolved), why, sizeof(why)));
	assert_non_null(strstr(resolved, "/prog"));
	/* the target decides */
	assert_int_equal(chmod(prog, 0777), 0);
	assert_false(check(link, false, 0, why));
	unlink(link);
}

/* Finding 2 (issue 10): the links on the way are checked, not only the
 * file they lead to. */
static void
test_finding02_symlink_owned_by_other_user(void **state)
{
	char why[512], link[PATH_MAX + 16];

	(void)state;
	skip_unless_root();
	make_prog(0755);
	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	assert_int_equal(symlink(prog, link), 0);
	assert_int_equal(lchown(link, 12345, 12345), 0);
	assert_false(check(link, false, 0, why));
	assert_non_null(strstr(why, "symbolic link"));
	assert_non_null(strstr(why, "owned by uid 12345"));
	/* the entry's own uid may own it */
	assert_true(check(link, true, 12345, why));
	unlink(link);
}

static void
test_finding02_link_in_directory_of_other_user(void **state)
{
	char why[512], sub[PATH_MAX + 16], link[PATH_MAX + 32];

	(void)state;
	skip_unless_root();
	make_prog(0755);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(link, sizeof(link), "%s/sub/link", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	/* root's link to a root-owned /bin/true, but in a directory another
	 * user owns: that user could repoint it */
	assert_int_equal(symlink("/bin/true", link), 0);
	assert_int_equal(chown(sub, 12345, 12345), 0);
	assert_false(check(link, false, 0, why));
	assert_non_null(strstr(why, "owned by uid 12345"));
	assert_non_null(strstr(why, "/sub"));
	/* a directory link to it, in a root directory: still refused */
	unlink(link);
	rmdir(sub);
}

static void
test_finding02_links_followed_by_hand(void **state)
{
	char why[512], a[PATH_MAX + 16], b[PATH_MAX + 16], rel[PATH_MAX + 16], res[PATH_MAX];
	int fd;

	(void)state;
	skip_unless_root();
	make_prog(0755);
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	/* a -> "." is dir itself, so a/.. is dir's parent */
	snprintf(rel, sizeof(rel), "%s/./a/../%s/prog", dir, strrchr(dir, '/') + 1);
	unlink(a);
	unlink(b);
	/* a loop */
	assert_int_equal(symlink(b, a), 0);
	assert_int_equal(symlink(a, b), 0);
	assert_false(check(a, false, 0, why));
	assert_non_null(strstr(why, "symbolic links"));
	unlink(a);
	unlink(b);
	/* relative links, "." and ".." */
	assert_int_equal(symlink(".", a), 0);
	fd = path_open_program(rel, false, 0, res, sizeof(res), why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(res, prog);
	unlink(a);
	/* the descriptor is of the file checked */
	fd = path_open_program(prog, false, 0, NULL, 0, why, sizeof(why));
	assert_true(fd >= 0);
	{
		struct stat s1, s2;

		assert_int_equal(fstat(fd, &s1), 0);
		assert_int_equal(stat(prog, &s2), 0);
		assert_true(s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);
	}
	close(fd);
}

/* Finding 8: the ICMP reply parser, on real replies captured from the
 * loopback (the fuzzer's seeds) and on damaged copies of them. */
static size_t
read_seed(const char *name, uint8_t *buf, size_t cap)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "tests/fuzz/corpus/privd_icmp/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void
test_icmp_parse(void **state)
{
	uint8_t b[2048];
	struct icmp_echo e;
	size_t n;

	(void)state;
	n = read_seed("v4_echo_reply_56", b, sizeof(b));
	assert_int_equal(b[0], 0);
	assert_true(icmp_parse_echo_reply(4, b + 1, n - 1, &e));
	assert_int_equal(e.ident, 0x1234);
	assert_int_equal(e.payload_len, 56);
	/* shorter than the IP header says, or longer */
	assert_false(icmp_parse_echo_reply(4, b + 1, n - 2, &e));
	b[n] = 0;
	assert_false(icmp_parse_echo_reply(4, b + 1, n, &e));
	/* a flipped payload byte: the checksum catches it */
	b[n - 1] ^= 1;
	assert_false(icmp_parse_echo_reply(4, b + 1, n - 1, &e));
	b[n - 1] ^= 1;
	/* header length beyond the datagram; not ICMP; a fragment */
	b[1] = 0x4f;
	assert_false(icmp_parse_echo_reply(4, b + 1, n - 1, &e));
	b[1] = 0x45;
	b[10] = 6;
	assert_false(icmp_parse_echo_reply(4, b + 1, n - 1, &e));
	b[10] = 1;
	b[7] |= 0x20;
	assert_false(icmp_parse_echo_reply(4, b + 1, n - 1, &e));
	b[7] &= (uint8_t)~0x20;
	assert_true(icmp_parse_echo_reply(4, b + 1, n - 1, &e));
	/* too short for anything */
	assert_false(icmp_parse_echo_reply(4, b + 1, 19, &e));

	n = read_seed("v6_echo_reply_56", b, sizeof(b));
	assert_true(icmp_parse_echo_reply(6, b + 1, n - 1, &e));
	assert_int_equal(e.ident, 0x4321);
	assert_int_equal(e.payload_len, 56);
	assert_false(icmp_parse_echo_reply(6, b + 1, 7, &e));
	b[1] = 128;	/* a request, not a reply */
	assert_false(icmp_parse_echo_reply(6, b + 1, n - 1, &e));
}

static void
collect_line(const char *line, void *arg)
{
	char *all = arg;

	strcat(all, line);
	strcat(all, "|");
}

static void
test_output_lines(void **state)
{
	static struct line_splitter ls;
	static char all[3 * MSG_LOGLINE_LEN];
	static char big[MSG_LOGLINE_LEN + 10];

	(void)state;
	memset(&ls, 0, sizeof(ls));
	all[0] = '\0';
	lines_feed(&ls, "a\nb", 3, collect_line, all);
	lines_feed(&ls, "c\0d\n\ne", 6, collect_line, all);
	assert_string_equal(all, "a|bc?d|");
	lines_flush(&ls, collect_line, all);
	assert_string_equal(all, "a|bc?d|e|");
	/* a line longer than the buffer is cut, never overflows */
	all[0] = '\0';
	memset(big, 'x', sizeof(big));
	lines_feed(&ls, big, sizeof(big), collect_line, all);
	lines_flush(&ls, collect_line, all);
	assert_int_equal(strlen(all), sizeof(big) + 2);
	assert_int_equal(strcspn(all, "|"), MSG_LOGLINE_LEN - 1);
}

static void
test_msg_valid(void **state)
{
	static struct msg_action_add m;
	struct action_table t;
	char why[256];

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(&m, 0, sizeof(m));
	m.id = 1;
	m.argc = 1;
	m.timeout_ms = 1000;
	strcpy(m.argv[0], "/bin/echo");
	assert_true(action_msg_valid(&m, &t, why, sizeof(why)));
	m.id = 0;
	assert_false(action_msg_valid(&m, &t, why, sizeof(why)));
	m.id = 1;
	m.argc = 0;
	assert_false(action_msg_valid(&m, &t, why, sizeof(why)));
	m.argc = 1;
	strcpy(m.argv[0], "/bin/sh -c 'rm -rf /'");
	/* absolute, so structurally fine: the file check refuses it */
	assert_true(action_msg_valid(&m, &t, why, sizeof(why)));
	strcpy(m.argv[0], "sh");
	assert_false(action_msg_valid(&m, &t, why, sizeof(why)));
	assert_non_null(strstr(why, "not an absolute path"));
	strcpy(m.argv[0], "/bin/echo");
	table_add(&t, &m);
	/* ids come in order, 1, 2, 3 ...: a duplicate or a gap is refused */
	assert_false(action_msg_valid(&m, &t, why, sizeof(why)));
	assert_non_null(strstr(why, "out of order"));
	m.id = 3;
	assert_false(action_msg_valid(&m, &t, why, sizeof(why)));
	m.id = 2;
	assert_true(action_msg_valid(&m, &t, why, sizeof(why)));
	table_clear(&t);
}

static void
test_table_disabled_entry(void **state)
{
	static struct msg_action_add m;
	struct action_table t;
	struct action_entry *e;

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(&m, 0, sizeof(m));
	m.id = 1;
	m.argc = 2;
	m.timeout_ms = 1000;
	strcpy(m.argv[0], "/nonexistent/prog");
	strcpy(m.argv[1], "arg");
	e = table_add(&t, &m);
	assert_null(e->path);
	assert_non_null(strstr(e->reason, "/nonexistent/prog"));
	assert_ptr_equal(table_find(&t, 1), e);
	assert_null(table_find(&t, 2));
	assert_null(table_find(&t, 0));
	assert_string_equal(e->argv[1], "arg");
	assert_null(e->argv[2]);
	m.id = 2;
	strcpy(m.argv[0], "/bin/echo");
	e = table_add(&t, &m);
	assert_non_null(e->path);
	assert_null(e->reason);
	assert_ptr_equal(table_find(&t, 2), e);
	assert_int_equal(t.n, 2);
	table_clear(&t);
	assert_int_equal(t.n, 0);
}

static const char *
env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (char **p = env; *p != NULL; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

static void
test_env(void **state)
{
	static struct msg_run r;
	char **env;
	size_t n = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	strcpy(r.service, "web\x01server\x7f");
	strcpy(r.event, "Does not exist");
	strcpy(r.description, "line one\nMONIT_FAKE=1\r\ttab");
	strcpy(r.date, "Sat, 21 Nov 2026");
	strcpy(r.host, "host\x1b[31m");
	env = run_build_env(&r);
	assert_string_equal(env[0], "PATH=/bin:/usr/bin:/sbin:/usr/sbin");
	assert_string_equal(env_get(env, "MONIT_SERVICE"), "webserver");
	assert_string_equal(env_get(env, "MONIT_EVENT"), "Does not exist");
	assert_string_equal(env_get(env, "MONIT_DESCRIPTION"), "line oneMONIT_FAKE=1tab");
	assert_string_equal(env_get(env, "MONIT_DATE"), "Sat, 21 Nov 2026");
	assert_string_equal(env_get(env, "MONIT_HOST"), "host[31m");
	assert_null(env_get(env, "MONIT_PROCESS_PID"));
	assert_null(env_get(env, "MONIT_FAKE"));
	for (char **p = env; *p != NULL; p++) {
		for (const char *c = *p; *c != '\0'; c++)
			assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
		n++;
	}
	assert_int_equal(n, 6);
	free_strv(env);

	r.is_process = 1;
	r.process_pid = 4242;
	r.process_memory_kb = 2048;
	r.process_children = 3;
	r.process_cpu_permille = 1005;
	env = run_build_env(&r);
	assert_string_equal(env_get(env, "MONIT_PROCESS_PID"), "4242");
	assert_string_equal(env_get(env, "MONIT_PROCESS_MEMORY"), "2048");
	assert_string_equal(env_get(env, "MONIT_PROCESS_CHILDREN"), "3");
	assert_string_equal(env_get(env, "MONIT_PROCESS_CPU_PERCENT"), "100.5");
	free_strv(env);
}

static void
test_outbuf(void **state)
{
	static struct outbuf b;
	static char big[3 * MSG_OUTPUT_LEN];

	(void)state;
	memset(&b, 0, sizeof(b));
	outbuf_add(&b, "ab\0cd", 5);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "ab?cd");
	memset(big, 'x', sizeof(big));
	outbuf_add(&b, big, sizeof(big));
	assert_int_equal(b.len, MSG_OUTPUT_LEN - 1);
	assert_int_equal(strlen(b.data), MSG_OUTPUT_LEN - 1);
	assert_int_equal(b.dropped, 5 + sizeof(big) - (MSG_OUTPUT_LEN - 1));
	/* full: more is counted, never written */
	outbuf_add(&b, "zz", 2);
	assert_int_equal(b.len, MSG_OUTPUT_LEN - 1);
	assert_null(strchr(b.data, 'z'));
	assert_int_equal(b.data[MSG_OUTPUT_LEN - 1], '\0');
}

static void
test_sanitize(void **state)
{
	char s[] = "a\nb\x1b\x7f" "c";

	(void)state;
	sanitize_text(s);
	assert_string_equal(s, "a?b??c");
}

static char *
slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A failing write (here: over RLIMIT_FSIZE, like a full disk) loses the
 * line, is counted, and the count is written once writing works again. */
static void
test_log_write_failure(void **state)
{
	static struct msg_config cf;
	struct rlimit old, lim;
	struct stat st;
	char *text;

	(void)state;
	memset(&cf, 0, sizeof(cf));
	assert_true(strlen(dir) < 900);
	snprintf(cf.logfile, sizeof(cf.logfile), "%.900s/vigil.log", dir);
	logw_init();
	logw_detached();
	logw_configure(&cf);
	logw_line("monitor", LOG_LVL_INFO, "first line\nforged");
	assert_int_equal(stat(cf.logfile, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	logw_line("monitor", LOG_LVL_INFO, "lost one");
	logw_line("monitor", LOG_LVL_INFO, "lost two");
	logw_line("privd", LOG_LVL_ERR, "lost three");
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	logw_line("webui", LOG_LVL_WARN, "back again");
	logw_close();
	text = slurp(cf.logfile);
	assert_non_null(strstr(text, "] monitor: info: first line?forged\n"));
	assert_null(strstr(text, "lost one"));
	assert_null(strstr(text, "lost three"));
	assert_non_null(strstr(text, "] privd: warning: 3 log lines were lost (write failed)\n"));
	assert_non_null(strstr(text, "] webui: warning: back again\n"));
	assert_true(strstr(text, "were lost") < strstr(text, "back again"));
	assert_int_equal(text[0], '[');
}

static void
test_pidfile(void **state)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 32], want[32];

	(void)state;
	snprintf(path, sizeof(path), "%s/vigild.pid", dir);
	assert_true(pidfile_write(path));
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(slurp(path), want);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1);
	pidfile_remove();
	assert_int_equal(access(path, F_OK), -1);
	assert_false(pidfile_write("relative.pid"));
}

static void
test_user_exists(void **state)
{
	char why[256];

	(void)state;
	assert_false(privd_user_exists("_vigil_no_such_user", why, sizeof(why)));
	assert_string_equal(why, "user '_vigil_no_such_user' does not exist: create the "
	    "vigil users with 'make users' (or name others in 'set privsep')");
	assert_false(privd_user_exists("", why, sizeof(why)));
	/* a child never runs as uid 0, whatever the control file says */
	assert_false(privd_user_exists("root", why, sizeof(why)));
	assert_non_null(strstr(why, "uid 0"));
	assert_true(privd_user_exists("nobody", why, sizeof(why)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_good),
		cmocka_unit_test(test_path_relative_missing_dir),
		cmocka_unit_test(test_path_modes),
		cmocka_unit_test(test_path_owner),
		cmocka_unit_test(test_path_parent_dirs),
		cmocka_unit_test(test_path_symlink),
		cmocka_unit_test(test_finding02_symlink_owned_by_other_user),
		cmocka_unit_test(test_finding02_link_in_directory_of_other_user),
		cmocka_unit_test(test_finding02_links_followed_by_hand),
		cmocka_unit_test(test_icmp_parse),
		cmocka_unit_test(test_output_lines),
		cmocka_unit_test(test_msg_valid),
		cmocka_unit_test(test_table_disabled_entry),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_outbuf),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_log_write_failure),
		cmocka_unit_test(test_pidfile),
		cmocka_unit_test(test_user_exists),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
