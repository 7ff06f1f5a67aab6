/* The poll cycle: the timer that starts each one, the system figures read
 * once per cycle, which services are due (every N cycles, cron), checking
 * one service, and the inotify watches that check a file between cycles. */
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

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
void
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
	/* Only process services look at the table (a full /proc read). */
	if (e->want_procs)
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
