/* Database servers: MySQL/MariaDB (the server's handshake packet), PostgreSQL
 * (a StartupMessage answered by an authentication request, or an error that
 * shows the server is up and refused our made-up user), MongoDB (OP_MSG
 * hello answered with ok: 1). */
#include <string.h>

#include "monitor/checks/proto_all.h"

/* MySQL: [3-byte length][sequence 0][payload]; payload 0x0a is a v10
 * handshake ("5.5.5-10.11.6-MariaDB\0" ...), 0xff an error packet. */
static enum proto_result
mysql_step(struct proto_ctx *ctx)
{
	const unsigned char *p = ctx->in;
	size_t len, i;
	char q[256];

	ctx->waiting = "the server handshake";
	if (ctx->inlen < 4)
		return ctx->eof ? proto_fail(ctx, "connection closed after %zu bytes",
		    ctx->inlen) : PROTO_MORE;
	len = proto_le24(p);
	if (len < 2 || len > 8192 || p[3] != 0)
		return proto_fail(ctx, "first packet '%s' is not a MySQL handshake "
		    "(length %zu, sequence %u)", proto_quote(p, ctx->inlen, q, sizeof(q)),
		    len, p[3]);
	if (ctx->inlen < 4 + len)
		return ctx->eof ? proto_fail(ctx, "connection closed inside the handshake") :
		    PROTO_MORE;
	p += 4;
	if (p[0] == 0xff) {
		unsigned code = len >= 3 ? (unsigned)(p[1] | (p[2] << 8)) : 0;
		size_t skip = len > 3 && p[3] == '#' ? 9 : 3;

		return proto_fail(ctx, "server refused the connection: error %u '%s'", code,
		    proto_quote(p + (skip < len ? skip : len), len - (skip < len ? skip : len),
		    q, sizeof(q)));
	}
	if (p[0] != 10)
		return proto_fail(ctx, "handshake protocol version %u, expected 10", p[0]);
	for (i = 1; i < len && p[i] != 0; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return proto_fail(ctx, "server version is not printable");
	if (i >= len || len < i + 1 + 4 + 8 + 1)
		return proto_fail(ctx, "handshake of %zu bytes is too short", len);
	return proto_pass(ctx, "server version '%s'", proto_quote(p + 1, i - 1, q,
	    sizeof(q)));
}

/* PostgreSQL: an ErrorResponse field ('C' code, 'M' message). */
static const char *
pg_field(const unsigned char *p, size_t len, char type, size_t *flen)
{
	size_t i = 0;

	while (i < len && p[i] != 0) {
		char t = (char)p[i++];
		const unsigned char *v = p + i;
		const unsigned char *z = memchr(v, 0, len - i);

		if (z == NULL)
			return NULL;
		if (t == type) {
			*flen = (size_t)(z - v);
			return (const char *)v;
		}
		i += (size_t)(z - v) + 1;
	}
	return NULL;
}

static enum proto_result
pgsql_step(struct proto_ctx *ctx)
{
	static const unsigned char startup[] = {
		0, 0, 0, 35, 0, 3, 0, 0,
		'u', 's', 'e', 'r', 0, 'v', 'i', 'g', 'i', 'l', 0,
		'd', 'a', 't', 'a', 'b', 'a', 's', 'e', 0, 'v', 'i', 'g', 'i', 'l', 0, 0,
	};
	const unsigned char *p = ctx->in;
	size_t len, cl = 0, ml = 0;
	const char *code, *msg;
	char q[256], q2[256];

	if (ctx->state == 0) {
		proto_send(ctx, startup, sizeof(startup));
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to the startup message";
	if (ctx->inlen < 5)
		return ctx->eof ? proto_fail(ctx, "connection closed after %zu bytes",
		    ctx->inlen) : PROTO_MORE;
	len = proto_be32(p + 1);
	if ((p[0] != 'R' && p[0] != 'E') || len < 4 || len > 16384)
		return proto_fail(ctx, "answer to the startup message was '%s', expected "
		    "an authentication request or an error", proto_quote(p, ctx->inlen, q,
		    sizeof(q)));
	if (ctx->inlen < 1 + len)
		return ctx->eof ? proto_fail(ctx, "connection closed inside a message") :
		    PROTO_MORE;
	if (p[0] == 'R') {
		if (len < 8)
			return proto_fail(ctx, "authentication request of %zu bytes", len);
		proto_send(ctx, "X\0\0\0\4", 5);	/* Terminate */
		return proto_pass(ctx, "server asks for authentication (method %u)",
		    (unsigned)proto_be32(p + 5));
	}
	code = pg_field(p + 5, len - 4, 'C', &cl);
	msg = pg_field(p + 5, len - 4, 'M', &ml);
	if (code == NULL || cl != 5)
		return proto_fail(ctx, "error without an SQLSTATE code");
	/* class 28: our made-up user was refused; the server works */
	if (memcmp(code, "28", 2) == 0 || memcmp(code, "3D000", 5) == 0)
		return proto_pass(ctx, "server refused the probe user (%s)",
		    proto_quote(code, cl, q2, sizeof(q2)));
	return proto_fail(ctx, "server error %s '%s'", proto_quote(code, cl, q2, sizeof(q2)),
	    msg ? proto_quote(msg, ml, q, sizeof(q)) : "");
}

/* MongoDB OP_MSG { hello: 1, $db: "admin" }; the answer is an OP_MSG to
 * our request id whose document says ok: 1.0. */
static enum proto_result
mongodb_step(struct proto_ctx *ctx)
{
	static const unsigned char ok1[] = { 0x01, 'o', 'k', 0, 0, 0, 0, 0, 0, 0,
		0xf0, 0x3f };
	const unsigned char *p = ctx->in;
	size_t len;
	char q[256];

	if (ctx->state == 0) {
		unsigned char m[] = {
			58, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0,
			0, 0, 0, 0, 0,
			37, 0, 0, 0,
			0x10, 'h', 'e', 'l', 'l', 'o', 0, 1, 0, 0, 0,
			0x02, '$', 'd', 'b', 0, 6, 0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0,
			0,
		};
		m[0] = (unsigned char)sizeof(m);
		memcpy(m + 4, ctx->nonce, 4);
		m[21] = (unsigned char)(sizeof(m) - 21);
		proto_send(ctx, m, sizeof(m));
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to hello";
	if (ctx->inlen < 16)
		return ctx->eof ? proto_fail(ctx, "connection closed after %zu bytes",
		    ctx->inlen) : PROTO_MORE;
	len = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
	if (len < 16 || len > 1024 * 1024 || memcmp(p + 8, ctx->nonce, 4) != 0)
		return proto_fail(ctx, "answer '%s' is not a reply to our hello",
		    proto_quote(p, ctx->inlen, q, sizeof(q)));
	if (ctx->inlen < len)
		return ctx->eof ? proto_fail(ctx, "connection closed inside the reply") :
		    PROTO_MORE;
	if (memmem(p + 16, len - 16, ok1, sizeof(ok1)) == NULL)
		return proto_fail(ctx, "reply to hello does not say ok: 1");
	return proto_pass(ctx, "hello answered ok");
}

const struct proto_module proto_mysql = { "mysql", 16384, mysql_step };
const struct proto_module proto_pgsql = { "pgsql", 32768, pgsql_step };
const struct proto_module proto_mongodb = { "mongodb", 1024 * 1024 + 16,
	mongodb_step };
