/* Play a server's side of a conversation to a protocol module, the way
 * check_net.c's driver does: chunks arrive one by one (a datagram each for
 * UDP), what the module sends is collected, STARTTLS succeeds at once, and
 * after the last chunk the server closes (when close_at_end).  Shared by
 * the transcript unit tests and fuzz_protocols. */
#ifndef VIGIL_TEST_TRANSCRIPT_H
#define VIGIL_TEST_TRANSCRIPT_H

#include <stdlib.h>
#include <string.h>

#include "monitor/checks/netproto.h"

struct chunk {
	const void *p;
	size_t n;
};
#define CHUNK(s) { (s), sizeof(s) - 1 }

struct transcript {
	enum proto_result r;		/* PROTO_MORE: would wait (timeout) */
	char reason[PROTO_REASON_MAX];
	unsigned char sent[16384];
	size_t sentlen;
	bool starttls;			/* the module asked for TLS */
};

static inline void
transcript_run(const struct proto_module *m, const struct connection *c,
    const struct chunk *chunks, size_t nchunks, bool close_at_end,
    bool datagram, const unsigned char nonce[16], struct transcript *t)
{
	struct proto_ctx ctx;
	unsigned char *buf = malloc(m->max_reply + 1);
	size_t len = 0, next = 0;
	bool eof = false;
	int rounds = 0;

	memset(t, 0, sizeof(*t));
	memset(&ctx, 0, sizeof(ctx));
	ctx.mod = m;
	ctx.conn = c;
	ctx.host = "localhost";
	ctx.expectbuffer = 256;
	ctx.datagram = datagram;
	proto_reset(&ctx);
	ctx.now = 1700000000;
	memcpy(ctx.nonce, nonce, 16);
	t->r = PROTO_MORE;
	while (rounds++ < 100000) {
		enum proto_result r;

		ctx.in = buf;
		ctx.inlen = len;
		ctx.eof = eof;
		ctx.consumed = 0;
		ctx.outlen = 0;
		ctx.starttls = false;
		r = m->step(&ctx);
		if (ctx.consumed > len)
			abort();	/* a module consumed bytes it never had */
		memmove(buf, buf + ctx.consumed, len - ctx.consumed);
		len -= ctx.consumed;
		if (ctx.outlen > PROTO_OUT_MAX)
			abort();
		if (ctx.outlen > 0 && t->sentlen + ctx.outlen <= sizeof(t->sent)) {
			memcpy(t->sent + t->sentlen, ctx.out, ctx.outlen);
			t->sentlen += ctx.outlen;
		}
		if (r != PROTO_MORE) {
			t->r = r;
			memcpy(t->reason, ctx.reason, sizeof(t->reason));
			if (memchr(t->reason, '\0', sizeof(t->reason)) == NULL)
				abort();	/* reasons are strings */
			for (const char *q = t->reason; *q; q++)
				if ((unsigned char)*q < 0x20 || *q == 0x7f)
					abort();	/* no control byte reaches a log line */
			break;
		}
		if (ctx.starttls) {
			t->starttls = true;
			ctx.tls = true;
			continue;
		}
		if (ctx.outlen > 0 || ctx.consumed > 0)
			continue;
		if (eof || len >= m->max_reply)
			break;		/* the driver fails here */
		if (next < nchunks) {
			size_t n = chunks[next].n;

			if (datagram)
				len = 0;
			if (n > m->max_reply - len)
				n = m->max_reply - len;
			memcpy(buf + len, chunks[next].p, n);
			len += n;
			next++;
			continue;
		}
		if (!close_at_end || datagram)
			break;		/* silence: the driver's timeout */
		eof = true;
	}
	free(buf);
}

#endif
