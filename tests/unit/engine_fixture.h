/* Test fixture for the engine: a hand-built config, a real event loop and
 * fake core functions (monitor_run / monitor_ping / monitor_changed), so the
 * engine links without the privd client.  Include from exactly one file. */
#ifndef ENGINE_FIXTURE_H
#define ENGINE_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/event.h"
#include "common/util.h"
#include "monitor/engine/engine.h"
#include "monitor/config/parse.h"
#include "monitor/monitor.h"

/* ---- fakes of the core ---- */

struct fake_run {
	run_done_cb done;
	void *arg;
	struct msg_run ctx;
	const struct command *cmd;
};

static int fake_runs;		/* monitor_run calls */
static uint64_t fake_run_ms[16];	/* when each came */
static struct msg_run fake_last_ctx;
static char fake_run_service[16][64];	/* service of each run, in order */
static char fake_run_prog[16][64];	/* argv[0] of each run, in order */
static char fake_run_event[16][64];	/* MONIT_EVENT of each run */
static int fake_changed;
static pid_t fake_children[16];
static int fake_nchildren;
static const char *fake_pidfile;	/* where a started "daemon" writes its pid */
static int fake_exit_status;		/* what the fake program returns */
static bool fake_timed_out;		/* privd killed it at its timeout */
static bool fake_spawn_daemon = true;	/* start programs create a process */
static struct ev_loop *fake_ev;

/* Runs whose answer has not come yet: freed with the monitor if the test
 * ends first. */
static struct fake_run *fake_pending[256];
static int fake_pending_tfd[256];

static void
fake_run_fire(int fd, uint32_t events, void *arg)
{
	struct fake_run *fr = arg;
	struct msg_run_result r;

	(void)events;
	ev_timer_ack(fd);
	ev_del(fake_ev, fd);
	close(fd);
	for (size_t i = 0; i < sizeof(fake_pending) / sizeof(fake_pending[0]); i++)
		if (fake_pending[i] == fr)
			fake_pending[i] = NULL;
	memset(&r, 0, sizeof(r));
	r.req = fr->ctx.req;
	r.spawned = 1;
	r.status = fake_exit_status;
	r.timed_out = fake_timed_out;
	fr->done(&r, fr->arg);
	free(fr);
}

int
monitor_run(struct monitor *m, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg)
{
	struct fake_run *fr = calloc(1, sizeof(*fr));
	int tfd;

	(void)m;
	if (fake_runs < 16)
		fake_run_ms[fake_runs] = now_ms();
	fake_runs++;
	fake_last_ctx = *ctx;
	if (fake_runs <= 16) {
		strlcpy_v(fake_run_service[fake_runs - 1], ctx->service, 64);
		strlcpy_v(fake_run_prog[fake_runs - 1], cmd->argv[0], 64);
		strlcpy_v(fake_run_event[fake_runs - 1], ctx->event, 64);
	}
	fr->done = done;
	fr->arg = arg;
	fr->ctx = *ctx;
	fr->cmd = cmd;
	/* A "start program" that launches a daemon and writes its pid file. */
	/* "/fake/start [PIDFILE]" */
	if (fake_spawn_daemon && (fake_pidfile != NULL || cmd->argc > 1) &&
	    strcmp(cmd->argv[0], "/fake/start") == 0) {
		const char *pf = cmd->argc > 1 ? cmd->argv[1] : fake_pidfile;
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/sleep", "sleep", "300", (char *)NULL);
			_exit(127);
		}
		if (pid > 0) {
			FILE *f = fopen(pf, "w");

			if (fake_nchildren < 16)
				fake_children[fake_nchildren++] = pid;
			if (f != NULL) {
				fprintf(f, "%d\n", (int)pid);
				fclose(f);
			}
		}
	}
	tfd = ev_timer_new(fake_ev, fake_run_fire, fr);
	if (tfd < 0) {
		free(fr);
		return -1;
	}
	ev_timer_set(tfd, 5, 0);	/* privd answers a few ms later */
	for (size_t i = 0; i < sizeof(fake_pending) / sizeof(fake_pending[0]); i++)
		if (fake_pending[i] == NULL) {
			fake_pending[i] = fr;
			fake_pending_tfd[i] = tfd;
			break;
		}
	return 0;
}

int
monitor_ping(struct monitor *m, const struct msg_ping *p, ping_done_cb done,
    void *arg)
{
	struct msg_ping_result r;

	(void)m;
	memset(&r, 0, sizeof(r));
	r.req = p->req;
	r.sent = p->count;
	r.received = 0;
	done(&r, arg);
	return 0;
}

int
monitor_proc_io(struct monitor *m, pid_t pid, proc_io_done_cb done, void *arg)
{
	(void)m;
	(void)pid;
	(void)done;
	(void)arg;
	return -1;	/* no privd here */
}

void
monitor_changed(struct monitor *m)
{
	(void)m;
	fake_changed++;
}

static __attribute__((unused)) void
fake_reset(void)
{
	fake_runs = 0;
	fake_changed = 0;
	fake_exit_status = 0;
	fake_timed_out = false;
	fake_spawn_daemon = true;
	memset(&fake_last_ctx, 0, sizeof(fake_last_ctx));
}

static __attribute__((unused)) void
fake_kill_children(void)
{
	for (int i = 0; i < fake_nchildren; i++) {
		kill(fake_children[i], SIGKILL);
		waitpid(fake_children[i], NULL, 0);
	}
	fake_nchildren = 0;
}

/* A fresh engine and a temporary directory for one test (dir holds at
 * least 64 bytes); fx_tmpdir_end kills the fake daemons and removes the
 * directory with whatever the test left in it. */
static __attribute__((unused)) int
fx_tmpdir_begin(char *dir, const char *tag)
{
	snprintf(dir, 64, "/tmp/vigil-%s-XXXXXX", tag);
	if (mkdtemp(dir) == NULL)
		return -1;
	fake_reset();
	fake_pidfile = NULL;
	return 0;
}

static __attribute__((unused)) int
fx_tmpdir_end(const char *dir)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;

	fake_kill_children();
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	return rmdir(dir) == 0 ? 0 : -1;
}

/* ---- config building ---- */

static __attribute__((unused)) struct command *
fx_command2(const char *path, const char *arg)
{
	struct command *c = xcalloc(1, sizeof(*c));

	c->argv = xcalloc(3, sizeof(char *));
	c->argv[0] = xstrdup(path);
	c->argv[1] = xstrdup(arg);
	c->argc = 2;
	return c;
}

static __attribute__((unused)) struct command *
fx_command(const char *path)
{
	struct command *c = xcalloc(1, sizeof(*c));

	c->argv = xcalloc(2, sizeof(char *));
	c->argv[0] = xstrdup(path);
	c->argc = 1;
	return c;
}

static __attribute__((unused)) struct service *
fx_service(struct config *cf, const char *name, enum service_type type)
{
	struct service *s = xcalloc(1, sizeof(*s)), **pp = &cf->services;

	s->name = xstrdup(name);
	s->type = type;
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = s;
	cf->nservices++;
	return s;
}

static __attribute__((unused)) struct test *
fx_test(struct service *s, int kind, enum action_kind act)
{
	struct test *t = xcalloc(1, sizeof(*t)), **pp = &s->tests;

	t->kind = kind;
	t->act.failed.kind = act;
	t->act.failed_cycles.count = 1;
	t->act.failed_cycles.within = 1;
	while (*pp != NULL)
		pp = &(*pp)->next;
	*pp = t;
	return t;
}

static __attribute__((unused)) struct config *
fx_config(void)
{
	struct config *cf = xcalloc(1, sizeof(*cf));

	cf->poll_s = 30;
	return cf;
}

static __attribute__((unused)) struct monitor *
fx_monitor(struct config *cf)
{
	struct monitor *m = xcalloc(1, sizeof(*m));

	m->cf = cf;
	m->ev = ev_new();
	fake_ev = m->ev;
	strlcpy_v(m->hostname, "testhost", sizeof(m->hostname));
	return m;
}

/* End a test's monitor: the engine, the loop, the config it ran. */
static __attribute__((unused)) void
fx_monitor_free(struct monitor *m)
{
	engine_free(m->engine);
	/* As the core does when privd is gone: every callback still gets its
	 * one answer, a failure, after the engine is freed. */
	for (size_t i = 0; i < sizeof(fake_pending) / sizeof(fake_pending[0]); i++)
		if (fake_pending[i] != NULL) {
			struct fake_run *fr = fake_pending[i];
			struct msg_run_result r;

			memset(&r, 0, sizeof(r));
			r.req = fr->ctx.req;
			r.status = 32;	/* EPIPE */
			fake_pending[i] = NULL;
			ev_del(m->ev, fake_pending_tfd[i]);
			close(fake_pending_tfd[i]);
			fr->done(&r, fr->arg);
			free(fr);
		}
	ev_free(m->ev);
	config_free(m->cf);
	free(m);
}

/* Run the loop until cond() or timeout; returns elapsed ms. */
static __attribute__((unused)) uint64_t
fx_run_until(struct monitor *m, bool (*cond)(void *), void *arg, uint64_t max_ms)
{
	uint64_t t0 = now_ms();

	while (!cond(arg) && now_ms() - t0 < max_ms)
		ev_run_once(m->ev, 10);
	return now_ms() - t0;
}

#endif
