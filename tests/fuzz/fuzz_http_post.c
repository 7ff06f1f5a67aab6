/* libFuzzer: what an M/Monit collector (or anything at its address)
 * replies is untrusted.  The head parser and the whole client exchange
 * must refuse or finish, never crash, never read past the bytes given, and
 * keep their bounds: the first byte sets how the rest is split into
 * reads, so heads and bodies straddle them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/alert/http_post.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response r;
	struct http_post c;
	const char *why = NULL;
	size_t used = 0, off = 0, split;
	enum http_post_event ev = HTTP_POST_MORE;

	if (http_response_parse((const char *)data, size, &r, &used, &why) == HTTP_PARSE_OK &&
	    (used == 0 || used > size || r.status < 100 || r.status > 999))
		abort();
	if (size == 0)
		return 0;
	split = data[0] == 0 ? 1 : data[0];
	data++;
	size--;
	http_post_init(&c, "fuzz.example:8080", "/collector", "u", "p", "text/xml", "<x/>", 4);
	http_post_consumed(&c, c.outlen);
	while (off < size && ev == HTTP_POST_MORE) {
		size_t n = size - off < split ? size - off : split;

		ev = http_post_feed(&c, (const char *)data + off, n);
		off += n;
		if (c.inlen > sizeof(c.in) || c.body_seen > HTTP_POST_BODY_MAX + split)
			abort();
	}
	if (ev == HTTP_POST_MORE)
		ev = http_post_eof(&c);
	if (ev == HTTP_POST_DONE && (c.resp.status < 200 || c.resp.status > 999))
		abort();
	if (ev == HTTP_POST_FAILED && c.error[0] == '\0')
		abort();
	http_post_free(&c);
	return 0;
}
