/* Sanitizer reports that a test can find (ASan/UBSan builds only).
 *
 * `make asan-integration` runs the real daemon built with
 * -fsanitize=address,undefined.  A report must fail the test even when the
 * process that wrote it kept running or was restarted by privd, so each
 * process writes its reports to a file of its own in VIGIL_SANITIZER_DIR,
 * which the test's teardown reads.  The file is opened at the start of main,
 * before any chroot, Landlock or seccomp (the sanitizer runtime opens its
 * log_path lazily, at the first report, when a sandboxed child can no longer
 * open anything).  privd passes the sanitizer's variables to its children,
 * whose environment is otherwise only PATH.
 *
 * In a normal build both functions are empty inlines: nothing here exists. */
#ifndef VIGIL_SANITIZER_H
#define VIGIL_SANITIZER_H

#ifdef VIGIL_SANITIZER
/* With VIGIL_SANITIZER_DIR set: open DIR/WHO.PID (close-on-exec) and make
 * it the report file of ASan and of UBSan.  Silent when unset; a warning on
 * stderr when the file cannot be opened (the reports then go to stderr). */
void sanitizer_report_open(const char *who);

/* The environment for a child privd starts: BASE plus the sanitizer's
 * variables from privd's own environment, with detect_leaks=0 appended to
 * ASAN_OPTIONS (LeakSanitizer needs /proc and ptrace at exit, which the
 * children's sandbox forbids; `make asan` checks leaks in the unit tests).
 * Uses static storage only: safe between fork and execve. */
const char *const *sanitizer_child_env(const char *const *base);
#else
static inline void sanitizer_report_open(const char *who) { (void)who; }
static inline const char *const *sanitizer_child_env(const char *const *base) { return base; }
#endif

#endif
