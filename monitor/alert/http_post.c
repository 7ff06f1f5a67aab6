/* One HTTP/1.1 POST and its reply (see http_post.h): the request built in
 * full at init, the reply's head parsed strictly and bounded, the body
 * counted and thrown away. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/obuf.h"
#include "common/util.h"
#include "common/version.h"
#include "monitor/alert/http_post.h"

static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The next line of buf[0..len) from *pos: its start and length without the
 * line end (CRLF, or a bare LF as lenient servers send).  False when no
 * whole line is there yet. */
static bool
next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *linelen)
{
	const char *nl = memchr(buf + *pos, '\n', len - *pos);
	size_t n;

	if (nl == NULL)
		return false;
	n = (size_t)(nl - (buf + *pos));
	*line = buf + *pos;
	*linelen = n > 0 && (*line)[n - 1] == '\r' ? n - 1 : n;
	*pos += n + 1;
	return true;
}

static enum http_parse
bad(const char **why, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return HTTP_PARSE_BAD;
}

static bool
status_line(const char *l, size_t n, struct http_response *r)
{
	size_t k = 0;

	/* HTTP/1.x SP DDD [SP reason] */
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' ||
	    l[8] != ' ')
		return false;
	for (int i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return false;
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (r->status < 100)
		return false;
	if (n > 12 && l[12] != ' ')
		return false;
	for (size_t i = 13; i < n && k + 1 < sizeof(r->reason); i++) {
		unsigned char c = (unsigned char)l[i];

		r->reason[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	r->reason[k] = '\0';
	return true;
}

static bool
header_is(const char *l, size_t namelen, const char *name)
{
	return strlen(name) == namelen && strncasecmp(l, name, namelen) == 0;
}

enum http_parse
http_response_parse(const char *buf, size_t len, struct http_response *r, size_t *used,
    const char **why)
{
	size_t pos = 0, n, lines = 0;
	const char *l;

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	/* Say "not HTTP" as early as the bytes show it, not after 8 KiB. */
	if (len > 0 && memcmp(buf, "HTTP/1.", len < 7 ? len : 7) != 0)
		return bad(why, "the reply does not start with HTTP/1.");
	if (!next_line(buf, len, &pos, &l, &n))
		return len >= HTTP_POST_HEAD_MAX ? bad(why, "status line longer than 8 KiB") :
		    HTTP_PARSE_INCOMPLETE;
	if (!status_line(l, n, r))
		return bad(why, "malformed status line (want HTTP/1.x and a 3-digit code)");
	for (;;) {
		const char *colon, *v;
		size_t vlen;

		if (!next_line(buf, len, &pos, &l, &n))
			return len >= HTTP_POST_HEAD_MAX ? bad(why, "reply head longer than "
			    "8 KiB") : HTTP_PARSE_INCOMPLETE;
		if (n == 0)
			break;
		if (++lines > HTTP_POST_HEADERS_MAX)
			return bad(why, "more than 100 header lines");
		colon = memchr(l, ':', n);
		if (colon == NULL || colon == l)
			return bad(why, "header line without 'name:'");
		for (const char *p = l; p < colon; p++)
			if (!is_tchar((unsigned char)*p))
				return bad(why, "header name with a byte that is not a token");
		for (const char *p = colon + 1; p < l + n; p++)
			if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
				return bad(why, "control byte in a header value");
		v = colon + 1;
		vlen = (size_t)(l + n - v);
		while (vlen > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			vlen--;
		}
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (header_is(l, (size_t)(colon - l), "content-length")) {
			unsigned long long cl = 0;

			if (vlen == 0 || vlen > 18)
				return bad(why, "bad Content-Length");
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					return bad(why, "bad Content-Length");
				cl = cl * 10 + (unsigned)(v[i] - '0');
			}
			if (r->content_length >= 0 && (unsigned long long)r->content_length != cl)
				return bad(why, "two different Content-Length headers");
			r->content_length = (long long)cl;
		} else if (header_is(l, (size_t)(colon - l), "transfer-encoding")) {
			r->chunked = vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0;
		}
	}
	*used = pos;
	return HTTP_PARSE_OK;
}

void
http_post_init(struct http_post *c, const char *host_header, const char *path,
    const char *user, const char *password, const char *content_type,
    const char *body, size_t bodylen)
{
	struct obuf b;

	memset(c, 0, sizeof(*c));
	obuf_init(&b, bodylen + 4096);
	obuf_addf(&b, "POST %s HTTP/1.1\r\n", path);
	obuf_adds(&b, "Host: ");
	obuf_adds(&b, host_header);
	obuf_addf(&b, "\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Pragma: no-cache\r\nAccept: */*\r\nUser-Agent: vigil/" VIGIL_VERSION "\r\n"
	    "Connection: close\r\n", content_type, bodylen);
	if (user != NULL) {
		size_t ul = strlen(user), pl = password ? strlen(password) : 0;
		unsigned char *plain = xmalloc(ul + pl + 2);
		unsigned char *enc = xmalloc(4 * ((ul + pl + 1 + 2) / 3) + 1);
		int n;

		memcpy(plain, user, ul);
		plain[ul] = ':';
		if (pl > 0)
			memcpy(plain + ul + 1, password, pl);
		n = EVP_EncodeBlock(enc, plain, (int)(ul + pl + 1));
		obuf_adds(&b, "Authorization: Basic ");
		obuf_add(&b, enc, n > 0 ? (size_t)n : 0);
		obuf_adds(&b, "\r\n");
		explicit_bzero(plain, ul + pl + 1);
		free(plain);
		free(enc);
	}
	obuf_adds(&b, "\r\n");
	obuf_add(&b, body, bodylen);
	if (b.failed) {
		c->state = HP_FAILED;
		snprintf(c->error, sizeof(c->error), "request too large");
		obuf_free(&b);
		return;
	}
	c->out = b.data;	/* ownership moves to c */
	c->outlen = b.len;
	c->state = HP_HEAD;
}

void
http_post_free(struct http_post *c)
{
	free(c->out);
	c->out = NULL;
	c->outlen = 0;
}

void
http_post_consumed(struct http_post *c, size_t n)
{
	if (n >= c->outlen) {
		c->outlen = 0;
		return;
	}
	memmove(c->out, c->out + n, c->outlen - n);
	c->outlen -= n;
}

static enum http_post_event
failed(struct http_post *c, const char *why)
{
	c->state = HP_FAILED;
	snprintf(c->error, sizeof(c->error), "%s", why);
	return HTTP_POST_FAILED;
}

/* Body bytes, thrown away.  Without a Content-Length the body ends at the
 * close ("Connection: close" was asked), or, chunked, at the last chunk
 * (the bytes "0\r\n\r\n" seen last: a server that keeps the connection
 * open anyway is then not waited for). */
static enum http_post_event
body_bytes(struct http_post *c, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memmove(c->tail, c->tail + 1, sizeof(c->tail) - 1);
		c->tail[sizeof(c->tail) - 1] = buf[i];
	}
	c->body_seen += n;
	if (c->body_seen > HTTP_POST_BODY_MAX)
		return failed(c, "reply body larger than 1 MiB");
	if (c->resp.content_length >= 0) {
		if (n > c->body_left)
			return failed(c, "more bytes than Content-Length said");
		c->body_left -= n;
		if (c->body_left == 0) {
			c->state = HP_DONE;
			return HTTP_POST_DONE;
		}
	} else if (c->resp.chunked && memcmp(c->tail, "\r\n0\r\n\r\n", 7) == 0) {
		c->state = HP_DONE;
		return HTTP_POST_DONE;
	}
	return HTTP_POST_MORE;
}

/* Parse the heads in c->in: skip 1xx replies, keep the final one. */
static enum http_post_event
parse_heads(struct http_post *c)
{
	for (;;) {
		const char *why = NULL;
		size_t used = 0;
		enum http_parse p = http_response_parse(c->in, c->inlen, &c->resp, &used, &why);
		char msg[200];

		if (p == HTTP_PARSE_BAD) {
			snprintf(msg, sizeof(msg), "not an HTTP reply: %s", why);
			return failed(c, msg);
		}
		if (p == HTTP_PARSE_INCOMPLETE)
			return HTTP_POST_MORE;
		memmove(c->in, c->in + used, c->inlen - used);
		c->inlen -= used;
		if (c->resp.status >= 200)
			break;
	}
	c->state = HP_BODY;
	memcpy(c->tail, "\0\0\0\0\0\r\n", sizeof(c->tail));	/* as if after a chunk */
	c->body_left = c->resp.content_length > 0 ?
	    (unsigned long long)c->resp.content_length : 0;
	/* 204 and 304 have no body whatever the headers say (RFC 9112 6.3). */
	if (c->resp.status == 204 || c->resp.status == 304)
		c->resp.content_length = 0;
	if (c->resp.content_length == 0 && c->inlen == 0) {
		c->state = HP_DONE;
		return HTTP_POST_DONE;
	}
	{
		size_t n = c->inlen;

		c->inlen = 0;
		return body_bytes(c, c->in, n);
	}
}

enum http_post_event
http_post_feed(struct http_post *c, const char *buf, size_t len)
{
	if (c->state == HP_FAILED)
		return HTTP_POST_FAILED;
	if (c->state == HP_DONE)
		return len > 0 ? failed(c, "bytes after the whole reply") : HTTP_POST_DONE;
	if (c->outlen > 0 && len > 0)
		return failed(c, "the server answered before the request was sent");
	if (c->state == HP_BODY)
		return body_bytes(c, buf, len);
	while (len > 0) {
		size_t take = sizeof(c->in) - c->inlen;
		enum http_post_event e;

		if (take > len)
			take = len;
		memcpy(c->in + c->inlen, buf, take);
		c->inlen += take;
		buf += take;
		len -= take;
		e = parse_heads(c);
		if (e != HTTP_POST_MORE)
			return e;
		if (c->state == HP_BODY)
			return len > 0 ? body_bytes(c, buf, len) : HTTP_POST_MORE;
		if (c->inlen == sizeof(c->in))
			return failed(c, "not an HTTP reply: reply head longer than 8 KiB");
	}
	return HTTP_POST_MORE;
}

enum http_post_event
http_post_eof(struct http_post *c)
{
	if (c->state == HP_DONE)
		return HTTP_POST_DONE;
	if (c->state == HP_FAILED)
		return HTTP_POST_FAILED;
	if (c->state == HP_HEAD)
		return failed(c, c->inlen == 0 ? "the server closed the connection without "
		    "a reply" : "the server closed the connection in the reply's head");
	/* The body ends at the close when no length was given ("Connection:
	 * close" was asked); with a length, a short body is a failure. */
	if (c->resp.content_length >= 0 && c->body_left > 0)
		return failed(c, "the server closed the connection before the whole body");
	c->state = HP_DONE;
	return HTTP_POST_DONE;
}
