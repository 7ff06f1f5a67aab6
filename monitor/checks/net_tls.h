/* TLS for the connection driver (net_tls.c). */
#ifndef VIGIL_NET_TLS_H
#define VIGIL_NET_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

#include "monitor/config/config.h"

#include "monitor/config/config_ssl.h"

/* What the certificate verification of one session found: the first
 * error the policy does not forgive (OpenSSL goes on after an error; the
 * first one is what a person needs to hear). */
struct tls_verdict {
	int error;			/* X509_V_OK: nothing wrong */
	int depth;
	char subject[128];
	bool selfsigned_ok;		/* policy: self-signed forgiven */
};

/* The client context for a policy: one without verification (Monit's
 * default), and one per CA file/directory with that store loaded.  NULL
 * with why filled when the store cannot be loaded. */
SSL_CTX *net_tls_ctx(const struct ssl_policy *p, char *why, size_t whylen);
/* Before the handshake of a verifying session: the name (or address) the
 * certificate must carry, and where the verdict goes. */
bool net_tls_expect(SSL *ssl, const struct ssl_policy *p, const char *name,
    struct tls_verdict *v);
/* After the handshake: does the chain verify and carry the name?  false
 * with why filled ("certificate verify failed: ... for NAME ..."). */
bool net_tls_verified(const struct ssl_policy *p, const struct tls_verdict *v,
    const char *name, char *why, size_t whylen);
/* Do the peer's certificate and the test's certmd5 and "certificate
 * valid" rules agree?  false with why filled when not. */
bool net_tls_cert_rules(SSL *ssl, const struct connection *c, char *why,
    size_t whylen);

#endif
