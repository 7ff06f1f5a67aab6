/* The sans-I/O HTTP parser: valid requests and every rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/http.h"

static struct http_request req;

static int
parse(const char *s)
{
	return http_parse_request((const uint8_t *)s, strlen(s), &req);
}

static int
parse_n(const void *s, size_t n)
{
	return http_parse_request(s, n, &req);
}

static void
test_valid_get(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /api/status?x=1 HTTP/1.1\r\nHost: h\r\n"
	    "Cookie: a=b; vigil_session=abc\r\nX-Tab:\tv \t\r\n\r\n"), HTTP_PARSE_DONE);
	assert_int_equal(req.method, HTTP_GET);
	assert_int_equal(req.minor, 1);
	assert_string_equal(req.path, "/api/status");
	assert_string_equal(req.query, "x=1");
	assert_int_equal(req.nheaders, 3);
	assert_string_equal(http_header_get(&req, "HOST"), "h");
	assert_string_equal(http_header_get(&req, "x-tab"), "v");
	assert_null(http_header_get(&req, "missing"));
	{
		char v[80];

		assert_true(http_cookie_get(&req, "vigil_session", v, sizeof(v)));
		assert_string_equal(v, "abc");
		assert_true(http_cookie_get(&req, "a", v, sizeof(v)));
		assert_string_equal(v, "b");
		assert_false(http_cookie_get(&req, "vigil", v, sizeof(v)));
		assert_false(http_cookie_get(&req, "vigil_session", v, 3));
	}
}

static void
test_valid_post_body(void **state)
{
	const char *r = "POST /login HTTP/1.0\r\nContent-Length: 5\r\n\r\nabcdeEXTRA";

	(void)state;
	assert_int_equal(parse(r), HTTP_PARSE_DONE);
	assert_int_equal(req.method, HTTP_POST);
	assert_int_equal(req.minor, 0);
	assert_int_equal(req.body_len, 5);
	assert_memory_equal(req.body, "abcde", 5);
	assert_int_equal(req.consumed, strlen(r) - 5);
}

static void
test_incremental(void **state)
{
	const char *r = "POST /action HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na=b";
	size_t n = strlen(r);

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(parse_n(r, i), HTTP_PARSE_MORE);
	assert_int_equal(parse_n(r, n), HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/action");
}

static void
test_percent_path(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /a%20b%2Fc HTTP/1.1\r\nHost: h\r\n\r\n"), HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/a b/c");
	/* malformed escapes and a decoded NUL */
	assert_int_equal(parse("GET /% HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /%G1 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /%0 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /%1g HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

static void
test_pct_decode_bounds(void **state)
{
	char out[16];
	/* The '%' is the last byte of the input; bytes after it in memory are
	 * valid hex and must not be read (CVE-2019-11455). */
	const char mem[] = "ab%41";

	(void)state;
	assert_int_equal(http_pct_decode(mem, 3, out, sizeof(out), false), -1);
	assert_int_equal(http_pct_decode(mem, 4, out, sizeof(out), false), -1);
	assert_int_equal(http_pct_decode(mem, 5, out, sizeof(out), false), 3);
	assert_string_equal(out, "abA");
	assert_int_equal(http_pct_decode("a+b", 3, out, sizeof(out), true), 3);
	assert_string_equal(out, "a b");
	assert_int_equal(http_pct_decode("a+b", 3, out, sizeof(out), false), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(http_pct_decode("%00", 3, out, sizeof(out), false), -1);
	assert_int_equal(http_pct_decode("abcd", 4, out, 4, false), -1);	/* no room for NUL */
	assert_int_equal(http_pct_decode("abc", 3, out, 4, false), 3);
	assert_int_equal(http_pct_decode("a", 1, out, 0, false), -1);
}

static void
test_oversize_line_414(void **state)
{
	char *r = malloc(HTTP_MAX_LINE + 64);

	(void)state;
	memcpy(r, "GET /", 5);
	memset(r + 5, 'a', HTTP_MAX_LINE + 10);
	/* No CRLF yet, already longer than a line may be: 414 at once. */
	assert_int_equal(parse_n(r, HTTP_MAX_LINE + 1), 414);
	/* Exactly at the limit: still waiting for more. */
	assert_int_equal(parse_n(r, HTTP_MAX_LINE), HTTP_PARSE_MORE);
	free(r);
}

static void
test_line_at_limit_ok(void **state)
{
	char r[HTTP_MAX_LINE + 64];
	size_t pre = strlen("GET /"), post = strlen(" HTTP/1.1");

	(void)state;
	memcpy(r, "GET /", pre);
	memset(r + pre, 'a', HTTP_MAX_LINE - pre - post);
	memcpy(r + HTTP_MAX_LINE - post, " HTTP/1.1\r\nHost: h\r\n\r\n", post + 13);
	assert_int_equal(parse_n(r, HTTP_MAX_LINE + 13), HTTP_PARSE_DONE);
	r[5] = 'b';
	memmove(r + 1, r, HTTP_MAX_LINE + 13);	/* one byte longer line */
	r[0] = 'G';
	memcpy(r, "GGET", 4);
	assert_int_equal(parse_n(r, HTTP_MAX_LINE + 14), 414);
}

static void
test_oversize_headers_431(void **state)
{
	size_t cap = HTTP_MAX_HEAD + 256, n;
	char *r = malloc(cap);

	(void)state;
	n = (size_t)snprintf(r, cap, "GET / HTTP/1.1\r\nHost: h\r\n");
	while (n + 20 < cap) {
		memcpy(r + n, "X-Pad: aaaaaaaaaa\r\n", 19);
		n += 19;
	}
	assert_int_equal(parse_n(r, n), 431);
	free(r);
	/* too many header lines, each short */
	{
		char buf[4096];

		n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: h\r\n");
		for (int i = 0; i < HTTP_MAX_HEADERS; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X%d: y\r\n", i);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
		assert_int_equal(parse_n(buf, n), 431);
	}
	/* a head of exactly the limit is fine */
	{
		char *b = malloc(HTTP_MAX_HEAD + 1);
		size_t pre;

		pre = (size_t)snprintf(b, HTTP_MAX_HEAD, "GET / HTTP/1.1\r\nHost: h\r\nX: ");
		memset(b + pre, 'v', HTTP_MAX_HEAD - pre - 4);
		memcpy(b + HTTP_MAX_HEAD - 4, "\r\n\r\n", 4);
		assert_int_equal(parse_n(b, HTTP_MAX_HEAD), HTTP_PARSE_DONE);
		free(b);
	}
}

static void
test_methods(void **state)
{
	(void)state;
	assert_int_equal(parse("PUT / HTTP/1.1\r\nHost: h\r\n\r\n"), 501);
	assert_int_equal(parse("DELETE / HTTP/1.1\r\nHost: h\r\n\r\n"), 501);
	assert_int_equal(parse("get / HTTP/1.1\r\nHost: h\r\n\r\n"), 501);
	assert_int_equal(parse("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse(" / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

static void
test_versions(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), 505);
	assert_int_equal(parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n"), 505);
	assert_int_equal(parse("GET / HTTP/1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET / http/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1 x\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /\r\n\r\n"), 400);
	assert_int_equal(parse("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

static void
test_control_bytes(void **state)
{
	(void)state;
	assert_int_equal(parse_n("GET /\0 HTTP/1.1\r\nHost: h\r\n\r\n", 28), 400);
	assert_int_equal(parse("GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\x01\r\n\r\n"), 400);
	assert_int_equal(parse_n("GET / HTTP/1.1\r\nHost: h\0\r\n\r\n", 28), 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\x1b[2J\r\n\r\n"), 400);
	/* bare LF, bare CR */
	assert_int_equal(parse("GET / HTTP/1.1\nHost: h\n\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1\rHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n"), 400);
	/* fragment, absolute-form, asterisk */
	assert_int_equal(parse("GET /#x HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	assert_int_equal(parse("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

static void
test_headers_strict(void **state)
{
	(void)state;
	/* obs-fold */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\n x\r\n\r\n"), 400);
	/* no colon, space before colon, empty name */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nBad\r\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\n: h\r\n\r\n"), 400);
	/* Host: missing in 1.1, duplicated */
	assert_int_equal(parse("GET / HTTP/1.1\r\nX: y\r\n\r\n"), 400);
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n"), HTTP_PARSE_DONE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
	/* Transfer-Encoding, Content-Length */
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n"), 411);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4097\r\n\r\n"), 413);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 413);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4096\r\n\r\n"), HTTP_PARSE_MORE);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), 400);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1,1\r\n\r\n"), 400);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n"), 400);
	assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
	    "Content-Length: 1\r\n\r\nx"), 400);
}

static void
test_form(void **state)
{
	struct http_form f;
	const char *b;

	(void)state;
	b = "user=a+b&password=p%26w%3D&csrf=";
	assert_int_equal(http_form_parse((const uint8_t *)b, strlen(b), &f), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(http_form_get(&f, "user"), "a b");
	assert_string_equal(http_form_get(&f, "password"), "p&w=");
	assert_string_equal(http_form_get(&f, "csrf"), "");
	assert_null(http_form_get(&f, "nope"));
	assert_int_equal(http_form_parse((const uint8_t *)"", 0, &f), 0);
	assert_int_equal(f.n, 0);

	/* every malformed shape */
	static const char *const bad[] = {
		"a", "=b", "a=1&a=2", "a=1&", "&a=1", "a=1&&b=2", "a=%", "a=%G1",
		"a=%0", "a=%00", "a%00=1", "a=1 2", "a=\x01", "a=\xff",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (http_form_parse((const uint8_t *)bad[i], strlen(bad[i]), &f) != -1)
			fail_msg("form '%s' was accepted", bad[i]);
	}
	{
		char many[256] = "";

		for (int i = 0; i <= HTTP_FORM_MAX_FIELDS; i++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sk%d=v",
			    i > 0 ? "&" : "", i);
		assert_int_equal(http_form_parse((const uint8_t *)many, strlen(many), &f), -1);
	}
	{
		static uint8_t big[HTTP_MAX_BODY + 2];

		memset(big, 'a', sizeof(big));
		big[0] = 'k';
		big[1] = '=';
		assert_int_equal(http_form_parse(big, HTTP_MAX_BODY, &f), 0);
		assert_int_equal(http_form_parse(big, HTTP_MAX_BODY + 1, &f), -1);
	}
}

/* HTTP keep-alive: 1.1 keeps unless "close" is among the Connection
 * tokens; 1.0 closes unless "keep-alive" is. */
static void
keeps(const char *head, bool want)
{
	char raw[512];

	snprintf(raw, sizeof(raw), "%s\r\n", head);
	assert_int_equal(parse(raw), HTTP_PARSE_DONE);
	if (http_keep_alive(&req) != want)
		fail_msg("keep-alive of %s: wanted %d", head, want);
}

static void
test_keep_alive(void **state)
{
	(void)state;
	keeps("GET / HTTP/1.1\r\nHost: h\r\n", true);
	keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n", false);
	keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n", false);
	keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nConnection:  close \r\n",
	    false);
	keeps("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n", true);
	keeps("GET / HTTP/1.0\r\n", false);
	keeps("GET / HTTP/1.0\r\nConnection: keep-alive\r\n", true);
	keeps("GET / HTTP/1.0\r\nConnection: keep-alive-ish\r\n", false);
}

static void
test_reason(void **state)
{
	(void)state;
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(431), "Request Header Fields Too Large");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_get),
		cmocka_unit_test(test_valid_post_body),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_percent_path),
		cmocka_unit_test(test_pct_decode_bounds),
		cmocka_unit_test(test_oversize_line_414),
		cmocka_unit_test(test_line_at_limit_ok),
		cmocka_unit_test(test_oversize_headers_431),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_headers_strict),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
