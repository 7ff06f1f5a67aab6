/* Connection tests: a non-blocking connect with its own timer, then the
 * protocol step (none, HTTP status line, or send/expect).  Names were
 * resolved once in engine_new; nothing here blocks. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"
#include "monitor/checks/netproto.h"

#define NET_RBUF 4096

enum nc_state { NC_CONNECTING, NC_HANDSHAKE, NC_SENDING, NC_RECEIVING,
	NC_UDP_WAIT };

struct netcheck {
	struct svc *s;
	struct test_state *ts;
	int fd, tfd;
	enum nc_state state;
	bool http;
	const struct sendexpect *step;
	char out[2048];
	size_t outlen, outoff;
	char in[NET_RBUF + 1];
	size_t inlen;
	size_t expect_cap;
	SSL *ssl;		/* TLS ("type tcpssl", "ssl"), else NULL */
};

static SSL_CTX *tls_ctx;	/* one client context for every check */

static SSL_CTX *
tls_client_ctx(void)
{
	if (tls_ctx == NULL) {
		tls_ctx = SSL_CTX_new(TLS_client_method());
		if (tls_ctx != NULL) {
			/* Monit does not verify peers unless told (certmd5). */
			SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
			SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION);
		}
	}
	return tls_ctx;
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
	errno = EPROTO;
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
	errno = EPROTO;
	return -1;
}

/* "certificate checksum" (MD5 of the DER certificate, as Monit's certmd5). */
static bool
tls_cert_md5(SSL *ssl, char *hex, size_t hexlen)
{
	static const char digits[] = "0123456789abcdef";
	X509 *cert = SSL_get1_peer_certificate(ssl);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (cert == NULL)
		return false;
	if (X509_digest(cert, EVP_md5(), md, &n) != 1 || hexlen < 2 * n + 1) {
		X509_free(cert);
		return false;
	}
	X509_free(cert);
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
	return true;
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

void
netcheck_cancel(struct test_state *ts)
{
	struct netcheck *nc = ts->nc;

	if (nc == NULL)
		return;
	if (nc->ssl != NULL)
		SSL_free(nc->ssl);
	if (nc->fd >= 0) {
		ev_del(nc->s->e->m->ev, nc->fd);
		close(nc->fd);
	}
	if (nc->tfd >= 0) {
		ev_del(nc->s->e->m->ev, nc->tfd);
		close(nc->tfd);
	}
	free(nc);
	ts->nc = NULL;
}

static void
nc_finish(struct netcheck *nc, bool failed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
nc_finish(struct netcheck *nc, bool failed, const char *fmt, ...)
{
	struct svc *s = nc->s;
	struct test_state *ts = nc->ts;
	char desc[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	netcheck_cancel(ts);
	svc_test_result(s, ts, failed, true, "%s", desc);
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

static bool
nc_wants_tls(const struct netcheck *nc)
{
	const struct connection *c = nc->ts->t->conn;

	return c->type == CONN_TCPSSL || c->ssl;
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

/* Decide what the next step is; called after connect and after each step. */
static void nc_advance(struct netcheck *nc);

static void
nc_io(int fd, uint32_t events, void *arg)
{
	struct netcheck *nc = arg;
	char where[300];

	nc_target(nc->ts, where, sizeof(where));
	if (nc->state == NC_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err != 0) {
			nc_finish(nc, true, "cannot connect to %s: %s", where,
			    strerror(err));
			return;
		}
		if (nc_wants_tls(nc)) {
			SSL_CTX *ctx = tls_client_ctx();

			nc->ssl = ctx ? SSL_new(ctx) : NULL;
			if (nc->ssl == NULL || SSL_set_fd(nc->ssl, fd) != 1) {
				nc_finish(nc, true, "%s: cannot set up TLS", where);
				return;
			}
			tls_sni(nc);
			nc->state = NC_HANDSHAKE;
		} else {
			nc_advance(nc);
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
			nc_finish(nc, true, "%s: TLS handshake failed", where);
			return;
		}
		if (nc->ts->t->conn->certmd5 != NULL) {
			char md5[EVP_MAX_MD_SIZE * 2 + 1];

			if (!tls_cert_md5(nc->ssl, md5, sizeof(md5)) ||
			    strcasecmp(md5, nc->ts->t->conn->certmd5) != 0) {
				nc_finish(nc, true, "%s: certificate checksum is %s, "
				    "expected %s", where, md5, nc->ts->t->conn->certmd5);
				return;
			}
		}
		nc->state = NC_CONNECTING;	/* connected: begin the protocol */
		nc_advance(nc);
		return;
	}
	(void)events;
	if (nc->state == NC_SENDING) {
		ssize_t n = nc_write(nc, nc->out + nc->outoff, nc->outlen - nc->outoff);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			nc_finish(nc, true, "send to %s failed: %s", where, strerror(errno));
			return;
		}
		nc->outoff += (size_t)n;
		if (nc->outoff == nc->outlen)
			nc_advance(nc);
		return;
	}
	if (nc->state == NC_UDP_WAIT) {
		char b[512];

		if (recv(fd, b, sizeof(b), 0) < 0 && errno != EAGAIN) {
			nc_finish(nc, true, "%s: %s", where, strerror(errno));
			return;
		}
		nc_finish(nc, false, "%s answered", where);
		return;
	}
	if (nc->state == NC_RECEIVING) {
		size_t cap = nc->expect_cap;
		ssize_t n;

		if (nc->inlen >= cap) {
			nc_advance(nc);
			return;
		}
		n = nc_read(nc, nc->in + nc->inlen, cap - nc->inlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			nc_finish(nc, true, "receive from %s failed: %s", where,
			    strerror(errno));
			return;
		}
		if (n == 0) {
			nc->expect_cap = nc->inlen;	/* EOF: judge what we have */
		} else {
			nc->inlen += (size_t)n;
		}
		nc->in[nc->inlen] = '\0';
		/* TLS may hold decrypted bytes epoll cannot see: go on reading
		 * while the check still wants them. */
		if (nc->ssl != NULL && n > 0 && SSL_pending(nc->ssl) > 0) {
			struct test_state *ts = nc->ts;

			nc_advance(nc);
			if (ts->nc == nc && nc->state == NC_RECEIVING)
				nc_io(fd, EPOLLIN, nc);
			return;
		}
		nc_advance(nc);
	}
}

static bool
expect_matches(const char *re_text, const char *buf, size_t len)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re;
	pcre2_match_data *md;
	int rc;

	re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED, 0, &err,
	    &off, NULL);
	if (re == NULL)
		return len >= strlen(re_text) && memcmp(buf, re_text, strlen(re_text)) == 0;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md ? pcre2_match(re, (PCRE2_SPTR)buf, len, 0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

static void
nc_want(struct netcheck *nc, enum nc_state st)
{
	nc->state = st;
	ev_mod(nc->s->e->m->ev, nc->fd, st == NC_SENDING ? EPOLLOUT : EPOLLIN);
}

static void
nc_advance(struct netcheck *nc)
{
	const struct connection *c = nc->ts->t->conn;
	char where[300];

	nc_target(nc->ts, where, sizeof(where));
	if (nc->state == NC_CONNECTING) {
		if (c->type == CONN_UDP) {
			/* An answer or a refusal is a verdict; silence is
			 * success, decided by a short timer. */
			if (send(nc->fd, "\n", 1, MSG_NOSIGNAL) < 0) {
				nc_finish(nc, true, "%s: %s", where, strerror(errno));
				return;
			}
			nc_want(nc, NC_UDP_WAIT);
			ev_timer_set(nc->tfd, 500, 0);
			return;
		}
		if (nc->http) {
			const char *path = c->request ? c->request : "/";
			const char *hh = c->hostheader ? c->hostheader :
			    c->host ? c->host : "localhost";

			nc->outlen = http_build_request(nc->out, sizeof(nc->out), path, hh);
			nc->outoff = 0;
			nc->expect_cap = NET_RBUF;
			nc_want(nc, NC_SENDING);
			return;
		}
		nc->step = c->sendexpect;
	} else if (nc->http) {
		if (nc->state == NC_SENDING) {
			nc->inlen = 0;
			nc_want(nc, NC_RECEIVING);
			return;
		}
		{
			int code = http_status_parse(nc->in, nc->inlen);
			bool complete = nc->inlen >= nc->expect_cap;

			if (code == HTTP_INCOMPLETE && !complete)
				return;
			if (code < 0) {
				nc_finish(nc, true, "%s: not an HTTP response", where);
				return;
			}
			if (!http_status_ok(code, c->status_op, c->status))
				nc_finish(nc, true, "%s: HTTP status %d", where, code);
			else
				nc_finish(nc, false, "%s: HTTP status %d", where, code);
			return;
		}
	} else if (nc->state == NC_SENDING) {
		nc->step = nc->step->next;
	} else if (nc->state == NC_RECEIVING) {
		if (expect_matches(nc->step->data, nc->in, nc->inlen)) {
			nc->step = nc->step->next;
		} else if (nc->inlen >= nc->expect_cap) {
			nc_finish(nc, true, "%s: expected '%.60s', got '%.60s'", where,
			    nc->step->data, nc->in);
			return;
		} else {
			return;
		}
	}
	if (nc->step == NULL) {
		nc_finish(nc, false, "connected to %s", where);
		return;
	}
	if (nc->step->is_send) {
		size_t l = nc->step->len < sizeof(nc->out) ? nc->step->len :
		    sizeof(nc->out);

		memcpy(nc->out, nc->step->data, l);
		nc->outlen = l;
		nc->outoff = 0;
		nc_want(nc, NC_SENDING);
	} else {
		int eb = nc->s->e->m->cf ? nc->s->e->m->cf->expectbuffer : 0;

		nc->inlen = 0;
		nc->in[0] = '\0';
		nc->expect_cap = eb > 0 && eb < NET_RBUF ? (size_t)eb : 256;
		nc_want(nc, NC_RECEIVING);
	}
}

static void
nc_timeout(int fd, uint32_t events, void *arg)
{
	struct netcheck *nc = arg;
	char where[300];

	(void)events;
	ev_timer_ack(fd);
	nc_target(nc->ts, where, sizeof(where));
	if (nc->state == NC_UDP_WAIT) {
		nc_finish(nc, false, "%s: no refusal", where);
		return;
	}
	nc_finish(nc, true, "%s: timed out", where);
}

void
check_connection(struct svc *s, struct test_state *ts,
    const struct sockaddr *host, socklen_t hostlen)
{
	const struct connection *c = ts->t->conn;
	const struct sockaddr *sa = (const struct sockaddr *)&ts->addr;
	socklen_t salen = ts->addrlen;
	struct netcheck *nc;
	char where[300];
	int fd, timeout_s;

	if (c == NULL || ts->nc != NULL)
		return;		/* the previous attempt still runs */
	nc_target(ts, where, sizeof(where));
	if (host != NULL && c->host == NULL && c->unix_path == NULL) {
		/* the host service's address, with this test's port */
		static struct sockaddr_storage tmp;

		memcpy(&tmp, host, hostlen);
		if (tmp.ss_family == AF_INET)
			((struct sockaddr_in *)&tmp)->sin_port = htons((uint16_t)c->port);
		else if (tmp.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&tmp)->sin6_port = htons((uint16_t)c->port);
		sa = (const struct sockaddr *)&tmp;
		salen = hostlen;
	} else if (!ts->have_addr) {
		svc_test_result(s, ts, true, true, "%s: address unknown", where);
		return;
	}
	fd = socket(sa->sa_family, (c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		svc_test_result(s, ts, true, true, "%s: socket: %s", where,
		    strerror(errno));
		return;
	}
	nc = xcalloc(1, sizeof(*nc));
	nc->s = s;
	nc->ts = ts;
	nc->fd = fd;
	nc->tfd = -1;
	nc->state = NC_CONNECTING;
	nc->http = c->protocol != NULL && strcasecmp(c->protocol, "http") == 0;
	ts->nc = nc;
	if (connect(fd, sa, salen) < 0 && errno != EINPROGRESS) {
		nc_finish(nc, true, "cannot connect to %s: %s", where, strerror(errno));
		return;
	}
	if (ev_add(s->e->m->ev, fd, EPOLLOUT, nc_io, nc) < 0) {
		nc_finish(nc, true, "%s: event loop: %s", where, strerror(errno));
		return;
	}
	timeout_s = c->timeout_s > 0 ? c->timeout_s : 5;
	nc->tfd = ev_timer_new(s->e->m->ev, nc_timeout, nc);
	if (nc->tfd < 0) {
		nc_finish(nc, true, "%s: timer: %s", where, strerror(errno));
		return;
	}
	ev_timer_set(nc->tfd, (uint64_t)timeout_s * 1000, 0);
}
