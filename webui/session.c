#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/log.h"
#include "webui/session.h"

bool
ct_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = 0;

	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static bool
hex_of_len(const char *s, size_t len)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == len;
}

bool
session_sid_valid(const char *sid)
{
	return hex_of_len(sid, MSG_SID_LEN - 1);
}

bool
csrf_token_valid(const char *tok)
{
	return hex_of_len(tok, CSRF_LEN);
}

static bool
random_hex(char *out, size_t ndigits)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	size_t nbytes = ndigits / 2, got = 0;

	if (nbytes > sizeof(raw))
		return false;
	while (got < nbytes) {
		ssize_t r = getrandom(raw + got, nbytes - got, 0);

		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[ndigits] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return true;
}

bool
csrf_token_new(char out[CSRF_LEN + 1])
{
	return random_hex(out, CSRF_LEN);
}

struct web_session *
session_add(struct session_table *t, const char *sid, const char *user,
    uint8_t role, uint64_t now)
{
	struct web_session *slot = NULL;

	session_expire(t, now);
	for (size_t i = 0; i < SESSION_MAX && slot == NULL; i++)
		if (t->s[i].used && strcmp(t->s[i].sid, sid) == 0)
			slot = &t->s[i];
	for (size_t i = 0; i < SESSION_MAX && slot == NULL; i++)
		if (!t->s[i].used)
			slot = &t->s[i];
	if (slot == NULL) {
		slot = &t->s[0];
		for (size_t i = 1; i < SESSION_MAX; i++)
			if (t->s[i].expiry_ms < slot->expiry_ms)
				slot = &t->s[i];
		log_info("session table full: dropping the oldest session of '%s'",
		    slot->user);
	}
	session_remove(slot);
	if (!random_hex(slot->csrf, CSRF_LEN)) {
		log_err("getrandom failed: no session");
		return NULL;
	}
	slot->used = true;
	slot->seq = ++t->next_seq;
	strncpy(slot->sid, sid, sizeof(slot->sid) - 1);
	strncpy(slot->user, user, sizeof(slot->user) - 1);
	slot->role = role;
	slot->expiry_ms = now + SESSION_TTL_MS;
	slot->checked_ms = now;
	return slot;
}

/* The oldest session whose user (by_user) or address matches key, and how
 * many match. */
static struct web_session *
oldest_of(struct session_table *t, bool by_user, const char *key, size_t *count)
{
	struct web_session *o = NULL;

	*count = 0;
	for (size_t i = 0; i < SESSION_MAX; i++) {
		struct web_session *s = &t->s[i];

		if (!s->used || strcmp(by_user ? s->user : s->addr, key) != 0)
			continue;
		(*count)++;
		if (o == NULL || s->seq < o->seq)
			o = s;
	}
	return o;
}

size_t
session_make_room(struct session_table *t, const char *user, const char *addr,
    char ended[2][MSG_SID_LEN])
{
	size_t n, k = 0;
	struct web_session *o = oldest_of(t, true, user, &n);

	if (n >= SESSION_PER_USER && o != NULL) {
		log_info("user '%s' has %zu web sessions (at most %d): ending the oldest",
		    user, n, SESSION_PER_USER);
		memcpy(ended[k++], o->sid, MSG_SID_LEN);
		session_remove(o);
	}
	if (addr[0] != '\0') {
		o = oldest_of(t, false, addr, &n);
		if (n >= SESSION_PER_ADDR && o != NULL) {
			log_info("%s has %zu web sessions (at most %d): ending the oldest, of "
			    "user '%s'", addr, n, SESSION_PER_ADDR, o->user);
			memcpy(ended[k++], o->sid, MSG_SID_LEN);
			session_remove(o);
		}
	}
	return k;
}

struct web_session *
session_find(struct session_table *t, const char *sid, uint64_t now)
{
	struct web_session *found = NULL;

	for (size_t i = 0; i < SESSION_MAX; i++)
		if (t->s[i].used && ct_streq(t->s[i].sid, sid))
			found = &t->s[i];
	if (found != NULL && found->expiry_ms <= now) {
		session_remove(found);
		found = NULL;
	}
	return found;
}

void
session_remove(struct web_session *s)
{
	free(s->scope);
	explicit_bzero(s, sizeof(*s));
}

void
session_set_scope(struct web_session *s, uint16_t n, const char scope[][MSG_SCOPE_LEN])
{
	free(s->scope);
	s->scope = NULL;
	s->nscope = 0;
	if (n == 0 || n > MSG_SCOPE_MAX)
		return;
	s->scope = calloc(n, sizeof(*s->scope));
	if (s->scope == NULL) {
		/* No list: no buttons at all rather than every button. */
		s->nscope = 1;
		s->scope = NULL;
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		memcpy(s->scope[i], scope[i], MSG_SCOPE_LEN);
		s->scope[i][MSG_SCOPE_LEN - 1] = '\0';
	}
	s->nscope = n;
}

bool
session_in_scope(const struct web_session *s, const char *service)
{
	if (s->nscope == 0)
		return true;
	for (uint16_t i = 0; s->scope != NULL && i < s->nscope; i++)
		if (strcmp(s->scope[i], service) == 0)
			return true;
	return false;
}

size_t
session_expire(struct session_table *t, uint64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < SESSION_MAX; i++)
		if (t->s[i].used && t->s[i].expiry_ms <= now) {
			session_remove(&t->s[i]);
			n++;
		}
	return n;
}

bool
role_allows(uint8_t role, enum svc_action a)
{
	switch (role) {
	case ROLE_READWRITE:
		return true;
	case ROLE_RESTART:
		return a == SVC_ACTION_RESTART || a == SVC_ACTION_MONITOR;
	default:
		return false;
	}
}
