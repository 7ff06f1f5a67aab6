/* Recent history of each service's key figures, for the graphs of the
 * service page: a fixed ring per service, a copy of the monitor's
 * (monitor/core/graphs.c), which sends each point with a snapshot once and
 * all of them to a new web process. */
#ifndef VIGIL_WEBUI_HISTORY_H
#define VIGIL_WEBUI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"

#define HIST_POINTS		MSG_GRAPH_POINTS	/* 1 h at a 30 s cycle */
#define HIST_SERIES		3
#define HIST_MAX_SERVICES	4096	/* services with a ring; the rest none */

struct hist_point {
	uint32_t t;			/* unix seconds of the check */
	float v[HIST_SERIES];
};

/* 16 B a point: HIST_POINTS x 16 = 1,920 B a service, plus its name. */
struct svc_hist {
	char *name;
	uint8_t type_code;
	uint16_t head, n;		/* next slot, points held */
	bool taken;			/* history_update(): kept for the new table */
	struct hist_point p[HIST_POINTS];
};

struct history {
	struct svc_hist **h;		/* sorted by name */
	size_t n;
};

struct obuf;
struct snapshot;

/* After a complete snapshot: the points it brought for every process,
 * system, host or filesystem service; rings of services gone are freed. */
void history_update(struct history *hs, const struct snapshot *sn);
void history_free(struct history *hs);
const struct svc_hist *history_find(const struct history *hs, const char *name);
/* The service page's graphs (inline SVG made here, numbers only: nothing
 * from the control file is written into them). */
void history_svg(struct obuf *b, const struct svc_hist *h);

#endif
