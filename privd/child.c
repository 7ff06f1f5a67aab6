/* Spawning and supervising the children (monitor, webui, auth).
 *
 * A child is started with fork+execve: fd 3 is its channel to privd (4 and 5
 * its peers for webui/auth), fd 0 /dev/null, fd 1+2 a pipe privd logs line
 * by line, nothing else open, PR_SET_PDEATHSIG(SIGKILL), a minimal
 * environment.  Its exit is seen through a pidfd in the one epoll loop.  A
 * dead child is restarted with backoff (1 s doubling to 60 s, back to 1 s
 * after 60 s up).  The monitor's death takes the web pair with it (their
 * channels to it are dead); the pair is started again after the next SEAL. */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "privd/privd.h"

static const char *const child_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

static void on_channel(int fd, uint32_t events, void *arg);
static void spawn_web(struct privd *pd);

static void
on_restart_timer(int fd, uint32_t events, void *arg)
{
	struct child *c = arg;
	struct privd *pd = c->pd;

	(void)events;
	ev_timer_ack(fd);
	if (pd->state != PD_RUNNING)
		return;
	if (c->kind == CHILD_MONITOR) {
		if (pd->child[CHILD_MONITOR].pid == 0)
			child_spawn_monitor(pd);
	} else
		spawn_web(pd);
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

static void
channel_close(struct child *c)
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
	/* Kill before closing: it must not see the close and exit "cleanly". */
	child_kill(c, SIGKILL);
	channel_close(c);
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

static void
child_log(struct child *c, enum log_level level, const char *text)
{
	uint64_t now = now_ms(), cap = (uint64_t)CHILD_LOG_BURST * 1000u;

	c->log_tokens_milli += (now - c->log_last_ms) * CHILD_LOG_PER_S;
	if (c->log_tokens_milli > cap)
		c->log_tokens_milli = cap;
	c->log_last_ms = now;
	if (c->log_tokens_milli < 1000) {
		c->log_suppressed++;
		return;
	}
	c->log_tokens_milli -= 1000;
	if (c->log_suppressed > 0) {
		log_warn("%s: %lu log lines suppressed (more than %d a second)", c->name,
		    c->log_suppressed, CHILD_LOG_PER_S);
		c->log_suppressed = 0;
	}
	logw_line(c->name, level, text);
}

static void
output_flush_line(struct child *c)
{
	if (c->linelen == 0)
		return;
	c->line[c->linelen] = '\0';
	child_log(c, LOG_LVL_WARN, c->line);
	c->linelen = 0;
}

static void
output_read(struct child *c)
{
	char buf[4096];

	while (c->outfd >= 0) {
		ssize_t n = read(c->outfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			output_flush_line(c);
			ev_del(c->pd->ev, c->outfd);
			close(c->outfd);
			c->outfd = -1;
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				output_flush_line(c);
				continue;
			}
			c->line[c->linelen++] = buf[i] == '\0' ? '?' : buf[i];
			if (c->linelen == sizeof(c->line) - 1)
				output_flush_line(c);
		}
	}
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

static void
on_exit_event(int fd, uint32_t events, void *arg)
{
	struct child *c = arg;
	struct privd *pd = c->pd;
	struct child *web = &pd->child[CHILD_WEBUI], *auth = &pd->child[CHILD_AUTH];
	char how[64];
	int st;
	pid_t r;

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
	channel_close(c);
	if (c->outfd >= 0) {
		ev_del(pd->ev, c->outfd);
		close(c->outfd);
		c->outfd = -1;
	}
	ev_del(pd->ev, c->pidfd);
	close(c->pidfd);
	c->pidfd = -1;
	c->pid = 0;
	c->killed = false;
	/* The survivors' channels to the dead one are useless: nothing of theirs
	 * is worth a grace period (sessions live in the monitor). */
	if (c->kind == CHILD_MONITOR) {
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
	if (c->kind == CHILD_MONITOR) {
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

/* fork+execve path with fds[i] as descriptor 3+i; our channel end is
 * chfd.  Returns false (logged) on failure. */
static bool
spawn(struct child *c, const char *path, char *const argv[], const int *fds, int nfds,
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
		for (int s = 1; s < NSIG; s++)
			(void)signal(s, SIG_DFL);
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
		execve(path, argv, (char *const *)(uintptr_t)child_env);
		dprintf(2, "vigild: execve %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(outp[1]);
	c->pid = pid;
	c->killed = false;
	c->started_ms = now_ms();
	c->outfd = outp[0];
	c->linelen = 0;
	c->log_tokens_milli = (uint64_t)CHILD_LOG_BURST * 1000u;
	c->log_last_ms = now_ms();
	c->log_suppressed = 0;
	set_nonblock(c->outfd);
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (c->pidfd < 0 || ev_add(pd->ev, c->pidfd, EPOLLIN, on_exit_event, c) < 0)
		fatal("cannot watch %s pid %d", c->name, (int)pid);
	if (ev_add(pd->ev, c->outfd, EPOLLIN, on_output, c) < 0)
		fatal("epoll: %s output", c->name);
	ipc_channel_init(&c->ch, chfd, PROC_PRIVD, c->role);
	set_nonblock(chfd);
	if (ev_add(pd->ev, chfd, EPOLLIN, on_channel, c) < 0)
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
	ok = spawn(c, pd->monitor_bin, argv, &sp[1], 1, sp[0]);
	close(sp[1]);
	if (!ok) {
		close(sp[0]);
		ev_timer_set(pd->restart_tfd[CHILD_MONITOR], next_backoff(c), 0);
	}
	return ok;
}

/* The webui's chroot: created root-owned 0755 when missing; otherwise it must
 * be a root-owned directory nobody else can write, and empty. */
static bool
chroot_ready(const char *dir)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (dir[0] != '/') {
		log_err("webui chroot %s: not an absolute path", dir);
		return false;
	}
	if (mkdir(dir, 0755) == 0) {
		if (chown(dir, 0, 0) < 0) {
			log_err("webui chroot %s: chown: %s", dir, strerror(errno));
			return false;
		}
		log_info("created the webui chroot %s", dir);
	} else if (errno != EEXIST) {
		log_err("webui chroot %s: mkdir: %s", dir, strerror(errno));
		return false;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022)) {
		log_err("webui chroot %s must be a directory owned by root and not "
		    "writable by group or others: not starting the web interface", dir);
		return false;
	}
	if ((d = opendir(dir)) == NULL) {
		log_err("webui chroot %s: %s", dir, strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			closedir(d);
			log_err("webui chroot %s is not empty: not starting the web interface", dir);
			return false;
		}
	closedir(d);
	return true;
}

/* The check and words of sandbox_user_exists() (common/sandbox.c), which
 * privd cannot call without linking libseccomp for the rest of that file. */
bool
privd_user_exists(const char *user, char *why, size_t whylen)
{
	if (user[0] != '\0' && getpwnam(user) != NULL)
		return true;
	snprintf(why, whylen, "user '%.64s' does not exist: create the vigil users with "
	    "'make users' (or name others in 'set privsep')", user);
	return false;
}

static bool
user_ok(const char *user)
{
	char why[256];

	if (privd_user_exists(user, why, sizeof(why)))
		return true;
	log_err("%s", why);
	return false;
}

static void
spawn_web(struct privd *pd)
{
	const struct msg_config *cf = &pd->cf;
	struct child *web = &pd->child[CHILD_WEBUI], *auth = &pd->child[CHILD_AUTH];
	char webbin[PATH_MAX], authbin[PATH_MAX], port[8];
	char *wargv[16 + MSG_SCOPE_MAX * 2], *aargv[8];
	int mw[2], ma[2], wa[2], pw[2], pa[2], wfds[3], afds[3];
	int n = 0, k = 0;

	if (!cf->httpd_enabled || web->pid > 0 || auth->pid > 0 ||
	    pd->child[CHILD_MONITOR].pid == 0 || !pd->table.sealed)
		return;
	if (!exec_path("vigil-webui", webbin, sizeof(webbin)) ||
	    !exec_path("vigil-auth", authbin, sizeof(authbin))) {
		log_err("cannot find vigil-webui and vigil-auth: web interface not started");
		return;
	}
	if (!user_ok(cf->webui_user) || !user_ok(cf->auth_user) || !chroot_ready(cf->chroot_dir))
		return;
	snprintf(port, sizeof(port), "%u", cf->httpd_port);
	wargv[n++] = (char *)(uintptr_t)"vigil-webui";
	wargv[n++] = (char *)(uintptr_t)"--user";
	wargv[n++] = (char *)(uintptr_t)cf->webui_user;
	wargv[n++] = (char *)(uintptr_t)"--chroot";
	wargv[n++] = (char *)(uintptr_t)cf->chroot_dir;
	wargv[n++] = (char *)(uintptr_t)"--port";
	wargv[n++] = port;
	if (cf->httpd_address[0] != '\0') {
		wargv[n++] = (char *)(uintptr_t)"--address";
		wargv[n++] = (char *)(uintptr_t)cf->httpd_address;
	}
	if (cf->httpd_ssl) {
		wargv[n++] = (char *)(uintptr_t)"--ssl";
		wargv[n++] = (char *)(uintptr_t)"--pemfile";
		wargv[n++] = (char *)(uintptr_t)cf->httpd_pemfile;
		if (cf->httpd_clientpem[0] != '\0') {
			wargv[n++] = (char *)(uintptr_t)"--clientpem";
			wargv[n++] = (char *)(uintptr_t)cf->httpd_clientpem;
		}
	}
	if (!cf->httpd_signature)
		wargv[n++] = (char *)(uintptr_t)"--no-signature";
	for (unsigned i = 0; i < cf->nallow_net && i < MSG_SCOPE_MAX; i++) {
		wargv[n++] = (char *)(uintptr_t)"--allow";
		wargv[n++] = (char *)(uintptr_t)cf->allow_net[i];
	}
	if (pd->verbose > 0)
		wargv[n++] = (char *)(uintptr_t)"-v";
	wargv[n] = NULL;
	aargv[k++] = (char *)(uintptr_t)"vigil-auth";
	aargv[k++] = (char *)(uintptr_t)"--user";
	aargv[k++] = (char *)(uintptr_t)cf->auth_user;
	if (pd->verbose > 0)
		aargv[k++] = (char *)(uintptr_t)"-v";
	aargv[k] = NULL;

	if (ipc_socketpair(mw) < 0)
		goto fail0;
	if (ipc_socketpair(ma) < 0)
		goto fail1;
	if (ipc_socketpair(wa) < 0)
		goto fail2;
	if (ipc_socketpair(pw) < 0)
		goto fail3;
	if (ipc_socketpair(pa) < 0)
		goto fail4;
	wfds[0] = pw[1], wfds[1] = mw[1], wfds[2] = wa[0];
	afds[0] = pa[1], afds[1] = ma[1], afds[2] = wa[1];
	if (spawn(auth, authbin, aargv, afds, 3, pa[0])) {
		if (spawn(web, webbin, wargv, wfds, 3, pw[0])) {
			struct msg_channel ch = { .peer = PROC_WEBUI };

			privd_send_monitor(pd, MSG_CHANNEL, &ch, mw[0]);
			ch.peer = PROC_AUTH;
			privd_send_monitor(pd, MSG_CHANNEL, &ch, ma[0]);
		} else {
			close(pw[0]);
			child_kill(auth, SIGTERM);
		}
	} else {
		close(pa[0]);
		close(pw[0]);
	}
	close(pw[1]);
	close(pa[1]);
	close(wa[0]);
	close(wa[1]);
	close(ma[0]);
	close(ma[1]);
	close(mw[0]);
	close(mw[1]);
	return;
fail4:
	close(pw[0]);
	close(pw[1]);
fail3:
	close(wa[0]);
	close(wa[1]);
fail2:
	close(ma[0]);
	close(ma[1]);
fail1:
	close(mw[0]);
	close(mw[1]);
fail0:
	log_err("socketpair for the web interface: %s", strerror(errno));
}

/* ---- messages ---- */

static void
handle_config(struct privd *pd, const struct msg_config *cf)
{
	pd->cf = *cf;
	pd->have_config = true;
	logw_configure(cf);
	if (cf->pidfile[0] != '\0')
		(void)pidfile_write(cf->pidfile);
	if (cf->monitor_user[0] != '\0' && strcmp(cf->monitor_user, pd->monitor_user) != 0) {
		if (pd->user_switched)
			log_err("monitor user '%s' asked for again after switching to '%s': "
			    "ignored", cf->monitor_user, pd->monitor_user);
		else if (user_ok(cf->monitor_user)) {
			log_info("control file names monitor user '%s': restarting the "
			    "monitor as that user", cf->monitor_user);
			strlcpy_v(pd->monitor_user, cf->monitor_user, sizeof(pd->monitor_user));
			pd->user_switched = true;
			pd->respawn_now = true;
			channel_close(&pd->child[CHILD_MONITOR]);
			child_kill(&pd->child[CHILD_MONITOR], SIGTERM);
		}
	}
}

static void
handle_message(struct child *c, struct ipc_msg *m)
{
	struct privd *pd = c->pd;
	char why[MSG_LOGLINE_LEN];

	switch (m->type) {
	case MSG_HELLO:
		log_debug("%s: HELLO from pid %u", c->name, m->body.hello.pid);
		break;
	case MSG_LOG:
		child_log(c, (enum log_level)m->body.log.level, m->body.log.text);
		break;
	case MSG_CONFIG:
		handle_config(pd, &m->body.config);
		break;
	case MSG_ACTION_ADD: {
		struct action_entry *e;

		if (!action_msg_valid(&m->body.action_add, &pd->table, why, sizeof(why))) {
			child_violation(c, "ACTION_ADD", why);
			break;
		}
		e = table_add(&pd->table, &m->body.action_add);
		if (e->path == NULL)
			log_err("sealed table: entry %u refused: %s: every RUN of it will "
			    "fail (fix the program's owner and mode, then reload)", e->id,
			    e->reason);
		break;
	}
	case MSG_SEAL: {
		struct msg_sealed s = { .count = m->body.seal.count };

		if (s.count != pd->table.n) {
			snprintf(why, sizeof(why), "count %u but %zu entries received", s.count,
			    pd->table.n);
			child_violation(c, "SEAL", why);
			break;
		}
		pd->table.sealed = true;
		c->ch.sealed = true;
		privd_send_monitor(pd, MSG_SEALED, &s, -1);
		log_info("action table sealed: %u entries", s.count);
		spawn_web(pd);
		break;
	}
	case MSG_RUN:
		run_request(pd, &m->body.run);
		break;
	case MSG_PING:
		ping_request(pd, &m->body.ping);
		break;
	case MSG_CONTROL:
		if (m->body.control.op == CONTROL_QUIT)
			privd_shutdown(pd, "monitor asked to quit");
		else
			privd_reload(pd, "monitor asked to reload");
		break;
	default:
		/* The rule table admits nothing else. */
		child_violation(c, msg_type_name(m->type) ? msg_type_name(m->type) : "?",
		    "unexpected message");
		break;
	}
}

static void
on_channel(int fd, uint32_t events, void *arg)
{
	static struct ipc_msg m;
	struct child *c = arg;
	uint32_t gen = c->pd->mon_gen;

	(void)fd;
	if ((events & EPOLLOUT) && c->ch.fd >= 0) {
		int left = ipc_flush(&c->ch);

		if (left < 0) {
			child_violation(c, "channel", strerror(errno));
			return;
		}
		if (left == 0)
			ev_mod(c->pd->ev, c->ch.fd, EPOLLIN);
	}
	/* Stop when the channel is closed or the monitor was replaced. */
	while (c->ch.fd >= 0 && gen == c->pd->mon_gen) {
		enum ipc_result r = ipc_recv(&c->ch, &m);
		char why[128];

		if (r == IPC_AGAIN)
			return;
		if (r == IPC_CLOSED || r == IPC_ERROR) {
			/* A child without its channel is useless: end it. */
			channel_close(c);
			if (c->pd->state == PD_RUNNING && !c->killed) {
				log_info("%s closed its channel", c->name);
				child_kill(c, SIGKILL);
			}
			return;
		}
		if (r == IPC_VIOLATION) {
			if (m.violation == IPC_V_DECODE)
				snprintf(why, sizeof(why), "%s", msg_error_name(m.decode_error));
			else if (m.violation == IPC_V_HELLO)
				snprintf(why, sizeof(why), "wrong role or build id (a binary "
				    "from another build?)");
			else
				snprintf(why, sizeof(why), "datagram %u refused by privd's "
				    "IPC rules", c->ch.recv_seq + 1);
			child_violation(c, ipc_violation_name(m.violation), why);
			return;
		}
		if (m.fd >= 0)
			close(m.fd);
		handle_message(c, &m);
	}
}
