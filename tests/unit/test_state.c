/* The state file: a round trip works, and every kind of damage is refused,
 * set aside and reported, never trusted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "monitor/core/state.h"

static char dir[256];
static char path[300];

static int
setup(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/vigil-state-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vigil.state", dir);
	return 0;
}

static int
teardown(void **st)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	(void)st;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	return 0;
}

/* How many PATH.corrupt-* files the directory holds. */
static int
count_aside(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "vigil.state.corrupt-", 20) == 0)
			n++;
	closedir(d);
	return n;
}

static void
write_raw(const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static size_t
read_raw(uint8_t *p, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, p, cap);
	close(fd);
	assert_true(n >= 0);
	return (size_t)n;
}

static const uint8_t sample[] = "mode=active;checksum=abc123;restarts=4";

static void
test_round_trip(void **st)
{
	uint8_t *p;
	size_t n;
	struct stat sb;

	(void)st;
	assert_int_equal(state_read(path, &p, &n, NULL, 0), STATE_MISSING);
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(state_read(path, &p, &n, NULL, 0), STATE_OK);
	assert_int_equal(n, sizeof(sample));
	assert_memory_equal(p, sample, n);
	free(p);
	/* An empty record is a valid record. */
	assert_int_equal(state_write(path, sample, 0), 0);
	assert_int_equal(state_read(path, &p, &n, NULL, 0), STATE_OK);
	assert_int_equal(n, 0);
	free(p);
	assert_int_equal(count_aside(), 0);
}

static void
expect_corrupt(const char *reason)
{
	char why[128];
	uint8_t *p = (uint8_t *)1;
	size_t n = 99;

	assert_int_equal(state_read(path, &p, &n, why, sizeof(why)), STATE_CORRUPT);
	assert_null(p);
	assert_int_equal(n, 0);
	assert_string_equal(why, reason);
	/* Set aside: the path is free, the evidence kept. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(count_aside(), 1);
}

static void
test_truncated(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	write_raw(buf, n - 3);
	expect_corrupt("truncated payload");
}

static void
test_truncated_header(void **st)
{
	(void)st;
	write_raw((const uint8_t *)"VGST\1\0", 6);
	expect_corrupt("truncated header");
}

static void
test_flipped_byte(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	buf[n - 5] ^= 0x01;
	write_raw(buf, n);
	expect_corrupt("checksum mismatch");
}

static void
test_flipped_checksum(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	buf[20] ^= 0x80;
	write_raw(buf, n);
	expect_corrupt("checksum mismatch");
}

static void
test_wrong_version(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	buf[4] = 2;
	write_raw(buf, n);
	expect_corrupt("unsupported version");
}

static void
test_bad_magic(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	buf[0] = 'X';
	write_raw(buf, n);
	expect_corrupt("bad magic");
}

static void
test_trailing_bytes(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	buf[n++] = 'Z';
	write_raw(buf, n);
	expect_corrupt("trailing bytes");
}

static void
test_huge_length(void **st)
{
	uint8_t buf[256];
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	n = read_raw(buf, sizeof(buf));
	buf[15] = 0x7f;		/* length field: absurd */
	write_raw(buf, n);
	expect_corrupt("payload too large");
}

static void
test_symlink(void **st)
{
	char target[400];
	uint8_t *p;
	size_t n;

	(void)st;
	/* A valid state file elsewhere, linked at the path: still refused. */
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	assert_int_equal(state_write(target, sample, sizeof(sample)), 0);
	assert_int_equal(symlink(target, path), 0);
	expect_corrupt("is a symbolic link");
	/* The link target was not touched. */
	assert_int_equal(state_read(target, &p, &n, NULL, 0), STATE_OK);
	free(p);
}

static void
test_symlink_tmp_not_followed(void **st)
{
	char tmp[400], victim[400];
	struct stat sb;

	(void)st;
	/* A link planted at the temporary name must not redirect the write. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	write_raw((const uint8_t *)"x", 1);
	assert_int_equal(rename(path, victim), 0);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	assert_int_equal(stat(victim, &sb), 0);
	assert_int_equal(sb.st_size, 1);
}

static void
test_not_regular(void **st)
{
	(void)st;
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_corrupt("not a regular file");
}

/* A failed write (here: the file-size limit, as a full disk would) leaves
 * the old file intact and no temporary behind. */
static void
test_failed_write_keeps_old(void **st)
{
	static uint8_t big[64 * 1024];
	struct rlimit old, small;
	char tmp[400];
	uint8_t *p;
	size_t n;

	(void)st;
	assert_int_equal(state_write(path, sample, sizeof(sample)), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	memset(big, 'b', sizeof(big));
	assert_int_equal(state_write(path, big, sizeof(big)), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(state_read(path, &p, &n, NULL, 0), STATE_OK);
	assert_int_equal(n, sizeof(sample));
	assert_memory_equal(p, sample, n);
	free(p);
}

static ino_t
inode_of(const char *p)
{
	struct stat sb;

	assert_int_equal(stat(p, &sb), 0);
	return sb.st_ino;
}

/* A save of the record the file already holds writes nothing (each write
 * is a new file renamed over the old one: a new inode); a changed record,
 * a file removed behind our back or a failed write make the next save
 * write again. */
static void
test_save_only_when_changed(void **st)
{
	static const uint8_t one[] = "record one", two[] = "record two";
	struct state_saved saved = { 0 };
	uint8_t *p;
	size_t n;
	ino_t ino;
	int keep;

	(void)st;
	assert_int_equal(state_save(path, one, sizeof(one), &saved), 1);
	ino = inode_of(path);
	/* Hold the old inode open so that a rewrite cannot reuse its number. */
	keep = open(path, O_RDONLY);
	assert_true(keep >= 0);
	assert_int_equal(state_save(path, one, sizeof(one), &saved), 0);
	assert_int_equal(inode_of(path), ino);
	assert_int_equal(state_save(path, two, sizeof(two), &saved), 1);
	assert_true(inode_of(path) != ino);
	assert_int_equal(state_read(path, &p, &n, NULL, 0), STATE_OK);
	assert_memory_equal(p, two, sizeof(two));
	free(p);
	close(keep);
	/* Gone behind our back: written again although the record is the same. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(state_save(path, two, sizeof(two), &saved), 1);
	assert_int_equal(access(path, F_OK), 0);
	/* What a state file read back holds counts as saved. */
	assert_int_equal(state_read(path, &p, &n, NULL, 0), STATE_OK);
	memset(&saved, 0, sizeof(saved));
	state_saved_set(&saved, p, n);
	free(p);
	assert_int_equal(state_save(path, two, sizeof(two), &saved), 0);
	assert_int_equal(state_save(path, one, sizeof(one), &saved), 1);
	/* No memory of the last save: always written. */
	ino = inode_of(path);
	keep = open(path, O_RDONLY);
	assert_int_equal(state_save(path, one, sizeof(one), NULL), 1);
	assert_true(inode_of(path) != ino);
	close(keep);
}

static void
test_verify_garbage(void **st)
{
	uint8_t buf[512];
	size_t off, len;
	unsigned seed = 7;

	(void)st;
	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)rand_r(&seed) % sizeof(buf);

		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)rand_r(&seed);
		if (n >= 4 && i % 2 == 0)
			memcpy(buf, "VGST\1\0\0\0", n >= 8 ? 8 : 4);
		assert_false(state_verify(buf, n, &off, &len, NULL, 0));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_tmp_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_only_when_changed, setup, teardown),
		cmocka_unit_test(test_verify_garbage),
	};

	log_init("test_state", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
