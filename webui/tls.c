/* TLS for the web interface: everything that reads a file (configuration,
 * certificate, key, client CA) happens here, before the chroot. */
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "webui/webui.h"

void
tls_init(void)
{
	unsigned char warm[16];

	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
	    OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_LOAD_CONFIG, NULL) != 1)
		fatalx("OpenSSL initialisation failed");
	/* Seed the DRBG now, while /dev/urandom would still be reachable. */
	if (RAND_bytes(warm, sizeof(warm)) != 1)
		fatalx("OpenSSL random generator failed");
}

static void
ssl_error(char *err, size_t errlen, const char *what, const char *path)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "unknown error";

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s %s: %s", what, path, buf);
	ERR_clear_error();
}

/* The key file: a regular file only its owner may use (Monit refuses
 * anything wider than 0700).  stat, not the open file: OpenSSL opens it by
 * name right after, as root, before anyone else could swap it (the control
 * file's directories are root's). */
static bool
key_file_ok(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "pemfile %s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "pemfile %s is not a regular file", path);
		return false;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "pemfile %s holds the private key and group or others "
		    "may use it, mode %04o (fix: chmod 0600 '%s')", path,
		    (unsigned)(st.st_mode & 07777), path);
		return false;
	}
	return true;
}

/* Monit's allowselfcertification: without it a self-signed client
 * certificate is refused even when clientpemfile lists it (OpenSSL would
 * take it as its own trust anchor). */
static int
verify_client(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	X509 *cert = X509_STORE_CTX_get_current_cert(store);
	bool allow_self;

	if (!ok || ssl == NULL || cert == NULL || X509_STORE_CTX_get_error_depth(store) != 0)
		return ok;
	allow_self = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)) != NULL;
	if (!allow_self && X509_self_signed(cert, 0) == 1) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
		return 0;
	}
	return ok;
}

SSL_CTX *
tls_server_ctx(const char *pemfile, const char *clientpem, bool allow_self_signed,
    char *err, size_t errlen)
{
	static int allow_mark;
	SSL_CTX *ctx;

	if (!key_file_ok(pemfile, err, errlen))
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL) {
		ssl_error(err, errlen, "cannot create a TLS context", "");
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		goto fail_ctx;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* No session cache and no tickets: one request per connection. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_use_certificate_chain_file(ctx, pemfile) != 1) {
		ssl_error(err, errlen, "cannot load the certificate from", pemfile);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, pemfile, SSL_FILETYPE_PEM) != 1) {
		ssl_error(err, errlen, "cannot load the private key from", pemfile);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ssl_error(err, errlen, "key and certificate do not match in", pemfile);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (clientpem != NULL) {
		STACK_OF(X509_NAME) *names;

		if (SSL_CTX_load_verify_locations(ctx, clientpem, NULL) != 1) {
			ssl_error(err, errlen, "cannot load client CA certificates from",
			    clientpem);
			SSL_CTX_free(ctx);
			return NULL;
		}
		names = SSL_load_client_CA_file(clientpem);
		if (names != NULL)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_app_data(ctx, allow_self_signed ? &allow_mark : NULL);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
		    verify_client);
	}
	return ctx;
fail_ctx:
	ssl_error(err, errlen, "cannot configure the TLS context", "");
	SSL_CTX_free(ctx);
	return NULL;
}

enum tls_io
tls_io_status(SSL *ssl, int ret)
{
	int e = SSL_get_error(ssl, ret);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return TLS_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_IO_EOF;
	default:
		ERR_clear_error();
		return TLS_IO_ERROR;
	}
}
