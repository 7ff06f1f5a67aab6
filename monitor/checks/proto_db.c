/* Database servers: MySQL/MariaDB (the server's handshake packet), PostgreSQL
 * (a StartupMessage answered by an authentication request, or an error that
 * shows the server is up and refused our made-up user), MongoDB (OP_MSG
 * hello answered with ok: 1). */
#include <stdio.h>
#include <string.h>

#include "monitor/checks/proto_all.h"

/* MySQL: [3-byte length][sequence][payload]; the first payload 0x0a is a
 * v10 handshake ("5.5.5-10.11.6-MariaDB\0" ...), 0xff an error packet.
 * mysqls (Monit's STARTTLS for MySQL): the handshake must offer CLIENT_SSL;
 * an SSL request (sequence 1), TLS, then a login as a made-up user
 * (sequence 2) whose answer, OK, error or auth switch, shows a MySQL server
 * speaking over TLS. */
#define MYSQL_CLIENT_LONG_PASSWORD	0x00000001u
#define MYSQL_CLIENT_PROTOCOL_41	0x00000200u
#define MYSQL_CLIENT_SSL		0x00000800u
#define MYSQL_CLIENT_SECURE_CONN	0x00008000u
#define MYSQL_CLIENT_PLUGIN_AUTH	0x00080000u
#define MYSQL_CLIENT_FLAGS (MYSQL_CLIENT_LONG_PASSWORD | MYSQL_CLIENT_PROTOCOL_41 | \
	MYSQL_CLIENT_SSL | MYSQL_CLIENT_SECURE_CONN | MYSQL_CLIENT_PLUGIN_AUTH)

enum { MY_HANDSHAKE, MY_TLS_UP, MY_LOGIN };

/* A packet's header and payload, once complete: 1, 0 for more input,
 * PROTO_FAIL's reason set and -1 when the header is not MySQL's. */
static int
mysql_packet(struct proto_ctx *ctx, const char *what, const unsigned char **payload,
    size_t *len)
{
	char q[256];

	if (ctx->inlen < 4) {
		if (ctx->eof) {
			proto_fail(ctx, "connection closed after %zu bytes of the %s",
			    ctx->inlen, what);
			return -1;
		}
		return 0;
	}
	*len = proto_le24(ctx->in);
	if (*len < 2 || *len > 8192) {
		proto_fail(ctx, "%s '%s' is not a MySQL packet (length %zu)", what,
		    proto_quote(ctx->in, ctx->inlen, q, sizeof(q)), *len);
		return -1;
	}
	if (ctx->inlen < 4 + *len) {
		if (ctx->eof) {
			proto_fail(ctx, "connection closed inside the %s", what);
			return -1;
		}
		return 0;
	}
	*payload = ctx->in + 4;
	return 1;
}

/* An error packet's words: "error 1045 'Access denied ...'". */
static const char *
mysql_error_text(const unsigned char *p, size_t len, char *out, size_t outlen)
{
	unsigned code = len >= 3 ? (unsigned)(p[1] | (p[2] << 8)) : 0;
	size_t skip = len > 3 && p[3] == '#' ? 9 : 3;
	char q[256];

	if (skip > len)
		skip = len;
	snprintf(out, outlen, "error %u '%s'", code, proto_quote(p + skip, len - skip, q,
	    sizeof(q)));
	return out;
}

/* The login after TLS: HandshakeResponse41 for user "vigil" with an empty
 * password (sequence 2, after the SSL request's 1). */
static bool
mysql_send_login(struct proto_ctx *ctx)
{
	static const char user[] = "vigil", plugin[] = "mysql_native_password";
	unsigned char pkt[4 + 32 + sizeof(user) + 1 + sizeof(plugin)];
	size_t n = 4;

	memset(pkt, 0, sizeof(pkt));
	pkt[n++] = MYSQL_CLIENT_FLAGS & 0xff;
	pkt[n++] = (MYSQL_CLIENT_FLAGS >> 8) & 0xff;
	pkt[n++] = (MYSQL_CLIENT_FLAGS >> 16) & 0xff;
	pkt[n++] = (MYSQL_CLIENT_FLAGS >> 24) & 0xff;
	pkt[n + 2] = 0x01;	/* max packet 16 MiB */
	n += 4;
	pkt[n++] = 0x21;	/* utf8_general_ci */
	n += 23;		/* filler */
	memcpy(pkt + n, user, sizeof(user));
	n += sizeof(user);
	pkt[n++] = 0;		/* auth response: none */
	memcpy(pkt + n, plugin, sizeof(plugin));
	n += sizeof(plugin);
	pkt[0] = (unsigned char)(n - 4);
	pkt[3] = 2;
	return proto_send(ctx, pkt, n);
}

static enum proto_result
mysql_step(struct proto_ctx *ctx)
{
	const unsigned char *p = NULL;
	size_t len = 0, i;
	uint32_t caps;
	char q[256];
	int r;

	if (ctx->state == MY_TLS_UP) {
		if (!mysql_send_login(ctx))
			return proto_fail(ctx, "login packet does not fit");
		ctx->state = MY_LOGIN;
		return PROTO_MORE;
	}
	if (ctx->state == MY_LOGIN) {
		char version[PROTO_REASON_MAX];

		ctx->waiting = "the answer to the login";
		memcpy(version, ctx->reason, sizeof(version));
		if ((r = mysql_packet(ctx, "answer to the login", &p, &len)) <= 0)
			return r < 0 ? PROTO_FAIL : PROTO_MORE;
		if (p[0] == 0xff)
			return proto_pass(ctx, "server version '%s', TLS, login answered with %s",
			    version, mysql_error_text(p, len, q, sizeof(q)));
		if (p[0] == 0x00 || p[0] == 0xfe)
			return proto_pass(ctx, "server version '%s', TLS, login answered (%s)",
			    version, p[0] == 0 ? "OK" : "authentication switch");
		return proto_fail(ctx, "answer to the login over TLS was '%s', expected an "
		    "OK, error or authentication switch packet", proto_quote(p, len, q,
		    sizeof(q)));
	}
	ctx->waiting = "the server handshake";
	if ((r = mysql_packet(ctx, "first packet", &p, &len)) <= 0)
		return r < 0 ? PROTO_FAIL : PROTO_MORE;
	if (ctx->in[3] != 0)
		return proto_fail(ctx, "first packet has sequence %u, expected 0", ctx->in[3]);
	if (p[0] == 0xff)
		return proto_fail(ctx, "server refused the connection: %s",
		    mysql_error_text(p, len, q, sizeof(q)));
	if (p[0] != 10)
		return proto_fail(ctx, "handshake protocol version %u, expected 10", p[0]);
	for (i = 1; i < len && p[i] != 0; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return proto_fail(ctx, "server version is not printable");
	if (i >= len || len < i + 1 + 4 + 8 + 1 + 2)
		return proto_fail(ctx, "handshake of %zu bytes is too short", len);
	if (ctx->tls || !proto_wants_starttls(ctx->conn))
		return proto_pass(ctx, "server version '%s'", proto_quote(p + 1, i - 1, q,
		    sizeof(q)));
	/* version NUL, thread id (4), salt (8), filler (1), capabilities (2) */
	caps = (uint32_t)p[i + 14] | ((uint32_t)p[i + 15] << 8);
	if (!(caps & MYSQL_CLIENT_SSL))
		return proto_fail(ctx, "server version '%s' does not offer TLS (no CLIENT_SSL "
		    "in its capabilities: start it with ssl-cert and ssl-key)",
		    proto_quote(p + 1, i - 1, q, sizeof(q)));
	/* the version, for the verdict after TLS (reason is free till then) */
	proto_quote(p + 1, i - 1, ctx->reason, sizeof(ctx->reason));
	ctx->consumed = 4 + len;
	{
		unsigned char req[4 + 32] = { 32, 0, 0, 1 };

		req[4] = MYSQL_CLIENT_FLAGS & 0xff;
		req[5] = (MYSQL_CLIENT_FLAGS >> 8) & 0xff;
		req[6] = (MYSQL_CLIENT_FLAGS >> 16) & 0xff;
		req[7] = (MYSQL_CLIENT_FLAGS >> 24) & 0xff;
		req[10] = 0x01;		/* max packet 16 MiB */
		req[12] = 0x21;		/* utf8_general_ci */
		proto_send(ctx, req, sizeof(req));
	}
	ctx->starttls = true;
	ctx->state = MY_TLS_UP;
	return PROTO_MORE;
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
