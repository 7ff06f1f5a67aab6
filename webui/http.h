/* Sans-I/O HTTP/1.1 request parser: bytes in, a parsed request or an HTTP
 * error status out.  No descriptor, no allocation, no clock.
 *
 * Strictness (decided here, documented in SECURITY.md):
 *  - lines end with CRLF; a bare LF or bare CR anywhere in the head is 400
 *    (one framing rule, no request-smuggling ambiguity with proxies);
 *  - methods GET and POST; any other token is 501, a non-token 400;
 *  - versions HTTP/1.0 and HTTP/1.1; another HTTP/d.d is 505, junk 400;
 *  - the target is origin-form ("/path?query"), visible ASCII only, no '#';
 *  - request line longer than HTTP_MAX_LINE: 414; head (line + headers +
 *    blank line) longer than HTTP_MAX_HEAD or more than HTTP_MAX_HEADERS
 *    headers: 431;
 *  - control bytes (C0 except HTAB in header values, DEL) anywhere: 400;
 *    obsolete line folding: 400; HTTP/1.1 without exactly one Host: 400;
 *  - Transfer-Encoding of any kind: 501 (no chunked bodies, no smuggling);
 *    Content-Length: digits only, one value, at most HTTP_MAX_BODY (413);
 *    POST without Content-Length: 411;
 *  - percent-decoding checks that two hex digits follow every '%' within
 *    the input (CVE-2019-11455 was an over-read there) and refuses a
 *    decoded NUL. */
#ifndef VIGIL_WEBUI_HTTP_H
#define VIGIL_WEBUI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_LINE		2048	/* request line, without CRLF */
#define HTTP_MAX_HEAD		8192	/* request line + headers + CRLF CRLF */
#define HTTP_MAX_HEADERS	64
#define HTTP_MAX_BODY		4096

enum http_method {
	HTTP_GET = 1,
	HTTP_POST = 2,
};

/* Parse results besides an HTTP status (>= 400). */
#define HTTP_PARSE_DONE		0	/* *req is complete */
#define HTTP_PARSE_MORE		1	/* need more bytes */

struct http_header {
	const char *name;	/* NUL-terminated, in req->store */
	const char *value;	/* trimmed of surrounding SP/HTAB */
};

struct http_request {
	enum http_method method;
	int minor;			/* HTTP/1.<minor> */
	const char *path;		/* percent-decoded, NUL-free */
	const char *query;		/* raw (still encoded), "" if none */
	size_t nheaders;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t content_length;
	const uint8_t *body;		/* points into the caller's buffer */
	size_t body_len;
	size_t consumed;		/* bytes of input this request used */
	char store[HTTP_MAX_HEAD + HTTP_MAX_LINE + 2];
};

/* Parse the bytes received so far.  Returns HTTP_PARSE_DONE (req filled,
 * body included), HTTP_PARSE_MORE, or an error status: 400, 411, 413, 414,
 * 431, 501, 505. */
int http_parse_request(const uint8_t *buf, size_t len, struct http_request *req);

/* May the connection carry another request after this one's answer?
 * HTTP/1.1 unless a Connection header says "close"; HTTP/1.0 only when
 * it says "keep-alive" (tokens compared case-insensitively). */
bool http_keep_alive(const struct http_request *req);

/* Case-insensitive lookup of the first header of that name, or NULL. */
const char *http_header_get(const struct http_request *req, const char *name);

/* Decode %XX escapes (and '+' as space when plus_space) of in[0..inlen) into
 * out (NUL-terminated).  Returns the decoded length, or -1 for a malformed
 * escape, a decoded NUL, or an output that does not fit in outcap. */
long http_pct_decode(const char *in, size_t inlen, char *out, size_t outcap,
    bool plus_space);

/* application/x-www-form-urlencoded bodies. */
#define HTTP_FORM_MAX_FIELDS	16
struct http_form {
	size_t n;
	const char *name[HTTP_FORM_MAX_FIELDS];
	const char *value[HTTP_FORM_MAX_FIELDS];
	char store[HTTP_MAX_BODY + HTTP_FORM_MAX_FIELDS * 2 + 2];
};
/* Returns 0, or -1 for a malformed body (bad escape, decoded NUL, a field
 * without '=', an empty or repeated name, too many fields, too long). */
int http_form_parse(const uint8_t *body, size_t len, struct http_form *f);
const char *http_form_get(const struct http_form *f, const char *name);
/* Walk an urlencoded body (or query) field by field, names may repeat
 * (Monit's CLI sends service=a&service=b): *pos starts at 0.  Returns 1
 * with name and value decoded, 0 at the end, -1 for a malformed field (bad
 * escape, decoded NUL, no '=', empty name, a byte outside 0x21..0x7e, a
 * name or value longer than its buffer). */
int http_form_next(const uint8_t *body, size_t len, size_t *pos, char *name,
    size_t namecap, char *value, size_t valuecap);

/* Find cookie `name` in the request's Cookie header(s); copy its value into
 * out.  Returns true when found and it fit. */
bool http_cookie_get(const struct http_request *req, const char *name,
    char *out, size_t outcap);

/* Reason phrase of a status code ("Not Found"). */
const char *http_reason(int status);

#endif
