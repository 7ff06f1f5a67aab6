/* Internals of the status formatters (status.c: text, status_json.c: JSON,
 * status_fields.c: the one list of fields both print). */
#ifndef VIGIL_STATUS_INT_H
#define VIGIL_STATUS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/engine/engine.h"

/* A growing text that counts what it could not hold (like snprintf). */
struct out {
	char *buf;
	size_t cap, len;
};

void outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fmt_bytes(uint64_t b, char *buf, size_t len);
void fmt_uptime(uint64_t s, char *buf, size_t len);
/* "Mon, 30 Nov 2026 00:53:18" (local time, as Monit prints it). */
void fmt_date(int64_t t, char *buf, size_t len);
/* A JSON string literal of s (quotes, escapes, invalid UTF-8 replaced). */
void json_string(struct out *o, const char *s);

/* Where the fields of a service go: a text row ("  label   value") or a
 * JSON member ("key": value).  A field with a NULL label is JSON only, one
 * with a NULL key text only. */
struct field_sink {
	struct out *o;
	bool json;
	bool brief;		/* the fields every type has, nothing more */
};

void field_str(struct field_sink *k, const char *label, const char *key, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
void field_uint(struct field_sink *k, const char *label, const char *key, uint64_t v);
void field_int(struct field_sink *k, const char *label, const char *key, int64_t v);
/* A number in JSON, text as formatted. */
void field_num(struct field_sink *k, const char *label, const char *key, double v,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void field_json_num(struct field_sink *k, const char *key, double v);
void field_bool(struct field_sink *k, const char *key, bool v);
/* Unix seconds in JSON, a date in the text. */
void field_time(struct field_sink *k, const char *label, const char *key, int64_t t);

/* The graphs' figures of service i that engine_snapshot() leaves to it: a
 * host's response time, a filesystem's space and inodes in use
 * (graph_figures.c). */
void engine_graph_figures(const struct engine *e, size_t i, struct msg_svc_figures *f);

/* Every field of service s, in Monit's order (status_fields.c). */
void svc_fields(const struct svc *s, struct field_sink *k);
/* "up", "down", "initializing" or "unmonitored", as `report` counts. */
const char *svc_report_state(const struct svc *s);

#endif
