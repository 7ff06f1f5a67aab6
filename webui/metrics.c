/* GET /metrics: the snapshot in Prometheus' text exposition format (what
 * `promtool check metrics` checks): one family per figure, each with HELP
 * and TYPE, labels service="..." and type="..." escaped by
 * obuf_prom_label. */
#include <stddef.h>
#include <string.h>

#include "common/util.h"
#include "webui/webui.h"

static void
family(struct obuf *b, const char *name, const char *type, const char *help)
{
	obuf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
labels(struct obuf *b, const char *name, const struct snap_service *v)
{
	obuf_addf(b, "%s{service=\"", name);
	obuf_prom_label(b, v->name);
	obuf_adds(b, "\",type=\"");
	obuf_prom_label(b, v->type);
	obuf_adds(b, "\"} ");
}

/* A per-service figure: where it is in the snapshot, how to scale it, and
 * which services have it. */
enum figure_need {
	NEED_NONE,		/* every service of the type */
	NEED_PID,		/* a running process */
	NEED_SYS,		/* system figures were read */
	NEED_EXIT,		/* the program has run */
	NEED_CHECKED,		/* the service was checked once */
};

enum figure_src {
	SRC_FIG32,		/* uint32_t in msg_svc_figures at off */
	SRC_FIG64,		/* uint64_t there */
	SRC_EXIT,		/* int32_t exit status */
	SRC_OK,			/* 1 when no test fails */
	SRC_MONITOR,		/* monitor_code */
	SRC_PID,		/* snap_service.pid */
	SRC_UPTIME,		/* snap_service.uptime_s */
};

struct figure {
	const char *name, *type, *help;
	int only;		/* service type, -1: any */
	enum figure_src src;
	size_t off;
	double scale;		/* the value is divided by it */
	enum figure_need need;
};

#define F32(f)	SRC_FIG32, offsetof(struct msg_svc_figures, f)
#define F64(f)	SRC_FIG64, offsetof(struct msg_svc_figures, f)

static const struct figure figures[] = {
	{ "vigil_service_ok", "gauge", "1 when every test of the service passes, 0 when "
	    "one fails.", -1, SRC_OK, 0, 1, NEED_NONE },
	{ "vigil_service_failed_events", "gauge", "Monit's event bits of the failing "
	    "tests (0: none).", -1, F32(events), 1, NEED_NONE },
	{ "vigil_service_monitoring", "gauge", "0 not monitored, 1 monitored, 2 "
	    "initializing.", -1, SRC_MONITOR, 0, 1, NEED_NONE },
	{ "vigil_service_restarts_total", "counter", "Starts and restarts vigil made of "
	    "the service since it began.", -1, F64(restarts), 1, NEED_NONE },
	{ "vigil_service_last_check_timestamp_seconds", "gauge", "Unix time of the "
	    "service's last check.", -1, F64(collected), 1, NEED_CHECKED },
	{ "vigil_process_pid", "gauge", "The process id (0: not running).", MSG_SVC_PROCESS,
	    SRC_PID, 0, 1, NEED_NONE },
	{ "vigil_process_uptime_seconds", "gauge", "Seconds since the process started.",
	    MSG_SVC_PROCESS, SRC_UPTIME, 0, 1, NEED_PID },
	{ "vigil_process_cpu_ratio", "gauge", "Cpu used by the process over the last "
	    "cycle (1 = one cpu).", MSG_SVC_PROCESS, F32(cpu_permille), 1000, NEED_PID },
	{ "vigil_process_cpu_total_ratio", "gauge", "Cpu used by the process and its "
	    "children (1 = one cpu).", MSG_SVC_PROCESS, F32(total_cpu_permille), 1000,
	    NEED_PID },
	{ "vigil_process_memory_bytes", "gauge", "Resident memory of the process.",
	    MSG_SVC_PROCESS, F64(mem_bytes), 1, NEED_PID },
	{ "vigil_process_memory_total_bytes", "gauge", "Resident memory of the process "
	    "and its children.", MSG_SVC_PROCESS, F64(total_mem_bytes), 1, NEED_PID },
	{ "vigil_process_threads", "gauge", "Threads of the process.", MSG_SVC_PROCESS,
	    F32(threads), 1, NEED_PID },
	{ "vigil_process_children", "gauge", "Descendants of the process.", MSG_SVC_PROCESS,
	    F32(children), 1, NEED_PID },
	{ "vigil_program_exit_status", "gauge", "Exit status of the program's last run.",
	    MSG_SVC_PROGRAM, SRC_EXIT, 0, 1, NEED_EXIT },
	{ "vigil_network_receive_bytes_total", "counter", "Bytes the interface received.",
	    MSG_SVC_NETWORK, F64(net_rx), 1, NEED_NONE },
	{ "vigil_network_transmit_bytes_total", "counter", "Bytes the interface sent.",
	    MSG_SVC_NETWORK, F64(net_tx), 1, NEED_NONE },
	{ "vigil_system_load1", "gauge", "Load average over 1 minute.", MSG_SVC_SYSTEM,
	    F32(load1), 100, NEED_SYS },
	{ "vigil_system_load5", "gauge", "Load average over 5 minutes.", MSG_SVC_SYSTEM,
	    F32(load5), 100, NEED_SYS },
	{ "vigil_system_load15", "gauge", "Load average over 15 minutes.", MSG_SVC_SYSTEM,
	    F32(load15), 100, NEED_SYS },
	{ "vigil_system_memory_used_bytes", "gauge", "Memory in use (total less "
	    "available).", MSG_SVC_SYSTEM, F64(mem_used), 1, NEED_SYS },
	{ "vigil_system_memory_total_bytes", "gauge", "Memory of the host.", MSG_SVC_SYSTEM,
	    F64(mem_total), 1, NEED_SYS },
	{ "vigil_system_swap_used_bytes", "gauge", "Swap in use.", MSG_SVC_SYSTEM,
	    F64(swap_used), 1, NEED_SYS },
	{ "vigil_system_swap_total_bytes", "gauge", "Swap of the host.", MSG_SVC_SYSTEM,
	    F64(swap_total), 1, NEED_SYS },
};

static bool
figure_value(const struct figure *fg, const struct snap_service *v, double *x)
{
	const struct msg_svc_figures *f = &v->fig;
	const uint8_t *base = (const uint8_t *)f;
	uint32_t u32;
	uint64_t u64;

	*x = 0;
	if ((fg->only >= 0 && f->type_code != fg->only) ||
	    (fg->need == NEED_PID && v->pid == 0) ||
	    (fg->need == NEED_SYS && f->mem_total == 0) ||
	    (fg->need == NEED_EXIT && !f->have_exit_status) ||
	    (fg->need == NEED_CHECKED && f->collected == 0))
		return false;
	switch (fg->src) {
	case SRC_FIG32:
		memcpy(&u32, base + fg->off, sizeof(u32));
		*x = u32;
		break;
	case SRC_FIG64:
		memcpy(&u64, base + fg->off, sizeof(u64));
		*x = (double)u64;
		break;
	case SRC_EXIT:
		*x = f->exit_status;
		break;
	case SRC_OK:
		*x = f->events == 0;
		break;
	case SRC_MONITOR:
		*x = f->monitor_code;
		break;
	case SRC_PID:
		*x = v->pid;
		break;
	case SRC_UPTIME:
		*x = (double)v->uptime_s;
		break;
	}
	*x /= fg->scale;
	return true;
}

static void
per_service(struct obuf *b, const struct snap_view *vw, const struct figure *fg)
{
	bool header = false;

	for (uint32_t k = 0; k < vw->n && !b->failed; k++) {
		const struct snap_service *v = snap_view_at(vw, k);
		double x;

		if (!figure_value(fg, v, &x))
			continue;
		if (!header) {
			family(b, fg->name, fg->type, fg->help);
			header = true;
		}
		labels(b, fg->name, v);
		if (x == (double)(int64_t)x)
			obuf_addf(b, "%lld\n", (long long)x);
		else
			obuf_addf(b, "%.6g\n", x);
	}
}

/* System cpu by mode: one family, a mode label besides the service's. */
static void
system_cpu(struct obuf *b, const struct snap_view *vw)
{
	static const char name[] = "vigil_system_cpu_ratio";
	bool header = false;

	for (uint32_t i = 0; i < vw->n; i++) {
		const struct snap_service *v = snap_view_at(vw, i);
		const struct { const char *mode; uint32_t pm; } m[] = {
			{ "user", v->fig.cpu_user_permille },
			{ "system", v->fig.cpu_system_permille },
			{ "wait", v->fig.cpu_wait_permille },
		};

		if (v->fig.type_code != MSG_SVC_SYSTEM || v->fig.mem_total == 0)
			continue;
		if (!header) {
			family(b, name, "gauge", "Share of all cpus spent per mode over the last "
			    "cycle (check system).");
			header = true;
		}
		for (size_t k = 0; k < ARRAY_SIZE(m); k++) {
			obuf_addf(b, "%s{service=\"", name);
			obuf_prom_label(b, v->name);
			obuf_addf(b, "\",mode=\"%s\"} %.3f\n", m[k].mode, m[k].pm / 1000.0);
		}
	}
}

static size_t
live_sessions(const struct webui *w)
{
	size_t n = 0;

	for (size_t i = 0; i < SESSION_MAX; i++)
		if (w->sessions.s[i].used)
			n++;
	return n;
}

void
metrics_render(const struct webui *w, const struct web_session *s, struct obuf *b)
{
	const struct snapshot *sn = &w->snap;
	struct snap_view vw;

	snap_view_open(&vw, sn, s);
	family(b, "vigil_up", "gauge", "1 when the web interface holds a complete status "
	    "from the monitor.");
	obuf_addf(b, "vigil_up %d\n", sn->valid ? 1 : 0);
	if (sn->valid) {
		family(b, "vigil_uptime_seconds", "gauge", "Seconds since the monitor started.");
		obuf_addf(b, "vigil_uptime_seconds %u\n", sn->uptime_s);
		family(b, "vigil_poll_interval_seconds", "gauge", "The poll cycle (set daemon).");
		obuf_addf(b, "vigil_poll_interval_seconds %u\n", sn->poll_s);
		family(b, "vigil_services", "gauge", "Services in the control file (those "
		    "in the user's service scope).");
		obuf_addf(b, "vigil_services %u\n", vw.n);
	}
	for (size_t i = 0; i < ARRAY_SIZE(figures); i++) {
		per_service(b, &vw, &figures[i]);
		if (strcmp(figures[i].name, "vigil_system_load15") == 0)
			system_cpu(b, &vw);
	}
	snap_view_close(&vw);
	family(b, "vigil_web_logins_total", "counter",
	    "Logins to the web interface since it started, by method and result.");
	obuf_addf(b, "vigil_web_logins_total{method=\"form\",result=\"ok\"} %llu\n"
	    "vigil_web_logins_total{method=\"form\",result=\"failed\"} %llu\n"
	    "vigil_web_logins_total{method=\"basic\",result=\"ok\"} %llu\n"
	    "vigil_web_logins_total{method=\"basic\",result=\"failed\"} %llu\n"
	    "vigil_web_logins_total{method=\"bearer\",result=\"ok\"} %llu\n"
	    "vigil_web_logins_total{method=\"bearer\",result=\"failed\"} %llu\n",
	    (unsigned long long)w->logins_ok, (unsigned long long)w->logins_failed,
	    (unsigned long long)w->basic_ok, (unsigned long long)w->basic_failed,
	    (unsigned long long)w->bearer_ok, (unsigned long long)w->bearer_failed);
	family(b, "vigil_web_requests_total", "counter",
	    "HTTP requests the web interface parsed since it started.");
	obuf_addf(b, "vigil_web_requests_total %llu\n", (unsigned long long)w->requests);
	family(b, "vigil_web_sessions", "gauge", "Live web sessions (forms and Basic).");
	obuf_addf(b, "vigil_web_sessions %zu\n", live_sessions(w));
}
