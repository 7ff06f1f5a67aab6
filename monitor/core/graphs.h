/* The recent history of each service's key figures, for the graphs of the
 * web interface's service page: a fixed ring per service kept here, in the
 * monitor, so a restart of the web process loses nothing (graphs.c). */
#ifndef VIGIL_CORE_GRAPHS_H
#define VIGIL_CORE_GRAPHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"

struct graph_point {
	uint32_t t;
	uint32_t v[3];
};

/* 16 B a point: MSG_GRAPH_POINTS x 16 = 1,920 B a graphed service. */
struct graph_ring {
	char *name;			/* NULL: no ring at this index */
	uint8_t type_code;
	uint64_t last_collected;
	uint64_t added;			/* points ever added */
	uint64_t sent;			/* of those, handed to the current webui */
	uint16_t head, n;
	struct graph_point p[MSG_GRAPH_POINTS];
};

struct graphs {
	struct graph_ring **ring;	/* by service index; NULL: none */
	size_t n;
};

/* Service i as the snapshot shows it: a point when it was checked since the
 * last one (a process, the system, a host or a filesystem, monitored); the
 * ring starts afresh when the name or type at i changed (a reload). */
void graphs_record(struct graphs *g, size_t i, const struct msg_snapshot_service *s);
/* The points of ring i the current webui has not had (oldest first, at
 * most MSG_GRAPH_POINTS), counted as sent from now on. */
size_t graphs_take_unsent(struct graphs *g, size_t i, struct graph_point *out);
/* A new webui: every point is unsent again. */
void graphs_resend(struct graphs *g);
/* Services from index n on are gone (a reload with fewer). */
void graphs_trim(struct graphs *g, size_t n);
void graphs_free(struct graphs *g);

#endif
