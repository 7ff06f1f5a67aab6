/* Files of patterns ("if match /etc/monit/active.regex", "ignore match
 * /etc/monit/whitelist"): one regular expression per line, read when the
 * control file is parsed, as Monit does. */
#ifndef VIGIL_MATCH_FILE_H
#define VIGIL_MATCH_FILE_H

#include <stdbool.h>
#include <stddef.h>

#define MATCH_FILE_MAX_BYTES (256 * 1024)
#define MATCH_FILE_MAX_PATTERNS 4096
#define MATCH_FILE_MAX_LINE 4096	/* bytes of one pattern */

struct match_patterns {
	char **pattern;		/* heap strings, NUL-free */
	int *line;		/* line of each pattern in the file */
	size_t n;
};

/* Split a file's bytes into patterns: one per line, "\r\n" allowed, blank
 * lines skipped.  On error returns false with the offending line in
 * *err_line and a reason in err (the list is then empty). */
bool match_patterns_parse(const char *buf, size_t len, struct match_patterns *out,
    int *err_line, char *err, size_t errlen);
/* Read and parse path (a regular file within the bounds above).  On error
 * err says what and where ("PATH:LINE: ..." or "PATH: ..."). */
bool match_patterns_read(const char *path, struct match_patterns *out, char *err,
    size_t errlen);
void match_patterns_free(struct match_patterns *mp);

#endif
