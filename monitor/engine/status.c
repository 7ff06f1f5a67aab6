/* What the engine shows (CLI status/summary, web snapshots) and what it
 * keeps across restarts (the state record). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "common/version.h"
#include "monitor/engine/status_int.h"

const char *
svc_type_title(enum service_type t)
{
	static const char *const n[SVC_TYPE_COUNT] = {
		"Process", "File", "Fifo", "Filesystem", "Directory", "Remote Host",
		"System", "Program", "Network",
	};

	return (unsigned)t < SVC_TYPE_COUNT ? n[t] : "Service";
}

const char *
svc_monitor_name(enum mon_state m)
{
	switch (m) {
	case MON_NOT: return "Not monitored";
	case MON_YES: return "Monitored";
	case MON_INIT: return "Initializing";
	}
	return "Unknown";
}

void
outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *dst = o->len < o->cap ? o->buf + o->len : NULL;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;

	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

void
fmt_uptime(uint64_t s, char *buf, size_t len)
{
	uint64_t d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;

	if (d > 0)
		snprintf(buf, len, "%llud %lluh %llum", (unsigned long long)d,
		    (unsigned long long)h, (unsigned long long)m);
	else if (h > 0)
		snprintf(buf, len, "%lluh %llum", (unsigned long long)h,
		    (unsigned long long)m);
	else
		snprintf(buf, len, "%llum", (unsigned long long)m);
}

void
fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= (uint64_t)1 << 30)
		snprintf(buf, len, "%.1f GB", (double)b / (double)(1u << 30));
	else if (b >= (uint64_t)1 << 20)
		snprintf(buf, len, "%.1f MB", (double)b / (double)(1u << 20));
	else if (b >= 1024)
		snprintf(buf, len, "%.1f kB", (double)b / 1024.0);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)b);
}

void
fmt_date(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%a, %d %b %Y %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

static void
status_one(const struct svc *s, struct out *o)
{
	struct field_sink k = { o, false, false };

	outf(o, "%s '%s'\n", svc_type_title(s->cf->type), s->cf->name);
	svc_fields(s, &k);
	outf(o, "\n");
}

/* Monit's first line: "Monit 5.33.0 uptime: 0m", with vigil's name. */
static void
status_header(const struct engine *e, struct out *o)
{
	char up[32];
	uint64_t now = now_ms();

	fmt_uptime(e->m != NULL && now > e->m->started_ms ?
	    (now - e->m->started_ms) / 1000 : 0, up, sizeof(up));
	outf(o, "vigil %s uptime: %s\n", VIGIL_VERSION, up);
}

size_t
engine_format_status(const struct engine *e, const char *name, bool summary,
    char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	bool all = name == NULL || name[0] == '\0' || strcmp(name, "all") == 0;

	int wn = 32, ws = 28;

	if (cap > 0)
		buf[0] = '\0';
	/* columns as wide as their longest entry (at least Monit's widths) */
	for (size_t i = 0; summary && i < e->n; i++) {
		int ln = (int)strlen(e->s[i].cf->name), ls = (int)strlen(e->s[i].status);

		if (ln > wn && ln < 256)
			wn = ln;
		if (ls > ws && ls < 256)
			ws = ls;
	}
	status_header(e, &o);
	if (summary)
		outf(&o, "%-*s %-*s %s\n", wn, "Service Name", ws, "Status", "Type");
	else
		outf(&o, "\n");
	for (size_t i = 0; i < e->n; i++) {
		const struct svc *s = &e->s[i];

		if (!all && strcmp(s->cf->name, name) != 0)
			continue;
		if (summary)
			outf(&o, "%-*s %-*s %s\n", wn, s->cf->name, ws, s->status,
			    svc_type_title(s->cf->type));
		else
			status_one(s, &o);
	}
	if (cap > 0 && o.len >= cap)
		buf[cap - 1] = '\0';
	return o.len;
}

/* Monit's event bit for a failing test of this kind, as its XML status
 * reports them in <status> (tools such as Telegraf read the bits). */
static uint32_t
test_event_bit(const struct test *t)
{
	switch (t->kind) {
	case TEST_CHECKSUM:	return 0x1;
	case TEST_RESOURCE:	return 0x2;
	case TEST_TIMESTAMP:	return 0x8;
	case TEST_SIZE:		return 0x10;
	case TEST_CONNECTION:	return 0x20;
	case TEST_PERMISSION:	return 0x40;
	case TEST_UID:		return 0x80;
	case TEST_GID:		return 0x100;
	case TEST_EXIST:	return 0x200;
	case TEST_FSFLAGS:	return 0x2000;
	case TEST_ICMP:		return 0x4000;
	case TEST_MATCH:	return 0x8000;
	case TEST_PID:		return 0x40000;
	case TEST_PPID:		return 0x80000;
	case TEST_STATUS:	return 0x200000;
	case TEST_UPTIME:	return 0x400000;
	case TEST_LINK:		return 0x800000;
	case TEST_SPACE:
	case TEST_INODE:	return 0x2;
	case TEST_RESTARTS:	return 0x10000;
	default:		return 0x400;
	}
}

static uint32_t
permille(double percent)
{
	return percent <= 0 ? 0 : (uint32_t)(percent * 10.0 + 0.5);
}

static void
snapshot_figures(const struct svc *s, struct msg_svc_figures *f)
{
	f->type_code = (uint8_t)s->cf->type;
	f->monitor_code = (uint8_t)s->monitor;
	f->mode = (uint8_t)s->mode;
	f->busy = s->busy != BUSY_NONE;
	for (size_t k = 0; k < s->nts; k++)
		if (s->ts[k].t != NULL && s->ts[k].win.failed)
			f->events |= test_event_bit(s->ts[k].t);
	if (f->events == 0 && s->exec_failed)
		f->events = 0x1000;	/* Monit's "execution failed" */
	f->collected = s->last_checked;
	if (s->cf->type == SVC_PROCESS && s->pid > 0) {
		f->ppid = s->ppid > 0 ? (uint32_t)s->ppid : 0;
		f->threads = s->threads;
		f->children = s->children;
		f->cpu_permille = s->cpu_permille;
		f->total_cpu_permille = s->total_cpu_permille;
		f->mem_bytes = s->mem_bytes;
		f->total_mem_bytes = s->total_mem_bytes;
	}
	f->restarts = s->restart_count;
	if (s->cf->type == SVC_PROGRAM && s->have_status) {
		f->have_exit_status = 1;
		f->exit_status = s->last_status;
	}
	if (s->cf->type == SVC_NETWORK) {
		f->net_rx = s->net_rx;
		f->net_tx = s->net_tx;
	}
	if (s->cf->type == SVC_SYSTEM && s->e->sys.mem_total > 0) {
		const struct sys_stat *st = &s->e->sys;

		f->load1 = (uint32_t)(st->load[0] * 100.0 + 0.5);
		f->load5 = (uint32_t)(st->load[1] * 100.0 + 0.5);
		f->load15 = (uint32_t)(st->load[2] * 100.0 + 0.5);
		f->cpu_user_permille = permille(s->e->sys_cpu_user);
		f->cpu_system_permille = permille(s->e->sys_cpu_system);
		f->cpu_wait_permille = permille(s->e->sys_cpu_wait);
		f->mem_total = st->mem_total;
		f->mem_used = st->mem_total > st->mem_avail ? st->mem_total - st->mem_avail : 0;
		f->swap_total = st->swap_total;
		f->swap_used = st->swap_total > st->swap_free ? st->swap_total - st->swap_free : 0;
	}
}

int
engine_report_kind(const char *word)
{
	static const char *const kinds[] = { "", "up", "down", "initializing",
	    "unmonitored", "total" };

	if (word == NULL)
		return 0;
	if (strcmp(word, "initialising") == 0)	/* Monit's own spelling */
		return 3;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(word, kinds[i]) == 0)
			return (int)i;
	return -1;
}

size_t
engine_format_report(const struct engine *e, const char *which, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	size_t n[4] = { 0 }, total = e->n;
	int kind = engine_report_kind(which);

	if (cap > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		const char *st = svc_report_state(&e->s[i]);

		n[st[0] == 'u' && st[1] == 'p' ? 0 : st[0] == 'd' ? 1 : st[0] == 'i' ? 2 : 3]++;
	}
	if (kind >= 1 && kind <= 4) {
		outf(&o, "%zu\n", n[kind - 1]);
	} else if (kind == 5) {
		outf(&o, "%zu\n", total);
	} else {
		/* Monit's layout, its spelling "initialising" included */
		static const char *const label[] = { "up:", "down:", "initialising:",
		    "unmonitored:" };

		for (int i = 0; i < 4; i++)
			outf(&o, "%-14s%3zu (%.1f%%)\n", label[i], n[i],
			    total ? 100.0 * (double)n[i] / (double)total : 0.0);
		outf(&o, "%-14s%3zu services\n", "total:", total);
	}
	if (cap > 0 && o.len >= cap)
		buf[cap - 1] = '\0';
	return o.len;
}

void
engine_snapshot(const struct engine *e, size_t i, struct msg_snapshot_service *out)
{
	const struct svc *s;

	memset(out, 0, sizeof(*out));
	out->index = (uint32_t)i;
	if (i >= e->n)
		return;
	s = &e->s[i];
	strlcpy_v(out->name, s->cf->name, sizeof(out->name));
	strlcpy_v(out->type, service_type_name(s->cf->type), sizeof(out->type));
	strlcpy_v(out->status, s->status, sizeof(out->status));
	strlcpy_v(out->monitor, svc_monitor_name(s->monitor), sizeof(out->monitor));
	out->pid = s->pid > 0 ? (uint32_t)s->pid : 0;
	out->uptime_s = s->pid > 0 ? s->uptime_s : 0;
	strlcpy_v(out->detail, svc_detail(s), sizeof(out->detail));
	snapshot_figures(s, &out->fig);
	engine_graph_figures(e, i, &out->fig);
}

/* ---- the state record ----
 *
 *   "VGE2" u32 nservices
 *   per service: u8 namelen (1..255) name, u8 monitored (0/1),
 *                u32 restart_count, u8 nsums,
 *                per sum: u16 test index, u8 hexlen (1..128) hex [0-9a-f]
 *                u8 nnums,
 *                per learned value ("changed size", "changed timestamp"):
 *                u16 test index, u8 test kind, i64 value
 *
 * "VGE1" records (before learned values were kept) are the same without
 * nnums and its list; they are still read.  Integers little-endian.  The
 * decoder validates the whole record before it changes anything, and the
 * record must be consumed exactly. */

#define STATE_MAGIC "VGE2"
#define STATE_MAGIC_V1 "VGE1"
#define STATE_MAX_SERVICES 100000

/* Learned values that survive a restart: a file's size or time (Monit
 * keeps them too), not a pid that is gone with the process. */
static bool
learned_num_kept(const struct test *t)
{
	return t->kind != TEST_PID && t->kind != TEST_PPID &&
	    (t->op == OP_CHANGED || t->kind == TEST_FSFLAGS) &&
	    (unsigned)t->kind <= 255;
}

struct wbuf {
	uint8_t *p;
	size_t cap, len;
};

static void
put(struct wbuf *w, const void *d, size_t n)
{
	if (w->len + n <= w->cap && w->p != NULL)
		memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void
put_u8(struct wbuf *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(w, &b, 1);
}

static void
put_u16(struct wbuf *w, unsigned v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(w, b, 2);
}

static void
put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	put(w, b, 4);
}

static void
put_i64(struct wbuf *w, int64_t v)
{
	put_u32(w, (uint32_t)((uint64_t)v & 0xffffffffu));
	put_u32(w, (uint32_t)((uint64_t)v >> 32));
}

size_t
engine_state_encode(const struct engine *e, uint8_t *buf, size_t cap)
{
	struct wbuf w = { buf, cap, 0 };

	put(&w, STATE_MAGIC, 4);
	put_u32(&w, (uint32_t)e->n);
	for (size_t i = 0; i < e->n; i++) {
		const struct svc *s = &e->s[i];
		size_t nl = strlen(s->cf->name);
		unsigned nsums = 0;

		if (nl == 0 || nl > 255)
			nl = 0;	/* cannot happen with a parsed config */
		put_u8(&w, (unsigned)nl);
		put(&w, s->cf->name, nl);
		put_u8(&w, s->monitor != MON_NOT);
		put_u32(&w, (uint32_t)s->restart_count);
		for (size_t k = 0; k < s->nts && k < 65536; k++)
			if (s->ts[k].learned[0] != '\0')
				nsums++;
		if (nsums > 255)
			nsums = 255;
		put_u8(&w, nsums);
		for (size_t k = 0, done = 0; k < s->nts && done < nsums; k++) {
			size_t hl = strlen(s->ts[k].learned);

			if (hl == 0)
				continue;
			put_u16(&w, (unsigned)k);
			put_u8(&w, (unsigned)hl);
			put(&w, s->ts[k].learned, hl);
			done++;
		}
		nsums = 0;
		for (size_t k = 0; k < s->nts && k < 65536; k++)
			if (s->ts[k].have_learned_num && learned_num_kept(s->ts[k].t))
				nsums++;
		if (nsums > 255)
			nsums = 255;
		put_u8(&w, nsums);
		for (size_t k = 0, done = 0; k < s->nts && done < nsums; k++) {
			if (!s->ts[k].have_learned_num || !learned_num_kept(s->ts[k].t))
				continue;
			put_u16(&w, (unsigned)k);
			put_u8(&w, (unsigned)s->ts[k].t->kind);
			put_i64(&w, s->ts[k].learned_num);
			done++;
		}
	}
	/* Like snprintf: the length wanted; the record is complete only when
	 * that is below cap (the core grows its buffer and asks again). */
	return w.len;
}

struct rbuf {
	const uint8_t *p;
	size_t len, off;
};

static bool
get(struct rbuf *r, void *d, size_t n)
{
	if (r->len - r->off < n)
		return false;
	if (d != NULL)
		memcpy(d, r->p + r->off, n);
	r->off += n;
	return true;
}

static bool
get_u8(struct rbuf *r, unsigned *v)
{
	uint8_t b;

	if (!get(r, &b, 1))
		return false;
	*v = b;
	return true;
}

static bool
get_u16(struct rbuf *r, unsigned *v)
{
	uint8_t b[2];

	if (!get(r, b, 2))
		return false;
	*v = (unsigned)b[0] | (unsigned)b[1] << 8;
	return true;
}

static bool
get_u32(struct rbuf *r, uint32_t *v)
{
	uint8_t b[4];

	if (!get(r, b, 4))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	return true;
}

static bool
get_i64(struct rbuf *r, int64_t *v)
{
	uint32_t lo, hi;

	if (!get_u32(r, &lo) || !get_u32(r, &hi))
		return false;
	*v = (int64_t)((uint64_t)hi << 32 | lo);
	return true;
}

/* One pass: validate only (apply false) or apply a validated record. */
static bool
state_walk(struct engine *e, const uint8_t *buf, size_t len, bool apply)
{
	struct rbuf r = { buf, len, 0 };
	uint8_t magic[4];
	uint32_t n;
	bool v1;

	if (!get(&r, magic, 4))
		return false;
	v1 = memcmp(magic, STATE_MAGIC_V1, 4) == 0;
	if (!v1 && memcmp(magic, STATE_MAGIC, 4) != 0)
		return false;
	if (!get_u32(&r, &n) || n > STATE_MAX_SERVICES)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		char name[256];
		unsigned nl, mon, nsums;
		uint32_t restarts;
		struct svc *s;

		if (!get_u8(&r, &nl) || nl == 0 || !get(&r, name, nl))
			return false;
		name[nl] = '\0';
		if (memchr(name, '\0', nl) != NULL)
			return false;
		if (!get_u8(&r, &mon) || mon > 1 || !get_u32(&r, &restarts) ||
		    !get_u8(&r, &nsums))
			return false;
		s = engine_svc_by_name(e, name);	/* unknown: config changed */
		if (apply && s != NULL) {
			if (mon == 0) {
				s->monitor = MON_NOT;
			} else if (s->monitor == MON_NOT) {
				s->monitor = MON_INIT;	/* e.g. manual mode, started */
			}
			s->restart_count = restarts;
			svc_update_status(s);
		}
		for (unsigned k = 0; k < nsums; k++) {
			unsigned idx, hl;
			char hex[129];

			if (!get_u16(&r, &idx) || !get_u8(&r, &hl) || hl == 0 ||
			    hl > 128 || !get(&r, hex, hl))
				return false;
			hex[hl] = '\0';
			for (unsigned c = 0; c < hl; c++)
				if (!((hex[c] >= '0' && hex[c] <= '9') ||
				    (hex[c] >= 'a' && hex[c] <= 'f')))
					return false;
			if (apply && s != NULL && idx < s->nts &&
			    s->ts[idx].t->kind == TEST_CHECKSUM &&
			    (s->ts[idx].t->expect == NULL ||
			    s->ts[idx].t->op == OP_CHANGED))
				strlcpy_v(s->ts[idx].learned, hex,
				    sizeof(s->ts[idx].learned));
		}
		if (v1)
			continue;
		if (!get_u8(&r, &nsums))
			return false;
		for (unsigned k = 0; k < nsums; k++) {
			unsigned idx, kind;
			int64_t v;

			if (!get_u16(&r, &idx) || !get_u8(&r, &kind) ||
			    kind >= TEST_KIND_COUNT || !get_i64(&r, &v))
				return false;
			/* The control file may have changed: only the same
			 * kind of test at the same place learns it back. */
			if (apply && s != NULL && idx < s->nts &&
			    (unsigned)s->ts[idx].t->kind == kind &&
			    learned_num_kept(s->ts[idx].t)) {
				s->ts[idx].learned_num = v;
				s->ts[idx].have_learned_num = true;
			}
		}
	}
	return r.off == r.len;
}

bool
engine_state_decode(struct engine *e, const uint8_t *buf, size_t len)
{
	if (buf == NULL || !state_walk(e, buf, len, false))
		return false;
	return state_walk(e, buf, len, true);
}
