/* vigil-auth: checks web logins, grants sessions through the monitor.
 *
 *   vigil-auth --user USER [-v]
 *
 * Started by vigild with fd 3 = privd, fd 4 = monitor, fd 5 = webui.  It
 * drops to USER (+ group shadow) before reading a byte from anyone, opens
 * no socket and writes no file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/sanitizer.h"
#include "common/util.h"
#include "webui/auth/auth.h"

static struct ev_loop *ev;
static struct ipc_channel ch_privd, ch_monitor, ch_webui;
static struct auth_ctx ctx;
static struct auth_pending_table pending;
static struct auth_delay_queue delayed;
static int delay_tfd = -1;
static struct auth_refusals refusals;

static void
usage(void)
{
	fprintf(stderr, "usage: vigil-auth --user USER [-v]\n");
	exit(2);
}

/* Watch for writability only while something is queued. */
static void
channel_watch(struct ipc_channel *ch)
{
	if (ch->fd >= 0)
		(void)ev_mod(ev, ch->fd, EPOLLIN | (ipc_pending(ch) ? EPOLLOUT : 0));
}

/* Log lines queue on privd's channel behind our back (ipc_log_sink). */
static void
watch_all(void)
{
	channel_watch(&ch_privd);
	channel_watch(&ch_monitor);
	channel_watch(&ch_webui);
}

static void
channel_send(struct ipc_channel *ch, enum msg_type type, const void *m)
{
	if (ipc_send(ch, type, m, -1) < 0) {
		log_err("sending %s to %s failed: peer stuck or gone",
		    msg_type_name(type), proc_role_name(ch->peer));
		exit(1);
	}
	channel_watch(ch);
}

/* The answer to webui: a refusal (p NULL), or the session of p. */
static void
login_result(uint32_t req, const struct auth_pending *p)
{
	static struct msg_login_result r;

	memset(&r, 0, sizeof(r));
	r.req = req;
	r.ok = p != NULL ? 1 : 0;
	if (p != NULL) {
		strlcpy_v(r.sid, p->sid, sizeof(r.sid));
		r.role = p->role;
		strlcpy_v(r.user, p->user, sizeof(r.user));
		r.nscope = p->nscope;
		for (unsigned i = 0; i < p->nscope && i < MSG_SCOPE_MAX; i++)
			strlcpy_v(r.scope[i], p->scope[i], sizeof(r.scope[i]));
	}
	channel_send(&ch_webui, MSG_LOGIN_RESULT, &r);
	explicit_bzero(&r, sizeof(r));
}

static void
delay_timer_arm(void)
{
	uint64_t next = auth_delay_next(&delayed), now = now_ms();

	if (ev_timer_set(delay_tfd, next == 0 ? 0 : next > now ? next - now : 1, 0) < 0)
		fatal("timerfd_settime");
}

/* A refused login is answered AUTH_FAIL_ANSWER_MS after it arrived. */
static void
fail_later(uint32_t req, uint64_t arrived_ms)
{
	if (!auth_delay_add(&delayed, req, arrived_ms + AUTH_FAIL_ANSWER_MS)) {
		login_result(req, NULL);
		return;
	}
	delay_timer_arm();
}

static void
on_delay_timer(int fd, uint32_t events, void *arg)
{
	uint64_t now = now_ms();
	uint32_t req;

	(void)events;
	(void)arg;
	ev_timer_ack(fd);
	while (auth_delay_pop(&delayed, now, &req))
		login_result(req, NULL);
	delay_timer_arm();
	watch_all();
}

static void
handle_login(struct msg_login *m)
{
	static struct auth_grant g;
	static struct msg_session_grant sg;
	struct auth_pending *p;
	enum auth_verdict v;
	uint64_t arrived = now_ms();

	v = auth_login(&ctx, m, arrived, &g);
	explicit_bzero(m->password, sizeof(m->password));
	if (v != AUTH_GRANTED) {
		static struct msg_access_refused ar;

		if (auth_refusal_note(&refusals, m->user, m->client,
		    auth_verdict_name(v), arrived, &ar))
			channel_send(&ch_monitor, MSG_ACCESS_REFUSED, &ar);
		fail_later(m->req, arrived);
		return;
	}
	memset(&sg, 0, sizeof(sg));
	if (!auth_sid_new(sg.sid)) {
		log_err("getrandom failed: login of '%s' refused", g.user);
		login_result(m->req, NULL);
		return;
	}
	p = auth_pending_add(&pending, m->req, sg.sid, g.user, g.role, now_ms());
	if (p == NULL) {
		log_warn("too many logins waiting for the monitor: login of '%s' refused",
		    g.user);
		login_result(m->req, NULL);
		return;
	}
	p->nscope = g.nscope;
	for (unsigned i = 0; i < g.nscope && i < MSG_SCOPE_MAX; i++)
		strlcpy_v(p->scope[i], g.scope[i], sizeof(p->scope[i]));
	strlcpy_v(sg.user, g.user, sizeof(sg.user));
	sg.role = g.role;
	sg.expiry = (uint64_t)time(NULL) + ctx.rules.ttl_s;
	sg.nscope = g.nscope;
	for (unsigned i = 0; i < g.nscope; i++)
		strlcpy_v(sg.scope[i], g.scope[i], sizeof(sg.scope[i]));
	channel_send(&ch_monitor, MSG_SESSION_GRANT, &sg);
	explicit_bzero(sg.sid, sizeof(sg.sid));
}

static void
handle_session_ack(const struct msg_session_ack *a)
{
	struct auth_pending *p = auth_pending_find(&pending, a->sid);

	if (p == NULL) {
		log_warn("SESSION_ACK for a session not waiting (late or unknown)");
		return;
	}
	if (a->ok)
		login_result(p->req, p);
	else {
		log_warn("monitor refused the session of user '%s'", p->user);
		login_result(p->req, NULL);
	}
	auth_pending_remove(p);
}

/* A session's user again (webui asks at most every WEBUI_RECHECK_MS per
 * session, on a request): the grant now, or none.  No delay and no
 * failure count: nothing secret is guessed here. */
static void
handle_session_check(const struct msg_session_check *m)
{
	static struct auth_grant g;
	static struct msg_session_check_result r;

	memset(&r, 0, sizeof(r));
	r.req = m->req;
	if (auth_recheck(&ctx, m, &g) == AUTH_GRANTED) {
		r.ok = 1;
		r.role = g.role;
		r.nscope = g.nscope;
		for (unsigned i = 0; i < g.nscope && i < MSG_SCOPE_MAX; i++)
			strlcpy_v(r.scope[i], g.scope[i], sizeof(r.scope[i]));
	}
	channel_send(&ch_webui, MSG_SESSION_CHECK_RESULT, &r);
}

static void
handle_rule(const struct msg_auth_rule *r)
{
	const char *why = NULL;

	if (!auth_rules_add(&ctx.rules, r, &why))
		log_err("web access rule for '%s' ignored: %s", r->name, why);
}

static void
handle_ready(const struct msg_auth_ready *m)
{
	const char *why = NULL;

	/* Configuration is over either way: no more rules. */
	ch_monitor.sealed = true;
	if (!auth_rules_ready(&ctx.rules, m, &why)) {
		log_err("web access rules incomplete (%s): every login will fail", why);
		return;
	}
	if (ctx.rules.pam_service[0] != '\0')
		log_info("%zu web access rules; PAM service '%s'", ctx.rules.n,
		    ctx.rules.pam_service);
	else
		log_info("%zu web access rules; PAM not used (no group rule)",
		    ctx.rules.n);
}

static void
dispatch(struct ipc_channel *ch, struct ipc_msg *m)
{
	switch (m->type) {
	case MSG_HELLO:
		break;
	case MSG_AUTH_RULE:
		handle_rule(&m->body.auth_rule);
		explicit_bzero(&m->body.auth_rule, sizeof(m->body.auth_rule));
		break;
	case MSG_AUTH_READY:
		handle_ready(&m->body.auth_ready);
		break;
	case MSG_SESSION_ACK:
		handle_session_ack(&m->body.session_ack);
		break;
	case MSG_LOGIN:
		handle_login(&m->body.login);
		break;
	case MSG_SESSION_CHECK:
		handle_session_check(&m->body.session_check);
		break;
	default:
		/* The rule table lets nothing else through. */
		log_err("unexpected %s from %s", msg_type_name(m->type),
		    proc_role_name(ch->peer));
		break;
	}
}

static void
on_channel(int fd, uint32_t events, void *arg)
{
	struct ipc_channel *ch = arg;
	static struct ipc_msg m;

	(void)fd;
	if (events & EPOLLOUT) {
		if (ipc_flush(ch) < 0) {
			log_err("channel to %s failed", proc_role_name(ch->peer));
			exit(1);
		}
		channel_watch(ch);
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (int budget = 64; budget > 0; budget--) {
		enum ipc_result r = ipc_recv(ch, &m);

		switch (r) {
		case IPC_MSG:
			dispatch(ch, &m);
			if (m.fd >= 0)
				close(m.fd);
			explicit_bzero(&m, sizeof(m));
			continue;
		case IPC_AGAIN:
			watch_all();
			return;
		case IPC_CLOSED:
			log_info("%s closed its channel: exiting", proc_role_name(ch->peer));
			exit(ch == &ch_privd ? 0 : 1);
		case IPC_VIOLATION:
			log_err("IPC violation from %s: %s %s (%s): closing",
			    proc_role_name(ch->peer),
			    msg_type_name(m.type) != NULL ? msg_type_name(m.type) : "?",
			    ipc_violation_name(m.violation), msg_error_name(m.decode_error));
			exit(1);
		case IPC_ERROR:
			fatal("reading from %s", proc_role_name(ch->peer));
		}
	}
}

static void
on_timer(int fd, uint32_t events, void *arg)
{
	struct auth_pending *p;
	uint64_t now = now_ms();

	(void)events;
	(void)arg;
	ev_timer_ack(fd);
	while ((p = auth_pending_expired(&pending, now)) != NULL) {
		log_warn("monitor did not confirm the session of user '%s' in time: "
		    "login refused", p->user);
		login_result(p->req, NULL);
		auth_pending_remove(p);
	}
	for (int budget = 16; budget > 0; budget--) {
		static struct msg_access_refused ar;

		if (!auth_refusal_due(&refusals, now, &ar))
			break;
		channel_send(&ch_monitor, MSG_ACCESS_REFUSED, &ar);
	}
	watch_all();
}

static void
on_signal(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		log_info("signal %u: exiting", si.ssi_signo);
	ev_stop(ev);
}

static void
channel_open(struct ipc_channel *ch, int fd, enum proc_role peer)
{
	ipc_channel_init(ch, fd, PROC_AUTH, peer);
	if (set_nonblock(fd) < 0)
		fatal("fd %d (channel to %s)", fd, proc_role_name(peer));
	if (ev_add(ev, fd, EPOLLIN, on_channel, ch) < 0)
		fatal("epoll add fd %d", fd);
	if (ipc_send_hello(ch) < 0)
		fatal("HELLO to %s", proc_role_name(peer));
	channel_watch(ch);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	const char *user = NULL;
	int verbose = 0, c, tfd;

	sanitizer_report_open("auth");
	while ((c = getopt_long(argc, argv, "u:v", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || user == NULL)
		usage();
	log_init("vigil-auth", verbose);
	/* Also pulls policy/ipc_rules.o into the link ahead of libcommon. */
	if (ipc_rules_for(PROC_AUTH) == NULL)
		fatalx("no IPC rule table for auth");
	signal(SIGPIPE, SIG_IGN);

	/* Acquire: the loop's own descriptors, so the policy need not allow
	 * creating them. */
	ev = ev_new();
	if ((tfd = ev_timer_new(ev, on_timer, NULL)) < 0 || ev_timer_set(tfd, 1000, 1000) < 0)
		fatal("timer");
	if ((delay_tfd = ev_timer_new(ev, on_delay_timer, NULL)) < 0)
		fatal("timer");
	if (ev_signals(ev, sigs, (int)ARRAY_SIZE(sigs), on_signal, NULL) < 0)
		fatal("signals");

	auth_sandbox_apply(user);

	auth_ctx_init(&ctx);
	auth_pending_init(&pending);
	auth_delay_init(&delayed);
	auth_refusals_init(&refusals);
	channel_open(&ch_privd, IPC_FD_PRIVD, PROC_PRIVD);
	log_set_sink(ipc_log_sink, &ch_privd);
	channel_open(&ch_monitor, IPC_FD_PEER1, PROC_MONITOR);
	channel_open(&ch_webui, IPC_FD_PEER2, PROC_WEBUI);
	log_debug("ready as user '%s'", user);
	if (ev_run(ev) < 0)
		fatal("event loop");
	auth_ctx_free(&ctx);
	return 0;
}
