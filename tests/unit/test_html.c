/* HTML and JSON escaping of hostile text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "webui/html.h"

static char *
html(struct obuf *b, const char *s)
{
	obuf_reset(b);
	obuf_html(b, s);
	return b->len > 0 ? b->data : (char *)"";
}

static char *
json(struct obuf *b, const char *s)
{
	obuf_reset(b);
	obuf_json_str(b, s);
	return b->data;
}

static void
test_html_escape(void **state)
{
	struct obuf b;

	(void)state;
	obuf_init(&b, 4096);
	assert_string_equal(html(&b, "plain name-1.x"), "plain name-1.x");
	assert_string_equal(html(&b, "<script>alert(1)</script>"),
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(html(&b, "a&b\"c'd"), "a&amp;b&quot;c&#39;d");
	assert_string_equal(html(&b, "\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
	assert_string_equal(html(&b, "line\nbreak\x1b[0m\x7f"), "line?break?[0m?");
	assert_string_equal(html(&b, "caf\xc3\xa9"), "caf\xc3\xa9");
	assert_string_equal(html(&b, ""), "");
	obuf_free(&b);
}

static void
test_json_escape(void **state)
{
	struct obuf b;

	(void)state;
	obuf_init(&b, 4096);
	assert_string_equal(json(&b, "ok"), "\"ok\"");
	assert_string_equal(json(&b, "q\"b\\"), "\"q\\\"b\\\\\"");
	assert_string_equal(json(&b, "a\nb\x01"), "\"a\\u000ab\\u0001\"");
	assert_string_equal(json(&b, "</script><b>&"),
	    "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"");
	assert_string_equal(json(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* invalid UTF-8: lone continuation, overlong, surrogate, truncated, > U+10FFFF */
	assert_string_equal(json(&b, "\x80"), "\"\\ufffd\"");
	assert_string_equal(json(&b, "\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json(&b, "\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json(&b, "\xe2\x82"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json(&b, "\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json(&b, "x\xff"), "\"x\\ufffd\"");
	obuf_free(&b);
}

static void
test_obuf_bound(void **state)
{
	struct obuf b;

	(void)state;
	obuf_init(&b, 10);
	obuf_adds(&b, "0123456789");
	assert_false(b.failed);
	assert_int_equal(b.len, 10);
	obuf_adds(&b, "x");
	assert_true(b.failed);
	assert_int_equal(b.len, 10);
	obuf_reset(&b);
	assert_false(b.failed);
	obuf_html(&b, "<<<");	/* 12 bytes escaped: over */
	assert_true(b.failed);
	obuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_obuf_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
