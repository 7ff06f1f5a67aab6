/* Content match ("if [not] match REGEX", "if content = REGEX") on what was
 * appended since the last check, and filesystem space/inode tests. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/engine/engine.h"

#define MATCH_READ_MAX (1024 * 1024)	/* per check: a flood waits its turn */
#define MATCH_LINE_MAX 4096

static pcre2_code *
content_re(struct test_state *ts)
{
	int err;
	PCRE2_SIZE off;

	if (ts->re == NULL && ts->t->regex != NULL) {
		ts->re = pcre2_compile((PCRE2_SPTR)ts->t->regex, PCRE2_ZERO_TERMINATED,
		    0, &err, &off, NULL);
		if (ts->re != NULL)
			(void)pcre2_jit_compile(ts->re, PCRE2_JIT_COMPLETE);
	}
	return ts->re;
}

void
content_free(struct test_state *ts)
{
	pcre2_code_free(ts->re);
	ts->re = NULL;
}

/* Scan complete lines of buf; returns how many bytes were consumed and sets
 * *hit to the first line that makes the test fail. */
size_t
content_scan(const void *code, bool match_not, const char *buf, size_t len,
    char *hit, size_t hitlen, bool *failed)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	size_t pos = 0;

	*failed = false;
	if (md == NULL)
		return len;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll;
		int rc;

		if (nl == NULL) {
			if (len - pos < MATCH_LINE_MAX)
				break;	/* incomplete line: next time */
			ll = MATCH_LINE_MAX;	/* an endless line is cut */
		} else {
			ll = (size_t)(nl - (buf + pos));
		}
		rc = pcre2_match(code, (PCRE2_SPTR)(buf + pos), ll, 0, 0, md, NULL);
		if ((rc >= 0) != match_not && !*failed) {
			*failed = true;
			snprintf(hit, hitlen, "%.*s", (int)(ll > 200 ? 200 : ll), buf + pos);
		}
		pos += ll + (nl != NULL ? 1 : 0);
	}
	pcre2_match_data_free(md);
	return pos;
}

void
check_content(struct svc *s, struct test_state *ts, const struct stat *st,
    bool scheduled)
{
	char *buf, hit[256];
	const void *code = content_re(ts);
	size_t want, got = 0, used;
	bool failed;
	int fd;

	if (code == NULL) {
		svc_test_result(s, ts, true, scheduled, "pattern cannot be compiled");
		return;
	}
	if (!ts->have_offset || ts->inode != (uint64_t)st->st_ino ||
	    (uint64_t)st->st_size < ts->offset) {
		/* First look, or rotated/truncated: start at the end (first)
		 * or from the beginning (a new file). */
		ts->offset = ts->have_offset ? 0 : (uint64_t)st->st_size;
		ts->inode = (uint64_t)st->st_ino;
		ts->have_offset = true;
	}
	if ((uint64_t)st->st_size == ts->offset) {
		svc_test_result(s, ts, false, scheduled, "no new content");
		return;
	}
	want = (uint64_t)st->st_size - ts->offset > MATCH_READ_MAX ? MATCH_READ_MAX :
	    (size_t)((uint64_t)st->st_size - ts->offset);
	fd = open(s->cf->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		svc_test_result(s, ts, true, scheduled, "cannot read: %s", strerror(errno));
		return;
	}
	buf = xmalloc(want + 1);
	while (got < want) {
		ssize_t n = pread(fd, buf + got, want - got, (off_t)(ts->offset + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	used = content_scan(code, ts->t->match_not, buf, got, hit, sizeof(hit), &failed);
	free(buf);
	ts->offset += used;
	if (failed)
		svc_test_result(s, ts, true, scheduled, "content %s: '%s'",
		    ts->t->match_not ? "does not match" : "matches", hit);
	else
		svc_test_result(s, ts, false, scheduled, "content ok");
}

/* A device path ("/dev/sda1") is looked up in /proc/self/mounts. */
static bool
mount_point(const char *path, char *out, size_t outlen)
{
	FILE *f;
	char line[4096];
	bool found = false;

	if (strncmp(path, "/dev/", 5) != 0) {
		strlcpy_v(out, path, outlen);
		return true;
	}
	f = fopen("/proc/self/mounts", "re");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *dev = strtok(line, " "), *mp = strtok(NULL, " ");

		if (dev != NULL && mp != NULL && strcmp(dev, path) == 0) {
			strlcpy_v(out, mp, outlen);
			found = true;
		}
	}
	fclose(f);
	return found;
}

void
check_space(struct svc *s, struct test_state *ts, bool scheduled)
{
	const struct test *t = ts->t;
	char mp[1024];
	struct statvfs v;
	uint64_t total, avail, used;
	int64_t have;

	if (!mount_point(s->cf->path, mp, sizeof(mp)) || statvfs(mp, &v) < 0) {
		svc_test_result(s, ts, true, scheduled, "cannot read filesystem usage of %s",
		    s->cf->path);
		return;
	}
	if (t->kind == TEST_SPACE) {
		total = (uint64_t)v.f_blocks * v.f_frsize;
		avail = (uint64_t)v.f_bavail * v.f_frsize;
		used = total - (uint64_t)v.f_bfree * v.f_frsize;
	} else {
		total = v.f_files;
		avail = v.f_favail;
		used = v.f_files - v.f_ffree;
	}
	if (t->unit == UNIT_PERCENT)
		have = total ? (int64_t)((t->subkind ? avail : used) * 10000 / total) : 0;
	else
		have = (int64_t)(t->subkind ? avail : used);
	svc_test_result(s, ts, cmp_check(t->op, have, t->value), scheduled,
	    "%s %s %lld%s (limit %s %lld%s)", t->kind == TEST_SPACE ? "space" : "inodes",
	    t->subkind ? "free" : "used",
	    (long long)(t->unit == UNIT_PERCENT ? have / 100 : have),
	    t->unit == UNIT_PERCENT ? "%" : "", cmp_op_str(t->op),
	    (long long)(t->unit == UNIT_PERCENT ? t->value / 100 : t->value),
	    t->unit == UNIT_PERCENT ? "%" : "");
}
