/* The engine: runtime state of every service (skeleton). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "monitor/monitor.h"

struct engine {
	struct monitor *m;
	size_t n;
};

struct engine *
engine_new(struct monitor *m)
{
	struct engine *e = xcalloc(1, sizeof(*e));

	e->m = m;
	e->n = m->cf ? m->cf->nservices : 0;
	return e;
}

void
engine_free(struct engine *e)
{
	free(e);
}

void
engine_start(struct engine *e)
{
	(void)e;
}

int
engine_action(struct engine *e, const char *service, enum svc_action a,
    char *msg, size_t msglen)
{
	(void)e; (void)a;
	snprintf(msg, msglen, "service '%s' not found", service);
	return 404;
}

size_t
engine_nservices(const struct engine *e)
{
	(void)e;
	return 0;
}

void
engine_snapshot(const struct engine *e, size_t i, struct msg_snapshot_service *out)
{
	(void)e;
	memset(out, 0, sizeof(*out));
	out->index = (uint32_t)i;
}

int
engine_find(const struct engine *e, const char *name)
{
	(void)e; (void)name;
	return -1;
}

char *const *
engine_groups(const struct engine *e, size_t i, size_t *n)
{
	static char *const none[1] = { NULL };

	(void)e; (void)i;
	*n = 0;
	return none;
}

size_t
engine_format_status(const struct engine *e, const char *name, bool summary,
    char *buf, size_t cap)
{
	int r;

	(void)e; (void)name; (void)summary;
	r = snprintf(buf, cap, "%s", "");
	return r < 0 ? 0 : (size_t)r;
}

size_t
engine_state_encode(const struct engine *e, uint8_t *buf, size_t cap)
{
	(void)e; (void)buf; (void)cap;
	return 0;
}

bool
engine_state_decode(struct engine *e, const uint8_t *buf, size_t len)
{
	(void)e; (void)buf;
	return len == 0;
}
