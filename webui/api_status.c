/* GET /api/status: `vigil status --json` (docs/status.schema.json) for
 * scripts, with the session or HTTP Basic credentials of Monit's API.
 *
 * The monitor writes each service's object with the CLI's own code and
 * sends it with the snapshot (SNAPSHOT_JSON; snapshot.c checked it is one
 * JSON object); here only the document around the objects is written, and
 * a user with a service scope gets only the services of the scope. */
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "common/version.h"
#include "webui/webui.h"

static void
json_error(struct webui *w, struct client *c, int status, const char *text)
{
	struct obuf b;

	obuf_init(&b, 4096);
	obuf_adds(&b, "{\"error\":");
	obuf_json_str(&b, text);
	obuf_adds(&b, "}\n");
	webui_respond(w, c, status, "application/json", NULL, &b);
	obuf_free(&b);
}

void
webui_api_status(struct webui *w, struct client *c, const struct web_session *s,
    const char *service)
{
	const struct snapshot *sn = &w->snap;
	struct snap_view vw;
	uint64_t now = (uint64_t)time(NULL);
	bool first = true;
	struct obuf b;

	if (!sn->valid) {
		json_error(w, c, 503, "no status from the monitor yet: try again in a moment");
		return;
	}
	obuf_init(&b, WEBUI_MAX_RESPONSE);
	obuf_adds(&b, "{\"vigil\":{\"version\":");
	obuf_json_str(&b, VIGIL_VERSION);
	obuf_adds(&b, ",\"hostname\":");
	obuf_json_str(&b, sn->host);
	/* as the CLI would answer now: the monitor's uptime at the snapshot,
	 * plus the time since */
	obuf_addf(&b, ",\"uptime_s\":%llu,\"time\":%llu,\"poll_s\":%u},\"services\":[",
	    (unsigned long long)sn->uptime_s + (now > sn->time ? now - sn->time : 0),
	    (unsigned long long)now, sn->poll_s);
	snap_view_open(&vw, sn, s);
	for (uint32_t k = 0; k < vw.n; k++) {
		const struct snap_service *v = snap_view_at(&vw, k);

		if (service != NULL && strcmp(service, v->name) != 0)
			continue;
		if (!first)
			obuf_adds(&b, ",");
		first = false;
		obuf_add(&b, v->json, v->json_len);
	}
	snap_view_close(&vw);
	obuf_adds(&b, "]}\n");
	if (service != NULL && first) {
		obuf_free(&b);
		json_error(w, c, 404, "no service by that name");
		return;
	}
	webui_respond(w, c, 200, "application/json", NULL, &b);
	obuf_free(&b);
}
