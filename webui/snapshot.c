/* Status snapshots pushed by the monitor: BEGIN(gen, count), SERVICE x count
 * (index 0..count-1 in order, same gen), each followed by the JSON parts of
 * its object (SNAPSHOT_JSON) and its graph points new to us
 * (SNAPSHOT_POINT, at most a ring's worth; same gen and index), END(gen).  Only a complete and
 * consistent generation replaces the one shown; anything else is dropped
 * (and logged) while the previous generation stays on display. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "webui/json_check.h"
#include "webui/webui.h"

void
snapshot_clear(struct snapshot *s)
{
	if (s->svc != NULL)
		for (uint32_t i = 0; i < s->have; i++) {
			free(s->svc[i].name);
			free(s->svc[i].type);
			free(s->svc[i].status);
			free(s->svc[i].monitor);
			free(s->svc[i].detail);
			free(s->svc[i].json);
			free(s->svc[i].pts);
		}
	free(s->svc);
	memset(s, 0, sizeof(*s));
}

static void
discard(struct webui *w, const char *why)
{
	log_warn("snapshot generation %u discarded: %s", w->building.gen, why);
	snapshot_clear(&w->building);
}

void
snapshot_on_begin(struct webui *w, const struct msg_snapshot_begin *b)
{
	if (w->building.svc != NULL || w->building.count != 0)
		discard(w, "a new generation began before its END");
	snapshot_clear(&w->building);
	if (b->count > SNAPSHOT_MAX_SERVICES) {
		log_warn("snapshot generation %u has %u services (at most %u): ignored",
		    b->gen, b->count, SNAPSHOT_MAX_SERVICES);
		return;
	}
	w->building.gen = b->gen;
	w->building.count = b->count;
	w->building.time = b->time;
	strlcpy_v(w->building.host, b->host, sizeof(w->building.host));
	w->building.uptime_s = b->uptime_s;
	w->building.poll_s = b->poll_s;
	w->building.open_access = b->open_access != 0;
	/* One past count so a zero-service generation still marks "began". */
	w->building.svc = xcalloc((size_t)b->count + 1, sizeof(struct snap_service));
}

void
snapshot_on_service(struct webui *w, const struct msg_snapshot_service *s)
{
	struct snapshot *b = &w->building;
	struct snap_service *d;

	if (b->svc == NULL)
		return;		/* generation already refused: ignore its rest */
	if (s->gen != b->gen) {
		discard(w, "service of another generation");
		return;
	}
	if (s->index != b->have || b->have >= b->count) {
		discard(w, "service out of order or beyond count");
		return;
	}
	d = &b->svc[b->have];
	d->name = xstrdup(s->name);
	d->type = xstrdup(s->type);
	d->status = xstrdup(s->status);
	d->monitor = xstrdup(s->monitor);
	d->detail = xstrdup(s->detail);
	d->pid = s->pid;
	d->uptime_s = s->uptime_s;
	d->fig = s->fig;
	b->have++;
}

/* The service a JSON part or graph point (what) of generation gen for
 * service index belongs to: the one just sent; NULL (the generation
 * dropped, or already refused) otherwise. */
static struct snap_service *
just_sent(struct webui *w, uint32_t gen, uint32_t index, const char *what)
{
	struct snapshot *b = &w->building;
	char why[96];

	if (b->svc == NULL)
		return NULL;
	if (gen != b->gen || b->have == 0 || index != b->have - 1) {
		snprintf(why, sizeof(why), "%s of a service other than the one just sent",
		    what);
		discard(w, why);
		return NULL;
	}
	return &b->svc[index];
}

void
snapshot_on_json(struct webui *w, const struct msg_snapshot_json *j)
{
	struct snap_service *d = just_sent(w, j->gen, j->index, "JSON");
	size_t n = strnlen(j->part, sizeof(j->part));

	if (d == NULL)
		return;
	if (d->json_len + n > MSG_SVC_JSON_MAX) {
		discard(w, "a service's JSON beyond its bound");
		return;
	}
	d->json = xreallocarray(d->json, d->json_len + n + 1, 1);
	memcpy(d->json + d->json_len, j->part, n);
	d->json_len += n;
	d->json[d->json_len] = '\0';
}

void
snapshot_on_point(struct webui *w, const struct msg_snapshot_point *p)
{
	struct snap_service *d = just_sent(w, p->gen, p->index, "graph point");

	if (d == NULL)
		return;
	if (d->npts >= MSG_GRAPH_POINTS) {
		discard(w, "more graph points for a service than a ring holds");
		return;
	}
	if (d->pts == NULL)
		d->pts = xcalloc(MSG_GRAPH_POINTS, sizeof(*d->pts));
	d->pts[d->npts++] = *p;
}

void
snapshot_on_end(struct webui *w, const struct msg_snapshot_end *e)
{
	struct snapshot *b = &w->building;

	if (b->svc == NULL)
		return;
	if (e->gen != b->gen) {
		discard(w, "END of another generation");
		return;
	}
	if (b->have != b->count) {
		discard(w, "END before every service");
		return;
	}
	for (uint32_t i = 0; i < b->have; i++)
		if (b->svc[i].json == NULL ||
		    !json_object_valid(b->svc[i].json, b->svc[i].json_len)) {
			discard(w, "a service's JSON missing or not one JSON object");
			return;
		}
	snapshot_clear(&w->snap);
	w->snap = *b;
	w->snap.valid = true;
	memset(b, 0, sizeof(*b));
	w->status_tables_valid = false;
	history_update(&w->history, &w->snap);
}
