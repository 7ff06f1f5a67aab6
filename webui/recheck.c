/* Revocation: a session's user is checked with auth again, at most every
 * WEBUI_RECHECK_MS per session, when a request uses the session.  The
 * request waits (its bytes kept, as for a Basic login) and runs again once
 * auth answers: unchanged, the session goes on; a user who may no longer
 * log in (locked or removed account, out of the PAM group or the `set
 * group`, rule gone) or whose role or scope changed loses the session here
 * and in the monitor, and the request runs as if logged out. */
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "webui/webui.h"

static bool
same_grant(const struct web_session *s, const struct msg_session_check_result *r)
{
	if (r->role != s->role || r->nscope != s->nscope)
		return false;
	for (unsigned i = 0; i < r->nscope && i < MSG_SCOPE_MAX; i++)
		if (strcmp(r->scope[i], s->scope[i]) != 0)
			return false;
	return true;
}

struct web_session *
webui_session_recheck(struct webui *w, struct client *c, struct web_session *s)
{
	struct msg_session_check m;
	uint64_t now = now_ms();

	if (s == NULL || now - s->checked_ms < WEBUI_RECHECK_MS)
		return s;
	if (!w->auth_up) {
		/* Fail closed: nobody can say the user may still log in. */
		webui_respond_error(w, c, 503, "the authentication service is not available");
		return NULL;
	}
	memset(&m, 0, sizeof(m));
	m.req = webui_next_req(w);
	strlcpy_v(m.user, s->user, sizeof(m.user));
	strlcpy_v(m.client, c->addr, sizeof(m.client));
	if (ipc_send(&w->auth, MSG_SESSION_CHECK, &m, -1) < 0) {
		webui_respond_error(w, c, 503, "the authentication service is not available");
		return NULL;
	}
	strlcpy_v(c->pending_sid, s->sid, sizeof(c->pending_sid));
	webui_start_wait(c, PEND_RECHECK, m.req);
	return NULL;
}

void
webui_on_session_check(struct webui *w, const struct msg_session_check_result *r)
{
	struct client *c = webui_find_pending(w, PEND_RECHECK, r->req);
	struct web_session *s;

	if (c == NULL) {
		log_debug("session check %u came after its client left", r->req);
		return;
	}
	c->pending = PEND_NONE;
	s = session_find(&w->sessions, c->pending_sid, now_ms());
	if (s != NULL) {
		if (r->ok && same_grant(s, r)) {
			s->checked_ms = now_ms();
		} else {
			log_info("web session of user '%s' ended: %s", s->user, r->ok ?
			    "role or services changed (log in again)" :
			    "the user may no longer log in");
			w->revoked++;
			webui_session_end(w, c->pending_sid);
		}
	}
	/* The same request again: with its session, or logged out. */
	c->recheck_done = true;
	c->state = CL_READING;
	webui_client_input(w, c);
	c->recheck_done = false;
}
