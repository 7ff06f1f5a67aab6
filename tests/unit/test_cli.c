/* The CLI: argument parsing, control-file search, and the conversation with
 * a (possibly hostile) monitor over the control socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/ipc.h"
#include "common/util.h"

static int
parse(struct cli_opts *o, char *err, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;
	char *s;

	argv[argc++] = (char *)"vigil";
	va_start(ap, err);
	while ((s = va_arg(ap, char *)) != NULL && argc < 15)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse_args(argc, argv, o, err, 256);
}

static void
test_args_modes(void **state)
{
	struct cli_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_DAEMON);
	assert_int_equal(parse(&o, err, "-c", "/x/rc", "-I", "-v", "-v", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_DAEMON);
	assert_string_equal(o.control_file, "/x/rc");
	assert_true(o.foreground);
	assert_int_equal(o.verbose, 2);
	assert_int_equal(parse(&o, err, "-t", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_TEST);
	assert_int_equal(parse(&o, err, "-V", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_VERSION);
	assert_int_equal(parse(&o, err, "-h", "status", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_HELP);
	assert_int_equal(parse(&o, err, "--socket", "/s", "status", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_ACTION);
	assert_int_equal(o.action, CTL_STATUS);
	assert_null(o.name);
	assert_string_equal(o.socket_path, "/s");
}

static void
test_args_actions(void **state)
{
	struct cli_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, "status", "demo", NULL), 0);
	assert_int_equal(o.action, CTL_STATUS);
	assert_string_equal(o.name, "demo");
	assert_int_equal(parse(&o, err, "summary", NULL), 0);
	assert_int_equal(o.action, CTL_SUMMARY);
	assert_int_equal(parse(&o, err, "restart", "all", NULL), 0);
	assert_int_equal(o.action, CTL_RESTART);
	assert_string_equal(o.name, "all");
	assert_int_equal(parse(&o, err, "-g", "www", "stop", NULL), 0);
	assert_int_equal(o.action, CTL_STOP);
	assert_null(o.name);
	assert_string_equal(o.group, "www");
	assert_int_equal(parse(&o, err, "unmonitor", "x", NULL), 0);
	assert_int_equal(o.action, CTL_UNMONITOR);
	assert_int_equal(parse(&o, err, "monitor", "x", NULL), 0);
	assert_int_equal(o.action, CTL_MONITOR);
	assert_int_equal(parse(&o, err, "start", "x", NULL), 0);
	assert_int_equal(o.action, CTL_START);
	assert_int_equal(parse(&o, err, "reload", NULL), 0);
	assert_int_equal(o.action, CTL_RELOAD);
	assert_int_equal(parse(&o, err, "quit", NULL), 0);
	assert_int_equal(o.action, CTL_QUIT);
	assert_int_equal(parse(&o, err, "validate", NULL), 0);
	assert_int_equal(o.action, CTL_VALIDATE);
	for (int a = 0; a <= CTL_ACTION_MAX; a++)
		assert_int_equal(cli_action_parse(cli_action_name((enum ctl_action)a)), a);

	/* Monit's report and procmatch; status --json before or after a name */
	assert_int_equal(parse(&o, err, "report", NULL), 0);
	assert_int_equal(o.action, CTL_REPORT);
	assert_null(o.name);
	assert_int_equal(parse(&o, err, "report", "down", NULL), 0);
	assert_string_equal(o.name, "down");
	assert_int_equal(parse(&o, err, "report", "initialising", NULL), 0);
	assert_int_equal(parse(&o, err, "report", "sideways", NULL), -1);
	assert_non_null(strstr(err, "up, down, initializing"));
	assert_int_equal(parse(&o, err, "procmatch", "ng.nx", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_PROCMATCH);
	assert_string_equal(o.name, "ng.nx");
	assert_int_equal(parse(&o, err, "procmatch", NULL), -1);
	/* log verify [FILE]: local, like procmatch */
	assert_int_equal(parse(&o, err, "log", "verify", NULL), 0);
	assert_int_equal(o.mode, CLI_MODE_LOG_VERIFY);
	assert_null(o.name);
	assert_int_equal(parse(&o, err, "log", "verify", "/var/log/vigil.log", NULL), 0);
	assert_string_equal(o.name, "/var/log/vigil.log");
	assert_int_equal(parse(&o, err, "log", NULL), -1);
	assert_non_null(strstr(err, "usage: vigil log verify [FILE]"));
	assert_int_equal(parse(&o, err, "log", "check", NULL), -1);
	assert_int_equal(parse(&o, err, "log", "verify", "a", "b", NULL), -1);
	assert_int_equal(parse(&o, err, "log", "verify", "", NULL), -1);
	assert_int_equal(parse(&o, err, "status", "--json", NULL), 0);
	assert_int_equal(o.action, CTL_STATUS_JSON);
	assert_null(o.name);
	assert_int_equal(parse(&o, err, "status", "web", "--json", NULL), 0);
	assert_int_equal(o.action, CTL_STATUS_JSON);
	assert_string_equal(o.name, "web");
	assert_int_equal(parse(&o, err, "--json", "status", "web", NULL), 0);
	assert_int_equal(o.action, CTL_STATUS_JSON);
	assert_int_equal(parse(&o, err, "summary", "--json", NULL), -1);
	assert_non_null(strstr(err, "--json goes with 'status' only"));
}

static void
test_args_garbage(void **state)
{
	struct cli_opts o;
	char err[256], longname[MSG_NAME_LEN + 8];

	(void)state;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(parse(&o, err, "restrat", "x", NULL), -1);
	assert_non_null(strstr(err, "unknown action 'restrat'"));
	assert_int_equal(parse(&o, err, "start", NULL), -1);
	assert_int_equal(parse(&o, err, "stop", "a", "b", NULL), -1);
	assert_int_equal(parse(&o, err, "status", "a", "b", NULL), -1);
	assert_int_equal(parse(&o, err, "reload", "x", NULL), -1);
	assert_int_equal(parse(&o, err, "-g", "g", "quit", NULL), -1);
	assert_int_equal(parse(&o, err, "-t", "status", NULL), -1);
	assert_int_equal(parse(&o, err, "-x", NULL), -1);
	assert_non_null(strstr(err, "unknown option"));
	assert_int_equal(parse(&o, err, "-c", NULL), -1);
	assert_int_equal(parse(&o, err, "-c", "", NULL), -1);
	assert_int_equal(parse(&o, err, "--socket", "", "status", NULL), -1);
	assert_int_equal(parse(&o, err, "start", longname, NULL), -1);
	assert_int_equal(parse(&o, err, "start", "a\033[2Jb", NULL), -1);
	assert_non_null(strstr(err, "control character"));
	assert_int_equal(parse(&o, err, "-g", "", "start", NULL), -1);
	/* Options end at the action: a name can never be an option. */
	assert_int_equal(parse(&o, err, "status", "-v", NULL), 0);
	assert_string_equal(o.name, "-v");
	assert_int_equal(o.verbose, 0);
}

static void
test_rc_search(void **state)
{
	char dir[] = "/tmp/vigil-cli-test-XXXXXX";
	char path[512], out[512], tried[2048];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.vigilrc", dir);
	/* A directory of that name is not a control file. */
	assert_int_equal(mkdir(path, 0700), 0);
	if (!cli_find_control_file(dir, out, sizeof(out), tried, sizeof(tried)))
		assert_non_null(strstr(tried, path));
	else
		assert_string_not_equal(out, path);
	assert_int_equal(rmdir(path), 0);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_true(cli_find_control_file(dir, out, sizeof(out), tried, sizeof(tried)));
	assert_string_equal(out, path);
	unlink(path);
	/* Without it, ~/.monitrc, unless a vigil system file comes first. */
	snprintf(path, sizeof(path), "%s/.monitrc", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_true(cli_find_control_file(dir, out, sizeof(out), tried, sizeof(tried)));
	if (access("/etc/vigilrc", F_OK) == 0)
		assert_string_equal(out, "/etc/vigilrc");
	else if (access("/etc/vigil/vigilrc", F_OK) == 0)
		assert_string_equal(out, "/etc/vigil/vigilrc");
	else
		assert_string_equal(out, path);
	unlink(path);
	rmdir(dir);
	assert_string_equal(cli_rc_search[0], "~/.vigilrc");
	assert_string_equal(cli_rc_search[3], "~/.monitrc");
}

static char *
sanitize(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cli_print_sanitized(f, in);
	fclose(f);
	return buf;
}

static void
test_sanitize(void **state)
{
	char *s;

	(void)state;
	s = sanitize("ok\tline\n\033[31mred\x7f\r\xc2\x9b" "2J caf\xc3\xa9");
	assert_string_equal(s, "ok\tline\n?[31mred???2J caf\xc3\xa9");
	free(s);
}

/* The monitor's end of a control connection, scripted. */
struct fake {
	int cli_fd;
	struct ipc_channel mon;
	char *out, *err;
	size_t outlen, errlen;
	FILE *fout, *ferr;
};

static void
fake_open(struct fake *f)
{
	int sv[2];

	assert_int_equal(ipc_socketpair(sv), 0);
	f->cli_fd = sv[0];
	ipc_channel_init(&f->mon, sv[1], PROC_MONITOR, PROC_CLI);
	f->out = f->err = NULL;
	f->fout = open_memstream(&f->out, &f->outlen);
	f->ferr = open_memstream(&f->err, &f->errlen);
}

static int
fake_converse(struct fake *f, const struct msg_ctl_request *req)
{
	int code = cli_ctl_converse(f->cli_fd, req, f->fout, f->ferr, 2000);

	fclose(f->fout);
	fclose(f->ferr);
	return code;
}

static void
fake_close(struct fake *f)
{
	ipc_channel_close(&f->mon);
	free(f->out);
	free(f->err);
}

static void
send_output(struct fake *f, const char *text)
{
	struct msg_ctl_output o;

	memset(&o, 0, sizeof(o));
	strlcpy_v(o.text, text, sizeof(o.text));
	assert_int_equal(ipc_send(&f->mon, MSG_CTL_OUTPUT, &o, -1), 0);
}

static void
send_done(struct fake *f, int32_t code, const char *msg)
{
	struct msg_ctl_done d;

	memset(&d, 0, sizeof(d));
	d.code = code;
	strlcpy_v(d.message, msg, sizeof(d.message));
	assert_int_equal(ipc_send(&f->mon, MSG_CTL_DONE, &d, -1), 0);
}

static void
test_converse_ok(void **state)
{
	struct msg_ctl_request req;
	struct ipc_msg m;
	struct fake f;

	(void)state;
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_output(&f, "Process 'demo'\n");
	send_output(&f, "  status OK\n");
	send_done(&f, 0, "");
	memset(&req, 0, sizeof(req));
	req.action = CTL_RESTART;
	strlcpy_v(req.name, "demo", sizeof(req.name));
	assert_int_equal(fake_converse(&f, &req), 0);
	assert_string_equal(f.out, "Process 'demo'\n  status OK\n");
	assert_string_equal(f.err, "");
	/* What the monitor received: HELLO as the CLI, then the request. */
	assert_int_equal(ipc_recv(&f.mon, &m), IPC_MSG);
	assert_int_equal(m.type, MSG_HELLO);
	assert_int_equal(m.body.hello.role, PROC_CLI);
	assert_int_equal(ipc_recv(&f.mon, &m), IPC_MSG);
	assert_int_equal(m.type, MSG_CTL_REQUEST);
	assert_int_equal(m.body.ctl_request.action, CTL_RESTART);
	assert_string_equal(m.body.ctl_request.name, "demo");
	fake_close(&f);
}

static void
test_converse_refused(void **state)
{
	struct msg_ctl_request req;
	struct fake f;

	(void)state;
	memset(&req, 0, sizeof(req));
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_done(&f, 1, "permission denied");
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_string_equal(f.err, "vigil: permission denied\n");
	fake_close(&f);

	/* Refused and closed before the request went out: the answer that
	 * was already sent is still what the user sees. */
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_done(&f, 1, "permission denied");
	ipc_channel_close(&f.mon);
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_string_equal(f.err, "vigil: permission denied\n");
	free(f.out);
	free(f.err);

	/* A success message goes to stdout. */
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_done(&f, 0, "reinitializing");
	assert_int_equal(fake_converse(&f, &req), 0);
	assert_string_equal(f.out, "reinitializing\n");
	assert_string_equal(f.err, "");
	fake_close(&f);

	/* An exit code that would wrap to success is a failure. */
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_done(&f, 256, "odd");
	assert_int_equal(fake_converse(&f, &req), 1);
	fake_close(&f);
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_done(&f, -3, "");
	assert_int_equal(fake_converse(&f, &req), 1);
	fake_close(&f);
}

static void
test_converse_hostile(void **state)
{
	struct msg_ctl_request req;
	struct fake f;
	uint8_t junk[64];
	size_t n;

	(void)state;
	memset(&req, 0, sizeof(req));
	/* Garbage instead of HELLO. */
	fake_open(&f);
	memset(junk, 0x41, sizeof(junk));
	assert_int_equal(send(f.mon.fd, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_non_null(strstr(f.err, "protocol error"));
	fake_close(&f);

	/* Output before HELLO. */
	fake_open(&f);
	send_output(&f, "early");
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_non_null(strstr(f.err, "protocol error"));
	assert_string_equal(f.out, "");
	fake_close(&f);

	/* A message the CLI never accepts (a CTL_REQUEST back). */
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	assert_int_equal(ipc_send(&f.mon, MSG_CTL_REQUEST, &req, -1), 0);
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_non_null(strstr(f.err, "wrong sender"));
	fake_close(&f);

	/* A well-framed CTL_OUTPUT whose string is not terminated. */
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	{
		uint8_t dg[64], pl[8] = { 0xff, 0x7f, 'a', 'b', 'c', 0, 0, 0 };

		n = ipc_frame(dg, sizeof(dg), IPC_MAGIC, IPC_VERSION, MSG_CTL_OUTPUT,
		    2, pl, sizeof(pl));
		assert_int_equal(send(f.mon.fd, dg, n, 0), (ssize_t)n);
	}
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_non_null(strstr(f.err, "protocol error"));
	fake_close(&f);

	/* A daemon from another build: refused, and the message names the
	 * vigild to stop (the parent of the monitor that said HELLO). */
	fake_open(&f);
	{
		struct msg_hello h;
		char want[64];

		memset(&h, 0, sizeof(h));
		h.role = PROC_MONITOR;
		strlcpy_v(h.build_id, "0123456789abcdef", sizeof(h.build_id));
		h.pid = (uint32_t)getpid();
		assert_int_equal(ipc_send(&f.mon, MSG_HELLO, &h, -1), 0);
		assert_int_equal(fake_converse(&f, &req), 1);
		assert_non_null(strstr(f.err, "another build"));
		snprintf(want, sizeof(want), "kill %ld", (long)getppid());
		assert_non_null(strstr(f.err, want));
	}
	fake_close(&f);

	/* Closed without CTL_DONE. */
	fake_open(&f);
	assert_int_equal(ipc_send_hello(&f.mon), 0);
	send_output(&f, "partial\033]0;owned\007\n");
	shutdown(f.mon.fd, SHUT_WR);
	assert_int_equal(fake_converse(&f, &req), 1);
	assert_string_equal(f.out, "partial?]0;owned?\n");
	assert_non_null(strstr(f.err, "closed the connection"));
	fake_close(&f);
}

static void
test_run_capture(void **state)
{
	char *ok[] = { (char *)"/bin/sh", (char *)"-c",
	    (char *)"echo out; echo err >&2; exit 3", NULL };
	/* Far more than the buffers hold: must be drained, not deadlock. */
	char *big[] = { (char *)"/bin/sh", (char *)"-c",
	    (char *)"head -c 1000000 /dev/zero | tr '\\0' x; head -c 300000 /dev/zero >&2", NULL };
	char *missing[] = { (char *)"/nonexistent/vigil-monitor", NULL };
	char out[64], err[64];
	int st;

	(void)state;
	st = cli_run_capture(ok, out, sizeof(out), err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	assert_string_equal(out, "out\n");
	assert_string_equal(err, "err\n");
	st = cli_run_capture(big, out, sizeof(out), err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_int_equal(strspn(out, "x"), sizeof(out) - 1);
	st = cli_run_capture(missing, out, sizeof(out), err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 127);
	assert_non_null(strstr(err, "cannot run"));
}

static void
test_find_binaries(void **state)
{
	char path[4096];

	(void)state;
	/* The unit test lives in build/tests/: no sibling vigil-monitor there,
	 * and the answer, when there is one, is an executable absolute path. */
	if (cli_find_monitor(path, sizeof(path))) {
		assert_int_equal(path[0], '/');
		assert_int_equal(access(path, X_OK), 0);
	}
	if (cli_find_vigild("/nonexistent/bin/vigil", path, sizeof(path))) {
		assert_int_equal(path[0], '/');
		assert_int_equal(access(path, X_OK), 0);
	}
	/* Too small a buffer is a clean failure. */
	assert_false(cli_find_vigild(NULL, path, 4));
}

static void
test_connect_errors(void **state)
{
	char longpath[200];

	(void)state;
	assert_int_equal(cli_ctl_connect("/nonexistent/vigil/control.sock"), -1);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(cli_ctl_connect(longpath), -1);
}

/* Finding 4: the directories on the way to the socket.  Needs root (the
 * directories are given to another owner and group). */
static void
test_finding4_socket_dirs(void **st)
{
	struct cli_trust t = { .self_uid = 0, .have_monitor = true, .monitor_uid = 4242,
		.monitor_gid = 4243 };
	char top[] = "/tmp/vigil-clitrust-XXXXXX", dir[64], sock[96], why[512];
	int sv[2];

	(void)st;
	if (geteuid() != 0)
		fail_msg("test_finding4_socket_dirs needs root");
	assert_non_null(mkdtemp(top));
	assert_int_equal(chmod(top, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/run", top);
	snprintf(sock, sizeof(sock), "%s/ctl.sock", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* root's, the monitor's, group-writable by the monitor's group: fine */
	assert_true(cli_socket_path_ok(sock, &t, why, sizeof(why)));
	assert_int_equal(chown(dir, 4242, 4243), 0);
	assert_int_equal(chmod(dir, 01775), 0);
	if (!cli_socket_path_ok(sock, &t, why, sizeof(why)))
		fail_msg("%s", why);
	/* group-writable by another group: refused */
	assert_int_equal(chown(dir, 0, 4244), 0);
	assert_false(cli_socket_path_ok(sock, &t, why, sizeof(why)));
	assert_non_null(strstr(why, "writable by group 4244"));
	/* owned by a stranger: refused */
	assert_int_equal(chown(dir, 4245, 0), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_false(cli_socket_path_ok(sock, &t, why, sizeof(why)));
	assert_non_null(strstr(why, "owned by uid 4245"));
	/* a stranger's directory higher up: refused too */
	assert_int_equal(chown(dir, 0, 0), 0);
	assert_int_equal(chown(top, 4245, 0), 0);
	assert_false(cli_socket_path_ok(sock, &t, why, sizeof(why)));
	assert_int_equal(chown(top, 0, 0), 0);
	/* a relative path is refused */
	assert_false(cli_socket_path_ok("run/ctl.sock", &t, why, sizeof(why)));
	/* SO_PEERCRED: this process (root) is trusted; a monitor-less trust of
	 * another caller is not */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_true(cli_peer_ok(sv[0], &t, why, sizeof(why)));
	t.self_uid = 4246;
	t.have_monitor = false;
	assert_true(cli_peer_ok(sv[0], &t, why, sizeof(why)));	/* root */
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(top), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_modes),
		cmocka_unit_test(test_args_actions),
		cmocka_unit_test(test_args_garbage),
		cmocka_unit_test(test_rc_search),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_converse_ok),
		cmocka_unit_test(test_converse_refused),
		cmocka_unit_test(test_converse_hostile),
		cmocka_unit_test(test_run_capture),
		cmocka_unit_test(test_find_binaries),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_finding4_socket_dirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
