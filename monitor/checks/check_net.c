/* Connection tests: the one connection driver.  A non-blocking connect
 * with its own timer, TLS (at connect or after a module's STARTTLS), the
 * certificate checks, then the protocol module (netproto.h) fed with what
 * arrives until it gives a verdict; "retry N" reconnects within the cycle.
 * Names were resolved once in engine_new; nothing here blocks, so every
 * check of a cycle runs at the same time. */
#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <ctype.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"
#include "monitor/checks/netproto.h"
#include "monitor/checks/net_addrs.h"
#include "monitor/checks/net_tls.h"

#define NET_RBUF 4096

enum nc_state { NC_CONNECTING, NC_HANDSHAKE, NC_SENDING, NC_RECEIVING,
	NC_UDP_WAIT };

struct netcheck {
	struct svc *s;
	struct test_state *ts;
	uint64_t started_us;		/* this attempt's connect */
	int fd, tfd;
	enum nc_state state;
	const struct proto_module *mod;	/* NULL: connect (and UDP) only */
	struct proto_ctx ctx;
	unsigned char *in;		/* received, not yet consumed */
	size_t inlen, incap;
	bool eof;
	size_t outoff;
	int attempt;			/* 0, then 1..retry */
	SSL *ssl;		/* TLS ("type tcpssl", "ssl", STARTTLS), else NULL */
	char hostname[256];
	struct ssl_policy tls_policy;	/* set ssl + the test's ssl { } */
	struct tls_verdict verdict;	/* what verification found */
	struct sockaddr_storage hostaddr;	/* a host service's address */
	socklen_t hostaddrlen;
	bool hostaddr_set;
	struct sockaddr_storage home;	/* where each attempt starts */
	socklen_t homelen;
	bool home_set;
	char tls_error[128];		/* OpenSSL's words for the last EPROTO */
};

/* errno EPROTO, with what OpenSSL said kept for the reason. */
static void
nc_tls_failed(struct netcheck *nc)
{
	unsigned long e = ERR_peek_last_error();

	snprintf(nc->tls_error, sizeof(nc->tls_error), "TLS: %s",
	    e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "error" :
	    "connection broken");
	errno = EPROTO;
}

/* Why a send or receive failed, in words. */
static const char *
nc_io_error(const struct netcheck *nc, int err)
{
	if (err == EPROTO && nc->tls_error[0])
		return nc->tls_error;
	return err == ECONNREFUSED ? "connection refused" : strerror(err);
}

/* send/recv through TLS when there is a session; -1 with EAGAIN when the
 * session needs the other direction first (epoll interest is switched). */
static ssize_t
nc_write(struct netcheck *nc, const void *buf, size_t len)
{
	int n, err;

	if (nc->ssl == NULL)
		return send(nc->fd, buf, len, MSG_NOSIGNAL);
	ERR_clear_error();
	n = SSL_write(nc->ssl, buf, (int)(len > 65536 ? 65536 : len));
	if (n > 0)
		return n;
	err = SSL_get_error(nc->ssl, n);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		ev_mod(nc->s->e->m->ev, nc->fd, err == SSL_ERROR_WANT_READ ? EPOLLIN :
		    EPOLLOUT);
		errno = EAGAIN;
		return -1;
	}
	nc_tls_failed(nc);
	return -1;
}

static ssize_t
nc_read(struct netcheck *nc, void *buf, size_t len)
{
	int n, err;

	if (nc->ssl == NULL)
		return recv(nc->fd, buf, len, 0);
	ERR_clear_error();
	n = SSL_read(nc->ssl, buf, (int)(len > 65536 ? 65536 : len));
	if (n > 0)
		return n;
	err = SSL_get_error(nc->ssl, n);
	if (err == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		ev_mod(nc->s->e->m->ev, nc->fd, err == SSL_ERROR_WANT_READ ? EPOLLIN :
		    EPOLLOUT);
		errno = EAGAIN;
		return -1;
	}
	if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		return 0;	/* peer closed without close_notify */
	nc_tls_failed(nc);
	return -1;
}

bool
net_resolve(const char *host, int port, int ipversion, int socktype,
    struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res = NULL;
	char portstr[16];
	int rc;

	memset(ss, 0, sizeof(*ss));
	if (port < 0) {		/* a unix socket path */
		struct sockaddr_un *su = (struct sockaddr_un *)ss;

		if (strlen(host) >= sizeof(su->sun_path))
			return false;
		su->sun_family = AF_UNIX;
		strlcpy_v(su->sun_path, host, sizeof(su->sun_path));
		*len = sizeof(*su);
		return true;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = ipversion == 4 ? AF_INET : ipversion == 6 ? AF_INET6 :
	    AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
		rc = getaddrinfo(host, portstr, &hints, &res);
		if (rc == 0 && res != NULL)	/* a name: keep all its addresses */
			net_addrs_remember(host, ipversion, socktype, res);
	}
	if (rc != 0 || res == NULL)
		return false;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return false;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* Close the socket, the TLS session and the timer of one attempt. */
static void
nc_close(struct netcheck *nc)
{
	if (nc->ssl != NULL)
		SSL_free(nc->ssl);
	nc->ssl = NULL;
	if (nc->fd >= 0) {
		ev_del(nc->s->e->m->ev, nc->fd);
		close(nc->fd);
	}
	nc->fd = -1;
	if (nc->tfd >= 0) {
		ev_del(nc->s->e->m->ev, nc->tfd);
		close(nc->tfd);
	}
	nc->tfd = -1;
}

void
netcheck_cancel(struct test_state *ts)
{
	struct netcheck *nc = ts->nc;

	if (nc == NULL)
		return;
	nc_close(nc);
	free(nc->in);
	free(nc);
	ts->nc = NULL;
}

static const char *
nc_target(const struct test_state *ts, char *buf, size_t len)
{
	const struct connection *c = ts->t->conn;

	if (c->unix_path != NULL)
		snprintf(buf, len, "unix socket %s", c->unix_path);
	else
		snprintf(buf, len, "%s:%d", c->host ? c->host :
		    ts->svc->cf->address ? ts->svc->cf->address : "localhost", c->port);
	return buf;
}

static bool nc_attempt(struct netcheck *nc);

static void
nc_finish(struct netcheck *nc, bool failed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The verdict of one attempt: a failure with retries left starts the next
 * attempt; otherwise the result goes to the engine. */
static void
nc_finish(struct netcheck *nc, bool failed, const char *fmt, ...)
{
	struct svc *s = nc->s;
	struct test_state *ts = nc->ts;
	const struct connection *c = ts->t->conn;
	char desc[512], where[300];
	va_list ap;
	int n;

	nc_target(ts, where, sizeof(where));
	n = snprintf(desc, sizeof(desc), "%s: ", where);
	va_start(ap, fmt);
	vsnprintf(desc + n, sizeof(desc) - (size_t)n, fmt, ap);
	va_end(ap);
	if (failed && nc->attempt < c->retry) {
		nc->attempt++;
		nc_close(nc);
		/* a retry starts again at the name's first address */
		nc->hostaddr_set = nc->home_set;
		if (nc->home_set) {
			memcpy(&nc->hostaddr, &nc->home, sizeof(nc->hostaddr));
			nc->hostaddrlen = nc->homelen;
		}
		log_debug("%s (attempt %d of %d, retrying)", desc, nc->attempt, c->retry + 1);
		if (nc_attempt(nc))
			return;
		return;		/* nc_attempt reported its own failure */
	}
	if (nc->attempt > 0) {
		size_t l = strlen(desc);

		snprintf(desc + l, sizeof(desc) - l, " (attempt %d of %d)", nc->attempt + 1,
		    c->retry + 1);
	}
	if (!failed)
		ts->response_us = now_us() - nc->started_us;	/* for the graphs */
	netcheck_cancel(ts);
	svc_test_result(s, ts, failed, true, "%s", desc);
}

static bool
nc_wants_tls_at_connect(const struct netcheck *nc)
{
	const struct connection *c = nc->ts->t->conn;

	if (!(c->type == CONN_TCPSSL || c->ssl) || c->type == CONN_UDP)
		return false;
	/* the mail protocols on their plain ports: the module asks for TLS */
	return !proto_wants_starttls(c);
}

static void
tls_sni(struct netcheck *nc)
{
	const struct connection *c = nc->ts->t->conn;
	const char *h = c->hostheader ? c->hostheader : c->host ? c->host :
	    nc->s->cf->address;
	unsigned char tmp[16];
	char name[256];

	/* SNI carries names, never addresses (a copy: OpenSSL's macro casts
	 * away const) */
	if (h != NULL && inet_pton(AF_INET, h, tmp) != 1 &&
	    inet_pton(AF_INET6, h, tmp) != 1 && strlen(h) < sizeof(name)) {
		strlcpy_v(name, h, sizeof(name));
		SSL_set_tlsext_host_name(nc->ssl, name);
	}
}

static void nc_drive(struct netcheck *nc);
static void nc_io(int fd, uint32_t events, void *arg);

static bool
nc_tls_begin(struct netcheck *nc)
{
	char why[300];
	SSL_CTX *ctx = net_tls_ctx(&nc->tls_policy, why, sizeof(why));

	if (ctx == NULL) {
		nc_finish(nc, true, "%s", why);
		return false;
	}
	nc->ssl = SSL_new(ctx);
	if (nc->ssl == NULL || SSL_set_fd(nc->ssl, nc->fd) != 1 ||
	    !net_tls_expect(nc->ssl, &nc->tls_policy, nc->hostname, &nc->verdict)) {
		nc_finish(nc, true, "cannot set up TLS");
		return false;
	}
	tls_sni(nc);
	nc->state = NC_HANDSHAKE;
	return true;
}

/* The handshake is done: verification and the certificate rules; false
 * when they failed (the result was reported). */
static bool
nc_tls_trusted(struct netcheck *nc)
{
	char why[400];

	if (!net_tls_verified(&nc->tls_policy, &nc->verdict, nc->hostname, why,
	    sizeof(why)) || !net_tls_cert_rules(nc->ssl, nc->ts->t->conn, why,
	    sizeof(why))) {
		nc_finish(nc, true, "%s", why);
		return false;
	}
	nc->ctx.tls = true;
	return true;
}

/* The handshake is done: the certificate, then the protocol. */
static void
nc_tls_done(struct netcheck *nc)
{
	if (!nc_tls_trusted(nc))
		return;
	if (nc->inlen > 0) {
		/* bytes that came before the handshake in plain text: an
		 * attacker's injection (CVE-2011-0411 class) */
		nc_finish(nc, true, "%s: plain-text bytes after the STARTTLS answer",
		    proto_name(&nc->ctx));
		return;
	}
	nc_drive(nc);
}

static void
nc_want(struct netcheck *nc, enum nc_state st)
{
	nc->state = st;
	ev_mod(nc->s->e->m->ev, nc->fd, st == NC_SENDING ? EPOLLOUT : EPOLLIN);
}

/* Feed the module until it needs bytes from the network or decides. */
static void
nc_drive(struct netcheck *nc)
{
	struct proto_ctx *ctx = &nc->ctx;
	enum proto_result r;

	for (;;) {
		/* never NULL, even before the first byte (memchr/memcmp with a
		 * length of 0 still want a pointer) */
		ctx->in = nc->in != NULL ? nc->in : (const unsigned char *)"";
		ctx->inlen = nc->inlen;
		ctx->eof = nc->eof;
		ctx->consumed = 0;
		ctx->outlen = 0;
		ctx->starttls = false;
		r = nc->mod->step(ctx);
		if (ctx->consumed > nc->inlen)
			ctx->consumed = nc->inlen;
		if (ctx->consumed > 0) {
			memmove(nc->in, nc->in + ctx->consumed, nc->inlen - ctx->consumed);
			nc->inlen -= ctx->consumed;
		}
		if (r != PROTO_MORE) {
			if (ctx->outlen > 0)	/* a goodbye (QUIT): best effort */
				(void)nc_write(nc, ctx->out, ctx->outlen);
			nc_finish(nc, r == PROTO_FAIL, "%s", ctx->reason[0] ? ctx->reason :
			    r == PROTO_FAIL ? "failed" : "passed");
			return;
		}
		if (ctx->outlen > 0) {
			nc->outoff = 0;
			nc_want(nc, NC_SENDING);
			return;
		}
		if (ctx->starttls) {	/* the server said "go ahead" */
			ctx->starttls = false;
			if (nc_tls_begin(nc))
				nc_io(nc->fd, EPOLLOUT, nc);
			return;
		}
		if (ctx->consumed > 0)
			continue;
		if (nc->eof) {
			nc_finish(nc, true, "%s: connection closed while waiting for %s",
			    proto_name(ctx), ctx->waiting ? ctx->waiting : "an answer");
			return;
		}
		if (nc->inlen >= nc->mod->max_reply) {
			nc_finish(nc, true, "%s: %zu bytes without a complete answer",
			    proto_name(ctx), nc->inlen);
			return;
		}
		nc_want(nc, NC_RECEIVING);
		return;
	}
}

/* Read what is there (all of it: TLS may hold decrypted bytes epoll
 * cannot see), bounded by the module's max_reply. */
static bool
nc_receive(struct netcheck *nc)
{
	for (;;) {
		size_t room;
		ssize_t n;

		if (nc->ctx.datagram)
			nc->inlen = 0;	/* each datagram is a whole answer */
		if (nc->inlen >= nc->mod->max_reply)
			return true;
		if (nc->incap - nc->inlen < NET_RBUF && nc->incap < nc->mod->max_reply) {
			size_t cap = nc->incap ? nc->incap * 2 : NET_RBUF * 2;

			if (nc->ctx.datagram && cap < 65536)
				cap = 65536;
			if (cap > nc->mod->max_reply + 1)
				cap = nc->mod->max_reply + 1;
			nc->in = xreallocarray(nc->in, cap, 1);
			nc->incap = cap;
		}
		room = nc->incap - nc->inlen;
		if (room > nc->mod->max_reply - nc->inlen + (nc->ctx.datagram ? 1 : 0))
			room = nc->mod->max_reply - nc->inlen + (nc->ctx.datagram ? 1 : 0);
		if (room == 0)
			return true;
		n = nc_read(nc, nc->in + nc->inlen, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n < 0) {
			nc_finish(nc, true, "%s: receive failed: %s", proto_name(&nc->ctx),
			    nc_io_error(nc, errno));
			return false;
		}
		if (n == 0 && !nc->ctx.datagram) {
			nc->eof = true;
			return true;
		}
		nc->inlen += (size_t)n;
		if (nc->ctx.datagram)
			return true;
	}
}

/* An address that refused (or cannot be reached): the name's next
 * address when it has one, as Monit does, else the verdict. */
static void
nc_connect_failed(struct netcheck *nc, int err)
{
	const struct connection *c = nc->ts->t->conn;
	const char *name = c->host ? c->host : nc->s->cf->address;
	const struct sockaddr *cur = nc->hostaddr_set ?
	    (const struct sockaddr *)&nc->hostaddr : (const struct sockaddr *)&nc->ts->addr;
	struct sockaddr_storage next;
	socklen_t nextlen;

	if (name != NULL && c->unix_path == NULL && net_addrs_next(name, c->ipversion,
	    c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM, cur, c->port, &next, &nextlen)) {
		log_debug("%s port %d: %s, trying its next address", name, c->port,
		    strerror(err));
		nc_close(nc);
		memcpy(&nc->hostaddr, &next, sizeof(nc->hostaddr));
		nc->hostaddrlen = nextlen;
		nc->hostaddr_set = true;
		nc_attempt(nc);
		return;
	}
	nc_finish(nc, true, "cannot connect: %s", strerror(err));
}

static void
nc_io(int fd, uint32_t events, void *arg)
{
	struct netcheck *nc = arg;
	const struct connection *c = nc->ts->t->conn;

	(void)events;
	if (nc->state == NC_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err != 0) {
			nc_connect_failed(nc, err);
			return;
		}
		if (nc_wants_tls_at_connect(nc)) {
			if (!nc_tls_begin(nc))
				return;
		} else if (nc->mod != NULL) {
			nc_drive(nc);
			return;
		} else if (c->type == CONN_UDP) {
			/* An answer or a refusal is a verdict; silence is
			 * success, decided by a short timer. */
			if (send(nc->fd, "\n", 1, MSG_NOSIGNAL) < 0) {
				nc_finish(nc, true, "%s", strerror(errno));
				return;
			}
			nc_want(nc, NC_UDP_WAIT);
			ev_timer_set(nc->tfd, 500, 0);
			return;
		} else {
			nc_finish(nc, false, "connected");
			return;
		}
	}
	if (nc->state == NC_HANDSHAKE) {
		int r, e;

		ERR_clear_error();
		r = SSL_connect(nc->ssl);
		if (r != 1) {
			e = SSL_get_error(nc->ssl, r);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				ev_mod(nc->s->e->m->ev, fd, e == SSL_ERROR_WANT_READ ?
				    EPOLLIN : EPOLLOUT);
				return;
			}
			nc_tls_failed(nc);
			nc_finish(nc, true, "TLS handshake failed (%s)", nc->tls_error + 5);
			return;
		}
		if (nc->mod == NULL) {
			/* connect-only over TLS: the certificate decides */
			if (!nc_tls_trusted(nc))
				return;
			nc_finish(nc, false, "connected over TLS%s", nc->tls_policy.verify ?
			    ", certificate verified" : "");
			return;
		}
		nc_tls_done(nc);
		return;
	}
	if (nc->state == NC_SENDING) {
		ssize_t n = nc_write(nc, nc->ctx.out + nc->outoff,
		    nc->ctx.outlen - nc->outoff);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			nc_finish(nc, true, "%s: send failed: %s", proto_name(&nc->ctx),
			    nc_io_error(nc, errno));
			return;
		}
		nc->outoff += (size_t)n;
		if (nc->outoff < nc->ctx.outlen)
			return;
		nc->ctx.outlen = 0;
		if (nc->ctx.starttls) {
			nc->ctx.starttls = false;
			if (nc_tls_begin(nc))
				nc_io(fd, EPOLLOUT, nc);
			return;
		}
		nc_drive(nc);
		return;
	}
	if (nc->state == NC_UDP_WAIT) {
		char b[512];

		if (recv(fd, b, sizeof(b), 0) < 0 && errno != EAGAIN) {
			nc_finish(nc, true, "%s", strerror(errno));
			return;
		}
		nc_finish(nc, false, "answered");
		return;
	}
	if (nc->state == NC_RECEIVING) {
		if (!nc_receive(nc))
			return;
		nc_drive(nc);
	}
}

static void
nc_timeout(int fd, uint32_t events, void *arg)
{
	struct netcheck *nc = arg;
	const struct connection *c = nc->ts->t->conn;
	int secs = c->timeout_s > 0 ? c->timeout_s : 5;

	(void)events;
	ev_timer_ack(fd);
	if (nc->state == NC_UDP_WAIT) {
		nc_finish(nc, false, "no refusal");
		return;
	}
	if (nc->state == NC_CONNECTING)
		nc_finish(nc, true, "connect timed out after %d s", secs);
	else if (nc->state == NC_HANDSHAKE)
		nc_finish(nc, true, "TLS handshake timed out after %d s", secs);
	else
		nc_finish(nc, true, "%s: no answer within %d s (waiting for %s)",
		    proto_name(&nc->ctx), secs, nc->ctx.waiting ? nc->ctx.waiting :
		    "an answer");
}

/* One attempt: a new socket, connect, the timer; false when it already
 * failed (the result was reported). */
static bool
nc_attempt(struct netcheck *nc)
{
	struct test_state *ts = nc->ts;
	const struct connection *c = ts->t->conn;
	const struct sockaddr *sa = (const struct sockaddr *)&ts->addr;
	socklen_t salen = ts->addrlen;
	struct svc *s = nc->s;
	int timeout_s;

	if (nc->hostaddr_set) {
		sa = (const struct sockaddr *)&nc->hostaddr;
		salen = nc->hostaddrlen;
	}
	nc->inlen = 0;
	nc->eof = false;
	nc->outoff = 0;
	nc->state = NC_CONNECTING;
	nc->started_us = now_us();
	proto_reset(&nc->ctx);
	nc->ctx.now = (int64_t)time(NULL);
	if (RAND_bytes(nc->ctx.nonce, sizeof(nc->ctx.nonce)) != 1)
		for (size_t i = 0; i < sizeof(nc->ctx.nonce); i++)
			nc->ctx.nonce[i] = (unsigned char)rand();
	nc->fd = socket(sa->sa_family, (c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (nc->fd < 0) {
		nc_finish(nc, true, "socket: %s", strerror(errno));
		return false;
	}
	if (connect(nc->fd, sa, salen) < 0 && errno != EINPROGRESS) {
		nc_connect_failed(nc, errno);
		return false;
	}
	if (ev_add(s->e->m->ev, nc->fd, EPOLLOUT, nc_io, nc) < 0) {
		nc_finish(nc, true, "event loop: %s", strerror(errno));
		return false;
	}
	timeout_s = c->timeout_s > 0 ? c->timeout_s : 5;
	nc->tfd = ev_timer_new(s->e->m->ev, nc_timeout, nc);
	if (nc->tfd < 0) {
		nc_finish(nc, true, "timer: %s", strerror(errno));
		return false;
	}
	ev_timer_set(nc->tfd, (uint64_t)timeout_s * 1000, 0);
	return true;
}

void
check_connection(struct svc *s, struct test_state *ts,
    const struct sockaddr *host, socklen_t hostlen)
{
	const struct connection *c = ts->t->conn;
	struct netcheck *nc;
	char where[300];
	const char *hn;

	if (c == NULL || ts->nc != NULL)
		return;		/* the previous attempt still runs */
	nc_target(ts, where, sizeof(where));
	/* The host service's address, unless the test asks for the other IP
	 * version ("ipv6" with a name that resolved to IPv4 first): then its
	 * own resolution, made for that version (engine_new), is the one. */
	if (host != NULL && c->ipversion != 0 &&
	    host->sa_family != (c->ipversion == 6 ? AF_INET6 : AF_INET))
		host = NULL;
	if (!(host != NULL && c->host == NULL && c->unix_path == NULL) &&
	    !ts->have_addr) {
		if (c->ipversion != 0)
			svc_test_result(s, ts, true, true, "%s: no IPv%d address", where,
			    c->ipversion);
		else
			svc_test_result(s, ts, true, true, "%s: address unknown", where);
		return;
	}
	nc = xcalloc(1, sizeof(*nc));
	nc->s = s;
	nc->ts = ts;
	nc->fd = -1;
	nc->tfd = -1;
	if (host != NULL && c->host == NULL && c->unix_path == NULL &&
	    hostlen <= sizeof(nc->hostaddr)) {
		/* the host service's address, with this test's port */
		memcpy(&nc->hostaddr, host, hostlen);
		if (nc->hostaddr.ss_family == AF_INET)
			((struct sockaddr_in *)&nc->hostaddr)->sin_port = htons((uint16_t)c->port);
		else if (nc->hostaddr.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&nc->hostaddr)->sin6_port = htons((uint16_t)c->port);
		nc->hostaddrlen = hostlen;
		nc->hostaddr_set = true;
	}
	nc->mod = proto_find(c->protocol);
	if (nc->mod == NULL && c->sendexpect != NULL)
		nc->mod = proto_find("generic");
	hn = c->hostheader ? c->hostheader : c->host ? c->host :
	    s->cf->address ? s->cf->address : "localhost";
	strlcpy_v(nc->hostname, hn, sizeof(nc->hostname));
	nc->home_set = nc->hostaddr_set;
	nc->home = nc->hostaddr;
	nc->homelen = nc->hostaddrlen;
	ssl_policy_of(s->e->m->cf, c, &nc->tls_policy);
	nc->ctx.mod = nc->mod;
	nc->ctx.conn = c;
	nc->ctx.host = nc->hostname;
	nc->ctx.datagram = c->type == CONN_UDP;
	nc->ctx.expectbuffer = s->e->m->cf && s->e->m->cf->expectbuffer > 0 ?
	    (size_t)s->e->m->cf->expectbuffer : 256;
	ts->nc = nc;
	nc_attempt(nc);
}
