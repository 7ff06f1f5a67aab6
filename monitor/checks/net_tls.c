/* TLS pieces of the connection driver: one client context, and the
 * certificate rules of a test (certmd5 fingerprints, "certificate valid"). */
#include <ctype.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "monitor/checks/net_tls.h"

static SSL_CTX *tls_ctx;	/* one client context for every check */

SSL_CTX *
net_tls_ctx(void)
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
