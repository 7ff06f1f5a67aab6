/* Remote hosts: ICMP echo through privd (engine_ping) and connection
 * tests against the address resolved at engine_new. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

struct pingreq {
	struct pending link;
	size_t idx;
	uint32_t gen;
};

static void
ping_done(const struct msg_ping_result *r, void *arg)
{
	struct pingreq *pr = arg;
	struct svc *s = pending_take(&pr->link);
	struct test_state *ts;

	if (s == NULL) {	/* the engine is gone */
		free(pr);
		return;
	}
	ts = &s->ts[pr->idx];
	if (pr->gen != ts->gen) {	/* cancelled (unmonitor) meanwhile */
		free(pr);
		return;
	}
	free(pr);
	ts->pending = false;
	if (r->error != 0)
		svc_test_result(s, ts, true, true, "ping failed: error %d", (int)r->error);
	else if (r->received == 0)
		svc_test_result(s, ts, true, true, "no echo reply (%u sent)",
		    (unsigned)r->sent);
	else {
		ts->response_us = r->rtt_avg_us;	/* for the graphs */
		svc_test_result(s, ts, false, true, "%u/%u echo replies, avg %.3f ms",
		    (unsigned)r->received, (unsigned)r->sent,
		    (double)r->rtt_avg_us / 1000.0);
	}
}

static void
ping_start(struct svc *s, struct test_state *ts, size_t idx)
{
	const struct test *t = ts->t;
	struct msg_ping p;
	struct pingreq *pr;

	if (ts->pending)
		return;
	if (!s->have_addr) {
		svc_test_result(s, ts, true, true, "address of '%s' unknown",
		    s->cf->address ? s->cf->address : "");
		return;
	}
	memset(&p, 0, sizeof(p));
	if (s->addr.ss_family == AF_INET) {
		p.family = 4;
		memcpy(p.addr, &((struct sockaddr_in *)&s->addr)->sin_addr, 4);
	} else {
		p.family = 6;
		memcpy(p.addr, &((struct sockaddr_in6 *)&s->addr)->sin6_addr, 16);
	}
	p.count = (uint16_t)(t->icmp_count > 0 && t->icmp_count <= 20 ?
	    t->icmp_count : 3);
	p.timeout_ms = (uint32_t)(t->icmp_timeout_s > 0 && t->icmp_timeout_s <= 60 ?
	    t->icmp_timeout_s : 5) * 1000;
	p.size = 56;
	pr = xcalloc(1, sizeof(*pr));
	pr->idx = idx;
	pr->gen = ts->gen;
	ts->pending = true;
	pending_add(s->e, &pr->link, s);
	if (engine_ping(s, &p, ping_done, pr) < 0) {
		pending_take(&pr->link);
		free(pr);
		ts->pending = false;
		svc_test_result(s, ts, true, true, "cannot ask privd to ping");
	}
}

void
check_host(struct svc *s, bool scheduled)
{
	if (!scheduled)
		return;
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];

		if (ts->t->kind == TEST_ICMP)
			ping_start(s, ts, i);
		else if (ts->t->kind == TEST_CONNECTION)
			check_connection(s, ts, s->have_addr ?
			    (const struct sockaddr *)&s->addr : NULL, s->addrlen);
	}
}
