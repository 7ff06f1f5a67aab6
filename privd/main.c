/* vigild: privd, the root parent of every vigil process.
 *
 *   vigild -c FILE [-I] [-v] [--monitor-binary PATH]
 *
 * Start-up: check the monitor user and binary, open the raw ICMP sockets,
 * daemonize (unless -I), then spawn the monitor and supervise in one epoll
 * loop.  privd keeps root because it must: it starts children as other
 * users, runs the sealed programs as their users and owns raw sockets.  Its
 * defence is its size: it parses only typed IPC messages. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "common/util.h"
#include "common/sanitizer.h"
#include "privd/privd.h"

static struct privd privd;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: vigild -c FILE [-I] [-v] [--monitor-binary PATH]\n");
	exit(2);
}

static void
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		fatal("setsid");
	if (chdir("/") < 0)
		fatal("chdir /");
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		fatal("/dev/null");
	if (fd > 2)
		close(fd);
	logw_detached();
}

static void
on_signal(int fd, uint32_t events, void *arg)
{
	struct privd *pd = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			privd_shutdown(pd, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		case SIGHUP:
			privd_reload(pd, "SIGHUP");
			break;
		case SIGUSR1:
			logw_reopen();
			break;
		default:
			/* SIGCHLD: each child has a pidfd, which reaps it. */
			break;
		}
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "monitor-binary", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct privd *pd = &privd;
	const char *conf = NULL, *monbin = NULL;
	char confabs[PATH_MAX], why[512];
	int ch, fd;

	sanitizer_report_open("vigild");
	umask(022);
	/* Descriptors 0-2 must exist, or a pipe could land on them. */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	while ((ch = getopt_long(argc, argv, "c:Ivh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'I':
			pd->foreground = true;
			break;
		case 'v':
			pd->verbose++;
			break;
		case 'M':
			monbin = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || conf == NULL)
		usage();
	log_init("vigild", pd->verbose);
	logw_init();
	notify_init();
	/* The monitor gets an absolute path: privd and it run in /. */
	if (realpath(conf, confabs) == NULL) {
		fprintf(stderr, "vigild: control file %s: %s\n", conf, strerror(errno));
		return 1;
	}
	pd->conffile = confabs;
	pd->is_root = geteuid() == 0;
	if (!pd->is_root)
		log_warn("running as uid %u, not root: children cannot switch users and "
		    "ping will fail", (unsigned)geteuid());
	/* --monitor-binary is for tests; either way the binary must be root's. */
	if (monbin != NULL)
		strlcpy_v(pd->monitor_bin, monbin, sizeof(pd->monitor_bin));
	else if (!exec_path("vigil-monitor", pd->monitor_bin, sizeof(pd->monitor_bin))) {
		fprintf(stderr, "vigild: cannot find vigil-monitor next to vigild or in %s\n",
		    LIBEXECDIR);
		return 1;
	}
	if (!privd_binary_ok(pd->monitor_bin, why, sizeof(why))) {
		fprintf(stderr, "vigild: refusing monitor binary %s\n", why);
		return 1;
	}
	strlcpy_v(pd->monitor_user, "_vigil", sizeof(pd->monitor_user));
	/* The monitor user must exist before anything is spawned. */
	if (!privd_user_exists(pd->monitor_user, why, sizeof(why))) {
		fprintf(stderr, "vigild: %s\n", why);
		return 1;
	}
	ping_open_sockets(pd);
	sig_setup();
	sig_ignore(SIGPIPE);
	if (!pd->foreground)
		daemonize();

	pd->ev = ev_new();
	if (ev_signals(pd->ev, sigs, (int)ARRAY_SIZE(sigs), on_signal, pd) < 0)
		fatal("signalfd");
	if ((pd->stop_tfd = ev_timer_new(pd->ev, privd_stop_timeout, pd)) < 0)
		fatal("timerfd");
	ping_watch(pd);
	child_init(pd);
	log_info("vigild starting (pid %d)", (int)getpid());
	child_spawn_monitor(pd);
	if (ev_run(pd->ev) < 0)
		fatal("epoll_wait");
	return pd->exit_code;
}
