/* apache-status: GET /server-status?auto from Apache's mod_status and
 * compare each "NAMElimit OP N%" of the test with the share of scoreboard
 * slots in that state (of the slots in use).  Any limit that holds fails
 * the test, as the manual's "or" reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/checks/proto_all.h"

static const struct {
	const char *option;
	char slot;
	const char *what;
} limits[] = {
	{ "loglimit", 'L', "logging" }, { "closelimit", 'C', "closing" },
	{ "dnslimit", 'D', "DNS lookup" }, { "keepalivelimit", 'K', "keepalive" },
	{ "replylimit", 'W', "replying" }, { "requestlimit", 'R', "reading requests" },
	{ "startlimit", 'S', "starting" }, { "waitlimit", '_', "waiting" },
	{ "gracefullimit", 'G', "finishing gracefully" },
	{ "cleanuplimit", 'I', "cleaning up" },
};

static bool
compare(const char *op, long have, long want)
{
	if (!strcmp(op, "<"))
		return have < want;
	if (!strcmp(op, "<="))
		return have <= want;
	if (!strcmp(op, ">="))
		return have >= want;
	if (!strcmp(op, "==") || !strcmp(op, "="))
		return have == want;
	if (!strcmp(op, "!="))
		return have != want;
	return have > want;
}

static enum proto_result
apache_status_step(struct proto_ctx *ctx)
{
	const char *req = ctx->conn->request ? ctx->conn->request : "/server-status?auto";
	const char *board, *end, *body;
	size_t hend, blen, total = 0, count[256] = { 0 };
	int code;
	char q[256];

	if (ctx->state == 0) {
		if (!http_put_request(ctx, "GET", req, NULL))
			return proto_fail(ctx, "request does not fit");
		ctx->state = 1;
		return PROTO_MORE;
	}
	ctx->waiting = "the status page";
	if (ctx->inlen >= 5 && memcmp(ctx->in, "HTTP/", 5) != 0)
		return proto_fail(ctx, "status line was '%s', expected 'HTTP/1.x 200'",
		    proto_quote(ctx->in, ctx->inlen, q, sizeof(q)));
	if (!ctx->eof)
		return PROTO_MORE;	/* Connection: close ends the page */
	hend = http_headers_end(ctx);
	if (hend == 0)
		return proto_fail(ctx, "no complete response");
	code = http_status_parse((const char *)ctx->in, hend);
	if (code != 200)
		return proto_fail(ctx, "status %d, expected 200 from mod_status", code);
	body = (const char *)ctx->in + hend;
	blen = ctx->inlen - hend;
	board = memmem(body, blen, "Scoreboard: ", 12);
	if (board == NULL)
		return proto_fail(ctx, "no 'Scoreboard:' line (is this mod_status with ?auto?)");
	board += 12;
	end = memchr(board, '\n', (size_t)(body + blen - board));
	if (end == NULL)
		end = body + blen;
	for (const char *p = board; p < end; p++) {
		if (*p == '.' || *p == '\r')
			continue;
		count[(unsigned char)*p]++;
		total++;
	}
	if (total == 0)
		return proto_fail(ctx, "scoreboard has no slot in use");
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const char *rule = proto_option(ctx, limits[i].option);
		char op[4];
		long want, have;

		if (rule == NULL || sscanf(rule, "%3s %ld", op, &want) != 2)
			continue;
		have = (long)(count[(unsigned char)limits[i].slot] * 100 / total);
		if (compare(op, have, want))
			return proto_fail(ctx, "%ld%% of %zu slots %s (%s %s)", have, total,
			    limits[i].what, limits[i].option, rule);
	}
	return proto_pass(ctx, "%zu slots in use, every limit within bounds", total);
}

const struct proto_module proto_apache_status = { "apache-status", 256 * 1024,
	apache_status_step };
