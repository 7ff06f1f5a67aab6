/* Filesystem services: which mount a path names (a mount point or a block
 * device, resolved through /proc/self/mountinfo), its usage (statvfs), its
 * flags (the mount options, "changed fsflags") and its device's I/O rates
 * (/sys/dev/block/MAJ:MIN/stat: read/write rate, service time). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/engine/engine.h"

#define MOUNTINFO_MAX_LINES 100000	/* a runaway mount table is cut */

/* Undo the kernel's octal escapes (\040 space, \011 tab, \012, \134). */
static void
unescape_octal(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			char c = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));

			if (c != '\0') {
				*w++ = c;
				s += 3;
				continue;
			}
		}
		*w++ = *s;
	}
	*w = '\0';
}

bool
mountinfo_parse_line(char *line, struct mount_entry *m)
{
	char *f[6], *save = NULL, *tok, *dash;
	unsigned maj, min;
	int n = 0;
	char c;

	memset(m, 0, sizeof(*m));
	line[strcspn(line, "\n")] = '\0';
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER" */
	dash = strstr(line, " - ");
	if (dash == NULL)
		return false;
	*dash = '\0';
	for (tok = strtok_r(line, " ", &save); tok != NULL && n < 6;
	    tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	if (n < 6 || sscanf(f[2], "%u:%u%c", &maj, &min, &c) != 2)
		return false;
	m->dev = makedev(maj, min);
	m->mountpoint = f[4];
	m->options = f[5];
	save = NULL;
	m->fstype = strtok_r(dash + 3, " ", &save);
	m->source = strtok_r(NULL, " ", &save);
	m->super = strtok_r(NULL, " ", &save);
	if (m->fstype == NULL || m->source == NULL)
		return false;
	if (m->super == NULL)
		m->super = "";
	unescape_octal(m->mountpoint);
	unescape_octal(m->source);
	return m->mountpoint[0] == '/';
}

/* This cycle's mount table: /proc/self/mountinfo read once per scheduled
 * cycle for every filesystem service, and each mount's usage (statvfs) and
 * device counters read at most once in it: a hundred services on "/" cost
 * one read of the table, not a hundred.  A check between cycles (a person's
 * recheck) reads everything afresh. */
#define MOUNTINFO_MAX_BYTES (64u << 20)

struct fs_table_row {
	struct mount_entry m;	/* points into fs_table.buf */
	bool usage_read, usage_ok;
	int usage_err;
	struct statvfs v;
	bool io_read, io_ok;
	struct disk_io io;
};

struct fs_table {
	char *buf;
	size_t cap;
	struct fs_table_row *rows;
	size_t n, rows_cap;
	uint64_t cycle;		/* the engine cycle it was read in */
	bool valid;
};

static void
fs_table_clear(struct fs_table *t)
{
	free(t->buf);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

void
fs_table_free(struct engine *e)
{
	if (e->fs_table == NULL)
		return;
	fs_table_clear(e->fs_table);
	free(e->fs_table);
	e->fs_table = NULL;
}

static bool
fs_table_load(struct fs_table *t)
{
	size_t len = 0, lines = 0;
	ssize_t n;
	int fd;

	t->valid = false;
	t->n = 0;
	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	for (;;) {
		if (t->cap - len < 4096) {
			if (t->cap >= MOUNTINFO_MAX_BYTES)
				break;	/* a runaway mount table is cut */
			t->cap = t->cap ? t->cap * 2 : 16384;
			t->buf = xreallocarray(t->buf, t->cap, 1);
		}
		n = read(fd, t->buf + len, t->cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (t->buf == NULL)
		return false;
	t->buf[len] = '\0';
	for (char *line = t->buf, *next; *line != '\0' &&
	    lines < MOUNTINFO_MAX_LINES; line = next, lines++) {
		struct fs_table_row *r;
		char *nl = strchr(line, '\n');

		if (nl == NULL)
			break;	/* a line cut by the size bound */
		*nl = '\0';
		next = nl + 1;
		if (t->n == t->rows_cap) {
			t->rows_cap = t->rows_cap ? t->rows_cap * 2 : 64;
			t->rows = xreallocarray(t->rows, t->rows_cap, sizeof(*t->rows));
		}
		r = &t->rows[t->n];
		memset(r, 0, sizeof(*r));
		if (mountinfo_parse_line(line, &r->m))
			t->n++;
	}
	t->valid = true;
	return true;
}

/* The mount a filesystem service names.  A block device (or a /dev path
 * that is not a directory) is matched by source or device number; any other
 * path by its mount point, and a directory inside a mount by the longest
 * mount point above it.  The last match wins (a mount over a mount).
 * Returns the row, or NULL. */
static struct fs_table_row *
fs_table_match(struct fs_table *t, const char *path, const struct stat *st)
{
	struct fs_table_row *found = NULL;
	bool is_dev = S_ISBLK(st->st_mode);
	size_t best = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct mount_entry *m = &t->rows[i].m;
		size_t mlen;

		if (is_dev) {
			if (strcmp(m->source, path) != 0 && m->dev != st->st_rdev)
				continue;
		} else {
			mlen = strlen(m->mountpoint);
			if (mlen == 1)
				mlen = 0;	/* "/" is above everything */
			if (strncmp(path, m->mountpoint, mlen) != 0 ||
			    (path[mlen] != '\0' && path[mlen] != '/'))
				continue;
			if (found != NULL && mlen < best)
				continue;
			best = mlen;
		}
		found = &t->rows[i];
	}
	return found;
}

static void
fs_mount_from(struct fs_mount *out, const struct mount_entry *m)
{
	strlcpy_v(out->mountpoint, m->mountpoint, sizeof(out->mountpoint));
	strlcpy_v(out->fstype, m->fstype, sizeof(out->fstype));
	strlcpy_v(out->source, m->source, sizeof(out->source));
	strlcpy_v(out->options, m->options, sizeof(out->options));
	out->dev = m->dev;
}

bool
fs_lookup(const char *path, struct fs_mount *out)
{
	struct fs_table t = { 0 };
	const struct fs_table_row *r;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0 || !fs_table_load(&t)) {
		fs_table_clear(&t);
		return false;
	}
	r = fs_table_match(&t, path, &st);
	if (r != NULL)
		fs_mount_from(out, &r->m);
	fs_table_clear(&t);
	return r != NULL;
}

bool
diskstat_parse(const char *buf, struct disk_io *io)
{
	unsigned long long v[8];

	memset(io, 0, sizeof(*io));
	/* read: ios merges sectors ticks; write: ios merges sectors ticks */
	if (sscanf(buf, " %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
	    &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return false;
	io->read_ops = v[0];
	io->read_bytes = v[2] * 512;	/* the kernel counts 512-byte sectors */
	io->read_ms = v[3];
	io->write_ops = v[4];
	io->write_bytes = v[6] * 512;
	io->write_ms = v[7];
	return true;
}

static bool
diskstat_read(dev_t dev, struct disk_io *io)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/stat", major(dev), minor(dev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return diskstat_parse(buf, io);
}

/* Rates since the last sample; false until there are two samples. */
static void
fs_io_update(struct fs_status *fs, struct fs_table_row *r)
{
	dev_t dev = r->m.dev;
	struct disk_io io;
	uint64_t now = now_ms();
	double secs;

	fs->have_io = false;
	if (!r->io_read) {
		r->io_read = true;
		r->io_ok = major(dev) != 0 && diskstat_read(dev, &r->io);
	}
	if (!r->io_ok) {
		fs->have_prev = false;	/* tmpfs, overlay, nfs: no block device */
		return;
	}
	io = r->io;
	secs = fs->have_prev ? (double)(now - fs->prev_ms) / 1000.0 : 0.0;
	if (secs > 0 && io.read_ops >= fs->prev.read_ops && io.write_ops >= fs->prev.write_ops &&
	    io.read_bytes >= fs->prev.read_bytes && io.write_bytes >= fs->prev.write_bytes) {
		uint64_t ops = (io.read_ops - fs->prev.read_ops) +
		    (io.write_ops - fs->prev.write_ops);
		uint64_t ms = (io.read_ms - fs->prev.read_ms) + (io.write_ms - fs->prev.write_ms);

		fs->read_bps = (double)(io.read_bytes - fs->prev.read_bytes) / secs;
		fs->write_bps = (double)(io.write_bytes - fs->prev.write_bytes) / secs;
		fs->read_ops = (double)(io.read_ops - fs->prev.read_ops) / secs;
		fs->write_ops = (double)(io.write_ops - fs->prev.write_ops) / secs;
		fs->service_ms = ops ? (double)ms / (double)ops : 0.0;
		fs->read_ms_per_op = io.read_ops > fs->prev.read_ops ?
		    (double)(io.read_ms - fs->prev.read_ms) /
		    (double)(io.read_ops - fs->prev.read_ops) : 0.0;
		fs->write_ms_per_op = io.write_ops > fs->prev.write_ops ?
		    (double)(io.write_ms - fs->prev.write_ms) /
		    (double)(io.write_ops - fs->prev.write_ops) : 0.0;
		fs->have_io = true;
	}
	fs->prev = io;
	fs->prev_ms = now;
	fs->have_prev = true;
}

static void
diskio_test(struct svc *s, struct test_state *ts, bool scheduled)
{
	const struct fs_status *fs = s->fs;
	const struct test *t = ts->t;
	bool ops = t->unit == UNIT_COUNT;
	double have;

	if (!fs->have_io)
		return;		/* first sample, or a device without statistics */
	if (t->subkind == 2) {
		have = fs->service_ms;
		svc_test_result(s, ts, cmp_check(t->op, (int64_t)(have + 0.5), t->value),
		    scheduled, "service time %.3f ms/operation (limit %s %lld ms)", have,
		    cmp_op_str(t->op), (long long)t->value);
		return;
	}
	if (t->subkind == 0)
		have = ops ? fs->read_ops : fs->read_bps;
	else
		have = ops ? fs->write_ops : fs->write_bps;
	svc_test_result(s, ts, cmp_check(t->op, (int64_t)have, t->value), scheduled,
	    "%s rate %.0f %s (limit %s %lld %s)", t->subkind ? "write" : "read", have,
	    ops ? "operations/s" : "B/s", cmp_op_str(t->op), (long long)t->value,
	    ops ? "operations/s" : "B/s");
}

static void
usage_test(struct svc *s, struct test_state *ts, bool scheduled)
{
	const struct fs_status *fs = s->fs;
	const struct test *t = ts->t;
	uint64_t total, avail, used;
	int64_t have;

	if (t->kind == TEST_SPACE) {
		total = fs->space_total;
		avail = fs->space_avail;
		used = fs->space_total - fs->space_free;
	} else {
		total = fs->inodes_total;
		avail = fs->inodes_avail;
		used = fs->inodes_total - fs->inodes_free;
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

/* The baseline is kept in the service (not ts->learned, which the state
 * file keeps for checksums only). */
static void
fsflags_test(struct svc *s, struct test_state *ts, bool scheduled)
{
	struct fs_status *fs = s->fs;
	const char *now = fs->mount.options;

	if (fs->flags_learned[0] == '\0') {
		strlcpy_v(fs->flags_learned, now, sizeof(fs->flags_learned));
		svc_test_result(s, ts, false, scheduled, "filesystem flags %s", now);
		return;
	}
	if (strcmp(fs->flags_learned, now) != 0) {
		char old[sizeof(fs->flags_learned)];

		strlcpy_v(old, fs->flags_learned, sizeof(old));
		strlcpy_v(fs->flags_learned, now, sizeof(fs->flags_learned));
		svc_test_result(s, ts, true, scheduled, "filesystem flags changed from %s to %s",
		    old, now);
		return;
	}
	svc_test_result(s, ts, false, scheduled, "filesystem flags %s", now);
}

/* This cycle's table (read now if it is not this cycle's, or for a check
 * between cycles); NULL when /proc/self/mountinfo cannot be read. */
static struct fs_table *
fs_table_get(struct engine *e, bool scheduled)
{
	struct fs_table *t;

	if (e->fs_table == NULL)
		e->fs_table = xcalloc(1, sizeof(struct fs_table));
	t = e->fs_table;
	if (scheduled && t->valid && t->cycle == e->cycle)
		return t;
	if (!fs_table_load(t))
		return NULL;
	t->cycle = e->cycle;
	return t;
}

void
check_filesystem(struct svc *s, const struct stat *st, bool scheduled)
{
	struct fs_table *t = fs_table_get(s->e, scheduled);
	struct fs_table_row *r = t != NULL ? fs_table_match(t, s->cf->path, st) : NULL;
	struct fs_status *fs;
	bool usage;

	if (s->fs == NULL)
		s->fs = xcalloc(1, sizeof(*s->fs));
	fs = s->fs;
	fs->have_mount = r != NULL;
	if (r != NULL)
		fs_mount_from(&fs->mount, &r->m);
	else
		memset(&fs->mount, 0, sizeof(fs->mount));
	if (r != NULL && !r->usage_read) {
		r->usage_read = true;
		r->usage_ok = statvfs(r->m.mountpoint, &r->v) == 0;
		r->usage_err = r->usage_ok ? 0 : errno;
	}
	usage = r != NULL && r->usage_ok;
	fs->have_usage = usage;
	if (usage) {
		const struct statvfs *v = &r->v;

		fs->block_size = v->f_frsize;
		fs->space_total = (uint64_t)v->f_blocks * v->f_frsize;
		fs->space_free = (uint64_t)v->f_bfree * v->f_frsize;
		fs->space_avail = (uint64_t)v->f_bavail * v->f_frsize;
		fs->inodes_total = v->f_files;
		fs->inodes_free = v->f_ffree;
		fs->inodes_avail = v->f_favail;
	}
	if (r != NULL && scheduled)
		fs_io_update(fs, r);
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];

		switch (ts->t->kind) {
		case TEST_SPACE:
		case TEST_INODE:
			if (usage)
				usage_test(s, ts, scheduled);
			else
				svc_test_result(s, ts, true, scheduled,
				    "cannot read filesystem usage of %s: %s", s->cf->path,
				    r != NULL ? strerror(r->usage_err) : "no such mount");
			break;
		case TEST_FSFLAGS:
			if (fs->have_mount)
				fsflags_test(s, ts, scheduled);
			break;
		case TEST_DISKIO:
			if (scheduled)
				diskio_test(s, ts, scheduled);
			break;
		default:
			break;
		}
	}
}
