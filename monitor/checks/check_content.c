/* Content match ("if [not] match REGEX", "if content = REGEX") on what was
 * appended since the last check. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/engine/engine.h"

#define MATCH_READ_MAX (1024 * 1024)	/* per check: a flood waits its turn */
#define MATCH_LINE_MAX 4096

/* Compile a content test's patterns once: its regex, or every line of its
 * pattern file.  NULL when one of them does not compile. */
static bool
content_compile(struct test_state *ts)
{
	const struct test *t = ts->t;
	size_t n = t->regex != NULL ? 1 : t->patterns.n;
	int err;
	PCRE2_SIZE off;

	if (ts->nre > 0)
		return true;
	if (n == 0)
		return false;
	ts->re = xcalloc(n, sizeof(*ts->re));
	for (size_t i = 0; i < n; i++) {
		const char *src = t->regex != NULL ? t->regex : t->patterns.pattern[i];
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
		    0, &err, &off, NULL);

		if (code == NULL) {
			ts->nre = i;
			content_free(ts);
			return false;
		}
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
		ts->re[i] = code;
	}
	ts->nre = n;
	return true;
}

void
content_free(struct test_state *ts)
{
	for (size_t i = 0; i < ts->nre; i++)
		pcre2_code_free(ts->re[i]);
	free(ts->re);
	ts->re = NULL;
	ts->nre = 0;
}

static bool
line_matches(const struct content_rule *r, pcre2_match_data *md, const char *line,
    size_t len)
{
	for (size_t i = 0; i < r->nre; i++)
		if (pcre2_match(r->re[i], (PCRE2_SPTR)line, len, 0, 0, md, NULL) >= 0)
			return true;
	return false;
}

/* Scan the complete lines of buf as Monit does: a line that any ignore rule
 * selects is skipped; every other line is offered to each "if" rule.
 * Returns how many bytes were consumed (an unfinished last line waits). */
size_t
content_scan(struct content_rule *rules, size_t nrules, const char *buf, size_t len)
{
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);
	size_t pos = 0;

	for (size_t k = 0; k < nrules; k++) {
		rules[k].hits = 0;
		rules[k].hit[0] = '\0';
	}
	if (md == NULL)
		return len;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		const char *line = buf + pos;
		bool ignored = false;
		size_t ll;

		if (nl == NULL) {
			if (len - pos < MATCH_LINE_MAX)
				break;	/* incomplete line: next time */
			ll = MATCH_LINE_MAX;	/* an endless line is cut */
		} else {
			ll = (size_t)(nl - line);
		}
		pos += ll + (nl != NULL ? 1 : 0);
		for (size_t k = 0; k < nrules && !ignored; k++)
			if (rules[k].ignore &&
			    line_matches(&rules[k], md, line, ll) != rules[k].match_not) {
				ignored = true;
				rules[k].hits++;
			}
		if (ignored)
			continue;
		for (size_t k = 0; k < nrules; k++) {
			struct content_rule *r = &rules[k];

			if (r->ignore || line_matches(r, md, line, ll) == r->match_not)
				continue;
			if (r->hits++ == 0)
				snprintf(r->hit, sizeof(r->hit), "%.*s",
				    (int)(ll > 200 ? 200 : ll), line);
		}
	}
	pcre2_match_data_free(md);
	return pos;
}

/* Read what was appended to the file since the last look; returns a heap
 * buffer of *got bytes starting at s->content_offset, or NULL when there
 * is nothing new (or on error, with errno set). */
static char *
content_read_new(struct svc *s, const struct stat *st, size_t *got)
{
	size_t want;
	char *buf;
	int fd;

	*got = 0;
	if (!s->content_have_offset || s->content_inode != (uint64_t)st->st_ino ||
	    (uint64_t)st->st_size < s->content_offset) {
		/* First look, or rotated/truncated: start at the end (first)
		 * or from the beginning (a new file). */
		s->content_offset = s->content_have_offset ? 0 : (uint64_t)st->st_size;
		s->content_inode = (uint64_t)st->st_ino;
		s->content_have_offset = true;
	}
	if ((uint64_t)st->st_size == s->content_offset) {
		errno = 0;
		return NULL;
	}
	want = (uint64_t)st->st_size - s->content_offset > MATCH_READ_MAX ?
	    MATCH_READ_MAX : (size_t)((uint64_t)st->st_size - s->content_offset);
	fd = open(s->cf->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	buf = xmalloc(want + 1);
	while (*got < want) {
		ssize_t n = pread(fd, buf + *got, want - *got,
		    (off_t)(s->content_offset + *got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*got += (size_t)n;
	}
	close(fd);
	return buf;
}

void
check_content(struct svc *s, const struct stat *st, bool scheduled)
{
	struct content_rule *rules;
	struct test_state **owner;
	size_t n = 0, got = 0;
	char *buf;
	int err;

	for (size_t i = 0; i < s->nts; i++)
		if (s->ts[i].t->kind == TEST_MATCH)
			n++;
	if (n == 0)
		return;
	rules = xcalloc(n, sizeof(*rules));
	owner = xcalloc(n, sizeof(*owner));
	n = 0;
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];

		if (ts->t->kind != TEST_MATCH)
			continue;
		if (!content_compile(ts)) {
			svc_test_result(s, ts, true, scheduled, "pattern cannot be compiled");
			continue;
		}
		rules[n].re = (void *const *)ts->re;
		rules[n].nre = ts->nre;
		rules[n].match_not = ts->t->match_not;
		rules[n].ignore = ts->t->subkind == 1;
		owner[n++] = ts;
	}
	buf = content_read_new(s, st, &got);
	err = errno;
	if (buf != NULL) {
		s->content_offset += content_scan(rules, n, buf, got);
		free(buf);
	}
	for (size_t k = 0; k < n; k++) {
		struct content_rule *r = &rules[k];

		if (buf == NULL && err != 0)
			svc_test_result(s, owner[k], !r->ignore, scheduled, "cannot read: %s",
			    strerror(err));
		else if (r->ignore)
			svc_test_result(s, owner[k], false, scheduled,
			    "%u new line(s) ignored", r->hits);
		else if (r->hits > 0)
			svc_test_result(s, owner[k], true, scheduled,
			    "content %s in %u line(s), first: '%s'",
			    r->match_not ? "does not match" : "matches", r->hits, r->hit);
		else
			svc_test_result(s, owner[k], false, scheduled, "content ok");
	}
	free(owner);
	free(rules);
}
