/* The alert room's state: events become mails (one per recipient, rendered
 * at once so $DATE is the event's), are written to the event queue first
 * when there is one, and wait in event order for deliver.c. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/alert/alert.h"

#define MAX_RECIPIENTS	64
#define RETRY_MIN_MS	2000
#define RETRY_MAX_MS	30000
/* Alerts held in memory at most (those of the queue directory included):
 * a flapping service with the mail server down must not eat the memory. */
#define MEMORY_MAX	10000

static struct alerts *
alerts_of(struct monitor *m)
{
	if (m->alerts == NULL) {
		struct alerts *a = xcalloc(1, sizeof(*a));

		a->m = m;
		a->tail = &a->head;
		a->retry_tfd = -1;
		m->alerts = a;
	}
	return m->alerts;
}

bool
alert_item_pending(const struct alert_item *it)
{
	for (size_t i = 0; i < it->nmails; i++)
		if (!it->mails[i].done)
			return true;
	return false;
}

static void
unlink_item(struct alerts *a, struct alert_item *it)
{
	struct alert_item **pp;

	for (pp = &a->head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == it) {
			*pp = it->next;
			break;
		}
	a->tail = &a->head;
	while (*a->tail != NULL)
		a->tail = &(*a->tail)->next;
	a->count--;
	if (it->on_disk)
		a->on_disk--;
}

void
alert_item_finish(struct alerts *a, struct alert_item *it)
{
	if (it->on_disk && a->m->eventqueue_dir != NULL)
		eventq_remove(a->m->eventqueue_dir, it);
	unlink_item(a, it);
	alert_item_free(it);
}

static void
retry_cb(int fd, uint32_t events, void *arg)
{
	struct alerts *a = arg;

	(void)events;
	ev_timer_ack(fd);
	deliver_kick(a);
}

static void
schedule_retry(struct alerts *a)
{
	if (a->m->ev == NULL)
		return;
	if (a->retry_tfd < 0)
		a->retry_tfd = ev_timer_new(a->m->ev, retry_cb, a);
	if (a->retry_tfd < 0)
		return;		/* the next event retries */
	a->retry_ms = a->retry_ms == 0 ? RETRY_MIN_MS : a->retry_ms * 2;
	if (a->retry_ms > RETRY_MAX_MS)
		a->retry_ms = RETRY_MAX_MS;
	ev_timer_set(a->retry_tfd, a->retry_ms, 0);
}

void
alert_batch_done(struct alerts *a, bool all_failed, const char *why)
{
	const char *dir = a->m->eventqueue_dir;
	struct alert_item *it, *next;
	bool untried = false, kept = false;

	for (it = a->head; it != NULL; it = next) {
		next = it->next;
		if (!alert_item_pending(it)) {
			alert_item_finish(a, it);
			continue;
		}
		if (!all_failed && it->batch != a->batch) {
			untried = true;		/* came while the batch ran */
			continue;
		}
		if (it->on_disk) {
			/* Keep it; forget the mails already delivered. */
			size_t before = 0;

			for (size_t i = 0; i < it->nmails; i++)
				before += it->mails[i].done;
			if (before > 0 && dir != NULL && eventq_store(dir, it) < 0)
				log_err("event queue: cannot rewrite event %llu: %s",
				    (unsigned long long)it->seq, strerror(errno));
			kept = true;
			continue;
		}
		for (size_t i = 0; i < it->nmails; i++)
			if (!it->mails[i].done)
				log_err("alert lost: service '%s': %s, to %s: %s%s",
				    it->service, it->event, it->mails[i].to,
				    why ? why : "the mail server deferred it",
				    dir ? " (and the event queue could not hold it)" :
				    " (no 'set eventqueue' to keep it)");
		alert_item_finish(a, it);
	}
	if (untried) {
		deliver_kick(a);
		return;
	}
	if (kept) {
		if (all_failed)
			log_warn("event queue: %zu alert%s wait for a mail server "
			    "(next try in %llu s)", a->count, a->count == 1 ? "" : "s",
			    (unsigned long long)((a->retry_ms ? a->retry_ms * 2 :
			    RETRY_MIN_MS) > RETRY_MAX_MS ? RETRY_MAX_MS :
			    (a->retry_ms ? a->retry_ms * 2 : RETRY_MIN_MS)) / 1000);
		schedule_retry(a);
	} else {
		a->retry_ms = 0;
	}
}

static uint64_t
next_seq(struct alerts *a)
{
	struct timespec ts;
	uint64_t s;

	/* wall-clock microseconds: names a person can read as dates; never
	 * below a sequence already used, whatever the clock does */
	clock_gettime(CLOCK_REALTIME, &ts);
	s = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;

	if (s <= a->last_seq)
		s = a->last_seq + 1;
	a->last_seq = s;
	return s;
}

static void
log_dropped(const struct alert_item *it, const char *why)
{
	log_err("alert for service '%s' (%s) %s", it->service, it->event, why);
}

void
monitor_alert(struct monitor *m, const struct alert_event *ev)
{
	const struct alert_recipient *r[MAX_RECIPIENTS];
	struct config *cf = m->cf;
	struct alerts *a;
	struct alert_item *it;
	struct mail_vars v;
	size_t n;

	/* Nothing is sent before alert_start(): a monitor that is not the
	 * daemon (the engine's tests) never talks to a mail server. */
	a = m->alerts;
	if (cf == NULL || a == NULL)
		return;
	mmonit_event(m, ev);
	n = alert_recipients(cf, ev, r, MAX_RECIPIENTS);
	if (n == 0)
		return;
	if (cf->mailservers == NULL) {
		static bool said;

		if (!said)
			log_warn("alerts are not mailed: no 'set mailserver' (the first "
			    "was service '%s': %s)", ev->service, ev->event);
		said = true;
		return;
	}
	if (a->count >= MEMORY_MAX) {
		log_err("alert for service '%s' (%s) dropped: %d alerts already wait "
		    "for the mail server", ev->service, ev->event, MEMORY_MAX);
		return;
	}
	it = xcalloc(1, sizeof(*it));
	it->seq = next_seq(a);
	it->time = (uint64_t)time(NULL);
	it->service = xstrdup(ev->service);
	it->event = xstrdup(ev->event);
	it->mails = xcalloc(n, sizeof(*it->mails));
	it->nmails = n;
	memset(&v, 0, sizeof(v));
	v.service = ev->service;
	v.event = ev->event;
	v.action = ev->action ? ev->action : "alert";
	v.description = ev->description ? ev->description : "";
	v.host = m->hostname[0] ? m->hostname : "localhost";
	v.date = (time_t)it->time;
	for (size_t i = 0; i < n; i++) {
		char from[256];
		struct alert_mail *mail = &it->mails[i];

		mail->to = xstrdup(r[i]->address);
		mail->msg = mail_compose(&v, r[i]->mail_format, cf->mail_format,
		    mail->to, it->seq, from, sizeof(from), &mail->msglen);
		mail->from = xstrdup(from);
	}
	/* The queue first: what is on disk survives a crash of the monitor. */
	if (a->m->eventqueue_dir != NULL) {
		if (cf->eventqueue_slots > 0 && a->on_disk >= (size_t)cf->eventqueue_slots)
			log_dropped(it, "not queued: the event queue is full "
			    "(slots); it is mailed now or lost");
		else if (eventq_store(a->m->eventqueue_dir, it) < 0)
			log_err("event queue: cannot write event for service '%s' "
			    "(%s) in %s: %s", it->service, it->event,
			    a->m->eventqueue_dir, strerror(errno));
		else {
			it->on_disk = true;
			a->on_disk++;
		}
	}
	*a->tail = it;
	a->tail = &it->next;
	a->count++;
	if (!a->stopping)
		deliver_kick(a);
}

void
monitor_access(struct monitor *m, const char *service, const char *action,
    bool refused, const char *fmt, ...)
{
	char desc[512];
	va_list ap;
	struct alert_event ev = {
		.kind = "access",
		.state = refused ? ALERT_FAILED : ALERT_CHANGED,
		.event = refused ? "Access refused" : "Access",
		.action = action,
		.description = desc,
	};

	if (m->cf == NULL || m->alerts == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ev.svc = service ? config_find_service(m->cf, service) : NULL;
	ev.service = ev.svc ? ev.svc->name : m->hostname;
	monitor_alert(m, &ev);
}

bool
alert_check_queue_dir(const struct config *cf, const char *dir, FILE *out)
{
	char why[PATH_MAX + 200];

	if (dir == NULL)
		return true;
	/* Missing: the daemon makes it at start (core_eventqueue_prepare);
	 * core_paths_check says when it cannot. */
	if (out != NULL && access(dir, F_OK) < 0 && errno == ENOENT)
		return true;
	if (eventq_dir_problem(dir, geteuid(), why, sizeof(why)) == NULL)
		return true;
	if (out != NULL)
		fprintf(out, "warning: %s: undeliverable alerts will be lost; fix: "
		    "install -d -o %s -m 0700 %s\n", why, cf->monitor_user ?
		    cf->monitor_user : "_vigil", dir);
	else
		log_err("%s: undeliverable alerts will be lost; fix: install -d -o "
		    "%s -m 0700 %s", why, cf->monitor_user ? cf->monitor_user :
		    "_vigil", dir);
	return false;
}

/* "Monit instance changed": the monitor (re)started, on the system
 * service when there is one, so `noalert` there silences it. */
static void
instance_event(struct monitor *m, bool started)
{
	const struct service *sys = NULL;
	char desc[320];
	struct alert_event ev = {
		.kind = "instance",
		.state = ALERT_CHANGED,
		.event = "Monit instance changed",
		.action = started ? "start" : "stop",
		.description = desc,
	};

	for (const struct service *s = m->cf->services; s; s = s->next)
		if (s->type == SVC_SYSTEM) {
			sys = s;
			break;
		}
	ev.svc = sys;
	ev.service = sys ? sys->name : m->hostname;
	snprintf(desc, sizeof(desc), "vigil %s on %s", started ? "started" :
	    "stopped", m->hostname);
	monitor_alert(m, &ev);
}

void
alert_start(struct monitor *m)
{
	struct config *cf = m->cf;
	struct alerts *a;
	struct alert_item *list, *it;
	uint64_t maxseq = 0;
	size_t count = 0;

	if (cf == NULL)
		return;
	a = alerts_of(m);
	mmonit_start(m);
	if (m->eventqueue_dir == NULL ||
	    !alert_check_queue_dir(cf, m->eventqueue_dir, NULL)) {
		instance_event(m, true);
		return;
	}
	list = eventq_load(m->eventqueue_dir, &maxseq, &count);
	if (maxseq > a->last_seq)
		a->last_seq = maxseq;
	if (count > 0)
		log_info("event queue: %zu alert%s waiting in %s", count,
		    count == 1 ? "" : "s", m->eventqueue_dir);
	/* Queued events happened before anything raised since: they go first. */
	for (it = list; it && it->next; it = it->next)
		;
	if (it != NULL) {
		it->next = a->head;
		if (a->head == NULL)
			a->tail = &it->next;
		a->head = list;
		a->count += count;
		a->on_disk += count;
	}
	if (cf->mailservers == NULL && count > 0)
		log_warn("event queue: alerts wait in %s but no 'set mailserver' is "
		    "configured", m->eventqueue_dir);
	instance_event(m, true);	/* after what the queue held */
	deliver_kick(a);
}

void
alert_stop(struct monitor *m)
{
	struct alerts *a = m->alerts;
	struct alert_item *it, *next;

	if (a == NULL)
		return;
	/* The "stopped" mail can only wait on disk: it goes out first at the
	 * next start.  Without a queue there is no time left to send it. */
	if (m->eventqueue_dir != NULL && m->cf->mailservers != NULL &&
	    alert_check_queue_dir(m->cf, m->eventqueue_dir, NULL)) {
		a->stopping = true;
		instance_event(m, false);
	}
	deliver_cancel(a);
	mmonit_stop(m);
	for (it = a->head; it; it = next) {
		next = it->next;
		if (!it->on_disk)
			for (size_t i = 0; i < it->nmails; i++)
				if (!it->mails[i].done)
					log_err("alert lost at shut-down: service '%s': %s, "
					    "to %s", it->service, it->event, it->mails[i].to);
		alert_item_free(it);
	}
	if (a->retry_tfd >= 0) {
		ev_del(m->ev, a->retry_tfd);
		close(a->retry_tfd);
	}
	free(a);
	m->alerts = NULL;
}
