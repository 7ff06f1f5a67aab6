/* Connections of the alert room (see conn.h): moved out of deliver.c so
 * mail and M/Monit connect, encrypt and verify the same way. */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/alert/conn.h"
#include "monitor/config/config_ssl.h"

static SSL_CTX *client_ctx;

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

/* The policy client_ctx was made for: a reload that changes `set ssl`
 * makes a new context at the next connection. */
static struct ssl_policy ctx_policy;
static char *ctx_cafile, *ctx_capath;

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* `set ssl { verify, selfsigned, cacertificatefile, cacertificatepath }`,
 * read the same way as for connection tests (config_ssl.c). */
static SSL_CTX *
tls_ctx(const struct config *cf)
{
	struct ssl_policy p;

	ssl_policy_of(cf, NULL, &p);
	if (client_ctx != NULL && p.verify == ctx_policy.verify &&
	    p.selfsigned == ctx_policy.selfsigned && same_str(p.cafile, ctx_cafile) &&
	    same_str(p.capath, ctx_capath))
		return client_ctx;
	SSL_CTX_free(client_ctx);
	free(ctx_cafile);
	free(ctx_capath);
	ctx_cafile = p.cafile ? strdup(p.cafile) : NULL;
	ctx_capath = p.capath ? strdup(p.capath) : NULL;
	ctx_policy = p;
	client_ctx = SSL_CTX_new(TLS_client_method());
	if (client_ctx == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(client_ctx, TLS1_2_VERSION);
	if (p.verify) {
		/* a CA file or directory given replaces OpenSSL's default store,
		 * as for connection tests; one that cannot be loaded leaves the
		 * store empty, so nothing is trusted (vigil -t names it) */
		if (p.cafile != NULL || p.capath != NULL)
			(void)SSL_CTX_load_verify_locations(client_ctx, p.cafile, p.capath);
		else
			SSL_CTX_set_default_verify_paths(client_ctx);
		SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, p.selfsigned ? verify_cb : NULL);
	} else {
		/* Monit's default: encrypt, do not verify (`set ssl { verify:
		 * enable }` turns it on). */
		SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
	}
	return client_ctx;
}

SSL *
alert_tls_new(const struct config *cf, int fd, const char *host)
{
	SSL_CTX *ctx = tls_ctx(cf);
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	unsigned char tmp[16];

	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	if (inet_pton(AF_INET, host, tmp) != 1 && inet_pton(AF_INET6, host, tmp) != 1) {
		SSL_set_tlsext_host_name(ssl, (char *)(uintptr_t)host);
		if (ctx_policy.verify)
			SSL_set1_host(ssl, host);
	} else if (ctx_policy.verify) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	}
	return ssl;
}

int
alert_tls_handshake(SSL *ssl, int *want, const char **why)
{
	int r, e;

	*want = 0;
	ERR_clear_error();
	r = SSL_connect(ssl);
	if (r == 1)
		return 1;
	e = SSL_get_error(ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		*want = e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
		return 0;
	}
	if (SSL_get_verify_result(ssl) != X509_V_OK) {
		/* the reason is OpenSSL's constant text for the error code */
		static char buf[200];

		snprintf(buf, sizeof(buf), "TLS certificate not trusted: %s (set ssl { verify, "
		    "selfsigned, cacertificatefile, cacertificatepath } decide)",
		    X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		*why = buf;
	} else {
		*why = "TLS handshake failed";
	}
	return -1;
}

int
alert_conn_open(const struct sockaddr *addr, socklen_t addrlen, char *why, size_t whylen)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || (connect(fd, addr, addrlen) < 0 && errno != EINPROGRESS)) {
		snprintf(why, whylen, "cannot connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
alert_conn_connected(int fd)
{
	int err = 0;
	socklen_t el = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	return err;
}

ssize_t
alert_conn_write(int fd, SSL *ssl, const void *buf, size_t len, int *want)
{
	int n, err;

	*want = 0;
	if (ssl == NULL)
		return send(fd, buf, len, MSG_NOSIGNAL);
	ERR_clear_error();
	n = SSL_write(ssl, buf, (int)(len > 65536 ? 65536 : len));
	if (n > 0)
		return n;
	err = SSL_get_error(ssl, n);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		*want = err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
		errno = EAGAIN;
		return -1;
	}
	errno = EPROTO;
	return -1;
}

ssize_t
alert_conn_read(int fd, SSL *ssl, void *buf, size_t len, int *want)
{
	int n, err;

	*want = 0;
	if (ssl == NULL)
		return recv(fd, buf, len, 0);
	ERR_clear_error();
	n = SSL_read(ssl, buf, (int)len);
	if (n > 0)
		return n;
	err = SSL_get_error(ssl, n);
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
