/* Proof of the monitor's sandbox: a child performs the real drop
 * (sandbox_drop to _vigil keeping CAP_DAC_READ_SEARCH) and the real
 * monitor_sandbox_apply() that main() uses, then one call.  Forbidden
 * syscalls must kill it with SIGSYS; writes outside the state and control
 * directories must fail with EACCES (Landlock); the control cases must
 * succeed, so that a policy which kills everything fails this test too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <netdb.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "common/log.h"
#include "common/sandbox.h"
#include "monitor/core/core.h"
#include "monitor/core/state.h"

static char statedir[64], ctldir[64], outside[64];
static char statefile[100], ctlsock[100];
static struct config cf;

enum how { SANDBOXED, DROPPED_ONLY };

/* Run fn in a child after the drop (and the sandbox unless DROPPED_ONLY);
 * returns the raw wait status. */
static int
run_child(int (*fn)(void), enum how how)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct drop_spec spec = {
			.user = "_vigil", .keep_dac_read_search = true,
		};

		/* Keep the SIGSYS report quiet in the test output. */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(120);
		sandbox_drop(&spec);
		if (how == SANDBOXED)
			monitor_sandbox_apply(&cf);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
expect_sigsys(int (*fn)(void))
{
	int st = run_child(fn, SANDBOXED);

	if (!WIFSIGNALED(st))
		fail_msg("child was not killed: exit %d", WEXITSTATUS(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void
expect_exit(int (*fn)(void), enum how how, int code)
{
	int st = run_child(fn, how);

	if (WIFSIGNALED(st))
		fail_msg("child killed by signal %d", WTERMSIG(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

/* ---- forbidden ---- */

static int
do_execve(void)
{
	char *argv[] = { "/bin/true", NULL };

	execve("/bin/true", argv, NULL);
	return 1;
}

/* Finding 14: a policy allowing execveat passed every test. */
static int
do_execveat(void)
{
	char *argv[] = { "/bin/true", NULL };

	syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0);
	return 1;
}

static int
do_raw_icmp(void)
{
	return socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) >= 0 ? 0 : 2;
}

static int
do_raw_icmp_flags(void)
{
	return socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_ICMP) >= 0 ? 0 : 2;
}

static int
do_packet(void)
{
	return socket(AF_PACKET, SOCK_DGRAM, 0) >= 0 ? 0 : 2;
}

static int
do_ptrace(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 ? 0 : 2;
}

static int
do_setuid(void)
{
	return syscall(SYS_setuid, 0) == 0 ? 0 : 2;
}

static int
do_setresgid(void)
{
	return syscall(SYS_setresgid, 0, 0, 0) == 0 ? 0 : 2;
}

static int
do_fork(void)
{
	return syscall(SYS_fork) >= 0 ? 0 : 2;
}

static int
do_clone(void)
{
	return syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) >= 0 ? 0 : 2;
}

static int
do_kill(void)
{
	return kill(getppid(), 0) == 0 ? 0 : 2;
}

static int
do_prctl(void)
{
	return syscall(SYS_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) == 0 ? 0 : 2;
}

static void test_execve(void **st) { (void)st; expect_sigsys(do_execve); }
static void test_finding14_execveat(void **st) { (void)st; expect_sigsys(do_execveat); }
static void test_raw_icmp(void **st) { (void)st; expect_sigsys(do_raw_icmp); }
static void test_raw_icmp_flags(void **st) { (void)st; expect_sigsys(do_raw_icmp_flags); }
static void test_packet(void **st) { (void)st; expect_sigsys(do_packet); }
static void test_ptrace(void **st) { (void)st; expect_sigsys(do_ptrace); }
static void test_setuid(void **st) { (void)st; expect_sigsys(do_setuid); }
static void test_setresgid(void **st) { (void)st; expect_sigsys(do_setresgid); }
static void test_fork(void **st) { (void)st; expect_sigsys(do_fork); }
static void test_clone(void **st) { (void)st; expect_sigsys(do_clone); }
static void test_kill(void **st) { (void)st; expect_sigsys(do_kill); }
static void test_prctl(void **st) { (void)st; expect_sigsys(do_prctl); }

/* ---- Landlock: writes only beneath the two directories ---- */

static int
do_create_outside(void)
{
	char p[128];
	int fd;

	snprintf(p, sizeof(p), "%s/evil", outside);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	if (fd >= 0)
		return 0;
	return errno == EACCES ? 13 : 3;
}

static int
do_write_existing_outside(void)
{
	char p[128];
	int fd;

	snprintf(p, sizeof(p), "%s/existing", outside);
	fd = open(p, O_WRONLY);
	if (fd >= 0)
		return 0;
	return errno == EACCES ? 13 : 3;
}

static int
do_unlink_outside(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/existing", outside);
	if (unlink(p) == 0)
		return 0;
	return errno == EACCES ? 13 : 3;
}

static int
do_rename_out_of_statedir(void)
{
	char from[128], to[128];
	int fd;

	snprintf(from, sizeof(from), "%s/moving", statedir);
	snprintf(to, sizeof(to), "%s/moved", outside);
	fd = open(from, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return 4;
	close(fd);
	if (rename(from, to) == 0)
		return 0;
	return errno == EACCES || errno == EXDEV ? 13 : 3;
}

static void
test_landlock_create_outside(void **st)
{
	(void)st;
	/* Without the sandbox the same call works: the refusal is Landlock's. */
	expect_exit(do_create_outside, DROPPED_ONLY, 0);
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/evil", outside);
		unlink(p);
	}
	expect_exit(do_create_outside, SANDBOXED, 13);
}

static void
test_landlock_write_outside(void **st)
{
	(void)st;
	expect_exit(do_write_existing_outside, DROPPED_ONLY, 0);
	expect_exit(do_write_existing_outside, SANDBOXED, 13);
	expect_exit(do_unlink_outside, SANDBOXED, 13);
	expect_exit(do_rename_out_of_statedir, SANDBOXED, 13);
}

/* ---- allowed ---- */

static int
do_state_write(void)
{
	static const uint8_t rec[] = "sandboxed record";
	uint8_t *p;
	size_t n;
	enum state_result r;

	if (state_write(statefile, rec, sizeof(rec)) < 0)
		return 10;
	r = state_read(statefile, &p, &n, NULL, 0);
	if (r != STATE_OK || n != sizeof(rec) || memcmp(p, rec, n) != 0)
		return 11;
	free(p);
	return 0;
}

static int
do_tcp_udp_sockets(void)
{
	int a = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int b = socket(AF_INET6, SOCK_DGRAM, 0);
	int c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return a >= 0 && b >= 0 && c >= 0 ? 0 : 5;
}

static int
do_read_etc(void)
{
	char buf[256];
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 6;
	if (read(fd, buf, sizeof(buf)) < 0)
		return 7;
	close(fd);
	/* Reading a root-only file is what CAP_DAC_READ_SEARCH is kept for. */
	fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
	return fd >= 0 ? 0 : 8;
}

static int
do_control_socket(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 9;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", ctlsock);
	unlink(ctlsock);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return 10;
	if (listen(fd, 4) < 0)
		return 11;
	return unlink(ctlsock) == 0 ? 0 : 12;
}

/* What the engine's checks are built on. */
static int
do_event_primitives(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (epoll_create1(EPOLL_CLOEXEC) < 0)
		return 20;
	if (timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK) < 0)
		return 21;
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK) < 0)
		return 22;
	if (inotify_init1(IN_CLOEXEC) < 0)
		return 23;
	if (syscall(SYS_pidfd_open, getppid(), 0) < 0)
		return 24;
	return 0;
}

static int
do_libraries(void)
{
	static const unsigned char data[] = "vigil";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct addrinfo hints = { .ai_flags = AI_ADDRCONFIG, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	pcre2_code *re;
	pcre2_match_data *md2;
	int err;
	PCRE2_SIZE eoff;

	if (EVP_Digest(data, 5, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return 30;
	if (EVP_Digest(data, 5, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16)
		return 31;
	re = pcre2_compile((PCRE2_SPTR)"err(or)?\\s+\\d+", PCRE2_ZERO_TERMINATED, 0,
	    &err, &eoff, NULL);
	if (re == NULL)
		return 32;
	if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
		return 33;
	md2 = pcre2_match_data_create_from_pattern(re, NULL);
	if (pcre2_match(re, (PCRE2_SPTR)"an error 42", 11, 0, 0, md2, NULL) < 0)
		return 34;
	if (getaddrinfo("localhost", "80", &hints, &res) != 0 || res == NULL)
		return 35;
	freeaddrinfo(res);
	return 0;
}

static void
test_allowed_event_primitives(void **st)
{
	(void)st;
	expect_exit(do_event_primitives, SANDBOXED, 0);
}

static void
test_allowed_libraries(void **st)
{
	(void)st;
	expect_exit(do_libraries, SANDBOXED, 0);
}

static void
test_allowed_state_write(void **st)
{
	(void)st;
	expect_exit(do_state_write, SANDBOXED, 0);
}

static void
test_allowed_sockets(void **st)
{
	(void)st;
	expect_exit(do_tcp_udp_sockets, SANDBOXED, 0);
	expect_exit(do_control_socket, SANDBOXED, 0);
}

static void
test_allowed_read(void **st)
{
	(void)st;
	expect_exit(do_read_etc, SANDBOXED, 0);
}

/* The table is sorted and every entry says why (STYLE.md rule 5). */
static void
test_policy_table(void **st)
{
	const struct seccomp_policy *p = &seccomp_policy_monitor;

	(void)st;
	assert_true(p->nallow > 20);
	for (size_t i = 0; i < p->nallow; i++) {
		assert_non_null(p->allow[i].why);
		assert_true(strlen(p->allow[i].why) > 3);
		if (i > 0)
			assert_true(strcmp(p->allow[i - 1].name, p->allow[i].name) <= 0);
		assert_true(strcmp(p->allow[i].name, "execve") != 0);
		assert_true(strcmp(p->allow[i].name, "execveat") != 0);
		assert_true(strcmp(p->allow[i].name, "ptrace") != 0);
		assert_true(strncmp(p->allow[i].name, "setres", 6) != 0);
	}
}

static int
setup_all(void **st)
{
	struct passwd *pw = getpwnam("_vigil");
	char p[128];
	int fd;

	(void)st;
	if (getuid() != 0 || pw == NULL) {
		fprintf(stderr, "test_sandbox_monitor: needs root and user _vigil\n");
		return -1;
	}
	strcpy(statedir, "/tmp/vigil-sbx-state-XXXXXX");
	strcpy(ctldir, "/tmp/vigil-sbx-ctl-XXXXXX");
	strcpy(outside, "/tmp/vigil-sbx-out-XXXXXX");
	if (mkdtemp(statedir) == NULL || mkdtemp(ctldir) == NULL || mkdtemp(outside) == NULL)
		return -1;
	/* All three are _vigil's: only Landlock tells them apart. */
	if (chown(statedir, pw->pw_uid, pw->pw_gid) < 0 ||
	    chown(ctldir, pw->pw_uid, pw->pw_gid) < 0 ||
	    chown(outside, pw->pw_uid, pw->pw_gid) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/existing", outside);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	if (fd < 0 || fchown(fd, pw->pw_uid, pw->pw_gid) < 0)
		return -1;
	close(fd);
	snprintf(statefile, sizeof(statefile), "%s/vigil.state", statedir);
	snprintf(ctlsock, sizeof(ctlsock), "%s/control.sock", ctldir);
	cf.statefile = statefile;
	cf.control_socket = ctlsock;
	return 0;
}

static int
teardown_all(void **st)
{
	char cmd[256];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s'", statedir, ctldir, outside);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	/* Each needs the seccomp policy, which a sanitizer build does not
	 * load (the runtimes need more syscalls). */
	const struct CMUnitTest seccomp_proofs[] = {
		cmocka_unit_test(test_execve),
		cmocka_unit_test(test_finding14_execveat),
		cmocka_unit_test(test_raw_icmp),
		cmocka_unit_test(test_raw_icmp_flags),
		cmocka_unit_test(test_packet),
		cmocka_unit_test(test_ptrace),
		cmocka_unit_test(test_setuid),
		cmocka_unit_test(test_setresgid),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_prctl),
	};
	/* The table, Landlock and every call that must succeed: also under
	 * ASan/UBSan (make asan-sandbox). */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_landlock_create_outside),
		cmocka_unit_test(test_landlock_write_outside),
		cmocka_unit_test(test_allowed_state_write),
		cmocka_unit_test(test_allowed_sockets),
		cmocka_unit_test(test_allowed_read),
		cmocka_unit_test(test_allowed_event_primitives),
		cmocka_unit_test(test_allowed_libraries),
	};
	int rc;

	log_init("test_sandbox_monitor", 0);
	rc = cmocka_run_group_tests_name("seccomp", seccomp_proofs, setup_all, teardown_all);
	return rc | cmocka_run_group_tests(tests, setup_all, teardown_all);
}
