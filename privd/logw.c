/* privd writes the log for every process: lines
 *   [YYYY-MM-DD HH:MM:SS] <proc>: <level>: text
 * to CONFIG.logfile, or to syslog, and to stderr in the foreground (or until
 * CONFIG names a destination).  A failing write (disk full) never stops
 * privd: a line is written whole or not at all, lost lines are counted and
 * the count is reported once writing works again.  Lines before the log is configured are kept (bounded) and written
 * when it is. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/logchain.h"
#include "common/pathcheck.h"
#include "common/util.h"
#include "privd/privd.h"

#define EARLY_MAX 64

static int log_fd = -1;
static bool use_syslog;
static bool to_stderr = true;
static bool configured;
static unsigned long dropped;
/* Lines before CONFIG: kept apart (who, level, text) so that syslog gets
 * them as its own lines with their priority, not the file's format. */
static struct early_line {
	char proc[16];
	enum log_level level;
	time_t when;
	char *text;
} early[EARLY_MAX];
static size_t nearly;
static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
static char pidfile_path[MSG_PATH_LEN];
static char log_path[MSG_PATH_LEN];	/* the open log file, for logw_reopen */

void
sanitize_text(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static bool
privd_sink(enum log_level level, const char *line, void *arg)
{
	(void)arg;
	logw_line("privd", level, line);
	return true;
}

void
logw_init(void)
{
	to_stderr = true;
	log_set_sink(privd_sink, NULL);
}

static void
format_line(char *out, size_t outlen, time_t t, const char *proc,
    enum log_level level, const char *text)
{
	struct tm tm;
	char ts[32];

	if (localtime_r(&t, &tm) == NULL || strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strlcpy_v(ts, "0000-00-00 00:00:00", sizeof(ts));
	snprintf(out, outlen, "[%s] %s: %s: %s\n", ts, proc, log_level_name(level), text);
}

/* The whole line in one write, or none of it: a short write (disk full) is
 * cut off again, so the file never holds a torn line that the next one
 * would be glued to. */
static bool
write_line(const char *line)
{
	char sealed[MSG_LOGLINE_LEN + 256 + LOGCHAIN_SUFFIX_LEN + 2];
	size_t len;
	struct stat st;
	ssize_t n;

	line = logchain_writer_seal(line, sealed, sizeof(sealed));
	len = strlen(line);
	do
		n = write(log_fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len) {
		logchain_writer_written();
		return true;
	}
	if (n > 0 && fstat(log_fd, &st) == 0 && st.st_size >= n &&
	    ftruncate(log_fd, st.st_size - n) < 0) {
		/* nothing more to do: the line is counted as lost */
	}
	return false;
}

static bool
write_file(const char *line)
{
	char text[96], note[256];

	if (log_fd < 0)
		return false;
	if (dropped > 0) {
		snprintf(text, sizeof(text), "%lu log lines were lost (write failed)", dropped);
		format_line(note, sizeof(note), time(NULL), "privd", LOG_LVL_WARN, text);
		if (!write_line(note))
			return false;
		dropped = 0;
	}
	return write_line(line);
}

/* A configured log: syslog (its own format) or the file (line). */
static void
emit(const char *proc, enum log_level level, const char *text, const char *line)
{
	if (use_syslog)
		syslog(syslog_prio[level], "%s: %s", proc, text);
	else if (log_fd >= 0 && !write_file(line))
		dropped++;
}

void
logw_line(const char *proc, enum log_level level, const char *text)
{
	char clean[MSG_LOGLINE_LEN + 64];
	char line[sizeof(clean) + 128];

	if (level > LOG_LVL_MAX)
		level = LOG_LVL_ERR;
	if (level == LOG_LVL_DEBUG && log_verbose() < 1)
		return;
	strlcpy_v(clean, text, sizeof(clean));
	sanitize_text(clean);
	format_line(line, sizeof(line), time(NULL), proc, level, clean);
	if (to_stderr && fputs(line, stderr) == EOF)
		clearerr(stderr);
	if (!configured) {
		if (nearly < EARLY_MAX) {
			strlcpy_v(early[nearly].proc, proc, sizeof(early[nearly].proc));
			early[nearly].level = level;
			early[nearly].when = time(NULL);
			early[nearly].text = xstrdup(clean);
			nearly++;
		}
		return;
	}
	emit(proc, level, clean, line);
}

/* A chained log file was opened: its segment start line first. */
static void
chain_start(void)
{
	char text[96];
	const char *t = logchain_writer_opened(log_fd, text, sizeof(text));

	if (t != NULL)
		logw_line("privd", LOG_LVL_INFO, t);
}

void
logw_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_path[0] = '\0';
	logchain_writer_enable(false);
	if (use_syslog)
		closelog();
	use_syslog = false;
}

/* A file root writes or trusts (log file, pidfile): in a directory only root
 * can write (common/pathcheck.h), opened relative to it with O_NOFOLLOW, and
 * a regular file owned by root, not writable by group or others.  -1 with
 * why ("PATH: ...") otherwise. */
static int
open_root_file(const char *path, int flags, char *why, size_t whylen)
{
	const char *base;
	struct stat st;
	int dfd, fd, e;

	if ((dfd = path_open_root_dir(path, &base, why, whylen)) < 0)
		return -1;
	fd = openat(dfd, base, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0640);
	e = errno;
	close(dfd);
	if (fd < 0) {
		snprintf(why, whylen, "%.300s: %s%s", path, strerror(e),
		    e == ELOOP ? " (a symbolic link: refused)" : "");
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		snprintf(why, whylen, "%.300s: not a regular file", path);
	else if (st.st_uid != 0)
		snprintf(why, whylen, "%.300s: owned by uid %u, not root", path,
		    (unsigned)st.st_uid);
	else if (st.st_mode & 022)
		snprintf(why, whylen, "%.300s: writable by group or others (mode %04o)", path,
		    (unsigned)(st.st_mode & 07777));
	else
		return fd;
	close(fd);
	errno = EACCES;
	return -1;
}

void
logw_configure(const struct msg_config *cf)
{
	bool was_configured = configured;

	logw_close();
	configured = true;
	if (cf->log_syslog) {
		openlog("vigil", LOG_PID | LOG_NDELAY, (int)cf->syslog_facility << 3);
		use_syslog = true;
	} else if (cf->logfile[0] != '\0') {
		char why[PATH_MAX + 256];

		/* chained: read back too, for the last value (logchain_writer.c) */
		logchain_writer_enable(cf->log_chained != 0);
		log_fd = open_root_file(cf->logfile, (cf->log_chained ? O_RDWR : O_WRONLY) |
		    O_APPEND | O_CREAT, why, sizeof(why));
		if (log_fd >= 0) {
			strlcpy_v(log_path, cf->logfile, sizeof(log_path));
			chain_start();
		} else
			logchain_writer_enable(false);
		if (log_fd < 0) {
			openlog("vigil", LOG_PID | LOG_NDELAY, LOG_DAEMON);
			use_syslog = true;
			log_err("not using log file %s; logging to syslog", why);
		}
	}
	/* Without a log file the daemon's lines go to stderr (the default of
	 * the BRIEF); daemonized that is /dev/null. */
	if (!was_configured) {
		for (size_t i = 0; i < nearly; i++) {
			struct early_line *e = &early[i];
			char line[MSG_LOGLINE_LEN + 256];

			format_line(line, sizeof(line), e->when, e->proc, e->level, e->text);
			emit(e->proc, e->level, e->text, line);
			free(e->text);
			e->text = NULL;
		}
		nearly = 0;
	}
}

/* SIGUSR1, after logrotate moved the file away: open the path anew and
 * write there.  If that fails the old descriptor stays, so no line is lost. */
void
logw_reopen(void)
{
	char why[PATH_MAX + 256];
	int fd;

	if (log_fd < 0 || log_path[0] == '\0')
		return;
	/* the same checks as at start: a file planted in the rotated one's
	 * place is refused, never appended to */
	fd = open_root_file(log_path, (logchain_writer_on() ? O_RDWR : O_WRONLY) |
	    O_APPEND | O_CREAT, why, sizeof(why));
	if (fd < 0) {
		log_err("cannot reopen log file %s; still writing to the old one", why);
		return;
	}
	close(log_fd);
	log_fd = fd;
	chain_start();
	log_info("SIGUSR1: log file %s reopened", log_path);
}

void
logw_detached(void)
{
	to_stderr = false;
}

/* The pid of another live vigild named by the pidfile at path, or 0.  The
 * file is only read (O_NOFOLLOW, bounded, strict decimal), and the pid must
 * be a running vigild: a stale file left by a crash is no obstacle. */
pid_t
pidfile_other_running(const char *path)
{
	char buf[32], exe[64], target[PATH_MAX], why[PATH_MAX + 256];
	const char *base;
	struct stat st;
	long pid = 0;
	ssize_t n;
	int fd;

	fd = open_root_file(path, O_RDONLY, why, sizeof(why));
	if (fd < 0) {
		/* Nothing there, or a file others could have planted: either
		 * way it cannot stop this vigild. */
		if (errno != ENOENT)
			log_warn("pidfile not trusted: %s", why);
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n && buf[i] != '\n'; i++) {
		if (buf[i] < '0' || buf[i] > '9' || pid > 4194304)
			return 0;
		pid = pid * 10 + (buf[i] - '0');
	}
	if (pid <= 0 || pid == (long)getpid())
		return 0;
	/* A vigild is root's: a process of another user named so is not one. */
	snprintf(exe, sizeof(exe), "/proc/%ld", pid);
	if (stat(exe, &st) < 0 || st.st_uid != 0)
		return 0;
	snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
	n = readlink(exe, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	/* "vigild", or "vigild (deleted)" after an upgrade */
	if (strncmp(base, "vigild", 6) != 0 || (base[6] != '\0' && base[6] != ' '))
		return 0;
	return (pid_t)pid;
}

bool
pidfile_write(const char *path)
{
	char tmp[NAME_MAX + 1], buf[32], why[PATH_MAX + 256];
	const char *base;
	int dfd, fd, n;

	if ((dfd = path_open_root_dir(path, &base, why, sizeof(why))) < 0) {
		log_err("not writing the pidfile: %s", why);
		return false;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", base) >= (int)sizeof(tmp)) {
		log_err("pidfile %s: name too long", path);
		close(dfd);
		return false;
	}
	(void)unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("cannot write pidfile %s.tmp: %s", path, strerror(errno));
		close(dfd);
		return false;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (!write_all(fd, buf, (size_t)n) || fsync(fd) < 0) {
		log_err("cannot write pidfile %s.tmp: %s", path, strerror(errno));
		close(fd);
		(void)unlinkat(dfd, tmp, 0);
		close(dfd);
		return false;
	}
	close(fd);
	if (renameat(dfd, tmp, dfd, base) < 0) {
		log_err("cannot rename %s.tmp to %s: %s", path, path, strerror(errno));
		(void)unlinkat(dfd, tmp, 0);
		close(dfd);
		return false;
	}
	close(dfd);
	if (pidfile_path[0] != '\0' && strcmp(pidfile_path, path) != 0)
		pidfile_remove();
	strlcpy_v(pidfile_path, path, sizeof(pidfile_path));
	return true;
}

void
pidfile_remove(void)
{
	if (pidfile_path[0] != '\0' && unlink(pidfile_path) < 0 && errno != ENOENT)
		log_warn("cannot remove pidfile %s: %s", pidfile_path, strerror(errno));
	pidfile_path[0] = '\0';
}
