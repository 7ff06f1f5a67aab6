/* The monitor's last two drop steps, applied once privd has sealed the
 * action table: Landlock (write only beneath the state file's and the
 * control socket's directories and the event queue's, as paths.c resolves
 * them; read everywhere, since watching files is
 * the job) and the seccomp allowlist of policy/seccomp_monitor.c.  main()
 * and the sandbox proof call this same function. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "common/sandbox.h"
#include "common/util.h"
#include "monitor/core/core.h"

/* Everything that changes the file system. */
#define MONITOR_WRITE_RIGHTS \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM | \
	 LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)
/* Handled but granted nowhere: execution (seccomp forbids execve too). */
#define MONITOR_HANDLED	(MONITOR_WRITE_RIGHTS | LANDLOCK_ACCESS_FS_EXECUTE)

static bool
parent_dir(const char *path, char *out, size_t outlen)
{
	char tmp[PATH_MAX];
	struct stat st;

	if (strlcpy_v(tmp, path, sizeof(tmp)) >= sizeof(tmp))
		return false;
	if (strlcpy_v(out, dirname(tmp), outlen) >= outlen)
		return false;
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_err("directory %s (of %s) does not exist: the monitor will not be "
		    "able to write there", out, path);
		return false;
	}
	return true;
}

void
monitor_sandbox_apply(const struct config *cf)
{
	static char statedir[PATH_MAX], ctldir[PATH_MAX];
	struct landlock_rule rules[3];
	const char *queue = core_eventqueue_dir(cf);
	struct stat st;
	size_t n = 0;

	if (parent_dir(core_statefile(cf), statedir, sizeof(statedir)))
		rules[n++] = (struct landlock_rule){ statedir, MONITOR_WRITE_RIGHTS };
	if (parent_dir(core_control_socket(cf), ctldir, sizeof(ctldir)) &&
	    (n == 0 || strcmp(ctldir, statedir) != 0))
		rules[n++] = (struct landlock_rule){ ctldir, MONITOR_WRITE_RIGHTS };
	/* `set eventqueue basedir`: alerts wait there for the mail server
	 * (monitor/alert/eventq.c; core_eventqueue_prepare made it when it
	 * was missing); an unusable directory is reported there. */
	if (queue != NULL && lstat(queue, &st) == 0 && S_ISDIR(st.st_mode))
		rules[n++] = (struct landlock_rule){ queue, MONITOR_WRITE_RIGHTS };
	sandbox_landlock(MONITOR_HANDLED, rules, n);
	sandbox_seccomp(&seccomp_policy_monitor);
	log_debug("sandbox: Landlock (write beneath %zu directories) and seccomp "
	    "(%zu rules) applied", n, seccomp_policy_monitor.nallow);
}
