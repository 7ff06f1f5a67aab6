/* What a session sees of the snapshot: a user whose rule carries a service
 * scope (`allow @GROUP ... service a,b`) sees only those services, on
 * every view (status page, service pages and their graphs, Monit's
 * /_status, /_summary, /_report, /_runtime, /metrics, /api/status).  The
 * monitor enforces the scope for actions; this is the one place that
 * decides what is shown, so no view can forget it.  A name outside the
 * scope is found exactly as a name that does not exist (NULL): the views
 * answer both with the same 404, and a scoped user cannot probe which
 * names exist.  The system service is a service like any other here, as
 * for the monitor's actions: seen only when the scope names it.
 *
 * Cost: the scope is matched once per service and request (a view), not
 * once per section or figure family that walks the services. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "webui/webui.h"

void
snap_view_open(struct snap_view *vw, const struct snapshot *sn, const struct web_session *s)
{
	uint32_t count = sn->valid ? sn->count : 0;

	vw->sn = sn;
	vw->idx = NULL;
	vw->n = count;
	if (s == NULL || s->nscope == 0)
		return;
	vw->idx = xcalloc((size_t)count + 1, sizeof(*vw->idx));
	vw->n = 0;
	for (uint32_t i = 0; i < count; i++)
		if (session_in_scope(s, sn->svc[i].name))
			vw->idx[vw->n++] = i;
}

void
snap_view_close(struct snap_view *vw)
{
	free(vw->idx);
	memset(vw, 0, sizeof(*vw));
}

const struct snap_service *
snap_view_at(const struct snap_view *vw, uint32_t k)
{
	return &vw->sn->svc[vw->idx != NULL ? vw->idx[k] : k];
}

const struct snap_service *
snap_find(const struct snapshot *sn, const struct web_session *s, const char *name)
{
	for (uint32_t i = 0; sn->valid && i < sn->count; i++)
		if (strcmp(sn->svc[i].name, name) == 0)
			return s == NULL || session_in_scope(s, name) ? &sn->svc[i] : NULL;
	return NULL;
}
