/* LDAP (an anonymous simple bind, version 3 or 2), MQTT 3.1.1 (CONNECT,
 * CONNACK) and WebSocket (the HTTP upgrade with its accept key). */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "monitor/checks/proto_all.h"

/* One BER element at p[0..len): its tag, where its value starts and its
 * length; false when it is malformed or does not fit. */
static bool
ber_next(const unsigned char *p, size_t len, unsigned *tag, size_t *hdr,
    size_t *vlen)
{
	size_t l, n;

	if (len < 2)
		return false;
	*tag = p[0];
	if (p[1] < 0x80) {
		l = p[1];
		n = 2;
	} else {
		size_t k = p[1] & 0x7f;

		if (k == 0 || k > 3 || len < 2 + k)
			return false;
		l = 0;
		for (size_t i = 0; i < k; i++)
			l = (l << 8) | p[2 + i];
		n = 2 + k;
	}
	if (l > len - n)
		return false;
	*hdr = n;
	*vlen = l;
	return true;
}

static const char *
ldap_result_name(unsigned rc)
{
	switch (rc) {
	case 1: return "operationsError";
	case 2: return "protocolError";
	case 7: return "authMethodNotSupported";
	case 8: return "strongerAuthRequired";
	case 48: return "inappropriateAuthentication";
	case 49: return "invalidCredentials";
	case 50: return "insufficientAccessRights";
	case 51: return "busy";
	case 52: return "unavailable";
	case 53: return "unwillingToPerform";
	default: return "an error";
	}
}

static enum proto_result
ldap_step(struct proto_ctx *ctx, unsigned version)
{
	unsigned char bind[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02,
		0x01, 0x03, 0x04, 0x00, 0x80, 0x00 };
	const unsigned char *p = ctx->in;
	size_t len = ctx->inlen, hdr, vl, off;
	unsigned tag;
	char q[256];

	if (ctx->state == 0) {
		bind[9] = (unsigned char)version;
		proto_send(ctx, bind, sizeof(bind));
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to the bind";
	if (len < 2 || (p[1] >= 0x80 && len < 2 + (size_t)(p[1] & 0x7f)))
		return ctx->eof ? proto_fail(ctx, "connection closed") : PROTO_MORE;
	if (p[0] != 0x30)
		return proto_fail(ctx, "answer '%s' is not an LDAP message",
		    proto_quote(p, len, q, sizeof(q)));
	if (!ber_next(p, len, &tag, &hdr, &vl)) {
		if (len < 8192 && !ctx->eof && (p[1] < 0x80 || (p[1] & 0x7f) <= 3))
			return PROTO_MORE;
		return proto_fail(ctx, "answer '%s' is not an LDAP message",
		    proto_quote(p, len, q, sizeof(q)));
	}
	off = hdr;
	len = hdr + vl;
	/* messageID 1 */
	if (!ber_next(p + off, len - off, &tag, &hdr, &vl) || tag != 0x02 || vl != 1 ||
	    p[off + hdr] != 1)
		return proto_fail(ctx, "answer is not to our message id");
	off += hdr + vl;
	/* [APPLICATION 1] BindResponse */
	if (!ber_next(p + off, len - off, &tag, &hdr, &vl) || (tag != 0x61 && tag != 0x78))
		return proto_fail(ctx, "answer is not a bind response");
	off += hdr;
	if (!ber_next(p + off, len - off, &tag, &hdr, &vl) || tag != 0x0a || vl != 1)
		return proto_fail(ctx, "bind response without a result code");
	if (p[off + hdr] != 0)
		return proto_fail(ctx, "anonymous bind refused: %s (%u)",
		    ldap_result_name(p[off + hdr]), p[off + hdr]);
	proto_send(ctx, "\x30\x05\x02\x01\x02\x42\x00", 7);	/* unbind */
	return proto_pass(ctx, "anonymous bind (version %u) succeeded", version);
}

static enum proto_result
ldap3_step(struct proto_ctx *ctx)
{
	return ldap_step(ctx, 3);
}

static enum proto_result
ldap2_step(struct proto_ctx *ctx)
{
	return ldap_step(ctx, 2);
}

static const char *const mqtt_refusals[] = { "accepted",
	"unacceptable protocol version", "identifier rejected", "server unavailable",
	"bad user name or password", "not authorized" };

/* MQTT 3.1.1 CONNECT with clean session, client id "vigil-<nonce>", the
 * test's username and password when given; CONNACK must accept. */
static enum proto_result
mqtt_step(struct proto_ctx *ctx)
{
	const struct connection *c = ctx->conn;
	unsigned char v[600];
	size_t n = 0;
	char id[24];
	const unsigned char *p = ctx->in;
	char q[256];

	if (ctx->state == 0) {
		size_t ul = c->username ? strlen(c->username) : 0;
		size_t pl = c->password ? strlen(c->password) : 0;

		if (ul > 200 || pl > 200)
			return proto_fail(ctx, "username or password longer than 200 bytes");
		snprintf(id, sizeof(id), "vigil-%02x%02x%02x%02x", ctx->nonce[0],
		    ctx->nonce[1], ctx->nonce[2], ctx->nonce[3]);
		memcpy(v, "\0\4MQTT\4", 7);
		n = 7;
		v[n++] = (unsigned char)(0x02 | (c->username ? 0x80 : 0) |
		    (c->password ? 0x40 : 0));
		v[n++] = 0;
		v[n++] = 60;
		v[n++] = 0;
		v[n++] = (unsigned char)strlen(id);
		memcpy(v + n, id, strlen(id));
		n += strlen(id);
		if (c->username) {
			v[n++] = 0;
			v[n++] = (unsigned char)ul;
			memcpy(v + n, c->username, ul);
			n += ul;
		}
		if (c->password) {
			v[n++] = 0;
			v[n++] = (unsigned char)pl;
			memcpy(v + n, c->password, pl);
			n += pl;
		}
		proto_send(ctx, "\x10", 1);
		if (n >= 128) {
			unsigned char rl[2] = { (unsigned char)(0x80 | (n & 0x7f)),
				(unsigned char)(n >> 7) };
			proto_send(ctx, rl, 2);
		} else {
			unsigned char rl = (unsigned char)n;
			proto_send(ctx, &rl, 1);
		}
		proto_send(ctx, v, n);
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "CONNACK";
	if (ctx->inlen < 4)
		return ctx->eof ? proto_fail(ctx, "connection closed after %zu bytes",
		    ctx->inlen) : PROTO_MORE;
	if (p[0] != 0x20 || p[1] != 2)
		return proto_fail(ctx, "answer to CONNECT was '%s', expected CONNACK",
		    proto_quote(p, ctx->inlen, q, sizeof(q)));
	if (p[3] != 0)
		return proto_fail(ctx, "connection refused: %s (%u)",
		    p[3] < 6 ? mqtt_refusals[p[3]] : "unknown reason", p[3]);
	proto_send(ctx, "\xe0\x00", 2);		/* DISCONNECT */
	return proto_pass(ctx, "CONNACK accepted");
}

/* WebSocket (RFC 6455): GET with Upgrade, "101" and the right
 * Sec-WebSocket-Accept; then a masked close frame. */
static enum proto_result
websocket_step(struct proto_ctx *ctx)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	const char *origin = proto_option(ctx, "origin");
	const char *version = proto_option(ctx, "version");
	char key[32], extra[400], want[64], cat[96], q[256];
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	size_t hend, vl;
	const char *v;
	int code;

	if (!proto_base64(ctx->nonce, 16, key, sizeof(key)))
		return proto_fail(ctx, "cannot make a key");
	if (ctx->state == 0) {
		if (origin && strpbrk(origin, "\r\n"))
			origin = NULL;
		if (version && strspn(version, "0123456789") != strlen(version))
			version = NULL;
		snprintf(extra, sizeof(extra), "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: %.4s\r\n%s%.200s%s",
		    key, version ? version : "13", origin ? "Origin: " : "",
		    origin ? origin : "", origin ? "\r\n" : "");
		if (!http_put_request(ctx, "GET", ctx->conn->request, extra))
			return proto_fail(ctx, "request does not fit");
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to the upgrade";
	hend = http_headers_end(ctx);
	if (ctx->inlen >= 5 && memcmp(ctx->in, "HTTP/", 5) != 0)
		return proto_fail(ctx, "status line was '%s', expected 'HTTP/1.1 101'",
		    proto_quote(ctx->in, ctx->inlen, q, sizeof(q)));
	if (hend == 0)
		return ctx->eof || ctx->inlen > 16384 ?
		    proto_fail(ctx, "no complete response headers") : PROTO_MORE;
	code = http_status_parse((const char *)ctx->in, hend);
	if (code != 101)
		return proto_fail(ctx, "status %d, expected 101 (switching protocols)", code);
	snprintf(cat, sizeof(cat), "%s%s", key, guid);
	if (EVP_Digest(cat, strlen(cat), dig, &dl, EVP_sha1(), NULL) != 1 ||
	    !proto_base64(dig, dl, want, sizeof(want)))
		return proto_fail(ctx, "cannot compute the accept key");
	v = http_header((const char *)ctx->in, hend, "Sec-WebSocket-Accept", &vl);
	if (v == NULL || vl != strlen(want) || memcmp(v, want, vl) != 0)
		return proto_fail(ctx, "Sec-WebSocket-Accept is missing or wrong");
	proto_send(ctx, "\x88\x80", 2);
	proto_send(ctx, ctx->nonce, 4);
	return proto_pass(ctx, "upgrade accepted");
}

const struct proto_module proto_ldap3 = { "ldap3", 8192, ldap3_step };
const struct proto_module proto_ldap2 = { "ldap2", 8192, ldap2_step };
const struct proto_module proto_mqtt = { "mqtt", 4096, mqtt_step };
const struct proto_module proto_websocket = { "websocket", 32768, websocket_step };
