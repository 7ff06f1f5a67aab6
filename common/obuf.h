/* Output buffers with HTML, XML and JSON escaping: the web interface's
 * responses and the monitor's M/Monit documents.
 *
 * Every byte that did not come from a literal in pages.c goes through
 * obuf_html() or obuf_json_str(): service names come from the control file
 * and status text from the checked world (CVE-2019-11454 was stored XSS
 * through exactly such text in Monit's log view). */
#ifndef VIGIL_COMMON_OBUF_H
#define VIGIL_COMMON_OBUF_H

#include <stdbool.h>
#include <stddef.h>

struct obuf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;		/* hard bound: past it, failed is set */
	bool failed;
};

void obuf_init(struct obuf *ob, size_t max);
void obuf_free(struct obuf *ob);
void obuf_reset(struct obuf *ob);
void obuf_add(struct obuf *ob, const void *data, size_t len);
void obuf_adds(struct obuf *ob, const char *s);
void obuf_addf(struct obuf *ob, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text for HTML element content and quoted attribute values: & < > " '
 * become entities, control bytes become '?'. */
void obuf_html(struct obuf *ob, const char *s);
/* Text for XML element content: & < > " ' as entities, control bytes
 * (which XML 1.0 cannot carry) as '?', bytes that are not valid UTF-8 as
 * U+FFFD, so a strict parser always accepts the document. */
void obuf_xml(struct obuf *ob, const char *s);
/* A Prometheus label value (inside its quotes): \ " and newline escaped,
 * other control bytes '?', invalid UTF-8 U+FFFD. */
void obuf_prom_label(struct obuf *ob, const char *s);
/* A URL path segment: every byte but A-Z a-z 0-9 - . _ ~ as %XX. */
void obuf_url(struct obuf *ob, const char *s);
/* A JSON string literal with its quotes: " \ and control bytes escaped,
 * < > & as \u003c.. (safe even if sniffed as HTML), bytes that are not
 * valid UTF-8 become \ufffd. */
void obuf_json_str(struct obuf *ob, const char *s);

#endif
