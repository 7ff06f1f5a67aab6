/* The documents of Monit's /_status, made from the latest snapshot:
 * the XML that Telegraf and the Prometheus exporters read (rendered by
 * common/monit_xml.c, which the monitor's M/Monit reporter shares), and the
 * plain text that `monit status` and `monit summary` print. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/monit_xml.h"
#include "common/util.h"
#include "common/version.h"
#include "webui/webui.h"

static const char *const type_title[MSG_SVC_TYPE_MAX + 1] = {
	"Process", "File", "Fifo", "Filesystem", "Directory", "Remote Host",
	"System", "Program", "Network",
};

#define T_PROCESS	0
#define T_SYSTEM	6
#define T_PROGRAM	7
#define T_NETWORK	8

const char *
snap_type_title(const struct snap_service *v)
{
	return v->fig.type_code <= MSG_SVC_TYPE_MAX ? type_title[v->fig.type_code] : "Service";
}

/* The system service's figures (memory total for process percentages). */
const struct msg_svc_figures *
snap_system(const struct snapshot *sn)
{
	for (uint32_t i = 0; sn->valid && i < sn->count; i++)
		if (sn->svc[i].fig.type_code == T_SYSTEM && sn->svc[i].fig.mem_total > 0)
			return &sn->svc[i].fig;
	return NULL;
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void
snap_xml_service(const void *ctx, size_t i, struct monit_xml_service *out)
{
	const struct snap_service *v = snap_view_at(ctx, (uint32_t)i);

	out->name = v->name;
	out->pid = v->pid;
	out->uptime_s = v->uptime_s;
	out->fig = &v->fig;
}

void
monit_status_xml(const struct webui *w, const struct web_session *s, struct obuf *b)
{
	const struct snapshot *sn = &w->snap;
	struct snap_view vw;
	struct monit_xml_doc d = {
		.style = MONIT_XML_STATUS,
		.host = sn->valid ? sn->host : "",
		.incarnation = sn->time > sn->uptime_s ? sn->time - sn->uptime_s : 0,
		.uptime_s = sn->uptime_s,
		.poll_s = sn->poll_s,
		.httpd_address = w->address,
		.httpd_port = w->port,
		.httpd_ssl = w->ssl,
		.sysname = w->sysname,
		.release = w->release,
		.machine = w->machine,
		.ncpu = w->ncpu,
		.service = snap_xml_service,
		.ctx = &vw,
	};

	snap_view_open(&vw, sn, s);
	d.nservices = vw.n;
	monit_xml_render(b, &d);
	snap_view_close(&vw);
}

/* ---- text ---- */

void
fmt_size(char *out, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < ARRAY_SIZE(unit)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(out, len, "%.1f %s", v, unit[u]);
}

void
fmt_duration(char *out, size_t len, uint64_t s)
{
	if (s >= 86400)
		snprintf(out, len, "%llud %lluh %llum", (unsigned long long)(s / 86400),
		    (unsigned long long)(s / 3600 % 24), (unsigned long long)(s / 60 % 60));
	else if (s >= 3600)
		snprintf(out, len, "%lluh %llum", (unsigned long long)(s / 3600),
		    (unsigned long long)(s / 60 % 60));
	else
		snprintf(out, len, "%llum", (unsigned long long)(s / 60));
}

static void
row(struct obuf *b, const char *label, const char *value)
{
	obuf_addf(b, "  %-29s", label);
	obuf_add(b, value, strlen(value));
	obuf_adds(b, "\n");
}

static void
rowf(struct obuf *b, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
rowf(struct obuf *b, const char *label, const char *fmt, ...)
{
	char v[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	row(b, label, v);
}

/* Text the terminal shows as is: control bytes become '?' (a service's
 * status may carry a program's output). */
static void
plain(struct obuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			c = '?';
		obuf_add(b, &c, 1);
	}
}

static void
text_service(struct obuf *b, const struct snap_service *v, const struct msg_svc_figures *sys)
{
	const struct msg_svc_figures *f = &v->fig;
	static const char *const mode[] = { "active", "passive", "manual" };
	char t1[64], t2[64];

	obuf_addf(b, "%s '", snap_type_title(v));
	plain(b, v->name);
	obuf_adds(b, "'\n");
	obuf_addf(b, "  %-29s", "status");
	plain(b, v->status);
	obuf_addf(b, "\n  %-29s", "monitoring status");
	plain(b, v->monitor);
	obuf_adds(b, "\n");
	row(b, "monitoring mode", mode[f->mode <= 2 ? f->mode : 0]);
	if (f->type_code == T_PROCESS && f->monitor_code == 1) {
		if (v->pid != 0) {
			rowf(b, "pid", "%u", v->pid);
			rowf(b, "parent pid", "%u", f->ppid);
			fmt_duration(t1, sizeof(t1), v->uptime_s);
			row(b, "uptime", t1);
			rowf(b, "threads", "%u", f->threads);
			rowf(b, "children", "%u", f->children);
			rowf(b, "cpu", "%.1f%%", f->cpu_permille / 10.0);
			rowf(b, "cpu total", "%.1f%%", f->total_cpu_permille / 10.0);
			fmt_size(t1, sizeof(t1), f->mem_bytes);
			fmt_size(t2, sizeof(t2), f->total_mem_bytes);
			rowf(b, "memory", "%.1f%% [%s]", pct(f->mem_bytes, sys ? sys->mem_total : 0), t1);
			rowf(b, "memory total", "%.1f%% [%s]",
			    pct(f->total_mem_bytes, sys ? sys->mem_total : 0), t2);
		} else {
			row(b, "pid", "-");
		}
		rowf(b, "restarts", "%llu", (unsigned long long)f->restarts);
	}
	if (f->type_code == T_SYSTEM && f->mem_total > 0) {
		rowf(b, "load average", "[%.2f] [%.2f] [%.2f]", f->load1 / 100.0,
		    f->load5 / 100.0, f->load15 / 100.0);
		rowf(b, "cpu", "%.1f%%usr %.1f%%sys %.1f%%iowait", f->cpu_user_permille / 10.0,
		    f->cpu_system_permille / 10.0, f->cpu_wait_permille / 10.0);
		fmt_size(t1, sizeof(t1), f->mem_used);
		rowf(b, "memory usage", "%s [%.1f%%]", t1, pct(f->mem_used, f->mem_total));
		fmt_size(t1, sizeof(t1), f->swap_used);
		rowf(b, "swap usage", "%s [%.1f%%]", t1, pct(f->swap_used, f->swap_total));
	}
	if (f->type_code == T_PROGRAM && f->have_exit_status)
		rowf(b, "last exit value", "%d", f->exit_status);
	if (f->type_code == T_NETWORK) {
		fmt_size(t1, sizeof(t1), f->net_rx);
		fmt_size(t2, sizeof(t2), f->net_tx);
		rowf(b, "download bytes", "%s total", t1);
		rowf(b, "upload bytes", "%s total", t2);
	}
	if (v->detail[0] != '\0') {
		obuf_addf(b, "  %-29s", "detail");
		plain(b, v->detail);
		obuf_adds(b, "\n");
	}
	if (f->collected > 0) {
		time_t t = (time_t)f->collected;
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(t1, sizeof(t1), "%a, %d %b %Y %H:%M:%S UTC", &tm) > 0)
			row(b, "data collected", t1);
	}
	obuf_adds(b, "\n");
}

static void
text_header(const struct webui *w, struct obuf *b)
{
	char up[64];

	fmt_duration(up, sizeof(up), w->snap.valid ? w->snap.uptime_s : 0);
	obuf_addf(b, "vigil " VIGIL_VERSION " uptime: %s\n\n", up);
	if (!w->snap.valid)
		obuf_adds(b, "No status from the monitor yet.\n");
}

void
monit_status_text(const struct webui *w, const struct web_session *s, struct obuf *b,
    const char *name)
{
	const struct snapshot *sn = &w->snap;
	const struct msg_svc_figures *sys = snap_system(sn);
	struct snap_view vw;

	text_header(w, b);
	snap_view_open(&vw, sn, s);
	for (uint32_t k = 0; k < vw.n && !b->failed; k++) {
		const struct snap_service *v = snap_view_at(&vw, k);

		if (name == NULL || strcmp(v->name, name) == 0)
			text_service(b, v, sys);
	}
	snap_view_close(&vw);
}

void
monit_summary_text(const struct webui *w, const struct web_session *s, struct obuf *b)
{
	struct snap_view vw;
	int wn = 32, ws = 28;

	text_header(w, b);
	snap_view_open(&vw, &w->snap, s);
	for (uint32_t k = 0; k < vw.n; k++) {
		const struct snap_service *v = snap_view_at(&vw, k);
		int ln = (int)strlen(v->name), ls = (int)strlen(v->status);

		if (ln > wn && ln < 256)
			wn = ln;
		if (ls > ws && ls < 256)
			ws = ls;
	}
	obuf_addf(b, " %-*s %-*s %s\n", wn, "Service Name", ws, "Status", "Type");
	for (uint32_t k = 0; k < vw.n && !b->failed; k++) {
		const struct snap_service *v = snap_view_at(&vw, k);
		int pad;

		obuf_adds(b, " ");
		plain(b, v->name);
		pad = wn - (int)strlen(v->name);
		obuf_addf(b, "%*s ", pad > 0 ? pad : 0, "");
		plain(b, v->status);
		pad = ws - (int)strlen(v->status);
		obuf_addf(b, "%*s %s\n", pad > 0 ? pad : 0, "", snap_type_title(v));
	}
	snap_view_close(&vw);
}
