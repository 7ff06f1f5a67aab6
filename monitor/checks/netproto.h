/* Sans-I/O protocol pieces of the connection tests. */
#ifndef VIGIL_NETPROTO_H
#define VIGIL_NETPROTO_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_INCOMPLETE (-1)
#define HTTP_GARBAGE (-2)

/* The status code of an HTTP status line at the start of buf, or
 * HTTP_INCOMPLETE (no line end yet) or HTTP_GARBAGE. */
int http_status_parse(const char *buf, size_t len);
/* Is code acceptable: with a comparison (enum cmp_op, status) as written, or
 * below 400 without one. */
bool http_status_ok(int code, int op, int status);
/* A GET request; returns its length (truncated requests are not produced:
 * an over-long path is replaced by "/"). */
size_t http_build_request(char *out, size_t cap, const char *path,
    const char *host);

#endif
