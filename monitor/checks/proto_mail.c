/* Line protocols with numeric replies (SMTP, LMTP, FTP, NNTP) and the mail
 * stores (POP, IMAP, ManageSieve): greeting, a polite goodbye, and the
 * reply codes the RFCs give, or STARTTLS first where the test asks for it. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "monitor/checks/proto_all.h"

/* One complete numeric reply ("250-a", "250 b"): 1 with its code and last
 * line, 0 when more input is needed, -1 when a line is not "NNN[ -]". */
static int
reply_code(struct proto_ctx *ctx, int *code, const char **line, size_t *len,
    bool *saw_starttls)
{
	const char *l;
	size_t n;

	while ((l = proto_line(ctx, &n)) != NULL) {
		int c;

		*line = l;
		*len = n;
		if (n < 3 || !isdigit((unsigned char)l[0]) || !isdigit((unsigned char)l[1]) ||
		    !isdigit((unsigned char)l[2]) || (n > 3 && l[3] != ' ' && l[3] != '-')) {
			/* FTP: text lines inside a multi-line reply */
			if (ctx->need != 0)
				continue;
			return -1;
		}
		c = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
		if (saw_starttls && n >= 12 && strncasecmp(l + 4, "STARTTLS", 8) == 0)
			*saw_starttls = true;
		if (n > 3 && l[3] == '-') {
			ctx->need = (size_t)c;	/* inside a multi-line reply */
			continue;
		}
		if (ctx->need != 0 && (size_t)c != ctx->need)
			continue;
		ctx->need = 0;
		*code = c;
		return 1;
	}
	return 0;
}

/* Wait for a reply; *code set when one is complete.  PROTO_MORE with
 * *code == 0 means "more input". */
static enum proto_result
await_code(struct proto_ctx *ctx, const char *what, int expect, int *code,
    bool *saw_starttls)
{
	const char *line = NULL;
	size_t len = 0;
	int got = 0;
	int r = reply_code(ctx, &got, &line, &len, saw_starttls);
	char exp[16];

	*code = 0;
	if (r == 0) {
		if (ctx->eof)
			return proto_fail(ctx, "connection closed while waiting for the %s", what);
		if (ctx->inlen - ctx->consumed > 2048)
			return proto_fail(ctx, "%s line longer than 2048 bytes", what);
		return PROTO_MORE;
	}
	snprintf(exp, sizeof(exp), "%d", expect);
	if (r < 0 || (got != expect && !(expect == 200 && got == 201)))
		return proto_unexpected(ctx, what, line, len, exp);
	*code = got;
	return PROTO_MORE;
}

enum { M_GREETING, M_HELLO, M_STARTTLS, M_QUIT, M_DONE };

/* SMTP and LMTP: greeting 220, EHLO/LHLO 250, [STARTTLS 220, EHLO again],
 * QUIT 221.  STARTTLS as proto_wants_starttls says ("protocol smtps" on a
 * port other than 465, where TLS is implicit, as Monit's users write it). */
static bool
smtp_wants_starttls(const struct proto_ctx *ctx)
{
	return !ctx->tls && proto_wants_starttls(ctx->conn);
}

/* The name after EHLO: the test's host when it is one word. */
static const char *
hello_name(const struct proto_ctx *ctx)
{
	const char *h = ctx->host;

	if (h[0] == '\0' || strlen(h) > 200 || strpbrk(h, " \t\r\n") != NULL)
		return "localhost";
	return h;
}

static enum proto_result
smtp_like(struct proto_ctx *ctx, const char *hello)
{
	bool starttls = false;
	int code;
	enum proto_result r;

	switch (ctx->state) {
	case M_GREETING:
		ctx->waiting = "the server greeting";
		r = await_code(ctx, "server greeting", 220, &code, NULL);
		if (r != PROTO_MORE || code == 0)
			return r;
		proto_sendf(ctx, "%s %s\r\n", hello, hello_name(ctx));
		ctx->state = M_HELLO;
		ctx->mark = 0;
		return PROTO_MORE;
	case M_HELLO:
		ctx->waiting = "the answer to EHLO";
		r = await_code(ctx, hello[0] == 'L' ? "answer to LHLO" : "answer to EHLO",
		    250, &code, &starttls);
		if (starttls)
			ctx->mark = 1;
		if (r != PROTO_MORE || code == 0)
			return r;
		if (smtp_wants_starttls(ctx)) {
			if (ctx->mark == 0)
				return proto_fail(ctx, "server does not offer STARTTLS");
			proto_sendf(ctx, "STARTTLS\r\n");
			ctx->state = M_STARTTLS;
			return PROTO_MORE;
		}
		proto_sendf(ctx, "QUIT\r\n");
		ctx->state = M_QUIT;
		return PROTO_MORE;
	case M_STARTTLS:
		ctx->waiting = "the answer to STARTTLS";
		r = await_code(ctx, "answer to STARTTLS", 220, &code, NULL);
		if (r != PROTO_MORE || code == 0)
			return r;
		ctx->starttls = true;
		ctx->state = M_GREETING + 10;	/* after the handshake: EHLO again */
		return PROTO_MORE;
	case M_GREETING + 10:
		if (!ctx->tls)
			return PROTO_MORE;
		proto_sendf(ctx, "%s %s\r\n", hello, hello_name(ctx));
		ctx->state = M_HELLO;
		ctx->mark = 0;
		return PROTO_MORE;
	case M_QUIT:
	default:
		ctx->waiting = "the answer to QUIT";
		r = await_code(ctx, "answer to QUIT", 221, &code, NULL);
		if (r != PROTO_MORE || code == 0)
			return r;
		return proto_pass(ctx, "greeting 220, %s 250, QUIT 221%s", hello,
		    ctx->tls ? " over TLS" : "");
	}
}

static enum proto_result
smtp_step(struct proto_ctx *ctx)
{
	return smtp_like(ctx, "EHLO");
}

static enum proto_result
lmtp_step(struct proto_ctx *ctx)
{
	return smtp_like(ctx, "LHLO");
}

/* FTP (greeting 220, QUIT 221) and NNTP (greeting 200/201, QUIT 205). */
static enum proto_result
greet_quit(struct proto_ctx *ctx, int greeting, int bye)
{
	int code;
	enum proto_result r;

	if (ctx->state == 0) {
		ctx->waiting = "the server greeting";
		r = await_code(ctx, "server greeting", greeting, &code, NULL);
		if (r != PROTO_MORE || code == 0)
			return r;
		proto_sendf(ctx, "QUIT\r\n");
		ctx->state = 1;
		ctx->id = (uint32_t)code;
		return PROTO_MORE;
	}
	ctx->waiting = "the answer to QUIT";
	r = await_code(ctx, "answer to QUIT", bye, &code, NULL);
	if (r != PROTO_MORE || code == 0)
		return r;
	return proto_pass(ctx, "greeting %u, QUIT %d", (unsigned)ctx->id, code);
}

static enum proto_result
ftp_step(struct proto_ctx *ctx)
{
	return greet_quit(ctx, 220, 221);
}

static enum proto_result
nntp_step(struct proto_ctx *ctx)
{
	return greet_quit(ctx, 200, 205);
}

/* The mail stores' states: greeting, [STARTTLS, handshake], goodbye. */
enum { S_GREETING, S_BYE, S_STARTTLS, S_TLS_UP };

/* POP3: "+OK" greeting, [STLS "+OK" (RFC 2595), TLS], QUIT "+OK". */
static enum proto_result
pop_step(struct proto_ctx *ctx)
{
	static const char *const what[] = { "server greeting", "answer to QUIT",
		"answer to STLS" };
	const char *l;
	size_t n;

	if (ctx->state == S_TLS_UP) {
		proto_sendf(ctx, "QUIT\r\n");
		ctx->state = S_BYE;
		return PROTO_MORE;
	}
	ctx->waiting = ctx->state == S_GREETING ? "the server greeting" :
	    ctx->state == S_BYE ? "the answer to QUIT" : "the answer to STLS";
	if ((l = proto_line(ctx, &n)) == NULL)
		return ctx->eof ? proto_fail(ctx, "connection closed while waiting for %s",
		    ctx->waiting) : PROTO_MORE;
	if (n < 3 || memcmp(l, "+OK", 3) != 0)
		return proto_unexpected(ctx, what[ctx->state], l, n, "'+OK'");
	if (ctx->state == S_GREETING && !ctx->tls && proto_wants_starttls(ctx->conn)) {
		proto_sendf(ctx, "STLS\r\n");
		ctx->state = S_STARTTLS;
		return PROTO_MORE;
	}
	if (ctx->state == S_STARTTLS) {
		ctx->starttls = true;
		ctx->id = 1;	/* for the verdict: TLS came by STLS */
		ctx->state = S_TLS_UP;
		return PROTO_MORE;
	}
	if (ctx->state == S_GREETING) {
		proto_sendf(ctx, "QUIT\r\n");
		ctx->state = S_BYE;
		return PROTO_MORE;
	}
	return proto_pass(ctx, "greeting +OK, %sQUIT +OK%s", ctx->id ? "STLS +OK, " : "",
	    ctx->tls ? " over TLS" : "");
}

/* IMAP: "* OK" (or "* PREAUTH") greeting, [V0 STARTTLS: "V0 OK" (RFC
 * 3501), TLS], LOGOUT: "* BYE" then "V1 OK". */
static enum proto_result
imap_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;

	if (ctx->state == S_TLS_UP) {
		proto_sendf(ctx, "V1 LOGOUT\r\n");
		ctx->state = S_BYE;
		return PROTO_MORE;
	}
	for (;;) {
		ctx->waiting = ctx->state == S_GREETING ? "the server greeting" :
		    ctx->state == S_BYE ? "the answer to LOGOUT" : "the answer to STARTTLS";
		if ((l = proto_line(ctx, &n)) == NULL)
			return ctx->eof ? proto_fail(ctx, "connection closed while waiting for %s",
			    ctx->waiting) : PROTO_MORE;
		if (ctx->state == S_GREETING) {
			if ((n >= 4 && memcmp(l, "* OK", 4) == 0) ||
			    (n >= 9 && memcmp(l, "* PREAUTH", 9) == 0)) {
				bool tls = !ctx->tls && proto_wants_starttls(ctx->conn);

				proto_sendf(ctx, tls ? "V0 STARTTLS\r\n" : "V1 LOGOUT\r\n");
				ctx->state = tls ? S_STARTTLS : S_BYE;
				return PROTO_MORE;
			}
			return proto_unexpected(ctx, "server greeting", l, n, "'* OK'");
		}
		if (n >= 1 && l[0] == '*')
			continue;	/* "* BYE" and other untagged lines */
		if (ctx->state == S_STARTTLS) {
			if (n >= 5 && memcmp(l, "V0 OK", 5) == 0) {
				ctx->starttls = true;
				ctx->id = 1;	/* for the verdict: TLS came by STARTTLS */
				ctx->state = S_TLS_UP;
				return PROTO_MORE;
			}
			return proto_unexpected(ctx, "answer to STARTTLS", l, n, "'V0 OK'");
		}
		if (n >= 5 && memcmp(l, "V1 OK", 5) == 0)
			return proto_pass(ctx, "greeting * OK, %sLOGOUT OK%s", ctx->id ?
			    "STARTTLS OK, " : "", ctx->tls ? " over TLS" : "");
		return proto_unexpected(ctx, "answer to LOGOUT", l, n, "'V1 OK'");
	}
}

/* ManageSieve (RFC 5804): capability lines ending in "OK", LOGOUT "OK". */
static enum proto_result
sieve_step(struct proto_ctx *ctx)
{
	const char *l;
	size_t n;

	for (;;) {
		ctx->waiting = ctx->state == 0 ? "the capabilities" : "the answer to LOGOUT";
		if ((l = proto_line(ctx, &n)) == NULL)
			return ctx->eof ? proto_fail(ctx, "connection closed while waiting for %s",
			    ctx->waiting) : PROTO_MORE;
		if (n >= 1 && l[0] == '"')
			continue;	/* "IMPLEMENTATION" "..." */
		if (n >= 2 && memcmp(l, "OK", 2) == 0) {
			if (ctx->state == 1)
				return proto_pass(ctx, "capabilities OK, LOGOUT OK");
			proto_sendf(ctx, "LOGOUT\r\n");
			ctx->state = 1;
			return PROTO_MORE;
		}
		return proto_unexpected(ctx, ctx->state == 0 ? "capability line" :
		    "answer to LOGOUT", l, n, "a quoted capability or 'OK'");
	}
}

const struct proto_module proto_smtp = { "smtp", 64 * 1024, smtp_step };
const struct proto_module proto_lmtp = { "lmtp", 64 * 1024, lmtp_step };
const struct proto_module proto_ftp = { "ftp", 64 * 1024, ftp_step };
const struct proto_module proto_nntp = { "nntp", 64 * 1024, nntp_step };
const struct proto_module proto_pop = { "pop", 64 * 1024, pop_step };
const struct proto_module proto_imap = { "imap", 64 * 1024, imap_step };
const struct proto_module proto_sieve = { "sieve", 64 * 1024, sieve_step };
