#include "webui/ratelimit.h"

void
bucket_init(struct bucket *b, uint32_t per_s, uint32_t burst, uint64_t now)
{
	b->per_s = per_s;
	b->burst = burst;
	b->milli = (uint64_t)burst * 1000u;
	b->last_ms = now;
}

bool
bucket_take(struct bucket *b, uint64_t now)
{
	uint64_t cap = (uint64_t)b->burst * 1000u;

	if (now > b->last_ms) {
		b->milli += (now - b->last_ms) * b->per_s;
		if (b->milli > cap)
			b->milli = cap;
	}
	b->last_ms = now;
	if (b->milli < 1000)
		return false;
	b->milli -= 1000;
	return true;
}
