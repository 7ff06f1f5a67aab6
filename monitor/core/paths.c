/* Where the monitor writes: its state file, its control socket and the
 * event queue.  A Monit control file names Monit's own places
 * (`set statefile /var/lib/monit/state`, `set eventqueue basedir
 * /var/monit`) in directories owned by root, which the unprivileged
 * monitor cannot write; and those files are Monit's, in Monit's format.
 * So:
 *
 *   - a state file or event queue whose directory the monitor may write is
 *     used where named;
 *   - otherwise vigil keeps it under its own directory (/var/lib/vigil,
 *     made by scripts/setup-dirs.sh) with the same name, and says so, once,
 *     in `vigil -t` and at start;
 *   - when neither place is writable, or the control socket's directory is
 *     not, the daemon does not start and says how to fix it: a daemon
 *     without its state file or without its control socket (no `vigil`
 *     command) must not run on in silence.  `vigil -t` fails too when the
 *     directory is one the control file names; vigil's own directories
 *     (/var/lib/vigil, /run/vigil: an installation step, not the file) get
 *     a warning there, so that checking a file works on any machine;
 *   - `set idfile` names Monit's M/Monit identity, which vigil does not
 *     keep: ignored, and said.
 *
 * The answer is a pure function of the control file and the file system,
 * so `vigil -t`, the state file code and the sandbox (Landlock write rules)
 * all see the same paths. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

static bool
dir_writable(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	    access(dir, W_OK | X_OK) == 0;
}

static void
dir_of(const char *path, char *out, size_t outlen)
{
	char tmp[PATH_MAX];

	strlcpy_v(tmp, path, sizeof(tmp));
	strlcpy_v(out, dirname(tmp), outlen);
}

static const char *
base_of(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX];

	strlcpy_v(tmp, path, sizeof(tmp));
	strlcpy_v(buf, basename(tmp), len);
	return buf;
}

static const char *
named_statefile(const struct config *cf)
{
	return cf->statefile != NULL && cf->statefile[0] != '\0' ?
	    cf->statefile : DEFAULT_STATEFILE;
}

const char *
core_statefile(const struct config *cf)
{
	static char moved[PATH_MAX];
	const char *named = named_statefile(cf);
	char dir[PATH_MAX], base[NAME_MAX + 1];

	dir_of(named, dir, sizeof(dir));
	if (dir_writable(dir) || strcmp(dir, VIGIL_STATE_DIR) == 0)
		return named;
	snprintf(moved, sizeof(moved), "%s/%s", VIGIL_STATE_DIR,
	    base_of(named, base, sizeof(base)));
	return moved;
}

const char *
core_control_socket(const struct config *cf)
{
	return cf->control_socket != NULL && cf->control_socket[0] != '\0' ?
	    cf->control_socket : DEFAULT_CONTROL_SOCKET;
}

const char *
core_eventqueue_dir(const struct config *cf)
{
	static char moved[PATH_MAX];
	const char *named = cf->eventqueue_dir;
	char parent[PATH_MAX], base[NAME_MAX + 1];

	if (named == NULL || named[0] == '\0')
		return NULL;
	/* Writable, or to be made in a directory we may write. */
	dir_of(named, parent, sizeof(parent));
	if (dir_writable(named) || (access(named, F_OK) < 0 && errno == ENOENT &&
	    dir_writable(parent)))
		return named;
	snprintf(moved, sizeof(moved), "%s/%s", VIGIL_STATE_DIR,
	    base_of(named, base, sizeof(base)));
	return moved;
}

const char *
core_eventqueue_prepare(const struct config *cf)
{
	const char *dir = core_eventqueue_dir(cf);

	if (dir != NULL && mkdir(dir, 0700) == 0)
		log_info("event queue: created %s", dir);
	else if (dir != NULL && errno != EEXIST)
		log_err("event queue: cannot create %s: %s", dir, strerror(errno));
	return dir;
}

static const char *
whoami(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL)
		strlcpy_v(buf, pw->pw_name, len);
	else
		snprintf(buf, len, "uid %u", (unsigned)geteuid());
	return buf;
}

/* An unusable directory: an error, or in `vigil -t` for vigil's own
 * directories a warning (see the top). */
static bool
unusable(FILE *out, const char *file, bool daemon, bool own_dir)
{
	bool fatal = daemon || !own_dir;

	fprintf(out, "%s: %s: ", file, fatal ? "error" : "warning");
	return fatal;
}

bool
core_paths_check(const struct config *cf, const char *file, FILE *out,
    bool daemon)
{
	char dir[PATH_MAX], me[64];
	const char *used;
	bool ok = true;

	whoami(me, sizeof(me));
	used = core_statefile(cf);
	dir_of(used, dir, sizeof(dir));
	if (strcmp(used, named_statefile(cf)) != 0)
		fprintf(out, "%s: note: set statefile %s: %s may not write there "
		    "(and the file is Monit's): vigil keeps its state in %s\n", file,
		    named_statefile(cf), me, used);
	if (!dir_writable(dir)) {
		if (unusable(out, file, daemon, strcmp(dir, VIGIL_STATE_DIR) == 0))
			ok = false;
		fprintf(out, "the state file %s cannot be written: directory %s is "
		    "missing or not writable by %s (create it: sh "
		    "scripts/setup-dirs.sh, or install -d -o %s DIR and set "
		    "statefile DIR/vigil.state)\n", used, dir, me, me);
	}
	dir_of(core_control_socket(cf), dir, sizeof(dir));
	if (!dir_writable(dir)) {
		char own[PATH_MAX];

		dir_of(DEFAULT_CONTROL_SOCKET, own, sizeof(own));
		if (unusable(out, file, daemon, strcmp(dir, own) == 0))
			ok = false;
		fprintf(out, "the control socket %s cannot be created: directory "
		    "%s is missing or not writable by %s, and without it the vigil "
		    "command cannot reach the daemon (create it: sh "
		    "scripts/setup-dirs.sh, or name a directory %s may write in "
		    "set control socket)\n", core_control_socket(cf), dir, me, me);
	}
	used = core_eventqueue_dir(cf);
	if (used != NULL && strcmp(used, cf->eventqueue_dir) != 0) {
		fprintf(out, "%s: note: set eventqueue basedir %s: %s may not write "
		    "there: vigil keeps its event queue in %s\n", file,
		    cf->eventqueue_dir, me, used);
		if (!dir_writable(VIGIL_STATE_DIR)) {
			if (unusable(out, file, daemon, true))
				ok = false;
			fprintf(out, "the event queue %s cannot be written: %s is "
			    "missing or not writable by %s (sh scripts/setup-dirs.sh)\n",
			    used, VIGIL_STATE_DIR, me);
		}
	}
	if (cf->idfile != NULL)
		fprintf(out, "%s: note: set idfile %s: vigil keeps no M/Monit "
		    "identity file: ignored\n", file, cf->idfile);
	return ok;
}
