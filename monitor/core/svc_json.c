/* The JSON objects of the snapshots, made again only when needed
 * (svc_json.h).  The key is a hash of what the snapshot shows of the
 * service (names, status, detail, figures with the check's time): the
 * JSON's other fields change only with a check, which changes the time.
 * Hosts and programs are made every time: their port responses and program
 * output arrive after the check's time was taken. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/svc_json.h"

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t
key_of(const struct msg_snapshot_service *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = fnv(h, s->name, strnlen(s->name, sizeof(s->name)) + 1);
	h = fnv(h, s->type, strnlen(s->type, sizeof(s->type)) + 1);
	h = fnv(h, s->status, strnlen(s->status, sizeof(s->status)) + 1);
	h = fnv(h, s->monitor, strnlen(s->monitor, sizeof(s->monitor)) + 1);
	h = fnv(h, s->detail, strnlen(s->detail, sizeof(s->detail)) + 1);
	h = fnv(h, &s->pid, sizeof(s->pid));
	h = fnv(h, &s->uptime_s, sizeof(s->uptime_s));
	h = fnv(h, &s->fig, sizeof(s->fig));
	return h != 0 ? h : 1;
}

/* Service i's object into j, held in exactly its size (a scratch buffer
 * shared by all takes the rendering). */
static void
make(struct svc_json *j, const struct engine *e, size_t i)
{
	static char *scratch;
	static size_t cap;
	size_t len;

	if (scratch == NULL) {
		cap = 16 * 1024;
		scratch = xmalloc(cap);
	}
	len = engine_format_service_json(e, i, scratch, cap);
	if (len >= cap && len < MSG_SVC_JSON_MAX) {
		cap = len + 1;
		scratch = xreallocarray(scratch, cap, 1);
		len = engine_format_service_json(e, i, scratch, cap);
	}
	if (len >= cap || len >= MSG_SVC_JSON_MAX) {
		log_warn("snapshot: the JSON of service %zu has %zu bytes (at most %u): its "
		    "first fields only", i, len, MSG_SVC_JSON_MAX);
		len = engine_format_service_json_brief(e, i, scratch, cap);
		if (len >= cap)
			fatalx("snapshot: the first fields of service %zu do not fit", i);
	}
	j->text = xreallocarray(j->text, len + 1, 1);
	memcpy(j->text, scratch, len + 1);
	j->len = len;
}

const char *
svc_json_get(struct svc_json_cache *jc, const struct engine *e, size_t i,
    const struct msg_snapshot_service *s, size_t *len)
{
	struct svc_json *j;
	uint64_t key = key_of(s);
	bool cacheable = s->fig.type_code != MSG_SVC_HOST &&
	    s->fig.type_code != MSG_SVC_PROGRAM && s->fig.collected != 0;

	if (jc->engine != e) {
		svc_json_trim(jc, 0);
		jc->engine = e;
	}
	if (i >= jc->n) {
		jc->s = xreallocarray(jc->s, i + 1, sizeof(*jc->s));
		memset(jc->s + jc->n, 0, (i + 1 - jc->n) * sizeof(*jc->s));
		jc->n = i + 1;
	}
	j = &jc->s[i];
	if (!cacheable || j->key != key || j->text == NULL) {
		make(j, e, i);
		j->key = cacheable ? key : 0;
	}
	*len = j->len;
	return j->text;
}

void
svc_json_trim(struct svc_json_cache *jc, size_t n)
{
	for (size_t i = n; i < jc->n; i++) {
		free(jc->s[i].text);
		memset(&jc->s[i], 0, sizeof(jc->s[i]));
	}
	if (n < jc->n)
		jc->n = n;
}

void
svc_json_free(struct svc_json_cache *jc)
{
	svc_json_trim(jc, 0);
	free(jc->s);
	memset(jc, 0, sizeof(*jc));
}
