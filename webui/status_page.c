/* The pages a logged-in person reads: the status page (services grouped
 * by type, the figures of each type, status in colour and words, why a
 * service fails) and a page per service (every field, and the actions
 * this user may take on it).  Both refresh with the poll cycle (meta
 * refresh, no script) and use no asset from anywhere.
 *
 * Size: the status page has no form per row (one log-out form per page
 * carries the CSRF token); buttons live on the service page.  A process row
 * is about 130 bytes, below Monit's ~239 bytes per service. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "webui/webui.h"

/* Sections of the status page, in the order Monit shows them. */
static const struct section {
	int type;
	const char *title;
	const char *columns;	/* after Service and Status */
} sections[] = {
	{ MSG_SVC_SYSTEM, "System", "<th>Load</th><th>CPU</th><th>Memory</th><th>Swap</th>" },
	{ MSG_SVC_PROCESS, "Processes",
	    "<th>PID</th><th>Uptime</th><th>CPU</th><th>Memory</th>" },
	{ MSG_SVC_PROGRAM, "Programs", "<th>Last exit</th><th>Last run</th>" },
	{ MSG_SVC_HOST, "Hosts", "" },
	{ MSG_SVC_FILESYSTEM, "Filesystems", "" },
	{ MSG_SVC_FILE, "Files", "" },
	{ MSG_SVC_DIRECTORY, "Directories", "" },
	{ MSG_SVC_FIFO, "Fifos", "" },
	{ MSG_SVC_NETWORK, "Networks", "<th>Download</th><th>Upload</th>" },
};

uint32_t
webui_refresh_of(const struct webui *w)
{
	uint32_t p = w->snap.valid ? w->snap.poll_s : 0;

	return p == 0 ? 30 : p < 5 ? 5 : p;
}

static const char *
status_class(const struct snap_service *v)
{
	if (v->fig.monitor_code == 0)
		return "off";
	if (v->fig.monitor_code == 2)
		return "init";
	return v->fig.events != 0 ? "fail" : "ok";
}

/* The status in words and colour, with the reason of a failure. */
static void
status_cell(struct obuf *b, const struct snap_service *v)
{
	obuf_addf(b, "<td class=\"%s\">", status_class(v));
	obuf_html(b, v->fig.monitor_code == 1 ? v->status : v->monitor);
	if (v->fig.events != 0 && v->detail[0] != '\0') {
		obuf_adds(b, "<br><small>");
		obuf_html(b, v->detail);
		obuf_adds(b, "</small>");
	}
	obuf_adds(b, "</td>");
}

static void
service_link(struct obuf *b, const char *name)
{
	obuf_adds(b, "<a href=\"/service/");
	obuf_url(b, name);
	obuf_adds(b, "\">");
	obuf_html(b, name);
	obuf_adds(b, "</a>");
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void
format_time(char *out, size_t len, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, len, "-");
}

/* The figure cells of a row (the section's columns). */
static void
figure_cells(struct obuf *b, const struct snap_service *v,
    const struct msg_svc_figures *sys)
{
	const struct msg_svc_figures *f = &v->fig;
	bool live = f->monitor_code == 1;
	char t1[64], t2[64];

	switch (f->type_code) {
	case MSG_SVC_SYSTEM:
		if (!live || f->mem_total == 0) {
			obuf_adds(b, "<td>-</td><td>-</td><td>-</td><td>-</td>");
			break;
		}
		fmt_size(t1, sizeof(t1), f->mem_used);
		fmt_size(t2, sizeof(t2), f->swap_used);
		obuf_addf(b, "<td>%.2f %.2f %.2f</td><td>%.1f%%us %.1f%%sy %.1f%%wa</td>"
		    "<td>%s (%.1f%%)</td><td>%s (%.1f%%)</td>", f->load1 / 100.0,
		    f->load5 / 100.0, f->load15 / 100.0, f->cpu_user_permille / 10.0,
		    f->cpu_system_permille / 10.0, f->cpu_wait_permille / 10.0, t1,
		    pct(f->mem_used, f->mem_total), t2, pct(f->swap_used, f->swap_total));
		break;
	case MSG_SVC_PROCESS:
		if (!live || v->pid == 0) {
			obuf_adds(b, "<td>-</td><td>-</td><td>-</td><td>-</td>");
			break;
		}
		fmt_duration(t1, sizeof(t1), v->uptime_s);
		fmt_size(t2, sizeof(t2), f->mem_bytes);
		obuf_addf(b, "<td>%u</td><td>%s</td><td>%.1f%%</td><td>%s", v->pid, t1,
		    f->cpu_permille / 10.0, t2);
		if (sys != NULL)
			obuf_addf(b, " (%.1f%%)", pct(f->mem_bytes, sys->mem_total));
		obuf_adds(b, "</td>");
		break;
	case MSG_SVC_PROGRAM:
		if (!live || !f->have_exit_status) {
			obuf_adds(b, "<td>-</td><td>-</td>");
			break;
		}
		format_time(t1, sizeof(t1), f->collected);
		obuf_addf(b, "<td>%d</td><td>%s</td>", f->exit_status, t1);
		break;
	case MSG_SVC_NETWORK:
		fmt_size(t1, sizeof(t1), f->net_rx);
		fmt_size(t2, sizeof(t2), f->net_tx);
		obuf_addf(b, "<td>%s</td><td>%s</td>", t1, t2);
		break;
	default:
		break;
	}
}

/* Who is logged in, the log-out form (the page's one CSRF token), the
 * message of the last action. */
void
webui_page_head(struct obuf *b, const struct webui *w, struct web_session *s)
{
	obuf_adds(b, "<h1><a href=\"/\">vigil</a>");
	if (w->snap.valid) {
		obuf_adds(b, ": ");
		obuf_html(b, w->snap.host);
	}
	obuf_adds(b, " <small><a href=\"/log\">log</a></small></h1>\n<p>Logged in as ");
	obuf_html(b, s->user);
	obuf_addf(b, " (%s). <form class=\"a\" method=\"post\" action=\"/logout\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<button type=\"submit\">Log out</button></form></p>\n",
	    web_role_name((enum web_role)s->role), s->csrf);
	if (s->flash[0] != '\0') {
		obuf_adds(b, "<p class=\"flash\">");
		obuf_html(b, s->flash);
		obuf_adds(b, "</p>\n");
		s->flash[0] = '\0';
	}
}

/* The tables of every type with the services s sees (every service for
 * s NULL).  Without a scope they are the same for every user (no buttons,
 * no names of the viewer), so made once per snapshot; a scoped user's are
 * made for each request. */
static void
status_tables(const struct webui *w, const struct web_session *s, struct obuf *b)
{
	const struct snapshot *sn = &w->snap;
	const struct msg_svc_figures *sys = snap_system(sn);
	struct snap_view vw;

	snap_view_open(&vw, sn, s);
	for (size_t k = 0; k < ARRAY_SIZE(sections) && !b->failed; k++) {
		const struct section *sec = &sections[k];
		bool any = false;

		for (uint32_t i = 0; i < vw.n && !b->failed; i++) {
			const struct snap_service *v = snap_view_at(&vw, i);

			if (v->fig.type_code != sec->type)
				continue;
			if (!any) {
				obuf_addf(b, "<h2>%s</h2>\n<table><tr><th>Service</th>"
				    "<th>Status</th>%s</tr>\n", sec->title, sec->columns);
				any = true;
			}
			obuf_adds(b, "<tr><td>");
			service_link(b, v->name);
			obuf_adds(b, "</td>");
			status_cell(b, v);
			figure_cells(b, v, sys);
			obuf_adds(b, "</tr>\n");
		}
		if (any)
			obuf_adds(b, "</table>\n");
	}
	snap_view_close(&vw);
}

void
webui_status_page(struct webui *w, struct client *c, struct web_session *s)
{
	const struct snapshot *sn = &w->snap;
	struct obuf b;

	obuf_init(&b, WEBUI_MAX_RESPONSE);
	webui_page_begin(&b, sn->valid ? sn->host : "status", webui_refresh_of(w));
	webui_page_head(&b, w, s);
	if (!sn->valid) {
		obuf_adds(&b, "<p>No status from the monitor yet.</p>\n");
	} else if (s->nscope > 0) {
		status_tables(w, s, &b);
	} else {
		if (!w->status_tables_valid) {
			obuf_reset(&w->status_tables);
			status_tables(w, NULL, &w->status_tables);
			w->status_tables_valid = true;
		}
		if (w->status_tables.failed)
			b.failed = true;	/* too large: answered 500, as before */
		else if (w->status_tables.len > 0)
			obuf_add(&b, w->status_tables.data, w->status_tables.len);
	}
	webui_page_end(&b);
	webui_send_html(w, c, 200, NULL, &b);
}

/* Actions that mean something for the type: processes start, stop and
 * restart; every service can be monitored or not. */
static bool
action_fits(const struct snap_service *v, enum svc_action a)
{
	switch (a) {
	case SVC_ACTION_START:
		return v->fig.type_code == MSG_SVC_PROCESS &&
		    (v->pid == 0 || v->fig.monitor_code == 0);
	case SVC_ACTION_STOP:
		return v->fig.type_code == MSG_SVC_PROCESS && v->pid != 0;
	case SVC_ACTION_RESTART:
		return v->fig.type_code == MSG_SVC_PROCESS;
	case SVC_ACTION_MONITOR:
		return v->fig.monitor_code == 0;
	case SVC_ACTION_UNMONITOR:
		return v->fig.monitor_code != 0;
	}
	return false;
}

bool
webui_may_act(const struct web_session *s, const struct snap_service *v, enum svc_action a)
{
	return role_allows(s->role, a) && session_in_scope(s, v->name) && action_fits(v, a);
}

static void
field(struct obuf *b, const char *label, const char *value)
{
	obuf_addf(b, "<tr><th>%s</th><td>", label);
	obuf_html(b, value);
	obuf_adds(b, "</td></tr>\n");
}

static void
fieldf(struct obuf *b, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fieldf(struct obuf *b, const char *label, const char *fmt, ...)
{
	char v[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	field(b, label, v);
}

static void
service_fields(struct obuf *b, const struct snap_service *v, const struct msg_svc_figures *sys)
{
	const struct msg_svc_figures *f = &v->fig;
	static const char *const mode[] = { "active", "passive", "manual" };
	char t1[64], t2[64];

	field(b, "Type", snap_type_title(v));
	obuf_addf(b, "<tr><th>Status</th><td class=\"%s\">", status_class(v));
	obuf_html(b, v->status);
	obuf_adds(b, "</td></tr>\n");
	field(b, "Monitoring", v->monitor);
	field(b, "Monitoring mode", mode[f->mode <= 2 ? f->mode : 0]);
	if (f->events != 0)
		fieldf(b, "Failing events", "0x%x", f->events);
	if (f->type_code == MSG_SVC_PROCESS) {
		if (v->pid != 0) {
			fieldf(b, "PID", "%u", v->pid);
			fieldf(b, "Parent PID", "%u", f->ppid);
			fmt_duration(t1, sizeof(t1), v->uptime_s);
			field(b, "Uptime", t1);
			fieldf(b, "Threads", "%u", f->threads);
			fieldf(b, "Children", "%u", f->children);
			fieldf(b, "CPU", "%.1f%%", f->cpu_permille / 10.0);
			fieldf(b, "CPU total", "%.1f%%", f->total_cpu_permille / 10.0);
			fmt_size(t1, sizeof(t1), f->mem_bytes);
			if (sys != NULL)
				fieldf(b, "Memory", "%s (%.1f%% of the host)", t1,
				    pct(f->mem_bytes, sys->mem_total));
			else
				field(b, "Memory", t1);
			if (f->total_mem_bytes > 0) {
				fmt_size(t2, sizeof(t2), f->total_mem_bytes);
				field(b, "Memory with children", t2);
			}
		} else {
			field(b, "PID", "-");
		}
		fieldf(b, "Restarts", "%llu", (unsigned long long)f->restarts);
	}
	if (f->type_code == MSG_SVC_SYSTEM && f->mem_total > 0) {
		fieldf(b, "Load average", "%.2f %.2f %.2f", f->load1 / 100.0, f->load5 / 100.0,
		    f->load15 / 100.0);
		fieldf(b, "CPU", "%.1f%% user, %.1f%% system, %.1f%% wait",
		    f->cpu_user_permille / 10.0, f->cpu_system_permille / 10.0,
		    f->cpu_wait_permille / 10.0);
		fmt_size(t1, sizeof(t1), f->mem_used);
		fmt_size(t2, sizeof(t2), f->mem_total);
		fieldf(b, "Memory", "%s of %s (%.1f%%)", t1, t2, pct(f->mem_used, f->mem_total));
		fmt_size(t1, sizeof(t1), f->swap_used);
		fmt_size(t2, sizeof(t2), f->swap_total);
		fieldf(b, "Swap", "%s of %s (%.1f%%)", t1, t2, pct(f->swap_used, f->swap_total));
	}
	if (f->type_code == MSG_SVC_PROGRAM && f->have_exit_status)
		fieldf(b, "Last exit value", "%d", f->exit_status);
	if (f->type_code == MSG_SVC_NETWORK) {
		fmt_size(t1, sizeof(t1), f->net_rx);
		fmt_size(t2, sizeof(t2), f->net_tx);
		fieldf(b, "Downloaded", "%s", t1);
		fieldf(b, "Uploaded", "%s", t2);
	}
	if (v->detail[0] != '\0')
		field(b, "Detail", v->detail);
	format_time(t1, sizeof(t1), f->collected);
	field(b, "Last check", t1);
}

void
webui_service_page(struct webui *w, struct client *c, struct web_session *s,
    const char *name)
{
	const struct snapshot *sn = &w->snap;
	/* outside the scope: the same 404 as a name that does not exist */
	const struct snap_service *v = snap_find(sn, s, name);
	struct obuf b;
	bool any = false;

	if (v == NULL) {
		webui_respond_error(w, c, 404, "there is no service by that name");
		return;
	}
	obuf_init(&b, 256 * 1024);
	webui_page_begin(&b, v->name, webui_refresh_of(w));
	webui_page_head(&b, w, s);
	obuf_adds(&b, "<h2>");
	obuf_html(&b, snap_type_title(v));
	obuf_adds(&b, " ");
	obuf_html(&b, v->name);
	obuf_adds(&b, "</h2>\n<table>\n");
	service_fields(&b, v, snap_system(sn));
	obuf_adds(&b, "</table>\n");
	for (int a = 0; a <= SVC_ACTION_MAX; a++) {
		if (!webui_may_act(s, v, (enum svc_action)a))
			continue;
		if (!any) {
			obuf_addf(&b, "<form method=\"post\" action=\"/action\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"service\" value=\"", s->csrf);
			obuf_html(&b, v->name);
			obuf_adds(&b, "\"><p>");
			any = true;
		}
		obuf_addf(&b, "<button type=\"submit\" name=\"action\" value=\"%s\">%s</button> ",
		    svc_action_name((enum svc_action)a), svc_action_name((enum svc_action)a));
	}
	if (any)
		obuf_adds(&b, "</p></form>\n");
	history_svg(&b, history_find(&w->history, v->name));
	obuf_adds(&b, "<p><a href=\"/log?service=");
	obuf_url(&b, v->name);
	obuf_adds(&b, "\">Recent log of this service</a></p>\n");
	obuf_adds(&b, "<p><a href=\"/\">All services</a></p>\n");
	webui_page_end(&b);
	webui_send_html(w, c, 200, NULL, &b);
}
