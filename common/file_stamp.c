/* A file's identity as stat() sees it, to tell "may have changed" from
 * "cannot have changed" without reading the file.  Every write, truncate,
 * chmod, chown or utimes moves the inode's ctime to the current time, and no
 * system call sets ctime to a chosen value (only moving the system clock
 * does); so a file whose device, inode, size, mtime and ctime are those of
 * an earlier read still holds the bytes that were read.  The kernel's
 * timestamps are coarse (a clock tick): a write in the same tick as the read
 * may leave ctime as it was, so a file changed less than STAMP_SETTLE_NS
 * before its stat is never trusted (read again next time). */
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/file_stamp.h"

#define STAMP_SETTLE_NS 1000000000LL

bool
file_stamp_same(const struct file_stamp *fs, const struct stat *st)
{
	return fs->valid && fs->dev == (uint64_t)st->st_dev &&
	    fs->ino == (uint64_t)st->st_ino && fs->size == (int64_t)st->st_size &&
	    fs->mtime.tv_sec == st->st_mtim.tv_sec &&
	    fs->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    fs->ctime.tv_sec == st->st_ctim.tv_sec &&
	    fs->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

void
file_stamp_set(struct file_stamp *fs, const struct stat *st)
{
	struct timespec now;
	long long age_ns;

	memset(fs, 0, sizeof(*fs));
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return;
	age_ns = (long long)(now.tv_sec - st->st_ctim.tv_sec) * 1000000000LL +
	    (now.tv_nsec - st->st_ctim.tv_nsec);
	if (age_ns < STAMP_SETTLE_NS)
		return;		/* too fresh to trust: stays invalid */
	fs->dev = (uint64_t)st->st_dev;
	fs->ino = (uint64_t)st->st_ino;
	fs->size = (int64_t)st->st_size;
	fs->mtime = st->st_mtim;
	fs->ctime = st->st_ctim;
	fs->valid = true;
}
