/* Whom the CLI talks to (finding 4: it used to trust whoever listened on the
 * socket path).  Before a byte of the request goes out, the socket must sit
 * in a directory nobody else can rewrite, and the process at the other end
 * must run as the monitor's user (or as root, or as the caller: none of
 * those is an attacker to the caller). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/util.h"

bool
cli_monitor_ids(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = user != NULL && user[0] != '\0' ? getpwnam(user) : NULL;

	if (pw == NULL)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

static bool
trusted_owner(uid_t owner, const struct cli_trust *t)
{
	return owner == 0 || owner == t->self_uid || (t->have_monitor && owner == t->monitor_uid);
}

/* One directory on the way to the socket: owned by someone trusted; not
 * writable by others (the socket's own directory not even when sticky: a
 * stranger could bind the name while the daemon is down); writable by its
 * group only when that group is root's or the monitor's. */
static bool
dir_ok(const char *dir, const struct stat *st, bool is_socket_dir,
    const struct cli_trust *t, char *err, size_t errlen)
{
	bool group_ok = st->st_gid == 0 || (t->have_monitor && st->st_gid == t->monitor_gid);

	if (!S_ISDIR(st->st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		return false;
	}
	if (!trusted_owner(st->st_uid, t)) {
		snprintf(err, errlen, "the directory %s is owned by uid %u, not by root, "
		    "the monitor's user or you: refusing to use a control socket in it",
		    dir, (unsigned)st->st_uid);
		return false;
	}
	if ((st->st_mode & S_IWOTH) && (is_socket_dir || !(st->st_mode & S_ISVTX))) {
		snprintf(err, errlen, "the directory %s is writable by others (mode %04o): "
		    "anyone could put a control socket there; use a directory only "
		    "root and the monitor can write", dir, (unsigned)(st->st_mode & 07777));
		return false;
	}
	if ((st->st_mode & S_IWGRP) && !group_ok && (is_socket_dir || !(st->st_mode & S_ISVTX))) {
		snprintf(err, errlen, "the directory %s is writable by group %u (mode %04o): "
		    "refusing to use a control socket in it", dir, (unsigned)st->st_gid,
		    (unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

bool
cli_socket_path_ok(const char *path, const struct cli_trust *t, char *err,
    size_t errlen)
{
	char dir[4096];
	char *slash;
	bool first = true;
	struct stat st;

	if (path[0] != '/') {
		snprintf(err, errlen, "the control socket %s is not an absolute path", path);
		return false;
	}
	if (strlcpy_v(dir, path, sizeof(dir)) >= sizeof(dir)) {
		snprintf(err, errlen, "the control socket path is too long");
		return false;
	}
	/* From the socket's directory up to /. */
	for (;;) {
		slash = strrchr(dir, '/');
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		if (lstat(dir, &st) < 0) {
			snprintf(err, errlen, "cannot use the control socket %s: %s: %s", path,
			    dir, strerror(errno));
			return false;
		}
		if (!dir_ok(dir, &st, first, t, err, errlen))
			return false;
		first = false;
		if (strcmp(dir, "/") == 0)
			return true;
	}
}

bool
cli_peer_ok(int fd, const struct cli_trust *t, char *err, size_t errlen)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred)) {
		snprintf(err, errlen, "cannot tell who listens on the control socket: %s",
		    strerror(errno));
		return false;
	}
	if (trusted_owner(cred.uid, t))
		return true;
	snprintf(err, errlen, "the control socket is served by uid %u (pid %ld), not by "
	    "the vigil monitor's user%s%s: refusing to send it anything",
	    (unsigned)cred.uid, (long)cred.pid, t->have_monitor ? " " : "",
	    t->have_monitor ? t->monitor_user : "");
	return false;
}
