/* Web sessions: auth grants them, the monitor enforces them.  A webui that
 * is compromised can only name a session id; what that session may do was
 * decided by auth and is checked here, with the role table below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

#define A(x) (1u << SVC_ACTION_##x)

/* The role table (DESIGN.md "Sessions and roles"). */
static const uint32_t role_actions[ROLE_MAX + 1] = {
	[ROLE_READONLY] = 0,
	[ROLE_RESTART] = A(RESTART) | A(MONITOR),
	[ROLE_READWRITE] = A(START) | A(STOP) | A(RESTART) | A(MONITOR) | A(UNMONITOR),
};

bool
grant_role_allows(enum web_role role, enum svc_action a)
{
	if ((unsigned)role > ROLE_MAX || (unsigned)a > SVC_ACTION_MAX)
		return false;
	return (role_actions[role] & (1u << a)) != 0;
}

bool
grant_sid_valid(const char *sid)
{
	size_t i;

	for (i = 0; sid[i] != '\0'; i++)
		if (!((sid[i] >= '0' && sid[i] <= '9') || (sid[i] >= 'a' && sid[i] <= 'f')))
			return false;
	return i == MSG_SID_LEN - 1;
}

/* Compare two valid sids in time independent of where they differ: the
 * webui may probe ids, and must learn nothing from how long a refusal took. */
static bool
sid_equal(const char *a, const char *b)
{
	unsigned char d = 0;

	for (size_t i = 0; i < MSG_SID_LEN - 1; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static void
session_free(struct session *s)
{
	free(s->scope);
	explicit_bzero(s, sizeof(*s));
}

static struct session *
session_lookup(struct session_table *t, const char *sid)
{
	struct session *found = NULL;

	if (!grant_sid_valid(sid))
		return NULL;
	/* Look at every slot, so the time taken says nothing either. */
	for (size_t i = 0; i < SESSION_MAX; i++)
		if (t->s[i].used && sid_equal(t->s[i].sid, sid))
			found = &t->s[i];
	return found;
}

size_t
grant_expire(struct session_table *t, uint64_t now_s)
{
	size_t n = 0;

	for (size_t i = 0; i < SESSION_MAX; i++) {
		if (!t->s[i].used)
			continue;
		if (t->s[i].expiry <= now_s)
			session_free(&t->s[i]);
		else
			n++;
	}
	return n;
}

/* The oldest session (of user, or of anyone when user is NULL). */
static struct session *
oldest(struct session_table *t, const char *user, size_t *count)
{
	struct session *o = NULL;

	*count = 0;
	for (size_t i = 0; i < SESSION_MAX; i++) {
		struct session *s = &t->s[i];

		if (!s->used || (user != NULL && strcmp(s->user, user) != 0))
			continue;
		(*count)++;
		if (o == NULL || s->seq < o->seq)
			o = s;
	}
	return o;
}

static void
make_room(struct session_table *t, const char *user)
{
	size_t n;
	struct session *o = oldest(t, user, &n);

	if (n >= SESSION_PER_USER && o != NULL) {
		log_info("web: user '%s' has %zu sessions (at most %d): ending the oldest",
		    user, n, SESSION_PER_USER);
		session_free(o);
	}
	o = oldest(t, NULL, &n);
	if (n >= SESSION_MAX && o != NULL) {
		log_warn("web: session table full (%d): ending the oldest, of user '%s'",
		    SESSION_MAX, o->user);
		session_free(o);
	}
}

bool
grant_add(struct session_table *t, const struct msg_session_grant *g,
    uint64_t now_s, char *why, size_t whylen)
{
	struct session *s = NULL;

	if (!grant_sid_valid(g->sid)) {
		snprintf(why, whylen, "session id is not 64 lowercase hex digits");
		return false;
	}
	if (g->user[0] == '\0') {
		snprintf(why, whylen, "empty user name");
		return false;
	}
	if ((unsigned)g->role > ROLE_MAX) {
		snprintf(why, whylen, "unknown role %u", (unsigned)g->role);
		return false;
	}
	if (g->expiry <= now_s) {
		snprintf(why, whylen, "expiry is not in the future");
		return false;
	}
	if (g->expiry > now_s + 7u * 24u * 3600u) {
		snprintf(why, whylen, "expiry more than a week ahead");
		return false;
	}
	if (g->nscope > MSG_SCOPE_MAX) {
		snprintf(why, whylen, "scope too long");
		return false;
	}
	grant_expire(t, now_s);
	if (session_lookup(t, g->sid) != NULL) {
		snprintf(why, whylen, "duplicate session id");
		return false;
	}
	make_room(t, g->user);
	for (size_t i = 0; i < SESSION_MAX && s == NULL; i++)
		if (!t->s[i].used)
			s = &t->s[i];
	if (s == NULL)
		return false;	/* cannot happen: make_room freed one */
	memset(s, 0, sizeof(*s));
	s->seq = ++t->next_seq;
	s->used = true;
	memcpy(s->sid, g->sid, MSG_SID_LEN);
	strlcpy_v(s->user, g->user, sizeof(s->user));
	s->role = (enum web_role)g->role;
	s->expiry = g->expiry;
	s->nscope = g->nscope;
	if (g->nscope > 0) {
		s->scope = xcalloc(g->nscope, sizeof(*s->scope));
		memcpy(s->scope, g->scope, g->nscope * sizeof(*s->scope));
	}
	return true;
}

int
grant_authorize(struct session_table *t, const char *sid, const char *service,
    enum svc_action a, uint64_t now_s, char *user, size_t userlen, char *why,
    size_t whylen)
{
	struct session *s = session_lookup(t, sid);
	bool in_scope;

	if (userlen > 0)
		user[0] = '\0';
	if (s == NULL) {
		snprintf(why, whylen, "no such session");
		return 403;
	}
	if (userlen > 0)
		strlcpy_v(user, s->user, userlen);
	if (s->expiry <= now_s) {
		snprintf(why, whylen, "session expired");
		session_free(s);
		return 403;
	}
	if (!grant_role_allows(s->role, a)) {
		snprintf(why, whylen, "role %s may not %s", web_role_name(s->role),
		    svc_action_name(a));
		return 403;
	}
	in_scope = s->nscope == 0;
	for (size_t i = 0; i < s->nscope && !in_scope; i++)
		in_scope = strcmp(s->scope[i], service) == 0;
	if (!in_scope) {
		snprintf(why, whylen, "service '%s' is outside the session's scope", service);
		return 403;
	}
	return 0;
}

bool
grant_revoke(struct session_table *t, const char *sid)
{
	struct session *s = session_lookup(t, sid);

	if (s == NULL)
		return false;
	session_free(s);
	return true;
}

void
grant_table_clear(struct session_table *t)
{
	for (size_t i = 0; i < SESSION_MAX; i++)
		if (t->s[i].used)
			session_free(&t->s[i]);
}
