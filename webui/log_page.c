/* The log view: the monitor's recent log lines (its ring, handed over with
 * the snapshots; webui reads no file), newest first, escaped, filtered by
 * service.  A user with a service scope sees only lines that name a
 * service in the scope. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "webui/webui.h"

void
logview_on_line(struct webui *w, const struct msg_snapshot_log *m)
{
	struct logview *lv = &w->logview;
	struct logview_line *l;

	if (m->seq <= lv->last_seq)
		lv->next = lv->n = 0;	/* a new monitor: start over */
	lv->last_seq = m->seq;
	l = &lv->line[lv->next];
	free(l->text);
	l->text = xstrdup(m->text);
	l->time = m->time;
	l->level = m->level;
	lv->next = (lv->next + 1) % WEBUI_LOG_LINES;
	if (lv->n < WEBUI_LOG_LINES)
		lv->n++;
}

void
logview_free(struct logview *lv)
{
	for (size_t i = 0; i < WEBUI_LOG_LINES; i++)
		free(lv->line[i].text);
	memset(lv, 0, sizeof(*lv));
}

/* Does the line name service (as the monitor writes it: 'NAME')? */
static bool
names_service(const char *text, const char *service)
{
	size_t n = strlen(service);

	for (const char *p = strchr(text, '\''); p != NULL; p = strchr(p + 1, '\''))
		if (strncmp(p + 1, service, n) == 0 && p[1 + n] == '\'')
			return true;
	return false;
}

static bool
visible(const struct web_session *s, const char *text)
{
	if (s->nscope == 0)
		return true;
	for (uint16_t i = 0; i < s->nscope; i++)
		if (names_service(text, s->scope[i]))
			return true;
	return false;
}

void
webui_log_page(struct webui *w, struct client *c, struct web_session *s,
    const struct http_request *req)
{
	const struct logview *lv = &w->logview;
	char service[MSG_NAME_LEN] = "", name[16];
	size_t pos = 0, shown = 0;
	struct obuf b;
	int rc;

	while ((rc = http_form_next((const uint8_t *)req->query, strlen(req->query), &pos,
	    name, sizeof(name), service, sizeof(service))) == 1)
		if (strcmp(name, "service") == 0)
			break;
	if (rc < 0) {
		webui_respond_error(w, c, 400, "malformed query");
		return;
	}
	if (rc == 0)
		service[0] = '\0';
	obuf_init(&b, 1024 * 1024);
	webui_page_begin(&b, "log", webui_refresh_of(w));
	webui_page_head(&b, w, s);
	obuf_adds(&b, "<h2>Recent log");
	if (service[0] != '\0') {
		obuf_adds(&b, " of ");
		obuf_html(&b, service);
	}
	obuf_adds(&b, "</h2>\n<form method=\"get\" action=\"/log\"><p>Service: "
	    "<input type=\"text\" name=\"service\" value=\"");
	obuf_html(&b, service);
	obuf_adds(&b, "\"> <button type=\"submit\">Filter</button> <a href=\"/log\">All</a>"
	    "</p></form>\n<table class=\"log\">\n<tr><th>Time (UTC)</th><th>Level</th>"
	    "<th>Line</th></tr>\n");
	for (size_t i = 0; i < lv->n; i++) {
		const struct logview_line *l =
		    &lv->line[(lv->next + WEBUI_LOG_LINES - 1 - i) % WEBUI_LOG_LINES];
		char when[32];
		time_t t = (time_t)l->time;
		struct tm tm;

		if (l->text == NULL || !visible(s, l->text) ||
		    (service[0] != '\0' && !names_service(l->text, service)))
			continue;
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			strlcpy_v(when, "-", sizeof(when));
		obuf_addf(&b, "<tr class=\"%s\"><td>%s</td><td>%s</td><td>",
		    l->level <= LOG_LVL_WARN ? "fail" : "ok", when,
		    log_level_name((enum log_level)l->level));
		obuf_html(&b, l->text);
		obuf_adds(&b, "</td></tr>\n");
		shown++;
	}
	obuf_adds(&b, "</table>\n");
	if (shown == 0)
		obuf_adds(&b, "<p>No line to show.</p>\n");
	obuf_addf(&b, "<p>The monitor's last %d lines at most (debug lines left out); "
	    "the log file or syslog has them all.</p>\n", WEBUI_LOG_LINES);
	webui_page_end(&b);
	webui_send_html(w, c, 200, NULL, &b);
}
