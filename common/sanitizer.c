/* Sanitizer report files and the children's sanitizer environment (see
 * sanitizer.h).  Compiled to nothing outside a sanitizer build. */
#include "common/sanitizer.h"

#ifdef VIGIL_SANITIZER
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The runtimes' interface (sanitizer/common_interface_defs.h). */
void __sanitizer_set_report_fd(void *fd);
void __sanitizer_set_report_path(const char *path);

typedef void (*set_fd_fn)(void *);
typedef void (*set_path_fn)(const char *);

void
sanitizer_report_open(const char *who)
{
	const char *dir = getenv("VIGIL_SANITIZER_DIR");
	char path[4096];
	void *ubsan;
	int fd;

	if (dir == NULL || *dir == '\0')
		return;
	if (snprintf(path, sizeof(path), "%s/%s", dir, who) >= (int)sizeof(path))
		return;
	/* After a fork (daemonizing) the runtime reopens PATH.PID itself. */
	__sanitizer_set_report_path(path);
	if (snprintf(path, sizeof(path), "%s/%s.%ld", dir, who, (long)getpid()) >=
	    (int)sizeof(path))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		dprintf(2, "%s: sanitizer report file %s: %m (reports go to stderr)\n",
		    who, path);
		return;
	}
	__sanitizer_set_report_fd((void *)(intptr_t)fd);
	/* GCC links UBSan as its own library with its own report file. */
	ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (ubsan != NULL) {
		set_fd_fn set_fd = (set_fd_fn)(uintptr_t)dlsym(ubsan, "__sanitizer_set_report_fd");
		set_path_fn set_path =
		    (set_path_fn)(uintptr_t)dlsym(ubsan, "__sanitizer_set_report_path");

		if (set_path != NULL) {
			(void)snprintf(path, sizeof(path), "%s/%s", dir, who);
			set_path(path);
		}
		if (set_fd != NULL)
			set_fd((void *)(intptr_t)fd);
	}
}

const char *const *
sanitizer_child_env(const char *const *base)
{
	static char asan[2048], ubsan[2048], dir[2048];
	static const char *env[16];
	const char *v;
	size_t n = 0;

	for (; base[0] != NULL && n < 10; base++)
		env[n++] = base[0];
	v = getenv("ASAN_OPTIONS");
	(void)snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sdetect_leaks=0",
	    v != NULL ? v : "", v != NULL && *v != '\0' ? ":" : "");
	env[n++] = asan;
	if ((v = getenv("UBSAN_OPTIONS")) != NULL &&
	    snprintf(ubsan, sizeof(ubsan), "UBSAN_OPTIONS=%s", v) < (int)sizeof(ubsan))
		env[n++] = ubsan;
	if ((v = getenv("VIGIL_SANITIZER_DIR")) != NULL &&
	    snprintf(dir, sizeof(dir), "VIGIL_SANITIZER_DIR=%s", v) < (int)sizeof(dir))
		env[n++] = dir;
	env[n] = NULL;
	return env;
}
#endif
