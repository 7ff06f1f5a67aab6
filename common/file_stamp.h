#ifndef VIGIL_FILE_STAMP_H
#define VIGIL_FILE_STAMP_H
/* What stat() says of a file, to skip reading it again when it cannot have
 * changed (the reasoning is in file_stamp.c).  Used by the monitor for
 * checksums and pid files, and by privd for /etc/passwd and /etc/group. */
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct stat;
struct file_stamp {
	bool valid;
	uint64_t dev, ino;
	int64_t size;
	struct timespec mtime, ctime;
};
bool file_stamp_same(const struct file_stamp *fs, const struct stat *st);
/* Record st; left invalid when the file changed too recently to trust. */
void file_stamp_set(struct file_stamp *fs, const struct stat *st);

#endif
