/* The file-system checks of everything root runs or writes, shared by privd
 * (which enforces them) and `vigil -t` (which reports them), so the two
 * cannot disagree.
 *
 * A path is walked component by component as written, from "/", with
 * O_PATH|O_NOFOLLOW at every step and symbolic links followed by hand (at
 * most 40).  Every directory walked through and every link met must be owned
 * by root (or by the entry's uid when it has one: that user can only make
 * itself run something); a directory writable by group or others is refused
 * unless it is root-owned and sticky (/tmp: others cannot rename or remove
 * what they do not own).  Links themselves have no mode on Linux; their
 * owner and their directory decide.  The descriptor returned is what was
 * checked: privd executes it (fexecve) or creates files relative to it, so
 * no second lookup can be redirected. */
#ifndef VIGIL_PATHCHECK_H
#define VIGIL_PATHCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A program root will run: absolute; reached as above; a regular file with
 * an execute bit, not writable by group or others, owned by root (or uid
 * when has_uid).  Returns an O_PATH, close-on-exec descriptor of it, or -1
 * with why set ("PATH: ...").  resolved (may be NULL) gets the path reached
 * through the links. */
int path_open_program(const char *path, bool has_uid, uid_t uid, char *resolved,
    size_t rlen, char *why, size_t whylen);

/* The directory of a file root writes (log file, pidfile): reached as above
 * with root as the only owner allowed, and itself not writable by group or
 * others, sticky or not (anyone who can write there can plant the name).
 * Returns an O_PATH directory descriptor and points *base at the last
 * component of path, or -1 with why set. */
int path_open_root_dir(const char *path, const char **base, char *why, size_t whylen);

#endif
