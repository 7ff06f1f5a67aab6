/* The monitor's privd client, against a fake privd on a socketpair: the
 * handshake builds and seals the table; RUN and PING callbacks fire exactly
 * once with privd's answer; a result for a request never made, or privd
 * going away, ends the monitor (and pending callbacks see a failure). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

static char *start_argv[] = { "/bin/echo", "start", "it", NULL };
static char *exec_argv[] = { "/bin/echo", "exec", NULL };
static struct command start_cmd = { .argv = start_argv, .argc = 3 };
static struct command exec_cmd = { .argv = exec_argv, .argc = 2, .timeout_s = 7 };
static struct test rule;
static struct service svc;
static struct config cf;
static int report_fd = -1;

static void
build_config(void)
{
	svc.name = "svc";
	svc.type = SVC_PROCESS;
	svc.start = &start_cmd;
	svc.stop = &start_cmd;		/* shared: listed once */
	rule.kind = TEST_EXIST;
	rule.act.failed.kind = ACTION_EXEC;
	rule.act.failed.exec = &exec_cmd;
	svc.tests = &rule;
	cf.services = &svc;
	cf.nservices = 1;
	cf.poll_s = 30;
	cf.statefile = "/tmp/vigil-test-privd.state";
	cf.control_socket = "/tmp/vigil-test-privd.sock";
	cf.httpd.enabled = true;
	cf.httpd.port = 2812;
}

static void
test_collect_and_build(void **st)
{
	struct command **list;
	struct msg_config mc;
	struct msg_action_add a;
	struct httpd_allow host = { .kind = ALLOW_HOST, .name = "10.0.0.0/8" };
	size_t n;

	(void)st;
	build_config();
	n = core_collect_commands(&cf, &list);
	assert_int_equal(n, 2);
	assert_ptr_equal(list[0], &start_cmd);
	assert_ptr_equal(list[1], &exec_cmd);
	assert_int_equal(start_cmd.table_id, 1);
	assert_int_equal(exec_cmd.table_id, 2);
	free(list);
	assert_true(core_build_action(&exec_cmd, &a));
	assert_int_equal(a.id, 2);
	assert_int_equal(a.argc, 2);
	assert_int_equal(a.timeout_ms, 7000);
	assert_string_equal(a.argv[1], "exec");
	assert_true(core_build_action(&start_cmd, &a));
	assert_int_equal(a.timeout_ms, 30000);
	cf.httpd.allow = &host;
	assert_true(core_build_config(&cf, &mc));
	assert_string_equal(mc.monitor_user, "_vigil");
	assert_string_equal(mc.pidfile, "/run/vigild.pid");
	assert_int_equal(mc.httpd_enabled, 1);
	assert_int_equal(mc.httpd_port, 2812);
	assert_int_equal(mc.nallow_net, 1);
	assert_string_equal(mc.allow_net[0], "10.0.0.0/8");
	cf.httpd.allow = NULL;
	{
		/* Too many arguments for the table: refused, not truncated. */
		static char *many[40];
		struct command big = { .argv = many, .argc = 40 };

		for (int i = 0; i < 40; i++)
			many[i] = "/bin/x";
		assert_false(core_build_action(&big, &a));
	}
}

/* ---- the child: a monitor ---- */

static struct monitor m;
static struct core core;

static void
run_done(const struct msg_run_result *r, void *arg)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "R%s:%d:%d:%s;", (const char *)arg,
	    r->spawned, r->status, r->output);

	(void)!write(report_fd, line, (size_t)n);
}

static void
ping_done(const struct msg_ping_result *r, void *arg)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "P%s:%u:%d;", (const char *)arg,
	    r->received, r->error);

	(void)!write(report_fd, line, (size_t)n);
}

static void __attribute__((noreturn))
monitor_child(int fd, int rep)
{
	struct msg_run ctx;
	struct msg_ping p;

	report_fd = rep;
	if (dup2(fd, IPC_FD_PRIVD) < 0)
		_exit(90);
	build_config();
	m.cf = &cf;
	m.control_path = "test";
	core_init(&core, &m);
	privd_handshake(&core);
	m.ev = ev_new();
	privd_attach(&core);
	memset(&ctx, 0, sizeof(ctx));
	strcpy(ctx.service, "svc");
	if (monitor_run(&m, &exec_cmd, &ctx, run_done, "a") < 0)
		_exit(91);
	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.addr[0] = 127;
	p.addr[3] = 1;
	p.count = 1;
	p.timeout_ms = 1000;
	if (monitor_ping(&m, &p, ping_done, "b") < 0)
		_exit(92);
	if (monitor_run(&m, &start_cmd, &ctx, run_done, "c") < 0)
		_exit(93);
	ev_run(m.ev);
	_exit(94);
}

/* ---- the parent: a fake privd ---- */

static struct ipc_channel priv;
static struct ipc_msg in;

/* The next message other than a log line must be t. */
static void
expect(enum msg_type t)
{
	do
		assert_int_equal(ipc_recv_wait(&priv, &in, 5000), IPC_MSG);
	while (in.type == MSG_LOG);
	assert_int_equal(in.type, t);
}

static pid_t
start_monitor(int *rep_rd)
{
	int sp[2], rp[2];
	pid_t pid;

	assert_int_equal(ipc_socketpair(sp), 0);
	assert_int_equal(pipe(rp), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sp[1]);
		close(rp[0]);
		monitor_child(sp[0], rp[1]);
	}
	close(sp[0]);
	close(rp[1]);
	*rep_rd = rp[0];
	ipc_channel_init(&priv, sp[1], PROC_PRIVD, PROC_MONITOR);
	expect(MSG_HELLO);
	expect(MSG_CONFIG);
	assert_string_equal(in.body.config.monitor_user, "_vigil");
	expect(MSG_ACTION_ADD);
	assert_int_equal(in.body.action_add.id, 1);
	assert_string_equal(in.body.action_add.argv[2], "it");
	expect(MSG_ACTION_ADD);
	assert_int_equal(in.body.action_add.id, 2);
	expect(MSG_SEAL);
	assert_int_equal(in.body.seal.count, 2);
	ipc_send_hello(&priv);
	{
		struct msg_sealed s = { .count = 2 };

		assert_int_equal(ipc_send(&priv, MSG_SEALED, &s, -1), 0);
	}
	priv.sealed = true;
	return pid;
}

static int
finish(pid_t pid, int rep, char *out, size_t outlen)
{
	int status;
	ssize_t n;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = read(rep, out, outlen - 1);
	out[n > 0 ? n : 0] = '\0';
	close(rep);
	ipc_channel_close(&priv);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_run_and_ping(void **st)
{
	struct msg_run_result *rr = xcalloc(1, sizeof(*rr));
	struct msg_ping_result pr;
	uint32_t req_a, req_b, req_c;
	char out[256];
	int rep;
	pid_t pid;

	(void)st;
	pid = start_monitor(&rep);
	expect(MSG_RUN);
	req_a = in.body.run.req;
	assert_int_equal(in.body.run.id, 2);
	assert_string_equal(in.body.run.service, "svc");
	expect(MSG_PING);
	req_b = in.body.ping.req;
	expect(MSG_RUN);
	req_c = in.body.run.req;
	assert_int_equal(in.body.run.id, 1);
	assert_true(req_a != req_b && req_b != req_c && req_a != req_c);
	/* Answers in another order than asked. */
	memset(&pr, 0, sizeof(pr));
	pr.req = req_b;
	pr.sent = 1;
	pr.received = 1;
	assert_int_equal(ipc_send(&priv, MSG_PING_RESULT, &pr, -1), 0);
	rr->req = req_a;
	rr->id = 2;
	rr->spawned = 1;
	rr->status = 3;
	strcpy(rr->output, "out");
	assert_int_equal(ipc_send(&priv, MSG_RUN_RESULT, rr, -1), 0);
	/* The same answer again: a request we no longer have: fatal. */
	assert_int_equal(ipc_send(&priv, MSG_RUN_RESULT, rr, -1), 0);
	assert_int_equal(finish(pid, rep, out, sizeof(out)), 1);
	/* a and b exactly once; c failed when the monitor went down. */
	assert_string_equal(out, "Pb:1:0;Ra:1:3:out;Rc:0:32:privd is gone;");
	free(rr);
	(void)req_c;
}

static void
test_privd_gone(void **st)
{
	char out[256];
	int rep, status;
	pid_t pid;

	(void)st;
	pid = start_monitor(&rep);
	expect(MSG_RUN);
	expect(MSG_PING);
	expect(MSG_RUN);
	close(priv.fd);
	priv.fd = -1;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	{
		ssize_t n = read(rep, out, sizeof(out) - 1);

		out[n > 0 ? n : 0] = '\0';
	}
	close(rep);
	/* Every pending request was answered once, as a failure. */
	assert_string_equal(out, "Ra:0:32:privd is gone;Pb:0:32;Rc:0:32:privd is gone;");
}

static void
test_wrong_id_is_fatal(void **st)
{
	struct msg_run_result *rr = xcalloc(1, sizeof(*rr));
	char out[256];
	int rep;
	pid_t pid;

	(void)st;
	pid = start_monitor(&rep);
	expect(MSG_RUN);
	rr->req = in.body.run.req;
	rr->id = 1;		/* the request was for entry 2 */
	rr->spawned = 1;
	assert_int_equal(ipc_send(&priv, MSG_RUN_RESULT, rr, -1), 0);
	assert_int_equal(finish(pid, rep, out, sizeof(out)), 1);
	/* No callback saw privd's wrong answer. */
	assert_null(strstr(out, ":1:0:;"));
	free(rr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_and_build),
		cmocka_unit_test(test_run_and_ping),
		cmocka_unit_test(test_privd_gone),
		cmocka_unit_test(test_wrong_id_is_fatal),
	};
	int rc;

	log_init("test_control_privd", 0);
	signal(SIGPIPE, SIG_IGN);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink("/tmp/vigil-test-privd.state");
	return rc;
}
