/* The JSON object of each service for the snapshots (what /api/status
 * serves), kept between snapshots: the core pushes one every 200 ms at
 * most, and most services have not changed since the last (svc_json.c). */
#ifndef VIGIL_CORE_SVC_JSON_H
#define VIGIL_CORE_SVC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"
#include "monitor/monitor.h"

struct svc_json {
	uint64_t key;			/* of the snapshot it was made for; 0: none */
	char *text;
	size_t len;
};

struct svc_json_cache {
	struct svc_json *s;		/* by service index */
	size_t n;
	const struct engine *engine;	/* the entries' engine (a reload drops them) */
};

/* Service i's object (*len bytes, no NUL counted), made again unless the
 * snapshot s of it is the same as when it was last made and its type's
 * fields all come from its checks.  At most MSG_SVC_JSON_MAX bytes: a
 * larger object (hundreds of port tests) is sent as its first fields. */
const char *svc_json_get(struct svc_json_cache *jc, const struct engine *e, size_t i,
    const struct msg_snapshot_service *s, size_t *len);
void svc_json_trim(struct svc_json_cache *jc, size_t n);
void svc_json_free(struct svc_json_cache *jc);

#endif
