/* HTTP (and HTTPS: the driver does TLS): a request with the test's method,
 * path, Host, basic auth and extra headers; a status line that must start
 * with "HTTP/"; the status compared as written; the body (at most 1 MB)
 * compared with "content" (PCRE2) and "checksum" (MD5, SHA1, SHA256). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "monitor/checks/proto_all.h"

#define HTTP_MAX_HEADERS 16384
#define HTTP_MAX_BODY (1024 * 1024)

enum { H_START, H_HEADERS, H_BODY };

bool
proto_base64(const void *buf, size_t len, char *out, size_t outlen)
{
	if (outlen < 4 * ((len + 2) / 3) + 1 || len > 65536)
		return false;
	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return true;
}

/* RFC 3986 unreserved and the delimiters a path and query keep; the rest
 * percent-encoded (Monit encodes the request too), so nothing a control
 * file says can split the request line. */
static bool
put_path(struct proto_ctx *ctx, const char *path)
{
	static const char keep[] = "/?&=%:;+,@!$'()*~.-_#";

	if (path == NULL || path[0] != '/')
		return proto_send(ctx, "/", 1);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || (strchr(keep, *p) != NULL && *p != '#')) {
			if (!proto_send(ctx, p, 1))
				return false;
		} else if (*p == '#') {
			break;	/* a fragment is never sent */
		} else if (!proto_sendf(ctx, "%%%02X", *p)) {
			return false;
		}
	}
	return true;
}

static bool
header_value_ok(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

bool
http_put_request(struct proto_ctx *ctx, const char *method, const char *path,
    const char *extra)
{
	const struct connection *c = ctx->conn;
	const struct config_option *o;
	bool have_host = false;

	if (!proto_sendf(ctx, "%s ", method) || !put_path(ctx, path) ||
	    !proto_sendf(ctx, " HTTP/1.1\r\n"))
		return false;
	for (o = c ? c->options : NULL; o; o = o->next)
		if (strcmp(o->name, "header") == 0 && strncasecmp(o->value, "host:", 5) == 0)
			have_host = true;
	if (!have_host) {
		const char *h = c && c->hostheader ? c->hostheader : ctx->host;

		if (!header_value_ok(h) || strlen(h) > 255)
			h = "localhost";
		/* an IPv6 address goes in brackets (RFC 3986); names have no ':' */
		if (!proto_sendf(ctx, strchr(h, ':') && h[0] != '[' ? "Host: [%s]\r\n" :
		    "Host: %s\r\n", h))
			return false;
	}
	if (!proto_sendf(ctx, "User-Agent: vigil\r\nAccept: */*\r\n%s",
	    extra == NULL ? "Connection: close\r\n" : ""))
		return false;
	if (c && c->username) {
		char plain[512], b64[700];
		int n = snprintf(plain, sizeof(plain), "%s:%s", c->username,
		    c->password ? c->password : "");

		if (n < 0 || (size_t)n >= sizeof(plain) ||
		    !proto_base64(plain, (size_t)n, b64, sizeof(b64)) ||
		    !proto_sendf(ctx, "Authorization: Basic %s\r\n", b64))
			return false;
	}
	for (o = c ? c->options : NULL; o; o = o->next)
		if (strcmp(o->name, "header") == 0 && header_value_ok(o->value) &&
		    !proto_sendf(ctx, "%s\r\n", o->value))
			return false;
	if (extra != NULL && !proto_sendf(ctx, "%s", extra))
		return false;
	return proto_send(ctx, "\r\n", 2);
}

size_t
http_headers_end(struct proto_ctx *ctx)
{
	size_t i = ctx->mark > 3 ? ctx->mark - 3 : 0;

	for (; i < ctx->inlen; i++) {
		if (ctx->in[i] != '\n')
			continue;
		if (i + 1 < ctx->inlen && ctx->in[i + 1] == '\n')
			return i + 2;
		if (i + 2 < ctx->inlen && ctx->in[i + 1] == '\r' && ctx->in[i + 2] == '\n')
			return i + 3;
	}
	ctx->mark = ctx->inlen;
	return 0;
}

const char *
http_header(const char *hdr, size_t len, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = hdr, *end = hdr + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *v;

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			v = p + nl + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			while (*vlen > 0 && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' '))
				(*vlen)--;
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

static const char *
status_rule(const struct connection *c, char *buf, size_t len)
{
	if (c->status_op == OP_NONE)
		return "below 400";
	snprintf(buf, len, "%s %d", cmp_op_name((enum cmp_op)c->status_op), c->status);
	return buf;
}

static enum proto_result
judge_checksum(struct proto_ctx *ctx, const unsigned char *body, size_t len)
{
	const char *want = ctx->conn->checksum;
	const EVP_MD *md;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], q[256];

	switch (strlen(want)) {
	case 32: md = EVP_md5(); break;
	case 40: md = EVP_sha1(); break;
	case 64: md = EVP_sha256(); break;
	default:
		return proto_fail(ctx, "checksum '%s' is neither MD5, SHA1 nor SHA256",
		    proto_quote(want, strlen(want), q, sizeof(q)));
	}
	if (EVP_Digest(body, len, dig, &n, md, NULL) != 1)
		return proto_fail(ctx, "cannot compute the checksum");
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", dig[i]);
	if (strcasecmp(hex, want) != 0)
		return proto_fail(ctx, "checksum of the document is %s, expected %s", hex, want);
	return PROTO_PASS;
}

static enum proto_result
judge_content(struct proto_ctx *ctx, const unsigned char *body, size_t len)
{
	const struct connection *c = ctx->conn;
	pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE off;
	int err, rc;
	char pat[256];

	proto_quote(c->content_regex, strlen(c->content_regex), pat, sizeof(pat));
	re = pcre2_compile((PCRE2_SPTR)c->content_regex, PCRE2_ZERO_TERMINATED, 0,
	    &err, &off, NULL);
	if (re == NULL)
		return proto_fail(ctx, "content pattern '%s' does not compile", pat);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md ? pcre2_match(re, body, len, 0, 0, md, NULL) : PCRE2_ERROR_NOMEMORY;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return proto_fail(ctx, "content match failed (PCRE2 error %d)", rc);
	if (!c->content_not && rc < 0)
		return proto_fail(ctx, "content of %zu bytes does not match '%s'", len, pat);
	if (c->content_not && rc >= 0)
		return proto_fail(ctx, "content matches '%s' (expected it not to)", pat);
	return PROTO_PASS;
}

static bool
is_chunked(const char *hdr, size_t len)
{
	size_t vl;
	const char *v = http_header(hdr, len, "Transfer-Encoding", &vl);

	for (size_t i = 0; v && i + 7 <= vl; i++)
		if (strncasecmp(v + i, "chunked", 7) == 0)
			return true;
	return false;
}

/* Chunked bodies are judged as they came (chunk-size lines included) once
 * the last chunk arrived: enough for a pattern, never for a checksum. */
static bool
chunked_complete(const unsigned char *b, size_t len)
{
	return (len >= 5 && memcmp(b + len - 5, "0\r\n\r\n", 5) == 0) ||
	    (len >= 3 && memcmp(b + len - 3, "0\n\n", 3) == 0);
}

static enum proto_result
bad_status_line(struct proto_ctx *ctx, size_t upto)
{
	const char *nl = memchr(ctx->in, '\n', upto);
	size_t n = nl ? (size_t)(nl - (const char *)ctx->in) : upto;
	char q[256];

	if (n > 0 && ctx->in[n - 1] == '\r')
		n--;
	return proto_fail(ctx, "status line was '%s', expected 'HTTP/1.x NNN'",
	    proto_quote(ctx->in, n, q, sizeof(q)));
}

static enum proto_result
http_step(struct proto_ctx *ctx)
{
	const struct connection *c = ctx->conn;
	const char *method = proto_option(ctx, "method");
	bool head = method && strcasecmp(method, "HEAD") == 0;
	bool want_body = c->content_regex != NULL || c->checksum != NULL;
	char q[256], rule[32];
	size_t hend, vl;
	int code;

	if (ctx->state == H_START) {
		if (!http_put_request(ctx, method ? method : "GET", c->request, NULL))
			return proto_fail(ctx, "request does not fit in %d bytes", PROTO_OUT_MAX);
		ctx->state = H_HEADERS;
		ctx->waiting = "the response headers";
		return PROTO_MORE;
	}
	if (ctx->state == H_HEADERS) {
		size_t n = ctx->inlen < 5 ? ctx->inlen : 5;

		if (memcmp(ctx->in, "HTTP/", n) != 0) {
			return bad_status_line(ctx, ctx->inlen);
		}
		hend = http_headers_end(ctx);
		if (hend == 0) {
			if (ctx->inlen > HTTP_MAX_HEADERS)
				return proto_fail(ctx, "response headers longer than %d bytes",
				    HTTP_MAX_HEADERS);
			if (ctx->eof)
				return proto_fail(ctx, "connection closed inside the response "
				    "headers (%zu bytes)", ctx->inlen);
			return PROTO_MORE;
		}
		code = http_status_parse((const char *)ctx->in, hend);
		if (code < 0) {
			return bad_status_line(ctx, hend);
		}
		ctx->id = (uint32_t)code;
		if (!http_status_ok(code, c->status_op, c->status))
			return proto_fail(ctx, "status %d, expected %s", code,
			    status_rule(c, rule, sizeof(rule)));
		if (!want_body)
			return proto_pass(ctx, "status %d", code);
		ctx->mark = hend;
		ctx->need = SIZE_MAX;	/* until EOF */
		if (head || code == 204 || code == 304 || code < 200) {
			ctx->need = 0;
		} else if (!is_chunked((const char *)ctx->in, hend)) {
			const char *v = http_header((const char *)ctx->in, hend,
			    "Content-Length", &vl);

			if (v != NULL) {
				char num[24];
				char *e;
				unsigned long long cl;

				if (vl == 0 || vl >= sizeof(num))
					return proto_fail(ctx, "bad Content-Length");
				memcpy(num, v, vl);
				num[vl] = '\0';
				cl = strtoull(num, &e, 10);
				if (*e != '\0' || num[0] == '-')
					return proto_fail(ctx, "bad Content-Length '%s'",
					    proto_quote(v, vl, q, sizeof(q)));
				if (cl > HTTP_MAX_BODY && c->checksum != NULL)
					return proto_fail(ctx, "document is %llu bytes: a checksum is "
					    "computed on documents up to %d bytes", cl, HTTP_MAX_BODY);
				ctx->need = cl > HTTP_MAX_BODY ? HTTP_MAX_BODY : (size_t)cl;
			} else if (c->checksum != NULL && !ctx->eof) {
				/* no length: read to the end, bounded below */
			}
		} else if (c->checksum != NULL) {
			return proto_fail(ctx, "chunked response without Content-Length: "
			    "the checksum needs a static document");
		} else {
			ctx->need = SIZE_MAX - 1;	/* chunked */
		}
		ctx->state = H_BODY;
		ctx->waiting = "the response body";
	}
	/* H_BODY */
	{
		const unsigned char *body = ctx->in + ctx->mark;
		size_t have = ctx->inlen - ctx->mark;
		enum proto_result r = PROTO_PASS;

		if (ctx->need == SIZE_MAX - 1) {
			if (!chunked_complete(body, have) && !ctx->eof && have < HTTP_MAX_BODY)
				return PROTO_MORE;
		} else if (ctx->need == SIZE_MAX) {
			if (!ctx->eof && have < HTTP_MAX_BODY)
				return PROTO_MORE;
			if (have > HTTP_MAX_BODY && c->checksum != NULL)
				return proto_fail(ctx, "document is larger than %d bytes: a checksum "
				    "is computed on documents up to that size", HTTP_MAX_BODY);
		} else if (have < ctx->need) {
			if (!ctx->eof)
				return PROTO_MORE;
			return proto_fail(ctx, "connection closed after %zu of %zu body bytes",
			    have, ctx->need);
		} else {
			have = ctx->need;
		}
		if (have > HTTP_MAX_BODY)
			have = HTTP_MAX_BODY;
		if (c->checksum != NULL)
			r = judge_checksum(ctx, body, have);
		if (r == PROTO_PASS && c->content_regex != NULL)
			r = judge_content(ctx, body, have);
		if (r == PROTO_PASS)
			return proto_pass(ctx, "status %u, %zu bytes of content as expected",
			    (unsigned)ctx->id, have);
		return r;
	}
}

const struct proto_module proto_http = {
	.name = "http",
	.max_reply = HTTP_MAX_HEADERS + HTTP_MAX_BODY + 1,
	.step = http_step,
};
