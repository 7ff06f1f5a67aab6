/* Sans-I/O HTTP/1.1 request parsing: see http.h for the strictness rules. */
#include <string.h>
#include <strings.h>

#include "webui/http.h"

/* Where the decoded path lives in req->store: after the mirrored head. */
#define PATH_OFF	(HTTP_MAX_HEAD + 1)

static bool
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
http_pct_decode(const char *in, size_t inlen, char *out, size_t outcap,
    bool plus_space)
{
	size_t o = 0;

	if (outcap == 0)
		return -1;
	for (size_t i = 0; i < inlen; i++) {
		uint8_t c = (uint8_t)in[i];

		if (c == '%') {
			int hi, lo;

			/* Both digits must lie inside the input: never read
			 * past its end (CVE-2019-11455). */
			if (inlen - i < 3)
				return -1;
			hi = hexval((uint8_t)in[i + 1]);
			lo = hexval((uint8_t)in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (uint8_t)(hi << 4 | lo);
			if (c == '\0')
				return -1;
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == '\0') {
			return -1;
		}
		if (o + 1 >= outcap)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (long)o;
}

/* The request line, already copied to req->store[0..n) and NUL-terminated. */
static int
parse_request_line(struct http_request *req, size_t n)
{
	char *line = req->store;
	char *sp1, *sp2, *target, *version, *q;
	size_t mlen;
	bool method_known = false;
	long dl;

	sp1 = memchr(line, ' ', n);
	if (sp1 == NULL || sp1 == line)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return 400;
	version = sp2 + 1;
	if (*version == '\0' || strchr(version, ' ') != NULL)
		return 400;
	*sp1 = '\0';
	*sp2 = '\0';
	target = sp1 + 1;

	mlen = (size_t)(sp1 - line);
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar((uint8_t)line[i]))
			return 400;
	if (strcmp(version, "HTTP/1.1") == 0)
		req->minor = 1;
	else if (strcmp(version, "HTTP/1.0") == 0)
		req->minor = 0;
	else if (strlen(version) == 8 && strncmp(version, "HTTP/", 5) == 0 &&
	    version[5] >= '0' && version[5] <= '9' && version[6] == '.' &&
	    version[7] >= '0' && version[7] <= '9')
		return 505;
	else
		return 400;

	if (target[0] != '/' || strchr(target, '#') != NULL)
		return 400;
	q = strchr(target, '?');
	if (q != NULL) {
		*q = '\0';
		req->query = q + 1;
	} else {
		req->query = "";
	}
	dl = http_pct_decode(target, strlen(target), req->store + PATH_OFF,
	    HTTP_MAX_LINE + 1, false);
	if (dl < 0)
		return 400;
	req->path = req->store + PATH_OFF;

	if (strcmp(line, "GET") == 0) {
		req->method = HTTP_GET;
		method_known = true;
	} else if (strcmp(line, "POST") == 0) {
		req->method = HTTP_POST;
		method_known = true;
	}
	return method_known ? 0 : 501;
}

/* One header line, mirrored at req->store[start..end). */
static int
parse_header(struct http_request *req, size_t start, size_t end)
{
	char *s = req->store + start, *colon, *v, *e;

	if (req->nheaders == HTTP_MAX_HEADERS)
		return 431;
	if (s[0] == ' ' || s[0] == '\t')
		return 400;	/* obsolete line folding */
	colon = memchr(s, ':', end - start);
	if (colon == NULL || colon == s)
		return 400;
	for (char *p = s; p < colon; p++)
		if (!is_tchar((uint8_t)*p))
			return 400;
	*colon = '\0';
	v = colon + 1;
	e = req->store + end;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	req->headers[req->nheaders].name = s;
	req->headers[req->nheaders].value = v;
	req->nheaders++;
	return 0;
}

static int
check_semantics(struct http_request *req)
{
	size_t nhost = 0, ncl = 0;

	for (size_t i = 0; i < req->nheaders; i++) {
		const char *name = req->headers[i].name;
		const char *v = req->headers[i].value;

		if (strcasecmp(name, "host") == 0) {
			nhost++;
		} else if (strcasecmp(name, "transfer-encoding") == 0) {
			return 501;
		} else if (strcasecmp(name, "content-length") == 0) {
			size_t n = 0;

			if (++ncl > 1 || *v == '\0')
				return 400;
			for (const char *p = v; *p != '\0'; p++) {
				if (*p < '0' || *p > '9')
					return 400;
				n = n * 10 + (size_t)(*p - '0');
				if (n > HTTP_MAX_BODY)
					return 413;
			}
			req->content_length = n;
		}
	}
	if (nhost > 1 || (req->minor == 1 && nhost == 0))
		return 400;
	if (req->method == HTTP_POST && ncl == 0)
		return 411;
	return 0;
}

int
http_parse_request(const uint8_t *buf, size_t len, struct http_request *req)
{
	size_t i, lim, pos, headlen = 0;
	int rc;

	req->method = 0;
	req->minor = 0;
	req->path = "";
	req->query = "";
	req->nheaders = 0;
	req->content_length = 0;
	req->body = NULL;
	req->body_len = 0;
	req->consumed = 0;

	/* Request line: visible ASCII and single spaces, ended by CRLF. */
	lim = len < HTTP_MAX_LINE + 1 ? len : HTTP_MAX_LINE + 1;
	for (i = 0; i < lim; i++) {
		uint8_t c = buf[i];

		if (c == '\r')
			break;
		if (c == '\n' || c < 0x20 || c >= 0x7f)
			return 400;
	}
	if (i == lim)
		return len > HTTP_MAX_LINE ? 414 : HTTP_PARSE_MORE;
	if (i + 1 >= len)
		return HTTP_PARSE_MORE;
	if (buf[i + 1] != '\n')
		return 400;
	memcpy(req->store, buf, i);
	req->store[i] = '\0';
	rc = parse_request_line(req, i);
	if (rc != 0)
		return rc;

	/* Header lines, mirrored into store at the same offsets. */
	pos = i + 2;
	for (;;) {
		size_t j;

		for (j = pos; j < len && j < HTTP_MAX_HEAD; j++) {
			uint8_t c = buf[j];

			if (c == '\r')
				break;
			if (c == '\n' || c == 0x7f || (c < 0x20 && c != '\t'))
				return 400;
		}
		if (j >= HTTP_MAX_HEAD || j + 2 > HTTP_MAX_HEAD)
			return 431;
		if (j >= len || j + 1 >= len)
			return HTTP_PARSE_MORE;
		if (buf[j + 1] != '\n')
			return 400;
		if (j == pos) {
			headlen = j + 2;
			break;
		}
		memcpy(req->store + pos, buf + pos, j - pos);
		req->store[j] = '\0';
		rc = parse_header(req, pos, j);
		if (rc != 0)
			return rc;
		pos = j + 2;
	}
	rc = check_semantics(req);
	if (rc != 0)
		return rc;
	if (len - headlen < req->content_length)
		return HTTP_PARSE_MORE;
	req->body = buf + headlen;
	req->body_len = req->content_length;
	req->consumed = headlen + req->content_length;
	return HTTP_PARSE_DONE;
}

const char *
http_header_get(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* Does the comma-separated list v name token (case-insensitive)? */
static bool
list_has_token(const char *v, const char *token)
{
	size_t tl = strlen(token);

	while (*v != '\0') {
		const char *end;
		size_t n;

		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		end = v;
		while (*end != '\0' && *end != ',')
			end++;
		n = (size_t)(end - v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n == tl && strncasecmp(v, token, tl) == 0)
			return true;
		v = end;
	}
	return false;
}

bool
http_keep_alive(const struct http_request *req)
{
	bool close = false, keep = false;

	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, "Connection") == 0) {
			close |= list_has_token(req->headers[i].value, "close");
			keep |= list_has_token(req->headers[i].value, "keep-alive");
		}
	if (close)
		return false;
	return req->minor >= 1 || keep;
}

int
http_form_parse(const uint8_t *body, size_t len, struct http_form *f)
{
	size_t pos = 0, out = 0;

	f->n = 0;
	if (len > HTTP_MAX_BODY)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (body[i] < 0x21 || body[i] > 0x7e)
			return -1;
	while (pos < len) {
		const char *seg = (const char *)body + pos;
		const char *amp = memchr(seg, '&', len - pos);
		size_t seglen = amp != NULL ? (size_t)(amp - seg) : len - pos;
		const char *eq = memchr(seg, '=', seglen);
		long nl, vl;

		if (eq == NULL || eq == seg || f->n == HTTP_FORM_MAX_FIELDS)
			return -1;
		nl = http_pct_decode(seg, (size_t)(eq - seg), f->store + out,
		    sizeof(f->store) - out, true);
		if (nl <= 0)
			return -1;
		f->name[f->n] = f->store + out;
		out += (size_t)nl + 1;
		vl = http_pct_decode(eq + 1, seglen - (size_t)(eq + 1 - seg),
		    f->store + out, sizeof(f->store) - out, true);
		if (vl < 0)
			return -1;
		f->value[f->n] = f->store + out;
		out += (size_t)vl + 1;
		for (size_t k = 0; k < f->n; k++)
			if (strcmp(f->name[k], f->name[f->n]) == 0)
				return -1;
		f->n++;
		pos += seglen;
		if (amp != NULL) {
			pos++;
			if (pos == len)
				return -1;	/* trailing '&' */
		}
	}
	return 0;
}

int
http_form_next(const uint8_t *body, size_t len, size_t *pos, char *name,
    size_t namecap, char *value, size_t valuecap)
{
	const char *seg, *amp, *eq;
	size_t seglen;

	if (*pos >= len)
		return 0;
	seg = (const char *)body + *pos;
	amp = memchr(seg, '&', len - *pos);
	seglen = amp != NULL ? (size_t)(amp - seg) : len - *pos;
	for (size_t i = 0; i < seglen; i++)
		if ((uint8_t)seg[i] < 0x21 || (uint8_t)seg[i] > 0x7e)
			return -1;
	eq = memchr(seg, '=', seglen);
	if (eq == NULL || eq == seg)
		return -1;
	if (http_pct_decode(seg, (size_t)(eq - seg), name, namecap, true) <= 0 ||
	    http_pct_decode(eq + 1, seglen - (size_t)(eq + 1 - seg), value, valuecap, true) < 0)
		return -1;
	*pos += seglen + (amp != NULL ? 1 : 0);
	if (amp != NULL && *pos == len)
		return -1;	/* trailing '&' */
	return 1;
}

const char *
http_form_get(const struct http_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

bool
http_cookie_get(const struct http_request *req, const char *name,
    char *out, size_t outcap)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < req->nheaders; i++) {
		const char *p;

		if (strcasecmp(req->headers[i].name, "cookie") != 0)
			continue;
		p = req->headers[i].value;
		while (*p != '\0') {
			const char *end = strchr(p, ';');
			size_t plen = end != NULL ? (size_t)(end - p) : strlen(p);

			while (plen > 0 && *p == ' ') {
				p++;
				plen--;
			}
			if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
				size_t vlen = plen - nlen - 1;

				if (vlen + 1 > outcap)
					return false;
				memcpy(out, p + nlen + 1, vlen);
				out[vlen] = '\0';
				return true;
			}
			if (end == NULL)
				break;
			p = end + 1;
		}
	}
	return false;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}
