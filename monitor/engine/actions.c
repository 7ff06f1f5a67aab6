/* Actions: running start/stop/restart/exec programs through privd, waiting
 * for a started process to appear, and the dependency walks of start, stop,
 * monitor and unmonitor (the DEPENDENCIES section of the manual). */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

#define START_POLL_MS 50
#define DEFAULT_PROGRAM_TIMEOUT_S 30

struct runreq {
	struct pending link;	/* first: the request is its link */
	uint32_t token;
	enum svc_busy kind;
	bool is_exec;
};

bool
svc_depends_on(const struct svc *s, const struct svc *on)
{
	for (const struct dependency *d = s->cf->depends; d != NULL; d = d->next)
		if (strcmp(d->name, on->cf->name) == 0)
			return true;
	return false;
}

static void
rfc822_date(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

void
svc_changed(struct svc *s)
{
	svc_update_status(s);
	monitor_changed(s->e->m);
}

int
engine_run_program(struct svc *s, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg)
{
	return monitor_run(s->e->m, cmd, ctx, done, arg);
}

int
engine_ping(struct svc *s, const struct msg_ping *p, ping_done_cb done,
    void *arg)
{
	return monitor_ping(s->e->m, p, done, arg);
}

int
engine_proc_io(struct svc *s, pid_t pid, proc_io_done_cb done, void *arg)
{
	return monitor_proc_io(s->e->m, pid, done, arg);
}

/* ---- running programs ---- */

static void start_wait_finish(struct svc *s, bool ok, const char *why);

/* Look for the started process now: at each tick of the start timer, and
 * when its pid file's directory sees a write (start_wait_pidfile_written). */
static void
start_wait_check(struct svc *s)
{
	pid_t pid;

	if (s->busy != BUSY_START)
		return;
	pid = process_find(s, true);
	if (pid > 0) {
		process_attach(s, pid);
		start_wait_finish(s, true, NULL);
		return;
	}
	if (s->cf->match == NULL && s->cf->path != NULL) {
		/* The pid file names a new process that is gone already: it
		 * died before we could watch it.  Say so now, not at the
		 * start timeout, and let the rule try again. */
		pid_t fp = pidfile_read(s->cf->path);

		if (fp > 0 && fp != s->pre_start_pid && !proc_alive(fp, NULL)) {
			s->quick_deaths++;
			start_wait_finish(s, false, "the process exited right after "
			    "it started");
			svc_check(s, false);
			svc_changed(s);
			return;
		}
	}
	if (now_ms() >= s->busy_deadline_ms)
		start_wait_finish(s, false, "no process found after the start program");
}

static void
start_wait_tick(int fd, uint32_t events, void *arg)
{
	(void)events;
	ev_timer_ack(fd);
	start_wait_check(arg);
}

void
start_wait_pidfile_written(struct svc *s)
{
	if (s->busy != BUSY_START)
		return;
	log_debug("service '%s': its pid file was written: looking for the "
	    "process now", s->cf->name);
	start_wait_check(s);
}

/* Watch the directory of a pid file, so that the new pid is seen when it is
 * written, not at the next tick of the start timer (which stays, for file
 * systems without inotify).  The watch may be shared with a file service
 * in the same directory: IN_MASK_ADD keeps that service's events, and ours
 * are a subset of them. */
static void
start_wait_watch(struct svc *s)
{
	char dir[4096];

	if (s->inotify_wd >= 0 || s->e->inotify_fd < 0 || s->cf->match != NULL ||
	    s->cf->path == NULL || s->cf->type != SVC_PROCESS)
		return;
	strlcpy_v(dir, s->cf->path, sizeof(dir));
	s->inotify_wd = inotify_add_watch(s->e->inotify_fd, dirname(dir),
	    IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MASK_ADD);
}

static void
start_wait_arm(struct svc *s)
{
	start_wait_watch(s);
	if (s->wait_tfd < 0)
		s->wait_tfd = ev_timer_new(s->e->m->ev, start_wait_tick, s);
	if (s->wait_tfd >= 0)
		ev_timer_set(s->wait_tfd, START_POLL_MS, START_POLL_MS);
}

static void
start_wait_disarm(struct svc *s)
{
	if (s->wait_tfd >= 0)
		ev_timer_set(s->wait_tfd, 0, 0);
}

/* The dependants that waited for s (held) may go on: after a start, those
 * that are down start again (each starts its own dependants when it is
 * up); after a failed start they are released, and their own rules retry
 * (starting s first) at the next cycle. */
static void
release_dependants(struct svc *s, bool started, int depth)
{
	for (size_t i = 0; i < s->e->n && depth < 64; i++) {
		struct svc *d = &s->e->s[i];
		bool was_held = d->held;

		if (d == s || !svc_depends_on(d, s))
			continue;
		d->held = false;
		if (!started) {
			if (was_held)
				release_dependants(d, false, depth + 1);
			continue;
		}
		if (d->cf->type == SVC_PROCESS && d->monitor != MON_NOT &&
		    d->pid <= 0 && d->busy == BUSY_NONE && d->mode != MODE_PASSIVE)
			svc_start(d, "Does not exist", "dependency started");
		else if (was_held)
			release_dependants(d, true, depth + 1);
	}
}

static void
start_wait_finish(struct svc *s, bool ok, const char *why)
{
	start_wait_disarm(s);
	s->busy = BUSY_NONE;
	if (ok) {
		svc_alert_exec(s, false, "started");
		s->exec_failed = false;
		if (s->monitor == MON_NOT)
			s->monitor = MON_INIT;
		log_info("service '%s': started (pid %d)", s->cf->name, (int)s->pid);
		/* Re-evaluate at once so the existence rule recovers now. */
		svc_check(s, false);
	} else {
		s->exec_failed = true;
		log_err("service '%s': Execution failed: %s", s->cf->name,
		    why ? why : "start failed");
		svc_alert_exec(s, true, why ? why : "start failed");
	}
	/* Dependants come back after their dependency. */
	release_dependants(s, ok, 0);
	svc_changed(s);
	action_queue_drain(s);
}

static void
run_done(const struct msg_run_result *r, void *arg)
{
	struct runreq *rq = arg;
	struct svc *s = pending_take(&rq->link);
	bool failed = r->spawned == 0 || r->timed_out || r->status != 0;
	char why[MSG_LOGLINE_LEN];

	if (s != NULL && rq->kind == BUSY_START && !rq->is_exec &&
	    rq->token == s->run_token && s->restart_prog && failed)
		s->restart_prog = false;
	if (s == NULL) {	/* the engine is gone */
		free(rq);
		return;
	}
	if (!r->spawned)
		snprintf(why, sizeof(why), "could not run the program (error %d)",
		    (int)r->status);
	else if (r->timed_out)
		snprintf(why, sizeof(why), "the program timed out after %u ms",
		    r->duration_ms);
	else if (r->status < 0)
		snprintf(why, sizeof(why), "the program was killed by signal %d",
		    (int)-r->status);
	else
		snprintf(why, sizeof(why), "the program exited with status %d%s%.200s",
		    (int)r->status, r->output[0] ? ": " : "", r->output);

	if (rq->is_exec) {
		if (s->execs_running > 0)
			s->execs_running--;
		if (failed) {
			s->exec_failed = true;
			log_err("service '%s': Execution failed: exec: %s", s->cf->name, why);
			svc_alert_exec(s, true, why);
		}
		free(rq);
		svc_changed(s);
		action_queue_drain(s);
		return;
	}
	if (rq->token != s->run_token || s->busy != rq->kind) {
		/* An older action's program: its work is already accounted for. */
		if (failed)
			log_warn("service '%s': earlier program: %s", s->cf->name, why);
		free(rq);
		return;
	}
	free(rq);
	switch (s->busy) {
	case BUSY_START:
		if (failed) {
			pid_t pid = process_find(s, true);

			if (pid > 0) {
				process_attach(s, pid);
				start_wait_finish(s, true, NULL);
			} else {
				start_wait_finish(s, false, why);
			}
			return;
		}
		if (s->cf->type != SVC_PROCESS) {
			start_wait_finish(s, true, NULL);
			return;
		}
		/* Success: keep polling for the pid until the deadline. */
		if (s->restart_prog) {
			s->restart_prog = false;
			start_wait_arm(s);
		}
		{
			pid_t pid = process_find(s, true);

			if (pid > 0) {
				process_attach(s, pid);
				start_wait_finish(s, true, NULL);
			}
		}
		return;
	case BUSY_STOP:
	case BUSY_RESTART_STOP: {
		bool again = s->busy == BUSY_RESTART_STOP;

		s->busy = BUSY_NONE;
		if (failed) {
			s->exec_failed = true;
			log_err("service '%s': Execution failed: stop: %s", s->cf->name, why);
			svc_alert_exec(s, true, why);
		} else {
			log_info("service '%s': stopped", s->cf->name);
		}
		process_detach(s);
		s->pid = 0;
		if (again)
			svc_start(s, "Restart", "restart after stop");
		else if (s->stop_then_unmonitor)
			svc_unmonitor(s, false);
		svc_changed(s);
		/* A dependency may wait for this stop to start. */
		after_dependants_resume(s->e);
		action_queue_drain(s);
		return;
	}
	case BUSY_NONE:
	case BUSY_EXEC:
		break;
	}
}

static void
fill_context(struct svc *s, struct msg_run *ctx, const char *event,
    const char *desc)
{
	memset(ctx, 0, sizeof(*ctx));
	strlcpy_v(ctx->service, s->cf->name, sizeof(ctx->service));
	strlcpy_v(ctx->event, event ? event : "", sizeof(ctx->event));
	strlcpy_v(ctx->description, desc ? desc : "", sizeof(ctx->description));
	rfc822_date(ctx->date, sizeof(ctx->date));
	strlcpy_v(ctx->host, s->e->m->hostname, sizeof(ctx->host));
	if (s->cf->type == SVC_PROCESS) {
		ctx->is_process = 1;
		ctx->process_pid = s->pid > 0 ? (uint32_t)s->pid : 0;
		ctx->process_memory_kb = (uint32_t)(s->mem_bytes / 1024);
		ctx->process_children = s->children;
		ctx->process_cpu_permille = s->cpu_permille;
	}
}

/* Run cmd for s as action kind; false when it could not be queued. */
static bool
run_program(struct svc *s, const struct command *cmd, enum svc_busy kind,
    const char *event, const char *desc)
{
	struct msg_run ctx;
	struct runreq *rq = xcalloc(1, sizeof(*rq));
	int timeout_s = cmd->timeout_s > 0 ? cmd->timeout_s : DEFAULT_PROGRAM_TIMEOUT_S;

	/* Monit names the event a start or stop program brings about
	 * ("Started", "Stopped"), not the one that asked for it; an exec gets
	 * the event that fired its rule (seen side by side with Monit 5.33). */
	if (kind == BUSY_START)
		event = s->restart_prog ? "Restarted" : "Started";
	else if (kind == BUSY_STOP || kind == BUSY_RESTART_STOP)
		event = "Stopped";
	fill_context(s, &ctx, event, desc);
	rq->kind = kind;
	rq->is_exec = kind == BUSY_EXEC;
	if (kind == BUSY_START && s->cf->type == SVC_PROCESS)
		s->pre_start_pid = s->cf->match == NULL ? pidfile_read(s->cf->path) : -1;
	if (!rq->is_exec) {
		rq->token = ++s->run_token;
		s->busy = kind;
		s->busy_deadline_ms = now_ms() + (uint64_t)timeout_s * 1000;
	} else {
		s->execs_running++;
	}
	pending_add(s->e, &rq->link, s);
	if (monitor_run(s->e->m, cmd, &ctx, run_done, rq) < 0) {
		pending_take(&rq->link);
		free(rq);
		if (kind == BUSY_EXEC)
			s->execs_running--;
		else
			s->busy = BUSY_NONE;
		s->exec_failed = true;
		log_err("service '%s': Execution failed: could not ask privd to run %s",
		    s->cf->name, cmd->argv && cmd->argv[0] ? cmd->argv[0] : "(program)");
		svc_changed(s);
		return false;
	}
	/* A start program: look for the pid at once.  A restart program may
	 * leave the old process up for a while: look after it returns. */
	if (kind == BUSY_START && s->cf->type == SVC_PROCESS && !s->restart_prog)
		start_wait_arm(s);
	svc_changed(s);
	return true;
}

static void
note_restart(struct svc *s)
{
	if (s->restarts == NULL)
		s->restarts = xcalloc(RULE_HIST_MAX, sizeof(*s->restarts));
	if (s->nrestarts == RULE_HIST_MAX) {
		memmove(s->restarts, s->restarts + 1,
		    (RULE_HIST_MAX - 1) * sizeof(s->restarts[0]));
		s->nrestarts--;
	}
	s->restarts[s->nrestarts++] = s->cycles_checked;
	s->restart_count++;
}

bool
dependants_stopping(const struct svc *s)
{
	for (size_t i = 0; i < s->e->n; i++) {
		const struct svc *d = &s->e->s[i];

		if (d != s && svc_depends_on(d, s) &&
		    (d->busy == BUSY_STOP || d->busy == BUSY_RESTART_STOP))
			return true;
	}
	return false;
}

/* DEPENDENCIES: "if a service is started, it will first stop any services
 * that depend on itself and after it is started, start all depending
 * services again."  Stops the running dependants of s (theirs first, as
 * svc_stop does) and holds every monitored dependant, so that its own
 * rules do not start it again before s is up.  True while a stop program
 * of a dependant still runs. */
static bool
stop_dependants(struct svc *s, const char *why, int depth)
{
	bool waiting = false;

	for (size_t i = 0; i < s->e->n && depth < 64; i++) {
		struct svc *d = &s->e->s[i];

		if (d == s || !svc_depends_on(d, s) || d->monitor == MON_NOT)
			continue;
		d->held = true;
		waiting |= stop_dependants(d, why, depth + 1);
		if (d->busy == BUSY_NONE && d->cf->type == SVC_PROCESS &&
		    d->pid > 0 && d->cf->stop != NULL) {
			svc_stop(d, false, "Stop", why);
		}
		if (d->busy == BUSY_STOP || d->busy == BUSY_RESTART_STOP)
			waiting = true;
	}
	return waiting;
}

/* True when s must wait for its dependants' stop programs first (it then
 * resumes by itself when they are done). */
static bool
wait_for_dependants(struct svc *s, enum action_kind kind, const char *event,
    const char *desc)
{
	char why[MSG_NAME_LEN + 64];

	snprintf(why, sizeof(why), "its dependency '%s' %s", s->cf->name,
	    kind == ACTION_RESTART ? "restarts" : "starts");
	if (!stop_dependants(s, why, 0))
		return false;
	log_info("service '%s': waiting for its dependants to stop", s->cf->name);
	after_dependants_set(s, kind, event, desc);
	svc_changed(s);
	return true;
}

void
svc_start(struct svc *s, const char *event, const char *desc)
{
	bool waiting = false;

	if (s->busy != BUSY_NONE)
		return;
	if (s->held) {
		log_debug("service '%s': waits for its dependency to start",
		    s->cf->name);
		return;
	}
	if (s->monitor == MON_NOT)
		s->monitor = MON_INIT;
	/* Dependencies first: a process we depend on that is down is started,
	 * and we start when it is up (start_wait_finish starts its dependants). */
	for (const struct dependency *d = s->cf->depends; d != NULL; d = d->next) {
		struct svc *ds = engine_svc_by_name(s->e, d->name);

		if (ds == NULL || ds == s)
			continue;
		if (ds->monitor == MON_NOT)
			svc_monitor(ds);
		if (ds->cf->type != SVC_PROCESS || ds->pid > 0)
			continue;
		if (ds->busy == BUSY_NONE)
			svc_start(ds, "Does not exist", "started as a dependency");
		if (ds->busy == BUSY_START)
			waiting = true;
	}
	if (waiting) {
		log_info("service '%s': waiting for its dependencies to start",
		    s->cf->name);
		svc_changed(s);
		return;
	}
	if (wait_for_dependants(s, ACTION_START, event, desc))
		return;
	if (s->cf->start == NULL) {
		if (!s->warned_nostart)
			log_warn("service '%s': no start program, cannot start it",
			    s->cf->name);
		s->warned_nostart = true;
		svc_changed(s);
		return;
	}
	s->warned_nostart = false;
	log_info("service '%s': trying to start", s->cf->name);
	note_restart(s);
	run_program(s, s->cf->start, BUSY_START, event, desc);
}

void
svc_stop(struct svc *s, bool unmonitor, const char *event, const char *desc)
{
	if (s->busy != BUSY_NONE)
		return;
	/* Dependants stop first. */
	for (size_t i = 0; i < s->e->n; i++) {
		struct svc *d = &s->e->s[i];

		if (d != s && svc_depends_on(d, s) && d->monitor != MON_NOT)
			svc_stop(d, unmonitor, event, "a dependency is stopping");
	}
	s->stop_then_unmonitor = unmonitor;
	if (s->cf->stop == NULL) {
		if (s->cf->type == SVC_PROCESS && s->pid > 0)
			log_warn("service '%s': no stop program; unmonitoring only",
			    s->cf->name);
		if (unmonitor)
			svc_unmonitor(s, false);
		svc_changed(s);
		return;
	}
	log_info("service '%s': stopping", s->cf->name);
	run_program(s, s->cf->stop, BUSY_STOP, event, desc);
}

void
svc_restart(struct svc *s, const char *event, const char *desc)
{
	if (s->busy != BUSY_NONE)
		return;
	if (s->held) {
		log_debug("service '%s': waits for its dependency to start",
		    s->cf->name);
		return;
	}
	if (s->monitor == MON_NOT)
		s->monitor = MON_INIT;
	if (wait_for_dependants(s, ACTION_RESTART, event, desc))
		return;
	if (s->cf->restart != NULL) {
		log_info("service '%s': trying to restart", s->cf->name);
		note_restart(s);
		s->restart_prog = true;
		if (!run_program(s, s->cf->restart, BUSY_START, event, desc))
			s->restart_prog = false;
		return;
	}
	/* A dead process only needs starting: that is what makes a kill -9
	 * recover in milliseconds. */
	if (s->cf->type == SVC_PROCESS && s->pid <= 0) {
		svc_start(s, event, desc);
		return;
	}
	if (s->cf->stop != NULL) {
		log_info("service '%s': restarting (stop, then start)", s->cf->name);
		s->stop_then_unmonitor = false;
		run_program(s, s->cf->stop, BUSY_RESTART_STOP, event, desc);
		return;
	}
	svc_start(s, event, desc);
}

void
svc_unmonitor(struct svc *s, bool dependants)
{
	if (dependants)
		for (size_t i = 0; i < s->e->n; i++) {
			struct svc *d = &s->e->s[i];

			if (d != s && svc_depends_on(d, s) && d->monitor != MON_NOT)
				svc_unmonitor(d, true);
		}
	if (s->monitor != MON_NOT)
		log_info("service '%s': monitoring disabled", s->cf->name);
	s->monitor = MON_NOT;
	s->held = false;
	action_queue_unmonitored(s);
	process_detach(s);
	for (size_t i = 0; i < s->nts; i++) {
		netcheck_cancel(&s->ts[i]);
		hashjob_cancel(&s->ts[i]);
		s->ts[i].pending = false;
		s->ts[i].gen++;
		s->ts[i].win = (struct rulewin){ 0 };
	}
	s->exec_failed = false;
	svc_changed(s);
}

void
svc_monitor(struct svc *s)
{
	for (const struct dependency *d = s->cf->depends; d != NULL; d = d->next) {
		struct svc *ds = engine_svc_by_name(s->e, d->name);

		if (ds != NULL && ds != s && ds->monitor == MON_NOT)
			svc_monitor(ds);
	}
	if (s->monitor != MON_NOT)
		return;
	log_info("service '%s': monitoring enabled", s->cf->name);
	s->monitor = MON_INIT;
	svc_check(s, false);
	svc_changed(s);
}

void
do_action(struct svc *s, struct test_state *ts, const struct action *a,
    const char *event, const char *desc)
{
	(void)ts;
	if (a->kind == ACTION_IGNORE || a->kind == ACTION_ALERT)
		return;
	if (s->mode == MODE_PASSIVE) {
		log_info("service '%s': passive mode, not acting (%s)", s->cf->name,
		    action_name(a->kind));
		return;
	}
	if (a->kind == ACTION_EXEC && a->exec == NULL)
		return;
	/* In order: nothing overtakes an action that waits. */
	if (s->queue_head != NULL || !action_can_run(s, a->kind)) {
		action_enqueue(s, a->kind, a->exec, event, desc);
		return;
	}
	action_perform(s, a->kind, a->exec, event, desc);
}

void
action_perform(struct svc *s, enum action_kind kind, const struct command *exec,
    const char *event, const char *desc)
{
	switch (kind) {
	case ACTION_RESTART:
		svc_restart(s, event, desc);
		break;
	case ACTION_START:
		svc_start(s, event, desc);
		break;
	case ACTION_STOP:
		svc_stop(s, true, event, desc);
		break;
	case ACTION_EXEC:
		if (exec == NULL)
			break;
		log_info("service '%s': exec '%s'", s->cf->name,
		    exec->argv && exec->argv[0] ? exec->argv[0] : "?");
		run_program(s, exec, BUSY_EXEC, event, desc);
		break;
	case ACTION_UNMONITOR:
		svc_unmonitor(s, true);
		break;
	case ACTION_MONITOR:
		svc_monitor(s);
		break;
	case ACTION_IGNORE:
	case ACTION_ALERT:
	case ACTION_KIND_COUNT:
		break;
	}
}

const char *
action_name(enum action_kind k)
{
	static const char *const names[ACTION_KIND_COUNT] = {
		"ignore", "alert", "restart", "start", "stop", "exec",
		"unmonitor", "monitor",
	};

	return (unsigned)k < ACTION_KIND_COUNT ? names[k] : "?";
}
