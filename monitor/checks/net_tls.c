/* TLS pieces of the connection driver: the client contexts, certificate
 * verification against a CA store (`ssl { verify: enable }`), and the
 * certificate rules of a test (certmd5 fingerprints, "certificate valid"). */
#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "monitor/checks/net_tls.h"

/* One context per store: one verifies nothing, each other holds a CA
 * store (loading one costs milliseconds: done once, not per check). */
#define TLS_STORES 32
static struct tls_store {
	bool verify;
	char *cafile, *capath;
	SSL_CTX *ctx;
} tls_stores[TLS_STORES];
static size_t tls_nstores;
static int tls_verdict_index = -1;

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* OpenSSL reports each problem of the chain here and, with this callback
 * saying yes, goes on: the first problem the policy does not forgive is
 * kept, and the verdict is given after the handshake (so the reason can
 * say what was wrong instead of "handshake failed"). */
static int
tls_verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_verdict *v = ssl ? SSL_get_ex_data(ssl, tls_verdict_index) : NULL;
	int err = X509_STORE_CTX_get_error(x);
	X509 *cert;

	if (ok || v == NULL)
		return 1;
	if (v->selfsigned_ok && (err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	    err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN))
		return 1;
	if (v->error != X509_V_OK)
		return 1;
	v->error = err;
	v->depth = X509_STORE_CTX_get_error_depth(x);
	cert = X509_STORE_CTX_get_current_cert(x);
	if (cert == NULL || X509_NAME_oneline(X509_get_subject_name(cert), v->subject,
	    sizeof(v->subject)) == NULL)
		snprintf(v->subject, sizeof(v->subject), "unknown");
	return 1;
}

SSL_CTX *
net_tls_ctx(const struct ssl_policy *p, char *why, size_t whylen)
{
	struct tls_store *st;
	size_t i;

	for (i = 0; i < tls_nstores; i++) {
		st = &tls_stores[i];
		if (st->verify == p->verify && (!p->verify || (same(st->cafile, p->cafile) &&
		    same(st->capath, p->capath))))
			return st->ctx;
	}
	if (tls_nstores == TLS_STORES) {
		snprintf(why, whylen, "more than %d different CA stores", TLS_STORES);
		return NULL;
	}
	if (tls_verdict_index < 0)
		tls_verdict_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	st = &tls_stores[tls_nstores];
	st->ctx = SSL_CTX_new(TLS_client_method());
	if (st->ctx == NULL || tls_verdict_index < 0) {
		snprintf(why, whylen, "cannot set up TLS");
		SSL_CTX_free(st->ctx);
		st->ctx = NULL;
		return NULL;
	}
	SSL_CTX_set_min_proto_version(st->ctx, TLS1_2_VERSION);
	/* servers that close without close_notify (MariaDB after an error
	 * packet): an end of input like any other, so the module still reads
	 * what came before it (OpenSSL 3 would make it an error) */
	SSL_CTX_set_options(st->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (p->verify) {
		int ok = p->cafile || p->capath ?
		    SSL_CTX_load_verify_locations(st->ctx, p->cafile, p->capath) :
		    SSL_CTX_set_default_verify_paths(st->ctx);

		if (ok != 1) {
			snprintf(why, whylen, "cannot load the CA certificates of %s%s%s (is it "
			    "PEM, readable by the monitor?)", p->cafile ? p->cafile : "",
			    p->cafile && p->capath ? " and " : "", p->capath ? p->capath :
			    p->cafile ? "" : "OpenSSL's default store");
			SSL_CTX_free(st->ctx);
			st->ctx = NULL;
			return NULL;
		}
		/* the handshake goes on; net_tls_verified decides */
		SSL_CTX_set_verify(st->ctx, SSL_VERIFY_NONE, tls_verify_cb);
		st->cafile = p->cafile ? xstrdup(p->cafile) : NULL;
		st->capath = p->capath ? xstrdup(p->capath) : NULL;
	} else {
		/* Monit does not verify peers unless told (certmd5 pins instead) */
		SSL_CTX_set_verify(st->ctx, SSL_VERIFY_NONE, NULL);
	}
	st->verify = p->verify;
	tls_nstores++;
	return st->ctx;
}

bool
net_tls_expect(SSL *ssl, const struct ssl_policy *p, const char *name,
    struct tls_verdict *v)
{
	unsigned char addr[16];
	X509_VERIFY_PARAM *param = SSL_get0_param(ssl);

	memset(v, 0, sizeof(*v));
	v->error = X509_V_OK;
	v->selfsigned_ok = p->selfsigned;
	if (!p->verify)
		return true;
	if (SSL_set_ex_data(ssl, tls_verdict_index, v) != 1)
		return false;
	if (inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1;
	X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	return SSL_set1_host(ssl, name) == 1;
}

bool
net_tls_verified(const struct ssl_policy *p, const struct tls_verdict *v,
    const char *name, char *why, size_t whylen)
{
	const char *hint = "";

	if (!p->verify || v->error == X509_V_OK)
		return true;
	switch (v->error) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		hint = ": pin it with certmd5 or allow it with ssl { selfsigned: allow }";
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		hint = ": give its CA with ssl { cacertificatefile: FILE }";
		break;
	default:
		break;
	}
	snprintf(why, whylen, "certificate verify failed: %s for %s (depth %d, subject %s)%s",
	    X509_verify_cert_error_string(v->error), name, v->depth, v->subject, hint);
	return false;
}

/* "certmd5" (Monit: any character but hex digits is ignored, so
 * "12:34:..." pasted from openssl works); 40 or 64 digits are a SHA1 or
 * SHA256 fingerprint.  NULL when it matches, else what the peer has. */
static const char *
tls_fingerprint_mismatch(SSL *ssl, const char *want_text, char *hex, size_t hexlen)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char want[EVP_MAX_MD_SIZE * 2 + 1];
	size_t wl = 0;
	const EVP_MD *type;

	for (const char *p = want_text; *p && wl < sizeof(want) - 1; p++)
		if (isxdigit((unsigned char)*p))
			want[wl++] = (char)tolower((unsigned char)*p);
	want[wl] = '\0';
	type = wl == 40 ? EVP_sha1() : wl == 64 ? EVP_sha256() : EVP_md5();
	snprintf(hex, hexlen, "none");
	if (cert == NULL)
		return hex;
	if (X509_digest(cert, type, md, &n) != 1 || hexlen < 2 * n + 1) {
		X509_free(cert);
		return hex;
	}
	X509_free(cert);
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return strcmp(hex, want) == 0 ? NULL : hex;
}

/* "certificate valid OP N days": the option holds "OP SECONDS seconds".
 * Returns false and fills why when the rule does not hold. */
static bool
tls_validity_ok(SSL *ssl, const char *rule, char *why, size_t whylen)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	char op[8] = ">";
	long long want = 0, left;
	int days = 0, secs = 0;
	bool ok;

	if (isdigit((unsigned char)rule[0]))
		ok = sscanf(rule, "%lld", &want) == 1;
	else
		ok = sscanf(rule, "%7s %lld", op, &want) == 2;
	if (!ok) {
		snprintf(why, whylen, "bad certificate rule '%s'", rule);
		X509_free(cert);
		return false;
	}
	if (cert == NULL || !ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert))) {
		snprintf(why, whylen, "no certificate validity to check");
		X509_free(cert);
		return false;
	}
	X509_free(cert);
	left = (long long)days * 86400 + secs;
	if (!strcmp(op, ">"))
		ok = left > want;
	else if (!strcmp(op, ">="))
		ok = left >= want;
	else if (!strcmp(op, "<"))
		ok = left < want;
	else if (!strcmp(op, "<="))
		ok = left <= want;
	else if (!strcmp(op, "=="))
		ok = left / 86400 == want / 86400;
	else
		ok = left / 86400 != want / 86400;
	if (!ok)
		snprintf(why, whylen, "certificate valid for %lld days, expected %s %lld days",
		    left / 86400, op, want / 86400);
	return ok;
}

bool
net_tls_cert_rules(SSL *ssl, const struct connection *c, char *why, size_t whylen)
{
	char hex[EVP_MAX_MD_SIZE * 2 + 1];

	if (c->certmd5 != NULL &&
	    tls_fingerprint_mismatch(ssl, c->certmd5, hex, sizeof(hex)) != NULL) {
		snprintf(why, whylen, "certificate checksum is %s, expected %s", hex,
		    c->certmd5);
		return false;
	}
	for (const struct config_option *o = c->options; o; o = o->next)
		if (strcmp(o->name, "certificate valid") == 0 &&
		    !tls_validity_ok(ssl, o->value, why, whylen))
			return false;
	return true;
}
