/* Walking a path the way root must: see pathcheck.h for the rules. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pathcheck.h"
#include "common/util.h"

#define PATH_LINKS_MAX 40	/* as the kernel's own limit */

struct walk {
	const char *orig;	/* the path as written, first in every message */
	bool has_uid;
	uid_t uid;
	char *why;
	size_t whylen;
	char where[PATH_MAX];	/* the path reached so far */
};

static bool
owner_ok(const struct walk *w, const struct stat *st)
{
	return st->st_uid == 0 || (w->has_uid && st->st_uid == w->uid);
}

static const char *
owners(const struct walk *w)
{
	return w->has_uid ? "root or the program's uid" : "root";
}

/* A directory names are looked up in. */
static bool
dir_ok(struct walk *w, const struct stat *st)
{
	if (!owner_ok(w, st)) {
		snprintf(w->why, w->whylen, "%.300s: directory %.300s is owned by uid %u, "
		    "not %s", w->orig, w->where, (unsigned)st->st_uid, owners(w));
		return false;
	}
	if ((st->st_mode & 022) && !((st->st_mode & S_ISVTX) && st->st_uid == 0)) {
		snprintf(w->why, w->whylen, "%.300s: directory %.300s is writable by group "
		    "or others (mode %04o)", w->orig, w->where, (unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

static bool
fail_errno(struct walk *w, const char *what, int err)
{
	snprintf(w->why, w->whylen, "%.300s: %.300s: %s", w->orig, what, strerror(err));
	return false;
}

static bool
where_append(struct walk *w, const char *comp)
{
	size_t n = strlen(w->where);

	if (strcmp(comp, "..") == 0) {
		char *slash = strrchr(w->where, '/');

		if (slash != NULL && slash != w->where)
			*slash = '\0';
		else
			strlcpy_v(w->where, "/", sizeof(w->where));
		return true;
	}
	if (n + 1 + strlen(comp) >= sizeof(w->where))
		return fail_errno(w, w->where, ENAMETOOLONG);
	if (n > 1)
		w->where[n++] = '/';
	strlcpy_v(w->where + n, comp, sizeof(w->where) - n);
	return true;
}

static int
open_root(struct walk *w)
{
	struct stat st;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	strlcpy_v(w->where, "/", sizeof(w->where));
	if (fd < 0 || fstat(fd, &st) < 0) {
		fail_errno(w, "/", errno);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!dir_ok(w, &st)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The object path names, reached by checked steps only: an O_PATH
 * descriptor, or -1 with w->why set. */
static int
walk(struct walk *w, const char *path)
{
	char rest[PATH_MAX * 2], next[PATH_MAX * 2], target[PATH_MAX], comp[NAME_MAX + 1];
	const char *p = rest;
	int fd, links = 0;

	if (path[0] != '/') {
		snprintf(w->why, w->whylen, "%.300s: not an absolute path", w->orig);
		return -1;
	}
	if (strlen(path) >= PATH_MAX) {
		fail_errno(w, "path", ENAMETOOLONG);
		return -1;
	}
	strlcpy_v(rest, path, sizeof(rest));
	if ((fd = open_root(w)) < 0)
		return -1;
	for (;;) {
		struct stat st;
		size_t len;
		ssize_t n;
		int nfd, e;

		while (*p == '/')
			p++;
		if (*p == '\0')
			return fd;
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			fail_errno(w, w->where, ENAMETOOLONG);
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		if (strcmp(comp, ".") == 0)
			continue;
		nfd = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 || fstat(nfd, &st) < 0) {
			e = errno;
			if (nfd >= 0)
				close(nfd);
			if (where_append(w, comp))
				fail_errno(w, w->where, e);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (!where_append(w, comp)) {
				close(nfd);
				break;
			}
			if (!owner_ok(w, &st)) {
				snprintf(w->why, w->whylen, "%.300s: symbolic link %.300s is owned "
				    "by uid %u, not %s", w->orig, w->where, (unsigned)st.st_uid,
				    owners(w));
				close(nfd);
				break;
			}
			n = readlinkat(nfd, "", target, sizeof(target) - 1);
			e = errno;
			close(nfd);
			if (++links > PATH_LINKS_MAX || n <= 0) {
				fail_errno(w, w->where, n <= 0 ? e : ELOOP);
				break;
			}
			target[n] = '\0';
			/* the link is replaced by its target: back up to the
			 * directory the link is in, or to / */
			where_append(w, "..");
			if (snprintf(next, sizeof(next), "%s/%s", target, p) >= (int)sizeof(next)) {
				fail_errno(w, w->where, ENAMETOOLONG);
				break;
			}
			strlcpy_v(rest, next, sizeof(rest));
			p = rest;
			if (target[0] == '/') {
				close(fd);
				if ((fd = open_root(w)) < 0)
					return -1;
			}
			continue;
		}
		close(fd);
		fd = nfd;
		if (!where_append(w, comp))
			break;
		if (S_ISDIR(st.st_mode)) {
			if (!dir_ok(w, &st))
				break;
			continue;
		}
		while (*p == '/')
			p++;
		if (*p != '\0') {
			fail_errno(w, w->where, ENOTDIR);
			break;
		}
		return fd;
	}
	close(fd);
	return -1;
}

int
path_open_program(const char *path, bool has_uid, uid_t uid, char *resolved,
    size_t rlen, char *why, size_t whylen)
{
	struct walk w = { .orig = path, .has_uid = has_uid, .uid = uid, .why = why,
	    .whylen = whylen };
	char subject[PATH_MAX + 8];
	struct stat st;
	int fd = walk(&w, path);

	if (fd < 0)
		return -1;
	/* "PATH: ..." or, reached through links, "PATH -> TARGET: ..." */
	snprintf(subject, sizeof(subject), "%.300s%s%.300s", path,
	    strcmp(path, w.where) != 0 ? " -> " : "", strcmp(path, w.where) != 0 ? w.where : "");
	if (fstat(fd, &st) < 0) {
		fail_errno(&w, w.where, errno);
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", subject);
	} else if ((st.st_mode & 0111) == 0) {
		snprintf(why, whylen, "%s: not executable", subject);
	} else if (st.st_mode & 022) {
		snprintf(why, whylen, "%s: writable by group or others (mode %04o)", subject,
		    (unsigned)(st.st_mode & 07777));
	} else if (!owner_ok(&w, &st)) {
		snprintf(why, whylen, "%s: owned by uid %u, not %s", subject,
		    (unsigned)st.st_uid, owners(&w));
	} else {
		if (resolved != NULL)
			strlcpy_v(resolved, w.where, rlen);
		return fd;
	}
	close(fd);
	return -1;
}

int
path_open_root_dir(const char *path, const char **base, char *why, size_t whylen)
{
	struct walk w = { .orig = path, .why = why, .whylen = whylen };
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd;

	if (path[0] != '/' || slash == NULL || slash[1] == '\0' ||
	    strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0) {
		snprintf(why, whylen, "%.300s: not an absolute path to a file", path);
		return -1;
	}
	if ((size_t)(slash - path) >= sizeof(dir)) {
		snprintf(why, whylen, "%.300s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if ((fd = walk(&w, dir[0] != '\0' ? dir : "/")) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%.300s: %.300s is not a directory", path, w.where);
	} else if (st.st_mode & 022) {
		snprintf(why, whylen, "%.300s: directory %.300s is writable by group or "
		    "others (mode %04o): whoever writes there can plant or replace the "
		    "file; use a directory only root can write", path, w.where,
		    (unsigned)(st.st_mode & 07777));
	} else {
		*base = slash + 1;
		return fd;
	}
	close(fd);
	return -1;
}
