/* Spawning and supervising the children (monitor, webui, auth).
 *
 * A child is started with fork+execve: fd 3 is its channel to privd (4 and 5
 * its peers for webui/auth), fd 0 /dev/null, fd 1+2 a pipe privd logs line
 * by line, nothing else open, PR_SET_PDEATHSIG(SIGKILL), a minimal
 * environment.  Its exit is seen through a pidfd in the one epoll loop.  A
 * dead child is restarted with backoff (1 s doubling to 60 s, back to 1 s
 * after 60 s up).  The monitor's death takes the web pair with it (their
 * channels to it are dead); the pair is started again after the next SEAL.
 * The web pair's start is in web.c, the messages children send in
 * dispatch.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/sanitizer.h"
#include "common/util.h"
#include "privd/privd.h"

static const char *const child_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

static void
on_restart_timer(int fd, uint32_t events, void *arg)
{
	struct child *c = arg;
	struct privd *pd = c->pd;

	(void)events;
	if (ev_timer_ack(fd) == 0)
		return;	/* stale event: the fd number was reused */
	if (pd->state != PD_RUNNING)
		return;
	if (c->kind == CHILD_MONITOR) {
		if (pd->child[CHILD_MONITOR].pid == 0)
			child_spawn_monitor(pd);
	} else
		web_spawn(pd);
}

void
child_init(struct privd *pd)
{
	static const char *const names[CHILD_COUNT] = { "monitor", "webui", "auth" };
	static const enum proc_role roles[CHILD_COUNT] = { PROC_MONITOR, PROC_WEBUI, PROC_AUTH };

	for (int i = 0; i < CHILD_COUNT; i++) {
		struct child *c = &pd->child[i];

		memset(c, 0, sizeof(*c));
		c->pd = pd;
		c->kind = (enum child_kind)i;
		c->name = names[i];
		c->role = roles[i];
		c->pidfd = c->outfd = c->ch.fd = -1;
		c->backoff_ms = BACKOFF_MIN_MS;
		pd->restart_tfd[i] = ev_timer_new(pd->ev, on_restart_timer, c);
		if (pd->restart_tfd[i] < 0)
			fatal("timerfd");
	}
}

bool
child_any_running(const struct privd *pd)
{
	for (int i = 0; i < CHILD_COUNT; i++)
		if (pd->child[i].pid > 0)
			return true;
	return false;
}

void
child_kill(struct child *c, int sig)
{
	/* Not reaped yet (only the pidfd handler reaps): the pid is still ours. */
	if (c->pid > 0) {
		c->killed = true;
		(void)kill(c->pid, sig);
	}
}

void
child_stop_all(struct privd *pd, int sig)
{
	for (int i = 0; i < CHILD_COUNT; i++)
		child_kill(&pd->child[i], sig);
}

void
child_channel_close(struct child *c)
{
	if (c->ch.fd >= 0) {
		ev_del(c->pd->ev, c->ch.fd);
		ipc_channel_close(&c->ch);
	}
}

void
child_violation(struct child *c, const char *type, const char *reason)
{
	log_err("%s: %s: %s; killing it", c->name, type, reason);
	if (c->kind == CHILD_MONITOR)
		snprintf(c->pd->mon_violation, sizeof(c->pd->mon_violation), "%s: %s",
		    type, reason);
	/* Kill before closing: it must not see the close and exit "cleanly". */
	child_kill(c, SIGKILL);
	child_channel_close(c);
}

void
privd_send_monitor(struct privd *pd, enum msg_type type, const void *m, int fd)
{
	struct child *c = &pd->child[CHILD_MONITOR];

	if (c->ch.fd < 0)
		return;
	if (ipc_send(&c->ch, type, m, fd) < 0) {
		child_violation(c, msg_type_name(type), errno == ENOBUFS ?
		    "does not read its channel (queue full)" : strerror(errno));
		return;
	}
	if (ipc_pending(&c->ch))
		ev_mod(pd->ev, c->ch.fd, EPOLLIN | EPOLLOUT);
}

/* ---- a child's log lines ---- */

void
child_log(struct child *c, enum log_level level, const char *text)
{
	if (!token_bucket_take(&c->log_rate)) {
		c->log_suppressed++;
		return;
	}
	if (c->log_suppressed > 0) {
		log_warn("%s: %lu log lines suppressed (more than %d a second)", c->name,
		    c->log_suppressed, CHILD_LOG_PER_S);
		c->log_suppressed = 0;
	}
	logw_line(c->name, level, text);
}

static void
output_line(const char *line, void *arg)
{
	child_log(arg, LOG_LVL_WARN, line);
}

static void
output_feed(void *arg, const char *buf, size_t n)
{
	struct child *c = arg;

	lines_feed(&c->out, buf, n, output_line, c);
}

static void
output_read(struct child *c)
{
	if (c->outfd >= 0 && ev_drain(c->pd->ev, &c->outfd, output_feed, c))
		lines_flush(&c->out, output_line, c);
}

static void
on_output(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	output_read(arg);
}

/* ---- exit ---- */

static void
describe_status(int st, char *out, size_t outlen)
{
	if (WIFEXITED(st))
		snprintf(out, outlen, "exited with code %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		snprintf(out, outlen, "killed by SIGSYS (seccomp)");
	else if (WIFSIGNALED(st)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(st));

		if (abbrev != NULL)
			snprintf(out, outlen, "killed by SIG%s", abbrev);
		else
			snprintf(out, outlen, "killed by signal %d", WTERMSIG(st));
	} else
		snprintf(out, outlen, "ended with status 0x%x", (unsigned)st);
}

static uint64_t
next_backoff(struct child *c)
{
	uint64_t delay;

	if (now_ms() - c->started_ms >= BACKOFF_RESET_MS)
		c->backoff_ms = BACKOFF_MIN_MS;
	delay = c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
	return delay;
}

/* A monitor that ends before it seals has read nothing but the control
 * file: ending twice in a row for the same reason, it will end so every
 * time.  True when vigild should say so and stop instead of restarting it
 * forever with nothing monitored. */
static bool
monitor_ended_unsealed(struct privd *pd, struct child *c, const char *how)
{
	const char *why = pd->mon_violation[0] != '\0' ? pd->mon_violation : how;

	if (c->killed && pd->mon_violation[0] == '\0')
		return false;	/* ended on purpose (a new monitor user) */
	if (strcmp(why, pd->mon_unsealed_end) == 0) {
		log_err("the monitor ended twice before sealing its action table "
		    "(%s): vigild stops; check the control file with 'vigil -t' "
		    "and start vigil again", why);
		return true;
	}
	strlcpy_v(pd->mon_unsealed_end, why, sizeof(pd->mon_unsealed_end));
	return false;
}

static void
on_exit_event(int fd, uint32_t events, void *arg)
{
	struct child *c = arg;
	struct privd *pd = c->pd;
	struct child *web = &pd->child[CHILD_WEBUI], *auth = &pd->child[CHILD_AUTH];
	char how[64];
	int st;
	pid_t r;

	bool sealed = pd->table.sealed, give_up = false;

	(void)fd;
	(void)events;
	r = waitpid(c->pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	if (r < 0)
		st = 0xff00;
	output_read(c);
	describe_status(st, how, sizeof(how));
	if (pd->state == PD_RUNNING && !c->killed)
		log_err("%s (pid %d) %s", c->name, (int)c->pid, how);
	else
		log_info("%s (pid %d) %s", c->name, (int)c->pid, how);
	child_channel_close(c);
	ev_close(pd->ev, &c->outfd);
	ev_close(pd->ev, &c->pidfd);
	c->pid = 0;
	c->killed = false;
	/* The survivors' channels to the dead one are useless: nothing of theirs
	 * is worth a grace period (sessions live in the monitor). */
	if (c->kind == CHILD_MONITOR) {
		if (pd->state == PD_RUNNING && !sealed)
			give_up = monitor_ended_unsealed(pd, c, how);
		pd->mon_violation[0] = '\0';
		/* Its table, queue and pings die with it. */
		run_forget_monitor(pd);
		ping_forget_monitor(pd);
		table_clear(&pd->table);
		child_kill(web, SIGKILL);
		child_kill(auth, SIGKILL);
	} else if (c->kind == CHILD_WEBUI)
		child_kill(auth, SIGKILL);
	else
		child_kill(web, SIGKILL);
	if (pd->state != PD_RUNNING) {
		privd_child_gone(pd);
		return;
	}
	if (c->kind == CHILD_MONITOR && give_up) {
		pd->exit_code = 1;
		privd_shutdown(pd, "the monitor cannot start");
	} else if (c->kind == CHILD_MONITOR) {
		uint64_t delay = pd->respawn_now ? 1 : next_backoff(c);

		pd->respawn_now = false;
		if (delay > 1)
			log_info("restarting the monitor in %llu s",
			    (unsigned long long)(delay / 1000));
		ev_timer_set(pd->restart_tfd[CHILD_MONITOR], delay, 0);
	} else if (web->pid == 0 && auth->pid == 0 && pd->table.sealed &&
	    pd->child[CHILD_MONITOR].pid > 0) {
		uint64_t delay = next_backoff(web);

		log_info("restarting webui and auth in %llu s", (unsigned long long)(delay / 1000));
		ev_timer_set(pd->restart_tfd[CHILD_WEBUI], delay, 0);
	}
}

/* ---- spawning ---- */

static sigset_t sig_ignored;

/* At start: a signal ignored by whoever started vigild is set back to its
 * default (handlers, such as a sanitizer's, are left alone). */
void
sig_setup(void)
{
	struct sigaction old;

	sigemptyset(&sig_ignored);
	for (int s = 1; s < NSIG; s++)
		if (sigaction(s, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			(void)signal(s, SIG_DFL);
}

void
sig_ignore(int sig)
{
	(void)signal(sig, SIG_IGN);
	sigaddset(&sig_ignored, sig);
}

void
sig_default_ignored(void)
{
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&sig_ignored, s) == 1)
			(void)signal(s, SIG_DFL);
}

/* fork+execve path with fds[i] as descriptor 3+i; our channel end is
 * chfd.  Returns false (logged) on failure. */
bool
child_spawn(struct child *c, const char *path, char *const argv[], const int *fds, int nfds,
    int chfd)
{
	struct privd *pd = c->pd;
	pid_t parent = getpid();
	int outp[2];
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) < 0) {
		log_err("%s: pipe: %s", c->name, strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		log_err("%s: fork: %s", c->name, strerror(errno));
		close(outp[0]);
		close(outp[1]);
		return false;
	}
	if (pid == 0) {
		int high[8], nullfd;
		sigset_t none;

		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		sig_default_ignored();
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		/* Move every source above the targets first, so no dup2 below
		 * overwrites a source that is still needed. */
		nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
		for (int i = 0; i < nfds; i++)
			high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 16);
		high[nfds] = fcntl(outp[1], F_DUPFD_CLOEXEC, 16);
		high[nfds + 1] = fcntl(nullfd, F_DUPFD_CLOEXEC, 16);
		for (int i = 0; i < nfds + 2; i++)
			if (high[i] < 0)
				_exit(126);
		if (dup2(high[nfds + 1], 0) < 0 || dup2(high[nfds], 1) < 0 ||
		    dup2(high[nfds], 2) < 0)
			_exit(126);
		for (int i = 0; i < nfds; i++)
			if (dup2(high[i], 3 + i) < 0)
				_exit(126);
		close_from(3 + nfds);
		execve(path, argv, (char *const *)(uintptr_t)sanitizer_child_env(child_env));
		dprintf(2, "vigild: execve %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(outp[1]);
	c->pid = pid;
	c->killed = false;
	c->started_ms = now_ms();
	c->outfd = outp[0];
	c->out.len = 0;
	token_bucket_init(&c->log_rate, CHILD_LOG_BURST, CHILD_LOG_PER_S);
	c->log_suppressed = 0;
	set_nonblock(c->outfd);
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (c->pidfd < 0 || ev_add(pd->ev, c->pidfd, EPOLLIN, on_exit_event, c) < 0)
		fatal("cannot watch %s pid %d", c->name, (int)pid);
	if (ev_add(pd->ev, c->outfd, EPOLLIN, on_output, c) < 0)
		fatal("epoll: %s output", c->name);
	ipc_channel_init(&c->ch, chfd, PROC_PRIVD, c->role);
	set_nonblock(chfd);
	if (ev_add(pd->ev, chfd, EPOLLIN, child_on_channel, c) < 0)
		fatal("epoll: %s channel", c->name);
	if (ipc_send_hello(&c->ch) < 0)
		child_violation(c, "HELLO", "cannot send");
	log_info("%s started (pid %d)", c->name, (int)pid);
	return true;
}

bool
child_spawn_monitor(struct privd *pd)
{
	struct child *c = &pd->child[CHILD_MONITOR];
	char *argv[8];
	int sp[2], n = 0;
	bool ok;

	if (ipc_socketpair(sp) < 0) {
		log_err("socketpair: %s", strerror(errno));
		ev_timer_set(pd->restart_tfd[CHILD_MONITOR], next_backoff(c), 0);
		return false;
	}
	argv[n++] = (char *)(uintptr_t)"vigil-monitor";
	argv[n++] = (char *)(uintptr_t)"-c";
	argv[n++] = (char *)(uintptr_t)pd->conffile;
	argv[n++] = (char *)(uintptr_t)"-u";
	argv[n++] = pd->monitor_user;
	if (pd->verbose > 0)
		argv[n++] = (char *)(uintptr_t)"-v";
	argv[n] = NULL;
	pd->mon_gen++;
	table_clear(&pd->table);
	ok = child_spawn(c, pd->monitor_bin, argv, &sp[1], 1, sp[0]);
	close(sp[1]);
	if (!ok) {
		close(sp[0]);
		ev_timer_set(pd->restart_tfd[CHILD_MONITOR], next_backoff(c), 0);
	}
	return ok;
}
