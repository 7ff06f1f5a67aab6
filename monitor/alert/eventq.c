/* The event queue: one file per undelivered alert, in the directory of
 * `set eventqueue basedir`.  Each file is written whole and atomically by
 * state.c (versioned header, SHA-256, O_NOFOLLOW, fsync, rename), and its
 * payload is an event record with its own magic and version.  Names are
 * the event's sequence number, 20 digits, so sorting names is event
 * order.  A file that fails any check is set aside, never trusted. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/alert/alert.h"
#include "monitor/core/state.h"

#define EVENTQ_MAGIC "VGEQ"

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void
w_add(struct wbuf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 512;

		while (cap < b->len + n)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
w_u32(struct wbuf *b, uint32_t v)
{
	uint8_t x[4];

	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	w_add(b, x, 4);
}

static void
w_u64(struct wbuf *b, uint64_t v)
{
	w_u32(b, (uint32_t)v);
	w_u32(b, (uint32_t)(v >> 32));
}

static void
w_str(struct wbuf *b, const char *s, size_t n)
{
	w_u32(b, (uint32_t)n);
	w_add(b, s, n);
}

static size_t
mails_left(const struct alert_item *it)
{
	size_t n = 0;

	for (size_t i = 0; i < it->nmails; i++)
		if (!it->mails[i].done)
			n++;
	return n;
}

uint8_t *
eventq_encode(const struct alert_item *it, size_t *len)
{
	struct wbuf b = { 0 };

	w_add(&b, EVENTQ_MAGIC, 4);
	w_u32(&b, EVENTQ_VERSION);
	w_u64(&b, it->seq);
	w_u64(&b, it->time);
	w_str(&b, it->service, strlen(it->service));
	w_str(&b, it->event, strlen(it->event));
	w_u32(&b, (uint32_t)mails_left(it));
	for (size_t i = 0; i < it->nmails; i++) {
		const struct alert_mail *m = &it->mails[i];

		if (m->done)
			continue;
		w_str(&b, m->to, strlen(m->to));
		w_str(&b, m->from, strlen(m->from));
		w_str(&b, m->msg, m->msglen);
	}
	*len = b.len;
	return b.p;
}

struct rbuf {
	const uint8_t *p;
	size_t len, off;
};

static bool
r_u32(struct rbuf *r, uint32_t *v)
{
	if (r->len - r->off < 4)
		return false;
	*v = 0;
	for (int i = 3; i >= 0; i--)
		*v = *v << 8 | r->p[r->off + (size_t)i];
	r->off += 4;
	return true;
}

static bool
r_u64(struct rbuf *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (!r_u32(r, &lo) || !r_u32(r, &hi))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* A string without NUL bytes, at most EVENTQ_MAX_STRING long. */
static bool
r_str(struct rbuf *r, char **out, size_t *outlen)
{
	uint32_t n;

	if (!r_u32(r, &n) || n > EVENTQ_MAX_STRING || r->len - r->off < n)
		return false;
	if (memchr(r->p + r->off, '\0', n) != NULL)
		return false;
	*out = xstrndup((const char *)r->p + r->off, n);
	if (outlen != NULL)
		*outlen = n;
	r->off += n;
	return true;
}

void
alert_item_free(struct alert_item *it)
{
	if (it == NULL)
		return;
	for (size_t i = 0; i < it->nmails; i++) {
		free(it->mails[i].to);
		free(it->mails[i].from);
		free(it->mails[i].msg);
	}
	free(it->mails);
	free(it->service);
	free(it->event);
	free(it);
}

static bool
why_false(char *why, size_t whylen, const char *what)
{
	if (why != NULL && whylen > 0)
		strlcpy_v(why, what, whylen);
	return false;
}

bool
eventq_decode(const uint8_t *buf, size_t len, struct alert_item *it,
    char *why, size_t whylen)
{
	struct rbuf r = { buf, len, 0 };
	uint32_t version, n;

	memset(it, 0, sizeof(*it));
	if (len < 8 || memcmp(buf, EVENTQ_MAGIC, 4) != 0)
		return why_false(why, whylen, "not an event record (bad magic)");
	r.off = 4;
	if (!r_u32(&r, &version) || version != EVENTQ_VERSION)
		return why_false(why, whylen, "event record of an unknown version");
	if (!r_u64(&r, &it->seq) || !r_u64(&r, &it->time) ||
	    !r_str(&r, &it->service, NULL) || !r_str(&r, &it->event, NULL) ||
	    !r_u32(&r, &n))
		goto truncated;
	if (n == 0 || n > EVENTQ_MAX_MAILS) {
		why_false(why, whylen, "event record with a bad number of mails");
		goto fail;
	}
	it->mails = xcalloc(n, sizeof(*it->mails));
	for (uint32_t i = 0; i < n; i++) {
		struct alert_mail *m = &it->mails[i];

		it->nmails = i + 1;
		if (!r_str(&r, &m->to, NULL) || !r_str(&r, &m->from, NULL) ||
		    !r_str(&r, &m->msg, &m->msglen))
			goto truncated;
	}
	if (r.off != len) {
		why_false(why, whylen, "trailing bytes after the event record");
		goto fail;
	}
	return true;
truncated:
	why_false(why, whylen, "event record truncated or a field too long");
fail:
	for (size_t i = 0; i < it->nmails; i++) {
		free(it->mails[i].to);
		free(it->mails[i].from);
		free(it->mails[i].msg);
	}
	free(it->mails);
	free(it->service);
	free(it->event);
	memset(it, 0, sizeof(*it));
	return false;
}

/* Both queues (alerts: EVENTQ_SUFFIX, M/Monit: MMQ_SUFFIX) keep one record
 * per file, DIR/SEQ SUFFIX with SEQ in 20 digits, so that a listing sorted
 * by name is sorted by sequence. */
static void
queue_path(const char *dir, uint64_t seq, const char *suffix, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%020llu%s", dir, (unsigned long long)seq, suffix);
}

/* Writes the encoded record P (LEN bytes; freed here) as DIR/SEQ SUFFIX. */
static int
queue_store(const char *dir, uint64_t seq, const char *suffix, uint8_t *p, size_t len)
{
	char path[PATH_MAX];
	int rc;

	queue_path(dir, seq, suffix, path, sizeof(path));
	rc = state_write(path, p, len);
	free(p);
	return rc;
}

/* Removes DIR/SEQ SUFFIX once sent; WHAT names the record in the error. */
static void
queue_remove(const char *dir, uint64_t seq, const char *suffix, const char *what)
{
	char path[PATH_MAX];

	queue_path(dir, seq, suffix, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_err("event queue: cannot remove %s: %s (the %s may be sent "
		    "again after a restart)", path, strerror(errno), what);
}

void
eventq_path(const char *dir, uint64_t seq, char *out, size_t outlen)
{
	queue_path(dir, seq, EVENTQ_SUFFIX, out, outlen);
}

void
eventq_remove(const char *dir, const struct alert_item *it)
{
	queue_remove(dir, it->seq, EVENTQ_SUFFIX, "event");
}

int
eventq_store(const char *dir, const struct alert_item *it)
{
	size_t len;
	uint8_t *p = eventq_encode(it, &len);

	return queue_store(dir, it->seq, EVENTQ_SUFFIX, p, len);
}

static bool
queue_name(const char *name, const char *suffix, uint64_t *seq)
{
	size_t n = strlen(name);
	uint64_t v = 0;

	if (n != 20 + strlen(suffix) || strcmp(name + 20, suffix) != 0)
		return false;
	for (size_t i = 0; i < 20; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*seq = v;
	return true;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
set_aside(const char *path, const char *why)
{
	char aside[PATH_MAX];

	if (snprintf(aside, sizeof(aside), "%s.corrupt-%lld", path,
	    (long long)time(NULL)) >= (int)sizeof(aside) || rename(path, aside) < 0)
		log_err("event queue: %s is corrupt (%s) and cannot be set aside: %s; "
		    "ignoring it", path, why, strerror(errno));
	else
		log_err("event queue: %s is corrupt (%s): set aside as %s", path, why,
		    aside);
}

/* The queue's file names with suffix in dir, in sequence order (names are
 * 20 digits, so sorting them sorts the events), or NULL with *n 0 when the
 * directory cannot be read (logged). */
static char **
queue_names(const char *dir, const char *suffix, size_t *n)
{
	char **names = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	*n = 0;
	d = opendir(dir);
	if (d == NULL) {
		log_err("event queue: cannot read %s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t seq;

		if (!queue_name(de->d_name, suffix, &seq))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

struct alert_item *
eventq_load(const char *dir, uint64_t *maxseq, size_t *count)
{
	struct alert_item *head = NULL, **tail = &head;
	size_t n;
	char **names = queue_names(dir, EVENTQ_SUFFIX, &n);

	*maxseq = 0;
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], why[128];
		uint8_t *payload = NULL;
		size_t plen = 0;
		uint64_t seq = 0;
		struct alert_item *it;

		queue_name(names[i], EVENTQ_SUFFIX, &seq);
		if (seq > *maxseq)
			*maxseq = seq;
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path)) {
			free(names[i]);
			continue;
		}
		free(names[i]);
		if (state_read(path, &payload, &plen, why, sizeof(why)) != STATE_OK)
			continue;	/* reported (and set aside) by state_read */
		it = xcalloc(1, sizeof(*it));
		if (!eventq_decode(payload, plen, it, why, sizeof(why)) ||
		    (it->seq != seq && strlcpy_v(why, "sequence differs from the "
		    "file name", sizeof(why)))) {
			free(payload);
			alert_item_free(it);
			set_aside(path, why);
			continue;
		}
		free(payload);
		it->on_disk = true;
		*tail = it;
		tail = &it->next;
		(*count)++;
	}
	free(names);
	return head;
}

/* ---- M/Monit events (set mmonit with set eventqueue) ---- */

#define MMQ_MAGIC "VGMQ"
#define MMQ_VERSION 1u

uint8_t *
mmq_encode(const struct mmq_record *r, size_t *len)
{
	struct wbuf b = { 0 };

	w_add(&b, MMQ_MAGIC, 4);
	w_u32(&b, MMQ_VERSION);
	w_u64(&b, r->seq);
	w_u64(&b, r->e.time_us);
	w_u32(&b, (uint32_t)r->e.type);
	w_u32(&b, r->e.id);
	w_u32(&b, (uint32_t)r->e.state);
	w_u32(&b, (uint32_t)r->e.action);
	w_str(&b, r->e.service, strlen(r->e.service));
	w_str(&b, r->e.message, strlen(r->e.message));
	*len = b.len;
	return b.p;
}

void
mmq_record_free(struct mmq_record *r)
{
	free((char *)(uintptr_t)r->e.service);
	free((char *)(uintptr_t)r->e.message);
	r->e.service = r->e.message = NULL;
}

bool
mmq_decode(const uint8_t *buf, size_t len, struct mmq_record *r, char *why,
    size_t whylen)
{
	struct rbuf rb = { buf, len, 0 };
	uint32_t version, type, state, action;
	char *service = NULL, *message = NULL;

	memset(r, 0, sizeof(*r));
	if (len < 8 || memcmp(buf, MMQ_MAGIC, 4) != 0)
		return why_false(why, whylen, "not an M/Monit event record (bad magic)");
	rb.off = 4;
	if (!r_u32(&rb, &version) || version != MMQ_VERSION)
		return why_false(why, whylen, "M/Monit event record of an unknown version");
	if (!r_u64(&rb, &r->seq) || !r_u64(&rb, &r->e.time_us) || !r_u32(&rb, &type) ||
	    !r_u32(&rb, &r->e.id) || !r_u32(&rb, &state) || !r_u32(&rb, &action) ||
	    !r_str(&rb, &service, NULL) || !r_str(&rb, &message, NULL)) {
		why_false(why, whylen, "M/Monit event record truncated or a field too long");
		goto fail;
	}
	/* Monit's numbers: service types 0..8, states 0..3, actions 1..7 */
	if (type > 8 || state > 3 || action < 1 || action > 7 || r->e.id == 0) {
		why_false(why, whylen, "M/Monit event record with a value out of range");
		goto fail;
	}
	if (rb.off != len) {
		why_false(why, whylen, "trailing bytes after the M/Monit event record");
		goto fail;
	}
	r->e.type = (int)type;
	r->e.state = (int)state;
	r->e.action = (int)action;
	r->e.service = service;
	r->e.message = message;
	return true;
fail:
	free(service);
	free(message);
	memset(r, 0, sizeof(*r));
	return false;
}

int
mmq_store(const char *dir, const struct mmq_record *r)
{
	size_t len;
	uint8_t *p = mmq_encode(r, &len);

	return queue_store(dir, r->seq, MMQ_SUFFIX, p, len);
}

void
mmq_remove(const char *dir, uint64_t seq)
{
	queue_remove(dir, seq, MMQ_SUFFIX, "M/Monit event");
}

size_t
mmq_load(const char *dir, uint64_t *maxseq, void (*fn)(void *arg, struct mmq_record *r),
    void *arg)
{
	size_t n, count = 0;
	char **names = queue_names(dir, MMQ_SUFFIX, &n);

	*maxseq = 0;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], why[128];
		uint8_t *payload = NULL;
		size_t plen = 0;
		uint64_t seq = 0;
		struct mmq_record r;
		int w;

		queue_name(names[i], MMQ_SUFFIX, &seq);
		if (seq > *maxseq)
			*maxseq = seq;
		w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (w >= (int)sizeof(path))
			continue;
		if (state_read(path, &payload, &plen, why, sizeof(why)) != STATE_OK)
			continue;	/* reported (and set aside) by state_read */
		if (!mmq_decode(payload, plen, &r, why, sizeof(why)) || (r.seq != seq &&
		    strlcpy_v(why, "sequence differs from the file name", sizeof(why)))) {
			free(payload);
			mmq_record_free(&r);
			set_aside(path, why);
			continue;
		}
		free(payload);
		fn(arg, &r);
		count++;
	}
	free(names);
	return count;
}

const char *
eventq_dir_problem(const char *dir, uid_t uid, char *buf, size_t len)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		snprintf(buf, len, "event queue directory %s: %s", dir, strerror(errno));
		return buf;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(buf, len, "event queue directory %s is a symbolic link", dir);
		return buf;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(buf, len, "event queue directory %s is not a directory", dir);
		return buf;
	}
	if (st.st_uid != uid || (st.st_mode & 0700) != 0700) {
		snprintf(buf, len, "event queue directory %s is not writable by the "
		    "monitor's user (uid %u)", dir, (unsigned)uid);
		return buf;
	}
	if (st.st_mode & 0022) {
		snprintf(buf, len, "event queue directory %s is writable by group or "
		    "others: anyone there could plant alerts", dir);
		return buf;
	}
	return NULL;
}
