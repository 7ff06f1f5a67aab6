/* The engine's shape: one runtime record per configured service (with its
 * implicit tests and resolved addresses), the requests in flight, and what a
 * person asks of a service.  The poll cycle is in cycle.c, what a test result
 * means in test_result.c, the names of events in test_names.c, actions in
 * actions.c; everything runs on the monitor's one event loop. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

/* The implicit rule of every process: "if does not exist then restart". */
static const struct test implicit_exist = {
	.kind = TEST_EXIST,
	.act = {
		.failed = { .kind = ACTION_RESTART },
		.failed_cycles = { 1, 1 },
	},
};

/* Files, directories and fifos: a missing path is always reported. */
static const struct test implicit_exist_alert = {
	.kind = TEST_EXIST,
	.act = {
		.failed = { .kind = ACTION_ALERT },
		.failed_cycles = { 1, 1 },
	},
};

/* Filesystems: the manual's implicit "if changed fsflags then alert". */
static const struct test implicit_fsflags_alert = {
	.kind = TEST_FSFLAGS,
	.op = OP_CHANGED,
	.act = {
		.failed = { .kind = ACTION_ALERT },
		.failed_cycles = { 1, 1 },
	},
};

void
pending_add(struct engine *e, struct pending *p, struct svc *s)
{
	p->s = s;
	p->prev = &e->pending;
	p->next = e->pending.next;
	if (p->next != NULL)
		p->next->prev = p;
	e->pending.next = p;
}

struct svc *
pending_take(struct pending *p)
{
	struct svc *s = p->s;

	if (s == NULL)
		return NULL;
	if (p->prev != NULL)
		p->prev->next = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
	p->s = NULL;
	return s;
}

struct svc *
engine_svc_by_name(struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->s[i].cf->name, name) == 0)
			return &e->s[i];
	return NULL;
}

/* ---- the seam ---- */

static int64_t
resolve_owner(const struct test *t)
{
	char *end;
	long v;

	if (t->owner == NULL)
		return -1;
	errno = 0;
	v = strtol(t->owner, &end, 10);
	if (errno == 0 && *end == '\0' && end != t->owner && v >= 0)
		return v;
	if (t->kind == TEST_UID) {
		struct passwd *pw = getpwnam(t->owner);

		return pw ? (int64_t)pw->pw_uid : -1;
	} else {
		struct group *gr = getgrnam(t->owner);

		return gr ? (int64_t)gr->gr_gid : -1;
	}
}

struct engine *
engine_new(struct monitor *m)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	const struct service *sv;
	size_t i = 0;

	e->m = m;
	engine_read_ncpu(e);
	e->cycle_tfd = -1;
	e->inotify_fd = -1;
	e->n = 0;
	if (m->cf != NULL)
		for (sv = m->cf->services; sv != NULL; sv = sv->next)
			e->n++;
	e->s = xcalloc(e->n ? e->n : 1, sizeof(*e->s));
	for (sv = m->cf ? m->cf->services : NULL; sv != NULL; sv = sv->next, i++) {
		struct svc *s = &e->s[i];
		const struct test *implicit;
		bool has_exist = false, has_fsflags;
		size_t k = 0;

		s->e = e;
		s->cf = sv;
		s->index = i;
		s->pidfd = -1;
		s->wait_tfd = -1;
		s->retry_tfd = -1;
		s->inotify_wd = -1;
		s->mode = sv->mode;
		/* "onreboot nostart" waits to be started; manual mode does
		 * not when nothing was saved: Monit starts it at its own
		 * start then, and only a saved "not monitored" (vigil stop,
		 * unmonitor) keeps it down (engine_state_decode). */
		s->monitor = sv->onreboot == ONREBOOT_NOSTART ? MON_NOT : MON_INIT;
		has_fsflags = sv->type != SVC_FILESYSTEM;
		for (const struct test *t = sv->tests; t != NULL; t = t->next) {
			s->nts++;
			if (t->kind == TEST_EXIST)
				has_exist = true;
			if (t->kind == TEST_FSFLAGS)
				has_fsflags = true;
		}
		implicit = NULL;
		if (!has_exist && sv->type == SVC_PROCESS)
			implicit = &implicit_exist;
		else if (!has_exist && (sv->type == SVC_FILE || sv->type == SVC_FIFO ||
		    sv->type == SVC_DIRECTORY || sv->type == SVC_FILESYSTEM))
			implicit = &implicit_exist_alert;
		if (implicit != NULL)
			s->nts++;
		if (!has_fsflags)
			s->nts++;
		s->ts = xcalloc(s->nts ? s->nts : 1, sizeof(*s->ts));
		if (implicit != NULL)
			s->ts[k++].t = implicit;
		for (const struct test *t = sv->tests; t != NULL; t = t->next)
			s->ts[k++].t = t;
		if (!has_fsflags)
			s->ts[k++].t = &implicit_fsflags_alert;
		for (k = 0; k < s->nts; k++) {
			struct test_state *ts = &s->ts[k];

			ts->svc = s;
			ts->owner_id = -1;
			/* The parser resolved names into value; a hand-made
			 * config may carry only the name. */
			if (ts->t->kind == TEST_UID || ts->t->kind == TEST_GID)
				ts->owner_id = ts->t->owner != NULL && ts->t->value == 0 ?
				    resolve_owner(ts->t) : ts->t->value;
		}
		if (sv->type == SVC_PROCESS)
			e->want_procs = true;
		if (sv->type == SVC_PROCESS && sv->match != NULL) {
			e->want_cmdline = true;
			if (!process_match_compile(s))
				log_err("service '%s': cannot compile the matching pattern",
				    sv->name);
		}
		/* Name resolution happens here, once: DNS never blocks a cycle. */
		if (sv->type == SVC_HOST && sv->address != NULL) {
			s->have_addr = net_resolve(sv->address, 0, 0, SOCK_STREAM,
			    &s->addr, &s->addrlen);
			if (!s->have_addr)
				log_warn("service '%s': cannot resolve '%s'", sv->name,
				    sv->address);
		}
		for (k = 0; k < s->nts; k++) {
			struct test_state *ts = &s->ts[k];
			const struct connection *c = ts->t->conn;
			const char *host;

			if (ts->t->kind != TEST_CONNECTION || c == NULL)
				continue;
			if (c->unix_path != NULL) {
				ts->have_addr = net_resolve(c->unix_path, -1, 0,
				    c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM,
				    &ts->addr, &ts->addrlen);
				continue;
			}
			host = c->host ? c->host : sv->address ? sv->address : "localhost";
			/* "localhost" may resolve to ::1 first while the service
			 * listens on IPv4 only: take the loopback of the family. */
			if (strcmp(host, "localhost") == 0)
				host = c->ipversion == 6 ? "::1" : "127.0.0.1";
			ts->have_addr = net_resolve(host, c->port, c->ipversion,
			    c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM,
			    &ts->addr, &ts->addrlen);
			if (!ts->have_addr)
				log_warn("service '%s': cannot resolve '%s'", sv->name, host);
		}
		svc_update_status(s);
	}
	return e;
}

void
engine_orphan_requests(struct engine *e)
{
	if (e == NULL)
		return;
	while (e->pending.next != NULL)
		pending_take(e->pending.next);
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	/* Answers still to come find their request orphaned. */
	engine_orphan_requests(e);
	for (size_t i = 0; i < e->n; i++) {
		struct svc *s = &e->s[i];

		process_detach(s);
		for (size_t k = 0; k < s->nts; k++) {
			netcheck_cancel(&s->ts[k]);
			hashjob_cancel(&s->ts[k]);
			checksum_memo_free(&s->ts[k]);
			content_free(&s->ts[k]);
			free(s->ts[k].desc);
		}
		if (s->wait_tfd >= 0) {
			ev_del(e->m->ev, s->wait_tfd);
			close(s->wait_tfd);
		}
		if (s->retry_tfd >= 0) {
			ev_del(e->m->ev, s->retry_tfd);
			close(s->retry_tfd);
		}
		process_match_free(s);
		action_queue_free(s);
		free(s->fs);
		free(s->pidfile_memo);
		free(s->last_output);
		free(s->net_hist);
		free(s->restarts);
		free(s->ts);
	}
	if (e->cycle_tfd >= 0) {
		ev_del(e->m->ev, e->cycle_tfd);
		close(e->cycle_tfd);
	}
	if (e->inotify_fd >= 0) {
		ev_del(e->m->ev, e->inotify_fd);
		close(e->inotify_fd);
	}
	proc_table_clear(&e->procs);
	fs_table_free(e);
	free(e->s);
	free(e);
}

/* A person's start, stop or restart that would need a program vigild
 * refuses to run (cmd->refused, set when the table was sealed) fails at
 * once with the reason, instead of "requested" and a line in the log. */
static bool
refused_program(const struct svc *s, enum svc_action a, char *msg, size_t msglen)
{
	const struct service *cf = s->cf;
	const struct command *need[2] = { NULL, NULL };
	const char *what[2] = { "", "" };

	if (a == SVC_ACTION_START && cf->type == SVC_PROCESS && s->pid <= 0) {
		need[0] = cf->start;
		what[0] = "start";
	} else if (a == SVC_ACTION_STOP) {
		need[0] = cf->stop;
		what[0] = "stop";
	} else if (a == SVC_ACTION_RESTART && cf->restart != NULL) {
		need[0] = cf->restart;
		what[0] = "restart";
	} else if (a == SVC_ACTION_RESTART) {
		need[0] = cf->stop;
		what[0] = "stop";
		need[1] = cf->start;
		what[1] = "start";
	}
	for (int i = 0; i < 2; i++)
		if (need[i] != NULL && need[i]->refused != NULL) {
			snprintf(msg, msglen, "the %s program of '%s' is refused by vigild: "
			    "%s", what[i], cf->name, need[i]->refused);
			return true;
		}
	return false;
}

int
engine_action(struct engine *e, const char *service, enum svc_action a,
    char *msg, size_t msglen)
{
	struct svc *s = service ? engine_svc_by_name(e, service) : NULL;

	if (s == NULL) {
		snprintf(msg, msglen, "there is no service named '%s'",
		    service ? service : "");
		return 404;
	}
	if (s->busy != BUSY_NONE) {
		/* Asking again for what is already under way is not an error
		 * ("stop all" reaches dependants a dependency already stops). */
		if ((a == SVC_ACTION_STOP && s->busy == BUSY_STOP) ||
		    (a == SVC_ACTION_START && s->busy == BUSY_START) ||
		    (a == SVC_ACTION_RESTART && (s->busy == BUSY_START ||
		    s->busy == BUSY_RESTART_STOP))) {
			snprintf(msg, msglen, "%s of '%s' already in progress",
			    svc_action_name(a), s->cf->name);
			return 0;
		}
		snprintf(msg, msglen, "service '%s' has an action in progress; try again",
		    s->cf->name);
		return 409;
	}
	if (refused_program(s, a, msg, msglen))
		return 403;
	svc_retry_reset(s);	/* a person asked: no back-off */
	switch (a) {
	case SVC_ACTION_START:
		if (s->monitor == MON_NOT)
			svc_monitor(s);
		if (s->cf->type == SVC_PROCESS && s->pid <= 0) {
			if (s->cf->start == NULL) {
				snprintf(msg, msglen, "service '%s' has no start program",
				    s->cf->name);
				return 409;
			}
			if (s->busy == BUSY_NONE)
				svc_start(s, "Start", "started by a user");
		}
		snprintf(msg, msglen, "start of '%s' requested", s->cf->name);
		break;
	case SVC_ACTION_STOP:
		svc_stop(s, true, "Stop", "stopped by a user");
		snprintf(msg, msglen, "stop of '%s' requested", s->cf->name);
		break;
	case SVC_ACTION_RESTART:
		if (s->monitor == MON_NOT)
			svc_monitor(s);
		if (s->cf->type == SVC_PROCESS && s->busy == BUSY_NONE)
			svc_restart(s, "Restart", "restarted by a user");
		snprintf(msg, msglen, "restart of '%s' requested", s->cf->name);
		break;
	case SVC_ACTION_MONITOR:
		svc_monitor(s);
		snprintf(msg, msglen, "monitoring of '%s' enabled", s->cf->name);
		break;
	case SVC_ACTION_UNMONITOR:
		svc_unmonitor(s, true);
		snprintf(msg, msglen, "monitoring of '%s' disabled", s->cf->name);
		break;
	default:
		snprintf(msg, msglen, "unknown action");
		return 409;
	}
	svc_alert_action(s, svc_action_name(a));
	svc_changed(s);
	return 0;
}

size_t
engine_nservices(const struct engine *e)
{
	return e->n;
}

int
engine_find(const struct engine *e, const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->s[i].cf->name, name) == 0)
			return (int)i;
	return -1;
}

char *const *
engine_groups(const struct engine *e, size_t i, size_t *n)
{
	static char *const none[1] = { NULL };

	*n = 0;
	if (i >= e->n || e->s[i].cf->groups == NULL)
		return none;
	*n = e->s[i].cf->ngroups;
	return e->s[i].cf->groups;
}

