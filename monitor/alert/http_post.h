/* A one-request HTTP/1.1 client as a pure state machine (sans-I/O): the
 * request goes out, the server's bytes go in, a verdict comes out.  The
 * M/Monit reporter (mmonit.c) owns the socket, TLS and timers; tests feed
 * recorded replies, the fuzzer feeds garbage.
 *
 * Replies are bounded: the status line must start with "HTTP/1." and a
 * three-digit code; the head (status line and headers) is at most
 * HTTP_POST_HEAD_MAX bytes and HTTP_POST_HEADERS_MAX lines, each header
 * "name: value" with a token name; a body is read and discarded, at most
 * HTTP_POST_BODY_MAX bytes.  Anything else ends the exchange as a failure
 * that says what was wrong. */
#ifndef VIGIL_HTTP_POST_H
#define VIGIL_HTTP_POST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_POST_HEAD_MAX	8192
#define HTTP_POST_HEADERS_MAX	100
#define HTTP_POST_BODY_MAX	(1u << 20)

enum http_parse {
	HTTP_PARSE_BAD = -1,		/* not an HTTP response: give up */
	HTTP_PARSE_INCOMPLETE = 0,	/* wait for more bytes */
	HTTP_PARSE_OK = 1,		/* one whole head */
};

struct http_response {
	int status;			/* 100..999 */
	char reason[80];		/* printable only */
	long long content_length;	/* -1: none given */
	bool chunked;			/* Transfer-Encoding: chunked */
};

/* Parse the head of a response at the start of buf.  On HTTP_PARSE_OK
 * *used is its length (with the blank line); why (may be NULL) says what
 * was wrong on HTTP_PARSE_BAD. */
enum http_parse http_response_parse(const char *buf, size_t len,
    struct http_response *r, size_t *used, const char **why);

enum http_post_event {
	HTTP_POST_MORE,		/* send c->out if any, read more */
	HTTP_POST_DONE,		/* whole response read: status in c->resp */
	HTTP_POST_FAILED,	/* unusable exchange: c->error says why */
};

enum http_post_state { HP_HEAD, HP_BODY, HP_DONE, HP_FAILED };

struct http_post {
	enum http_post_state state;
	char *out;			/* the request (owned) */
	size_t outlen;
	char in[HTTP_POST_HEAD_MAX];
	size_t inlen;
	struct http_response resp;
	unsigned long long body_left;	/* Content-Length bytes still to come */
	size_t body_seen;
	char tail[7];			/* the last body bytes: end of chunks */
	char error[200];
};

/* A POST of body to path on host (the Host header: "host:port", IPv6 in
 * brackets), with Basic authorization when user is not NULL (user and
 * password are sent as written, as Monit does).  content_type e.g.
 * "text/xml".  The request asks for "Connection: close". */
void http_post_init(struct http_post *c, const char *host_header, const char *path,
    const char *user, const char *password, const char *content_type,
    const char *body, size_t bodylen);
void http_post_free(struct http_post *c);
/* The driver sent n bytes of c->out. */
void http_post_consumed(struct http_post *c, size_t n);
enum http_post_event http_post_feed(struct http_post *c, const char *buf, size_t len);
/* The server closed the connection. */
enum http_post_event http_post_eof(struct http_post *c);

#endif
