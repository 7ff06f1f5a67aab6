/* The monitor's side of the channel to privd (fd 3): the handshake that
 * builds and seals the action table, then RUN and PING requests with a
 * bounded table of pending callbacks.  privd is the more privileged side;
 * anything unexpected from it still ends this process (privd restarts a
 * monitor that exits), never a guess. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/pathcheck.h"
#include "common/util.h"
#include "monitor/core/core.h"
#include "monitor/core/logring.h"

/* ---- the sealed table ---- */

static void
collect_one(struct command *cmd, struct command ***list, size_t *n, size_t *cap)
{
	if (cmd == NULL || cmd->table_id != 0)
		return;		/* absent, or already listed (shared) */
	cmd->table_id = (uint32_t)(*n + 1);
	if (list != NULL) {
		if (*n == *cap) {
			*cap = *cap == 0 ? 16 : *cap * 2;
			*list = xreallocarray(*list, *cap, sizeof(**list));
		}
		(*list)[*n] = cmd;
	}
	(*n)++;
}

static void
reset_ids(struct config *cf)
{
	for (struct service *s = cf->services; s != NULL; s = s->next) {
		struct command *cmds[] = { s->start, s->stop, s->restart, s->program };

		for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
			if (cmds[i] != NULL)
				cmds[i]->table_id = 0;
		for (struct test *t = s->tests; t != NULL; t = t->next) {
			if (t->act.failed.exec != NULL)
				t->act.failed.exec->table_id = 0;
			if (t->act.succeeded.exec != NULL)
				t->act.succeeded.exec->table_id = 0;
		}
	}
}

size_t
core_collect_commands(struct config *cf, struct command ***list)
{
	size_t n = 0, cap = 0;

	if (list != NULL)
		*list = NULL;
	reset_ids(cf);
	for (struct service *s = cf->services; s != NULL; s = s->next) {
		collect_one(s->start, list, &n, &cap);
		collect_one(s->stop, list, &n, &cap);
		collect_one(s->restart, list, &n, &cap);
		if (s->program != NULL && s->program->timeout_s == 0 &&
		    s->program_timeout_s > 0)
			s->program->timeout_s = s->program_timeout_s;
		collect_one(s->program, list, &n, &cap);
		for (struct test *t = s->tests; t != NULL; t = t->next) {
			if (t->act.failed.kind == ACTION_EXEC)
				collect_one(t->act.failed.exec, list, &n, &cap);
			if (t->act.has_succeeded && t->act.succeeded.kind == ACTION_EXEC)
				collect_one(t->act.succeeded.exec, list, &n, &cap);
		}
	}
	return n;
}

bool
core_table_fits(struct config *cf, const char *file, FILE *errout)
{
	size_t n = core_collect_commands(cf, NULL);

	if (n <= ACTION_TABLE_MAX)
		return true;
	fprintf(errout, "%s: %zu programs (start, stop, restart, check program "
	    "and exec) but one sealed action table holds at most %d: split the "
	    "services across two control files (two vigil daemons)\n", file, n,
	    ACTION_TABLE_MAX);
	return false;
}

static bool
put_str(char *dst, size_t size, const char *src, const char *what)
{
	if (src == NULL)
		src = "";
	if (strlen(src) >= size) {
		log_err("%s is too long (%zu bytes, at most %zu)", what, strlen(src),
		    size - 1);
		return false;
	}
	strlcpy_v(dst, src, size);
	return true;
}

#define OR_DEFAULT(s, d) ((s) != NULL && (s)[0] != '\0' ? (s) : (d))

bool
core_build_config(const struct config *cf, struct msg_config *out)
{
	const struct httpd *h = &cf->httpd;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	ok &= put_str(out->logfile, sizeof(out->logfile), cf->logfile, "log file path");
	out->log_syslog = cf->log_syslog ? 1 : 0;
	out->log_chained = cf->log_chained && !cf->log_syslog ? 1 : 0;
	out->syslog_facility = (uint8_t)(cf->syslog_facility >= 0 &&
	    cf->syslog_facility <= 23 ? cf->syslog_facility : 1 /* user */);
	ok &= put_str(out->pidfile, sizeof(out->pidfile),
	    OR_DEFAULT(cf->pidfile, DEFAULT_PIDFILE), "pid file path");
	ok &= put_str(out->monitor_user, sizeof(out->monitor_user),
	    OR_DEFAULT(cf->monitor_user, DEFAULT_MONITOR_USER), "monitor user");
	ok &= put_str(out->webui_user, sizeof(out->webui_user),
	    OR_DEFAULT(cf->webui_user, DEFAULT_WEBUI_USER), "webui user");
	ok &= put_str(out->auth_user, sizeof(out->auth_user),
	    OR_DEFAULT(cf->auth_user, DEFAULT_AUTH_USER), "auth user");
	ok &= put_str(out->chroot_dir, sizeof(out->chroot_dir),
	    OR_DEFAULT(cf->chroot_dir, DEFAULT_CHROOT), "chroot directory");
	out->httpd_enabled = h->enabled ? 1 : 0;
	if (h->enabled) {
		if (h->port < 0 || h->port > 65535) {
			log_err("httpd port %d out of range", h->port);
			ok = false;
		}
		out->httpd_port = (uint16_t)(h->port > 0 && h->port <= 65535 ? h->port : 2812);
		ok &= put_str(out->httpd_address, sizeof(out->httpd_address),
		    h->address, "httpd address");
		out->httpd_ssl = h->ssl ? 1 : 0;
		ok &= put_str(out->httpd_pemfile, sizeof(out->httpd_pemfile),
		    h->pemfile, "httpd pemfile path");
		ok &= put_str(out->httpd_clientpem, sizeof(out->httpd_clientpem),
		    h->clientpemfile, "httpd clientpemfile path");
		out->httpd_allowselfcert = h->allowselfcert ? 1 : 0;
		out->httpd_signature = h->signature ? 1 : 0;
		for (const struct httpd_allow *a = h->allow; a != NULL; a = a->next) {
			if (a->kind != ALLOW_HOST)
				continue;
			if (out->nallow_net >= MSG_SCOPE_MAX) {
				log_err("%s:%d: too many 'allow' host entries (at most %d)",
				    a->pos.file ? a->pos.file : "?", a->pos.line,
				    MSG_SCOPE_MAX);
				ok = false;
				break;
			}
			ok &= put_str(out->allow_net[out->nallow_net],
			    sizeof(out->allow_net[0]), a->name, "allowed host or network");
			out->nallow_net++;
		}
	}
	return ok;
}

bool
core_build_action(const struct command *cmd, struct msg_action_add *out)
{
	const char *file = cmd->pos.file != NULL ? cmd->pos.file : "?";
	int timeout_s = cmd->timeout_s > 0 ? cmd->timeout_s : DEFAULT_PROGRAM_TIMEOUT_S;

	memset(out, 0, sizeof(*out));
	if (cmd->argc < 1 || cmd->argv == NULL || cmd->argv[0] == NULL) {
		log_err("%s:%d: empty program", file, cmd->pos.line);
		return false;
	}
	if (cmd->argc > MSG_ARGV_MAX) {
		log_err("%s:%d: program has %d arguments (at most %d)", file,
		    cmd->pos.line, cmd->argc, MSG_ARGV_MAX);
		return false;
	}
	if (timeout_s > 24 * 3600) {
		log_err("%s:%d: program timeout %d s is longer than a day", file,
		    cmd->pos.line, timeout_s);
		return false;
	}
	out->id = cmd->table_id;
	out->has_uid = cmd->has_uid ? 1 : 0;
	out->has_gid = cmd->has_gid ? 1 : 0;
	out->uid = (uint32_t)cmd->uid;
	out->gid = (uint32_t)cmd->gid;
	out->timeout_ms = (uint32_t)timeout_s * 1000u;
	out->argc = (uint16_t)cmd->argc;
	for (int i = 0; i < cmd->argc; i++) {
		if (cmd->argv[i] == NULL || strlen(cmd->argv[i]) >= MSG_ARG_LEN) {
			log_err("%s:%d: program argument %d is missing or longer than %d "
			    "bytes", file, cmd->pos.line, i, MSG_ARG_LEN - 1);
			return false;
		}
		strlcpy_v(out->argv[i], cmd->argv[i], MSG_ARG_LEN);
	}
	return true;
}

char *
core_program_refused(const struct command *cmd)
{
	char why[MSG_LOGLINE_LEN / 2];
	int fd = path_open_program(cmd->argv[0], cmd->has_uid, cmd->uid, NULL, 0, why,
	    sizeof(why));

	if (fd >= 0) {
		close(fd);
		return NULL;
	}
	return xstrdup(why);
}

/* ---- the handshake (blocking: nothing else exists yet) ---- */

static void
flush_blocking(struct ipc_channel *ch, uint64_t deadline)
{
	for (;;) {
		int left = ipc_flush(ch);
		struct pollfd pfd = { ch->fd, POLLOUT, 0 };
		uint64_t now = now_ms();

		if (left == 0)
			return;
		if (left < 0)
			fatal("sending to privd");
		if (now >= deadline)
			fatalx("privd does not read its channel");
		if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR)
			fatal("poll");
	}
}

static void
send_or_die(struct ipc_channel *ch, enum msg_type type, const void *msg,
    uint64_t deadline)
{
	if (ipc_send(ch, type, msg, -1) < 0) {
		if (errno != ENOBUFS)
			fatal("sending %s to privd", msg_type_name(type));
		flush_blocking(ch, deadline);
		if (ipc_send(ch, type, msg, -1) < 0)
			fatal("sending %s to privd", msg_type_name(type));
	}
}

void
privd_handshake(struct core *c)
{
	struct ipc_channel *ch = &c->m->privd;
	uint64_t deadline = now_ms() + PRIVD_SEAL_TIMEOUT_MS;
	struct command **cmds;
	struct msg_config mc;
	struct msg_seal seal;
	struct ipc_msg *in;
	size_t n;
	int type;
	socklen_t tl = sizeof(type);

	if (getsockopt(IPC_FD_PRIVD, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
	    type != SOCK_SEQPACKET)
		fatalx("fd %d is not a channel to privd: vigil-monitor is started "
		    "by vigild (use 'vigil' to start vigil, or -t to check a file)",
		    IPC_FD_PRIVD);
	ipc_channel_init(ch, IPC_FD_PRIVD, PROC_MONITOR, PROC_PRIVD);
	set_cloexec(ch->fd, true);
	if (ipc_send_hello(ch) < 0)
		fatal("sending HELLO to privd");
	log_set_sink(logring_sink, ch);

	if (!core_build_config(c->m->cf, &mc))
		fatalx("%s: configuration does not fit the privd protocol",
		    c->m->control_path);
	send_or_die(ch, MSG_CONFIG, &mc, deadline);
	n = core_collect_commands(c->m->cf, &cmds);
	for (size_t i = 0; i < n; i++) {
		struct msg_action_add *a = xmalloc(sizeof(*a));

		if (!core_build_action(cmds[i], a))
			fatalx("%s: a program does not fit the action table",
			    c->m->control_path);
		/* privd runs the same check and disables the entry: know it
		 * here too, so a user's action on it fails with the reason */
		free(cmds[i]->refused);
		cmds[i]->refused = core_program_refused(cmds[i]);
		send_or_die(ch, MSG_ACTION_ADD, a, deadline);
		free(a);
	}
	free(cmds);
	seal.count = (uint32_t)n;
	send_or_die(ch, MSG_SEAL, &seal, deadline);
	flush_blocking(ch, deadline);
	log_debug("sent %zu action table entries to privd; waiting for SEALED", n);

	in = xmalloc(sizeof(*in));
	for (;;) {
		uint64_t now = now_ms();
		enum ipc_result r;

		if (now >= deadline)
			fatalx("privd did not seal the action table within %d s",
			    PRIVD_SEAL_TIMEOUT_MS / 1000);
		r = ipc_recv_wait(ch, in, (int)(deadline - now));
		if (r == IPC_AGAIN)
			continue;
		if (r == IPC_CLOSED)
			fatalx("privd closed the channel before sealing the action "
			    "table (it refused an entry: see its log)");
		if (r == IPC_VIOLATION)
			fatalx("privd sent %s: %s", msg_type_name(in->type) ?
			    msg_type_name(in->type) : "?", ipc_violation_name(in->violation));
		if (r == IPC_ERROR)
			fatal("reading privd's channel");
		if (in->type == MSG_HELLO)
			continue;
		if (in->type == MSG_SEALED)
			break;
		fatalx("privd sent %s before SEALED", msg_type_name(in->type));
	}
	if (in->body.sealed.count != n)
		fatalx("privd sealed %u entries, we sent %zu",
		    in->body.sealed.count, n);
	free(in);
	ch->sealed = true;
	log_info("action table sealed (%zu entries)", n);
}

/* ---- pending requests ---- */

static struct pending *
pending_take(struct core *c, uint32_t req)
{
	for (size_t i = 0; i < PENDING_MAX; i++)
		if (c->pending[i].used && c->pending[i].req == req) {
			c->pending[i].used = false;
			c->npending--;
			return &c->pending[i];
		}
	return NULL;
}

static struct pending *
pending_new(struct core *c)
{
	if (c->npending >= PENDING_MAX)
		return NULL;
	for (size_t i = 0; i < PENDING_MAX; i++) {
		if (!c->pending[i].used) {
			struct pending *p = &c->pending[i];
			bool clash;

			/* A request id is never 0 and never in use twice. */
			do {
				if (++c->next_req == 0)
					c->next_req = 1;
				clash = false;
				for (size_t k = 0; k < PENDING_MAX && !clash; k++)
					clash = c->pending[k].used &&
					    c->pending[k].req == c->next_req;
			} while (clash);
			memset(p, 0, sizeof(*p));
			p->used = true;
			p->req = c->next_req;
			c->npending++;
			return p;
		}
	}
	return NULL;
}

void
privd_update_events(struct core *c)
{
	if (c->m->ev != NULL && c->m->privd.fd >= 0)
		(void)ev_mod(c->m->ev, c->m->privd.fd,
		    EPOLLIN | (ipc_pending(&c->m->privd) ? EPOLLOUT : 0));
}

int
monitor_run(struct monitor *m, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg)
{
	struct core *c = core_of(m);
	struct pending *p;
	struct msg_run *r;

	if (c == NULL || m->privd.fd < 0 || !m->privd.sealed || cmd == NULL ||
	    cmd->table_id == 0 || done == NULL)
		return -1;
	if ((p = pending_new(c)) == NULL) {
		log_warn("too many requests to privd in flight (%d): not running "
		    "%s", PENDING_MAX, cmd->argv != NULL ? cmd->argv[0] : "?");
		return -1;
	}
	r = xmalloc(sizeof(*r));
	if (ctx != NULL)
		*r = *ctx;
	else
		memset(r, 0, sizeof(*r));
	r->req = p->req;
	r->id = cmd->table_id;
	p->run_done = done;
	p->arg = arg;
	p->id = cmd->table_id;
	if (ipc_send(&m->privd, MSG_RUN, r, -1) < 0) {
		log_warn("cannot ask privd to run %s: %s", cmd->argv != NULL ?
		    cmd->argv[0] : "?", strerror(errno));
		pending_take(c, p->req);
		free(r);
		return -1;
	}
	free(r);
	privd_update_events(c);
	return 0;
}

int
monitor_ping(struct monitor *m, const struct msg_ping *ping, ping_done_cb done,
    void *arg)
{
	struct core *c = core_of(m);
	struct pending *p;
	struct msg_ping q;

	if (c == NULL || m->privd.fd < 0 || !m->privd.sealed || ping == NULL ||
	    done == NULL)
		return -1;
	if ((p = pending_new(c)) == NULL) {
		log_warn("too many requests to privd in flight (%d): not pinging",
		    PENDING_MAX);
		return -1;
	}
	q = *ping;
	q.req = p->req;
	p->is_ping = true;
	p->ping_done = done;
	p->arg = arg;
	if (ipc_send(&m->privd, MSG_PING, &q, -1) < 0) {
		log_warn("cannot ask privd to ping: %s", strerror(errno));
		pending_take(c, p->req);
		return -1;
	}
	privd_update_events(c);
	return 0;
}

void
privd_fail_pending(struct core *c)
{
	procio_fail_all(c);
	for (size_t i = 0; i < PENDING_MAX; i++) {
		struct pending p = c->pending[i];

		if (!p.used)
			continue;
		c->pending[i].used = false;
		c->npending--;
		if (p.is_ping) {
			struct msg_ping_result r;

			memset(&r, 0, sizeof(r));
			r.req = p.req;
			r.error = EPIPE;
			p.ping_done(&r, p.arg);
		} else {
			struct msg_run_result *r = xcalloc(1, sizeof(*r));

			r->req = p.req;
			r->id = p.id;
			r->spawned = 0;
			r->status = EPIPE;
			strlcpy_v(r->output, "privd is gone", sizeof(r->output));
			p.run_done(r, p.arg);
			free(r);
		}
	}
}

int
privd_control(struct core *c, enum control_op op)
{
	struct msg_control mc = { .op = (uint8_t)op };

	if (c->m->privd.fd < 0 || !c->m->privd.sealed)
		return -1;
	if (ipc_send(&c->m->privd, MSG_CONTROL, &mc, -1) < 0)
		return -1;
	privd_update_events(c);
	return 0;
}

/* ---- the channel in the loop ---- */

static void
privd_fatal(struct core *c, const char *fmt, const char *a, const char *b)
{
	log_err(fmt, a, b);
	core_shutdown(c, 1);
}

static void
handle_privd(struct core *c, struct ipc_msg *in)
{
	struct pending *p;

	switch (in->type) {
	case MSG_RUN_RESULT:
		p = pending_take(c, in->body.run_result.req);
		if (p == NULL || p->is_ping || p->id != in->body.run_result.id)
			privd_fatal(c, "privd sent %s for a request we did not make%s",
			    "RUN_RESULT", "");
		p->run_done(&in->body.run_result, p->arg);
		break;
	case MSG_PING_RESULT:
		p = pending_take(c, in->body.ping_result.req);
		if (p == NULL || !p->is_ping)
			privd_fatal(c, "privd sent %s for a request we did not make%s",
			    "PING_RESULT", "");
		p->ping_done(&in->body.ping_result, p->arg);
		break;
	case MSG_PROC_IO_RESULT:
		if (!procio_result(c, &in->body.proc_io_result))
			privd_fatal(c, "privd sent %s for a request we did not make%s",
			    "PROC_IO_RESULT", "");
		break;
	case MSG_CHANNEL:
		if (in->body.channel.peer != PROC_WEBUI && in->body.channel.peer != PROC_AUTH) {
			close(in->fd);
			privd_fatal(c, "privd sent a CHANNEL to %s%s",
			    proc_role_name(in->body.channel.peer), "");
		}
		webpeer_channel(c, (enum proc_role)in->body.channel.peer, in->fd);
		break;
	default:
		if (in->fd >= 0)
			close(in->fd);
		privd_fatal(c, "unexpected %s from privd%s", msg_type_name(in->type), "");
	}
}

static void
privd_cb(int fd, uint32_t events, void *arg)
{
	struct core *c = arg;
	struct ipc_channel *ch = &c->m->privd;
	static struct ipc_msg in;

	(void)fd;
	if ((events & EPOLLOUT) && ipc_flush(ch) < 0)
		privd_fatal(c, "cannot write to privd: %s%s", strerror(errno), "");
	/* A bounded batch per wake-up keeps the other channels served. */
	for (int i = 0; i < 64 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)); i++) {
		enum ipc_result r = ipc_recv(ch, &in);

		if (r == IPC_AGAIN)
			break;
		if (r == IPC_CLOSED)
			privd_fatal(c, "privd closed the channel%s%s: exiting", "", "");
		if (r == IPC_ERROR)
			privd_fatal(c, "reading privd's channel: %s%s", strerror(errno), "");
		if (r == IPC_VIOLATION)
			privd_fatal(c, "privd channel violation: %s (%s): exiting",
			    ipc_violation_name(in.violation),
			    in.decode_error != MSG_OK ? msg_error_name(in.decode_error) : "");
		handle_privd(c, &in);
	}
	privd_update_events(c);
}

void
privd_attach(struct core *c)
{
	struct ipc_channel *ch = &c->m->privd;

	if (set_nonblock(ch->fd) < 0)
		fatal("privd channel: O_NONBLOCK");
	if (ev_add(c->m->ev, ch->fd, EPOLLIN, privd_cb, c) < 0)
		fatal("privd channel: epoll");
	privd_update_events(c);
}
