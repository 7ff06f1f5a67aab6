/* The CLI control socket: who may do what (SO_PEERCRED), refusals without
 * parsing, bounded clients, idle timeout, garbage closes only that client. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

static char dir[64], sockpath[100], statepath[100];
static struct config cf;
static struct monitor m;
static struct core core;
static struct control_allow allow_nobody = { "nobody", false, true, NULL };
static struct control_allow allow_group = { "shadow", true, false, &allow_nobody };

/* ---- control_access ---- */

static void
test_access_matrix(void **st)
{
	/* getpwnam's result is overwritten by the next call: copy. */
	struct passwd nobody_pw = *getpwnam("nobody"), web_pw = *getpwnam("_vigilweb");
	struct group shadow_gr = *getgrnam("shadow");
	struct passwd *nobody = &nobody_pw, *web = &web_pw;
	struct group *shadow = &shadow_gr;
	gid_t sup[2];

	(void)st;
	cf.control_allow = NULL;
	assert_int_equal(control_access(&cf, 999, 0, 0, NULL, 0), 2);
	assert_int_equal(control_access(&cf, 999, 999, 999, NULL, 0), 2);
	assert_int_equal(control_access(&cf, 999, nobody->pw_uid, nobody->pw_gid, NULL, 0), 0);
	cf.control_allow = &allow_group;
	/* read-only user */
	assert_int_equal(control_access(&cf, 999, nobody->pw_uid, nobody->pw_gid, NULL, 0), 1);
	/* a stranger */
	assert_int_equal(control_access(&cf, 999, web->pw_uid, web->pw_gid, NULL, 0), 0);
	/* group, primary or supplementary (SO_PEERGROUPS) */
	assert_int_equal(control_access(&cf, 999, web->pw_uid, shadow->gr_gid, NULL, 0), 2);
	sup[0] = 12345;
	sup[1] = shadow->gr_gid;
	assert_int_equal(control_access(&cf, 999, web->pw_uid, web->pw_gid, sup, 2), 2);
	assert_int_equal(control_access(&cf, 999, web->pw_uid, web->pw_gid, sup, 1), 0);
	/* read-only + group: the better grant wins */
	assert_int_equal(control_access(&cf, 999, nobody->pw_uid, shadow->gr_gid, NULL, 0), 2);
	assert_true(control_action_readonly(CTL_STATUS));
	assert_true(control_action_readonly(CTL_SUMMARY));
	assert_false(control_action_readonly(CTL_STOP));
	assert_false(control_action_readonly(CTL_QUIT));
	assert_false(control_action_readonly(CTL_RELOAD));
	assert_false(control_action_readonly(CTL_VALIDATE));
}

/* ---- over the socket ---- */

static int
connect_ctl(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return -1;
	return fd;
}

/* Child: as uid (or root when 0), ask action on name; exit 0 when the
 * answer is (code, message), 2 otherwise. */
static int
client(uid_t uid, gid_t gid, enum ctl_action action, const char *name,
    int want_code, const char *want_msg)
{
	struct ipc_channel ch;
	struct msg_ctl_request rq;
	static struct ipc_msg in;
	int fd;

	if (uid != 0 && (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0))
		return 3;
	if ((fd = connect_ctl()) < 0)
		return 4;
	ipc_channel_init(&ch, fd, PROC_CLI, PROC_MONITOR);
	ipc_send_hello(&ch);
	memset(&rq, 0, sizeof(rq));
	rq.action = (uint8_t)action;
	snprintf(rq.name, sizeof(rq.name), "%s", name);
	/* A refused client may find the socket already closed: fine. */
	(void)ipc_send(&ch, MSG_CTL_REQUEST, &rq, -1);
	for (;;) {
		enum ipc_result r = ipc_recv_wait(&ch, &in, 5000);

		if (r != IPC_MSG) {
			fprintf(stderr, "client: result %d violation %s\n", r,
			    ipc_violation_name(in.violation));
			return 5;
		}
		if (in.type == MSG_CTL_DONE)
			break;
	}
	if (in.body.ctl_done.code != want_code ||
	    strcmp(in.body.ctl_done.message, want_msg) != 0) {
		fprintf(stderr, "client: got %d '%s', want %d '%s'\n",
		    in.body.ctl_done.code, in.body.ctl_done.message, want_code, want_msg);
		return 2;
	}
	return 0;
}

/* Serve the loop until the child exits; return its exit code. */
static int
serve_until_exit(pid_t pid)
{
	int status;

	for (int i = 0; i < 400; i++) {
		ev_run_once(m.ev, 25);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			assert_true(WIFEXITED(status));
			return WEXITSTATUS(status);
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("client did not finish");
	return -1;
}

static int
run_client(uid_t uid, gid_t gid, enum ctl_action a, const char *name, int code,
    const char *msg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(client(uid, gid, a, name, code, msg));
	return serve_until_exit(pid);
}

static size_t
clients_in_use(void)
{
	size_t n = 0;

	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		n += core.ctl[i].used;
	return n;
}

static void
test_root_status(void **st)
{
	(void)st;
	assert_int_equal(run_client(0, 0, CTL_STATUS, "", 0, ""), 0);
	assert_int_equal(run_client(0, 0, CTL_VALIDATE, "", 0, "every service checked"), 0);
}

static void
test_unknown_service(void **st)
{
	(void)st;
	assert_int_equal(run_client(0, 0, CTL_STOP, "nosuch", 1,
	    "service 'nosuch' not found"), 0);
	assert_int_equal(run_client(0, 0, CTL_STATUS, "nosuch", 1,
	    "service 'nosuch' not found"), 0);
}

static void
test_readonly_user(void **st)
{
	struct passwd *pw = getpwnam("nobody");

	(void)st;
	assert_int_equal(run_client(pw->pw_uid, pw->pw_gid, CTL_STATUS, "", 0, ""), 0);
	assert_int_equal(run_client(pw->pw_uid, pw->pw_gid, CTL_STOP, "all", 1,
	    "permission denied"), 0);
	assert_int_equal(run_client(pw->pw_uid, pw->pw_gid, CTL_QUIT, "", 1,
	    "permission denied"), 0);
}

static void
test_stranger_refused(void **st)
{
	struct passwd *pw = getpwnam("_vigilweb");

	(void)st;
	assert_int_equal(run_client(pw->pw_uid, pw->pw_gid, CTL_STATUS, "", 1,
	    "permission denied"), 0);
}

static void
test_garbage_closes_only_that_client(void **st)
{
	int fd;
	char buf[64];
	ssize_t n = -1;

	(void)st;
	fd = connect_ctl();
	assert_true(fd >= 0);
	assert_int_equal(send(fd, "garbage, not a frame", 20, 0), 20);
	for (int i = 0; i < 40; i++) {
		ev_run_once(m.ev, 25);
		/* First the server's HELLO, then end of stream. */
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			break;
	}
	assert_int_equal(n, 0);
	close(fd);
	assert_int_equal(clients_in_use(), 0);
	assert_int_equal(run_client(0, 0, CTL_STATUS, "", 0, ""), 0);
}

static void
test_idle_timeout(void **st)
{
	int fd;
	char buf[64];
	ssize_t n = -1;
	uint64_t t0 = now_ms();

	(void)st;
	fd = connect_ctl();
	assert_true(fd >= 0);
	for (int i = 0; i < 200; i++) {
		ev_run_once(m.ev, 25);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			break;
	}
	assert_int_equal(n, 0);
	/* Not before the timeout (300 ms in this test). */
	assert_true(now_ms() - t0 >= 300);
	close(fd);
}

static void
test_bounded_clients(void **st)
{
	int fds[CTL_MAX_CLIENTS + 1];
	char buf[64];

	(void)st;
	core.ctl_idle_ms = 60000;
	for (int i = 0; i <= CTL_MAX_CLIENTS; i++) {
		fds[i] = connect_ctl();
		assert_true(fds[i] >= 0);
		ev_run_once(m.ev, 10);
	}
	for (int i = 0; i < 10; i++)
		ev_run_once(m.ev, 10);
	assert_int_equal(clients_in_use(), CTL_MAX_CLIENTS);
	/* The last one was answered (HELLO, "too many") and closed at once;
	 * the first got a HELLO and waits for its request. */
	assert_true(recv(fds[CTL_MAX_CLIENTS], buf, sizeof(buf), MSG_DONTWAIT) > 0);
	assert_true(recv(fds[CTL_MAX_CLIENTS], buf, sizeof(buf), MSG_DONTWAIT) > 0);
	assert_int_equal(recv(fds[CTL_MAX_CLIENTS], buf, sizeof(buf), MSG_DONTWAIT), 0);
	assert_true(recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) > 0);
	assert_true(recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) < 0);
	for (int i = 0; i <= CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	for (int i = 0; i < 10; i++)
		ev_run_once(m.ev, 10);
	assert_int_equal(clients_in_use(), 0);
	core.ctl_idle_ms = 300;
}

/* A child that, as uid, opens n connections and keeps them open until it
 * is killed; the parent serves the loop until the child says so.  Its pid
 * stays in `holder` so teardown ends it when an assertion fails first. */
static pid_t holder = -1;

static pid_t
hold_connections(uid_t uid, gid_t gid, int n)
{
	int p[2];
	pid_t pid;
	char c = 0;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			_exit(3);
		for (int i = 0; i < n; i++)
			if (connect_ctl() < 0)
				_exit(4);
		if (write(p[1], "r", 1) != 1)
			_exit(5);
		pause();
		_exit(0);
	}
	close(p[1]);
	holder = pid;
	for (int i = 0; i < 400 && c != 'r'; i++) {
		struct timeval tv = { 0, 0 };
		fd_set rf;

		ev_run_once(m.ev, 25);
		FD_ZERO(&rf);
		FD_SET(p[0], &rf);
		if (select(p[0] + 1, &rf, NULL, NULL, &tv) == 1 && read(p[0], &c, 1) != 1)
			break;
	}
	close(p[0]);
	if (c != 'r') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("the holding child did not connect %d times", n);
	}
	for (int i = 0; i < 20; i++)
		ev_run_once(m.ev, 10);
	return pid;
}

static void
end_holder(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	holder = -1;
	for (int i = 0; i < 20; i++)
		ev_run_once(m.ev, 10);
}

/* Finding 3: 40 idle connections of a user who is not allowed locked root
 * out (each held one of 16 slots for 10 s).  Refused peers hold none. */
static void
test_finding3_refused_peers_hold_no_slot(void **st)
{
	struct passwd *pw = getpwnam("_vigilweb");
	pid_t held;

	(void)st;
	core.ctl_idle_ms = 60000;
	held = hold_connections(pw->pw_uid, pw->pw_gid, 40);
	assert_int_equal(clients_in_use(), 0);
	assert_int_equal(run_client(0, 0, CTL_STATUS, "", 0, ""), 0);
	end_holder(held);
	core.ctl_idle_ms = 300;
}

/* Finding 3: an allowed user holds at most CTL_PER_UID_MAX slots; root
 * still gets in, and so does another allowed user. */
static void
test_finding3_per_uid_cap_and_root_reserve(void **st)
{
	struct passwd nobody = *getpwnam("nobody");
	pid_t held;

	(void)st;
	core.ctl_idle_ms = 60000;
	held = hold_connections(nobody.pw_uid, nobody.pw_gid, 40);
	assert_int_equal(clients_in_use(), CTL_PER_UID_MAX);
	assert_int_equal(run_client(0, 0, CTL_STATUS, "", 0, ""), 0);
	end_holder(held);
	core.ctl_idle_ms = 300;
}

static void
test_finding3_slot_shares(void **st)
{
	(void)st;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		assert_false(core.ctl[i].used);
	/* users 1000..: one share each until only the root reserve is left */
	for (size_t i = 0; i < CTL_MAX_CLIENTS - CTL_ROOT_RESERVED; i++) {
		struct ctl_client *cl = control_slot(&core, (uid_t)(1000 + i / CTL_PER_UID_MAX),
		    false);

		assert_non_null(cl);
		cl->used = true;
		cl->uid = (uid_t)(1000 + i / CTL_PER_UID_MAX);
	}
	assert_null(control_slot(&core, 1000, false));
	assert_null(control_slot(&core, 2000, false));
	for (size_t i = 0; i < CTL_ROOT_RESERVED; i++) {
		struct ctl_client *cl = control_slot(&core, 0, true);

		assert_non_null(cl);
		cl->used = true;
		cl->uid = 0;
	}
	assert_null(control_slot(&core, 0, true));
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		core.ctl[i].used = false;
}

static void
test_socket_mode_and_stale(void **st)
{
	struct stat sb;

	(void)st;
	assert_int_equal(stat(sockpath, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0666);
}

static int
setup(void **st)
{
	(void)st;
	if (getuid() != 0) {
		fprintf(stderr, "test_control: needs root (to act as other users)\n");
		return -1;
	}
	strcpy(dir, "/tmp/vigil-ctl-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	chmod(dir, 0755);
	snprintf(sockpath, sizeof(sockpath), "%s/control.sock", dir);
	/* A stale socket from a dead monitor is replaced. */
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			return -1;
		close(fd);
	}
	cf.control_socket = sockpath;
	/* never the system's default state file: this runs as root */
	snprintf(statepath, sizeof(statepath), "%s/vigil.state", dir);
	cf.statefile = statepath;
	cf.poll_s = 30;
	m.cf = &cf;
	m.ev = ev_new();
	core_init(&core, &m);
	core.ctl_idle_ms = 300;
	m.engine = engine_new(&m);
	control_open(&core);
	if (core.ctl_fd < 0)
		return -1;
	cf.control_allow = &allow_group;
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	end_holder(holder);
	control_close(&core);
	if (access(sockpath, F_OK) == 0)
		return -1;	/* control_close removes the socket */
	unlink(statepath);
	if (rmdir(dir) < 0)
		return -1;	/* something else was left behind */
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_mode_and_stale),
		cmocka_unit_test(test_root_status),
		cmocka_unit_test(test_unknown_service),
		cmocka_unit_test(test_readonly_user),
		cmocka_unit_test(test_stranger_refused),
		cmocka_unit_test(test_garbage_closes_only_that_client),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_bounded_clients),
		cmocka_unit_test(test_finding3_refused_peers_hold_no_slot),
		cmocka_unit_test(test_finding3_per_uid_cap_and_root_reserve),
		cmocka_unit_test(test_finding3_slot_shares),
		cmocka_unit_test(test_access_matrix),
	};

	log_init("test_control", 0);
	signal(SIGPIPE, SIG_IGN);
	if (getuid() != 0) {
		fprintf(stderr, "test_control: SKIPPED: needs root to act as other users\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
