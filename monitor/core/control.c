/* The CLI's control socket.  The kernel tells us who is asking
 * (SO_PEERCRED, SO_PEERGROUPS): root and our own user may do everything,
 * users and groups named in `set control socket ... allow` what they were
 * given, everyone else gets "permission denied" without a byte of theirs
 * being parsed.  One request per connection, a bounded number of clients,
 * an idle timeout. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

#define PEER_GROUPS_MAX 256

bool
control_action_readonly(enum ctl_action a)
{
	return a == CTL_STATUS || a == CTL_SUMMARY || a == CTL_REPORT ||
	    a == CTL_STATUS_JSON;
}

static bool
name_to_id(const char *name, bool group, unsigned *id)
{
	char *end;
	unsigned long v;

	if (group) {
		struct group *gr = getgrnam(name);

		if (gr != NULL) {
			*id = gr->gr_gid;
			return true;
		}
	} else {
		struct passwd *pw = getpwnam(name);

		if (pw != NULL) {
			*id = pw->pw_uid;
			return true;
		}
	}
	/* A number names an id directly. */
	errno = 0;
	v = strtoul(name, &end, 10);
	if (name[0] >= '0' && name[0] <= '9' && *end == '\0' && errno == 0 &&
	    v < 0xffffffffUL) {
		*id = (unsigned)v;
		return true;
	}
	return false;
}

int
control_access(const struct config *cf, uid_t self, uid_t peer_uid,
    gid_t peer_gid, const gid_t *groups, size_t ngroups)
{
	int best = 0;

	if (peer_uid == 0 || peer_uid == self)
		return 2;
	for (const struct control_allow *a = cf->control_allow; a != NULL; a = a->next) {
		unsigned id;
		bool match = false;

		if (a->name == NULL || !name_to_id(a->name, a->is_group, &id))
			continue;
		if (!a->is_group)
			match = peer_uid == (uid_t)id;
		else {
			match = peer_gid == (gid_t)id;
			for (size_t i = 0; i < ngroups && !match; i++)
				match = groups[i] == (gid_t)id;
		}
		if (match && (a->readonly ? 1 : 2) > best)
			best = a->readonly ? 1 : 2;
	}
	return best;
}

/* ---- clients ---- */

static void
client_close(struct core *c, struct ctl_client *cl)
{
	if (!cl->used)
		return;
	if (cl->ch.fd >= 0) {
		if (c->m->ev != NULL)
			ev_del(c->m->ev, cl->ch.fd);
		ipc_channel_close(&cl->ch);
	}
	cl->used = false;
}

static void
client_events(struct core *c, struct ctl_client *cl)
{
	if (cl->done && !ipc_pending(&cl->ch)) {
		/* Closing with their bytes unread would reset the connection
		 * before they read our answer: end our side, and close when
		 * they do (or at the idle timeout). */
		if (!cl->shut && shutdown(cl->ch.fd, SHUT_WR) < 0) {
			client_close(c, cl);
			return;
		}
		cl->shut = true;
		(void)ev_mod(c->m->ev, cl->ch.fd, EPOLLIN);
		return;
	}
	(void)ev_mod(c->m->ev, cl->ch.fd,
	    (cl->done ? 0 : EPOLLIN) | (ipc_pending(&cl->ch) ? EPOLLOUT : 0));
}

static void
client_send(struct core *c, struct ctl_client *cl, enum msg_type type, const void *m)
{
	if (cl->done)
		return;
	if (ipc_send(&cl->ch, type, m, -1) < 0) {
		log_warn("control: client pid %d: cannot send: %s", (int)cl->pid,
		    strerror(errno));
		client_close(c, cl);
	}
}

static void
client_done(struct core *c, struct ctl_client *cl, int code, const char *message)
{
	struct msg_ctl_done d;

	if (!cl->used)
		return;
	memset(&d, 0, sizeof(d));
	d.code = code;
	strlcpy_v(d.message, message, sizeof(d.message));
	client_send(c, cl, MSG_CTL_DONE, &d);
	if (!cl->used)
		return;
	cl->done = true;
	client_events(c, cl);
}

/* Text goes out in chunks that fit CTL_OUTPUT. */
static void
client_text(struct core *c, struct ctl_client *cl, const char *text, size_t len)
{
	static struct msg_ctl_output out;

	while (len > 0 && cl->used) {
		size_t n = len < sizeof(out.text) - 1 ? len : sizeof(out.text) - 1;

		memcpy(out.text, text, n);
		out.text[n] = '\0';
		client_send(c, cl, MSG_CTL_OUTPUT, &out);
		text += n;
		len -= n;
	}
}

enum status_form { FORM_STATUS, FORM_SUMMARY, FORM_JSON, FORM_REPORT };

/* One formatter call, whatever the form: all take (buf, cap) like snprintf. */
static size_t
format_any(const struct engine *e, const char *name, enum status_form f, char *buf,
    size_t cap)
{
	switch (f) {
	case FORM_JSON:
		return engine_format_status_json(e, name, buf, cap);
	case FORM_REPORT:
		return engine_format_report(e, name, buf, cap);
	default:
		return engine_format_status(e, name, f == FORM_SUMMARY, buf, cap);
	}
}

static char *
format_status(const struct engine *e, const char *name, enum status_form f, size_t *len)
{
	char small[1];
	size_t want = format_any(e, name, f, small, sizeof(small));
	char *buf;

	if (want > 64u * 1024u * 1024u)
		want = 64u * 1024u * 1024u;
	buf = xmalloc(want + 1);
	*len = format_any(e, name, f, buf, want + 1);
	if (*len > want)
		*len = want;
	buf[*len] = '\0';
	*len = strlen(buf);
	return buf;
}

static bool
service_in_group(const struct engine *e, size_t i, const char *group)
{
	size_t n = 0;
	char *const *g = engine_groups(e, i, &n);

	for (size_t k = 0; k < n && g != NULL && g[k] != NULL; k++)
		if (strcmp(g[k], group) == 0)
			return true;
	return false;
}

static void
service_name(const struct engine *e, size_t i, char *out, size_t outlen)
{
	struct msg_snapshot_service *s = xmalloc(sizeof(*s));

	engine_snapshot(e, i, s);
	strlcpy_v(out, s->name, outlen);
	free(s);
}

static void
do_status(struct core *c, struct ctl_client *cl, const struct msg_ctl_request *rq)
{
	const struct engine *e = c->m->engine;
	enum status_form summary = rq->action == CTL_SUMMARY ? FORM_SUMMARY :
	    rq->action == CTL_STATUS_JSON ? FORM_JSON : FORM_STATUS;
	char msg[MSG_NAME_LEN + 64];
	size_t len, count = 0;
	char *text;

	if (rq->group[0] != '\0') {
		for (size_t i = 0; i < engine_nservices(e) && cl->used; i++) {
			char name[MSG_NAME_LEN];

			if (!service_in_group(e, i, rq->group))
				continue;
			service_name(e, i, name, sizeof(name));
			text = format_status(e, name, summary, &len);
			client_text(c, cl, text, len);
			free(text);
			count++;
		}
		if (count == 0) {
			snprintf(msg, sizeof(msg), "group '%s' not found", rq->group);
			client_done(c, cl, 1, msg);
			return;
		}
		client_done(c, cl, 0, "");
		return;
	}
	if (rq->name[0] != '\0' && strcmp(rq->name, "all") != 0 &&
	    engine_find(e, rq->name) < 0) {
		snprintf(msg, sizeof(msg), "service '%s' not found", rq->name);
		client_done(c, cl, 1, msg);
		return;
	}
	text = format_status(e, rq->name[0] != '\0' ? rq->name : NULL, summary, &len);
	client_text(c, cl, text, len);
	free(text);
	client_done(c, cl, 0, "");
}

static void
do_report(struct core *c, struct ctl_client *cl, const struct msg_ctl_request *rq)
{
	size_t len;
	char *text;

	if (engine_report_kind(rq->name) < 0) {
		client_done(c, cl, 1, "report takes up, down, initializing, unmonitored "
		    "or total");
		return;
	}
	text = format_status(c->m->engine, rq->name, FORM_REPORT, &len);
	client_text(c, cl, text, len);
	free(text);
	client_done(c, cl, 0, "");
}

static void
do_service_action(struct core *c, struct ctl_client *cl,
    const struct msg_ctl_request *rq, enum svc_action a)
{
	struct engine *e = c->m->engine;
	char msg[MSG_NAME_LEN + 64], line[MSG_NAME_LEN * 3];
	size_t count = 0, failed = 0;
	bool all = strcmp(rq->name, "all") == 0;

	if (rq->group[0] == '\0' && rq->name[0] == '\0') {
		client_done(c, cl, 1, "name a service, 'all' or a group (-g)");
		return;
	}
	if (rq->group[0] == '\0' && !all) {
		int rc = engine_action(e, rq->name, a, msg, sizeof(msg));

		log_info("control: uid %u asked to %s '%s': %s", (unsigned)cl->uid,
		    svc_action_name(a), rq->name, rc == 0 ? "done" : msg);
		monitor_access(c->m, rq->name, svc_action_name(a), false,
		    "uid %u asked (vigil %s %s): %s", (unsigned)cl->uid,
		    svc_action_name(a), rq->name, rc == 0 ? "done" : msg);
		if (rc == 404)
			snprintf(msg, sizeof(msg), "service '%s' not found", rq->name);
		core_state_commit(c);
		client_done(c, cl, rc == 0 ? 0 : 1, msg);
		return;
	}
	for (size_t i = 0; i < engine_nservices(e) && cl->used; i++) {
		char name[MSG_NAME_LEN];
		int rc;

		if (rq->group[0] != '\0' && !service_in_group(e, i, rq->group))
			continue;
		service_name(e, i, name, sizeof(name));
		rc = engine_action(e, name, a, msg, sizeof(msg));
		count++;
		if (rc != 0)
			failed++;
		snprintf(line, sizeof(line), "%s: %s\n", name, msg);
		client_text(c, cl, line, strlen(line));
	}
	log_info("control: uid %u asked to %s %s%s: %zu services, %zu failed",
	    (unsigned)cl->uid, svc_action_name(a), rq->group[0] ? "group " : "",
	    rq->group[0] ? rq->group : "all", count, failed);
	monitor_access(c->m, NULL, svc_action_name(a), false,
	    "uid %u asked (vigil %s %s%s): %zu services, %zu failed",
	    (unsigned)cl->uid, svc_action_name(a), rq->group[0] ? "-g " : "",
	    rq->group[0] ? rq->group : "all", count, failed);
	core_state_commit(c);
	if (rq->group[0] != '\0' && count == 0) {
		snprintf(msg, sizeof(msg), "group '%s' not found", rq->group);
		client_done(c, cl, 1, msg);
		return;
	}
	client_done(c, cl, failed == 0 ? 0 : 1, failed == 0 ? "" : "some actions failed");
}

static void
execute(struct core *c, struct ctl_client *cl, const struct msg_ctl_request *rq)
{
	static const int to_svc[] = {
		[CTL_START] = SVC_ACTION_START, [CTL_STOP] = SVC_ACTION_STOP,
		[CTL_RESTART] = SVC_ACTION_RESTART, [CTL_MONITOR] = SVC_ACTION_MONITOR,
		[CTL_UNMONITOR] = SVC_ACTION_UNMONITOR,
	};
	enum ctl_action a = (enum ctl_action)rq->action;

	if (cl->readonly && !control_action_readonly(a)) {
		log_warn("control: uid %u (pid %d) refused: read-only access",
		    (unsigned)cl->uid, (int)cl->pid);
		monitor_access(c->m, NULL, "refused", true, "uid %u (pid %d) "
		    "refused on the control socket: read-only access",
		    (unsigned)cl->uid, (int)cl->pid);
		client_done(c, cl, 1, "permission denied");
		return;
	}
	switch (a) {
	case CTL_STATUS:
	case CTL_SUMMARY:
	case CTL_STATUS_JSON:
		do_status(c, cl, rq);
		break;
	case CTL_REPORT:
		do_report(c, cl, rq);
		break;
	case CTL_START:
	case CTL_STOP:
	case CTL_RESTART:
	case CTL_MONITOR:
	case CTL_UNMONITOR:
		do_service_action(c, cl, rq, (enum svc_action)to_svc[a]);
		break;
	case CTL_RELOAD:
		log_info("control: uid %u asked to reload", (unsigned)cl->uid);
		if (privd_control(c, CONTROL_RELOAD) < 0)
			client_done(c, cl, 1, "cannot reach privd");
		else
			client_done(c, cl, 0, "reinitializing");
		break;
	case CTL_QUIT:
		log_info("control: uid %u asked to quit", (unsigned)cl->uid);
		if (privd_control(c, CONTROL_QUIT) < 0)
			client_done(c, cl, 1, "cannot reach privd");
		else
			client_done(c, cl, 0, "stopping");
		break;
	case CTL_VALIDATE:
		log_info("control: uid %u asked for a check of every service", (unsigned)cl->uid);
		engine_validate(c->m->engine);
		client_done(c, cl, 0, "every service checked");
		break;
	}
}

static void
client_cb(int fd, uint32_t events, void *arg)
{
	struct ctl_client *cl = arg;
	struct core *c = cl->core;
	static struct ipc_msg in;

	(void)fd;
	if ((events & EPOLLOUT) && ipc_flush(&cl->ch) < 0) {
		client_close(c, cl);
		return;
	}
	if (cl->shut) {
		/* Answered: whatever else they send is discarded unread. */
		char sink[64];

		for (int i = 0; i < 16; i++) {
			ssize_t n = recv(cl->ch.fd, sink, sizeof(sink), MSG_DONTWAIT | MSG_TRUNC);

			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0) {
				client_close(c, cl);
				return;
			}
		}
		return;
	}
	for (int i = 0; i < 4 && cl->used && !cl->done &&
	    (events & (EPOLLIN | EPOLLHUP | EPOLLERR)); i++) {
		enum ipc_result r = ipc_recv(&cl->ch, &in);

		if (r == IPC_AGAIN)
			break;
		if (r == IPC_CLOSED || r == IPC_ERROR) {
			client_close(c, cl);
			return;
		}
		if (r == IPC_VIOLATION) {
			log_warn("control: client uid %u pid %d: %s%s%s: closed",
			    (unsigned)cl->uid, (int)cl->pid,
			    ipc_violation_name(in.violation),
			    in.decode_error != MSG_OK ? ", " : "",
			    in.decode_error != MSG_OK ? msg_error_name(in.decode_error) : "");
			client_close(c, cl);
			return;
		}
		cl->last_ms = now_ms();
		if (in.type == MSG_CTL_REQUEST)
			execute(c, cl, &in.body.ctl_request);
	}
	if (cl->used)
		client_events(c, cl);
}

struct ctl_client *
control_slot(struct core *c, uid_t uid, bool privileged)
{
	struct ctl_client *free_slot = NULL;
	size_t used = 0, mine = 0;

	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (!c->ctl[i].used) {
			if (free_slot == NULL)
				free_slot = &c->ctl[i];
			continue;
		}
		used++;
		if (c->ctl[i].uid == uid)
			mine++;
	}
	if (privileged || free_slot == NULL)
		return free_slot;
	if (mine >= CTL_PER_UID_MAX || used >= CTL_MAX_CLIENTS - CTL_ROOT_RESERVED)
		return NULL;
	return free_slot;
}

/* Answer and hang up at once, holding no slot (finding 3: refused peers
 * used to keep one for 10 s).  Their queued datagrams are discarded
 * unread first: closing over unread data would reset the connection
 * before they read the answer. */
static void
answer_and_close(int fd, const char *message)
{
	struct ipc_channel ch;
	struct msg_ctl_done d;
	char sink[64];

	ipc_channel_init(&ch, fd, PROC_MONITOR, PROC_CLI);
	memset(&d, 0, sizeof(d));
	d.code = 1;
	strlcpy_v(d.message, message, sizeof(d.message));
	if (ipc_send_hello(&ch) == 0 && ipc_send(&ch, MSG_CTL_DONE, &d, -1) == 0)
		(void)ipc_flush(&ch);
	(void)shutdown(fd, SHUT_WR);
	for (int i = 0; i < 16; i++)
		if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT | MSG_TRUNC) <= 0)
			break;
	ipc_channel_close(&ch);
}

void
control_accept_fd(struct core *c, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[PEER_GROUPS_MAX];
	socklen_t glen = sizeof(groups);
	size_t ngroups = 0;
	struct ctl_client *cl;
	int access_level;
	bool privileged;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred)) {
		log_warn("control: SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
		ngroups = glen / sizeof(gid_t);
	access_level = control_access(c->m->cf, geteuid(), cred.uid, cred.gid,
	    groups, ngroups);
	if (access_level == 0) {
		/* Nothing of theirs is read. */
		log_warn("control: uid %u (pid %d) refused: not allowed by "
		    "'set control socket'", (unsigned)cred.uid, (int)cred.pid);
		monitor_access(c->m, NULL, "refused", true, "uid %u (pid %d) "
		    "refused on the control socket: not allowed by 'set control "
		    "socket'", (unsigned)cred.uid, (int)cred.pid);
		answer_and_close(fd, "permission denied");
		return;
	}
	privileged = cred.uid == 0 || cred.uid == geteuid();
	cl = control_slot(c, cred.uid, privileged);
	if (cl == NULL) {
		log_warn("control: uid %u (pid %d) refused: too many connections (at most "
		    "%d per user, %d for all but root)", (unsigned)cred.uid, (int)cred.pid,
		    CTL_PER_UID_MAX, CTL_MAX_CLIENTS - CTL_ROOT_RESERVED);
		answer_and_close(fd, "too many connections to the control socket; try again");
		return;
	}
	memset(cl, 0, sizeof(*cl));
	cl->used = true;
	cl->core = c;
	cl->uid = cred.uid;
	cl->pid = cred.pid;
	cl->allowed = true;
	cl->readonly = access_level == 1;
	cl->last_ms = now_ms();
	ipc_channel_init(&cl->ch, fd, PROC_MONITOR, PROC_CLI);
	cl->ch.outq_max = 1024;
	if (ev_add(c->m->ev, fd, EPOLLIN, client_cb, cl) < 0) {
		ipc_channel_close(&cl->ch);
		cl->used = false;
		return;
	}
	if (ipc_send_hello(&cl->ch) < 0) {
		client_close(c, cl);
		return;
	}
	client_events(c, cl);
}

static void
accept_cb(int fd, uint32_t events, void *arg)
{
	struct core *c = arg;

	(void)events;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("control: accept: %s", strerror(errno));
			return;
		}
		control_accept_fd(c, cfd);
	}
}

static void
sweep_cb(int fd, uint32_t events, void *arg)
{
	struct core *c = arg;
	uint64_t now = now_ms();

	(void)events;
	ev_timer_ack(fd);
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *cl = &c->ctl[i];

		if (cl->used && now - cl->last_ms >= c->ctl_idle_ms) {
			log_debug("control: client pid %d idle: closed", (int)cl->pid);
			client_close(c, cl);
		}
	}
}

/* Is somebody already answering on path?  Then it is not stale. */
static bool
socket_alive(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
	    errno == EAGAIN;
	close(fd);
	return alive;
}

bool
control_open(struct core *c)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy_v(sun.sun_path, c->ctl_path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_err("control socket path %s is too long: the CLI cannot reach "
		    "this monitor", c->ctl_path);
		return false;
	}
	if (lstat(c->ctl_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("%s exists and is not a socket: not removing it; the "
			    "CLI cannot reach this monitor", c->ctl_path);
			return false;
		}
		if (socket_alive(&sun)) {
			log_err("another monitor answers on %s: not taking it over",
			    c->ctl_path);
			return false;
		}
		if (unlink(c->ctl_path) < 0) {
			log_err("cannot remove stale control socket %s: %s", c->ctl_path,
			    strerror(errno));
			return false;
		}
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("control socket: %s", strerror(errno));
		return false;
	}
	/* Everyone may connect; SO_PEERCRED decides what they may do. */
	old = umask(0111);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		log_err("cannot create control socket %s: %s", c->ctl_path,
		    strerror(errno));
		umask(old);
		close(fd);
		return false;
	}
	umask(old);
	if (listen(fd, CTL_MAX_CLIENTS) < 0 ||
	    ev_add(c->m->ev, fd, EPOLLIN, accept_cb, c) < 0) {
		log_err("control socket %s: %s", c->ctl_path, strerror(errno));
		close(fd);
		unlink(c->ctl_path);
		return false;
	}
	c->ctl_fd = fd;
	c->ctl_timer = ev_timer_new(c->m->ev, sweep_cb, c);
	if (c->ctl_timer >= 0) {
		uint64_t tick = c->ctl_idle_ms < 1000 ? c->ctl_idle_ms / 2 + 1 : 1000;

		ev_timer_set(c->ctl_timer, tick, tick);
	}
	log_debug("control socket %s ready", c->ctl_path);
	return true;
}

void
control_close(struct core *c)
{
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		client_close(c, &c->ctl[i]);
	if (c->ctl_fd >= 0) {
		if (c->m->ev != NULL)
			ev_del(c->m->ev, c->ctl_fd);
		close(c->ctl_fd);
		c->ctl_fd = -1;
		(void)unlink(c->ctl_path);
	}
	if (c->ctl_timer >= 0) {
		if (c->m->ev != NULL)
			ev_del(c->m->ev, c->ctl_timer);
		close(c->ctl_timer);
		c->ctl_timer = -1;
	}
}
