/* Datagram-first protocols: DNS (TCP with a length prefix, or UDP), NTP
 * version 3 (UDP), RADIUS Status-Server (UDP, RFC 5997) and SIP OPTIONS
 * (UDP or TCP). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "monitor/checks/proto_all.h"

static const char *const dns_rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL",
	"NXDOMAIN", "NOTIMP", "REFUSED" };

/* A query for the root's NS records, recursion not desired (a forwarder
 * answers from what it has); any well-formed answer to our id with
 * NOERROR, NXDOMAIN or REFUSED shows a DNS server at work. */
static enum proto_result
dns_step(struct proto_ctx *ctx)
{
	/* id, flags 0 (a standard query), one question: ". IN NS" */
	unsigned char q[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0, 0, 2, 0, 1 };
	const unsigned char *p = ctx->in;
	size_t len = ctx->inlen, off = ctx->datagram ? 0 : 2;
	unsigned rcode;
	char buf[256];

	if (ctx->state == 0) {
		memcpy(q, ctx->nonce, 2);
		if (!ctx->datagram)
			proto_send(ctx, "\0\x11", 2);
		proto_send(ctx, q, sizeof(q));
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the DNS answer";
	if (len == 0)
		return ctx->eof ? proto_fail(ctx, "connection closed") : PROTO_MORE;
	/* judge the header as soon as it is there: garbage over TCP would
	 * otherwise be read as a length and waited for */
	if (len < off + 12)
		return !ctx->datagram && !ctx->eof ? PROTO_MORE :
		    proto_fail(ctx, "answer '%s' is shorter than a DNS header",
		    proto_quote(p, len, buf, sizeof(buf)));
	if (memcmp(p + off, ctx->nonce, 2) != 0 || !(p[off + 2] & 0x80) ||
	    (p[off + 2] & 0x78) != 0 || (!ctx->datagram && proto_be16(p) < 12))
		return proto_fail(ctx, "answer '%s' is not a response to our query",
		    proto_quote(p, len, buf, sizeof(buf)));
	if (!ctx->datagram && len < 2 + (size_t)proto_be16(p))
		return ctx->eof ? proto_fail(ctx, "connection closed inside the answer") :
		    PROTO_MORE;
	p += off;
	rcode = p[3] & 0x0f;
	if (rcode != 0 && rcode != 3 && rcode != 5)
		return proto_fail(ctx, "server answered %s",
		    rcode < 6 ? dns_rcodes[rcode] : "an unknown error");
	return proto_pass(ctx, "server answered %s", dns_rcodes[rcode]);
}

/* NTP: mode 3 (client), version 3, our cookie as transmit time; the reply
 * is mode 4 with the cookie as origin time and a stratum of 1..15 (0 is a
 * kiss-o'-death, 16 an unsynchronised server). */
static enum proto_result
ntp3_step(struct proto_ctx *ctx)
{
	unsigned char req[48] = { 0x1b };
	const unsigned char *p = ctx->in;
	char buf[256];

	if (ctx->state == 0) {
		memcpy(req + 40, ctx->nonce, 8);
		proto_send(ctx, req, sizeof(req));
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the NTP reply";
	if (ctx->inlen == 0)
		return ctx->eof ? proto_fail(ctx, "connection closed") : PROTO_MORE;
	if (ctx->inlen < 48)
		return ctx->datagram || ctx->eof ? proto_fail(ctx, "reply '%s' is shorter "
		    "than 48 bytes", proto_quote(p, ctx->inlen, buf, sizeof(buf))) : PROTO_MORE;
	if ((p[0] & 7) != 4 || memcmp(p + 24, ctx->nonce, 8) != 0)
		return proto_fail(ctx, "reply is not a server answer to our request "
		    "(mode %u)", p[0] & 7);
	if (((p[0] >> 3) & 7) < 3)
		return proto_fail(ctx, "server speaks NTP version %u", (p[0] >> 3) & 7);
	if (p[1] == 0)
		return proto_fail(ctx, "kiss-o'-death '%s'", proto_quote(p + 12, 4, buf,
		    sizeof(buf)));
	if (p[1] >= 16 || (p[0] >> 6) == 3)
		return proto_fail(ctx, "server is not synchronised (stratum %u)", p[1]);
	return proto_pass(ctx, "stratum %u", p[1]);
}

/* RADIUS Status-Server (RFC 5997) with a Message-Authenticator; the
 * answer's Response Authenticator proves the server knows the secret. */
static enum proto_result
radius_step(struct proto_ctx *ctx)
{
	const char *secret = proto_option(ctx, "secret");
	unsigned char pkt[38], mac[EVP_MAX_MD_SIZE], chk[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, n = 0;
	const unsigned char *p = ctx->in;
	size_t len;
	EVP_MD_CTX *md;
	char buf[256];

	if (secret == NULL)
		secret = "testing123";	/* Monit's default */
	if (ctx->state == 0) {
		memset(pkt, 0, sizeof(pkt));
		pkt[0] = 12;
		pkt[1] = ctx->nonce[0];
		pkt[3] = sizeof(pkt);
		memcpy(pkt + 4, ctx->nonce, 16);
		pkt[20] = 80;		/* Message-Authenticator */
		pkt[21] = 18;
		if (HMAC(EVP_md5(), secret, (int)strlen(secret), pkt, sizeof(pkt), mac,
		    &maclen) == NULL || maclen != 16)
			return proto_fail(ctx, "cannot compute the Message-Authenticator");
		memcpy(pkt + 22, mac, 16);
		proto_send(ctx, pkt, sizeof(pkt));
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the RADIUS answer";
	if (ctx->inlen == 0)
		return ctx->eof ? proto_fail(ctx, "connection closed") : PROTO_MORE;
	if (ctx->inlen < 20)
		return proto_fail(ctx, "answer '%s' is shorter than a RADIUS header",
		    proto_quote(p, ctx->inlen, buf, sizeof(buf)));
	len = proto_be16(p + 2);
	if (len < 20 || len > ctx->inlen || p[1] != ctx->nonce[0])
		return proto_fail(ctx, "answer is not a reply to our request");
	if (p[0] != 2 && p[0] != 5)
		return proto_fail(ctx, "server answered code %u, expected Access-Accept (2)",
		    p[0]);
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_md5(), NULL) != 1 ||
	    EVP_DigestUpdate(md, p, 4) != 1 ||
	    EVP_DigestUpdate(md, ctx->nonce, 16) != 1 ||
	    EVP_DigestUpdate(md, p + 20, len - 20) != 1 ||
	    EVP_DigestUpdate(md, secret, strlen(secret)) != 1 ||
	    EVP_DigestFinal_ex(md, chk, &n) != 1) {
		EVP_MD_CTX_free(md);
		return proto_fail(ctx, "cannot check the Response Authenticator");
	}
	EVP_MD_CTX_free(md);
	if (memcmp(chk, p + 4, 16) != 0)
		return proto_fail(ctx, "Response Authenticator is wrong (another secret?)");
	return proto_pass(ctx, "Status-Server accepted");
}

/* SIP OPTIONS: any 2xx final answer (RFC 3261 11.2). */
static enum proto_result
sip_step(struct proto_ctx *ctx)
{
	const char *target = proto_option(ctx, "target");
	const char *mf = proto_option(ctx, "maxforward");
	const char *l;
	size_t n;
	char tag[256];

	if (ctx->state == 0) {
		for (int i = 0; i < 16; i++)
			snprintf(tag + 2 * i, 3, "%02x", ctx->nonce[i]);
		if (target == NULL || strpbrk(target, "\r\n <>") != NULL || strlen(target) > 200)
			target = ctx->host;
		if (!proto_sendf(ctx, "OPTIONS sip:%s SIP/2.0\r\n"
		    "Via: SIP/2.0/%s localhost;branch=z9hG4bK%.16s;rport\r\n"
		    "Max-Forwards: %d\r\nTo: <sip:%s>\r\n"
		    "From: <sip:vigil@localhost>;tag=%.8s\r\nCall-ID: %s@localhost\r\n"
		    "CSeq: 1 OPTIONS\r\nContact: <sip:vigil@localhost>\r\n"
		    "Accept: application/sdp\r\nUser-Agent: vigil\r\nContent-Length: 0\r\n\r\n",
		    target, ctx->datagram ? "UDP" : ctx->tls ? "TLS" : "TCP", tag,
		    mf ? atoi(mf) : 70, target, tag + 16, tag))
			return proto_fail(ctx, "request does not fit");
		ctx->state = 1;
		return PROTO_MORE;
	}
	for (;;) {
		ctx->waiting = "the answer to OPTIONS";
		l = proto_line(ctx, &n);
		if (l == NULL) {
			if (ctx->datagram && ctx->inlen > 0)
				return proto_unexpected(ctx, "answer to OPTIONS", (const char *)ctx->in,
				    ctx->inlen, "'SIP/2.0 200'");
			return ctx->eof ? proto_fail(ctx, "connection closed") : PROTO_MORE;
		}
		if (n < 12 || memcmp(l, "SIP/2.0 ", 8) != 0 || l[8] < '1' || l[8] > '6')
			return proto_unexpected(ctx, "status line", l, n, "'SIP/2.0 200'");
		if (l[8] == '1') {		/* provisional: the final answer follows */
			while ((l = proto_line(ctx, &n)) != NULL && n > 0)
				;
			if (l == NULL && !ctx->datagram)
				return PROTO_MORE;
			continue;
		}
		if (l[8] != '2')
			return proto_unexpected(ctx, "answer to OPTIONS", l, n, "'SIP/2.0 2xx'");
		return proto_pass(ctx, "'%s'", proto_quote(l, n, tag, sizeof(tag)));
	}
}

const struct proto_module proto_dns = { "dns", 65537, dns_step };
const struct proto_module proto_ntp3 = { "ntp3", 4096, ntp3_step };
const struct proto_module proto_radius = { "radius", 4096, radius_step };
const struct proto_module proto_sip = { "sip", 65536, sip_step };
