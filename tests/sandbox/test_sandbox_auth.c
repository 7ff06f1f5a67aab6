/* Sandbox proof of vigil-auth (root): a child applies the real drop,
 * auth_sandbox_apply(), then tries something forbidden; the parent checks
 * how it ended.  Control cases show that what auth needs still works: it
 * reads /etc/shadow and authenticates a real user through PAM inside the
 * sandbox.  The last test runs the real vigil-auth binary end to end. */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <security/pam_appl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/util.h"
#include "webui/auth/auth.h"
#include "tests/unit/test_auth_user.h"

#define AUTH_USER "_vigilauth"

static struct test_user tu;

static int
setup(void **state)
{
	(void)state;
	log_init("test_sandbox_auth", 0);
	return test_user_create(&tu);
}

static int
teardown(void **state)
{
	(void)state;
	test_user_remove(&tu);
	return 0;
}

/* Run fn in a sandboxed child; return its wait status. */
static int
in_sandbox(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		auth_sandbox_apply(AUTH_USER);
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
assert_exit0(int status)
{
	if (WIFSIGNALED(status))
		fail_msg("child died by signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
assert_sigsys(int status)
{
	if (WIFEXITED(status))
		fail_msg("child exited %d instead of dying by SIGSYS", WEXITSTATUS(status));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

static int
do_socket_inet(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	return s < 0 && errno == EAFNOSUPPORT ? 0 : 1;
}

static int
do_socket_unix(void)
{
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	return s < 0 && errno == EAFNOSUPPORT ? 0 : 1;
}

static int
do_execve(void)
{
	char *argv[] = { (char *)"/bin/true", NULL };

	execve("/bin/true", argv, NULL);
	return 3;
}

static int
do_execveat(void)
{
	char *argv[] = { (char *)"/bin/true", NULL };

	syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0);
	return 3;
}

static int
do_ptrace(void)
{
	syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	return 3;
}

static int
do_setuid(void)
{
	syscall(SYS_setuid, 0);
	return 3;
}

static int
do_prctl_set(void)
{
	/* Reading capability state is allowed; changing process state is not. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 3;
}

static int
do_ioctl_tiocsti(void)
{
	char c = 'x';

	/* Only TCGETS is allowed: TIOCSTI (type into a terminal) kills. */
	ioctl(2, TIOCSTI, &c);
	return 3;
}

static int
do_write_tmp(void)
{
	char path[64];
	int fd;

	/* /tmp is world-writable: only Landlock can refuse this. */
	snprintf(path, sizeof(path), "/tmp/vigil-auth-sbx-%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		return 1;
	}
	return errno == EACCES ? 0 : 2;
}

static char readable_path[64];

static int
do_read_outside(void)
{
	int fd = open(readable_path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EACCES ? 0 : 2;
}

static int
do_read_shadow(void)
{
	char buf[64];
	int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (read(fd, buf, sizeof(buf)) <= 0)
		return 2;
	close(fd);
	return getuid() != 0 && geteuid() != 0 ? 0 : 3;
}

static int
do_pam_good(void)
{
	int rc = auth_pam_check(tu.service, tu.name, tu.password, "127.0.0.1");

	if (rc != PAM_SUCCESS)
		fprintf(stderr, "PAM in sandbox: %s\n", pam_strerror(NULL, rc));
	return rc == PAM_SUCCESS ? 0 : 10 + rc;
}

static int
do_pam_bad(void)
{
	int rc = auth_pam_check(tu.service, tu.name, "wrong password", "127.0.0.1");

	return rc == PAM_AUTH_ERR ? 0 : 10 + rc;
}

static int
do_groups(void)
{
	char buf[AUTH_GROUPS_MAX][MSG_NAME_LEN];
	const char *names[AUTH_GROUPS_MAX];
	size_t n = auth_system_groups(tu.name, buf, names, AUTH_GROUPS_MAX);

	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], tu.name) == 0)
			return 0;
	return 1;
}

static void test_socket_inet_refused(void **s) { (void)s; assert_exit0(in_sandbox(do_socket_inet)); }
static void test_socket_unix_refused(void **s) { (void)s; assert_exit0(in_sandbox(do_socket_unix)); }
static void test_execve_kills(void **s) { (void)s; assert_sigsys(in_sandbox(do_execve)); }
static void test_finding14_execveat_kills(void **s) { (void)s; assert_sigsys(in_sandbox(do_execveat)); }
static void test_ptrace_kills(void **s) { (void)s; assert_sigsys(in_sandbox(do_ptrace)); }
static void test_setuid_kills(void **s) { (void)s; assert_sigsys(in_sandbox(do_setuid)); }
static void test_prctl_set_kills(void **s) { (void)s; assert_sigsys(in_sandbox(do_prctl_set)); }
static void test_ioctl_tiocsti_kills(void **s) { (void)s; assert_sigsys(in_sandbox(do_ioctl_tiocsti)); }
static void test_write_refused_by_landlock(void **s) { (void)s; assert_exit0(in_sandbox(do_write_tmp)); }
/* A world-readable file outside /etc, /usr, /lib*: DAC allows it, only
 * Landlock refuses. */
static void
test_read_outside_refused_by_landlock(void **s)
{
	int fd, status;

	(void)s;
	snprintf(readable_path, sizeof(readable_path), "/tmp/vigil-auth-read-%d", (int)getpid());
	fd = open(readable_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	status = in_sandbox(do_read_outside);
	unlink(readable_path);
	assert_exit0(status);
}

static void test_control_read_shadow(void **s) { (void)s; assert_exit0(in_sandbox(do_read_shadow)); }
static void test_control_pam_good(void **s) { (void)s; assert_exit0(in_sandbox(do_pam_good)); }
static void test_control_pam_bad(void **s) { (void)s; assert_exit0(in_sandbox(do_pam_bad)); }
static void test_control_groups(void **s) { (void)s; assert_exit0(in_sandbox(do_groups)); }

/* ---- the real binary, end to end ---- */

struct peer {
	struct ipc_channel ch;
};

static struct ipc_channel *log_channel;	/* privd's end, for diagnostics */

static void
dump_logs(void)
{
	struct ipc_msg m;

	while (log_channel != NULL && ipc_recv_wait(log_channel, &m, 500) == IPC_MSG)
		if (m.type == MSG_LOG)
			fprintf(stderr, "vigil-auth log: %s\n", m.body.log.text);
}

static void
must_recv(struct ipc_channel *ch, enum msg_type want, struct ipc_msg *m)
{
	for (;;) {
		enum ipc_result r = ipc_recv_wait(ch, m, 10000);

		if (r != IPC_MSG)
			dump_logs();
		if (r != IPC_MSG)
			fail_msg("waiting for %s from %s: result %d", msg_type_name(want),
			    proc_role_name(ch->peer), (int)r);
		if (m->type == want)
			return;
		if (m->type != MSG_HELLO && m->type != MSG_LOG)
			fail_msg("got %s while waiting for %s", msg_type_name(m->type),
			    msg_type_name(want));
	}
}

/* True when nothing but HELLO or LOG arrives within ms. */
static bool
quiet_for(struct ipc_channel *ch, int ms)
{
	struct ipc_msg m;

	for (;;) {
		enum ipc_result r = ipc_recv_wait(ch, &m, ms);

		if (r == IPC_AGAIN)
			return true;
		if (r != IPC_MSG || (m.type != MSG_HELLO && m.type != MSG_LOG))
			return false;
	}
}

/* Drain privd's channel (log lines) looking for a substring. */
static bool
log_has(struct ipc_channel *ch, const char *needle)
{
	struct ipc_msg m;

	for (;;) {
		enum ipc_result r = ipc_recv_wait(ch, &m, 2000);

		if (r != IPC_MSG)
			return false;
		if (m.type == MSG_LOG && strstr(m.body.log.text, needle) != NULL)
			return true;
	}
}

/* Start build/vigil-auth as vigild would: fds 3, 4, 5 = privd, monitor,
 * webui; this process plays all three. */
static pid_t
spawn_auth(struct ipc_channel *privd, struct ipc_channel *mon, struct ipc_channel *web)
{
	char exe[PATH_MAX], bin[PATH_MAX + 16];
	int sp[3][2];
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(bin, sizeof(bin), "%s/../vigil-auth", dirname(exe));
	assert_int_equal(access(bin, X_OK), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ipc_socketpair(sp[i]), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		int want[3] = { sp[0][1], sp[1][1], sp[2][1] };

		for (int i = 0; i < 3; i++)
			want[i] = fcntl(want[i], F_DUPFD, 10);
		for (int i = 0; i < 3; i++)
			if (dup2(want[i], 3 + i) < 0)
				_exit(126);
		dup2(devnull, 0);
		execl(bin, "vigil-auth", "--user", AUTH_USER, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 3; i++)
		close(sp[i][1]);
	ipc_channel_init(privd, sp[0][0], PROC_PRIVD, PROC_AUTH);
	ipc_channel_init(mon, sp[1][0], PROC_MONITOR, PROC_AUTH);
	ipc_channel_init(web, sp[2][0], PROC_WEBUI, PROC_AUTH);
	assert_int_equal(ipc_send_hello(privd), 0);
	assert_int_equal(ipc_send_hello(mon), 0);
	assert_int_equal(ipc_send_hello(web), 0);
	log_channel = privd;
	return pid;
}

static void
test_daemon_end_to_end(void **state)
{
	struct ipc_channel privd, mon, web;
	struct ipc_msg m;
	struct msg_auth_rule rule;
	struct msg_auth_ready ready;
	struct msg_login login;
	struct msg_session_ack ack;
	char sid[MSG_SID_LEN];
	pid_t pid;
	int status;

	(void)state;
	pid = spawn_auth(&privd, &mon, &web);

	/* Before AUTH_READY every login is refused. */
	memset(&login, 0, sizeof(login));
	login.req = 6;
	strcpy(login.user, "admin");
	strcpy(login.password, "s3cret");
	strcpy(login.client, "127.0.0.1");
	assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
	must_recv(&web, MSG_LOGIN_RESULT, &m);
	assert_int_equal(m.body.login_result.req, 6);
	assert_int_equal(m.body.login_result.ok, 0);
	/* ... and the monitor hears of it, for the access alerts. */
	must_recv(&mon, MSG_ACCESS_REFUSED, &m);
	assert_string_equal(m.body.access_refused.user, "admin");
	assert_string_equal(m.body.access_refused.reason, "rules not loaded yet");

	/* Monitor: a user rule and a group rule for the test user's group. */
	memset(&rule, 0, sizeof(rule));
	rule.kind = AUTH_RULE_USER;
	strcpy(rule.name, "admin");
	rule.secret_type = SECRET_CLEARTEXT;
	strcpy(rule.secret, "s3cret");
	rule.role = ROLE_READWRITE;
	assert_int_equal(ipc_send(&mon, MSG_AUTH_RULE, &rule, -1), 0);
	memset(&rule, 0, sizeof(rule));
	rule.kind = AUTH_RULE_GROUP;
	strcpy(rule.name, tu.name);	/* useradd made a group of that name */
	rule.role = ROLE_RESTART;
	rule.nscope = 1;
	strcpy(rule.scope[0], "nginx");
	assert_int_equal(ipc_send(&mon, MSG_AUTH_RULE, &rule, -1), 0);
	/* A bcrypt user: libcrypt must work inside the policy too. */
	memset(&rule, 0, sizeof(rule));
	rule.kind = AUTH_RULE_USER;
	strcpy(rule.name, "hashed");
	rule.secret_type = SECRET_CRYPT;
	{
		char salt[CRYPT_GENSALT_OUTPUT_SIZE];
		struct crypt_data cd;

		assert_non_null(crypt_gensalt_rn("$2b$", 0, NULL, 0, salt, sizeof(salt)));
		memset(&cd, 0, sizeof(cd));
		assert_non_null(crypt_rn("bcrypt pw", salt, &cd, sizeof(cd)));
		strcpy(rule.secret, cd.output);
	}
	rule.role = ROLE_READONLY;
	assert_int_equal(ipc_send(&mon, MSG_AUTH_RULE, &rule, -1), 0);
	memset(&ready, 0, sizeof(ready));
	ready.nrules = 3;
	strcpy(ready.pam_service, tu.service);
	ready.session_ttl_s = 600;
	assert_int_equal(ipc_send(&mon, MSG_AUTH_READY, &ready, -1), 0);
	/* Channels are independent: wait until auth has taken the rules. */
	assert_true(log_has(&privd, "3 web access rules; PAM service"));

	/* PAM login of the real user: grant goes to the monitor first. */
	memset(&login, 0, sizeof(login));
	login.req = 7;
	strcpy(login.user, tu.name);
	strcpy(login.password, tu.password);
	strcpy(login.client, "127.0.0.1");
	assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
	must_recv(&mon, MSG_SESSION_GRANT, &m);
	assert_string_equal(m.body.session_grant.user, tu.name);
	assert_int_equal(m.body.session_grant.role, ROLE_RESTART);
	assert_int_equal(m.body.session_grant.nscope, 1);
	assert_string_equal(m.body.session_grant.scope[0], "nginx");
	assert_true(auth_sid_valid(m.body.session_grant.sid));
	assert_true(m.body.session_grant.expiry > (uint64_t)time(NULL) + 500);
	strcpy(sid, m.body.session_grant.sid);
	/* No answer to webui before the monitor acknowledges. */
	assert_true(quiet_for(&web, 300));
	memset(&ack, 0, sizeof(ack));
	strcpy(ack.sid, sid);
	ack.ok = 1;
	assert_int_equal(ipc_send(&mon, MSG_SESSION_ACK, &ack, -1), 0);
	must_recv(&web, MSG_LOGIN_RESULT, &m);
	assert_int_equal(m.body.login_result.req, 7);
	assert_int_equal(m.body.login_result.ok, 1);
	assert_string_equal(m.body.login_result.sid, sid);
	assert_int_equal(m.body.login_result.role, ROLE_RESTART);
	assert_string_equal(m.body.login_result.user, tu.name);

	/* Wrong password: refused, logged, no grant; answered after the fixed
	 * delay, like an unknown user (whose check costs no hash). */
	login.req = 8;
	strcpy(login.password, "not the password");
	{
		uint64_t t0 = now_ms(), t_known, t_unknown;

		assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
		must_recv(&web, MSG_LOGIN_RESULT, &m);
		t_known = now_ms() - t0;
		assert_int_equal(m.body.login_result.req, 8);
		assert_int_equal(m.body.login_result.ok, 0);
		assert_string_equal(m.body.login_result.sid, "");
		/* no grant: the monitor gets the refusal, nothing else */
		must_recv(&mon, MSG_ACCESS_REFUSED, &m);
		assert_string_equal(m.body.access_refused.user, tu.name);
		assert_string_equal(m.body.access_refused.client, "127.0.0.1");
		assert_string_equal(m.body.access_refused.reason,
		    "wrong password or unknown user");
		assert_int_equal(m.body.access_refused.count, 1);
		assert_true(quiet_for(&mon, 200));

		login.req = 11;
		strcpy(login.user, "vigiltest_nosuchuser");
		t0 = now_ms();
		assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
		must_recv(&web, MSG_LOGIN_RESULT, &m);
		t_unknown = now_ms() - t0;
		assert_int_equal(m.body.login_result.req, 11);
		assert_int_equal(m.body.login_result.ok, 0);
		must_recv(&mon, MSG_ACCESS_REFUSED, &m);
		assert_string_equal(m.body.access_refused.user, "vigiltest_nosuchuser");
		strcpy(login.user, tu.name);
		if (t_known < AUTH_FAIL_ANSWER_MS - 50 || t_unknown < AUTH_FAIL_ANSWER_MS - 50 ||
		    t_known > AUTH_FAIL_ANSWER_MS + 400 || t_unknown > AUTH_FAIL_ANSWER_MS + 400)
			fail_msg("failure answers after %llu ms (known user) and %llu ms "
			    "(unknown user), want about %d", (unsigned long long)t_known,
			    (unsigned long long)t_unknown, AUTH_FAIL_ANSWER_MS);
	}
	{
		char want[128];

		snprintf(want, sizeof(want), "login failed for user '%s' from 127.0.0.1",
		    tu.name);
		assert_true(log_has(&privd, want));
	}

	/* Control-file user; the monitor refuses the session -> failure. */
	login.req = 9;
	strcpy(login.user, "admin");
	strcpy(login.password, "s3cret");
	assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
	must_recv(&mon, MSG_SESSION_GRANT, &m);
	assert_int_equal(m.body.session_grant.role, ROLE_READWRITE);
	strcpy(ack.sid, m.body.session_grant.sid);
	ack.ok = 0;
	assert_int_equal(ipc_send(&mon, MSG_SESSION_ACK, &ack, -1), 0);
	must_recv(&web, MSG_LOGIN_RESULT, &m);
	assert_int_equal(m.body.login_result.req, 9);
	assert_int_equal(m.body.login_result.ok, 0);

	/* bcrypt user. */
	login.req = 10;
	strcpy(login.user, "hashed");
	strcpy(login.password, "bcrypt pw");
	assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
	must_recv(&mon, MSG_SESSION_GRANT, &m);
	assert_int_equal(m.body.session_grant.role, ROLE_READONLY);
	assert_int_equal(m.body.session_grant.nscope, 0);
	strcpy(ack.sid, m.body.session_grant.sid);
	ack.ok = 1;
	assert_int_equal(ipc_send(&mon, MSG_SESSION_ACK, &ack, -1), 0);
	must_recv(&web, MSG_LOGIN_RESULT, &m);
	assert_int_equal(m.body.login_result.req, 10);
	assert_int_equal(m.body.login_result.ok, 1);
	assert_int_equal(m.body.login_result.role, ROLE_READONLY);
	assert_string_equal(m.body.login_result.sid, ack.sid);

	/* The monitor never answers: the login fails after the timeout. */
	login.req = 12;
	strcpy(login.user, "admin");
	strcpy(login.password, "s3cret");
	{
		uint64_t t0 = now_ms();

		assert_int_equal(ipc_send(&web, MSG_LOGIN, &login, -1), 0);
		must_recv(&mon, MSG_SESSION_GRANT, &m);
		must_recv(&web, MSG_LOGIN_RESULT, &m);
		assert_int_equal(m.body.login_result.req, 12);
		assert_int_equal(m.body.login_result.ok, 0);
		assert_true(now_ms() - t0 >= AUTH_PENDING_TIMEOUT_MS - 100);
	}

	/* Still alive (the policy let PAM do its work), exits when privd goes. */
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	ipc_channel_close(&privd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	ipc_channel_close(&web);
	ipc_channel_close(&mon);
	if (WIFSIGNALED(status))
		fail_msg("vigil-auth died by signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A garbage datagram from webui: auth logs the violation and exits. */
static void
test_daemon_garbage_from_webui(void **state)
{
	struct ipc_channel privd, mon, web;
	static const char junk[] = "GET / HTTP/1.0\r\n\r\n not a vigil message";
	pid_t pid;
	int status;

	(void)state;
	pid = spawn_auth(&privd, &mon, &web);
	assert_int_equal(write(web.fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_true(log_has(&privd, "IPC violation from webui"));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	ipc_channel_close(&privd);
	ipc_channel_close(&mon);
	ipc_channel_close(&web);
}

/* LOGIN is webui's message: from the monitor's channel it is a violation. */
static void
test_daemon_login_from_monitor_refused(void **state)
{
	struct ipc_channel privd, mon, web;
	struct msg_login login;
	pid_t pid;
	int status;

	(void)state;
	pid = spawn_auth(&privd, &mon, &web);
	memset(&login, 0, sizeof(login));
	strcpy(login.user, "admin");
	strcpy(login.password, "x");
	assert_int_equal(ipc_send(&mon, MSG_LOGIN, &login, -1), 0);
	assert_true(log_has(&privd, "wrong sender"));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	ipc_channel_close(&privd);
	ipc_channel_close(&mon);
	ipc_channel_close(&web);
}

int
main(void)
{
	/* Each needs the seccomp policy, which a sanitizer build does not
	 * load (the runtimes need more syscalls). */
	const struct CMUnitTest seccomp_proofs[] = {
		cmocka_unit_test(test_socket_inet_refused),
		cmocka_unit_test(test_socket_unix_refused),
		cmocka_unit_test(test_execve_kills),
		cmocka_unit_test(test_finding14_execveat_kills),
		cmocka_unit_test(test_ptrace_kills),
		cmocka_unit_test(test_setuid_kills),
		cmocka_unit_test(test_prctl_set_kills),
		cmocka_unit_test(test_ioctl_tiocsti_kills),
	};
	/* Landlock, PAM and the daemon: also under ASan/UBSan. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_refused_by_landlock),
		cmocka_unit_test(test_read_outside_refused_by_landlock),
		cmocka_unit_test(test_control_read_shadow),
		cmocka_unit_test(test_control_pam_good),
		cmocka_unit_test(test_control_pam_bad),
		cmocka_unit_test(test_control_groups),
		cmocka_unit_test(test_daemon_end_to_end),
		cmocka_unit_test(test_daemon_garbage_from_webui),
		cmocka_unit_test(test_daemon_login_from_monitor_refused),
	};
	int rc;

	rc = cmocka_run_group_tests_name("seccomp", seccomp_proofs, setup, teardown);
	return rc | cmocka_run_group_tests(tests, setup, teardown);
}
