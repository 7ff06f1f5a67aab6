/* TLS for the web interface: everything that reads a file (configuration,
 * certificate, key, client CA) happens here, before the chroot. */
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdio.h>

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

SSL_CTX *
tls_server_ctx(const char *pemfile, const char *clientpem, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

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
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
		    NULL);
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
