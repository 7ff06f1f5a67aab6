/* vigil: the command users type.
 *
 * Without an action it checks the control file (through vigil-monitor, which
 * drops privileges before parsing) and becomes vigild; with one it talks to
 * the running daemon over the control socket.  It never parses the control
 * file itself and needs no privilege of its own: the daemon decides from the
 * socket peer's credentials what the caller may do. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paths.h"
#include "cli/cli.h"
#include "common/log.h"
#include "common/sanitizer.h"
#include "common/util.h"
#include "common/version.h"

extern char **environ;

static void __attribute__((noreturn))
die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("vigil: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
monitor_path(char *out, size_t outlen)
{
	if (!cli_find_monitor(out, outlen))
		die("cannot find vigil-monitor (looked next to this program and "
		    "in %s)", LIBEXECDIR);
}

/* procmatch: the monitor's own matcher (PCRE2, as "matching" uses it) lists
 * the processes, with its privileges dropped; no daemon needed. */
static void __attribute__((noreturn))
exec_procmatch(const char *regex)
{
	char mon[PATH_MAX], re[MSG_NAME_LEN];
	char *argv[4];

	monitor_path(mon, sizeof(mon));
	strlcpy_v(re, regex, sizeof(re));
	argv[0] = mon;
	argv[1] = (char *)"--procmatch";
	argv[2] = re;
	argv[3] = NULL;
	execve(mon, argv, environ);
	die("cannot run %s: %s", mon, strerror(errno));
}

/* -t: the monitor prints "Control file syntax OK" or every error. */
static void __attribute__((noreturn))
exec_syntax_check(const struct cli_opts *o, const char *rc)
{
	char mon[PATH_MAX], file[PATH_MAX];
	char *argv[16];
	int i = 0;

	if (strlen(rc) >= sizeof(file))
		die("control file name too long");
	strlcpy_v(file, rc, sizeof(file));
	monitor_path(mon, sizeof(mon));
	argv[i++] = mon;
	argv[i++] = (char *)"-t";
	argv[i++] = (char *)"-c";
	argv[i++] = file;
	for (int v = 0; v < o->verbose && v < 3; v++)
		argv[i++] = (char *)"-v";
	argv[i] = NULL;
	execve(mon, argv, environ);
	die("cannot run %s: %s", mon, strerror(errno));
}

/* No action: refuse to start on a file with errors, then become vigild. */
static void __attribute__((noreturn))
exec_daemon(const struct cli_opts *o, const char *argv0, const char *rc)
{
	char mon[PATH_MAX], vigild[PATH_MAX], abs[PATH_MAX];
	static char out[16384], err[16384];
	char *argv[16];
	int i = 0, status;

	/* vigild daemonizes (chdir /) and rereads the file on reload: give
	 * it a path that stays true. */
	if (realpath(rc, abs) == NULL)
		die("cannot use the control file %s: %s", rc, strerror(errno));
	monitor_path(mon, sizeof(mon));
	argv[0] = mon;
	argv[1] = (char *)"-t";
	argv[2] = (char *)"-c";
	argv[3] = abs;
	argv[4] = NULL;
	status = cli_run_capture(argv, out, sizeof(out), err, sizeof(err));
	if (status < 0)
		die("cannot run %s: %s", mon, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fputs(out, stderr);
		fputs(err, stderr);
		if (WIFSIGNALED(status))
			fprintf(stderr, "vigil: %s died of signal %d\n", mon,
			    WTERMSIG(status));
		die("not starting: the control file %s has errors", rc);
	}
	/* warnings (programs vigild will refuse to run) are shown, not lost */
	fputs(err, stderr);
	if (!cli_find_vigild(argv0, vigild, sizeof(vigild)))
		die("cannot find vigild (looked next to this program and in "
		    "../sbin)");
	argv[i++] = vigild;
	argv[i++] = (char *)"-c";
	argv[i++] = abs;
	if (o->foreground)
		argv[i++] = (char *)"-I";
	for (int v = 0; v < o->verbose && v < 3; v++)
		argv[i++] = (char *)"-v";
	argv[i] = NULL;
	execve(vigild, argv, environ);
	die("cannot run %s: %s", vigild, strerror(errno));
}

/* The control socket's path and the monitor's user as the control file
 * sets them, asked from the monitor (it parses with dropped privileges; the
 * CLI never does).  A file named with -c must answer: when it cannot be read
 * or has errors, the CLI shows why and stops rather than act on the default
 * daemon (finding 5).  A file found by the search that the caller cannot
 * read (an ordinary user and a 0600 /etc/vigilrc) gives the defaults. */
static void
find_socket(const struct cli_opts *o, const char *rc, char *out, size_t outlen,
    char *user, size_t userlen)
{
	char mon[PATH_MAX], file[PATH_MAX];
	static char qout[4096], qerr[8192];
	char *argv[8];
	int status;
	bool explicit = o->control_file != NULL;

	strlcpy_v(out, o->socket_path != NULL ? o->socket_path : CLI_DEFAULT_SOCKET, outlen);
	strlcpy_v(user, CLI_DEFAULT_MONITOR_USER, userlen);
	if (rc == NULL || (o->socket_path != NULL && !explicit))
		return;
	if (strlen(rc) >= sizeof(file))
		die("control file name too long: %s", rc);
	if (!cli_find_monitor(mon, sizeof(mon))) {
		if (explicit)
			monitor_path(mon, sizeof(mon));	/* dies naming where it looked */
		return;
	}
	strlcpy_v(file, rc, sizeof(file));
	argv[0] = mon;
	argv[1] = (char *)"-c";
	argv[2] = file;
	argv[3] = (char *)"--query";
	argv[4] = (char *)"control-socket";
	argv[5] = NULL;
	status = cli_run_capture(argv, qout, sizeof(qout), qerr, sizeof(qerr));
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		/* line 1: the socket; line 2: the monitor's user */
		char *line2 = strchr(qout, '\n');
		size_t n = strcspn(qout, "\n");

		if (line2 != NULL) {
			line2++;
			line2[strcspn(line2, "\n")] = '\0';
			if (line2[0] != '\0' && strlen(line2) < userlen)
				strlcpy_v(user, line2, userlen);
		}
		qout[n] = '\0';
		if (o->socket_path != NULL)
			return;
		if (qout[0] == '/' && n < outlen) {
			memcpy(out, qout, n + 1);
			return;
		}
	}
	if (explicit) {
		cli_print_sanitized(stderr, qerr);
		if (status >= 0 && WIFSIGNALED(status))
			fprintf(stderr, "vigil: %s died of signal %d\n", mon, WTERMSIG(status));
		die("cannot use the control file %s (see above); nothing was sent to any "
		    "daemon", rc);
	}
	if (o->verbose > 0) {
		fprintf(stderr, "vigil: could not ask %s for the control socket of "
		    "%s; using %s\n", mon, rc, out);
		cli_print_sanitized(stderr, qerr);
	}
}

static int
run_action(const struct cli_opts *o, const char *rc)
{
	struct msg_ctl_request req;
	struct cli_trust trust;
	char path[PATH_MAX], why[1024];
	int fd;

	memset(&trust, 0, sizeof(trust));
	find_socket(o, rc, path, sizeof(path), trust.monitor_user, sizeof(trust.monitor_user));
	trust.self_uid = geteuid();
	trust.have_monitor = cli_monitor_ids(trust.monitor_user, &trust.monitor_uid,
	    &trust.monitor_gid);
	if (o->verbose > 0)
		fprintf(stderr, "vigil: using the control socket %s (monitor user %s)\n", path,
		    trust.monitor_user);
	/* Finding 4: check where the socket lives and who serves it before a
	 * byte of the request goes out. */
	if (!cli_socket_path_ok(path, &trust, why, sizeof(why))) {
		if (errno == ENOENT)
			die("cannot connect to the vigil daemon at %s: %s (is it running?)",
			    path, strerror(ENOENT));
		die("%s", why);
	}
	fd = cli_ctl_connect(path);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT || e == ECONNREFUSED)
			die("cannot connect to the vigil daemon at %s: %s (is it "
			    "running?)", path, strerror(e));
		die("cannot connect to the vigil daemon at %s: %s", path,
		    strerror(e));
	}
	if (!cli_peer_ok(fd, &trust, why, sizeof(why)))
		die("%s", why);
	memset(&req, 0, sizeof(req));
	req.action = (uint8_t)o->action;
	req.verbose = (uint8_t)(o->verbose > 0 ? 1 : 0);
	if (o->name != NULL)
		strlcpy_v(req.name, o->name, sizeof(req.name));
	if (o->group != NULL)
		strlcpy_v(req.group, o->group, sizeof(req.group));
	return cli_ctl_converse(fd, &req, stdout, stderr, CLI_ANSWER_TIMEOUT_MS);
}

int
main(int argc, char **argv)
{
	struct cli_opts o;
	char err[512], rcbuf[PATH_MAX], tried[2048];
	const char *rc;

	sanitizer_report_open("vigil");
	log_init("vigil", 0);
	signal(SIGPIPE, SIG_IGN);
	if (cli_parse_args(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil: %s\nTry 'vigil -h' for help.\n", err);
		return 1;
	}
	log_set_verbose(o.verbose);
	switch (o.mode) {
	case CLI_MODE_HELP:
		cli_usage(stdout);
		return 0;
	case CLI_MODE_VERSION:
		printf("vigil version %s\n", VIGIL_VERSION);
		return 0;
	default:
		break;
	}
	rc = o.control_file;
	if (rc == NULL && cli_find_control_file(getenv("HOME"), rcbuf,
	    sizeof(rcbuf), tried, sizeof(tried)))
		rc = rcbuf;
	if (o.mode == CLI_MODE_LOG_VERIFY)
		return cli_log_verify(o.name, rc);
	if (rc == NULL && o.mode != CLI_MODE_ACTION && o.mode != CLI_MODE_PROCMATCH)
		die("no control file found (tried %s); use -c FILE", tried);
	switch (o.mode) {
	case CLI_MODE_TEST:
		exec_syntax_check(&o, rc);
	case CLI_MODE_DAEMON:
		exec_daemon(&o, argv[0], rc);
	case CLI_MODE_ACTION:
		return run_action(&o, rc);
	case CLI_MODE_PROCMATCH:
		exec_procmatch(o.name);
	default:
		return 1;
	}
}
