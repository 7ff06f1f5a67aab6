/* `vigil status --json`: the fields of `vigil status` as one JSON document,
 * described by docs/status.schema.json (scripts and the web interface read
 * it; keep the two in step). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "common/version.h"
#include "monitor/engine/status_int.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond Unicode */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void
json_string(struct out *o, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	outf(o, "\"");
	while (*s != '\0') {
		size_t n;

		if (*s == '"' || *s == '\\') {
			outf(o, "\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f || *s == '<' || *s == '>' || *s == '&') {
			/* < > & too: served over HTTP (/api/status), the document
			 * is never HTML, whatever a client sniffs */
			outf(o, "\\u%04x", *s++);
		} else if ((n = utf8_len(s)) == 0) {
			outf(o, "\\ufffd");	/* not UTF-8: replaced, never passed on */
			s++;
		} else {
			outf(o, "%.*s", (int)n, (const char *)s);
			s += n;
		}
	}
	outf(o, "\"");
}

/* One member of "services": the object of service s. */
static void
service_object(const struct svc *s, struct out *o, bool brief)
{
	struct field_sink k = { o, true, brief };

	outf(o, "{\"name\":");
	json_string(o, s->cf->name);
	outf(o, ",\"type\":");
	json_string(o, service_type_name(s->cf->type));
	svc_fields(s, &k);
	outf(o, "}");
}

static size_t
format_service(const struct engine *e, size_t i, char *buf, size_t cap, bool brief)
{
	struct out o = { buf, cap, 0 };

	if (cap > 0)
		buf[0] = '\0';
	if (i < e->n)
		service_object(&e->s[i], &o, brief);
	if (cap > 0 && o.len >= cap)
		buf[cap - 1] = '\0';
	return o.len;
}

size_t
engine_format_service_json(const struct engine *e, size_t i, char *buf, size_t cap)
{
	return format_service(e, i, buf, cap, false);
}

size_t
engine_format_service_json_brief(const struct engine *e, size_t i, char *buf, size_t cap)
{
	return format_service(e, i, buf, cap, true);
}

size_t
engine_format_status_json(const struct engine *e, const char *name, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	bool all = name == NULL || name[0] == '\0' || strcmp(name, "all") == 0;
	uint64_t now = now_ms();
	bool first = true;

	if (cap > 0)
		buf[0] = '\0';
	outf(&o, "{\"vigil\":{\"version\":");
	json_string(&o, VIGIL_VERSION);
	outf(&o, ",\"hostname\":");
	json_string(&o, e->m != NULL ? e->m->hostname : "");
	outf(&o, ",\"uptime_s\":%llu,\"time\":%lld,\"poll_s\":%d},\"services\":[",
	    (unsigned long long)(e->m != NULL && now > e->m->started_ms ?
	    (now - e->m->started_ms) / 1000 : 0), (long long)time(NULL),
	    e->m != NULL && e->m->cf != NULL ? e->m->cf->poll_s : 0);
	for (size_t i = 0; i < e->n; i++) {
		const struct svc *s = &e->s[i];

		if (!all && strcmp(s->cf->name, name) != 0)
			continue;
		outf(&o, "%s", first ? "" : ",");
		first = false;
		service_object(s, &o, false);
	}
	outf(&o, "]}\n");
	if (cap > 0 && o.len >= cap)
		buf[cap - 1] = '\0';
	return o.len;
}
