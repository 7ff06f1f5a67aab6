/* The M/Monit HTTP client state machine (monitor/alert/http_post.c) on
 * recorded replies: Python's http.server (the bats sink) and nginx 1.22
 * answering a POST, a 401 with a body, chunked and 100-continue replies
 * split across reads, and broken servers (garbage, over-long heads, bad
 * Content-Length, bytes past the body, a close in the middle). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "monitor/alert/http_post.h"

#define BODY "<?xml version=\"1.0\"?><monit/>"

static const char py_200[] = "HTTP/1.1 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\n"
    "Date: Mon, 30 Nov 2026 03:35:46 GMT\r\nContent-Length: 0\r\n\r\n";
static const char py_401[] = "HTTP/1.1 401 Unauthorized\r\nServer: BaseHTTP/0.6 "
    "Python/3.11.7\r\nDate: Mon, 30 Nov 2026 03:35:46 GMT\r\nWWW-Authenticate: Basic "
    "realm=\"collector\"\r\nContent-Length: 25\r\n\r\n<html>Unauthorized</html>";
static const char nginx_204[] = "HTTP/1.1 204 No Content\r\nServer: nginx/1.22.1\r\n"
    "Date: Mon, 30 Nov 2026 03:35:51 GMT\r\nConnection: close\r\n\r\n";
static const char nginx_404[] = "HTTP/1.1 404 Not Found\r\nServer: nginx/1.22.1\r\n"
    "Date: Mon, 30 Nov 2026 03:35:51 GMT\r\nContent-Type: text/html\r\n"
    "Content-Length: 153\r\nConnection: close\r\n\r\n<html>\r\n<head><title>404 Not "
    "Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
    "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

static void
start(struct http_post *c)
{
	http_post_init(c, "127.0.0.1:8080", "/collector", "mon", "pa%20ss", "text/xml",
	    BODY, strlen(BODY));
	http_post_consumed(c, c->outlen);
}

/* Feed s in pieces of n bytes; the last event. */
static enum http_post_event
feed_in(struct http_post *c, const char *s, size_t len, size_t n)
{
	enum http_post_event e = HTTP_POST_MORE;

	for (size_t off = 0; off < len && e == HTTP_POST_MORE; off += n)
		e = http_post_feed(c, s + off, len - off < n ? len - off : n);
	return e;
}

static void
test_request_as_monit_sends_it(void **state)
{
	struct http_post c;
	char req[1024];
	(void)state;

	http_post_init(&c, "127.0.0.1:8080", "/collector", "mon", "pa%20ss", "text/xml",
	    BODY, strlen(BODY));
	assert_true(c.outlen < sizeof(req));
	memcpy(req, c.out, c.outlen);
	req[c.outlen] = '\0';
	assert_non_null(strstr(req, "POST /collector HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
	    "Content-Type: text/xml\r\nContent-Length: 29\r\n"));
	/* base64("mon:pa%20ss"): Monit 5.33 sent exactly this for the same URL */
	assert_non_null(strstr(req, "Authorization: Basic bW9uOnBhJTIwc3M=\r\n"));
	assert_non_null(strstr(req, "Connection: close\r\n"));
	assert_non_null(strstr(req, "\r\n\r\n" BODY));
	assert_string_equal(req + strlen(req) - strlen(BODY), BODY);
	http_post_consumed(&c, 10);
	assert_int_equal(c.outlen, strlen(req) - 10);
	/* a reply before the request went out is refused */
	assert_int_equal(http_post_feed(&c, py_200, strlen(py_200)), HTTP_POST_FAILED);
	http_post_free(&c);

	http_post_init(&c, "[::1]:80", "/c", NULL, NULL, "text/xml", "x", 1);
	memcpy(req, c.out, c.outlen);
	req[c.outlen] = '\0';
	assert_null(strstr(req, "Authorization"));
	http_post_free(&c);
}

static void
test_recorded_replies_every_split(void **state)
{
	static const struct {
		const char *reply;
		int status;
		bool needs_eof;
	} cases[] = {
		{ py_200, 200, false },
		{ py_401, 401, false },
		{ nginx_204, 204, false },
		{ nginx_404, 404, false },
		{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		  200, false },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
		  200, false },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200, false },
		{ "HTTP/1.0 200 OK\nServer: lenient\n\nbody until close", 200, true },
	};
	(void)state;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		for (size_t n = 1; n <= strlen(cases[k].reply); n++) {
			struct http_post c;
			enum http_post_event e;

			start(&c);
			e = feed_in(&c, cases[k].reply, strlen(cases[k].reply), n);
			if (cases[k].needs_eof) {
				assert_int_equal(e, HTTP_POST_MORE);
				e = http_post_eof(&c);
			}
			if (e != HTTP_POST_DONE)
				fail_msg("case %zu split %zu: %d %s", k, n, e, c.error);
			assert_int_equal(c.resp.status, cases[k].status);
			http_post_free(&c);
		}
}

static void
expect_failure(const char *reply, size_t len, const char *why)
{
	struct http_post c;
	enum http_post_event e;

	start(&c);
	e = http_post_feed(&c, reply, len);
	if (e == HTTP_POST_MORE)
		e = http_post_eof(&c);
	assert_int_equal(e, HTTP_POST_FAILED);
	if (strstr(c.error, why) == NULL)
		fail_msg("'%s' does not say '%s'", c.error, why);
	http_post_free(&c);
}

static void
test_broken_servers(void **state)
{
	static char big[HTTP_POST_HEAD_MAX + 100];
	static char many[HTTP_POST_HEADERS_MAX * 8 + 100];
	size_t n;
	(void)state;

	expect_failure("NOT-A-PROTOCOL 42\r\n", 19, "does not start with HTTP/1.");
	/* the garbage is seen at once, before any line end */
	expect_failure("NOT", 3, "does not start with HTTP/1.");
	expect_failure("HTTP/1.1 2x0 OK\r\n\r\n", 19, "malformed status line");
	expect_failure("HTTP/1.1 099 Low\r\n\r\n", 20, "malformed status line");
	expect_failure("HTTP/2 200\r\n\r\n", 14, "does not start with HTTP/1.");
	expect_failure("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", 29, "without 'name:'");
	expect_failure("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", 32, "not a token");
	expect_failure("HTTP/1.1 200 OK\r\nX: a\x01z\r\n\r\n", 26, "control byte");
	expect_failure("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 39, "bad Content-Length");
	expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
	    57, "two different Content-Length");
	expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 44,
	    "more bytes than Content-Length");
	expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 44,
	    "before the whole body");
	expect_failure("", 0, "without a reply");
	expect_failure("HTTP/1.1 200 OK\r\nX: y\r\n", 24, "in the reply's head");
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', sizeof(big) - 20);
	expect_failure(big, sizeof(big), "longer than 8 KiB");
	n = (size_t)snprintf(many, sizeof(many), "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i <= HTTP_POST_HEADERS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "X: %d\r\n", i % 10);
	expect_failure(many, n, "more than 100 header lines");
}

static void
test_body_bound(void **state)
{
	static char chunk[65536];
	struct http_post c;
	enum http_post_event e = HTTP_POST_MORE;
	const char head[] = "HTTP/1.1 200 OK\r\n\r\n";
	(void)state;

	memset(chunk, 'x', sizeof(chunk));
	start(&c);
	assert_int_equal(http_post_feed(&c, head, strlen(head)), HTTP_POST_MORE);
	for (int i = 0; i < 100 && e == HTTP_POST_MORE; i++)
		e = http_post_feed(&c, chunk, sizeof(chunk));
	assert_int_equal(e, HTTP_POST_FAILED);
	assert_non_null(strstr(c.error, "larger than 1 MiB"));
	http_post_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_as_monit_sends_it),
		cmocka_unit_test(test_recorded_replies_every_split),
		cmocka_unit_test(test_broken_servers),
		cmocka_unit_test(test_body_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
