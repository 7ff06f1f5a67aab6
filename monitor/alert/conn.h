/* What the mail delivery (deliver.c) and the M/Monit reporter (mmonit.c)
 * share on the event loop: a non-blocking TCP connect, TLS as `set ssl`
 * asks (verify, selfsigned; Monit's default encrypts without verifying),
 * and reads and writes that look the same with and without TLS. */
#ifndef VIGIL_ALERT_CONN_H
#define VIGIL_ALERT_CONN_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "monitor/config/config.h"

/* A non-blocking socket connecting to addr (resolved by resolve.c, which
 * never blocks the loop; EPOLLOUT says when the connect is done: check
 * with alert_conn_connected), or -1 with why set. */
int alert_conn_open(const struct sockaddr *addr, socklen_t addrlen, char *why,
    size_t whylen);
/* 0 when the connect finished well, else the errno. */
int alert_conn_connected(int fd);
/* A client TLS session on fd for host (SNI and, with `verify`, the name or
 * address checked), or NULL. */
SSL *alert_tls_new(const struct config *cf, int fd, const char *host);
/* One handshake step: 1 done, 0 again when fd is ready for *want, -1 failed
 * with why set. */
int alert_tls_handshake(SSL *ssl, int *want, const char **why);
/* send/recv through TLS when ssl is not NULL.  -1 with errno EAGAIN and
 * *want the epoll event TLS waits for (0: the usual one). */
ssize_t alert_conn_write(int fd, SSL *ssl, const void *buf, size_t len, int *want);
ssize_t alert_conn_read(int fd, SSL *ssl, void *buf, size_t len, int *want);

#endif
