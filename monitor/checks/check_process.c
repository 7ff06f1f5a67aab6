/* Process services: find the process (pid file or "matching"), hold a pidfd
 * on it so a death is handled at once, and evaluate its tests. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

bool
process_match_compile(struct svc *s)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)s->cf->match, PCRE2_ZERO_TERMINATED, 0,
	    &err, &off, NULL);
	if (re == NULL)
		return false;
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);	/* interpreter if no JIT */
	s->match_code = re;
	return true;
}

void
process_match_free(struct svc *s)
{
	pcre2_code_free(s->match_code);
	s->match_code = NULL;
}

static bool
cmdline_matches(const void *code, const char *cmdline)
{
	pcre2_match_data *md;
	int rc;

	if (code == NULL || cmdline == NULL)
		return false;
	md = pcre2_match_data_create_from_pattern(code, NULL);
	if (md == NULL)
		return false;
	rc = pcre2_match(code, (PCRE2_SPTR)cmdline, strlen(cmdline), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

pid_t
process_match_in(const struct proc_table *t, const void *code, pid_t self)
{
	pid_t first = -1;

	for (size_t i = 0; i < t->n; i++) {
		const struct proc_entry *pe = &t->p[i];
		const struct proc_entry *parent;

		if (pe->pid == self || !cmdline_matches(code, pe->cmdline))
			continue;
		if (first < 0)
			first = pe->pid;
		/* Prefer the top of a matching tree (the daemon, not a worker). */
		parent = proc_table_find(t, pe->ppid);
		if (parent == NULL || !cmdline_matches(code, parent->cmdline))
			return pe->pid;
	}
	return first;
}

pid_t
process_find(struct svc *s, bool fresh_table)
{
	if (s->cf->match != NULL) {
		struct proc_table t = { 0 };
		pid_t pid;

		if (!fresh_table)
			return process_match_in(&s->e->procs, s->match_code, getpid());
		proc_table_read(&t, true);
		pid = process_match_in(&t, s->match_code, getpid());
		proc_table_clear(&t);
		return pid;
	}
	if (s->cf->path != NULL) {
		pid_t pid = pidfile_read(s->cf->path);

		if (pid > 0 && proc_alive(pid, NULL))
			return pid;
	}
	return -1;
}

static void
pidfd_ready(int fd, uint32_t events, void *arg)
{
	struct svc *s = arg;
	pid_t old = s->pid;

	(void)fd;
	(void)events;
	if (now_ms() - s->attached_ms < QUICK_DEATH_MS)
		s->quick_deaths++;
	else
		s->quick_deaths = 0;
	process_detach(s);
	log_debug("service '%s': process %d exited", s->cf->name, (int)old);
	if (s->monitor == MON_NOT)
		return;
	if (s->busy != BUSY_NONE) {
		svc_changed(s);
		return;
	}
	/* Evaluate now, not at the next cycle. */
	check_process(s, false);
	svc_changed(s);
}

void
process_detach(struct svc *s)
{
	if (s->pidfd >= 0) {
		ev_del(s->e->m->ev, s->pidfd);
		close(s->pidfd);
		s->pidfd = -1;
	}
	s->pid = 0;
}

void
process_attach(struct svc *s, pid_t pid)
{
	struct proc_entry pe;
	int fd;

	if (pid <= 0)
		return;
	if (s->pid == pid && s->pidfd >= 0)
		return;
	process_detach(s);
	s->pid = pid;
	s->last_ms = 0;
	/* another process's counters: no rate against the old one's */
	s->have_io = s->have_io_rate = s->io_by_privd = false;
	s->attached_ms = now_ms();
	if (proc_read_one(pid, &pe)) {
		s->ppid = pe.ppid;
		s->start_ticks = pe.start_ticks;
		s->threads = pe.threads;
		s->mem_bytes = pe.rss_bytes;
	}
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		if (errno == ESRCH)
			s->pid = 0;
		else
			log_warn("service '%s': pidfd_open(%d): %s", s->cf->name,
			    (int)pid, strerror(errno));
		return;
	}
	if (ev_add(s->e->m->ev, fd, EPOLLIN, pidfd_ready, s) < 0) {
		close(fd);
		return;
	}
	s->pidfd = fd;
}

/* One reading of /proc/PID/io at now: the rates since the last one. */
static void
io_sample(struct svc *s, const struct proc_io *io, uint64_t now)
{
	const struct proc_io *o = &s->io;

	s->have_io_rate = s->have_io && s->io_ms != 0 && now > s->io_ms &&
	    io->read_bytes >= o->read_bytes && io->write_bytes >= o->write_bytes &&
	    io->rchar >= o->rchar && io->wchar >= o->wchar &&
	    io->syscr >= o->syscr && io->syscw >= o->syscw;
	if (s->have_io_rate) {
		double secs = (double)(now - s->io_ms) / 1000.0;

		s->io_read_bps = (double)(io->read_bytes - o->read_bytes) / secs;
		s->io_write_bps = (double)(io->write_bytes - o->write_bytes) / secs;
		s->io_rchar_bps = (double)(io->rchar - o->rchar) / secs;
		s->io_wchar_bps = (double)(io->wchar - o->wchar) / secs;
		s->io_syscr_ps = (double)(io->syscr - o->syscr) / secs;
		s->io_syscw_ps = (double)(io->syscw - o->syscw) / secs;
	}
	s->io = *io;
	s->io_ms = now;
	s->have_io = true;
}

/* Only services with an I/O rule make privd read another user's counters. */
static bool
has_io_test(const struct svc *s)
{
	for (size_t i = 0; i < s->nts; i++)
		if (s->ts[i].t->kind == TEST_DISKIO)
			return true;
	return false;
}

/* A cycle reads the pid file only when stat says it may have been
 * rewritten (file_stamp.c): one stat instead of open, read and close. */
struct pidfile_memo {
	struct file_stamp stamp;
	pid_t pid;
};

static pid_t
pidfile_read_memo(struct svc *s)
{
	struct stat st;
	pid_t pid;

	if (stat(s->cf->path, &st) < 0) {
		if (s->pidfile_memo != NULL)
			s->pidfile_memo->stamp.valid = false;
		return -1;
	}
	if (s->pidfile_memo != NULL && file_stamp_same(&s->pidfile_memo->stamp, &st))
		return s->pidfile_memo->pid;
	pid = pidfile_read(s->cf->path);
	if (s->pidfile_memo == NULL)
		s->pidfile_memo = xcalloc(1, sizeof(*s->pidfile_memo));
	file_stamp_set(&s->pidfile_memo->stamp, &st);
	s->pidfile_memo->pid = pid;
	return pid;
}

/* The entry of this cycle's table, writable for its cached extras. */
static struct proc_entry *
table_entry(struct engine *e, pid_t pid)
{
	const struct proc_entry *pe = proc_table_find(&e->procs, pid);

	return pe != NULL ? &e->procs.p[pe - e->procs.p] : NULL;
}

static void
update_stats(struct svc *s, struct proc_entry *pe)
{
	struct engine *e = s->e;
	long hz = proc_clk_tck();
	uint64_t now = now_ms();
	long ncpu = e->ncpu >= 1 ? e->ncpu : 1;

	s->ppid = pe->ppid;
	s->threads = pe->threads;
	s->children = pe->children;
	s->mem_bytes = pe->rss_bytes;
	s->total_mem_bytes = pe->total_rss;
	if (s->last_ms != 0 && now > s->last_ms && pe->ticks >= s->last_ticks) {
		double secs = (double)(now - s->last_ms) / 1000.0;
		double pct = 100.0 * (double)(pe->ticks - s->last_ticks) / (double)hz /
		    secs / (double)ncpu;

		s->cpu_permille = (uint32_t)(pct * 10.0);
		s->total_cpu_permille = s->cpu_permille;
		if (pe->total_ticks >= s->last_total_ticks && s->last_total_ticks > 0)
			s->total_cpu_permille = (uint32_t)(1000.0 *
			    (double)(pe->total_ticks - s->last_total_ticks) / (double)hz /
			    secs / (double)ncpu);
	}
	s->last_ticks = pe->ticks;
	s->last_total_ticks = pe->total_ticks;
	s->last_ms = now;
	if (!pe->extras_read) {
		pe->extras_read = true;
		pe->have_ids = proc_read_ids(pe->pid, &pe->ids);
		pe->fds = proc_count_fds(pe->pid);
		pe->have_io = proc_read_io(pe->pid, &pe->io);
	}
	s->have_ids = pe->have_ids;
	if (pe->have_ids)
		s->ids = pe->ids;
	s->fds = pe->fds;
	{
		struct proc_io io = pe->io;

		if (pe->have_io) {
			s->io_by_privd = false;
			io_sample(s, &io, now);
		} else if (has_io_test(s)) {
			/* another user's process: privd reads it (io_fetch) */
			if (!s->io_by_privd)
				s->have_io = s->have_io_rate = false;
			s->io_by_privd = true;
		} else {
			s->have_io = s->have_io_rate = false;
		}
	}
	if (e->sys.boot_time > 0) {
		uint64_t started = e->sys.boot_time + pe->start_ticks / (uint64_t)hz;
		uint64_t t = (uint64_t)time(NULL);

		s->uptime_s = t > started ? t - started : 0;
	}
}

/* Descriptors of the process (and with total, of every descendant); -1
 * when one of them cannot be read (another user's process: the monitor
 * holds no ptrace right). */
static int64_t
process_fds(const struct svc *s, bool total)
{
	const struct proc_table *pt = &s->e->procs;
	int64_t sum;

	if (s->fds < 0)
		return -1;
	sum = s->fds;
	for (size_t i = 0; total && i < pt->n; i++) {
		const struct proc_entry *p = &pt->p[i];
		int depth = 0;
		long n;

		for (pid_t up = p->ppid; up > 0 && depth < 64; depth++) {
			const struct proc_entry *q;

			if (up == s->pid)
				break;
			q = proc_table_find(pt, up);
			up = q != NULL ? q->ppid : 0;
			if (up <= 0)
				depth = 64;
		}
		if (depth >= 64 || p->pid == s->pid)
			continue;	/* not a descendant */
		if ((n = proc_count_fds(p->pid)) < 0)
			return -1;
		sum += n;
	}
	return sum;
}

static int64_t
process_resource(struct svc *s, const struct test *t)
{
	uint64_t total = s->e->sys.mem_total ? s->e->sys.mem_total : 1;

	switch (t->resource) {
	case RES_CPU:
	case RES_TOTAL_CPU:
		return (int64_t)s->cpu_permille * 10;	/* hundredths of a percent */
	case RES_MEMORY:
		if (t->unit == UNIT_PERCENT)
			return (int64_t)(s->mem_bytes * 10000 / total);
		return (int64_t)s->mem_bytes;
	case RES_TOTAL_MEMORY:
		if (t->unit == UNIT_PERCENT)
			return (int64_t)(s->total_mem_bytes * 10000 / total);
		return (int64_t)s->total_mem_bytes;
	case RES_CHILDREN:
		return s->children;
	case RES_THREADS:
		return s->threads;
	case RES_FDS:
	case RES_TOTAL_FDS: {
		int64_t n = process_fds(s, t->resource == RES_TOTAL_FDS);
		long limit;

		if (n < 0 || t->unit != UNIT_PERCENT)
			return n;
		limit = proc_fd_limit(s->pid);
		return limit > 0 ? n * 10000 / limit : -1;
	}
	case RES_LOADAVG_1:	/* Monit allows the system load in a process check */
		return (int64_t)(s->e->sys.load[0] * 100.0 + 0.5);
	case RES_LOADAVG_5:
		return (int64_t)(s->e->sys.load[1] * 100.0 + 0.5);
	case RES_LOADAVG_15:
		return (int64_t)(s->e->sys.load[2] * 100.0 + 0.5);
	default:
		return -1;
	}
}

/* "[disk] read|write [rate]" of a process: subkind 0/1 the storage bytes
 * (or read/write calls with operations/s), 3/4 every byte read or written. */
static void
io_test(struct svc *s, struct test_state *ts)
{
	const struct test *t = ts->t;
	bool ops = t->unit == UNIT_COUNT, write = t->subkind == 1 || t->subkind == 4;
	double have;

	if (!s->have_io) {
		svc_test_result(s, ts, false, true, "I/O of pid %d cannot be read "
		    "(/proc/%d/io)", (int)s->pid, (int)s->pid);
		return;
	}
	if (!s->have_io_rate)
		return;		/* the first sample */
	if (t->subkind >= 3)
		have = write ? s->io_wchar_bps : s->io_rchar_bps;
	else if (ops)
		have = write ? s->io_syscw_ps : s->io_syscr_ps;
	else
		have = write ? s->io_write_bps : s->io_read_bps;
	svc_test_result(s, ts, cmp_check(t->op, (int64_t)have, t->value), true,
	    "%s%s rate %.0f %s (limit %s %lld %s)", t->subkind >= 3 ? "" : "disk ",
	    write ? "write" : "read", have, ops ? "operations/s" : "B/s", cmp_op_str(t->op),
	    (long long)t->value, ops ? "operations/s" : "B/s");
}

/* Another user's process: privd reads its /proc/PID/io (the kernel lets
 * no sandboxed process read it) and the rules are evaluated on the answer,
 * once a cycle as for any other test. */
struct ioreq {
	struct pending link;
	pid_t pid;
};

static void
io_fetched(const char *text, int error, void *arg)
{
	struct ioreq *r = arg;
	struct svc *s = pending_take(&r->link);
	pid_t pid = r->pid;
	struct proc_io io;

	free(r);
	if (s == NULL)		/* the engine is gone */
		return;
	s->io_pending = false;
	if (s->pid != pid || !s->io_by_privd || s->monitor == MON_NOT ||
	    s->busy != BUSY_NONE)
		return;		/* another process, or not checked now */
	if (error == ESRCH || error == ENOENT)
		return;		/* ended meanwhile: the next cycle sees it */
	if (error == 0 && proc_io_parse(text, &io)) {
		io_sample(s, &io, now_ms());
	} else {
		s->have_io = s->have_io_rate = false;
		if (error != 0)
			log_debug("service '%s': privd could not read /proc/%d/io: %s",
			    s->cf->name, (int)pid, strerror(error));
	}
	for (size_t i = 0; i < s->nts; i++)
		if (s->ts[i].t->kind == TEST_DISKIO)
			io_test(s, &s->ts[i]);
	svc_changed(s);
}

static void
io_fetch(struct svc *s)
{
	struct ioreq *r;

	if (s->io_pending)
		return;		/* privd has not answered the last one yet */
	r = xcalloc(1, sizeof(*r));
	r->pid = s->pid;
	s->io_pending = true;
	pending_add(s->e, &r->link, s);
	if (engine_proc_io(s, s->pid, io_fetched, r) < 0) {
		pending_take(&r->link);
		free(r);
		s->io_pending = false;
	}
}

/* "if failed uid|euid|gid": the real uid, the effective uid, the real gid,
 * as Monit compares them. */
static void
owner_test(struct svc *s, struct test_state *ts, bool scheduled)
{
	const struct test *t = ts->t;
	const char *what = t->kind == TEST_GID ? "gid" : t->subkind == 1 ? "euid" : "uid";
	int64_t have = t->kind == TEST_GID ? (int64_t)s->ids.gid :
	    t->subkind == 1 ? (int64_t)s->ids.euid : (int64_t)s->ids.uid;

	if (ts->owner_id < 0) {
		svc_test_result(s, ts, true, scheduled, "unknown %s '%s'",
		    t->kind == TEST_GID ? "group" : "user", t->owner ? t->owner : "");
		return;
	}
	svc_test_result(s, ts, have != ts->owner_id, scheduled, "%s is %lld (expected %lld)",
	    what, (long long)have, (long long)ts->owner_id);
}

void
check_process(struct svc *s, bool scheduled)
{
	struct engine *e = s->e;
	struct proc_entry *pe = NULL;
	struct proc_entry one;
	pid_t pid;

	if (scheduled) {
		if (s->cf->match != NULL) {
			pid = process_match_in(&e->procs, s->match_code, getpid());
		} else {
			pid = pidfile_read_memo(s);
			if (pid > 0 && proc_table_find(&e->procs, pid) == NULL)
				pid = -1;
		}
		/* The process we hold may have survived a pid file rewrite. */
		if (pid <= 0 && s->pid > 0 && s->pidfd >= 0 &&
		    proc_table_find(&e->procs, s->pid) != NULL && s->cf->match != NULL)
			pid = s->pid;
		if (pid > 0)
			pe = table_entry(e, pid);
	} else {
		pid = process_find(s, true);
		if (pid > 0 && proc_read_one(pid, &one))
			pe = &one;
	}
	if (pid > 0)
		process_attach(s, pid);
	else if (s->pid > 0)
		process_detach(s);
	if (pe != NULL && s->pid > 0)
		update_stats(s, pe);
	if (s->busy != BUSY_NONE)
		return;
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		const struct test *t = ts->t;
		int64_t have;

		switch (t->kind) {
		case TEST_EXIST:
			/* "if exist" (OP_EQ) fails when it runs */
			if (s->pid > 0)
				svc_test_result(s, ts, t->op == OP_EQ, scheduled,
				    "process is running with pid %d", (int)s->pid);
			else
				svc_test_result(s, ts, t->op != OP_EQ, scheduled,
				    "process is not running");
			break;
		case TEST_RESOURCE:
			if (s->pid <= 0 || !scheduled)
				break;
			have = process_resource(s, t);
			if (have < 0 && (t->resource == RES_FDS || t->resource == RES_TOTAL_FDS)) {
				/* said, not alerted: a check without data is no failure */
				svc_test_result(s, ts, false, true, "descriptors of pid %d cannot "
				    "be read by the monitor (another user's process)", (int)s->pid);
				break;
			}
			if (have < 0)
				break;
			{
				char d[160];

				resource_describe(t, have, d, sizeof(d));
				svc_test_result(s, ts, cmp_check(t->op, have, t->value),
				    true, "%s", d);
			}
			break;
		case TEST_PID:
		case TEST_PPID:
			if (s->pid <= 0)
				break;
			have = t->kind == TEST_PID ? s->pid : s->ppid;
			if (ts->have_learned_num && ts->learned_num != have) {
				svc_test_result(s, ts, true, scheduled, "%s changed from %lld to %lld",
				    t->kind == TEST_PID ? "pid" : "ppid",
				    (long long)ts->learned_num, (long long)have);
			} else {
				svc_test_result(s, ts, false, scheduled, "%s is %lld",
				    t->kind == TEST_PID ? "pid" : "ppid", (long long)have);
			}
			ts->learned_num = have;
			ts->have_learned_num = true;
			break;
		case TEST_UID:
		case TEST_GID:
			if (s->pid <= 0 || !s->have_ids)
				break;
			owner_test(s, ts, scheduled);
			break;
		case TEST_DISKIO:
			if (s->pid <= 0 || !scheduled)
				break;
			if (s->io_by_privd)
				io_fetch(s);	/* io_fetched evaluates these tests */
			else
				io_test(s, ts);
			break;
		case TEST_UPTIME:
			if (s->pid <= 0 || !scheduled)
				break;
			svc_test_result(s, ts, cmp_check(t->op, (int64_t)s->uptime_s, t->value),
			    true, "uptime is %llu s", (unsigned long long)s->uptime_s);
			break;
		case TEST_CONNECTION:
			if (s->pid <= 0 || !scheduled)
				break;
			check_connection(s, ts, NULL, 0);
			break;
		default:
			break;
		}
	}
}
