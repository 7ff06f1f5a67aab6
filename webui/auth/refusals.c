/* Failed web logins, coalesced for the monitor's access alerts.
 *
 * An auditor wants to hear of a wrong password at once, but a password
 * guesser must not turn into a mail per guess.  One slot per (user,
 * address, reason): the first refusal of an interval is reported at once,
 * the rest of that interval are counted and reported as one message when
 * it ends.  So a flood costs at most two messages per key and interval.
 * The table is bounded; when every slot holds unreported refusals, new
 * keys are counted together under user and address "*". */
#include <string.h>

#include "common/util.h"
#include "webui/auth/auth.h"

void
auth_refusals_init(struct auth_refusals *t)
{
	memset(t, 0, sizeof(*t));
}

/* Printable ASCII; anything else (control bytes, quotes, non-ASCII) becomes
 * '?', so the monitor's log and mail get the name as the user typed it,
 * minus what could forge a line or a header. */
static void
copy_safe(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (src[i] > 0x20 && src[i] < 0x7f && src[i] != '\'' &&
		    src[i] != '\\') ? src[i] : '?';
	dst[i] = '\0';
	if (i == 0)
		strlcpy_v(dst, "-", size);
}

static void
fill(struct msg_access_refused *out, const char *user, const char *client,
    const char *reason, uint32_t count, uint64_t span_ms)
{
	memset(out, 0, sizeof(*out));
	strlcpy_v(out->user, user, sizeof(out->user));
	strlcpy_v(out->client, client, sizeof(out->client));
	strlcpy_v(out->reason, reason, sizeof(out->reason));
	out->count = count;
	out->interval_s = (uint32_t)((span_ms + 999) / 1000);
}

static struct auth_refusal *
slot_for(struct auth_refusals *t, const char *user, const char *client,
    const char *reason, uint64_t now_ms)
{
	struct auth_refusal *free_slot = NULL;

	for (size_t i = 0; i < AUTH_REFUSAL_SLOTS; i++) {
		struct auth_refusal *r = &t->r[i];

		if (r->used && strcmp(r->user, user) == 0 &&
		    strcmp(r->client, client) == 0 && strcmp(r->reason, reason) == 0)
			return r;
		/* A slot whose interval is over and fully reported is free. */
		if (free_slot == NULL && (!r->used || (r->pending == 0 &&
		    now_ms - r->window_start_ms >= AUTH_REFUSAL_INTERVAL_MS)))
			free_slot = r;
	}
	if (free_slot != NULL) {
		memset(free_slot, 0, sizeof(*free_slot));
		free_slot->used = true;
		strlcpy_v(free_slot->user, user, sizeof(free_slot->user));
		strlcpy_v(free_slot->client, client, sizeof(free_slot->client));
		strlcpy_v(free_slot->reason, reason, sizeof(free_slot->reason));
		free_slot->window_start_ms = now_ms;
		free_slot->fresh = true;
	}
	return free_slot;
}

bool
auth_refusal_note(struct auth_refusals *t, const char *user_raw,
    const char *client_raw, const char *reason, uint64_t now_ms,
    struct msg_access_refused *out)
{
	char user[MSG_USER_LEN], client[MSG_SHORT_LEN];
	struct auth_refusal *r;

	copy_safe(user, sizeof(user), user_raw);
	copy_safe(client, sizeof(client), client_raw);
	r = slot_for(t, user, client, reason, now_ms);
	if (r == NULL) {
		if (t->overflow == 0)
			t->overflow_start_ms = now_ms;
		if (t->overflow < UINT32_MAX)
			t->overflow++;
		return false;
	}
	if (r->fresh || now_ms - r->window_start_ms >= AUTH_REFUSAL_INTERVAL_MS) {
		/* The first of a new interval: report it now, with whatever the
		 * sweep has not reported of the last one yet. */
		uint64_t span = r->fresh ? 0 : now_ms - r->window_start_ms;

		fill(out, r->user, r->client, r->reason, r->pending + 1,
		    r->pending > 0 ? span : 0);
		r->fresh = false;
		r->window_start_ms = now_ms;
		r->pending = 0;
		return true;
	}
	if (r->pending < UINT32_MAX)
		r->pending++;
	return false;
}

bool
auth_refusal_due(struct auth_refusals *t, uint64_t now_ms,
    struct msg_access_refused *out)
{
	for (size_t i = 0; i < AUTH_REFUSAL_SLOTS; i++) {
		struct auth_refusal *r = &t->r[i];

		if (!r->used || r->pending == 0 ||
		    now_ms - r->window_start_ms < AUTH_REFUSAL_INTERVAL_MS)
			continue;
		fill(out, r->user, r->client, r->reason, r->pending,
		    now_ms - r->window_start_ms);
		r->pending = 0;
		return true;
	}
	if (t->overflow > 0 &&
	    now_ms - t->overflow_start_ms >= AUTH_REFUSAL_INTERVAL_MS) {
		fill(out, "*", "*", "various (too many users and addresses to "
		    "tell apart)", t->overflow, now_ms - t->overflow_start_ms);
		t->overflow = 0;
		return true;
	}
	return false;
}
