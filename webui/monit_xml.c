/* The documents of Monit's /_status, made from the latest snapshot:
 * the XML that Telegraf, the Prometheus exporters and M/Monit read (Monit
 * 5.3x's element names and numbering: <service type="N"> with Monit's type
 * numbers, <status> with Monit's event bits, <monitor> 0/1/2), and the
 * plain text that `monit status` and `monit summary` print.  Every value
 * that is not a number goes through obuf_xml (or is plain text). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "common/version.h"
#include "webui/webui.h"

/* Our enum service_type (monitor/config) to Monit's type numbers. */
static const int monit_type[MSG_SVC_TYPE_MAX + 1] = {
	3,	/* process */
	2,	/* file */
	6,	/* fifo */
	0,	/* filesystem */
	1,	/* directory */
	4,	/* host */
	5,	/* system */
	7,	/* program */
	8,	/* network */
};

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

/* A stable 32-hex-digit id for <id>: FNV-1a of the host name, twice. */
static void
server_id(const char *host, char out[33])
{
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };

	for (int k = 0; k < 2; k++)
		for (const unsigned char *p = (const unsigned char *)host; *p != '\0'; p++)
			h[k] = (h[k] ^ *p) * 0x100000001b3ull;
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

static void
xml_elem(struct obuf *b, const char *name, const char *text)
{
	obuf_addf(b, "<%s>", name);
	obuf_xml(b, text);
	obuf_addf(b, "</%s>", name);
}

static void
xml_service(struct obuf *b, const struct snap_service *v, const struct msg_svc_figures *sys)
{
	const struct msg_svc_figures *f = &v->fig;
	bool live = f->monitor_code == 1;

	obuf_addf(b, "<service type=\"%d\">", f->type_code <= MSG_SVC_TYPE_MAX ?
	    monit_type[f->type_code] : 3);
	xml_elem(b, "name", v->name);
	obuf_addf(b, "<collected_sec>%llu</collected_sec><collected_usec>0</collected_usec>"
	    "<status>%u</status><status_hint>0</status_hint><monitor>%u</monitor>"
	    "<monitormode>%u</monitormode><onreboot>0</onreboot>"
	    "<pendingaction>0</pendingaction>", (unsigned long long)f->collected,
	    f->events, f->monitor_code, f->mode);
	if (live && f->type_code == T_PROCESS && v->pid != 0) {
		uint64_t mt = sys != NULL ? sys->mem_total : 0;

		obuf_addf(b, "<pid>%u</pid><ppid>%u</ppid><uptime>%llu</uptime>"
		    "<threads>%u</threads><children>%u</children>", v->pid, f->ppid,
		    (unsigned long long)v->uptime_s, f->threads, f->children);
		obuf_addf(b, "<memory><percent>%.1f</percent><percenttotal>%.1f</percenttotal>"
		    "<kilobyte>%llu</kilobyte><kilobytetotal>%llu</kilobytetotal></memory>",
		    pct(f->mem_bytes, mt), pct(f->total_mem_bytes, mt),
		    (unsigned long long)(f->mem_bytes / 1024),
		    (unsigned long long)(f->total_mem_bytes / 1024));
		obuf_addf(b, "<cpu><percent>%.1f</percent><percenttotal>%.1f</percenttotal></cpu>",
		    (double)f->cpu_permille / 10.0, (double)f->total_cpu_permille / 10.0);
	}
	if (live && f->type_code == T_SYSTEM && f->mem_total > 0) {
		obuf_addf(b, "<system><load><avg01>%.2f</avg01><avg05>%.2f</avg05>"
		    "<avg15>%.2f</avg15></load>", f->load1 / 100.0, f->load5 / 100.0,
		    f->load15 / 100.0);
		obuf_addf(b, "<cpu><user>%.1f</user><system>%.1f</system><nice>0.0</nice>"
		    "<wait>%.1f</wait></cpu>", f->cpu_user_permille / 10.0,
		    f->cpu_system_permille / 10.0, f->cpu_wait_permille / 10.0);
		obuf_addf(b, "<memory><percent>%.1f</percent><kilobyte>%llu</kilobyte></memory>"
		    "<swap><percent>%.1f</percent><kilobyte>%llu</kilobyte></swap></system>",
		    pct(f->mem_used, f->mem_total), (unsigned long long)(f->mem_used / 1024),
		    pct(f->swap_used, f->swap_total), (unsigned long long)(f->swap_used / 1024));
	}
	if (live && f->type_code == T_PROGRAM && f->have_exit_status)
		obuf_addf(b, "<program><started>%llu</started><status>%d</status>"
		    "<output></output></program>", (unsigned long long)f->collected,
		    f->exit_status);
	if (live && f->type_code == T_NETWORK)
		obuf_addf(b, "<link><state>%d</state><speed>-1</speed><duplex>-1</duplex>"
		    "<download><bytes><now>0</now><total>%llu</total></bytes></download>"
		    "<upload><bytes><now>0</now><total>%llu</total></bytes></upload></link>",
		    (f->events & 0x800000) ? 0 : 1, (unsigned long long)f->net_rx,
		    (unsigned long long)f->net_tx);
	obuf_adds(b, "</service>");
}

void
monit_status_xml(const struct webui *w, struct obuf *b)
{
	const struct snapshot *sn = &w->snap;
	const struct msg_svc_figures *sys = snap_system(sn);
	char id[33];

	server_id(sn->valid ? sn->host : "", id);
	obuf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><monit><server>");
	obuf_addf(b, "<id>%s</id><incarnation>%llu</incarnation>", id,
	    (unsigned long long)(sn->time > sn->uptime_s ? sn->time - sn->uptime_s : 0));
	obuf_adds(b, "<version>" VIGIL_VERSION "</version>");
	obuf_addf(b, "<uptime>%u</uptime><poll>%u</poll><startdelay>0</startdelay>",
	    sn->uptime_s, sn->poll_s);
	xml_elem(b, "localhostname", sn->valid ? sn->host : "");
	obuf_adds(b, "<httpd>");
	xml_elem(b, "address", w->address);
	obuf_addf(b, "<port>%u</port><ssl>%d</ssl></httpd></server><platform>", w->port,
	    w->ssl ? 1 : 0);
	xml_elem(b, "name", w->sysname);
	xml_elem(b, "release", w->release);
	xml_elem(b, "machine", w->machine);
	obuf_addf(b, "<cpu>%u</cpu><memory>%llu</memory><swap>%llu</swap></platform>",
	    w->ncpu, (unsigned long long)(sys != NULL ? sys->mem_total / 1024 : 0),
	    (unsigned long long)(sys != NULL ? sys->swap_total / 1024 : 0));
	for (uint32_t i = 0; sn->valid && i < sn->count && !b->failed; i++)
		xml_service(b, &sn->svc[i], sys);
	obuf_adds(b, "</monit>\n");
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
monit_status_text(const struct webui *w, struct obuf *b, const char *name)
{
	const struct snapshot *sn = &w->snap;
	const struct msg_svc_figures *sys = snap_system(sn);

	text_header(w, b);
	for (uint32_t i = 0; sn->valid && i < sn->count && !b->failed; i++)
		if (name == NULL || strcmp(sn->svc[i].name, name) == 0)
			text_service(b, &sn->svc[i], sys);
}

void
monit_summary_text(const struct webui *w, struct obuf *b)
{
	const struct snapshot *sn = &w->snap;
	int wn = 32, ws = 28;

	text_header(w, b);
	for (uint32_t i = 0; sn->valid && i < sn->count; i++) {
		int ln = (int)strlen(sn->svc[i].name), ls = (int)strlen(sn->svc[i].status);

		if (ln > wn && ln < 256)
			wn = ln;
		if (ls > ws && ls < 256)
			ws = ls;
	}
	obuf_addf(b, " %-*s %-*s %s\n", wn, "Service Name", ws, "Status", "Type");
	for (uint32_t i = 0; sn->valid && i < sn->count && !b->failed; i++) {
		const struct snap_service *v = &sn->svc[i];
		int pad;

		obuf_adds(b, " ");
		plain(b, v->name);
		pad = wn - (int)strlen(v->name);
		obuf_addf(b, "%*s ", pad > 0 ? pad : 0, "");
		plain(b, v->status);
		pad = ws - (int)strlen(v->status);
		obuf_addf(b, "%*s %s\n", pad > 0 ? pad : 0, "", snap_type_title(v));
	}
}
