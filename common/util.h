/* Small utilities shared by every process. */
#ifndef VIGIL_UTIL_H
#define VIGIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Copy with truncation, always NUL-terminated; returns strlen(src). */
size_t strlcpy_v(char *dst, const char *src, size_t size);

/* Monotonic clock in milliseconds and microseconds. */
uint64_t now_ms(void);
/* A token bucket: at most burst tokens, per_s more each second; one per
 * take (IPC rate limits, privd's per-child log lines). */
struct token_bucket {
	uint32_t burst, per_s;
	uint64_t tokens_milli, last_ms;
};
void token_bucket_init(struct token_bucket *b, uint32_t burst, uint32_t per_s);
bool token_bucket_take(struct token_bucket *b);
uint64_t now_us(void);

/* Full path of a sibling binary: the directory of /proc/self/exe first (a
 * build tree), then LIBEXECDIR.  Returns false when neither is executable. */
bool exec_path(const char *name, char *out, size_t outlen);

/* Close every descriptor >= lowfd. */
void close_from(int lowfd);

/* Write all of buf; false on error. */
bool write_all(int fd, const void *buf, size_t len);

/* Set O_NONBLOCK / FD_CLOEXEC. */
int set_nonblock(int fd);
int set_cloexec(int fd, bool on);

#endif
