/* Sans-I/O protocol modules of the connection tests.
 *
 * A module is one function, step(), over a context: the driver
 * (check_net.c) owns the socket, TLS and the timer, and calls step() after
 * the connection is up and whenever bytes arrived or were sent.  The module
 * reads ctx->in (everything received and not yet consumed), may consume a
 * prefix, may put bytes to send into ctx->out, and answers PROTO_MORE (keep
 * going), PROTO_PASS or PROTO_FAIL with ctx->reason saying what was seen
 * and what was expected.  Modules never block, allocate or touch a socket,
 * so unit tests feed them recorded transcripts and the fuzzer feeds them
 * garbage (tests/fuzz/fuzz_protocols.c). */
#ifndef VIGIL_NETPROTO_H
#define VIGIL_NETPROTO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/config/config.h"

#define HTTP_INCOMPLETE (-1)
#define HTTP_GARBAGE (-2)

/* The status code of an HTTP status line at the start of buf, or
 * HTTP_INCOMPLETE (no line end yet) or HTTP_GARBAGE. */
int http_status_parse(const char *buf, size_t len);
/* Is code acceptable: with a comparison (enum cmp_op, status) as written, or
 * below 400 without one. */
bool http_status_ok(int code, int op, int status);
enum proto_result { PROTO_MORE, PROTO_PASS, PROTO_FAIL };

#define PROTO_OUT_MAX 4096
#define PROTO_REASON_MAX 220

struct proto_module;

struct proto_ctx {
	/* set once by the driver */
	const struct proto_module *mod;
	const struct connection *conn;
	const char *host;		/* Host header, EHLO, SNI: never NULL */
	size_t expectbuffer;		/* send/expect: bytes one expect may read */
	bool datagram;			/* UDP: each read is one whole datagram */
	bool tls;			/* the session is already encrypted */
	int64_t now;			/* wall clock, seconds (rdate) */
	/* the module's own progress */
	int state;
	uint32_t id;			/* module scratch (e.g. a reply code) */
	unsigned char nonce[16];	/* random, set by the driver per attempt:
					 * query ids, cookies, authenticators */
	const struct sendexpect *step;	/* generic: the next send/expect */
	const char *waiting;		/* what a timeout was waiting for */
	size_t mark, need;		/* module scratch: offsets, lengths */
	/* input, set by the driver before each call */
	const unsigned char *in;	/* never NULL */
	size_t inlen;
	bool eof;			/* the peer closed its side */
	/* output, set by the module */
	size_t consumed;		/* bytes of in the module is done with */
	unsigned char out[PROTO_OUT_MAX];
	size_t outlen;
	bool starttls;			/* after out is sent: TLS handshake, then
					 * step() again */
	char reason[PROTO_REASON_MAX];	/* verdict (pass or fail) in words */
};

struct proto_module {
	const char *name;		/* as in "protocol NAME", upper case in
					 * reasons */
	size_t max_reply;		/* bytes buffered at most before the
					 * module must decide */
	enum proto_result (*step)(struct proto_ctx *ctx);
};

/* The module for "protocol NAME", or NULL (a plain connect test). */
const struct proto_module *proto_find(const char *name);
/* Every module, for the fuzzer and the tests; NULL-terminated. */
extern const struct proto_module *const proto_modules[];

/* Reset ctx for a new connection (keeps conn, host, expectbuffer,
 * datagram). */
void proto_reset(struct proto_ctx *ctx);

/* ---- helpers for modules (netproto.c) ---- */

/* The next complete line of unconsumed input (ending in "\n"), without its
 * "\r\n"; consumes it.  NULL when no full line is there yet. */
const char *proto_line(struct proto_ctx *ctx, size_t *len);
/* Printable rendering of untrusted bytes for a reason: at most 60 bytes,
 * control bytes as \xHH, "..." when cut. */
const char *proto_quote(const void *buf, size_t len, char *out, size_t outlen);
/* Set ctx->reason from a format (prefixed with the module's name) and
 * return PROTO_FAIL or PROTO_PASS. */
enum proto_result proto_fail(struct proto_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum proto_result proto_pass(struct proto_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append bytes / a formatted string to ctx->out; false when it does not
 * fit (the module then fails: requests are built from the config). */
bool proto_send(struct proto_ctx *ctx, const void *buf, size_t len);
bool proto_sendf(struct proto_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The value of protocol option NAME ("target", "secret", ...), or NULL. */
const char *proto_option(const struct proto_ctx *ctx, const char *name);
/* A fail reason for a line-oriented greeting: "greeting was 'X', expected
 * Y". */
enum proto_result proto_unexpected(struct proto_ctx *ctx, const char *what,
    const char *line, size_t len, const char *expected);

/* Helpers shared by the modules of a family. */
uint16_t proto_be16(const unsigned char *p);
uint32_t proto_be32(const unsigned char *p);
uint32_t proto_le24(const unsigned char *p);

/* Does the test get TLS by STARTTLS (STLS for POP) after the greeting
 * rather than at connect?  When it asks for TLS (ssl, smtps, imaps, pops),
 * is not "type tcpssl", and either the port is one where Monit does
 * STARTTLS (25, 587, 143; vigil adds POP's 110) or it names smtps, imaps
 * or pops on a port other than their implicit-TLS one (465, 993, 995);
 * and always for mysqls (MySQL's SSL request after the handshake). */
bool proto_wants_starttls(const struct connection *c);

/* The protocol name of a context's config in upper case (for reasons). */
const char *proto_name(const struct proto_ctx *ctx);

#endif
