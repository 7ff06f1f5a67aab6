/* The TLS options of a connection test: Monit 5.3x's `set ssl { ... }`
 * (every test) overridden by a test's own `ssl { ... }`, reduced to what
 * the connection driver acts on, and the checks `vigil -t` makes of them.
 * Monit verifies no certificate unless told (`verify: enable`); vigil
 * keeps that default and says so in `vigil -t`'s notes. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "monitor/config/config.h"
#include "monitor/config/lexer.h"
#include "monitor/config/config_ssl.h"

/* Options vigil reads and what their values may be. */
static const struct {
	const char *name;
	const char *on, *off;		/* the two words, or NULL: a path */
} ssl_known[] = {
	{ "verify", "enable", "disable" },
	{ "selfsigned", "allow", "reject" },
	{ "cacertificatefile", NULL, NULL },
	{ "cacertificatepath", NULL, NULL },
};

/* Options Monit has that act elsewhere or not at all in vigil's checks. */
static const char *const ssl_ignored[] = {
	"version", "ciphers", "pemfile", "pemchain", "pemkey", "clientpemfile",
};

static bool
word_on(const char *v)
{
	return v != NULL && (strcasecmp(v, "enable") == 0 || strcasecmp(v, "allow") == 0 ||
	    strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0);
}

/* Apply one list of options (names bare, or "ssl.NAME" for a test's). */
static void
policy_apply(struct ssl_policy *p, const struct config_option *o, const char *prefix)
{
	size_t pl = strlen(prefix);

	for (; o; o = o->next) {
		const char *n = o->name;

		if (strncmp(n, prefix, pl) != 0)
			continue;
		n += pl;
		if (strcasecmp(n, "verify") == 0)
			p->verify = word_on(o->value);
		else if (strcasecmp(n, "selfsigned") == 0)
			p->selfsigned = word_on(o->value);
		else if (strcasecmp(n, "cacertificatefile") == 0)
			p->cafile = o->value;
		else if (strcasecmp(n, "cacertificatepath") == 0)
			p->capath = o->value;
	}
}

void
ssl_policy_of(const struct config *cf, const struct connection *c, struct ssl_policy *p)
{
	memset(p, 0, sizeof(*p));
	if (cf != NULL)
		policy_apply(p, cf->ssl_options, "");
	if (c != NULL)
		policy_apply(p, c->options, "ssl.");
}

bool
ssl_conn_uses_tls(const struct connection *c)
{
	return c != NULL && c->type != CONN_UDP && c->unix_path == NULL &&
	    (c->ssl || c->type == CONN_TCPSSL ||
	    (c->protocol != NULL && strcasecmp(c->protocol, "mysqls") == 0));
}

void
ssl_check_options(struct diag *d, const struct srcpos *pos,
    const struct config_option *o, const char *prefix, const char *where)
{
	size_t pl = strlen(prefix);

	for (; o; o = o->next) {
		const char *n = o->name;
		size_t k;
		bool known = false;
		struct stat st;

		if (strncmp(n, prefix, pl) != 0)
			continue;
		n += pl;
		for (k = 0; k < sizeof(ssl_known) / sizeof(ssl_known[0]); k++) {
			if (strcasecmp(n, ssl_known[k].name) != 0)
				continue;
			known = true;
			if (ssl_known[k].on != NULL) {
				if (strcasecmp(o->value, ssl_known[k].on) != 0 &&
				    strcasecmp(o->value, ssl_known[k].off) != 0)
					diag_error(d, pos, "%s: %s: '%s' (expected %s or %s)", where,
					    ssl_known[k].name, o->value, ssl_known[k].on,
					    ssl_known[k].off);
			} else if (stat(o->value, &st) != 0) {
				diag_error(d, pos, "%s: %s %s does not exist (give the PEM file or "
				    "the c_rehash directory of the CA that signed the server's "
				    "certificate)", where, ssl_known[k].name, o->value);
			} else if (!strcasecmp(n, "cacertificatefile") != !S_ISDIR(st.st_mode)) {
				diag_error(d, pos, "%s: %s %s is %s", where, ssl_known[k].name,
				    o->value, S_ISDIR(st.st_mode) ? "a directory (use "
				    "cacertificatepath)" : "not a directory (use cacertificatefile)");
			}
		}
		for (k = 0; !known && k < sizeof(ssl_ignored) / sizeof(ssl_ignored[0]); k++)
			if (strcasecmp(n, ssl_ignored[k]) == 0) {
				known = true;
				/* set ssl's: the -t note on "set ssl" says it */
				if (strcmp(prefix, "ssl.") == 0)
					diag_warn(d, pos, "%s: '%s' is ignored by connection tests "
					    "(vigil negotiates TLS 1.2 or newer with OpenSSL's "
					    "ciphers and sends no client certificate)", where, n);
			}
		if (!known)
			diag_warn(d, pos, "%s: unknown option '%s' (ignored; known: verify, "
			    "selfsigned, cacertificatefile, cacertificatepath)", where, n);
	}
}
