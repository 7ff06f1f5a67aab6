/* Who could swap a control file (finding 7: a 0777 include directory, one
 * owned by another user, or a symlink another user owns pointing at a root
 * file all passed `-t`).  The file itself is checked by the lexer (owner,
 * mode); this checks the way to it: every directory above the path as
 * written and above the file it resolves to is owned by root or the file's
 * expected owner and writable by nobody else (a sticky directory owned by
 * root, like /tmp, may be writable by all: nobody can rename another's
 * entry in it); every symbolic link on the way is owned by root or that
 * owner. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/trust_path.h"

static bool
owner_ok(uid_t uid, uid_t owner)
{
	return uid == 0 || uid == owner;
}

/* One prefix of the path: a directory or a link on the way. */
static bool
component_ok(const char *prefix, const struct stat *st, uid_t owner, char *why,
    size_t whylen)
{
	if (S_ISLNK(st->st_mode)) {
		if (owner_ok(st->st_uid, owner))
			return true;
		snprintf(why, whylen, "the symbolic link %s is owned by uid %u, not by root "
		    "or uid %u: that user could point it anywhere (fix: replace the link "
		    "or chown -h %u '%s')", prefix, (unsigned)st->st_uid, (unsigned)owner,
		    (unsigned)owner, prefix);
		return false;
	}
	if (!S_ISDIR(st->st_mode))
		return true;	/* the file itself: the lexer checks it */
	if (!owner_ok(st->st_uid, owner)) {
		snprintf(why, whylen, "the directory %s is owned by uid %u, not by root or "
		    "uid %u: that user could replace the control file (fix: chown %u '%s')",
		    prefix, (unsigned)st->st_uid, (unsigned)owner, (unsigned)owner, prefix);
		return false;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !((st->st_mode & S_ISVTX) && st->st_uid == 0)) {
		snprintf(why, whylen, "the directory %s is writable by group or others "
		    "(mode %04o): anyone could replace the control file (fix: chmod go-w '%s')",
		    prefix, (unsigned)(st->st_mode & 07777), prefix);
		return false;
	}
	return true;
}

/* "/" and every prefix of an absolute path after it, the path itself last. */
static bool
walk(const char *abs, uid_t owner, char *why, size_t whylen)
{
	char prefix[PATH_MAX];
	struct stat st;
	size_t len = strlen(abs), i;

	if (len >= sizeof(prefix)) {
		snprintf(why, whylen, "the path %s is too long", abs);
		return false;
	}
	if (lstat("/", &st) < 0 || !component_ok("/", &st, owner, why, whylen))
		return false;
	for (i = 1; i <= len; i++) {
		if (i < len && abs[i] != '/')
			continue;
		if (abs[i - 1] == '/')
			continue;	/* "//" or a trailing '/' */
		memcpy(prefix, abs, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st) < 0) {
			snprintf(why, whylen, "cannot check %s: %s", prefix, strerror(errno));
			return false;
		}
		if (!component_ok(prefix, &st, owner, why, whylen))
			return false;
	}
	return true;
}

bool
config_path_trusted(const char *path, uid_t owner, char *why, size_t whylen)
{
	char abs[PATH_MAX], *real;
	bool ok;

	if (path[0] == '/') {
		if (snprintf(abs, sizeof(abs), "%s", path) >= (int)sizeof(abs)) {
			snprintf(why, whylen, "the path %s is too long", path);
			return false;
		}
	} else {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= (int)sizeof(abs)) {
			snprintf(why, whylen, "cannot make %s an absolute path", path);
			return false;
		}
	}
	if (!walk(abs, owner, why, whylen))
		return false;
	/* and where the links lead */
	real = realpath(abs, NULL);
	if (real == NULL) {
		snprintf(why, whylen, "cannot resolve %s: %s", abs, strerror(errno));
		return false;
	}
	ok = strcmp(real, abs) == 0 || walk(real, owner, why, whylen);
	free(real);
	return ok;
}
