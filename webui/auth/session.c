/* Session ids and the logins waiting for the monitor to record them. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "common/util.h"
#include "webui/auth/auth.h"

bool
auth_sid_new(char sid[MSG_SID_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		sid[2 * i] = hex[raw[i] >> 4];
		sid[2 * i + 1] = hex[raw[i] & 0x0f];
	}
	sid[64] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return true;
}

bool
auth_sid_valid(const char *sid)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((sid[i] >= '0' && sid[i] <= '9') || (sid[i] >= 'a' && sid[i] <= 'f')))
			return false;
	return sid[64] == '\0';
}

void
auth_pending_init(struct auth_pending_table *t)
{
	memset(t, 0, sizeof(*t));
}

struct auth_pending *
auth_pending_add(struct auth_pending_table *t, uint32_t req, const char *sid,
    const char *user, uint8_t role, uint64_t now_ms)
{
	for (size_t i = 0; i < AUTH_PENDING_MAX; i++) {
		struct auth_pending *p = &t->p[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->req = req;
		strlcpy_v(p->sid, sid, sizeof(p->sid));
		strlcpy_v(p->user, user, sizeof(p->user));
		p->role = role;
		p->deadline_ms = now_ms + AUTH_PENDING_TIMEOUT_MS;
		return p;
	}
	return NULL;
}

struct auth_pending *
auth_pending_find(struct auth_pending_table *t, const char *sid)
{
	for (size_t i = 0; i < AUTH_PENDING_MAX; i++)
		if (t->p[i].used && strcmp(t->p[i].sid, sid) == 0)
			return &t->p[i];
	return NULL;
}

struct auth_pending *
auth_pending_expired(struct auth_pending_table *t, uint64_t now_ms)
{
	for (size_t i = 0; i < AUTH_PENDING_MAX; i++)
		if (t->p[i].used && now_ms >= t->p[i].deadline_ms)
			return &t->p[i];
	return NULL;
}

void
auth_pending_remove(struct auth_pending *p)
{
	explicit_bzero(p, sizeof(*p));
}

void
auth_delay_init(struct auth_delay_queue *q)
{
	memset(q, 0, sizeof(*q));
}

bool
auth_delay_add(struct auth_delay_queue *q, uint32_t req, uint64_t due_ms)
{
	for (size_t i = 0; i < AUTH_DELAYED_MAX; i++)
		if (!q->d[i].used) {
			q->d[i].used = true;
			q->d[i].req = req;
			q->d[i].due_ms = due_ms;
			return true;
		}
	return false;
}

uint64_t
auth_delay_next(const struct auth_delay_queue *q)
{
	uint64_t next = 0;

	for (size_t i = 0; i < AUTH_DELAYED_MAX; i++)
		if (q->d[i].used && (next == 0 || q->d[i].due_ms < next))
			next = q->d[i].due_ms;
	return next;
}

bool
auth_delay_pop(struct auth_delay_queue *q, uint64_t now_ms, uint32_t *req)
{
	struct auth_delayed *best = NULL;

	/* Oldest first, so answers keep the order of the requests. */
	for (size_t i = 0; i < AUTH_DELAYED_MAX; i++)
		if (q->d[i].used && q->d[i].due_ms <= now_ms &&
		    (best == NULL || q->d[i].due_ms < best->due_ms))
			best = &q->d[i];
	if (best == NULL)
		return false;
	*req = best->req;
	best->used = false;
	return true;
}
