/* The control-file parser: Monit's control-file language plus vigil's
 * extensions (set privsep, set control socket).
 *
 * Every error is printed as "FILE:LINE:COL: error: MESSAGE" (warnings as
 * "warning:"), saying what was found and what was expected.  The parser
 * recovers at the next statement and reports every error it can find.
 * Parsing has no side effects: it creates no file, computes no checksum and
 * runs nothing (it reads the control file and its includes, and resolves
 * user and group names). */
#ifndef VIGIL_PARSE_H
#define VIGIL_PARSE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "monitor/config/config.h"

struct parse_opts {
	bool check_perms;	/* files owned by owner_uid, not group/other writable */
	uid_t owner_uid;
	FILE *errout;		/* NULL: stderr */
	bool no_includes;	/* ignore every include (fuzzing) */
	bool notes;		/* also print migration notes (vigil -t) */
	bool check_files;	/* -t: the web interface's key files and allow
				 * names (config_files.c) */
};

/* Parse path (+ includes), run semantic checks.  Returns NULL if there was
 * any error; *nerrors (may be NULL) gets the number of errors. */
struct config *config_parse(const char *path, const struct parse_opts *o, int *nerrors);

/* The same from a string; name is used in messages.  Includes are read from
 * disk only when absolute (and never with o->no_includes). */
struct config *config_parse_string(const char *text, const char *name,
    const struct parse_opts *o, int *nerrors);

/* The parsed configuration in a normalised form, passwords as "********". */
void config_dump(const struct config *cf, FILE *out);

/* Semantic checks (config_check.c): names, dependencies, what each service
 * type allows, value ranges.  Returns the number of errors printed. */
struct diag;
int config_check(struct config *cf, struct diag *d);

/* Split a program string into argv like a shell splits words (single and
 * double quotes, backslash; no expansion).  Returns argc, or -1 with a
 * message in err. */
int split_argv(const char *s, char ***argv_out, char *err, size_t errlen);

#endif
