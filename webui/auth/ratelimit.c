/* Failed logins per key (client address, user name) in a fixed window.
 *
 * A bounded table: when it is full the slot whose window started first is
 * reused.  Flooding it with fresh keys can therefore evict a key early;
 * with 512 slots that takes more than 500 failed logins inside the
 * window, which the per-client limit and webui's own limits make slow. */
#include <string.h>

#include "common/util.h"
#include "webui/auth/auth.h"

void
auth_rl_init(struct auth_ratelimit *rl)
{
	memset(rl, 0, sizeof(*rl));
}

static struct auth_rl_slot *
rl_find(const struct auth_ratelimit *rl, const char *key)
{
	for (size_t i = 0; i < AUTH_RL_SLOTS; i++)
		if (rl->slot[i].fails > 0 && strcmp(rl->slot[i].key, key) == 0)
			return (struct auth_rl_slot *)(uintptr_t)&rl->slot[i];
	return NULL;
}

bool
auth_rl_blocked(const struct auth_ratelimit *rl, const char *key, uint64_t now_ms)
{
	const struct auth_rl_slot *s = rl_find(rl, key);

	return s != NULL && s->fails >= AUTH_RL_MAX_FAILS &&
	    now_ms - s->window_start_ms < AUTH_RL_WINDOW_MS;
}

void
auth_rl_fail(struct auth_ratelimit *rl, const char *key, uint64_t now_ms)
{
	struct auth_rl_slot *s = rl_find(rl, key);

	if (s == NULL) {
		s = &rl->slot[0];
		for (size_t i = 0; i < AUTH_RL_SLOTS; i++) {
			if (rl->slot[i].fails == 0) {
				s = &rl->slot[i];
				break;
			}
			if (rl->slot[i].window_start_ms < s->window_start_ms)
				s = &rl->slot[i];
		}
		memset(s, 0, sizeof(*s));
		strlcpy_v(s->key, key, sizeof(s->key));
		s->window_start_ms = now_ms;
	} else if (now_ms - s->window_start_ms >= AUTH_RL_WINDOW_MS) {
		s->fails = 0;
		s->window_start_ms = now_ms;
	}
	if (s->fails < UINT32_MAX)
		s->fails++;
}
