/* The state file: written whole and atomically, read back only when every
 * byte checks out.  A file that does not is set aside for a person to look
 * at and the monitor starts fresh: state is a convenience, never an input
 * we trust over our own defaults. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sha256.h"
#include "common/util.h"
#include "monitor/core/state.h"

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* common/sha256.c, not OpenSSL's: a control file without checksums or TLS
 * then never starts OpenSSL's providers in the monitor (about 1.5 MB of
 * libcrypto's pages it would otherwise touch). */
static bool
record_sha256(const uint8_t *p, size_t len, uint8_t out[32])
{
	sha256(p, len, out);
	return true;
}

static void
set_why(char *why, size_t whylen, const char *s)
{
	if (why != NULL && whylen > 0)
		strlcpy_v(why, s, whylen);
}

bool
state_verify(const uint8_t *buf, size_t buflen, size_t *off, size_t *len,
    char *why, size_t whylen)
{
	uint8_t digest[32];
	uint64_t plen;

	if (buflen < STATE_HDR_LEN) {
		set_why(why, whylen, "truncated header");
		return false;
	}
	if (memcmp(buf, STATE_MAGIC, 4) != 0) {
		set_why(why, whylen, "bad magic");
		return false;
	}
	if (get32(buf + 4) != STATE_VERSION) {
		set_why(why, whylen, "unsupported version");
		return false;
	}
	plen = get64(buf + 8);
	if (plen > STATE_MAX_PAYLOAD) {
		set_why(why, whylen, "payload too large");
		return false;
	}
	if (plen != buflen - STATE_HDR_LEN) {
		set_why(why, whylen, plen > buflen - STATE_HDR_LEN ?
		    "truncated payload" : "trailing bytes");
		return false;
	}
	if (!record_sha256(buf + STATE_HDR_LEN, (size_t)plen, digest)) {
		set_why(why, whylen, "cannot compute SHA-256");
		return false;
	}
	if (memcmp(digest, buf + 16, 32) != 0) {
		set_why(why, whylen, "checksum mismatch");
		return false;
	}
	*off = STATE_HDR_LEN;
	*len = (size_t)plen;
	return true;
}

/* The directory holding path, for the fsync that makes a rename durable. */
static int
open_parent(const char *path)
{
	char tmp[PATH_MAX];

	if (strlcpy_v(tmp, path, sizeof(tmp)) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int
state_write(const char *path, const uint8_t *payload, size_t len)
{
	char tmp[PATH_MAX];
	uint8_t hdr[STATE_HDR_LEN];
	int fd, dfd, saved;

	if (len > STATE_MAX_PAYLOAD) {
		errno = EFBIG;
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(hdr, STATE_MAGIC, 4);
	put32(hdr + 4, STATE_VERSION);
	put64(hdr + 8, len);
	if (!record_sha256(payload, len, hdr + 16)) {
		errno = EIO;
		return -1;
	}
	/* A temporary file left by a crash (or planted) is removed, never
	 * followed: unlink acts on a symlink itself. */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (!write_all(fd, hdr, sizeof(hdr)) || !write_all(fd, payload, len) ||
	    fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	dfd = open_parent(path);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	errno = saved;
	return -1;
}

void
state_saved_set(struct state_saved *saved, const uint8_t *payload, size_t len)
{
	if (saved != NULL)
		saved->valid = record_sha256(payload, len, saved->digest);
}

int
state_save(const char *path, const uint8_t *payload, size_t len,
    struct state_saved *saved)
{
	uint8_t digest[32];
	struct stat st;

	if (saved != NULL && saved->valid && record_sha256(payload, len, digest) &&
	    memcmp(digest, saved->digest, sizeof(digest)) == 0 &&
	    lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		return 0;
	if (state_write(path, payload, len) < 0) {
		if (saved != NULL)
			saved->valid = false;
		return -1;
	}
	state_saved_set(saved, payload, len);
	return 1;
}

static void
set_aside(const char *path, const char *reason)
{
	char aside[PATH_MAX];

	if (snprintf(aside, sizeof(aside), "%s.corrupt-%lld", path,
	    (long long)time(NULL)) >= (int)sizeof(aside)) {
		log_err("state file %s is corrupt (%s): path too long to set aside; "
		    "ignoring it", path, reason);
		return;
	}
	if (rename(path, aside) < 0) {
		log_err("state file %s is corrupt (%s): cannot set aside as %s: %s; "
		    "ignoring it", path, reason, aside, strerror(errno));
		return;
	}
	log_err("state file %s is corrupt (%s): set aside as %s", path, reason, aside);
}

enum state_result
state_read(const char *path, uint8_t **payload, size_t *len, char *why,
    size_t whylen)
{
	char reason[128];
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0, off, plen;
	int fd;

	*payload = NULL;
	*len = 0;
	set_why(why, whylen, "");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return STATE_MISSING;
		if (errno == ELOOP) {
			strlcpy_v(reason, "is a symbolic link", sizeof(reason));
			goto corrupt;
		}
		log_err("cannot read state file %s: %s", path, strerror(errno));
		set_why(why, whylen, strerror(errno));
		return STATE_ERROR;
	}
	if (fstat(fd, &st) < 0) {
		log_err("cannot stat state file %s: %s", path, strerror(errno));
		close(fd);
		return STATE_ERROR;
	}
	if (!S_ISREG(st.st_mode)) {
		strlcpy_v(reason, "not a regular file", sizeof(reason));
		close(fd);
		goto corrupt;
	}
	if ((uint64_t)st.st_size > (uint64_t)STATE_MAX_PAYLOAD + STATE_HDR_LEN) {
		strlcpy_v(reason, "file too large", sizeof(reason));
		close(fd);
		goto corrupt;
	}
	/* One byte more than the size says, to notice a file growing under us. */
	buf = xmalloc((size_t)st.st_size + 1);
	for (;;) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("cannot read state file %s: %s", path, strerror(errno));
			close(fd);
			free(buf);
			return STATE_ERROR;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > (size_t)st.st_size)
			break;
	}
	close(fd);
	if (got > (size_t)st.st_size) {
		strlcpy_v(reason, "file changed while reading", sizeof(reason));
		goto corrupt;
	}
	if (!state_verify(buf, got, &off, &plen, reason, sizeof(reason)))
		goto corrupt;
	memmove(buf, buf + off, plen);
	*payload = buf;
	*len = plen;
	return STATE_OK;
corrupt:
	free(buf);
	set_why(why, whylen, reason);
	set_aside(path, reason);
	return STATE_CORRUPT;
}
