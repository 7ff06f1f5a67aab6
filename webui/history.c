/* The rings of recent figures and their SVG graphs (history.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "webui/history.h"
#include "webui/webui.h"

static int
cmp_hist(const void *a, const void *b)
{
	return strcmp((*(struct svc_hist *const *)a)->name,
	    (*(struct svc_hist *const *)b)->name);
}

const struct svc_hist *
history_find(const struct history *hs, const char *name)
{
	size_t lo = 0, hi = hs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(hs->h[mid]->name, name);

		if (c == 0)
			return hs->h[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
hist_free(struct svc_hist *h)
{
	free(h->name);
	free(h);
}

void
history_free(struct history *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		hist_free(hs->h[i]);
	free(hs->h);
	memset(hs, 0, sizeof(*hs));
}

/* Which graphs a type has: index into kinds[] below, or -1 for none. */
static int
kind_of(uint8_t type_code)
{
	switch (type_code) {
	case MSG_SVC_PROCESS:
		return 0;
	case MSG_SVC_SYSTEM:
		return 1;
	case MSG_SVC_HOST:
		return 2;
	case MSG_SVC_FILESYSTEM:
		return 3;
	default:
		return -1;
	}
}

static bool
graphed(const struct snap_service *v)
{
	return kind_of(v->fig.type_code) >= 0;
}

/* A point as the monitor sent it (MSG_SNAPSHOT_POINT), in the units the
 * graphs show. */
static void
add_point(struct svc_hist *h, const struct msg_snapshot_point *m)
{
	struct hist_point *p = &h->p[h->head];

	p->t = m->t;
	p->v[0] = p->v[1] = p->v[2] = 0.0f;
	switch (kind_of(h->type_code)) {
	case 0:
		p->v[0] = (float)m->v[0] / 10.0f;		/* % of a cpu */
		p->v[1] = (float)m->v[1] / 1024.0f;		/* MiB */
		p->v[2] = (float)m->v[2];
		break;
	case 1:
		p->v[0] = (float)m->v[0] / 10.0f;		/* % */
		p->v[1] = (float)m->v[1] / 10.0f;		/* % */
		p->v[2] = (float)m->v[2] / 100.0f;
		break;
	case 2:
		p->v[0] = (float)m->v[0] / 1000.0f;		/* ms */
		break;
	case 3:
		p->v[0] = (float)m->v[0] / 10.0f;		/* % */
		p->v[1] = (float)m->v[1] / 10.0f;
		break;
	}
	h->head = (uint16_t)((h->head + 1) % HIST_POINTS);
	if (h->n < HIST_POINTS)
		h->n++;
}

void
history_update(struct history *hs, const struct snapshot *sn)
{
	struct svc_hist **next;
	size_t n = 0;

	if (!sn->valid)
		return;
	next = xcalloc((size_t)sn->count + 1, sizeof(*next));
	for (uint32_t i = 0; i < sn->count && n < HIST_MAX_SERVICES; i++) {
		const struct snap_service *v = &sn->svc[i];
		struct svc_hist *h;

		if (!graphed(v))
			continue;
		h = (struct svc_hist *)(uintptr_t)history_find(hs, v->name);
		if (h != NULL && h->taken)
			continue;	/* a name twice (the monitor never sends that) */
		if (h != NULL && h->type_code != v->fig.type_code)
			h = NULL;	/* now of another type: start afresh */
		if (h == NULL) {
			h = xcalloc(1, sizeof(*h));
			h->name = xstrdup(v->name);
			h->type_code = v->fig.type_code;
		}
		h->taken = true;
		for (uint16_t k = 0; k < v->npts; k++)
			add_point(h, &v->pts[k]);
		next[n++] = h;
	}
	for (size_t j = 0; j < hs->n; j++)
		if (!hs->h[j]->taken)
			hist_free(hs->h[j]);	/* gone, or replaced by a fresh ring */
	free(hs->h);
	for (size_t j = 0; j < n; j++)
		next[j]->taken = false;
	qsort(next, n, sizeof(*next), cmp_hist);
	hs->h = next;
	hs->n = n;
}

/* ---- SVG ---- */

/* The graphs of each kind (process, system, host, filesystem): series
 * beyond nseries are not drawn. */
static const struct graph_kind {
	int nseries;
	const char *title[HIST_SERIES];
	const char *unit[HIST_SERIES];
} kinds[] = {
	{ 3, { "CPU", "Memory", "Children" }, { "%", "MiB", "" } },
	{ 3, { "CPU (user + system + wait)", "Memory used", "Load average (1 min)" },
	    { "%", "%", "" } },
	{ 1, { "Response time" }, { "ms" } },
	{ 2, { "Space used", "Inodes used" }, { "%", "%" } },
};

#define SVG_W	600
#define SVG_H	120
#define SVG_PAD	4

static void
one_graph(struct obuf *b, const struct svc_hist *h, int series,
    const struct graph_kind *k)
{
	size_t first = (h->head + HIST_POINTS - h->n) % HIST_POINTS;
	float lo = INFINITY, hi = -INFINITY, last = 0.0f;
	double x = 0.0, y = 0.0;
	uint32_t t0 = h->p[first].t, t1 = h->p[(h->head + HIST_POINTS - 1) % HIST_POINTS].t;

	for (size_t i = 0; i < h->n; i++) {
		float v = h->p[(first + i) % HIST_POINTS].v[series];

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		last = v;
	}
	if (lo > 0.0f)
		lo = 0.0f;	/* the axis starts at zero: no exaggerated noise */
	if (hi - lo < 1e-6f)
		hi = lo + 1.0f;
	obuf_addf(b, "<figure class=\"graph\"><figcaption>%s: %.2f %s (max %.2f, %u points "
	    "over %u s)</figcaption>\n", k->title[series], (double)last,
	    k->unit[series], (double)hi, (unsigned)h->n,
	    (unsigned)(t1 >= t0 ? t1 - t0 : 0));
	obuf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">"
	    "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
	    "stroke=\"#ccc\"/>", SVG_W, SVG_H, SVG_W, SVG_H, k->title[series],
	    SVG_W, SVG_H);
	obuf_adds(b, "<polyline fill=\"none\" stroke=\"#2a6ebb\" stroke-width=\"2\" points=\"");
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_point *p = &h->p[(first + i) % HIST_POINTS];

		x = h->n > 1 ? SVG_PAD + (double)(SVG_W - 2 * SVG_PAD) *
		    (double)i / (double)(h->n - 1) : SVG_W - SVG_PAD;
		y = SVG_H - SVG_PAD - (double)(SVG_H - 2 * SVG_PAD) *
		    (double)(p->v[series] - lo) / (double)(hi - lo);
		obuf_addf(b, "%s%.1f,%.1f", i > 0 ? " " : "", x, y);
	}
	/* The latest point as a dot: visible even when it is the only one. */
	obuf_addf(b, "\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#2a6ebb\"/>", x, y);
	obuf_addf(b, "<text x=\"%d\" y=\"14\" font-size=\"12\" fill=\"#555\">%.2f</text>"
	    "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#555\">%.2f</text></svg>"
	    "</figure>\n", SVG_PAD + 2, (double)hi, SVG_PAD + 2, SVG_H - SVG_PAD - 2,
	    (double)lo);
}

void
history_svg(struct obuf *b, const struct svc_hist *h)
{
	int k = h != NULL ? kind_of(h->type_code) : -1;

	if (h == NULL || h->n == 0 || k < 0)
		return;
	obuf_adds(b, "<h3>Recent history</h3>\n");
	for (int s = 0; s < kinds[k].nseries; s++)
		one_graph(b, h, s, &kinds[k]);
}
