/* Token buckets: logins and actions are rate-limited here, below the IPC
 * limits of auth and the monitor (which close the channel when exceeded),
 * so a flood from the network gets 429 instead of tearing the web side
 * down; network-triggered log lines are limited so they cannot flood the
 * log. */
#ifndef VIGIL_WEBUI_RATELIMIT_H
#define VIGIL_WEBUI_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct bucket {
	uint32_t per_s;
	uint32_t burst;
	uint64_t milli;		/* tokens x 1000 */
	uint64_t last_ms;
};

void bucket_init(struct bucket *b, uint32_t per_s, uint32_t burst, uint64_t now);
bool bucket_take(struct bucket *b, uint64_t now);

#endif
