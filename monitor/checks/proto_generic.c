/* Generic send/expect ("protocol generic" or send/expect without a
 * protocol).  An expect reads what the server sent, at most "set
 * expectbuffer" bytes (Monit's 256 by default), and matches it as a PCRE2
 * pattern.  A mismatch fails as soon as the server finished a line, filled
 * the buffer, ended a datagram or closed: not after the timeout. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "monitor/checks/proto_all.h"

static int
expect_match(const struct sendexpect *se, const unsigned char *buf, size_t len)
{
	pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE off;
	int err, rc;

	re = pcre2_compile((PCRE2_SPTR)se->data, se->len, 0, &err, &off, NULL);
	if (re == NULL)		/* not a pattern: the text as written */
		return len >= se->len && memcmp(buf, se->data, se->len) == 0;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md ? pcre2_match(re, buf, len, 0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

static enum proto_result
generic_step(struct proto_ctx *ctx)
{
	char q1[256], q2[256];

	if (ctx->state == 0) {
		ctx->step = ctx->conn->sendexpect;
		ctx->state = 1;
	}
	while (ctx->step != NULL && ctx->step->is_send) {
		if (!proto_send(ctx, ctx->step->data, ctx->step->len))
			return proto_fail(ctx, "send string longer than %d bytes", PROTO_OUT_MAX);
		ctx->step = ctx->step->next;
	}
	if (ctx->outlen > 0)
		return PROTO_MORE;	/* send first, then read */
	if (ctx->step == NULL)
		return proto_pass(ctx, "every expect matched");
	ctx->waiting = "an answer to expect";
	{
		size_t cap = ctx->expectbuffer > 0 ? ctx->expectbuffer : 256;
		size_t have = ctx->inlen < cap ? ctx->inlen : cap;

		if (have == 0)
			return ctx->eof ? proto_fail(ctx, "connection closed, expected '%s'",
			    proto_quote(ctx->step->data, ctx->step->len, q1, sizeof(q1))) :
			    PROTO_MORE;
		if (expect_match(ctx->step, ctx->in, have)) {
			ctx->consumed = have;
			ctx->step = ctx->step->next;
			return ctx->step == NULL ? proto_pass(ctx, "every expect matched") :
			    PROTO_MORE;
		}
		if (have < cap && !ctx->eof && !ctx->datagram &&
		    ctx->in[have - 1] != '\n')
			return PROTO_MORE;	/* a line still arriving */
		return proto_fail(ctx, "expected '%s', got '%s'",
		    proto_quote(ctx->step->data, ctx->step->len, q1, sizeof(q1)),
		    proto_quote(ctx->in, have, q2, sizeof(q2)));
	}
}

const struct proto_module proto_generic = {
	.name = "generic",
	.max_reply = 16 * 1024 * 1024,
	.step = generic_step,
};
