/* The sealed action table: what the monitor may ask privd to run.
 *
 * Two kinds of bad entry, handled differently on purpose:
 *  - structurally impossible (argc 0, relative argv[0], id 0, duplicate id,
 *    too many entries): the monitor's parser never produces these, so the
 *    monitor is compromised or broken: an IPC violation (kill, restart).
 *  - a program that fails the file-system checks (missing, writable by
 *    others, wrong owner): a configuration problem.  Killing the monitor for
 *    it would only loop (the fresh monitor parses the same file) and stop all
 *    monitoring for one bad `stop program`.  The entry is kept disabled, the
 *    reason is logged loudly with the path, and every RUN of it answers
 *    spawned=0 status=EACCES with the reason as output, so the monitor logs
 *    the failure where the action was wanted.  The checks run again before
 *    every RUN (the file may have changed since SEAL). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pathcheck.h"
#include "common/util.h"
#include "privd/privd.h"

bool
action_msg_valid(const struct msg_action_add *m, const struct action_table *t,
    char *why, size_t whylen)
{
	if (m->id == 0) {
		snprintf(why, whylen, "entry id 0");
		return false;
	}
	if (m->argc < 1 || m->argc > MSG_ARGV_MAX) {
		snprintf(why, whylen, "entry %u has %u arguments", m->id, m->argc);
		return false;
	}
	if (m->argv[0][0] != '/') {
		snprintf(why, whylen, "entry %u: program '%.200s' is not an absolute path",
		    m->id, m->argv[0]);
		return false;
	}
	if (t->n >= PRIVD_TABLE_MAX) {
		snprintf(why, whylen, "more than %d entries", PRIVD_TABLE_MAX);
		return false;
	}
	/* Entries come numbered 1, 2, 3 ... in order: no duplicate can
	 * exist, and a RUN finds its entry by index, not by a search (tens
	 * of thousands of entries). */
	if (m->id != t->n + 1) {
		snprintf(why, whylen, "entry id %u out of order (expected %zu)", m->id,
		    t->n + 1);
		return false;
	}
	return true;
}

bool
action_path_ok(const char *path, bool has_uid, uid_t uid, char *resolved,
    size_t rlen, char *why, size_t whylen)
{
	int fd = path_open_program(path, has_uid, uid, resolved, rlen, why, whylen);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool
privd_binary_ok(const char *path, char *why, size_t whylen)
{
	struct stat st;

	if (path[0] != '/' || stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 022) || (st.st_mode & 0111) == 0) {
		snprintf(why, whylen, "%.300s must be an absolute path to an executable "
		    "owned by root and not writable by group or others", path);
		return false;
	}
	return true;
}

struct action_entry *
table_add(struct action_table *t, const struct msg_action_add *m)
{
	struct action_entry *e;
	char real[PATH_MAX], why[ACTION_REASON_LEN];

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->e = xreallocarray(t->e, t->cap, sizeof(*t->e));
	}
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	e->id = m->id;
	e->has_uid = m->has_uid != 0;
	e->has_gid = m->has_gid != 0;
	e->uid = (uid_t)m->uid;
	e->gid = (gid_t)m->gid;
	e->timeout_ms = m->timeout_ms;
	e->argc = m->argc;
	e->argv = xcalloc((size_t)m->argc + 1, sizeof(char *));
	for (int i = 0; i < m->argc; i++)
		e->argv[i] = xstrdup(m->argv[i]);
	if (action_path_ok(e->argv[0], e->has_uid, e->uid, real, sizeof(real), why,
	    sizeof(why)))
		e->path = xstrdup(real);
	else
		e->reason = xstrdup(why);
	return e;
}

struct action_entry *
table_find(struct action_table *t, uint32_t id)
{
	if (id == 0 || id > t->n || t->e[id - 1].id != id)
		return NULL;
	return &t->e[id - 1];
}

void
table_clear(struct action_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free_strv(t->e[i].argv);
		free(t->e[i].path);
		free(t->e[i].reason);
	}
	free(t->e);
	memset(t, 0, sizeof(*t));
}
