/* The engine: runtime state of every service, the poll cycle and what a
 * rule outcome means (events, status).  Everything runs on the monitor's one
 * event loop; actions live in actions.c, checks in check_*.c. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

#define QUICK_DEATHS_FREE 3	/* restarted at once; then backing off */

/* The implicit rule of every process: "if does not exist then restart". */
static const struct test implicit_exist = {
	.kind = TEST_EXIST,
	.act = {
		.failed = { .kind = ACTION_RESTART },
		.failed_cycles = { 1, 1 },
	},
};

/* Files, directories and fifos: a missing path is always reported. */
static const struct test implicit_exist_alert = {
	.kind = TEST_EXIST,
	.act = {
		.failed = { .kind = ACTION_ALERT },
		.failed_cycles = { 1, 1 },
	},
};

/* Filesystems: the manual's implicit "if changed fsflags then alert". */
static const struct test implicit_fsflags_alert = {
	.kind = TEST_FSFLAGS,
	.op = OP_CHANGED,
	.act = {
		.failed = { .kind = ACTION_ALERT },
		.failed_cycles = { 1, 1 },
	},
};

static void engine_cycle(struct engine *e);

void
pending_add(struct engine *e, struct pending *p, struct svc *s)
{
	p->s = s;
	p->prev = &e->pending;
	p->next = e->pending.next;
	if (p->next != NULL)
		p->next->prev = p;
	e->pending.next = p;
}

struct svc *
pending_take(struct pending *p)
{
	struct svc *s = p->s;

	if (s == NULL)
		return NULL;
	if (p->prev != NULL)
		p->prev->next = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
	p->s = NULL;
	return s;
}

bool
cmp_check(enum cmp_op op, int64_t have, int64_t limit)
{
	switch (op) {
	case OP_LT: return have < limit;
	case OP_LE: return have <= limit;
	case OP_GT: return have > limit;
	case OP_GE: return have >= limit;
	case OP_EQ: return have == limit;
	case OP_NE: return have != limit;
	case OP_CHANGED: return have != limit;
	case OP_NONE: break;
	}
	return false;
}

const char *
cmp_op_str(enum cmp_op op)
{
	static const char *const names[] = { "", "<", "<=", ">", ">=", "=", "!=",
	    "changed" };

	return (unsigned)op < ARRAY_SIZE(names) ? names[op] : "?";
}

/* "memory usage 3.4% (limit > 80.0%)" for logs and the status detail. */
void
resource_describe(const struct test *t, int64_t have, char *buf, size_t len)
{
	static const char *const names[RES_TYPE_COUNT] = {
		"cpu", "total cpu", "cpu user", "cpu system", "cpu wait", "memory",
		"total memory", "swap", "children", "loadavg (1min)",
		"loadavg (5min)", "loadavg (15min)", "threads", "filedescriptors",
		"total filedescriptors",
	};
	const char *name = (unsigned)t->resource < RES_TYPE_COUNT ?
	    names[t->resource] : "resource";
	bool hundredths = t->unit == UNIT_PERCENT ||
	    t->resource == RES_LOADAVG_1 || t->resource == RES_LOADAVG_5 ||
	    t->resource == RES_LOADAVG_15;
	const char *pct = t->unit == UNIT_PERCENT ? "%" : "";
	const char *unit = t->unit == UNIT_BYTES ? " B" : "";

	if (hundredths)
		snprintf(buf, len, "%s %.2f%s (limit %s %.2f%s)", name,
		    (double)have / 100.0, pct, cmp_op_str(t->op),
		    (double)t->value / 100.0, pct);
	else
		snprintf(buf, len, "%s %lld%s (limit %s %lld%s)", name,
		    (long long)have, unit, cmp_op_str(t->op), (long long)t->value, unit);
}

const char *
test_event_name(const struct test *t, bool failed)
{
	bool chg = t->op == OP_CHANGED;

	switch (t->kind) {
	case TEST_EXIST: return failed ? "Does not exist" : "Exists";
	case TEST_RESOURCE:
		return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_CHECKSUM:
		if (chg || t->op == OP_NONE)
			return failed ? (chg ? "Checksum changed" : "Checksum failed") :
			    (chg ? "Checksum not changed" : "Checksum succeeded");
		return failed ? "Checksum failed" : "Checksum succeeded";
	case TEST_TIMESTAMP:
		if (chg)
			return failed ? "Timestamp changed" : "Timestamp not changed";
		return failed ? "Timestamp failed" : "Timestamp succeeded";
	case TEST_SIZE:
		if (chg)
			return failed ? "Size changed" : "Size not changed";
		return failed ? "Size failed" : "Size succeeded";
	/* Monit posts a content match as a change ("Content match"). */
	case TEST_MATCH: return failed ? "Content match" : "Content doesn't match";
	case TEST_FSFLAGS:
		return failed ? "Filesystem flags changed" : "Filesystem flags not changed";
	case TEST_SPACE: return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_INODE: return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_PERMISSION: return failed ? "Permission failed" : "Permission succeeded";
	case TEST_UID:
		if (t->subkind == 1)
			return failed ? "EUID failed" : "EUID succeeded";
		return failed ? "UID failed" : "UID succeeded";
	case TEST_GID: return failed ? "GID failed" : "GID succeeded";
	case TEST_PID: return failed ? "PID changed" : "PID not changed";
	case TEST_PPID: return failed ? "PPID changed" : "PPID not changed";
	case TEST_UPTIME: return failed ? "Uptime failed" : "Uptime succeeded";
	case TEST_CONNECTION: return failed ? "Connection failed" : "Connection succeeded";
	case TEST_ICMP: return failed ? "ICMP failed" : "ICMP succeeded";
	case TEST_STATUS: return failed ? "Status failed" : "Status succeeded";
	case TEST_RESTARTS: return failed ? "Timeout" : "Timeout recovery";
	case TEST_LINK:
		/* Monit 5.33's names: one event per kind of link test. */
		switch (t->subkind) {
		case 1: return failed ? "Speed changed" : "Speed not changed";
		case 2: return failed ? "Saturation exceeded" : "Saturation ok";
		case 3:
		case 5:
			if (t->unit == UNIT_COUNT)
				return failed ? "Upload packets exceeded" : "Upload packets ok";
			return failed ? "Upload bytes exceeded" : "Upload bytes ok";
		case 4:
		case 6:
			if (t->unit == UNIT_COUNT)
				return failed ? "Download packets exceeded" : "Download packets ok";
			return failed ? "Download bytes exceeded" : "Download bytes ok";
		default:
			return failed ? "Link down" : "Link up";
		}
	case TEST_DISKIO:
		return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_KIND_COUNT: break;
	}
	return failed ? "Failed" : "Succeeded";
}

struct svc *
engine_svc_by_name(struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->s[i].cf->name, name) == 0)
			return &e->s[i];
	return NULL;
}

/* A process that dies right after each start must not be restarted in a
 * tight loop.  A few quick deaths in a row are restarted at once; after
 * that each retry waits twice as long as the one before (1 s, 2 s, 4 s ...
 * up to the poll interval).  A process that lived QUICK_DEATH_MS resets it. */
static void
retry_tick(int fd, uint32_t events, void *arg)
{
	struct svc *s = arg;

	(void)events;
	ev_timer_ack(fd);
	s->retry_armed = false;
	if (s->monitor == MON_NOT || s->busy != BUSY_NONE || s->pid > 0)
		return;
	s->retry_due = true;
	svc_check(s, false);
	s->retry_due = false;
	svc_changed(s);
}

void
svc_retry_reset(struct svc *s)
{
	s->quick_deaths = 0;
	s->retry_due = false;
	if (s->retry_armed && s->retry_tfd >= 0)
		ev_timer_set(s->retry_tfd, 0, 0);
	s->retry_armed = false;
}

static bool
immediate_allowed(struct svc *s, const struct action *a)
{
	uint64_t poll_ms, delay_ms;
	int shift;

	if (a->kind != ACTION_RESTART && a->kind != ACTION_START)
		return true;
	if (s->retry_due || s->quick_deaths <= QUICK_DEATHS_FREE)
		return true;
	if (s->retry_armed)
		return false;
	poll_ms = (uint64_t)(s->e->m->cf && s->e->m->cf->poll_s > 0 ?
	    s->e->m->cf->poll_s : 30) * 1000;
	shift = s->quick_deaths - QUICK_DEATHS_FREE - 1;
	delay_ms = shift >= 16 ? poll_ms : (uint64_t)1000 << shift;
	if (delay_ms > poll_ms)
		delay_ms = poll_ms;
	if (s->retry_tfd < 0)
		s->retry_tfd = ev_timer_new(s->e->m->ev, retry_tick, s);
	if (s->retry_tfd < 0)
		return false;	/* the next cycle retries */
	ev_timer_set(s->retry_tfd, delay_ms, 0);
	s->retry_armed = true;
	log_warn("service '%s': died %d times right after starting; next start "
	    "in %llu ms", s->cf->name, s->quick_deaths,
	    (unsigned long long)delay_ms);
	return false;
}

void
svc_test_result(struct svc *s, struct test_state *ts, bool failed,
    bool scheduled, const char *fmt, ...)
{
	const struct test *t = ts->t;
	enum rule_event ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ts->desc, sizeof(ts->desc), fmt, ap);
	va_end(ap);
	/* Descriptions quote files and peers: keep them one printable line. */
	for (char *p = ts->desc; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	ts->last_failed = failed;
	if (s->monitor == MON_NOT)
		return;
	/* Counted rules advance only on scheduled cycles. */
	if (!scheduled && !rule_is_immediate(&t->act))
		return;
	ev = rule_step(&ts->win, &t->act, failed);
	svc_alert_rule(s, ts, ev, scheduled);
	switch (ev) {
	case RULE_FAILED:
		/* At error, as Monit logs a failure (syslog priority LOG_ERR). */
		log_err("service '%s': %s: %s", s->cf->name,
		    test_event_name(t, true), ts->desc);
		if (!scheduled && !immediate_allowed(s, &t->act.failed))
			break;
		do_action(s, ts, &t->act.failed, test_event_name(t, true), ts->desc);
		break;
	case RULE_STILL_FAILED:
		/* A process that stays down is retried on every scheduled cycle
		 * (and on each death), like Monit does. */
		if (t->kind == TEST_EXIST && s->cf->type == SVC_PROCESS &&
		    s->pid <= 0 && s->busy == BUSY_NONE &&
		    (scheduled || immediate_allowed(s, &t->act.failed)) &&
		    (t->act.failed.kind == ACTION_RESTART ||
		    t->act.failed.kind == ACTION_START))
			do_action(s, ts, &t->act.failed, test_event_name(t, true),
			    ts->desc);
		else if (t->act.failed.repeat_cycles > 0 && scheduled &&
		    s->cycles_seen % (uint64_t)t->act.failed.repeat_cycles == 0)
			do_action(s, ts, &t->act.failed, test_event_name(t, true),
			    ts->desc);
		break;
	case RULE_SUCCEEDED:
		if (t->op == OP_CHANGED || t->kind == TEST_PID || t->kind == TEST_PPID)
			log_debug("service '%s': %s", s->cf->name,
			    test_event_name(t, false));
		else
			log_info("service '%s': %s: %s", s->cf->name,
			    test_event_name(t, false), ts->desc);
		if (t->act.has_succeeded)
			do_action(s, ts, &t->act.succeeded, test_event_name(t, false),
			    ts->desc);
		break;
	case RULE_OK:
		return;
	}
	svc_changed(s);
}

void
svc_update_status(struct svc *s)
{
	const char *st = NULL;
	size_t len = 0;

	s->detail[0] = '\0';
	s->status[0] = '\0';
	if (s->monitor == MON_NOT) {
		st = "Not monitored";
	} else if (s->busy == BUSY_START) {
		st = "Start pending";
	} else if (s->busy == BUSY_STOP) {
		st = "Stop pending";
	} else if (s->busy == BUSY_RESTART_STOP) {
		st = "Restart pending";
	} else {
		/* Every failing test, as Monit joins them: "A | B". */
		for (size_t i = 0; i <= s->nts; i++) {
			const char *ev;

			if (i < s->nts) {
				if (!s->ts[i].win.failed)
					continue;
				ev = test_event_name(s->ts[i].t, true);
				if (s->detail[0] == '\0')
					strlcpy_v(s->detail, s->ts[i].desc, sizeof(s->detail));
			} else if (s->exec_failed) {
				ev = "Execution failed";
			} else {
				break;
			}
			if (strstr(s->status, ev) != NULL)
				continue;
			len += (size_t)snprintf(s->status + len, sizeof(s->status) - len,
			    "%s%s", len ? " | " : "", ev);
			if (len >= sizeof(s->status))
				break;
		}
		if (s->status[0] != '\0')
			return;
		st = s->monitor == MON_INIT ? "Initializing" : "OK";
	}
	strlcpy_v(s->status, st, sizeof(s->status));
}

static void
restart_limits(struct svc *s)
{
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		int within, n = 0;

		if (ts->t->kind != TEST_RESTARTS)
			continue;
		within = ts->t->restart_cycles > 0 ? ts->t->restart_cycles : 1;
		for (size_t k = 0; k < s->nrestarts; k++)
			if (s->restarts[k] + (uint64_t)within > s->cycles_checked)
				n++;
		svc_test_result(s, ts, ts->t->restarts > 0 && n >= ts->t->restarts, true,
		    "service restarted %d times within %d cycle(s)", n, within);
	}
}

void
svc_check(struct svc *s, bool scheduled)
{
	if (s->monitor == MON_NOT)
		return;
	s->last_checked = (uint64_t)time(NULL);
	/* A cycle spent waiting on the service's own start or stop program is
	 * not one of its cycles: Monit's cycle waits for that program. */
	if (scheduled && (s->busy == BUSY_NONE || s->busy == BUSY_EXEC))
		s->cycles_checked++;
	switch (s->cf->type) {
	case SVC_PROCESS:
		check_process(s, scheduled);
		break;
	case SVC_FILE:
	case SVC_FIFO:
	case SVC_DIRECTORY:
	case SVC_FILESYSTEM:
		check_file(s, scheduled);
		break;
	case SVC_HOST:
		check_host(s, scheduled);
		break;
	case SVC_SYSTEM:
		check_system(s, scheduled);
		break;
	case SVC_PROGRAM:
		check_program(s, scheduled);
		break;
	case SVC_NETWORK:
		check_network(s, scheduled);
		break;
	case SVC_TYPE_COUNT:
		break;
	}
	if (scheduled)
		restart_limits(s);
	if (s->monitor == MON_INIT && s->busy == BUSY_NONE)
		s->monitor = MON_YES;
	svc_update_status(s);
}

static bool
every_due(struct svc *s)
{
	const struct every *ev = &s->cf->every;

	s->cycles_seen++;
	if (ev->kind == EVERY_CYCLES && ev->cycles > 1)
		return (s->cycles_seen - 1) % (uint64_t)ev->cycles == 0;
	if (ev->kind == EVERY_CRON || ev->kind == EVERY_NOT_CRON) {
		time_t t = time(NULL);
		struct tm tm;
		int r;

		if (localtime_r(&t, &tm) == NULL)
			return true;
		r = cron_match(ev->cron, &tm);
		if (r < 0)
			return true;	/* the parser checked it; never skip forever */
		if (ev->kind == EVERY_NOT_CRON)
			return r == 0;
		/* A cron time is a minute: check once in it, not on every
		 * cycle that falls inside it. */
		if (r != 1 || (int64_t)(t / 60) == s->cron_minute)
			return false;
		s->cron_minute = (int64_t)(t / 60);
		return true;
	}
	return true;
}

/* sysconf() reads /sys on each call: once per cycle serves every process
 * service (three syscalls each, every cycle, before). */
static void
engine_read_ncpu(struct engine *e)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	e->ncpu = n >= 1 ? n : 1;
}

static void
engine_cycle(struct engine *e)
{
	e->cycle++;
	engine_read_ncpu(e);
	proc_table_read(&e->procs, e->want_cmdline);
	if (sys_stat_read(&e->sys)) {
		if (e->have_sys_prev && e->sys.cpu_total > e->sys_prev.cpu_total) {
			double d = (double)(e->sys.cpu_total - e->sys_prev.cpu_total);

			e->sys_cpu_user = 100.0 * (double)(e->sys.cpu_user -
			    e->sys_prev.cpu_user) / d;
			e->sys_cpu_system = 100.0 * (double)(e->sys.cpu_system -
			    e->sys_prev.cpu_system) / d;
			e->sys_cpu_wait = 100.0 * (double)(e->sys.cpu_wait -
			    e->sys_prev.cpu_wait) / d;
		}
		e->sys_prev = e->sys;
		e->have_sys_prev = true;
	}
	for (size_t i = 0; i < e->n; i++) {
		struct svc *s = &e->s[i];

		if (s->monitor == MON_NOT)
			continue;
		if (!every_due(s))
			continue;
		svc_check(s, true);
	}
	monitor_changed(e->m);
}

static void
cycle_tick(int fd, uint32_t events, void *arg)
{
	struct engine *e = arg;

	(void)events;
	if (ev_timer_ack(fd) == 0)
		return;
	engine_cycle(e);
}

static void
inotify_ready(int fd, uint32_t events, void *arg)
{
	struct engine *e = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	(void)events;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n; ) {
			const struct inotify_event *ie = (const void *)p;

			for (size_t i = 0; i < e->n; i++) {
				struct svc *s = &e->s[i];
				const char *base;

				/* A process service may start while unmonitored. */
				if (s->inotify_wd != ie->wd || ie->len == 0 ||
				    s->cf->path == NULL || (s->monitor == MON_NOT &&
				    s->cf->type != SVC_PROCESS))
					continue;
				/* The watch is on the directory: only our file counts. */
				base = strrchr(s->cf->path, '/');
				base = base ? base + 1 : s->cf->path;
				if (strncmp(ie->name, base, ie->len) != 0)
					continue;
				if (s->cf->type == SVC_PROCESS) {
					start_wait_pidfile_written(s);
					continue;
				}
				check_file(s, false);
				svc_update_status(s);
			}
			p += sizeof(*ie) + ie->len;
		}
	}
}

/* ---- the seam ---- */

static int64_t
resolve_owner(const struct test *t)
{
	char *end;
	long v;

	if (t->owner == NULL)
		return -1;
	errno = 0;
	v = strtol(t->owner, &end, 10);
	if (errno == 0 && *end == '\0' && end != t->owner && v >= 0)
		return v;
	if (t->kind == TEST_UID) {
		struct passwd *pw = getpwnam(t->owner);

		return pw ? (int64_t)pw->pw_uid : -1;
	} else {
		struct group *gr = getgrnam(t->owner);

		return gr ? (int64_t)gr->gr_gid : -1;
	}
}

struct engine *
engine_new(struct monitor *m)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	const struct service *sv;
	size_t i = 0;

	e->m = m;
	engine_read_ncpu(e);
	e->cycle_tfd = -1;
	e->inotify_fd = -1;
	e->n = 0;
	if (m->cf != NULL)
		for (sv = m->cf->services; sv != NULL; sv = sv->next)
			e->n++;
	e->s = xcalloc(e->n ? e->n : 1, sizeof(*e->s));
	for (sv = m->cf ? m->cf->services : NULL; sv != NULL; sv = sv->next, i++) {
		struct svc *s = &e->s[i];
		const struct test *implicit;
		bool has_exist = false, has_fsflags;
		size_t k = 0;

		s->e = e;
		s->cf = sv;
		s->index = i;
		s->pidfd = -1;
		s->wait_tfd = -1;
		s->retry_tfd = -1;
		s->inotify_wd = -1;
		s->mode = sv->mode;
		/* "onreboot nostart" waits to be started; manual mode does
		 * not when nothing was saved: Monit starts it at its own
		 * start then, and only a saved "not monitored" (vigil stop,
		 * unmonitor) keeps it down (engine_state_decode). */
		s->monitor = sv->onreboot == ONREBOOT_NOSTART ? MON_NOT : MON_INIT;
		has_fsflags = sv->type != SVC_FILESYSTEM;
		for (const struct test *t = sv->tests; t != NULL; t = t->next) {
			s->nts++;
			if (t->kind == TEST_EXIST)
				has_exist = true;
			if (t->kind == TEST_FSFLAGS)
				has_fsflags = true;
		}
		implicit = NULL;
		if (!has_exist && sv->type == SVC_PROCESS)
			implicit = &implicit_exist;
		else if (!has_exist && (sv->type == SVC_FILE || sv->type == SVC_FIFO ||
		    sv->type == SVC_DIRECTORY || sv->type == SVC_FILESYSTEM))
			implicit = &implicit_exist_alert;
		if (implicit != NULL)
			s->nts++;
		if (!has_fsflags)
			s->nts++;
		s->ts = xcalloc(s->nts ? s->nts : 1, sizeof(*s->ts));
		if (implicit != NULL)
			s->ts[k++].t = implicit;
		for (const struct test *t = sv->tests; t != NULL; t = t->next)
			s->ts[k++].t = t;
		if (!has_fsflags)
			s->ts[k++].t = &implicit_fsflags_alert;
		for (k = 0; k < s->nts; k++) {
			struct test_state *ts = &s->ts[k];

			ts->svc = s;
			ts->owner_id = -1;
			/* The parser resolved names into value; a hand-made
			 * config may carry only the name. */
			if (ts->t->kind == TEST_UID || ts->t->kind == TEST_GID)
				ts->owner_id = ts->t->owner != NULL && ts->t->value == 0 ?
				    resolve_owner(ts->t) : ts->t->value;
		}
		if (sv->type == SVC_PROCESS && sv->match != NULL) {
			e->want_cmdline = true;
			if (!process_match_compile(s))
				log_err("service '%s': cannot compile the matching pattern",
				    sv->name);
		}
		/* Name resolution happens here, once: DNS never blocks a cycle. */
		if (sv->type == SVC_HOST && sv->address != NULL) {
			s->have_addr = net_resolve(sv->address, 0, 0, SOCK_STREAM,
			    &s->addr, &s->addrlen);
			if (!s->have_addr)
				log_warn("service '%s': cannot resolve '%s'", sv->name,
				    sv->address);
		}
		for (k = 0; k < s->nts; k++) {
			struct test_state *ts = &s->ts[k];
			const struct connection *c = ts->t->conn;
			const char *host;

			if (ts->t->kind != TEST_CONNECTION || c == NULL)
				continue;
			if (c->unix_path != NULL) {
				ts->have_addr = net_resolve(c->unix_path, -1, 0,
				    c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM,
				    &ts->addr, &ts->addrlen);
				continue;
			}
			host = c->host ? c->host : sv->address ? sv->address : "localhost";
			/* "localhost" may resolve to ::1 first while the service
			 * listens on IPv4 only: take the loopback of the family. */
			if (strcmp(host, "localhost") == 0)
				host = c->ipversion == 6 ? "::1" : "127.0.0.1";
			ts->have_addr = net_resolve(host, c->port, c->ipversion,
			    c->type == CONN_UDP ? SOCK_DGRAM : SOCK_STREAM,
			    &ts->addr, &ts->addrlen);
			if (!ts->have_addr)
				log_warn("service '%s': cannot resolve '%s'", sv->name, host);
		}
		svc_update_status(s);
	}
	return e;
}

void
engine_orphan_requests(struct engine *e)
{
	if (e == NULL)
		return;
	while (e->pending.next != NULL)
		pending_take(e->pending.next);
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	/* Answers still to come find their request orphaned. */
	engine_orphan_requests(e);
	for (size_t i = 0; i < e->n; i++) {
		struct svc *s = &e->s[i];

		process_detach(s);
		for (size_t k = 0; k < s->nts; k++) {
			netcheck_cancel(&s->ts[k]);
			hashjob_cancel(&s->ts[k]);
			content_free(&s->ts[k]);
		}
		if (s->wait_tfd >= 0) {
			ev_del(e->m->ev, s->wait_tfd);
			close(s->wait_tfd);
		}
		if (s->retry_tfd >= 0) {
			ev_del(e->m->ev, s->retry_tfd);
			close(s->retry_tfd);
		}
		process_match_free(s);
		action_queue_free(s);
		free(s->fs);
		free(s->last_output);
		free(s->net_hist);
		free(s->ts);
	}
	if (e->cycle_tfd >= 0) {
		ev_del(e->m->ev, e->cycle_tfd);
		close(e->cycle_tfd);
	}
	if (e->inotify_fd >= 0) {
		ev_del(e->m->ev, e->inotify_fd);
		close(e->inotify_fd);
	}
	proc_table_clear(&e->procs);
	free(e->s);
	free(e);
}

void
engine_start(struct engine *e)
{
	uint64_t poll_ms = (uint64_t)(e->m->cf && e->m->cf->poll_s > 0 ?
	    e->m->cf->poll_s : 30) * 1000;
	uint64_t delay_ms = (uint64_t)(e->m->cf ? e->m->cf->start_delay_s : 0) * 1000;

	if (e->started)
		return;
	e->started = true;
	e->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (e->inotify_fd >= 0 &&
	    ev_add(e->m->ev, e->inotify_fd, EPOLLIN, inotify_ready, e) < 0) {
		close(e->inotify_fd);
		e->inotify_fd = -1;
	}
	e->cycle_tfd = ev_timer_new(e->m->ev, cycle_tick, e);
	if (e->cycle_tfd < 0)
		fatal("engine: timerfd");
	if (delay_ms > 0) {
		ev_timer_set(e->cycle_tfd, delay_ms, poll_ms);
		return;
	}
	ev_timer_set(e->cycle_tfd, poll_ms, poll_ms);
	engine_cycle(e);
}

/* A person's start, stop or restart that would need a program vigild
 * refuses to run (cmd->refused, set when the table was sealed) fails at
 * once with the reason, instead of "requested" and a line in the log. */
static bool
refused_program(const struct svc *s, enum svc_action a, char *msg, size_t msglen)
{
	const struct service *cf = s->cf;
	const struct command *need[2] = { NULL, NULL };
	const char *what[2] = { "", "" };

	if (a == SVC_ACTION_START && cf->type == SVC_PROCESS && s->pid <= 0) {
		need[0] = cf->start;
		what[0] = "start";
	} else if (a == SVC_ACTION_STOP) {
		need[0] = cf->stop;
		what[0] = "stop";
	} else if (a == SVC_ACTION_RESTART && cf->restart != NULL) {
		need[0] = cf->restart;
		what[0] = "restart";
	} else if (a == SVC_ACTION_RESTART) {
		need[0] = cf->stop;
		what[0] = "stop";
		need[1] = cf->start;
		what[1] = "start";
	}
	for (int i = 0; i < 2; i++)
		if (need[i] != NULL && need[i]->refused != NULL) {
			snprintf(msg, msglen, "the %s program of '%s' is refused by vigild: "
			    "%s", what[i], cf->name, need[i]->refused);
			return true;
		}
	return false;
}

int
engine_action(struct engine *e, const char *service, enum svc_action a,
    char *msg, size_t msglen)
{
	struct svc *s = service ? engine_svc_by_name(e, service) : NULL;

	if (s == NULL) {
		snprintf(msg, msglen, "there is no service named '%s'",
		    service ? service : "");
		return 404;
	}
	if (s->busy != BUSY_NONE) {
		/* Asking again for what is already under way is not an error
		 * ("stop all" reaches dependants a dependency already stops). */
		if ((a == SVC_ACTION_STOP && s->busy == BUSY_STOP) ||
		    (a == SVC_ACTION_START && s->busy == BUSY_START) ||
		    (a == SVC_ACTION_RESTART && (s->busy == BUSY_START ||
		    s->busy == BUSY_RESTART_STOP))) {
			snprintf(msg, msglen, "%s of '%s' already in progress",
			    svc_action_name(a), s->cf->name);
			return 0;
		}
		snprintf(msg, msglen, "service '%s' has an action in progress; try again",
		    s->cf->name);
		return 409;
	}
	if (refused_program(s, a, msg, msglen))
		return 403;
	svc_retry_reset(s);	/* a person asked: no back-off */
	switch (a) {
	case SVC_ACTION_START:
		if (s->monitor == MON_NOT)
			svc_monitor(s);
		if (s->cf->type == SVC_PROCESS && s->pid <= 0) {
			if (s->cf->start == NULL) {
				snprintf(msg, msglen, "service '%s' has no start program",
				    s->cf->name);
				return 409;
			}
			if (s->busy == BUSY_NONE)
				svc_start(s, "Start", "started by a user");
		}
		snprintf(msg, msglen, "start of '%s' requested", s->cf->name);
		break;
	case SVC_ACTION_STOP:
		svc_stop(s, true, "Stop", "stopped by a user");
		snprintf(msg, msglen, "stop of '%s' requested", s->cf->name);
		break;
	case SVC_ACTION_RESTART:
		if (s->monitor == MON_NOT)
			svc_monitor(s);
		if (s->cf->type == SVC_PROCESS && s->busy == BUSY_NONE)
			svc_restart(s, "Restart", "restarted by a user");
		snprintf(msg, msglen, "restart of '%s' requested", s->cf->name);
		break;
	case SVC_ACTION_MONITOR:
		svc_monitor(s);
		snprintf(msg, msglen, "monitoring of '%s' enabled", s->cf->name);
		break;
	case SVC_ACTION_UNMONITOR:
		svc_unmonitor(s, true);
		snprintf(msg, msglen, "monitoring of '%s' disabled", s->cf->name);
		break;
	default:
		snprintf(msg, msglen, "unknown action");
		return 409;
	}
	svc_alert_action(s, svc_action_name(a));
	svc_changed(s);
	return 0;
}

size_t
engine_nservices(const struct engine *e)
{
	return e->n;
}

int
engine_find(const struct engine *e, const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->s[i].cf->name, name) == 0)
			return (int)i;
	return -1;
}

char *const *
engine_groups(const struct engine *e, size_t i, size_t *n)
{
	static char *const none[1] = { NULL };

	*n = 0;
	if (i >= e->n || e->s[i].cf->groups == NULL)
		return none;
	*n = e->s[i].cf->ngroups;
	return e->s[i].cf->groups;
}

void
engine_validate(struct engine *e)
{
	engine_cycle(e);
}

/* The core's pidfd callback lives in check_process.c; engine_ tests use
 * these to drive the loop. */
void
engine_run_cycle(struct engine *e)
{
	engine_cycle(e);
}
