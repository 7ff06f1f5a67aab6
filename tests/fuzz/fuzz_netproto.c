/* libFuzzer target: the protocol reply parsers of connection tests
 * (monitor/checks/netproto.c): whatever answers on a watched port chooses
 * these bytes.  Today: the HTTP status line.
 *
 * Oracles besides the sanitizers: the answer is "garbage", "incomplete" or
 * a status 100..999; "incomplete" only without a newline and for at most
 * 1024 bytes; a status is the same when more bytes follow the line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/checks/netproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	int code;

	if (size > 8192)
		return 0;
	code = http_status_parse(buf, size);
	if (code == HTTP_INCOMPLETE) {
		if (memchr(buf, '\n', size) != NULL || size > 1024)
			abort();
	} else if (code != HTTP_GARBAGE && (code < 100 || code > 999)) {
		abort();
	}
	if (code >= 100 && size > 0) {
		/* a shorter read of the same line that still holds its end */
		const char *nl = memchr(buf, '\n', size);

		if (nl != NULL && http_status_parse(buf, (size_t)(nl - buf) + 1) != code)
			abort();
	}
	return 0;
}
