/* TLS for the connection driver (net_tls.c). */
#ifndef VIGIL_NET_TLS_H
#define VIGIL_NET_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

#include "monitor/config/config.h"

/* The client context every check shares (no peer verification, as
 * Monit: certmd5 pins instead); NULL when OpenSSL fails. */
SSL_CTX *net_tls_ctx(void);
/* Do the peer's certificate and the test's certmd5 and "certificate
 * valid" rules agree?  false with why filled when not. */
bool net_tls_cert_rules(SSL *ssl, const struct connection *c, char *why,
    size_t whylen);

#endif
