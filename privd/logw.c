/* privd writes the log for every process: lines
 *   [YYYY-MM-DD HH:MM:SS] <proc>: <level>: text
 * to CONFIG.logfile, or to syslog, and to stderr in the foreground (or until
 * CONFIG names a destination).  A failing write (disk full) never stops
 * privd: lost lines are counted and the count is reported once writing works
 * again.  Lines before the log is configured are kept (bounded) and written
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
format_line_at(char *out, size_t outlen, time_t t, const char *proc,
    enum log_level level, const char *text)
{
	struct tm tm;
	char ts[32];

	if (localtime_r(&t, &tm) == NULL || strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strlcpy_v(ts, "0000-00-00 00:00:00", sizeof(ts));
	snprintf(out, outlen, "[%s] %s: %s: %s\n", ts, proc, log_level_name(level), text);
}

static void
format_line(char *out, size_t outlen, const char *proc, enum log_level level,
    const char *text)
{
	format_line_at(out, outlen, time(NULL), proc, level, text);
}

static bool
write_file(const char *line)
{
	char text[96], note[256];

	if (log_fd < 0)
		return false;
	if (dropped > 0) {
		snprintf(text, sizeof(text), "%lu log lines were lost (write failed)", dropped);
		format_line(note, sizeof(note), "privd", LOG_LVL_WARN, text);
		if (!write_all(log_fd, note, strlen(note)))
			return false;
		dropped = 0;
	}
	return write_all(log_fd, line, strlen(line));
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
	format_line(line, sizeof(line), proc, level, clean);
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
	if (use_syslog)
		syslog(syslog_prio[level], "%s: %s", proc, clean);
	else if (log_fd >= 0 && !write_file(line))
		dropped++;
}

void
logw_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_path[0] = '\0';
	if (use_syslog)
		closelog();
	use_syslog = false;
}

/* Open the log file for appending, or -1 with *err set.  root appends only
 * to a regular file at an absolute path: never a device, a fifo or through
 * a symlink. */
static int
open_log_file(const char *path, int *err)
{
	struct stat st;
	int fd;

	*err = EINVAL;
	if (path[0] != '/')
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK, 0640);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
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
		int e = EINVAL;

		log_fd = open_log_file(cf->logfile, &e);
		if (log_fd >= 0)
			strlcpy_v(log_path, cf->logfile, sizeof(log_path));
		if (log_fd < 0) {
			openlog("vigil", LOG_PID | LOG_NDELAY, LOG_DAEMON);
			use_syslog = true;
			log_err("cannot use log file %s: %s; logging to syslog", cf->logfile,
			    e == EINVAL ? "not an absolute path to a regular file" : strerror(e));
		}
	}
	/* Without a log file the daemon's lines go to stderr (the default of
	 * the BRIEF); daemonized that is /dev/null. */
	if (!was_configured) {
		for (size_t i = 0; i < nearly; i++) {
			struct early_line *e = &early[i];
			char line[MSG_LOGLINE_LEN + 256];

			format_line_at(line, sizeof(line), e->when, e->proc, e->level,
			    e->text);
			if (use_syslog)
				syslog(syslog_prio[e->level], "%s: %s", e->proc, e->text);
			else if (log_fd >= 0 && !write_file(line))
				dropped++;
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
	int fd, e;

	if (log_fd < 0 || log_path[0] == '\0')
		return;
	fd = open_log_file(log_path, &e);
	if (fd < 0) {
		log_err("cannot reopen log file %s: %s; still writing to the old one", log_path,
		    e == EINVAL ? "not a regular file" : strerror(e));
		return;
	}
	close(log_fd);
	log_fd = fd;
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
	char buf[32], exe[64], target[PATH_MAX];
	const char *base;
	long pid = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
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
	char tmp[MSG_PATH_LEN + 16], buf[32];
	int fd, n;

	if (path[0] != '/') {
		log_err("pidfile %s is not an absolute path", path);
		return false;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return false;
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("cannot write pidfile %s: %s", tmp, strerror(errno));
		return false;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (!write_all(fd, buf, (size_t)n) || fsync(fd) < 0) {
		log_err("cannot write pidfile %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return false;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		log_err("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return false;
	}
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
