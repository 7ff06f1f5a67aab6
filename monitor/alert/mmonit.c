/* `set mmonit`: the monitor reports to M/Monit as Monit 5.3x does.  Every
 * poll cycle it POSTs Monit's XML status document (common/monit_xml.c,
 * collector style) to the collector URL, and for every event a document
 * that carries the event too; HTTP/1.1, Content-Type text/xml, Basic
 * authorization from the URL's user:password.  The URLs are tried in
 * order; an event no collector took waits for the next cycle (at most
 * MMONIT_QUEUE_MAX; with `set eventqueue slots N`, N) and is logged as
 * lost, by name, when it is pushed out.  With `set eventqueue` each event
 * is written to the queue directory before the first try (eventq.c,
 * <seq>.mmq) and removed when a collector took it, so a stop, a crash or
 * a reboot loses none: the next start sends them first, in order.
 * The HTTP exchange is http_post.c; connect and TLS are conn.c, as for
 * mail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monit_xml.h"
#include "common/util.h"
#include "monitor/alert/alert.h"
#include "monitor/alert/conn.h"
#include "monitor/alert/http_post.h"
#include "monitor/alert/resolve.h"

#define MMONIT_QUEUE_MAX	1000
#define MMONIT_DOC_MAX		(16u << 20)

struct mm_event {
	struct monit_xml_event e;	/* strings below are owned */
	uint64_t seq;			/* its file in the event queue */
	bool on_disk;
	struct mm_event *next;
};

enum mm_phase { MM_CONNECTING, MM_HANDSHAKE, MM_HTTP };

struct mmonit {
	struct monitor *m;
	int cycle_tfd;
	struct mm_event *head, **tail;
	size_t queued;
	uint64_t seq;			/* the last event's number */
	bool status_due;
	/* the exchange in flight */
	bool busy;
	struct mm_event *sending;	/* the event in the document, or NULL */
	const struct mmonit_url *url;
	enum mm_phase phase;
	int fd, tfd;
	struct resolve *res;		/* the collector's name being resolved */
	SSL *ssl;
	struct http_post hp;
	bool failing;			/* the last exchange failed everywhere */
	struct utsname uts;
	unsigned ncpu;
	struct msg_snapshot_service svc;	/* the renderer's current service */
};

static void mm_next(struct mmonit *mm);
static void mm_try_url(struct mmonit *mm);

/* ---- events ---- */

/* Monit's event ids (its Event_* bits) by our filter names. */
static const struct {
	const char *kind;
	uint32_t id;
} event_ids[] = {
	{ "checksum", 0x1 }, { "resource", 0x2 }, { "timeout", 0x4 },
	{ "timestamp", 0x8 }, { "size", 0x10 }, { "connection", 0x20 },
	{ "permission", 0x40 }, { "uid", 0x80 }, { "gid", 0x100 },
	{ "nonexist", 0x200 }, { "exist", 0x200 }, { "invalid", 0x400 },
	{ "data", 0x800 }, { "exec", 0x1000 }, { "fsflags", 0x2000 },
	{ "icmp", 0x4000 }, { "content", 0x8000 }, { "instance", 0x10000 },
	{ "action", 0x20000 }, { "pid", 0x40000 }, { "ppid", 0x80000 },
	{ "heartbeat", 0x100000 }, { "status", 0x200000 }, { "uptime", 0x400000 },
	{ "link", 0x800000 }, { "speed", 0x1000000 }, { "saturation", 0x2000000 },
	{ "bytein", 0x4000000 }, { "byteout", 0x8000000 }, { "packetin", 0x10000000 },
	{ "packetout", 0x20000000 },
};

static const char *const action_names[] = {
	NULL, "alert", "restart", "stop", "exec", "unmonitor", "start", "monitor",
};

static uint32_t
monit_event_id(const struct alert_event *ev)
{
	const char *kind = ev->kind ? ev->kind : ev->test ? alert_kind_of_test(ev->test) :
	    "invalid";

	for (size_t i = 0; i < ARRAY_SIZE(event_ids); i++)
		if (strcasecmp(kind, event_ids[i].kind) == 0)
			return event_ids[i].id;
	return 0x400;
}

static int
monit_action(const char *action)
{
	for (size_t i = 1; action != NULL && i < ARRAY_SIZE(action_names); i++)
		if (strcasecmp(action, action_names[i]) == 0)
			return (int)i;
	return 1;
}

static void
event_free(struct mm_event *x)
{
	free((char *)(uintptr_t)x->e.service);
	free((char *)(uintptr_t)x->e.message);
	free(x);
}

/* The collector took x, or it is given up: its file goes too. */
static void
event_drop(struct mmonit *mm, struct mm_event *x)
{
	if (x->on_disk && mm->m->eventqueue_dir != NULL)
		mmq_remove(mm->m->eventqueue_dir, x->seq);
	event_free(x);
}

static void
log_lost(const struct mm_event *x, const char *why)
{
	log_err("M/Monit event lost (%s): service '%s': %s", why, x->e.service,
	    x->e.message);
}

static size_t
queue_limit(const struct config *cf)
{
	if (cf->eventqueue_slots > 0 && (size_t)cf->eventqueue_slots < MMONIT_QUEUE_MAX)
		return (size_t)cf->eventqueue_slots;
	return MMONIT_QUEUE_MAX;
}

void
mmonit_event(struct monitor *m, const struct alert_event *ev)
{
	struct mmonit *mm = m->alerts != NULL ? m->alerts->mm : NULL;
	struct mm_event *x;
	struct timespec ts;

	/* reminders are mail's; access events are vigil's own */
	if (mm == NULL || ev->state == ALERT_STILL_FAILED ||
	    (ev->kind != NULL && strcmp(ev->kind, "access") == 0))
		return;
	x = xcalloc(1, sizeof(*x));
	clock_gettime(CLOCK_REALTIME, &ts);
	x->e.time_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	x->e.service = xstrdup(ev->svc != NULL ? ev->service :
	    (ev->kind != NULL && strcmp(ev->kind, "instance") == 0) ? "Monit" : ev->service);
	x->e.type = ev->svc != NULL ? monit_xml_type((unsigned)ev->svc->type) : 5;
	x->e.id = monit_event_id(ev);
	x->e.state = ev->state == ALERT_FAILED ? 1 : ev->state == ALERT_SUCCEEDED ? 0 : 2;
	x->e.action = monit_action(ev->action);
	x->e.message = xstrdup(ev->description != NULL && ev->description[0] != '\0' ?
	    ev->description : ev->event);
	x->seq = ++mm->seq;
	if (m->eventqueue_dir != NULL) {
		struct mmq_record r = { x->seq, x->e };

		/* on disk before the first try, as mail events are */
		if (mmq_store(m->eventqueue_dir, &r) == 0)
			x->on_disk = true;
		else
			log_err("event queue: cannot keep the M/Monit event of '%s' in %s: "
			    "%s (it waits in memory only)", x->e.service, m->eventqueue_dir,
			    strerror(errno));
	}
	if (mm->queued >= queue_limit(m->cf)) {
		struct mm_event *old = mm->head;

		/* the one in flight stays; the oldest after it goes */
		if (old == mm->sending)
			old = old->next;
		if (old != NULL) {
			struct mm_event **pp = &mm->head;

			while (*pp != old)
				pp = &(*pp)->next;
			*pp = old->next;
			if (mm->tail == &old->next)
				mm->tail = pp;
			mm->queued--;
			log_lost(old, "too many wait for the collector");
			event_drop(mm, old);
		}
	}
	*mm->tail = x;
	mm->tail = &x->next;
	mm->queued++;
	if (!mm->busy && !m->alerts->stopping)
		mm_next(mm);
}

/* ---- the document ---- */

static void
doc_service(const void *ctx, size_t i, struct monit_xml_service *out)
{
	struct mmonit *mm = (struct mmonit *)(uintptr_t)ctx;

	memset(&mm->svc, 0, sizeof(mm->svc));
	engine_snapshot(mm->m->engine, i, &mm->svc);
	out->name = mm->svc.name;
	out->pid = mm->svc.pid;
	out->uptime_s = mm->svc.uptime_s;
	out->fig = &mm->svc.fig;
}

/* `set httpd allow user:password` (clear text), which M/Monit uses to
 * reach back, unless `register without credentials`. */
static const struct httpd_allow *
credentials(const struct config *cf)
{
	if (cf->mmonit_no_credentials || !cf->httpd.enabled)
		return NULL;
	for (const struct httpd_allow *a = cf->httpd.allow; a; a = a->next)
		if (a->kind == ALLOW_USER && a->secret_type == SECRET_CLEARTEXT)
			return a;
	return NULL;
}

static char *
render(struct mmonit *mm, const struct monit_xml_event *ev, size_t *len)
{
	struct monitor *m = mm->m;
	const struct config *cf = m->cf;
	const struct httpd_allow *cred = credentials(cf);
	uint64_t up = (now_ms() - m->started_ms) / 1000u;
	struct monit_xml_doc d = {
		.style = MONIT_XML_COLLECTOR,
		.host = m->hostname,
		.incarnation = (uint64_t)time(NULL) - up,
		.uptime_s = (uint32_t)up,
		.poll_s = (uint32_t)cf->poll_s,
		.controlfile = m->control_path,
		.httpd_address = cf->httpd.enabled && cf->httpd.address ? cf->httpd.address : "",
		.httpd_port = cf->httpd.enabled ? (unsigned)cf->httpd.port : 0,
		.httpd_ssl = cf->httpd.enabled && cf->httpd.ssl,
		.cred_user = cred ? cred->name : NULL,
		.cred_password = cred ? cred->secret : NULL,
		.sysname = mm->uts.sysname,
		.release = mm->uts.release,
		.version = mm->uts.version,
		.machine = mm->uts.machine,
		.ncpu = mm->ncpu,
		.nservices = m->engine != NULL ? engine_nservices(m->engine) : 0,
		.service = doc_service,
		.ctx = mm,
		.event = ev,
	};
	struct obuf b;

	obuf_init(&b, MMONIT_DOC_MAX);
	monit_xml_render(&b, &d);
	if (b.failed) {
		log_err("M/Monit: the status document is larger than 16 MiB; not sent");
		obuf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

/* ---- the exchange on the event loop ---- */

static void
close_conn(struct mmonit *mm)
{
	struct ev_loop *ev = mm->m->ev;

	resolve_cancel(mm->res);
	mm->res = NULL;
	if (mm->ssl != NULL) {
		SSL_free(mm->ssl);
		mm->ssl = NULL;
	}
	if (mm->fd >= 0) {
		ev_del(ev, mm->fd);
		close(mm->fd);
		mm->fd = -1;
	}
	if (mm->tfd >= 0) {
		ev_del(ev, mm->tfd);
		close(mm->tfd);
		mm->tfd = -1;
	}
	http_post_free(&mm->hp);
}

/* The document went through (delivered) or every URL failed. */
static void
exchange_done(struct mmonit *mm, bool delivered)
{
	struct mm_event *x = mm->sending;

	close_conn(mm);
	mm->busy = false;
	mm->sending = NULL;
	if (!delivered) {
		/* status documents are not kept: the next cycle sends a newer one;
		 * events wait for the next cycle */
		mm->failing = true;
		mm->status_due = false;
		if (x != NULL && mm->m->eventqueue_dir == NULL) {
			/* Without `set eventqueue`, Monit drops what it could not
			 * send; say so. */
			mm->head = x->next;
			if (mm->tail == &x->next)
				mm->tail = &mm->head;
			mm->queued--;
			log_lost(x, "no collector took it and there is no 'set eventqueue'");
			event_free(x);
		}
		return;
	}
	if (mm->failing)
		log_info("M/Monit: %s:%d takes reports again", mm->url->host, mm->url->port);
	mm->failing = false;
	if (x != NULL) {
		mm->head = x->next;
		if (mm->tail == &x->next)
			mm->tail = &mm->head;
		mm->queued--;
		event_drop(mm, x);
	} else {
		mm->status_due = false;
	}
	mm_next(mm);
}

static void
url_failed(struct mmonit *mm, const char *why)
{
	log_warn("M/Monit %s%s:%d%s: %s", mm->url->ssl ? "https://" : "http://",
	    mm->url->host, mm->url->port, mm->url->path, why);
	close_conn(mm);
	mm->url = mm->url->next;
	if (mm->url == NULL) {
		exchange_done(mm, false);
		return;
	}
	mm_try_url(mm);
}

static void
on_timeout(int fd, uint32_t events, void *arg)
{
	struct mmonit *mm = arg;

	(void)events;
	ev_timer_ack(fd);
	url_failed(mm, "timed out");
}

static void
on_reply(struct mmonit *mm, enum http_post_event e)
{
	char why[300];

	if (e == HTTP_POST_MORE)
		return;
	if (e == HTTP_POST_FAILED) {
		url_failed(mm, mm->hp.error);
		return;
	}
	if (mm->hp.resp.status >= 300) {
		snprintf(why, sizeof(why), "the collector answered %d %s", mm->hp.resp.status,
		    mm->hp.resp.reason);
		url_failed(mm, why);
		return;
	}
	exchange_done(mm, true);
}

static void
on_io(int fd, uint32_t events, void *arg)
{
	struct mmonit *mm = arg;
	int want = 0;

	(void)events;
	ev_timer_set(mm->tfd, (uint64_t)mm->url->timeout_s * 1000u, 0);
	if (mm->phase == MM_CONNECTING) {
		int err = alert_conn_connected(fd);

		if (err != 0) {
			url_failed(mm, strerror(err));
			return;
		}
		if (mm->url->ssl) {
			mm->ssl = alert_tls_new(mm->m->cf, fd, mm->url->host);
			if (mm->ssl == NULL) {
				url_failed(mm, "cannot set up TLS");
				return;
			}
			mm->phase = MM_HANDSHAKE;
		} else {
			mm->phase = MM_HTTP;
		}
	}
	if (mm->phase == MM_HANDSHAKE) {
		const char *why = NULL;
		int r = alert_tls_handshake(mm->ssl, &want, &why);

		if (r == 0) {
			ev_mod(mm->m->ev, fd, (uint32_t)want);
			return;
		}
		if (r < 0) {
			url_failed(mm, why);
			return;
		}
		mm->phase = MM_HTTP;
	}
	while (mm->hp.outlen > 0) {
		ssize_t n = alert_conn_write(fd, mm->ssl, mm->hp.out, mm->hp.outlen, &want);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			ev_mod(mm->m->ev, fd, want ? (uint32_t)want : EPOLLOUT);
			return;
		}
		if (n < 0) {
			url_failed(mm, strerror(errno));
			return;
		}
		http_post_consumed(&mm->hp, (size_t)n);
	}
	for (;;) {
		char buf[4096];
		ssize_t n = alert_conn_read(fd, mm->ssl, buf, sizeof(buf), &want);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			ev_mod(mm->m->ev, fd, want ? (uint32_t)want : EPOLLIN);
			return;
		}
		if (n < 0) {
			url_failed(mm, strerror(errno));
			return;
		}
		if (n == 0) {
			on_reply(mm, http_post_eof(&mm->hp));
			return;
		}
		{
			enum http_post_event e = http_post_feed(&mm->hp, buf, (size_t)n);

			if (e != HTTP_POST_MORE) {
				on_reply(mm, e);
				return;
			}
		}
	}
}

/* The collector's address is known (resolve.c, off the loop's back). */
static void
on_resolved(void *arg, const struct sockaddr *addr, socklen_t len, const char *why)
{
	struct mmonit *mm = arg;
	char err[200];

	mm->res = NULL;
	if (addr == NULL) {
		url_failed(mm, why);
		return;
	}
	mm->fd = alert_conn_open(addr, len, err, sizeof(err));
	if (mm->fd < 0) {
		url_failed(mm, err);
		return;
	}
	mm->tfd = ev_timer_new(mm->m->ev, on_timeout, mm);
	if (mm->tfd < 0 || ev_add(mm->m->ev, mm->fd, EPOLLOUT, on_io, mm) < 0) {
		url_failed(mm, "event loop");
		return;
	}
	ev_timer_set(mm->tfd, (uint64_t)mm->url->timeout_s * 1000u, 0);
}

static void
mm_try_url(struct mmonit *mm)
{
	const struct mmonit_url *u = mm->url;
	char host[300];
	size_t len = 0;
	char *doc = render(mm, mm->sending ? &mm->sending->e : NULL, &len);

	if (doc == NULL) {
		exchange_done(mm, false);
		return;
	}
	snprintf(host, sizeof(host), strchr(u->host, ':') ? "[%s]:%d" : "%s:%d", u->host,
	    u->port);
	http_post_init(&mm->hp, host, u->path, u->user, u->password, "text/xml", doc, len);
	free(doc);
	mm->phase = MM_CONNECTING;
	mm->res = resolve_start(mm->m->ev, u->host, u->port, u->timeout_s * 1000, on_resolved,
	    mm);
	if (mm->res == NULL)
		url_failed(mm, "cannot resolve: the name is too long");
}

/* Start the next exchange: queued events first, in order, then the
 * cycle's status. */
static void
mm_next(struct mmonit *mm)
{
	if (mm->busy || (mm->head == NULL && !mm->status_due))
		return;
	mm->busy = true;
	mm->sending = mm->head;
	mm->url = mm->m->cf->mmonits;
	mm_try_url(mm);
}

static void
on_cycle(int fd, uint32_t events, void *arg)
{
	struct mmonit *mm = arg;

	(void)events;
	ev_timer_ack(fd);
	mm->status_due = true;
	mm_next(mm);
}

/* A record of the queue directory joins the queue, in order. */
static void
queued_event(void *arg, struct mmq_record *r)
{
	struct mmonit *mm = arg;
	struct mm_event *x = xcalloc(1, sizeof(*x));

	x->e = r->e;
	x->seq = r->seq;
	x->on_disk = true;
	*mm->tail = x;
	mm->tail = &x->next;
	mm->queued++;
}

void
mmonit_start(struct monitor *m)
{
	struct mmonit *mm;
	long n;

	if (m->cf->mmonits == NULL || m->alerts == NULL || m->ev == NULL)
		return;
	mm = xcalloc(1, sizeof(*mm));
	mm->m = m;
	mm->fd = mm->tfd = -1;
	mm->tail = &mm->head;
	if (uname(&mm->uts) < 0)
		memset(&mm->uts, 0, sizeof(mm->uts));
	n = sysconf(_SC_NPROCESSORS_ONLN);
	mm->ncpu = n > 0 ? (unsigned)n : 1;
	m->alerts->mm = mm;
	if (m->eventqueue_dir != NULL) {
		size_t nq = mmq_load(m->eventqueue_dir, &mm->seq, queued_event, mm);

		if (nq > 0)
			log_info("M/Monit: %zu event%s from the event queue, sent first", nq,
			    nq == 1 ? "" : "s");
	}
	mm->cycle_tfd = ev_timer_new(m->ev, on_cycle, mm);
	if (mm->cycle_tfd < 0) {
		log_err("M/Monit: no timer for the report cycle: %s", strerror(errno));
		return;
	}
	/* the first report at once, then every poll cycle */
	ev_timer_set(mm->cycle_tfd, 1, (uint64_t)(m->cf->poll_s > 0 ? m->cf->poll_s : 30) *
	    1000u);
	log_info("M/Monit: reporting to %s%s:%d%s%s", m->cf->mmonits->ssl ? "https://" :
	    "http://", m->cf->mmonits->host, m->cf->mmonits->port, m->cf->mmonits->path,
	    m->cf->mmonits->next ? " (and the next URLs on failure)" : "");
}

void
mmonit_stop(struct monitor *m)
{
	struct mmonit *mm = m->alerts != NULL ? m->alerts->mm : NULL;
	size_t kept = 0;

	if (mm == NULL)
		return;
	close_conn(mm);
	if (mm->cycle_tfd >= 0) {
		ev_del(m->ev, mm->cycle_tfd);
		close(mm->cycle_tfd);
	}
	while (mm->head != NULL) {
		struct mm_event *x = mm->head;

		mm->head = x->next;
		if (x->on_disk)
			kept++;
		else
			log_lost(x, "the monitor stopped before a collector took it");
		event_free(x);
	}
	if (kept > 0)
		log_info("M/Monit: %zu event%s stay%s in the event queue for the next start",
		    kept, kept == 1 ? "" : "s", kept == 1 ? "s" : "");
	free(mm);
	m->alerts->mm = NULL;
}
