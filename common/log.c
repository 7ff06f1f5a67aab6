#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static const char *log_name = "vigil";
static int log_verbosity;
static log_sink_fn log_sink;
static void *log_sink_arg;
static bool log_in_sink;
static bool log_stderr_bare;

void
log_init(const char *procname, int verbose)
{
	log_name = procname;
	log_verbosity = verbose;
}

void
log_set_sink(log_sink_fn sink, void *arg)
{
	log_sink = sink;
	log_sink_arg = arg;
}

void
log_set_stderr_bare(bool bare)
{
	log_stderr_bare = bare;
}

void
log_set_verbose(int verbose)
{
	log_verbosity = verbose;
}

int
log_verbose(void)
{
	return log_verbosity;
}

const char *
log_procname(void)
{
	return log_name;
}

const char *
log_level_name(enum log_level level)
{
	switch (level) {
	case LOG_LVL_ERR:
		return "error";
	case LOG_LVL_WARN:
		return "warning";
	case LOG_LVL_INFO:
		return "info";
	case LOG_LVL_DEBUG:
		return "debug";
	}
	return "?";
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (level == LOG_LVL_DEBUG && log_verbosity < 1)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* A line never carries a newline or control byte into the log: a
	 * logged value from a hostile peer must not forge a second entry. */
	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* The sink may log itself (a failed send): avoid recursion. */
	if (log_sink != NULL && !log_in_sink) {
		bool ok;

		log_in_sink = true;
		ok = log_sink(level, line, log_sink_arg);
		log_in_sink = false;
		if (ok)
			return;
	}
	if (log_stderr_bare) {
		fprintf(stderr, "%s\n", line);
		return;
	}
	fprintf(stderr, "%s: %s%s%s\n", log_name,
	    level <= LOG_LVL_WARN ? log_level_name(level) : "",
	    level <= LOG_LVL_WARN ? ": " : "", line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char msg[768];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_LVL_ERR, "fatal: %s: %s", msg, strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_LVL_ERR, "fatal: %s", msg);
	exit(1);
}
