/* The monitor's channels to the web side, handed over by privd after
 * SEALED: auth (rules out, session grants in) and webui (snapshots out,
 * action requests in).  Both peers are less privileged than we are: every
 * message was validated by ipc_recv against our rule table, and a violation
 * closes that channel (privd restarts a dead peer; we never trust it more
 * for having been restarted).  A web action needs a session auth granted,
 * whose role and scope allow it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"
#include "monitor/core/logring.h"

#define HTPASSWD_MAX	(1024 * 1024)

/* The web side reads a snapshot's type_code by common/msg.h's names. */
#define SAME_TYPE(t) ((int)MSG_SVC_##t == (int)SVC_##t)
_Static_assert(SAME_TYPE(PROCESS) && SAME_TYPE(FILE) && SAME_TYPE(FIFO) &&
    SAME_TYPE(FILESYSTEM) && SAME_TYPE(DIRECTORY) && SAME_TYPE(HOST) && SAME_TYPE(SYSTEM) &&
    SAME_TYPE(PROGRAM) && SAME_TYPE(NETWORK) &&
    (int)MSG_SVC_TYPE_MAX + 1 == (int)SVC_TYPE_COUNT,
    "enum msg_svc_type and enum service_type differ");
#undef SAME_TYPE

static void
peer_close(struct core *c, struct webpeer *w)
{
	if (!w->open)
		return;
	if (c->m->ev != NULL)
		ev_del(c->m->ev, w->ch.fd);
	ipc_channel_close(&w->ch);
	w->open = false;
}

void
webpeer_close_all(struct core *c)
{
	graphs_free(&c->graphs);
	svc_json_free(&c->json);
	peer_close(c, &c->webui);
	peer_close(c, &c->auth);
	if (c->snap_timer >= 0) {
		if (c->m->ev != NULL)
			ev_del(c->m->ev, c->snap_timer);
		close(c->snap_timer);
		c->snap_timer = -1;
	}
	grant_table_clear(&c->sessions);
}

static void
peer_events(struct core *c, struct webpeer *w)
{
	if (w->open && c->m->ev != NULL)
		(void)ev_mod(c->m->ev, w->ch.fd,
		    EPOLLIN | (ipc_pending(&w->ch) ? EPOLLOUT : 0));
}

/* false: the channel was closed (a stuck peer). */
static bool
peer_send(struct core *c, struct webpeer *w, enum msg_type type, const void *m)
{
	if (!w->open)
		return false;
	if (ipc_send(&w->ch, type, m, -1) < 0) {
		log_err("cannot send %s to %s: %s: closing the channel",
		    msg_type_name(type), proc_role_name(w->role), strerror(errno));
		peer_close(c, w);
		return false;
	}
	return true;
}

/* ---- auth: the rules ---- */

static bool
send_rule(struct core *c, struct msg_auth_rule *r, uint32_t *n)
{
	if (!peer_send(c, &c->auth, MSG_AUTH_RULE, r))
		return false;
	(*n)++;
	return true;
}

struct emit_ctx {
	struct core *c;
	uint32_t *n;
};

static bool
emit_rule(struct msg_auth_rule *r, void *arg)
{
	struct emit_ctx *e = arg;

	return send_rule(e->c, r, e->n);
}

/* `allow htpasswd FILE`: each "user:hash" line becomes a user rule; auth
 * checks the hash (it reads no files itself). */
static bool
send_htpasswd(struct core *c, const struct httpd_allow *a, struct msg_auth_rule *r,
    uint32_t *n)
{
	struct emit_ctx ctx = { c, n };
	char *buf;
	struct stat st;
	ssize_t got;
	bool ok;
	int fd;

	fd = open(a->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > HTPASSWD_MAX) {
		log_err("%s:%d: cannot use htpasswd file %s: %s", a->pos.file ?
		    a->pos.file : "?", a->pos.line, a->name, fd < 0 ? strerror(errno) :
		    "not a regular file of at most 1 MiB");
		if (fd >= 0)
			close(fd);
		return true;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	got = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (got < 0)
		got = 0;
	buf[got] = '\0';
	ok = htpasswd_rules(buf, a, r, emit_rule, &ctx);
	explicit_bzero(buf, (size_t)st.st_size + 1);
	free(buf);
	return ok;
}

/* Monit: "allow HOST|NET" rules alone let those clients in without a
 * password; with any user, group or htpasswd rule a login is needed too. */
static bool
httpd_open_access(const struct config *cf)
{
	bool hosts = false;

	for (const struct httpd_allow *a = cf->httpd.allow; a != NULL; a = a->next) {
		if (a->kind != ALLOW_HOST)
			return false;
		hosts = true;
	}
	return hosts;
}

static void
auth_send_rules(struct core *c)
{
	const struct config *cf = c->m->cf;
	struct msg_auth_rule *r = xmalloc(sizeof(*r));
	struct msg_auth_ready ready;
	uint32_t n = 0;

	for (const struct httpd_allow *a = cf->httpd.allow; a != NULL; a = a->next) {
		const char *file = a->pos.file != NULL ? a->pos.file : "?";
		const char *name = a->name != NULL ? a->name : "";

		if (a->kind == ALLOW_HOST)
			continue;
		if (a->kind == ALLOW_HTPASSWD) {
			if (!send_htpasswd(c, a, r, &n))
				goto out;
			continue;
		}
		memset(r, 0, sizeof(*r));
		if (a->role < 0 || a->role > ROLE_MAX) {
			log_err("%s:%d: invalid role: rule skipped", file, a->pos.line);
			continue;
		}
		r->role = (uint8_t)a->role;
		if (a->kind == ALLOW_USER) {
			r->kind = AUTH_RULE_USER;
			r->secret_type = (uint8_t)(a->secret_type > 0 &&
			    a->secret_type <= SECRET_TYPE_MAX ? a->secret_type :
			    SECRET_CLEARTEXT);
			if (strlcpy_v(r->secret, a->secret != NULL ? a->secret : "",
			    sizeof(r->secret)) >= sizeof(r->secret)) {
				log_err("%s:%d: password of '%s' too long: rule skipped",
				    file, a->pos.line, name);
				continue;
			}
		} else {
			r->kind = AUTH_RULE_GROUP;
			if (name[0] == '@')
				name++;
		}
		if (name[0] == '\0' ||
		    strlcpy_v(r->name, name, sizeof(r->name)) >= sizeof(r->name) ||
		    !auth_rule_scope(r, a)) {
			log_err("%s:%d: name or service list too long: rule skipped",
			    file, a->pos.line);
			continue;
		}
		if (!send_rule(c, r, &n))
			goto out;
	}
	for (const struct user_group *g = cf->user_groups; g != NULL; g = g->next) {
		for (size_t i = 0; i < g->nusers; i++) {
			memset(r, 0, sizeof(*r));
			r->kind = AUTH_RULE_GROUP_MEMBER;
			r->secret_type = SECRET_NONE;
			if (strlcpy_v(r->name, g->users[i], sizeof(r->name)) >= sizeof(r->name) ||
			    strlcpy_v(r->secret, g->name, sizeof(r->secret)) >= sizeof(r->secret)) {
				log_err("%s:%d: group member name too long: skipped",
				    g->pos.file ? g->pos.file : "?", g->pos.line);
				continue;
			}
			if (!send_rule(c, r, &n))
				goto out;
		}
	}
	memset(&ready, 0, sizeof(ready));
	ready.nrules = n;
	strlcpy_v(ready.pam_service, cf->httpd.pam_service != NULL ?
	    cf->httpd.pam_service : DEFAULT_PAM_SERVICE, sizeof(ready.pam_service));
	ready.session_ttl_s = SESSION_TTL_S;
	ready.open_access = httpd_open_access(cf);
	if (peer_send(c, &c->auth, MSG_AUTH_READY, &ready))
		log_debug("sent %u rules to auth", n);
out:
	explicit_bzero(r, sizeof(*r));
	free(r);
}

static void
handle_grant(struct core *c, const struct msg_session_grant *g)
{
	struct msg_session_ack ack;
	char why[128];

	memset(&ack, 0, sizeof(ack));
	memcpy(ack.sid, g->sid, sizeof(ack.sid));
	ack.sid[sizeof(ack.sid) - 1] = '\0';
	if (grant_add(&c->sessions, g, (uint64_t)time(NULL), why, sizeof(why))) {
		ack.ok = 1;
		log_info("web session granted to user '%s' (role %s%s)", g->user,
		    web_role_name((enum web_role)g->role), g->nscope ? ", scoped" : "");
		monitor_access(c->m, NULL, "login", false, "web user '%s' logged in "
		    "(role %s%s)", g->user, web_role_name((enum web_role)g->role),
		    g->nscope ? ", scoped" : "");
	} else {
		ack.ok = 0;
		log_warn("refused a session grant from auth for user '%s': %s",
		    g->user, why);
		/* Never echo a malformed id back. */
		if (!grant_sid_valid(ack.sid))
			ack.sid[0] = '\0';
	}
	peer_send(c, &c->auth, MSG_SESSION_ACK, &ack);
}

/* ---- webui: actions and snapshots ---- */

void
webpeer_action(struct core *c, const struct msg_action_request *rq,
    struct msg_action_result *res)
{
	char user[MSG_USER_LEN], why[MSG_NAME_LEN + 64], msg[MSG_NAME_LEN];
	enum svc_action a = (enum svc_action)rq->action;
	int code;

	memset(res, 0, sizeof(*res));
	res->req = rq->req;
	code = grant_authorize(&c->sessions, rq->sid, rq->service, a,
	    (uint64_t)time(NULL), user, sizeof(user), why, sizeof(why));
	if (code != 0) {
		log_warn("web: refused %s of '%s' for user '%s': %s", svc_action_name(a),
		    rq->service, user[0] ? user : "(no session)", why);
		monitor_access(c->m, rq->service, svc_action_name(a), true,
		    "web user '%s' refused to %s '%s': %s", user[0] ? user :
		    "(no session)", svc_action_name(a), rq->service, why);
		res->code = 403;
		strlcpy_v(res->message, why, sizeof(res->message));
		return;
	}
	msg[0] = '\0';
	code = c->m->engine != NULL ?
	    engine_action(c->m->engine, rq->service, a, msg, sizeof(msg)) : 409;
	switch (code) {
	case 0:
		res->code = 200;
		break;
	case 404:
		res->code = 404;
		break;
	default:
		res->code = 409;
		break;
	}
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "%s", res->code == 200 ? "done" :
		    res->code == 404 ? "no such service" : "cannot do that now");
	strlcpy_v(res->message, msg, sizeof(res->message));
	log_info("web: user '%s' asked to %s '%s': %u %s", user, svc_action_name(a),
	    rq->service, res->code, msg);
	monitor_access(c->m, rq->service, svc_action_name(a), false,
	    "web user '%s' asked to %s '%s': %u %s", user, svc_action_name(a),
	    rq->service, res->code, msg);
}

#define TERMINATE(f) ((f)[sizeof(f) - 1] = '\0')

/* The log lines logged since the last snapshot (those the ring still
 * holds), for the web interface's log view. */
static void
send_log_lines(struct core *c, struct webpeer *w)
{
	const struct logring *r = logring_global();
	uint64_t seq = c->log_sent + 1;

	if (r->next_seq > LOGRING_LINES && seq < r->next_seq - LOGRING_LINES)
		seq = r->next_seq - LOGRING_LINES;
	for (; seq < r->next_seq; seq++) {
		const struct msg_snapshot_log *l = logring_get(r, seq);

		if (l != NULL && !peer_send(c, w, MSG_SNAPSHOT_LOG, l))
			return;
		c->log_sent = seq;
	}
}

/* Service i's object of `vigil status --json` after its SNAPSHOT_SERVICE
 * (s), in parts. */
static bool
send_service_json(struct core *c, struct webpeer *w, uint32_t gen, uint32_t i,
    const struct msg_snapshot_service *s, struct msg_snapshot_json *j)
{
	size_t len;
	const char *text = svc_json_get(&c->json, c->m->engine, i, s, &len);

	j->gen = gen;
	j->index = i;
	for (size_t at = 0; at < len; at += sizeof(j->part) - 1) {
		size_t n = len - at < sizeof(j->part) - 1 ? len - at : sizeof(j->part) - 1;

		memcpy(j->part, text + at, n);
		j->part[n] = '\0';
		if (!peer_send(c, w, MSG_SNAPSHOT_JSON, j))
			return false;
	}
	return true;
}

/* The graph points of service i this webui has not had. */
static bool
send_points(struct core *c, struct webpeer *w, uint32_t gen, uint32_t i)
{
	static struct graph_point pts[MSG_GRAPH_POINTS];
	size_t k = graphs_take_unsent(&c->graphs, i, pts);
	struct msg_snapshot_point m;

	for (size_t j = 0; j < k; j++) {
		m.gen = gen;
		m.index = i;
		m.t = pts[j].t;
		memcpy(m.v, pts[j].v, sizeof(m.v));
		if (!peer_send(c, w, MSG_SNAPSHOT_POINT, &m))
			return false;
	}
	return true;
}

static void
push_snapshot(struct core *c)
{
	struct webpeer *w = &c->webui;
	struct msg_snapshot_begin b;
	struct msg_snapshot_service *s;
	struct msg_snapshot_json *j;
	struct msg_snapshot_end e;
	size_t n;

	if (!w->open)
		return;
	/* A slow webui gets the latest picture once it drains, not a backlog. */
	if (ipc_pending(&w->ch)) {
		c->snap_dirty = true;
		return;
	}
	c->snap_dirty = false;
	c->last_snap_ms = now_ms();
	n = c->m->engine != NULL ? engine_nservices(c->m->engine) : 0;
	memset(&b, 0, sizeof(b));
	b.gen = ++c->snap_gen;
	b.count = (uint32_t)n;
	b.time = (uint64_t)time(NULL);
	strlcpy_v(b.host, c->m->hostname, sizeof(b.host));
	b.uptime_s = (uint32_t)((now_ms() - c->m->started_ms) / 1000u);
	b.poll_s = (uint32_t)(c->m->cf != NULL && c->m->cf->poll_s > 0 ? c->m->cf->poll_s : 0);
	b.open_access = c->m->cf != NULL && httpd_open_access(c->m->cf);
	if (!peer_send(c, w, MSG_SNAPSHOT_BEGIN, &b))
		return;
	s = xmalloc(sizeof(*s));
	j = xmalloc(sizeof(*j));
	for (size_t i = 0; i < n; i++) {
		engine_snapshot(c->m->engine, i, s);
		graphs_record(&c->graphs, i, s);
		s->gen = b.gen;
		s->index = (uint32_t)i;
		TERMINATE(s->name);
		TERMINATE(s->type);
		TERMINATE(s->status);
		TERMINATE(s->monitor);
		TERMINATE(s->detail);
		if (!peer_send(c, w, MSG_SNAPSHOT_SERVICE, s) ||
		    !send_service_json(c, w, b.gen, (uint32_t)i, s, j) ||
		    !send_points(c, w, b.gen, (uint32_t)i)) {
			free(s);
			free(j);
			return;
		}
	}
	free(s);
	free(j);
	graphs_trim(&c->graphs, n);
	svc_json_trim(&c->json, n);
	e.gen = b.gen;
	if (!peer_send(c, w, MSG_SNAPSHOT_END, &e))
		return;
	send_log_lines(c, w);
	peer_events(c, w);
}

static void
snap_timer_cb(int fd, uint32_t events, void *arg)
{
	struct core *c = arg;

	(void)events;
	ev_timer_ack(fd);
	c->snap_timer_armed = false;
	push_snapshot(c);
}

void
webpeer_changed(struct core *c)
{
	uint64_t now = now_ms(), due;

	if (!c->webui.open || c->m->ev == NULL) {
		c->snap_dirty = c->webui.open;
		return;
	}
	if (c->snap_timer_armed)
		return;
	if (c->snap_timer < 0 &&
	    (c->snap_timer = ev_timer_new(c->m->ev, snap_timer_cb, c)) < 0) {
		log_warn("snapshot timer: %s", strerror(errno));
		return;
	}
	due = c->last_snap_ms + SNAPSHOT_MIN_GAP_MS;
	ev_timer_set(c->snap_timer, due > now ? due - now : 1, 0);
	c->snap_timer_armed = true;
}

/* ---- the channels ---- */

static void
copy_printable(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/* Failed web logins, as auth coalesced them: the log line and an access
 * event ("Access refused") for recipients with `only on { access }`.
 * auth made the names printable; they are cleaned again here since the
 * monitor trusts no peer's bytes. */
static void
handle_access_refused(struct core *c, const struct msg_access_refused *r)
{
	char user[MSG_USER_LEN], client[MSG_SHORT_LEN], reason[MSG_SHORT_LEN];
	char times[64] = "";

	copy_printable(user, sizeof(user), r->user);
	copy_printable(client, sizeof(client), r->client);
	copy_printable(reason, sizeof(reason), r->reason);
	if (r->count > 1)
		snprintf(times, sizeof(times), " (%u times in %u s)",
		    (unsigned)r->count, (unsigned)r->interval_s);
	log_warn("web login refused for user '%s' from %s: %s%s", user, client,
	    reason, times);
	monitor_access(c->m, NULL, "login", true, "web login refused for user "
	    "'%s' from %s: %s%s", user, client, reason, times);
}

static void
handle(struct core *c, struct webpeer *w, struct ipc_msg *in)
{
	switch (in->type) {
	case MSG_HELLO:
		break;
	case MSG_SESSION_GRANT:
		handle_grant(c, &in->body.session_grant);
		break;
	case MSG_ACCESS_REFUSED:
		handle_access_refused(c, &in->body.access_refused);
		break;
	case MSG_ACTION_REQUEST: {
		struct msg_action_result res;

		webpeer_action(c, &in->body.action_request, &res);
		core_state_commit(c);	/* saved before it is acknowledged */
		peer_send(c, w, MSG_ACTION_RESULT, &res);
		break;
	}
	case MSG_LOGOUT:
		if (grant_revoke(&c->sessions, in->body.logout.sid))
			log_info("web session ended (logout)");
		else
			log_debug("logout for an unknown or expired session");
		break;
	default:
		/* The rule table admits nothing else from these peers. */
		log_err("unexpected %s from %s: closing", msg_type_name(in->type),
		    proc_role_name(w->role));
		peer_close(c, w);
	}
}

static void
peer_cb(int fd, uint32_t events, void *arg)
{
	struct webpeer *w = arg;
	struct core *c = w->core;
	static struct ipc_msg in;

	(void)fd;
	if ((events & EPOLLOUT) && ipc_flush(&w->ch) < 0) {
		log_err("%s channel: %s: closed", proc_role_name(w->role), strerror(errno));
		peer_close(c, w);
		return;
	}
	for (int i = 0; i < 64 && w->open && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)); i++) {
		enum ipc_result r = ipc_recv(&w->ch, &in);

		if (r == IPC_AGAIN)
			break;
		if (r == IPC_CLOSED || r == IPC_ERROR) {
			log_info("%s closed its channel", proc_role_name(w->role));
			peer_close(c, w);
			return;
		}
		if (r == IPC_VIOLATION) {
			log_err("%s channel violation: %s%s%s (type %u): closed",
			    proc_role_name(w->role), ipc_violation_name(in.violation),
			    in.decode_error != MSG_OK ? ", " : "",
			    in.decode_error != MSG_OK ? msg_error_name(in.decode_error) : "",
			    (unsigned)in.type);
			peer_close(c, w);
			return;
		}
		handle(c, w, &in);
	}
	if (!w->open)
		return;
	if (w == &c->webui && c->snap_dirty && !ipc_pending(&w->ch))
		push_snapshot(c);
	peer_events(c, w);
}

void
webpeer_channel(struct core *c, enum proc_role peer, int fd)
{
	struct webpeer *w = peer == PROC_WEBUI ? &c->webui : &c->auth;

	if (peer != PROC_WEBUI && peer != PROC_AUTH) {
		close(fd);
		return;
	}
	if (w->open) {
		log_info("a new channel to %s replaces the old one", proc_role_name(peer));
		peer_close(c, w);
	}
	if (set_nonblock(fd) < 0 || set_cloexec(fd, true) < 0) {
		log_err("channel to %s: %s", proc_role_name(peer), strerror(errno));
		close(fd);
		return;
	}
	ipc_channel_init(&w->ch, fd, PROC_MONITOR, peer);
	w->core = c;
	w->role = peer;
	if (c->m->ev != NULL && ev_add(c->m->ev, fd, EPOLLIN, peer_cb, w) < 0) {
		log_err("channel to %s: epoll: %s", proc_role_name(peer), strerror(errno));
		ipc_channel_close(&w->ch);
		return;
	}
	w->open = true;
	if (ipc_send_hello(&w->ch) < 0) {
		log_err("HELLO to %s: %s", proc_role_name(peer), strerror(errno));
		peer_close(c, w);
		return;
	}
	log_info("channel to %s open", proc_role_name(peer));
	if (peer == PROC_AUTH) {
		auth_send_rules(c);
	} else {
		c->log_sent = 0;	/* a new webui gets the whole ring */
		graphs_resend(&c->graphs);	/* and every graph point */
		push_snapshot(c);
	}
	peer_events(c, w);
}
