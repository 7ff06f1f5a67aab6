/* Sans-I/O protocol code: pure functions over bytes. */
#include <stdio.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/checks/netproto.h"

int
http_status_parse(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	size_t i;
	int code = 0;

	if (len >= 5 && memcmp(buf, "HTTP/", 5) != 0)
		return HTTP_GARBAGE;
	if (len < 5 && memcmp(buf, "HTTP/", len) != 0)
		return HTTP_GARBAGE;
	if (nl == NULL)
		return len > 1024 ? HTTP_GARBAGE : HTTP_INCOMPLETE;
	/* "HTTP/" 1*DIGIT "." 1*DIGIT SP 3DIGIT */
	i = 5;
	if (i >= len || buf[i] < '0' || buf[i] > '9')
		return HTTP_GARBAGE;
	while (i < len && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (i < len && buf[i] == '.') {
		i++;
		if (i >= len || buf[i] < '0' || buf[i] > '9')
			return HTTP_GARBAGE;
		while (i < len && buf[i] >= '0' && buf[i] <= '9')
			i++;
	}
	if (i >= len || buf[i] != ' ')
		return HTTP_GARBAGE;
	i++;
	for (int k = 0; k < 3; k++, i++) {
		if (i >= len || buf[i] < '0' || buf[i] > '9')
			return HTTP_GARBAGE;
		code = code * 10 + (buf[i] - '0');
	}
	if (i < len && buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\n')
		return HTTP_GARBAGE;
	if (code < 100)
		return HTTP_GARBAGE;
	return code;
}

bool
http_status_ok(int code, int op, int status)
{
	/* Monit: "status OP N" is what a good answer looks like; without it
	 * any status below 400 passes. */
	switch (op) {
	case OP_LT: return code < status;
	case OP_LE: return code <= status;
	case OP_GT: return code > status;
	case OP_GE: return code >= status;
	case OP_EQ: return code == status;
	case OP_NE: return code != status;
	default: return code < 400;
	}
}

size_t
http_build_request(char *out, size_t cap, const char *path, const char *host)
{
	int n;

	if (strlen(path) > 1024 || strpbrk(path, "\r\n ") != NULL || path[0] != '/')
		path = "/";
	if (strlen(host) > 255 || strpbrk(host, "\r\n ") != NULL)
		host = "localhost";
	n = snprintf(out, cap, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: vigil\r\n"
	    "Accept: */*\r\nConnection: close\r\n\r\n", path, host);
	if (n < 0 || (size_t)n >= cap)
		return 0;
	return (size_t)n;
}
