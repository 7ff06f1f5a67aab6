/* Logging for every vigil process.
 *
 * Each line carries the process name.  privd owns the log file; children hand
 * their lines to a sink (the IPC channel to privd) once it is installed, and
 * write to stderr before that. */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3,
	LOG_LVL_MAX = LOG_LVL_DEBUG,
};

/* Where lines go once set; returns false when the line could not be handed on
 * (then it goes to stderr). */
typedef bool (*log_sink_fn)(enum log_level level, const char *line, void *arg);

void log_init(const char *procname, int verbose);
void log_set_sink(log_sink_fn sink, void *arg);
/* Lines that fall back to stderr carry only their text: for a child whose
 * stderr privd reads, which adds the child's name and a level itself (the
 * log showed "monitor: warning: monitor: error: ..."). */
void log_set_stderr_bare(bool bare);
void log_set_verbose(int verbose);
int log_verbose(void);
const char *log_procname(void);
const char *log_level_name(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_err(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

/* fatal(): a system call failed (appends strerror(errno)); fatalx(): a logic
 * error.  Both log and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
