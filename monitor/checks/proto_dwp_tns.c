/* Two protocols of the manual with one exchange each.
 *
 * DWP (Lotus Domino's web server): Monit sends "HEAD / HTTP/1.1" and takes
 * any line with a number below 400; vigil sends a whole HTTP/1.1 HEAD
 * request (with Host: an HTTP/1.1 server must answer 400 without one) and
 * wants an HTTP status line below 400.
 *
 * TNS (Oracle's listener): a CONNECT packet carrying
 * "(CONNECT_DATA=(COMMAND=ping))", what `tnsping` sends; the listener
 * answers with a REFUSE packet whose text says "(ERR=0)" when all is well.
 * A TNS packet: length (2, big-endian), packet checksum (2), type (1),
 * reserved (1), header checksum (2), then the type's fields. */
#include <stdio.h>
#include <string.h>

#include "monitor/checks/proto_all.h"

static enum proto_result
dwp_step(struct proto_ctx *ctx)
{
	const unsigned char *nl;
	int code;
	char q[256];

	if (ctx->state == 0) {
		if (!http_put_request(ctx, "HEAD", "/", NULL))
			return proto_fail(ctx, "request does not fit");
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the status line";
	code = http_status_parse((const char *)ctx->in, ctx->inlen);
	if (code == HTTP_GARBAGE) {
		size_t n;

		nl = memchr(ctx->in, '\n', ctx->inlen);
		n = nl ? (size_t)(nl - ctx->in) : ctx->inlen;
		if (n > 0 && ctx->in[n - 1] == '\r')
			n--;
		return proto_fail(ctx, "status line was '%s', expected 'HTTP/1.x NNN'",
		    proto_quote(ctx->in, n, q, sizeof(q)));
	}
	if (code == HTTP_INCOMPLETE)
		return ctx->eof ? proto_fail(ctx, "connection closed inside the status line") :
		    PROTO_MORE;
	if (code >= 400)
		return proto_fail(ctx, "status %d, expected below 400", code);
	return proto_pass(ctx, "status %d", code);
}

#define TNS_CONNECT	1
#define TNS_ACCEPT	2
#define TNS_REFUSE	4
#define TNS_REDIRECT	5
#define TNS_RESEND	11
#define TNS_HEADER	8
#define TNS_MAX		8192

/* The CONNECT packet of a ping, field by field. */
static size_t
tns_ping_packet(unsigned char *p, size_t room)
{
	static const char data[] = "(CONNECT_DATA=(COMMAND=ping))";
	const size_t off = 58, dlen = sizeof(data) - 1, total = off + dlen;

	if (room < total)
		return 0;
	memset(p, 0, total);
	p[0] = (unsigned char)(total >> 8);	/* packet length */
	p[1] = (unsigned char)total;
	p[4] = TNS_CONNECT;
	p[8] = 0x01, p[9] = 0x36;		/* version 310 */
	p[10] = 0x01, p[11] = 0x2c;		/* oldest compatible 300 */
	p[14] = 0x08, p[15] = 0x00;		/* session data unit 2048 */
	p[16] = 0x7f, p[17] = 0xff;		/* transport data unit */
	p[18] = 0x4f, p[19] = 0x98;		/* protocol characteristics */
	p[22] = 0x01, p[23] = 0x00;		/* 1 in the sender's byte order */
	p[24] = (unsigned char)(dlen >> 8);	/* connect data length */
	p[25] = (unsigned char)dlen;
	p[26] = 0x00, p[27] = (unsigned char)off;	/* connect data offset */
	memcpy(p + off, data, dlen);
	return total;
}

static enum proto_result
tns_step(struct proto_ctx *ctx)
{
	const unsigned char *p = ctx->in;
	size_t len;
	char q[256];

	if (ctx->state == 0) {
		size_t n = tns_ping_packet(ctx->out, sizeof(ctx->out));

		if (n == 0)
			return proto_fail(ctx, "ping packet does not fit");
		ctx->outlen = n;
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to the ping";
	if (ctx->inlen < TNS_HEADER)
		return ctx->eof ? proto_fail(ctx, "connection closed after %zu bytes",
		    ctx->inlen) : PROTO_MORE;
	len = proto_be16(p);
	if (len < TNS_HEADER || len > TNS_MAX || p[5] != 0 || (p[4] != TNS_ACCEPT &&
	    p[4] != TNS_REFUSE && p[4] != TNS_REDIRECT && p[4] != TNS_RESEND))
		return proto_fail(ctx, "answer to the ping '%s' is not a TNS accept, refuse, "
		    "redirect or resend packet", proto_quote(p, ctx->inlen, q, sizeof(q)));
	if (p[4] != TNS_REFUSE)
		return proto_pass(ctx, "listener answered the ping with a %s packet",
		    p[4] == TNS_ACCEPT ? "accept" : p[4] == TNS_REDIRECT ? "redirect" :
		    "resend");
	if (ctx->inlen < len)
		return ctx->eof ? proto_fail(ctx, "connection closed inside the refuse packet") :
		    PROTO_MORE;
	/* refuse: user reason (1), system reason (1), text length (2), text */
	if (len >= TNS_HEADER + 4) {
		size_t tl = proto_be16(p + TNS_HEADER + 2);
		const unsigned char *text = p + TNS_HEADER + 4;
		size_t have = len - TNS_HEADER - 4;
		const unsigned char *err;

		if (tl > have)
			tl = have;
		err = memmem(text, tl, "(ERR=", 5);
		if (err != NULL && (size_t)(text + tl - err) > 5 && err[5] != '0')
			return proto_fail(ctx, "listener refused the ping: '%s'",
			    proto_quote(err, (size_t)(text + tl - err), q, sizeof(q)));
		return proto_pass(ctx, "listener answered the ping: '%s'",
		    proto_quote(text, tl, q, sizeof(q)));
	}
	return proto_pass(ctx, "listener answered the ping with a refuse packet");
}

const struct proto_module proto_dwp = { "dwp", 16 * 1024, dwp_step };
const struct proto_module proto_tns = { "tns", TNS_MAX, tns_step };
