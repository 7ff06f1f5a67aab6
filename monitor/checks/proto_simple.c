/* Small request/answer protocols: SSH's version exchange, Redis PING,
 * memcached "version", ClamAV PING, SpamAssassin PING, rsync's greeting,
 * the Postfix policy delegation, gpsd, fail2ban's socket and rdate. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "monitor/checks/proto_all.h"

/* Wait for one line; PROTO_MORE with *l == NULL means "more input". */
static enum proto_result
one_line(struct proto_ctx *ctx, const char *what, const char **l, size_t *n,
    size_t limit)
{
	ctx->waiting = what;
	*l = proto_line(ctx, n);
	if (*l != NULL)
		return PROTO_MORE;
	if (ctx->eof)
		return proto_fail(ctx, "connection closed while waiting for %s", what);
	if (ctx->inlen - ctx->consumed > limit)
		return proto_fail(ctx, "%s longer than %zu bytes", what, limit);
	return PROTO_MORE;
}

static bool
starts(const char *l, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && memcmp(l, prefix, p) == 0;
}

/* SSH (RFC 4253 4.2): the version line is "SSH-2.0-..." (or "SSH-1.99-").  Our own version goes back so
 * the server logs a clean disconnect. */
static enum proto_result
ssh_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;
	enum proto_result r;
	char q[256];

	r = one_line(ctx, "the SSH version line", &l, &n, 255);
	if (l == NULL)
		return r;
	/* RFC 4253 lets other lines come first; no server on Debian sends
	 * them, and waiting for more would turn garbage into a timeout. */
	if (!starts(l, n, "SSH-2.0-") && !starts(l, n, "SSH-1.99-"))
		return proto_unexpected(ctx, "server greeting", l, n, "'SSH-2.0-...'");
	proto_sendf(ctx, "SSH-2.0-vigil\r\n");
	return proto_pass(ctx, "server version '%s'", proto_quote(l, n, q, sizeof(q)));
}

/* Request one line, expect one line starting with `ok`. */
static enum proto_result
ask_line(struct proto_ctx *ctx, const char *request, size_t reqlen,
    const char *ok, const char *what)
{
	const char *l;
	size_t n;
	enum proto_result r;
	char exp[64], q[256];

	if (ctx->state == 0) {
		proto_send(ctx, request, reqlen);
		ctx->state = 1;
		return PROTO_MORE;
	}
	r = one_line(ctx, what, &l, &n, 1024);
	if (l == NULL)
		return r;
	snprintf(exp, sizeof(exp), "'%s'", ok);
	if (!starts(l, n, ok))
		return proto_unexpected(ctx, what, l, n, exp);
	return proto_pass(ctx, "%s '%s'", what, proto_quote(l, n, q, sizeof(q)));
}

static enum proto_result
redis_step(struct proto_ctx *ctx)
{
	enum proto_result r = ask_line(ctx, "PING\r\n", 6, "+PONG", "answer to PING");

	if (r == PROTO_PASS)
		proto_sendf(ctx, "QUIT\r\n");
	return r;
}

static enum proto_result
memcache_step(struct proto_ctx *ctx)
{
	return ask_line(ctx, "version\r\n", 9, "VERSION ", "answer to version");
}

static enum proto_result
clamav_step(struct proto_ctx *ctx)
{
	return ask_line(ctx, "PING\n", 5, "PONG", "answer to PING");
}

/* spamd: "SPAMD/1.5 0 PONG" */
static enum proto_result
spamassassin_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;
	enum proto_result r;

	if (ctx->state == 0) {
		proto_sendf(ctx, "PING SPAMC/1.2\r\n\r\n");
		ctx->state = 1;
		return PROTO_MORE;
	}
	r = one_line(ctx, "answer to PING", &l, &n, 1024);
	if (l == NULL)
		return r;
	if (!starts(l, n, "SPAMD/") || n < 7 || memmem(l, n, " 0 PONG", 7) == NULL)
		return proto_unexpected(ctx, "answer to PING", l, n, "'SPAMD/1.x 0 PONG'");
	return proto_pass(ctx, "PONG");
}

/* rsync daemon: "@RSYNCD: <version>", then "#list" answers module lines
 * and "@RSYNCD: EXIT". */
static enum proto_result
rsync_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;
	enum proto_result r;

	for (;;) {
		r = one_line(ctx, ctx->state == 0 ? "the server greeting" :
		    "the module list", &l, &n, 4096);
		if (l == NULL)
			return r;
		if (ctx->state == 0) {
			if (!starts(l, n, "@RSYNCD: ") || n < 10 || l[9] < '0' || l[9] > '9')
				return proto_unexpected(ctx, "server greeting", l, n,
				    "'@RSYNCD: <version>'");
			proto_sendf(ctx, "@RSYNCD: 30.0\n#list\n");
			ctx->state = 1;
			return PROTO_MORE;
		}
		if (starts(l, n, "@RSYNCD: EXIT"))
			return proto_pass(ctx, "greeting and module list");
		if (starts(l, n, "@ERROR"))
			return proto_unexpected(ctx, "answer to #list", l, n, "a module list");
		if (++ctx->id > 10000)
			return proto_fail(ctx, "module list longer than 10000 lines");
	}
}

/* Postfix SMTP access policy delegation: attributes, a blank line; the
 * answer is "action=..." and a blank line. */
static enum proto_result
policy_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;
	enum proto_result r;

	if (ctx->state == 0) {
		proto_sendf(ctx, "request=smtpd_access_policy\nprotocol_state=RCPT\n"
		    "protocol_name=SMTP\nsender=vigil@localhost\nrecipient=vigil@localhost\n"
		    "client_address=127.0.0.1\nclient_name=localhost\n\n");
		ctx->state = 1;
		return PROTO_MORE;
	}
	for (;;) {
		r = one_line(ctx, "the policy answer", &l, &n, 4096);
		if (l == NULL)
			return r;
		if (ctx->state == 1) {
			if (!starts(l, n, "action=") || n == 7)
				return proto_unexpected(ctx, "policy answer", l, n, "'action=...'");
			ctx->state = 2;
			continue;
		}
		if (n == 0)
			return proto_pass(ctx, "policy server answered an action");
		return proto_unexpected(ctx, "policy answer", l, n, "one 'action=' line");
	}
}

/* gpsd: "?VERSION;" answers a JSON object of class VERSION. */
static enum proto_result
gps_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;
	enum proto_result r;

	if (ctx->state == 0) {
		proto_sendf(ctx, "?VERSION;\n");
		ctx->state = 1;
		return PROTO_MORE;
	}
	for (;;) {
		r = one_line(ctx, "the VERSION object", &l, &n, 4096);
		if (l == NULL)
			return r;
		if (n == 0 || l[0] != '{')
			return proto_unexpected(ctx, "answer to ?VERSION", l, n,
			    "a JSON object of class VERSION");
		if (memmem(l, n, "\"class\":\"VERSION\"", 17) != NULL)
			return proto_pass(ctx, "gpsd answered its VERSION");
		if (++ctx->id > 16)
			return proto_fail(ctx, "no VERSION object in 16 lines");
	}
}

/* fail2ban's socket: a pickled ["ping"] and "<F2B_END_COMMAND>"; the
 * answer is a pickle holding "pong" before the same terminator. */
static enum proto_result
fail2ban_step(struct proto_ctx *ctx)
{
	static const unsigned char ping[] = "\x80\x02]q\x00X\x04\x00\x00\x00pingq\x01"
	    "a.<F2B_END_COMMAND>";
	static const char end[] = "<F2B_END_COMMAND>";
	const unsigned char *e;
	char q[256];

	if (ctx->state == 0) {
		proto_send(ctx, ping, sizeof(ping) - 1);
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to ping";
	e = memmem(ctx->in, ctx->inlen, end, sizeof(end) - 1);
	if (e == NULL) {
		if (ctx->eof || ctx->inlen > 4096)
			return proto_fail(ctx, "answer to ping was '%s', expected a pickle "
			    "ending in <F2B_END_COMMAND>", proto_quote(ctx->in, ctx->inlen, q,
			    sizeof(q)));
		return PROTO_MORE;
	}
	if (ctx->in[0] != 0x80 || memmem(ctx->in, (size_t)(e - ctx->in), "pong", 4) == NULL)
		return proto_fail(ctx, "answer to ping was '%s', expected a pickled 'pong'",
		    proto_quote(ctx->in, (size_t)(e - ctx->in), q, sizeof(q)));
	return proto_pass(ctx, "pong");
}

/* rdate (RFC 868): four bytes, seconds since 1900; the clock of the server
 * may be off, but not by more than a day, or it is not a time server. */
static enum proto_result
rdate_step(struct proto_ctx *ctx)
{
	int64_t t, diff;

	ctx->waiting = "the time";
	if (ctx->inlen < 4)
		return ctx->eof ? proto_fail(ctx, "connection closed after %zu of 4 bytes",
		    ctx->inlen) : PROTO_MORE;
	if (ctx->inlen > 4 || (ctx->inlen == 4 && !ctx->eof && !ctx->datagram)) {
		if (ctx->inlen > 4)
			return proto_fail(ctx, "answer is %zu bytes, expected 4", ctx->inlen);
		return PROTO_MORE;	/* RFC 868: the server closes after 4 bytes */
	}
	t = (int64_t)proto_be32(ctx->in) - 2208988800LL;
	diff = t - ctx->now;
	if (diff > 86400 || diff < -86400)
		return proto_fail(ctx, "server time is %lld s away from ours",
		    (long long)diff);
	return proto_pass(ctx, "server time within %lld s of ours",
	    (long long)(diff < 0 ? -diff : diff));
}

const struct proto_module proto_ssh = { "ssh", 8192, ssh_step };
const struct proto_module proto_redis = { "redis", 8192, redis_step };
const struct proto_module proto_memcache = { "memcache", 8192, memcache_step };
const struct proto_module proto_clamav = { "clamav", 8192, clamav_step };
const struct proto_module proto_spamassassin = { "spamassassin", 8192,
	spamassassin_step };
const struct proto_module proto_rsync = { "rsync", 1024 * 1024, rsync_step };
const struct proto_module proto_postfix_policy = { "postfix-policy", 8192,
	policy_step };
const struct proto_module proto_gps = { "gps", 64 * 1024, gps_step };
const struct proto_module proto_fail2ban = { "fail2ban", 8192, fail2ban_step };
const struct proto_module proto_rdate = { "rdate", 64, rdate_step };
