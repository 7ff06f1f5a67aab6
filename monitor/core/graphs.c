/* The rings of the graphs (graphs.h).  Fed from the snapshots the core
 * makes for the web process, one point per new check (told by the
 * figures' `collected` time), and sent with them: each point to a webui
 * once, every point to a new one. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "monitor/core/graphs.h"

static bool
graphed(uint8_t type_code)
{
	return type_code == MSG_SVC_PROCESS || type_code == MSG_SVC_SYSTEM ||
	    type_code == MSG_SVC_HOST || type_code == MSG_SVC_FILESYSTEM;
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The values msg.h names for the type (MSG_SNAPSHOT_POINT). */
static void
point_of(const struct msg_svc_figures *f, struct graph_point *p)
{
	memset(p, 0, sizeof(*p));
	p->t = clamp32(f->collected);
	switch (f->type_code) {
	case MSG_SVC_PROCESS:
		p->v[0] = f->cpu_permille;
		p->v[1] = clamp32(f->mem_bytes / 1024);
		p->v[2] = f->children;
		break;
	case MSG_SVC_SYSTEM:
		p->v[0] = f->cpu_user_permille + f->cpu_system_permille + f->cpu_wait_permille;
		p->v[1] = f->mem_total > 0 ? clamp32(f->mem_used * 1000 / f->mem_total) : 0;
		p->v[2] = f->load1;
		break;
	case MSG_SVC_HOST:
		p->v[0] = f->response_us;
		break;
	case MSG_SVC_FILESYSTEM:
		p->v[0] = f->space_used_permille;
		p->v[1] = f->inodes_used_permille;
		break;
	}
}

static void
ring_free(struct graph_ring *r)
{
	if (r != NULL)
		free(r->name);
	free(r);
}

void
graphs_record(struct graphs *g, size_t i, const struct msg_snapshot_service *s)
{
	const struct msg_svc_figures *f = &s->fig;
	struct graph_ring *r;

	if (i >= g->n) {
		g->ring = xreallocarray(g->ring, i + 1, sizeof(*g->ring));
		memset(g->ring + g->n, 0, (i + 1 - g->n) * sizeof(*g->ring));
		g->n = i + 1;
	}
	r = g->ring[i];
	if (r != NULL && (r->type_code != f->type_code || strcmp(r->name, s->name) != 0)) {
		ring_free(r);		/* another service at this index now */
		r = g->ring[i] = NULL;
	}
	if (!graphed(f->type_code))
		return;
	if (r == NULL) {
		r = g->ring[i] = xcalloc(1, sizeof(*r));
		r->name = xstrdup(s->name);
		r->type_code = f->type_code;
	}
	if (f->monitor_code != 1 || f->collected == 0 || f->collected == r->last_collected)
		return;
	point_of(f, &r->p[r->head]);
	r->head = (uint16_t)((r->head + 1) % MSG_GRAPH_POINTS);
	if (r->n < MSG_GRAPH_POINTS)
		r->n++;
	r->added++;
	r->last_collected = f->collected;
}

size_t
graphs_take_unsent(struct graphs *g, size_t i, struct graph_point *out)
{
	struct graph_ring *r = i < g->n ? g->ring[i] : NULL;
	size_t k;

	if (r == NULL)
		return 0;
	k = r->added - r->sent;
	if (k > r->n)
		k = r->n;
	for (size_t j = 0; j < k; j++)
		out[j] = r->p[(r->head + MSG_GRAPH_POINTS - k + j) % MSG_GRAPH_POINTS];
	r->sent = r->added;
	return k;
}

void
graphs_resend(struct graphs *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->ring[i] != NULL)
			g->ring[i]->sent = 0;
}

void
graphs_trim(struct graphs *g, size_t n)
{
	for (size_t i = n; i < g->n; i++) {
		ring_free(g->ring[i]);
		g->ring[i] = NULL;
	}
	if (n < g->n)
		g->n = n;
}

void
graphs_free(struct graphs *g)
{
	graphs_trim(g, 0);
	free(g->ring);
	memset(g, 0, sizeof(*g));
}
