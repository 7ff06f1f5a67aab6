/* libFuzzer over the HTTP request parser, the form and cookie parsers
 * (http_form_next too), HTTP Basic credentials and bearer tokens, percent-decoding, the
 * escapers (HTML, JSON, XML, Prometheus labels), and request routing (pages
 * and Monit's API) with auth and the monitor absent.  Invariants are checked with abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "webui/webui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 6750 b64token characters without "." and "=" */
#define B68 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~+/"

static struct webui w;
static struct http_request req;
static const char SID[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static bool
quiet(enum log_level level, const char *line, void *arg)
{
	(void)level;
	(void)line;
	(void)arg;
	return true;
}

static void
init_once(void)
{
	static bool done;
	struct msg_snapshot_begin b;
	struct msg_snapshot_service s;
	static struct msg_snapshot_json j;
	struct msg_snapshot_end e;

	if (done)
		return;
	done = true;
	log_init("fuzz_http", 0);
	log_set_sink(quiet, NULL);
	webui_init(&w);
	memset(&b, 0, sizeof(b));
	b.gen = 1;
	b.count = 1;
	snapshot_on_begin(&w, &b);
	memset(&s, 0, sizeof(s));
	s.gen = 1;
	strlcpy_v(s.name, "web<&>\"'", sizeof(s.name));
	strlcpy_v(s.status, "\xff\xfe\x01", sizeof(s.status));
	snapshot_on_service(&w, &s);
	memset(&j, 0, sizeof(j));
	j.gen = 1;
	strlcpy_v(j.part, "{\"name\":\"web<&>\\\"'\",\"type\":\"process\"}", sizeof(j.part));
	snapshot_on_json(&w, &j);
	memset(&e, 0, sizeof(e));
	e.gen = 1;
	snapshot_on_end(&w, &e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc;

	init_once();
	if (session_find(&w.sessions, SID, now_ms()) == NULL)
		session_add(&w.sessions, SID, "fuzz", ROLE_READWRITE, now_ms());
	rc = http_parse_request(data, size, &req);
	if (rc == HTTP_PARSE_DONE) {
		struct http_form f;
		char v[MSG_SID_LEN];
		struct client *c;

		if (req.consumed > size || req.body + req.body_len > data + size ||
		    req.body_len > HTTP_MAX_BODY || strlen(req.path) > HTTP_MAX_LINE ||
		    req.path[0] != '/')
			abort();
		(void)http_form_parse(req.body, req.body_len, &f);
		{
			char n[64], v[MSG_NAME_LEN], u[MSG_USER_LEN], p[MSG_SECRET_LEN];
			const char *auth = http_header_get(&req, "authorization");
			size_t pos = 0, last = 0;

			while (http_form_next(req.body, req.body_len, &pos, n, sizeof(n), v,
			    sizeof(v)) == 1) {
				if (pos <= last || pos > req.body_len)
					abort();
				last = pos;
			}
			if (auth != NULL && basic_parse(auth, u, p) == 0 &&
			    (u[0] == '\0' || strlen(u) >= MSG_USER_LEN || strlen(p) >= MSG_SECRET_LEN))
				abort();
			/* a bearer token: NAME and SECRET non-empty, bounded, no
			 * "." in NAME, only token68 bytes in both; wiped on -1 */
			if (auth != NULL) {
				int br = bearer_parse(auth, u, p);

				if (br == 0 && (u[0] == '\0' || p[0] == '\0' ||
				    strlen(u) >= MSG_USER_LEN || strlen(p) >= MSG_SECRET_LEN ||
				    strchr(u, '.') != NULL || strchr(u, '=') != NULL ||
				    strspn(u, B68) != strlen(u) || strspn(p, B68 ".=") != strlen(p)))
					abort();
				if (br != 0 && (u[0] != '\0' || p[0] != '\0'))
					abort();
			}
		}
		(void)http_cookie_get(&req, "vigil_session", v, sizeof(v));
		c = webui_client_new(&w, -1, "198.51.100.1");
		if (size > 0 && (data[0] & 1))
			c->forbidden = true;
		webui_handle_request(&w, c, &req);
		if (c->state == CL_WRITING &&
		    (c->out.len < 12 || memcmp(c->out.data, "HTTP/1.1 ", 9) != 0))
			abort();
		webui_client_free(&w, c);
	} else if (rc != HTTP_PARSE_MORE && (rc < 400 || rc > 505)) {
		abort();
	}
	{
		char *copy = xmalloc(size + 1);
		char *out = xmalloc(size + 1);
		struct obuf b;

		memcpy(copy, data, size);
		copy[size] = '\0';
		if (http_pct_decode(copy, size, out, size + 1, true) > (long)size)
			abort();
		(void)http_pct_decode(copy, size, out, size + 1, false);
		obuf_init(&b, 24 * size + 64);	/* html 5 + json 6 + xml 5 + prom 3 per byte */
		obuf_html(&b, copy);
		obuf_json_str(&b, copy);
		obuf_xml(&b, copy);
		obuf_prom_label(&b, copy);
		if (b.failed)
			abort();
		obuf_free(&b);
		free(copy);
		free(out);
	}
	return 0;
}
