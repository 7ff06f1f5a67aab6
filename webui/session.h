/* webui's own session table: sid -> user, role, CSRF token, expiry.
 * Display and CSRF only: the monitor enforces roles on every action. */
#ifndef VIGIL_WEBUI_SESSION_H
#define VIGIL_WEBUI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"

#define SESSION_MAX		256
#define SESSION_PER_USER	16	/* the monitor keeps the same cap */
#define SESSION_PER_ADDR	32
#define SESSION_TTL_MS		(3600u * 1000u)
#define CSRF_LEN		64	/* hex digits */

struct web_session {
	bool used;
	char sid[MSG_SID_LEN];
	char user[MSG_USER_LEN];
	uint8_t role;			/* enum web_role */
	char csrf[CSRF_LEN + 1];
	uint64_t expiry_ms;		/* monotonic */
	char flash[3 * MSG_NAME_LEN + 32];	/* shown once on the next page */
	uint16_t nscope;		/* 0: every service */
	char (*scope)[MSG_SCOPE_LEN];	/* heap, nscope entries */
	char addr[MSG_SHORT_LEN];	/* the client that logged in */
	uint64_t seq;			/* order of arrival */
	uint64_t checked_ms;		/* granted or last checked at auth */
};

struct session_table {
	struct web_session s[SESSION_MAX];
	uint64_t next_seq;
};

/* Constant-time comparison of two strings of public length. */
bool ct_streq(const char *a, const char *b);
/* A sid as auth makes them: exactly 64 lower-case hex digits. */
bool session_sid_valid(const char *sid);
/* A fresh random token of CSRF_LEN lower-case hex digits; false when no
 * randomness was available. */
bool csrf_token_new(char out[CSRF_LEN + 1]);
/* Exactly CSRF_LEN lower-case hex digits. */
bool csrf_token_valid(const char *tok);
/* Add (or replace) a session with a fresh CSRF token; a full table drops
 * the session closest to expiry.  NULL when no randomness was available. */
struct web_session *session_add(struct session_table *t, const char *sid,
    const char *user, uint8_t role, uint64_t now);
/* Lookup in constant time per entry; an expired entry is removed. */
struct web_session *session_find(struct session_table *t, const char *sid,
    uint64_t now);
void session_remove(struct web_session *s);
/* Before a new session of user from addr: end user's oldest session when it
 * has SESSION_PER_USER, and addr's oldest when it has SESSION_PER_ADDR, so
 * one user or one address cannot fill the table.  The sids ended are copied
 * to ended[] (the caller tells the monitor); returns how many (0..2). */
size_t session_make_room(struct session_table *t, const char *user, const char *addr,
    char ended[2][MSG_SID_LEN]);
/* The services this session may act on (auth's grant; display only, the
 * monitor decides).  n is bounded by MSG_SCOPE_MAX. */
void session_set_scope(struct web_session *s, uint16_t n,
    const char scope[][MSG_SCOPE_LEN]);
bool session_in_scope(const struct web_session *s, const char *service);
size_t session_expire(struct session_table *t, uint64_t now);
/* Does the role allow this action?  (Display only; the monitor decides.) */
bool role_allows(uint8_t role, enum svc_action a);

#endif
