/* What a session sees of the snapshot: a user whose rule carries a service
 * scope (`allow @GROUP ... service a,b`) sees only those services, on
 * every view (status page, service pages and their graphs, Monit's
 * /_status, /_summary, /_report, /_runtime, /metrics, /api/status).  The
 * monitor enforces the scope for actions; this is the one place that
 * decides what is shown, so no view can forget it.  A name outside the
 * scope is found exactly as a name that does not exist (NULL): the views
 * answer both with the same 404, and a scoped user cannot probe which
 * names exist.  The system service is a service like any other here, as
 * for the monitor's actions: seen only when the scope names it. */
#include <string.h>

#include "webui/webui.h"

const struct snap_service *
snap_next(const struct snapshot *sn, const struct web_session *s, uint32_t *i)
{
	while (sn->valid && *i < sn->count) {
		const struct snap_service *v = &sn->svc[(*i)++];

		if (s == NULL || session_in_scope(s, v->name))
			return v;
	}
	return NULL;
}

const struct snap_service *
snap_find(const struct snapshot *sn, const struct web_session *s, const char *name)
{
	const struct snap_service *v;

	for (uint32_t i = 0; (v = snap_next(sn, s, &i)) != NULL;)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

uint32_t
snap_visible(const struct snapshot *sn, const struct web_session *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; snap_next(sn, s, &i) != NULL;)
		n++;
	return n;
}
