/* Reading /proc: the per-cycle process table, pid files, system figures.
 * Every read is bounded; a malformed line means "no data", never a crash. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/engine/engine.h"

#define PID_LIMIT 4194304	/* PID_MAX_LIMIT of Linux */

long
proc_clk_tck(void)
{
	static long hz;

	if (hz <= 0) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
	}
	return hz;
}

/* Read at most cap-1 bytes of a file; returns the length or -1. */
static ssize_t
read_small(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < cap - 1) {
		ssize_t r = read(fd, buf + got, cap - 1 - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

/* /proc/PID/stat in one read: procfs renders the whole file for a read
 * with room for it, so no second read for the end of the file.  Three
 * syscalls per process on every cycle instead of six (the table is read
 * every cycle). */
static ssize_t
read_proc_stat(int procfd, const char *pid, char *buf, size_t cap)
{
	char path[32];
	ssize_t r;
	int fd;

	if (snprintf(path, sizeof(path), "%s/stat", pid) >= (int)sizeof(path))
		return -1;
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	do
		r = read(fd, buf, cap - 1);
	while (r < 0 && errno == EINTR);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return r;
}

pid_t
pidfile_parse(const char *buf, size_t len)
{
	size_t i = 0;
	uint64_t v = 0;
	size_t digits = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	while (i < len && buf[i] >= '0' && buf[i] <= '9') {
		v = v * 10 + (uint64_t)(buf[i] - '0');
		if (v > PID_LIMIT)
			return -1;
		digits++;
		i++;
	}
	if (digits == 0 || v == 0)
		return -1;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
	    buf[i] == '\r'))
		i++;
	if (i != len)
		return -1;
	return (pid_t)v;
}

pid_t
pidfile_read(const char *path)
{
	char buf[64];
	ssize_t n;

	if (path == NULL)
		return -1;
	n = read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n <= 0 || (size_t)n >= sizeof(buf) - 1)
		return -1;
	return pidfile_parse(buf, (size_t)n);
}

/* Parse /proc/PID/stat: the comm field may hold anything, so the fields
 * after it are found from the last ')'. */
bool
proc_parse_stat(const char *buf, struct proc_entry *pe)
{
	const char *p = strrchr(buf, ')');
	unsigned long long f[50];
	int nf = 0;
	char state;

	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return false;
	state = p[2];
	p += 3;
	/* fields 4.. (ppid is field 4) */
	while (*p != '\0' && nf < 50) {
		char *end;

		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		if (*p == '-') {	/* negative fields (priority): keep 0 */
			strtoll(p, &end, 10);
			f[nf++] = 0;
		} else {
			errno = 0;
			f[nf++] = strtoull(p, &end, 10);
			if (errno != 0)
				return false;
		}
		if (end == p)
			return false;
		p = end;
	}
	/* field k is f[k - 4] */
	if (nf < 21)
		return false;
	pe->state = state;
	pe->ppid = (pid_t)f[0];
	pe->ticks = f[14 - 4] + f[15 - 4];
	pe->threads = (uint32_t)f[20 - 4];
	pe->start_ticks = f[22 - 4];
	pe->rss_bytes = f[24 - 4] * (uint64_t)sysconf(_SC_PAGESIZE);
	return true;
}

bool
proc_read_one(pid_t pid, struct proc_entry *out)
{
	char path[64], buf[1024];

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return false;
	out->pid = pid;
	return proc_parse_stat(buf, out);
}

bool
proc_alive(pid_t pid, uint64_t *start_ticks)
{
	struct proc_entry pe;

	if (pid <= 0 || !proc_read_one(pid, &pe))
		return false;
	if (pe.state == 'Z' || pe.state == 'X')
		return false;
	if (start_ticks != NULL)
		*start_ticks = pe.start_ticks;
	return true;
}

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = ((const struct proc_entry *)a)->pid;
	pid_t y = ((const struct proc_entry *)b)->pid;

	return (x > y) - (x < y);
}

void
proc_table_clear(struct proc_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->p[i].cmdline);
	free(t->p);
	t->p = NULL;
	t->n = 0;
}

const struct proc_entry *
proc_table_find(const struct proc_table *t, pid_t pid)
{
	struct proc_entry key = { .pid = pid };

	if (t->n == 0)
		return NULL;
	return bsearch(&key, t->p, t->n, sizeof(key), cmp_pid);
}

char *
proc_cmdline_text(const char *raw, size_t n)
{
	char *out;

	if (n == 0)
		return NULL;
	out = xmalloc(n + 1);
	memcpy(out, raw, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
	return out;
}

static char *
read_cmdline(int pdir)
{
	char buf[4096];
	ssize_t n = read_small(pdir, "cmdline", buf, sizeof(buf));

	if (n <= 0)
		return NULL;
	return proc_cmdline_text(buf, (size_t)n);
}

void
proc_table_read(struct proc_table *t, bool want_cmdline)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t cap = 0;

	proc_table_clear(t);
	t->taken_ms = now_ms();
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char buf[1024];
		struct proc_entry pe;
		pid_t pid;
		int pdir;

		pid = pidfile_parse(de->d_name, strlen(de->d_name));
		if (pid <= 0)
			continue;
		memset(&pe, 0, sizeof(pe));
		pe.pid = pid;
		if (read_proc_stat(dirfd(d), de->d_name, buf, sizeof(buf)) <= 0 ||
		    !proc_parse_stat(buf, &pe) || pe.state == 'Z' || pe.state == 'X')
			continue;
		if (want_cmdline) {
			pdir = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (pdir < 0)
				continue;
			pe.cmdline = read_cmdline(pdir);
			close(pdir);
		}
		if (t->n == cap) {
			cap = cap ? cap * 2 : 256;
			t->p = xreallocarray(t->p, cap, sizeof(*t->p));
		}
		t->p[t->n++] = pe;
	}
	closedir(d);
	if (t->n == 0)
		return;
	qsort(t->p, t->n, sizeof(*t->p), cmp_pid);
	/* Descendant sums: walk each process up its parent chain (bounded by
	 * the table size, so a cycle from a racy read cannot loop forever). */
	for (size_t i = 0; i < t->n; i++) {
		t->p[i].total_rss += t->p[i].rss_bytes;
		t->p[i].total_ticks += t->p[i].ticks;
	}
	for (size_t i = 0; i < t->n; i++) {
		pid_t pp = t->p[i].ppid;
		size_t hops = 0;

		while (pp > 0 && hops++ < t->n) {
			const struct proc_entry *found = proc_table_find(t, pp);
			struct proc_entry *anc;

			if (found == NULL || found == &t->p[i])
				break;
			anc = &t->p[found - t->p];
			anc->children++;
			anc->total_rss += t->p[i].rss_bytes;
			anc->total_ticks += t->p[i].ticks;
			pp = anc->ppid;
		}
	}
}

static bool
meminfo_field(const char *buf, const char *name, uint64_t *out)
{
	const char *p = strstr(buf, name);
	unsigned long long kb;

	if (p == NULL || sscanf(p + strlen(name), " %llu", &kb) != 1)
		return false;
	*out = (uint64_t)kb * 1024;
	return true;
}

bool
sys_stat_parse(const char *loadavg, const char *meminfo, const char *stat,
    struct sys_stat *s)
{
	unsigned long long u, n, sy, id, io, irq, sirq, st;

	memset(s, 0, sizeof(*s));
	if (sscanf(loadavg, "%lf %lf %lf", &s->load[0], &s->load[1], &s->load[2]) != 3)
		return false;
	if (!meminfo_field(meminfo, "MemTotal:", &s->mem_total) ||
	    !meminfo_field(meminfo, "MemAvailable:", &s->mem_avail))
		return false;
	meminfo_field(meminfo, "SwapTotal:", &s->swap_total);
	meminfo_field(meminfo, "SwapFree:", &s->swap_free);
	st = 0;
	if (sscanf(stat, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
	    &u, &n, &sy, &id, &io, &irq, &sirq, &st) < 7)
		return false;
	s->cpu_user = u + n;
	s->cpu_system = sy + irq + sirq;
	s->cpu_wait = io;
	s->cpu_total = u + n + sy + id + io + irq + sirq + st;
	{
		const char *b = strstr(stat, "\nbtime ");
		unsigned long long bt;

		if (b != NULL && sscanf(b + 7, "%llu", &bt) == 1)
			s->boot_time = bt;
	}
	return true;
}

bool
proc_status_ids(const char *buf, struct proc_ids *ids)
{
	const char *u = strstr(buf, "\nUid:"), *g = strstr(buf, "\nGid:");
	unsigned long ru, eu, rg, eg;

	if (u == NULL || g == NULL || sscanf(u + 5, "%lu %lu", &ru, &eu) != 2 ||
	    sscanf(g + 5, "%lu %lu", &rg, &eg) != 2)
		return false;
	ids->uid = (uid_t)ru;
	ids->euid = (uid_t)eu;
	ids->gid = (gid_t)rg;
	ids->egid = (gid_t)eg;
	return true;
}

bool
proc_read_ids(pid_t pid, struct proc_ids *ids)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
	    proc_status_ids(buf, ids);
}

long
proc_count_fds(pid_t pid)
{
	char path[64];
	struct dirent *d;
	long n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (dir == NULL)
		return -1;	/* another user's process: ptrace rights needed */
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* /proc/PID/io: "name: decimal" lines.  Strict: each of the six counters
 * once, digits only, no overflow; other names (cancelled_write_bytes) are
 * skipped.  The text may come from privd (another user's process), which
 * passes the file's bytes on unread. */
bool
proc_io_parse(const char *buf, struct proc_io *io)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{ "rchar", offsetof(struct proc_io, rchar) },
		{ "wchar", offsetof(struct proc_io, wchar) },
		{ "syscr", offsetof(struct proc_io, syscr) },
		{ "syscw", offsetof(struct proc_io, syscw) },
		{ "read_bytes", offsetof(struct proc_io, read_bytes) },
		{ "write_bytes", offsetof(struct proc_io, write_bytes) },
	};
	unsigned seen = 0;
	const char *l = buf;

	memset(io, 0, sizeof(*io));
	while (*l != '\0') {
		const char *colon = strchr(l, ':'), *eol = strchr(l, '\n'), *p;
		uint64_t v = 0;
		size_t i;

		if (eol == NULL)
			eol = l + strlen(l);
		if (colon == NULL || colon > eol)
			return false;
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (strlen(f[i].name) == (size_t)(colon - l) &&
			    memcmp(l, f[i].name, (size_t)(colon - l)) == 0)
				break;
		p = colon + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (p == eol)
			return false;
		for (; p < eol; p++) {
			if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (i < sizeof(f) / sizeof(f[0])) {
			if (seen & (1u << i))
				return false;
			seen |= 1u << i;
			memcpy((char *)io + f[i].off, &v, sizeof(v));
		}
		l = *eol == '\n' ? eol + 1 : eol;
	}
	return seen == (1u << (sizeof(f) / sizeof(f[0]))) - 1;
}

bool
proc_read_io(pid_t pid, struct proc_io *io)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	return read_small(AT_FDCWD, path, buf, sizeof(buf)) > 0 && proc_io_parse(buf, io);
}

uint64_t
sys_uptime_s(void)
{
	char buf[128];
	double up;

	if (read_small(AT_FDCWD, "/proc/uptime", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%lf", &up) != 1 || up < 0)
		return 0;
	return (uint64_t)up;
}

long
proc_fd_limit(pid_t pid)
{
	char path[64], buf[4096];
	const char *l;
	long soft;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	if (read_small(AT_FDCWD, path, buf, sizeof(buf)) <= 0 ||
	    (l = strstr(buf, "Max open files")) == NULL)
		return -1;
	if (sscanf(l + 14, " %ld", &soft) != 1)
		return -1;	/* "unlimited" */
	return soft;
}

bool
sys_stat_read(struct sys_stat *s)
{
	char la[256], mi[8192], st[8192];

	memset(s, 0, sizeof(*s));
	if (read_small(AT_FDCWD, "/proc/loadavg", la, sizeof(la)) <= 0 ||
	    read_small(AT_FDCWD, "/proc/meminfo", mi, sizeof(mi)) <= 0 ||
	    read_small(AT_FDCWD, "/proc/stat", st, sizeof(st)) <= 0)
		return false;
	if (!sys_stat_parse(la, mi, st, s))
		return false;
	{
		unsigned long long used, unused, max;

		if (read_small(AT_FDCWD, "/proc/sys/fs/file-nr", la, sizeof(la)) > 0 &&
		    sscanf(la, "%llu %llu %llu", &used, &unused, &max) == 3) {
			s->fd_used = used;
			s->fd_max = max;
		}
	}
	return true;
}
