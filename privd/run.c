/* RUN: execute one entry of the sealed table in a clean process.
 *
 * The program gets its own session, default signal dispositions, an empty
 * signal mask, cwd /, stdin /dev/null, stdout+stderr into a pipe privd reads
 * (bounded), no other descriptor, the entry's uid/gid with that user's
 * groups, and an environment of PATH plus the MONIT_* context.  A timeout
 * sends SIGTERM to its process group, SIGKILL 2 s later.  The reply goes
 * when the program itself exits, even if a daemon it started keeps the pipe
 * open.  At most PRIVD_RUN_MAX_RUNNING at once, PRIVD_RUN_MAX_QUEUED waiting. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/pathcheck.h"
#include "common/util.h"
#include "privd/privd.h"

struct run_job {
	struct run_job *next;
	struct privd *pd;
	struct msg_run req;
	uint32_t gen;			/* monitor generation that asked */
	/* What it runs for whom: uid, gid, service, argv.  A RUN with the same
	 * key while this one runs or waits (a reload re-sends the start the
	 * old monitor asked for) joins it instead of starting a second
	 * instance, and gets this one's result. */
	char *key;
	size_t keylen;
	struct run_job *joined;
	pid_t pid;
	int pidfd, outfd, errfd, tfd;
	uint64_t start_ms;
	bool timed_out, kill_sent;
	struct outbuf out;
};

void
free_strv(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/* NAME=value with every control byte removed from value. */
static char *
env_pair(const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value), k = nl + 1;
	char *s = xmalloc(nl + vl + 2);

	memcpy(s, name, nl);
	s[nl] = '=';
	for (size_t i = 0; i < vl; i++)
		if ((unsigned char)value[i] >= 0x20 && value[i] != 0x7f)
			s[k++] = value[i];
	s[k] = '\0';
	return s;
}

char **
run_build_env(const struct msg_run *ctx)
{
	char **env = xcalloc(12, sizeof(char *));
	char num[32];
	size_t n = 0;

	env[n++] = xstrdup(RUN_PATH_ENV);
	env[n++] = env_pair("MONIT_EVENT", ctx->event);
	env[n++] = env_pair("MONIT_DESCRIPTION", ctx->description);
	env[n++] = env_pair("MONIT_SERVICE", ctx->service);
	env[n++] = env_pair("MONIT_DATE", ctx->date);
	env[n++] = env_pair("MONIT_HOST", ctx->host);
	if (ctx->is_process) {
		snprintf(num, sizeof(num), "%u", ctx->process_pid);
		env[n++] = env_pair("MONIT_PROCESS_PID", num);
		snprintf(num, sizeof(num), "%u", ctx->process_memory_kb);
		env[n++] = env_pair("MONIT_PROCESS_MEMORY", num);
		snprintf(num, sizeof(num), "%u", ctx->process_children);
		env[n++] = env_pair("MONIT_PROCESS_CHILDREN", num);
		snprintf(num, sizeof(num), "%u.%u", ctx->process_cpu_permille / 10,
		    ctx->process_cpu_permille % 10);
		env[n++] = env_pair("MONIT_PROCESS_CPU_PERCENT", num);
	}
	env[n] = NULL;
	return env;
}

void
outbuf_add(struct outbuf *b, const char *p, size_t n)
{
	size_t room = sizeof(b->data) - 1 - b->len;
	size_t take = n < room ? n : room;

	for (size_t i = 0; i < take; i++)
		b->data[b->len++] = p[i] == '\0' ? '?' : p[i];
	b->data[b->len] = '\0';
	b->dropped += n - take;
}

/* A result (req and id are each asker's own), in a static buffer. */
static const struct msg_run_result *
result(bool spawned, bool timed_out, int32_t status, uint32_t duration_ms,
    const char *output)
{
	static struct msg_run_result r;

	memset(&r, 0, sizeof(r));
	r.spawned = spawned;
	r.timed_out = timed_out;
	r.status = status;
	r.duration_ms = duration_ms;
	strlcpy_v(r.output, output, sizeof(r.output));
	return &r;
}

static void
reply(struct privd *pd, uint32_t gen, const struct msg_run *req,
    const struct msg_run_result *res)
{
	static struct msg_run_result r;

	if (gen != pd->mon_gen || pd->child[CHILD_MONITOR].ch.fd < 0)
		return;
	r = *res;
	r.req = req->req;
	r.id = req->id;
	privd_send_monitor(pd, MSG_RUN_RESULT, &r, -1);
}

static void
job_free(struct run_job *j)
{
	free(j->key);
	free(j);
}

/* The result of a run whose asker was replaced before it finished, kept
 * for the live monitor: that monitor may have found the service down just
 * before the program finished and asked for it just after.  Its first RUN of
 * the same key (within RUN_UNSEEN_MS) gets this result instead of a second
 * instance; if the service is really down, its next RUN starts it. */
struct run_unseen {
	struct run_unseen *next;
	uint32_t gen;			/* the monitor alive when it finished */
	uint64_t finished_ms;
	char *key;
	size_t keylen;
	struct msg_run_result r;
};

static void
unseen_free(struct run_unseen *u)
{
	free(u->key);
	free(u);
}

static void
keep_unseen(struct run_job *j, const struct msg_run_result *res)
{
	struct privd *pd = j->pd;
	struct run_unseen *u;

	if (j->gen == pd->mon_gen || pd->child[CHILD_MONITOR].pid <= 0 ||
	    pd->nunseen >= RUN_UNSEEN_MAX)
		return;
	for (struct run_job *w = j->joined; w != NULL; w = w->next)
		if (w->gen == pd->mon_gen)
			return;	/* the live monitor gets it as a joiner */
	u = xcalloc(1, sizeof(*u));
	u->gen = pd->mon_gen;
	u->finished_ms = now_ms();
	u->key = xmalloc(j->keylen);
	memcpy(u->key, j->key, j->keylen);
	u->keylen = j->keylen;
	u->r = *res;
	u->next = pd->unseen;
	pd->unseen = u;
	pd->nunseen++;
}

/* An unseen result for j's key, for j's monitor: answer j with it. */
static bool
answer_unseen(struct privd *pd, struct run_job *j)
{
	for (struct run_unseen **pp = &pd->unseen; *pp != NULL; pp = &(*pp)->next) {
		struct run_unseen *u = *pp;

		if (u->gen != j->gen || u->keylen != j->keylen ||
		    memcmp(u->key, j->key, j->keylen) != 0 ||
		    now_ms() - u->finished_ms > RUN_UNSEEN_MS)
			continue;
		log_info("RUN %u for '%s': the same program, started for an earlier "
		    "monitor, ended %llu ms ago: not starting another, its result "
		    "answers this one", j->req.id, j->req.service,
		    (unsigned long long)(now_ms() - u->finished_ms));
		reply(pd, j->gen, &j->req, &u->r);
		*pp = u->next;
		pd->nunseen--;
		unseen_free(u);
		return true;
	}
	return false;
}

/* The result of j, to its asker and to every RUN that joined it. */
static void
job_reply(struct run_job *j, const struct msg_run_result *res)
{
	reply(j->pd, j->gen, &j->req, res);
	while (j->joined != NULL) {
		struct run_job *w = j->joined;

		j->joined = w->next;
		j->pd->njoined--;
		reply(j->pd, w->gen, &w->req, res);
		job_free(w);
	}
}

static void __attribute__((noreturn))
child_fail(int errfd)
{
	int e = errno;

	if (write(errfd, &e, sizeof(e)) < 0) {
		/* the parent then sees only the exit code */
	}
	_exit(127);
}

/* In the vforked child: become the program.  progfd is the descriptor
 * path_open_program checked (the program, or a script's interpreter); it is
 * what runs (fexecve), so nothing can swap the file between the check and
 * the exec.  Never inlined: its variables must live in a frame of its own,
 * below job_start's, never in stack slots the compiler could share with
 * job_start's variables that privd reads after the vfork returns. */
static void __attribute__((noreturn, noinline))
run_child(const struct action_entry *e, int progfd, char **argv, const struct run_ids *ids,
    char **env, int outw, int errw)
{
	sigset_t none;
	int nullfd, high_prog, high_err;

	/* Above every target first, so no dup below overwrites a source. */
	high_prog = fcntl(progfd, F_DUPFD_CLOEXEC, 16);
	high_err = fcntl(errw, F_DUPFD_CLOEXEC, 16);
	if (high_err < 0 || high_prog < 0)
		child_fail(errw);
	errw = high_err;
	if (setsid() < 0)
		child_fail(errw);
	sig_default_ignored();
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || chdir("/") < 0)
		child_fail(errw);
	nullfd = open("/dev/null", O_RDONLY);
	if (nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(outw, 1) < 0 || dup2(outw, 2) < 0)
		child_fail(errw);
	/* The error pipe moves to fd 3, the program to 4, both close-on-exec:
	 * the pipe closes by itself when execve succeeds. */
	if (dup3(errw, 3, O_CLOEXEC) < 0)
		child_fail(errw);
	errw = 3;
	if (dup3(high_prog, 4, O_CLOEXEC) < 0)
		child_fail(errw);
	close_from(5);
	/* Supplementary groups always set: the target user's, or none; never
	 * privd's own (vigild may have been started with groups). */
	if (e->has_uid || e->has_gid || geteuid() == 0) {
		if (setgroups((size_t)ids->ngroups, ids->groups) < 0)
			child_fail(errw);
		if (setresgid(ids->gid, ids->gid, ids->gid) < 0)
			child_fail(errw);
	}
	if (e->has_uid && setresuid(e->uid, e->uid, e->uid) < 0)
		child_fail(errw);
	fexecve(4, argv, env);
	/* An interpreter that is itself a script: its own interpreter opens
	 * /dev/fd/4, which must then stay open across the exec. */
	if (errno == ENOENT && fcntl(4, F_SETFD, 0) == 0)
		fexecve(4, argv, env);
	child_fail(errw);
}

/* A script's "#!" line, read through the checked descriptor: 1 with the
 * interpreter, 0 for a binary, -1 (why set) for a line privd refuses. */
static int
program_shebang(int progfd, char *interp, size_t ilen, char *arg, size_t alen,
    char *why, size_t whylen, const char *path)
{
	char p[64], buf[SHEBANG_MAX];
	ssize_t n;
	int fd, r;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", progfd);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(why, whylen, "%.300s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		snprintf(why, whylen, "%.300s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	r = shebang_parse(buf, (size_t)n, interp, ilen, arg, alen);
	if (r < 0)
		snprintf(why, whylen, "%.300s: a #! line vigild does not run (at most %d "
		    "bytes, an absolute interpreter)", path, SHEBANG_MAX - 1);
	return r;
}

/* argv for a script: interpreter [arg] script-as-written args... */
static char **
script_argv(const struct action_entry *e, const char *interp, const char *arg)
{
	char **v = xcalloc((size_t)e->argc + 3, sizeof(char *));
	int k = 0;

	v[k++] = xstrdup(interp);
	if (arg[0] != '\0')
		v[k++] = xstrdup(arg);
	for (int i = 0; i < e->argc; i++)
		v[k++] = xstrdup(e->argv[i]);
	return v;
}

static void job_finish(struct run_job *j);
static void start_next(struct privd *pd);

static void
job_feed(void *arg, const char *buf, size_t n)
{
	outbuf_add(&((struct run_job *)arg)->out, buf, n);
}

static void
on_job_output(int fd, uint32_t events, void *arg)
{
	struct run_job *j = arg;

	(void)fd;
	(void)events;
	(void)ev_drain(j->pd->ev, &j->outfd, job_feed, j);
}

static void
on_job_exit(int fd, uint32_t events, void *arg)
{
	struct run_job *j = arg;
	int st;
	pid_t r;

	(void)fd;
	(void)events;
	r = waitpid(j->pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	if (r < 0)
		st = 127 << 8;
	(void)ev_drain(j->pd->ev, &j->outfd, job_feed, j);
	{
		int err = 0;
		bool spawned = read(j->errfd, &err, sizeof(err)) != (ssize_t)sizeof(err);
		const struct msg_run_result *res = result(spawned, j->timed_out, spawned ?
		    (WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : -1) :
		    err, (uint32_t)(now_ms() - j->start_ms), j->out.data);

		if (j->out.dropped > 0)
			log_debug("RUN %u: %zu output bytes beyond the bound dropped",
			    j->req.id, j->out.dropped);
		keep_unseen(j, res);
		job_reply(j, res);
	}
	job_finish(j);
}

static void
on_job_timeout(int fd, uint32_t events, void *arg)
{
	struct run_job *j = arg;
	int sig = j->timed_out ? SIGKILL : SIGTERM;

	(void)events;
	if (ev_timer_ack(fd) == 0)
		return;	/* stale event: the fd number was reused */
	/* The pid is not reaped yet (we are its only reaper), so neither it
	 * nor its process group id can have been reused. */
	if (kill(-j->pid, sig) < 0)
		(void)kill(j->pid, sig);
	if (!j->timed_out) {
		log_warn("RUN %u (pid %d) timed out after %u ms: SIGTERM to its "
		    "process group", j->req.id, (int)j->pid,
		    (unsigned)(now_ms() - j->start_ms));
		j->timed_out = true;
		ev_timer_set(fd, RUN_KILL_GRACE_MS, 0);
	} else {
		j->kill_sent = true;
	}
}

static void
job_finish(struct run_job *j)
{
	struct privd *pd = j->pd;
	struct run_job **pp;

	for (pp = &pd->running; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			pd->nrunning--;
			break;
		}
	ev_close(pd->ev, &j->outfd);
	ev_close(pd->ev, &j->pidfd);
	ev_close(pd->ev, &j->tfd);
	if (j->errfd >= 0)
		close(j->errfd);
	job_free(j);
	start_next(pd);
	privd_programs_gone(pd);
}

/* A RUN that cannot start: spawned=0, errno in status, why as output. */
static void
refuse(struct run_job *j, int err, const char *why)
{
	log_err("RUN %u not started: %s", j->req.id, why);
	job_reply(j, result(false, false, err, 0, why));
	job_free(j);
}

/* Start j now; on any failure reply spawned=0 and free it. */
static void
job_start(struct privd *pd, struct run_job *j)
{
	struct action_entry *e = table_find(&pd->table, j->req.id);
	char real[PATH_MAX], why[ACTION_REASON_LEN];
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, err, progfd, sh;
	char interp[PATH_MAX], iarg[SHEBANG_MAX], **sargv = NULL;
	const struct run_ids *ids;
	char **env;

	if (e == NULL || e->path == NULL) {
		refuse(j, EACCES, e != NULL ? e->reason : "no such entry");
		return;
	}
	/* Checked again: the file may have changed since SEAL.  What is
	 * checked is what runs (progfd). */
	progfd = path_open_program(e->argv[0], e->has_uid, e->uid, real, sizeof(real), why,
	    sizeof(why));
	if (progfd < 0) {
		refuse(j, EACCES, why);
		return;
	}
	if (strcmp(real, e->path) != 0) {
		snprintf(why, sizeof(why), "%.300s: now resolves elsewhere", e->argv[0]);
		close(progfd);
		refuse(j, EACCES, why);
		return;
	}
	if (ids_lookup(e->has_uid, e->uid, e->has_gid, e->gid, &ids, why, sizeof(why)) < 0) {
		close(progfd);
		refuse(j, EINVAL, why);
		return;
	}
	/* A script runs through its interpreter, checked as the program is, with
	 * the script's path as written (its $0). */
	sh = program_shebang(progfd, interp, sizeof(interp), iarg, sizeof(iarg), why,
	    sizeof(why), e->argv[0]);
	if (sh == 1) {
		int ifd = path_open_program(interp, e->has_uid, e->uid, NULL, 0, why,
		    sizeof(why));

		close(progfd);
		if (ifd < 0) {
			refuse(j, EACCES, why);
			return;
		}
		progfd = ifd;
		sargv = script_argv(e, interp, iarg);
	} else if (sh < 0) {
		close(progfd);
		refuse(j, ENOEXEC, why);
		return;
	}
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		err = errno;
		for (int i = 0; i < 2; i++) {
			if (outp[i] >= 0)
				close(outp[i]);
			if (errp[i] >= 0)
				close(errp[i]);
		}
		close(progfd);
		free_strv(sargv);
		refuse(j, err, "cannot create a pipe");
		return;
	}
	env = run_build_env(&j->req);
	j->start_ms = now_ms();
	/* vfork: the child borrows privd's memory until its execve, so neither
	 * side copies page tables or takes copy-on-write faults (two thirds of
	 * privd's own cost of a run with fork).  run_child only makes system
	 * calls on its own stack frame and never returns: it execs or _exits.
	 * privd has one thread and no signal handlers (signalfd), so nothing
	 * else runs on the shared memory meanwhile. */
	j->pid = vfork();
	if (j->pid == 0)
		run_child(e, progfd, sargv != NULL ? sargv : e->argv, ids, env, outp[1],
		    errp[1]);
	err = errno;
	close(progfd);
	free_strv(env);
	free_strv(sargv);
	close(outp[1]);
	close(errp[1]);
	if (j->pid < 0) {
		close(outp[0]);
		close(errp[0]);
		refuse(j, err, "fork failed");
		return;
	}
	j->outfd = outp[0];
	j->errfd = errp[0];
	set_nonblock(j->outfd);
	set_nonblock(j->errfd);
	j->next = pd->running;
	pd->running = j;
	pd->nrunning++;
	j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
	j->tfd = ev_timer_new(pd->ev, on_job_timeout, j);
	if (j->pidfd < 0 || ev_add(pd->ev, j->pidfd, EPOLLIN, on_job_exit, j) < 0 ||
	    j->tfd < 0 || ev_add(pd->ev, j->outfd, EPOLLIN, on_job_output, j) < 0) {
		/* Cannot supervise it: kill it and reap it synchronously. */
		log_err("RUN %u: cannot watch pid %d: %s", j->req.id, (int)j->pid,
		    strerror(errno));
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		job_reply(j, result(false, false, EIO, 0, "cannot supervise"));
		job_finish(j);
		return;
	}
	ev_timer_set(j->tfd, e->timeout_ms, 0);
	log_debug("RUN %u: %s started as pid %d", j->req.id, e->path, (int)j->pid);
}

static void
start_next(struct privd *pd)
{
	while (pd->state != PD_STOPPING && pd->nrunning < PRIVD_RUN_MAX_RUNNING && pd->queue_head != NULL) {
		struct run_job *j = pd->queue_head;

		pd->queue_head = j->next;
		if (pd->queue_head == NULL)
			pd->queue_tail = NULL;
		pd->nqueued--;
		j->next = NULL;
		job_start(pd, j);
	}
}

/* uid, gid, service, argv: NUL-separated, compared as bytes. */
static void
job_key(struct run_job *j, const struct action_entry *e)
{
	size_t len = 0, cap = 64 + strlen(j->req.service) + 1;
	char *k;

	for (int i = 0; i < e->argc; i++)
		cap += strlen(e->argv[i]) + 1;
	k = xmalloc(cap);
	len = (size_t)snprintf(k, cap, "%d:%u:%d:%u", e->has_uid, (unsigned)e->uid,
	    e->has_gid, (unsigned)e->gid) + 1;
	len += strlcpy_v(k + len, j->req.service, cap - len) + 1;
	for (int i = 0; i < e->argc; i++)
		len += strlcpy_v(k + len, e->argv[i], cap - len) + 1;
	j->key = k;
	j->keylen = len;
}

static struct run_job *
find_same(struct run_job *list, const struct run_job *j)
{
	for (; list != NULL; list = list->next)
		if (list->keylen == j->keylen && memcmp(list->key, j->key, j->keylen) == 0)
			return list;
	return NULL;
}

void
run_request(struct privd *pd, const struct msg_run *m)
{
	struct action_entry *e = table_find(&pd->table, m->id);
	struct run_job *j, *same;
	char why[64];

	if (e == NULL) {
		snprintf(why, sizeof(why), "unknown entry id %u", m->id);
		child_violation(&pd->child[CHILD_MONITOR], "RUN", why);
		return;
	}
	if (pd->state == PD_STOPPING) {
		reply(pd, pd->mon_gen, m, result(false, false, ESHUTDOWN, 0, "vigild is stopping"));
		return;
	}
	if ((pd->nrunning >= PRIVD_RUN_MAX_RUNNING && pd->nqueued >= PRIVD_RUN_MAX_QUEUED) ||
	    pd->njoined >= PRIVD_RUN_MAX_QUEUED) {
		log_warn("RUN %u refused: %d running and %d queued", m->id,
		    PRIVD_RUN_MAX_RUNNING, PRIVD_RUN_MAX_QUEUED);
		reply(pd, pd->mon_gen, m, result(false, false, EAGAIN, 0,
		    "too many programs running"));
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->pd = pd;
	j->req = *m;
	j->gen = pd->mon_gen;
	j->pidfd = j->outfd = j->errfd = j->tfd = -1;
	job_key(j, e);
	if (answer_unseen(pd, j)) {
		job_free(j);
		return;
	}
	/* Never two instances of one service's program: a fresh monitor
	 * after a reload asks again for what the old one asked, and a start
	 * program still running must not be started a second time. */
	if ((same = find_same(pd->running, j)) != NULL ||
	    (same = find_same(pd->queue_head, j)) != NULL) {
		log_info("RUN %u for '%s': the same program is still %s (pid %d): "
		    "not starting another, its result answers both", m->id, m->service,
		    same->pid > 0 ? "running" : "waiting", (int)same->pid);
		j->next = same->joined;
		same->joined = j;
		pd->njoined++;
		return;
	}
	if (pd->nrunning < PRIVD_RUN_MAX_RUNNING) {
		job_start(pd, j);
		return;
	}
	if (pd->queue_tail != NULL)
		pd->queue_tail->next = j;
	else
		pd->queue_head = j;
	pd->queue_tail = j;
	pd->nqueued++;
}

static void
drop_joined(struct run_job *j)
{
	while (j->joined != NULL) {
		struct run_job *w = j->joined;

		j->joined = w->next;
		j->pd->njoined--;
		job_free(w);
	}
}

void
run_forget_monitor(struct privd *pd)
{
	/* Running programs go on (a fresh monitor's RUN of the same one
	 * joins them); whoever waited for them is gone. */
	for (struct run_job *j = pd->running; j != NULL; j = j->next)
		drop_joined(j);
	while (pd->queue_head != NULL) {
		struct run_job *j = pd->queue_head;

		pd->queue_head = j->next;
		drop_joined(j);
		job_free(j);
	}
	pd->queue_tail = NULL;
	pd->nqueued = 0;
	/* kept for this monitor only */
	while (pd->unseen != NULL) {
		struct run_unseen *u = pd->unseen;

		pd->unseen = u->next;
		unseen_free(u);
	}
	pd->nunseen = 0;
}
