/* libFuzzer: event queue files come back from disk, so they are untrusted
 * (anyone who could write there, a torn disk).  The whole file check
 * (state.c's header and checksum) and the event record decoder must refuse
 * or accept, never crash; an accepted record encodes back to itself.  The
 * first input byte chooses whether the record is also checked bare (the
 * fuzzer cannot forge a SHA-256, so the decoder gets the bytes directly). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/alert/alert.h"
#include "monitor/core/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
decode(const uint8_t *p, size_t n)
{
	struct alert_item it;
	char why[128];
	uint8_t *again;
	size_t len;

	if (!eventq_decode(p, n, &it, why, sizeof(why)))
		return;
	again = eventq_encode(&it, &len);
	if (len != n || memcmp(again, p, n) != 0)
		abort();
	free(again);
	for (size_t i = 0; i < it.nmails; i++) {
		free(it.mails[i].to);
		free(it.mails[i].from);
		free(it.mails[i].msg);
	}
	free(it.mails);
	free(it.service);
	free(it.event);
}

/* M/Monit event records (<seq>.mmq) share the directory and the framing. */
static void
decode_mmq(const uint8_t *p, size_t n)
{
	struct mmq_record r;
	char why[128];
	uint8_t *again;
	size_t len;

	if (!mmq_decode(p, n, &r, why, sizeof(why)))
		return;
	again = mmq_encode(&r, &len);
	if (len != n || memcmp(again, p, n) != 0)
		abort();
	free(again);
	mmq_record_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off, len;
	char why[128];

	if (state_verify(data, size, &off, &len, why, sizeof(why))) {
		decode(data + off, len);
		decode_mmq(data + off, len);
	}
	decode(data, size);
	decode_mmq(data, size);
	return 0;
}
