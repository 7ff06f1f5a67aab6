/* Finding and running the other vigil binaries. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paths.h"
#include "cli/cli.h"
#include "common/util.h"

extern char **environ;

bool
cli_find_monitor(char *out, size_t outlen)
{
	return exec_path("vigil-monitor", out, outlen);
}

static bool
try_dir(const char *dir, const char *rel, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", dir, rel);

	return n > 0 && (size_t)n < outlen && access(out, X_OK) == 0;
}

/* vigild lives next to vigil in the build tree, in sbin when installed
 * (bin/vigil -> ../sbin/vigild), never in libexec. */
bool
cli_find_vigild(const char *argv0, char *out, size_t outlen)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (exec_path("vigild", out, outlen))
		return true;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		if (try_dir(dirname(buf), "../sbin/vigild", out, outlen))
			return true;
	}
	if (argv0 != NULL && strchr(argv0, '/') != NULL &&
	    strlen(argv0) < sizeof(buf)) {
		strlcpy_v(buf, argv0, sizeof(buf));
		if (try_dir(dirname(buf), "../sbin/vigild", out, outlen) ||
		    try_dir(dirname(buf), "vigild", out, outlen))
			return true;
	}
	if (try_dir(LIBEXECDIR, "../../sbin/vigild", out, outlen))
		return true;
	return false;
}

/* Append what fd has to buf, bounded; returns false at end of file. */
static bool
drain(int fd, char *buf, size_t cap, size_t *used)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (cap > 0 && *used < cap - 1) {
		size_t take = (size_t)n;

		if (take > cap - 1 - *used)
			take = cap - 1 - *used;
		memcpy(buf + *used, tmp, take);
		*used += take;
		buf[*used] = '\0';
	}
	return true;
}

int
cli_run_capture(char *const argv[], char *out, size_t outlen, char *err,
    size_t errlen)
{
	int po[2], pe[2], status;
	size_t uo = 0, ue = 0;
	bool open_o = true, open_e = true;
	pid_t pid;

	if (outlen > 0)
		out[0] = '\0';
	if (errlen > 0)
		err[0] = '\0';
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 ||
		    dup2(pe[1], 2) < 0)
			_exit(127);
		close_from(3);
		execve(argv[0], argv, environ);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	while (open_o || open_e) {
		struct pollfd p[2] = {
			{ open_o ? po[0] : -1, POLLIN, 0 },
			{ open_e ? pe[0] : -1, POLLIN, 0 },
		};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (open_o && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			open_o = drain(po[0], out, outlen, &uo);
		if (open_e && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			open_e = drain(pe[0], err, errlen, &ue);
	}
	close(po[0]);
	close(pe[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return status;
}
