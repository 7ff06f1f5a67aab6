/* libFuzzer: what an SMTP server sends is untrusted.  The reply parser and
 * the whole client session must refuse or proceed, never crash, never read
 * past the bytes given, and keep their bounds: the input is split at the
 * first byte into two feeds so replies straddle reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/alert/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_reply r;
	struct smtp_client c;
	const char *why = NULL;
	size_t used = 0, off = 0, split;
	enum smtp_event ev = SMTP_EV_NONE;

	if (smtp_reply_parse((const char *)data, size, &r, &used, &why) ==
	    SMTP_PARSE_OK && (used == 0 || used > size || r.code < 200 ||
	    r.code > 599 || r.nlines == 0 || r.nlines > SMTP_REPLY_LINES_MAX))
		abort();
	if (size == 0)
		return 0;
	split = data[0];
	data++;
	size--;
	smtp_init(&c, "fuzz.example", (split & 1) ? "user" : NULL, "pw",
	    (split & 2) != 0, true);
	while (off < size && ev != SMTP_EV_FAILED && ev != SMTP_EV_CLOSED) {
		size_t n = size - off;

		if (split > 0 && n > split)
			n = split;
		ev = smtp_feed(&c, (const char *)data + off, n);
		off += n;
		if (c.inlen > SMTP_IN_MAX)
			abort();
		switch (ev) {
		case SMTP_EV_STARTTLS:
			smtp_tls_started(&c);
			break;
		case SMTP_EV_READY:
		case SMTP_EV_SENT:
		case SMTP_EV_REJECTED:
			if (c.state == SMTP_S_READY && (off & 1))
				smtp_send_mail(&c, "a@b", "c@d", ".x\nbody\n", 9);
			else
				smtp_quit(&c);
			break;
		default:
			break;
		}
		smtp_consumed(&c, c.outlen);
	}
	if (ev != SMTP_EV_FAILED && ev != SMTP_EV_CLOSED)
		smtp_eof(&c);
	smtp_free(&c);
	return 0;
}
