/* Files of patterns for content tests: bounded, every error names the file
 * and the line. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/config/match_file.h"

void
match_patterns_free(struct match_patterns *mp)
{
	for (size_t i = 0; i < mp->n; i++)
		free(mp->pattern[i]);
	free(mp->pattern);
	free(mp->line);
	mp->pattern = NULL;
	mp->line = NULL;
	mp->n = 0;
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

bool
match_patterns_parse(const char *buf, size_t len, struct match_patterns *out,
    int *err_line, char *err, size_t errlen)
{
	size_t pos = 0;
	int line = 0;

	memset(out, 0, sizeof(*out));
	*err_line = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *s = buf + pos;

		line++;
		pos += ll + (nl != NULL ? 1 : 0);
		if (ll > 0 && s[ll - 1] == '\r')
			ll--;
		if (is_blank(s, ll))
			continue;
		*err_line = line;
		if (memchr(s, '\0', ll) != NULL) {
			snprintf(err, errlen, "a NUL byte in a pattern (a text file is expected)");
			goto fail;
		}
		if (ll > MATCH_FILE_MAX_LINE) {
			snprintf(err, errlen, "pattern longer than %d bytes",
			    MATCH_FILE_MAX_LINE);
			goto fail;
		}
		if (out->n >= MATCH_FILE_MAX_PATTERNS) {
			snprintf(err, errlen, "more than %d patterns", MATCH_FILE_MAX_PATTERNS);
			goto fail;
		}
		out->pattern = xreallocarray(out->pattern, out->n + 1, sizeof(*out->pattern));
		out->line = xreallocarray(out->line, out->n + 1, sizeof(*out->line));
		out->pattern[out->n] = xstrndup(s, ll);
		out->line[out->n] = line;
		out->n++;
	}
	*err_line = 0;
	if (out->n == 0) {
		snprintf(err, errlen, "no pattern in the file (one regular expression per line)");
		return false;
	}
	return true;
fail:
	match_patterns_free(out);
	return false;
}

bool
match_patterns_read(const char *path, struct match_patterns *out, char *err,
    size_t errlen)
{
	char why[160];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, line;
	bool ok;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read the pattern file: %s", path,
		    strerror(errno));
		return false;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: the pattern file is not a regular file", path);
		close(fd);
		return false;
	}
	if (st.st_size > MATCH_FILE_MAX_BYTES) {
		snprintf(err, errlen, "%s: the pattern file is larger than %d bytes", path,
		    MATCH_FILE_MAX_BYTES);
		close(fd);
		return false;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size + 1) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > (size_t)st.st_size) {
		snprintf(err, errlen, "%s: the pattern file grew while it was read", path);
		free(buf);
		return false;
	}
	ok = match_patterns_parse(buf, got, out, &line, why, sizeof(why));
	free(buf);
	if (!ok) {
		if (line > 0)
			snprintf(err, errlen, "%s:%d: %s", path, line, why);
		else
			snprintf(err, errlen, "%s: %s", path, why);
	}
	return ok;
}
