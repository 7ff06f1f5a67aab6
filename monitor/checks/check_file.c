/* File, directory, fifo and filesystem services: existence, checksum,
 * permission, owner, size and timestamp.  inotify on the parent directory
 * re-checks a file as soon as it changes. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

bool
file_digest(const char *path, enum hash_type h, char *hex, size_t hexlen)
{
	static const char digits[] = "0123456789abcdef";
	const EVP_MD *md = h == HASH_MD5 ? EVP_md5() : h == HASH_SHA1 ? EVP_sha1() :
	    EVP_sha256();
	unsigned char buf[65536], out[EVP_MAX_MD_SIZE];
	unsigned int outlen = 0;
	EVP_MD_CTX *ctx;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		close(fd);
		errno = ENOMEM;
		return false;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			int saved = errno;

			if (saved == EINTR)
				continue;
			EVP_MD_CTX_free(ctx);
			close(fd);
			errno = saved;
			return false;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	close(fd);
	EVP_DigestFinal_ex(ctx, out, &outlen);
	EVP_MD_CTX_free(ctx);
	if (hexlen < (size_t)outlen * 2 + 1) {
		errno = ENOSPC;
		return false;
	}
	for (unsigned int i = 0; i < outlen; i++) {
		hex[2 * i] = digits[out[i] >> 4];
		hex[2 * i + 1] = digits[out[i] & 15];
	}
	hex[2 * outlen] = '\0';
	return true;
}

static bool
type_matches(enum service_type t, mode_t m)
{
	switch (t) {
	case SVC_FILE: return S_ISREG(m);
	case SVC_DIRECTORY: return S_ISDIR(m);
	case SVC_FIFO: return S_ISFIFO(m);
	case SVC_FILESYSTEM: return S_ISDIR(m) || S_ISBLK(m);
	default: return true;
	}
}

static void
watch_parent(struct svc *s)
{
	char tmp[4096];

	if (s->inotify_wd >= 0 || s->e->inotify_fd < 0 || s->cf->path == NULL ||
	    s->cf->type != SVC_FILE)
		return;
	strlcpy_v(tmp, s->cf->path, sizeof(tmp));
	s->inotify_wd = inotify_add_watch(s->e->inotify_fd, dirname(tmp),
	    IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
	    IN_DELETE);
}

/* Compare a fresh digest with the expected or learned one. */
static void
checksum_verdict(struct svc *s, struct test_state *ts, const char *hex,
    bool scheduled)
{
	const struct test *t = ts->t;

	if (t->expect != NULL && t->op != OP_CHANGED) {
		bool ok = strcasecmp(hex, t->expect) == 0;

		svc_test_result(s, ts, !ok, scheduled, ok ? "checksum is %s" :
		    "checksum is %s, expected %s", hex, t->expect);
		return;
	}
	if (ts->learned[0] == '\0' || strlen(ts->learned) != strlen(hex)) {
		strlcpy_v(ts->learned, hex, sizeof(ts->learned));
		svc_test_result(s, ts, false, scheduled, "checksum is %s", hex);
		svc_changed(s);
		return;
	}
	if (strcmp(ts->learned, hex) != 0) {
		char old[sizeof(ts->learned)];

		strlcpy_v(old, ts->learned, sizeof(old));
		if (t->op == OP_CHANGED)	/* "changed": the new sum is the base */
			strlcpy_v(ts->learned, hex, sizeof(ts->learned));
		svc_test_result(s, ts, true, scheduled, "checksum was %s, is now %s",
		    old, hex);
		svc_changed(s);
		return;
	}
	svc_test_result(s, ts, false, scheduled, "checksum is %s", hex);
}

/* A file is hashed again only when it may have changed (file_stamp.c
 * says why its stat tells). */
struct checksum_memo {
	struct file_stamp stamp;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
};

void
checksum_memo_free(struct test_state *ts)
{
	free(ts->memo);
	ts->memo = NULL;
}

static bool
memo_matches(const struct checksum_memo *m, const struct stat *st)
{
	return m != NULL && file_stamp_same(&m->stamp, st);
}

/* Remember hex as the sum of the file st describes (st taken before the
 * file was read). */
static void
memo_record(struct test_state *ts, const struct stat *st, const char *hex)
{
	if (ts->memo == NULL)
		ts->memo = xcalloc(1, sizeof(*ts->memo));
	file_stamp_set(&ts->memo->stamp, st);
	strlcpy_v(ts->memo->hex, hex, sizeof(ts->memo->hex));
}

/* A big file is hashed a slice per loop turn, so a pidfd or a connection
 * check is never kept waiting behind a gigabyte of MD5. */
#define HASH_SYNC_MAX (4u << 20)
#define HASH_SLICE (4u << 20)

struct hashjob {
	struct svc *s;
	struct test_state *ts;
	int fd, tfd;
	EVP_MD_CTX *ctx;
	bool scheduled;
	struct stat st;		/* the file as it was when the job began */
};

void
hashjob_cancel(struct test_state *ts)
{
	struct hashjob *hj = ts->hj;

	if (hj == NULL)
		return;
	if (hj->tfd >= 0) {
		ev_del(hj->s->e->m->ev, hj->tfd);
		close(hj->tfd);
	}
	if (hj->fd >= 0)
		close(hj->fd);
	EVP_MD_CTX_free(hj->ctx);
	free(hj);
	ts->hj = NULL;
}

static void
hashjob_step(int fd, uint32_t events, void *arg)
{
	static const char digits[] = "0123456789abcdef";
	struct hashjob *hj = arg;
	struct svc *s = hj->s;
	struct test_state *ts = hj->ts;
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen = 0;
	size_t done = 0;
	ssize_t n = 1;
	bool scheduled = hj->scheduled;
	struct stat st = hj->st;

	(void)events;
	ev_timer_ack(fd);
	while (done < HASH_SLICE && (n = read(hj->fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(hj->ctx, buf, (size_t)n);
		done += (size_t)n;
	}
	if (n > 0)
		return;		/* more next turn: the timer repeats */
	if (n < 0) {
		int err = errno;

		hashjob_cancel(ts);
		svc_test_result(s, ts, true, scheduled, "cannot read for the checksum: %s",
		    strerror(err));
		svc_changed(s);
		return;
	}
	EVP_DigestFinal_ex(hj->ctx, md, &mdlen);
	hashjob_cancel(ts);
	for (unsigned int i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * mdlen] = '\0';
	memo_record(ts, &st, hex);
	checksum_verdict(s, ts, hex, scheduled);
	svc_changed(s);
}

static bool
hashjob_start(struct svc *s, struct test_state *ts, const struct stat *st,
    bool scheduled)
{
	const struct test *t = ts->t;
	struct hashjob *hj = xcalloc(1, sizeof(*hj));

	hj->st = *st;
	hj->s = s;
	hj->ts = ts;
	hj->scheduled = scheduled;
	hj->tfd = -1;
	hj->fd = open(s->cf->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	hj->ctx = EVP_MD_CTX_new();
	ts->hj = hj;
	if (hj->fd < 0 || hj->ctx == NULL || EVP_DigestInit_ex(hj->ctx,
	    t->hash == HASH_MD5 ? EVP_md5() : t->hash == HASH_SHA1 ? EVP_sha1() :
	    EVP_sha256(), NULL) != 1) {
		hashjob_cancel(ts);
		return false;
	}
	hj->tfd = ev_timer_new(s->e->m->ev, hashjob_step, hj);
	if (hj->tfd < 0) {
		hashjob_cancel(ts);
		return false;
	}
	ev_timer_set(hj->tfd, 1, 1);
	return true;
}

static void
checksum_test(struct svc *s, struct test_state *ts, const struct stat *st,
    bool scheduled)
{
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (ts->hj != NULL)
		return;		/* the last one is still being computed */
	if (memo_matches(ts->memo, st)) {
		checksum_verdict(s, ts, ts->memo->hex, scheduled);
		return;
	}
	if ((uint64_t)st->st_size > HASH_SYNC_MAX) {
		if (!hashjob_start(s, ts, st, scheduled))
			svc_test_result(s, ts, true, scheduled,
			    "cannot compute checksum: %s", strerror(errno));
		return;
	}
	if (!file_digest(s->cf->path, ts->t->hash, hex, sizeof(hex))) {
		svc_test_result(s, ts, true, scheduled, "cannot compute checksum: %s",
		    strerror(errno));
		return;
	}
	memo_record(ts, st, hex);
	checksum_verdict(s, ts, hex, scheduled);
}

void
check_file(struct svc *s, bool scheduled)
{
	struct stat st;
	bool exists;
	int err = 0;

	if (s->busy != BUSY_NONE || s->cf->path == NULL)
		return;
	watch_parent(s);
	exists = stat(s->cf->path, &st) == 0;
	if (!exists)
		err = errno;
	if (exists && !type_matches(s->cf->type, st.st_mode)) {
		exists = false;
		err = EINVAL;
	}
	s->fi.have = exists;
	if (exists) {
		s->fi.mode = st.st_mode & 07777;
		s->fi.uid = st.st_uid;
		s->fi.gid = st.st_gid;
		s->fi.size = (uint64_t)st.st_size;
		s->fi.atime = (int64_t)st.st_atime;
		s->fi.ctime = (int64_t)st.st_ctime;
		s->fi.mtime = (int64_t)st.st_mtime;
	}
	if (exists && S_ISREG(st.st_mode))
		check_content(s, &st, scheduled);
	if (exists && s->cf->type == SVC_FILESYSTEM)
		check_filesystem(s, &st, scheduled);
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		const struct test *t = ts->t;
		int64_t have;

		if (t->kind == TEST_EXIST) {
			if (exists)
				svc_test_result(s, ts, t->op == OP_EQ, scheduled,
				    "%s exists", s->cf->path);
			else
				svc_test_result(s, ts, t->op != OP_EQ, scheduled, "%s: %s",
				    s->cf->path, err == EINVAL ? "wrong file type" :
				    strerror(err));
			continue;
		}
		if (!exists)
			continue;
		switch (t->kind) {
		case TEST_CHECKSUM:
			if (S_ISREG(st.st_mode))
				checksum_test(s, ts, &st, scheduled);
			break;
		case TEST_PERMISSION:
			have = st.st_mode & 07777;
			svc_test_result(s, ts, have != (int64_t)t->perm, scheduled,
			    "permission is %04o (expected %04o)", (unsigned)have, t->perm);
			break;
		case TEST_UID:
		case TEST_GID:
			have = t->kind == TEST_UID ? st.st_uid : st.st_gid;
			if (ts->owner_id < 0)
				svc_test_result(s, ts, true, scheduled, "unknown %s '%s'",
				    t->kind == TEST_UID ? "user" : "group",
				    t->owner ? t->owner : "");
			else
				svc_test_result(s, ts, have != ts->owner_id, scheduled,
				    "%s is %lld (expected %lld)", t->kind == TEST_UID ?
				    "uid" : "gid", (long long)have, (long long)ts->owner_id);
			break;
		case TEST_SIZE:
			have = st.st_size;
			if (t->op == OP_CHANGED) {
				bool chg = ts->have_learned_num && ts->learned_num != have;

				svc_test_result(s, ts, chg, scheduled, "size is %lld",
				    (long long)have);
				ts->learned_num = have;
				ts->have_learned_num = true;
			} else {
				svc_test_result(s, ts, cmp_check(t->op, have, t->value),
				    scheduled, "size is %lld (limit %s %lld)", (long long)have,
				    cmp_op_str(t->op), (long long)t->value);
			}
			break;
		case TEST_TIMESTAMP:
			switch (t->subkind) {
			case 1: have = (int64_t)st.st_atime; break;
			case 2: have = (int64_t)st.st_ctime; break;
			case 3: have = (int64_t)st.st_mtime; break;
			default:
				have = (int64_t)(st.st_ctime > st.st_mtime ?
				    st.st_ctime : st.st_mtime);
				break;
			}
			if (t->op == OP_CHANGED) {
				bool chg = ts->have_learned_num && ts->learned_num != have;

				svc_test_result(s, ts, chg, scheduled, "timestamp %lld",
				    (long long)have);
				ts->learned_num = have;
				ts->have_learned_num = true;
			} else {
				int64_t age = (int64_t)time(NULL) - have;

				if (age < 0)
					age = 0;
				svc_test_result(s, ts, cmp_check(t->op, age, t->value),
				    scheduled, "modified %lld s ago (limit %s %lld s)",
				    (long long)age, cmp_op_str(t->op), (long long)t->value);
			}
			break;
		default:
			break;
		}
	}
}
