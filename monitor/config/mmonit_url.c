/* `set mmonit` URLs taken apart: scheme, user:password, host (a name, an
 * IPv4 address or a bracketed IPv6 address), port, path.  Bytes that could
 * end the request line or a header (control bytes, spaces) are refused, so
 * the URL cannot add lines to the request the monitor sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/config/config.h"

#define MMONIT_URL_MAX		1024

static bool
why_false(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return false;
}

static bool
host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == ':';
}

bool
mmonit_url_parse(const char *url, struct mmonit_url *u, char *why, size_t whylen)
{
	const char *s, *auth_end, *host_end, *path;
	size_t n = strlen(url);

	memset(u, 0, sizeof(*u));
	if (n > MMONIT_URL_MAX)
		return why_false(why, whylen, "the URL is longer than 1024 bytes");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return why_false(why, whylen, "control bytes or spaces");
	if (strncasecmp(url, "http://", 7) == 0) {
		s = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		s = url + 8;
		u->ssl = true;
	} else {
		return why_false(why, whylen, "not an http:// or https:// URL");
	}
	path = s + strcspn(s, "/?#");
	auth_end = memrchr(s, '@', (size_t)(path - s));
	if (auth_end != NULL) {
		const char *colon = memchr(s, ':', (size_t)(auth_end - s));

		if (colon == NULL)
			return why_false(why, whylen, "user without ':password'");
		u->user = xstrndup(s, (size_t)(colon - s));
		u->password = xstrndup(colon + 1, (size_t)(auth_end - colon - 1));
		s = auth_end + 1;
	}
	if (*s == '[') {
		host_end = memchr(s, ']', (size_t)(path - s));
		if (host_end == NULL)
			return why_false(why, whylen, "'[' without ']'");
		u->host = xstrndup(s + 1, (size_t)(host_end - s - 1));
		host_end++;
	} else {
		host_end = memchr(s, ':', (size_t)(path - s));
		if (host_end == NULL)
			host_end = path;
		u->host = xstrndup(s, (size_t)(host_end - s));
	}
	if (u->host[0] == '\0')
		return why_false(why, whylen, "no host");
	for (const char *h = u->host; *h; h++)
		if (!host_char_ok(*h))
			return why_false(why, whylen, "the host has a byte that is not "
			    "a letter, digit, '-', '.', '_' or ':'");
	u->port = u->ssl ? 443 : 80;
	if (host_end < path) {
		char *end;
		long port;

		if (*host_end != ':' || host_end + 1 == path)
			return why_false(why, whylen, "bytes after the host");
		port = strtol(host_end + 1, &end, 10);
		if (end != path || port < 1 || port > 65535)
			return why_false(why, whylen, "the port is not 1 to 65535");
		u->port = (int)port;
	}
	if (*path == '#' )
		return why_false(why, whylen, "a fragment without a path");
	u->path = xstrdup(*path == '\0' ? "/collector" : path);
	if (u->path[0] == '?')
		return why_false(why, whylen, "a query without a path");
	u->url = xstrdup(url);
	u->timeout_s = 5;
	return true;
}

void
mmonit_url_free(struct mmonit_url *u)
{
	if (u == NULL)
		return;
	free(u->url);
	free(u->host);
	free(u->path);
	free(u->user);
	if (u->password != NULL) {
		explicit_bzero(u->password, strlen(u->password));
		free(u->password);
	}
	free(u);
}
