/* Delivery on the monitor's event loop: one connection per batch, the mail
 * servers of `set mailserver` tried in order, each with a non-blocking
 * connect, implicit TLS ("using ssl|tls") or STARTTLS when offered, and
 * `with timeout` per step.  The SMTP dialogue itself is smtp.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/alert/alert.h"
#include "monitor/alert/conn.h"
#include "monitor/alert/resolve.h"
#include "monitor/alert/smtp.h"

enum phase { PH_CONNECTING, PH_HANDSHAKE, PH_SMTP };

struct delivery {
	struct alerts *a;
	const struct mailserver *ms;
	int fd, tfd;
	struct resolve *res;		/* the server's name being resolved */
	SSL *ssl;
	enum phase phase;
	bool starttls;			/* the handshake is STARTTLS's */
	struct smtp_client sm;
	struct alert_item *it;		/* the mail in flight */
	struct alert_mail *mail;
	char where[300];
};

static void close_conn(struct delivery *d);
static void try_server(struct delivery *d);
static void next_mail(struct delivery *d);
static void flush(struct delivery *d);

static int
timeout_ms(const struct delivery *d)
{
	int s = d->a->m->cf->mail_timeout_s;

	return (s > 0 ? s : 5) * 1000;
}

static void
finish(struct delivery *d, bool all_failed, const char *why)
{
	struct alerts *a = d->a;
	char reason[512];

	/* WHY may point into D (the server's reply): keep a copy first.
	 * Found by make asan-integration (heap-use-after-free in alert.bats). */
	if (why != NULL)
		(void)snprintf(reason, sizeof(reason), "%s", why);
	close_conn(d);
	smtp_free(&d->sm);
	a->d = NULL;
	free(d);
	alert_batch_done(a, all_failed, why != NULL ? reason : NULL);
}

static void
server_failed(struct delivery *d, const char *why)
{
	log_warn("mail server %s: %s", d->where, why);
	close_conn(d);
	smtp_free(&d->sm);
	/* What was tried on this server is offered to the next. */
	for (struct alert_item *it = d->a->head; it; it = it->next)
		for (size_t i = 0; i < it->nmails; i++)
			if (!it->mails[i].done)
				it->mails[i].tried_batch = 0;
	d->mail = NULL;
	d->it = NULL;
	d->ms = d->ms->next;
	if (d->ms == NULL) {
		finish(d, true, why);
		return;
	}
	try_server(d);
}

static void
close_conn(struct delivery *d)
{
	struct ev_loop *ev = d->a->m->ev;

	resolve_cancel(d->res);
	d->res = NULL;
	if (d->ssl != NULL) {
		SSL_free(d->ssl);
		d->ssl = NULL;
	}
	if (d->fd >= 0) {
		ev_del(ev, d->fd);
		close(d->fd);
		d->fd = -1;
	}
	if (d->tfd >= 0) {
		ev_del(ev, d->tfd);
		close(d->tfd);
		d->tfd = -1;
	}
}

static void
on_timeout(int fd, uint32_t events, void *arg)
{
	struct delivery *d = arg;

	(void)events;
	ev_timer_ack(fd);
	server_failed(d, "timed out");
}

static void
rearm(struct delivery *d)
{
	ev_timer_set(d->tfd, (uint64_t)timeout_ms(d), 0);
}

static bool
tls_begin(struct delivery *d)
{
	d->ssl = alert_tls_new(d->a->m->cf, d->fd, d->ms->host);
	if (d->ssl == NULL)
		return false;
	d->phase = PH_HANDSHAKE;
	return true;
}

static void
handle(struct delivery *d, enum smtp_event e)
{
	struct alert_item *it = d->it;
	struct alert_mail *m = d->mail;

	switch (e) {
	case SMTP_EV_NONE:
		break;
	case SMTP_EV_STARTTLS:
		d->starttls = true;
		if (!tls_begin(d)) {
			server_failed(d, "cannot set up TLS for STARTTLS");
			return;
		}
		ev_mod(d->a->m->ev, d->fd, EPOLLOUT);
		return;
	case SMTP_EV_READY:
		next_mail(d);
		return;
	case SMTP_EV_SENT:
		m->done = true;
		log_info("alert mailed to %s via %s (service '%s': %s)", m->to,
		    d->where, it->service, it->event);
		d->mail = NULL;
		d->it = NULL;
		if (!alert_item_pending(it))
			alert_item_finish(d->a, it);
		next_mail(d);
		return;
	case SMTP_EV_REJECTED:
		if (d->sm.reply_code >= 500) {
			m->done = true;
			log_err("mail server %s refused the alert to %s (service '%s': "
			    "%s): %d %s; dropped", d->where, m->to, it->service,
			    it->event, d->sm.reply_code, d->sm.reply_text);
		} else {
			log_warn("mail server %s deferred the alert to %s (service "
			    "'%s': %s): %d %s", d->where, m->to, it->service, it->event,
			    d->sm.reply_code, d->sm.reply_text);
		}
		d->mail = NULL;
		d->it = NULL;
		if (!alert_item_pending(it))
			alert_item_finish(d->a, it);
		next_mail(d);
		return;
	case SMTP_EV_CLOSED:
		finish(d, false, NULL);
		return;
	case SMTP_EV_FAILED:
		server_failed(d, d->sm.error);
		return;
	}
	flush(d);
}

/* Send what the session has to say, then wait for the answer. */
static void
flush(struct delivery *d)
{
	ev_mod(d->a->m->ev, d->fd, d->sm.outlen > 0 ? EPOLLOUT : EPOLLIN);
}

static void
next_mail(struct delivery *d)
{
	struct alerts *a = d->a;

	for (struct alert_item *it = a->head; it; it = it->next)
		for (size_t i = 0; i < it->nmails; i++) {
			struct alert_mail *m = &it->mails[i];

			if (m->done || m->tried_batch == a->batch)
				continue;
			it->batch = a->batch;
			m->tried_batch = a->batch;
			if (!smtp_send_mail(&d->sm, m->from, m->to, m->msg,
			    m->msglen)) {
				log_err("alert to '%.80s' (service '%s': %s) dropped: not "
				    "a usable mail address", m->to, it->service, it->event);
				m->done = true;
				if (!alert_item_pending(it)) {
					alert_item_finish(a, it);
					next_mail(d);
					return;
				}
				continue;
			}
			d->it = it;
			d->mail = m;
			flush(d);
			return;
		}
	smtp_quit(&d->sm);
	flush(d);
}

static void
on_io(int fd, uint32_t events, void *arg)
{
	struct delivery *d = arg;
	struct alerts *a = d->a;
	uint64_t batch = a->batch;
	int want;

	rearm(d);
	if (d->phase == PH_CONNECTING) {
		int err = alert_conn_connected(fd);

		if (err != 0) {
			server_failed(d, strerror(err));
			return;
		}
		if (d->ms->ssl) {
			if (!tls_begin(d)) {
				server_failed(d, "cannot set up TLS");
				return;
			}
		} else {
			d->phase = PH_SMTP;
			ev_mod(d->a->m->ev, fd, EPOLLIN);
			return;
		}
	}
	if (d->phase == PH_HANDSHAKE) {
		const char *why = NULL;
		int r = alert_tls_handshake(d->ssl, &want, &why);

		if (r == 0) {
			ev_mod(d->a->m->ev, fd, (uint32_t)want);
			return;
		}
		if (r < 0) {
			server_failed(d, why);
			return;
		}
		d->phase = PH_SMTP;
		if (d->starttls) {
			smtp_tls_started(&d->sm);
			flush(d);
		} else {
			ev_mod(d->a->m->ev, fd, EPOLLIN);
		}
		return;
	}
	if (d->sm.outlen > 0) {
		ssize_t n = alert_conn_write(d->fd, d->ssl, d->sm.out, d->sm.outlen, &want);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (want)
				ev_mod(d->a->m->ev, fd, (uint32_t)want);
			return;
		}
		if (n < 0) {
			server_failed(d, strerror(errno));
			return;
		}
		smtp_consumed(&d->sm, (size_t)n);
		flush(d);
		return;
	}
	(void)events;
	for (;;) {
		char buf[SMTP_IN_MAX];
		ssize_t n = alert_conn_read(d->fd, d->ssl, buf, sizeof(buf) - d->sm.inlen, &want);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (want)
				ev_mod(d->a->m->ev, fd, (uint32_t)want);
			return;
		}
		if (n < 0) {
			server_failed(d, strerror(errno));
			return;
		}
		if (n == 0) {
			handle(d, smtp_eof(&d->sm));
			return;
		}
		handle(d, smtp_feed(&d->sm, buf, (size_t)n));
		/* TLS may hold decrypted bytes epoll does not see. */
		if (a->d != d || a->batch != batch || d->ssl == NULL || d->phase != PH_SMTP ||
		    SSL_pending(d->ssl) == 0 || d->sm.outlen > 0)
			return;
	}
}

/* The server's address is known (resolve.c, off the loop's back). */
static void
on_resolved(void *arg, const struct sockaddr *addr, socklen_t len, const char *why)
{
	struct delivery *d = arg;
	char err[200];

	d->res = NULL;
	if (addr == NULL) {
		server_failed(d, why);
		return;
	}
	d->fd = alert_conn_open(addr, len, err, sizeof(err));
	if (d->fd < 0) {
		server_failed(d, err);
		return;
	}
	d->tfd = ev_timer_new(d->a->m->ev, on_timeout, d);
	if (d->tfd < 0 || ev_add(d->a->m->ev, d->fd, EPOLLOUT, on_io, d) < 0) {
		server_failed(d, "event loop");
		return;
	}
	rearm(d);
}

static void
try_server(struct delivery *d)
{
	const struct mailserver *ms = d->ms;

	snprintf(d->where, sizeof(d->where), "%s:%d", ms->host, ms->port);
	smtp_init(&d->sm, d->a->m->cf->mail_hostname ? d->a->m->cf->mail_hostname :
	    d->a->m->hostname, ms->username, ms->password, ms->ssl, true);
	d->phase = PH_CONNECTING;
	d->starttls = false;
	d->res = resolve_start(d->a->m->ev, ms->host, ms->port, timeout_ms(d), on_resolved, d);
	if (d->res == NULL)
		server_failed(d, "cannot resolve: the name is too long");
}

void
deliver_kick(struct alerts *a)
{
	struct delivery *d;

	if (a->d != NULL || a->head == NULL || a->m->ev == NULL ||
	    a->m->cf->mailservers == NULL)
		return;
	d = xcalloc(1, sizeof(*d));
	d->a = a;
	d->fd = d->tfd = -1;
	d->ms = a->m->cf->mailservers;
	a->d = d;
	a->batch++;
	try_server(d);
}

void
deliver_cancel(struct alerts *a)
{
	struct delivery *d = a->d;

	if (d == NULL)
		return;
	close_conn(d);
	smtp_free(&d->sm);
	free(d);
	a->d = NULL;
}
