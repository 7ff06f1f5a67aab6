/* Delivery on the monitor's event loop: one connection per batch, the mail
 * servers of `set mailserver` tried in order, each with a non-blocking
 * connect, implicit TLS ("using ssl|tls") or STARTTLS when offered, and
 * `with timeout` per step.  The SMTP dialogue itself is smtp.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/alert/alert.h"
#include "monitor/alert/smtp.h"

enum phase { PH_CONNECTING, PH_HANDSHAKE, PH_SMTP };

struct delivery {
	struct alerts *a;
	const struct mailserver *ms;
	int fd, tfd;
	SSL *ssl;
	enum phase phase;
	bool starttls;			/* the handshake is STARTTLS's */
	struct smtp_client sm;
	struct alert_item *it;		/* the mail in flight */
	struct alert_mail *mail;
	char where[300];
};

static SSL_CTX *mail_ctx;

static bool
option_on(const struct config *cf, const char *name)
{
	for (const struct config_option *o = cf->ssl_options; o; o = o->next)
		if (strcasecmp(o->name, name) == 0)
			return strcasecmp(o->value, "enable") == 0 ||
			    strcasecmp(o->value, "allow") == 0 ||
			    strcasecmp(o->value, "true") == 0 ||
			    strcasecmp(o->value, "yes") == 0;
	return false;
}

/* `set ssl { selfsigned: allow }`: a self-signed server certificate passes
 * verification (its name is still checked). */
static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	int err = X509_STORE_CTX_get_error(x);

	if (!ok && (err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	    err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN))
		return 1;
	return ok;
}

static SSL_CTX *
tls_ctx(const struct config *cf)
{
	if (mail_ctx != NULL)
		return mail_ctx;
	mail_ctx = SSL_CTX_new(TLS_client_method());
	if (mail_ctx == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(mail_ctx, TLS1_2_VERSION);
	if (option_on(cf, "verify")) {
		SSL_CTX_set_default_verify_paths(mail_ctx);
		SSL_CTX_set_verify(mail_ctx, SSL_VERIFY_PEER,
		    option_on(cf, "selfsigned") ? verify_cb : NULL);
	} else {
		/* Monit's default: encrypt, do not verify (`set ssl { verify:
		 * enable }` turns it on). */
		SSL_CTX_set_verify(mail_ctx, SSL_VERIFY_NONE, NULL);
	}
	return mail_ctx;
}

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
	SSL_CTX *ctx = tls_ctx(d->a->m->cf);
	const char *h = d->ms->host;
	unsigned char tmp[16];

	d->ssl = ctx ? SSL_new(ctx) : NULL;
	if (d->ssl == NULL || SSL_set_fd(d->ssl, d->fd) != 1)
		return false;
	if (inet_pton(AF_INET, h, tmp) != 1 && inet_pton(AF_INET6, h, tmp) != 1) {
		SSL_set_tlsext_host_name(d->ssl, (char *)(uintptr_t)h);
		if (option_on(d->a->m->cf, "verify"))
			SSL_set1_host(d->ssl, h);
	} else if (option_on(d->a->m->cf, "verify")) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(d->ssl), h);
	}
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

static ssize_t
conn_write(struct delivery *d, const void *buf, size_t len, int *want)
{
	int n, err;

	*want = 0;
	if (d->ssl == NULL)
		return send(d->fd, buf, len, MSG_NOSIGNAL);
	ERR_clear_error();
	n = SSL_write(d->ssl, buf, (int)(len > 65536 ? 65536 : len));
	if (n > 0)
		return n;
	err = SSL_get_error(d->ssl, n);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		*want = err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
		errno = EAGAIN;
		return -1;
	}
	errno = EPROTO;
	return -1;
}

static ssize_t
conn_read(struct delivery *d, void *buf, size_t len, int *want)
{
	int n, err;

	*want = 0;
	if (d->ssl == NULL)
		return recv(d->fd, buf, len, 0);
	ERR_clear_error();
	n = SSL_read(d->ssl, buf, (int)len);
	if (n > 0)
		return n;
	err = SSL_get_error(d->ssl, n);
	if (err == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		*want = err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
		errno = EAGAIN;
		return -1;
	}
	if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		return 0;
	errno = EPROTO;
	return -1;
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
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
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
		int r, e;

		ERR_clear_error();
		r = SSL_connect(d->ssl);
		if (r != 1) {
			e = SSL_get_error(d->ssl, r);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				ev_mod(d->a->m->ev, fd, e == SSL_ERROR_WANT_READ ?
				    EPOLLIN : EPOLLOUT);
				return;
			}
			server_failed(d, SSL_get_verify_result(d->ssl) != X509_V_OK ?
			    "TLS certificate not trusted (set ssl { verify, "
			    "selfsigned } decide)" : "TLS handshake failed");
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
		ssize_t n = conn_write(d, d->sm.out, d->sm.outlen, &want);

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
		ssize_t n = conn_read(d, buf, sizeof(buf) - d->sm.inlen, &want);

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

static void
try_server(struct delivery *d)
{
	const struct mailserver *ms = d->ms;
	struct addrinfo hints, *res = NULL;
	char port[16];
	int rc;

	snprintf(d->where, sizeof(d->where), "%s:%d", ms->host, ms->port);
	smtp_init(&d->sm, d->a->m->cf->mail_hostname ? d->a->m->cf->mail_hostname :
	    d->a->m->hostname, ms->username, ms->password, ms->ssl, true);
	d->phase = PH_CONNECTING;
	d->starttls = false;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", ms->port);
	rc = getaddrinfo(ms->host, port, &hints, &res);
	if (rc != 0 || res == NULL) {
		char why[200];

		snprintf(why, sizeof(why), "cannot resolve: %s", gai_strerror(rc));
		if (res)
			freeaddrinfo(res);
		server_failed(d, why);
		return;
	}
	d->fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0 || (connect(d->fd, res->ai_addr, res->ai_addrlen) < 0 &&
	    errno != EINPROGRESS)) {
		char why[200];

		snprintf(why, sizeof(why), "cannot connect: %s", strerror(errno));
		freeaddrinfo(res);
		server_failed(d, why);
		return;
	}
	freeaddrinfo(res);
	d->tfd = ev_timer_new(d->a->m->ev, on_timeout, d);
	if (d->tfd < 0 || ev_add(d->a->m->ev, d->fd, EPOLLOUT, on_io, d) < 0) {
		server_failed(d, "event loop");
		return;
	}
	rearm(d);
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
