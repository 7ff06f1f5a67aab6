/* TLS options of connection tests (config_ssl.c). */
#ifndef VIGIL_CONFIG_SSL_H
#define VIGIL_CONFIG_SSL_H

#include <stdbool.h>

#include "monitor/config/config.h"

struct diag;

/* What a connection test's TLS session must satisfy: `set ssl { ... }`
 * with the test's own `ssl { ... }` on top.  Strings point into the
 * config. */
struct ssl_policy {
	bool verify;		/* chain and host name against the CA store */
	bool selfsigned;	/* a self-signed certificate passes verify */
	const char *cafile;	/* NULL: OpenSSL's default store */
	const char *capath;
};

void ssl_policy_of(const struct config *cf, const struct connection *c,
    struct ssl_policy *p);
/* Does the test speak TLS (at connect, by STARTTLS, or mysqls' upgrade)? */
bool ssl_conn_uses_tls(const struct connection *c);
/* vigil -t: the values of verify/selfsigned, that CA files exist, and a
 * warning for each option no connection test reads.  prefix is "" for
 * `set ssl`, "ssl." for a test's options. */
void ssl_check_options(struct diag *d, const struct srcpos *pos,
    const struct config_option *o, const char *prefix, const char *where);

#endif
