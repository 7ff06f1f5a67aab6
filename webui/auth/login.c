/* One login: rate limits, then the control-file user, else PAM and groups. */
#include <security/pam_appl.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "webui/auth/auth.h"

const char *
auth_verdict_name(enum auth_verdict v)
{
	switch (v) {
	case AUTH_GRANTED:
		return "granted";
	case AUTH_DENIED:
		return "wrong password or unknown user";
	case AUTH_THROTTLED:
		return "too many failed attempts";
	case AUTH_NOT_READY:
		return "rules not loaded yet";
	case AUTH_BAD_INPUT:
		return "malformed credentials";
	}
	return "?";
}

void
auth_ctx_init(struct auth_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	auth_rules_init(&ctx->rules);
	auth_rl_init(&ctx->rl_client);
	auth_rl_init(&ctx->rl_user);
	ctx->pam_check = auth_pam_check;
	ctx->system_groups = auth_system_groups;
	ctx->pam_account = auth_pam_account;
}

void
auth_ctx_free(struct auth_ctx *ctx)
{
	auth_rules_free(&ctx->rules);
}

/* A copy for the log: printable ASCII except the quote that delimits it. */
static void
log_safe(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < size; i++)
		dst[i] = (src[i] > 0x20 && src[i] < 0x7f && src[i] != '\'' &&
		    src[i] != '\\') ? src[i] : '?';
	dst[i] = '\0';
}

static bool
printable(const char *s)
{
	if (s[0] == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static enum auth_verdict
check(struct auth_ctx *ctx, const struct msg_login *m, struct auth_grant *g)
{
	const struct auth_rules *rs = &ctx->rules;
	const struct msg_auth_rule *r;
	char gbuf[AUTH_GROUPS_MAX][MSG_NAME_LEN];
	const char *groups[AUTH_GROUPS_MAX];
	size_t ng;
	int rc;

	r = auth_rules_find_user(rs, m->user);
	if (r != NULL) {
		/* A control-file user is authoritative: no PAM fallback. */
		if (!auth_secret_verify(r, m->password))
			return AUTH_DENIED;
		auth_grant_from_user(r, g);
		return AUTH_GRANTED;
	}
	if (rs->pam_service[0] == '\0') {
		auth_secret_dummy(rs, m->password);
		return AUTH_DENIED;
	}
	rc = ctx->pam_check(rs->pam_service, m->user, m->password, m->client);
	if (rc != PAM_SUCCESS) {
		log_debug("PAM service '%s': %s", rs->pam_service, pam_strerror(NULL, rc));
		return AUTH_DENIED;
	}
	ng = ctx->system_groups(m->user, gbuf, groups, AUTH_GROUPS_MAX);
	if (!auth_grant_from_groups(rs, m->user, groups, ng, g))
		return AUTH_DENIED;
	return AUTH_GRANTED;
}

enum auth_verdict
auth_login(struct auth_ctx *ctx, const struct msg_login *m, uint64_t now,
    struct auth_grant *g)
{
	char user[MSG_USER_LEN], client[MSG_SHORT_LEN];
	const char *ckey = m->client[0] != '\0' ? m->client : "-";
	enum auth_verdict v;

	memset(g, 0, sizeof(*g));
	log_safe(user, sizeof(user), m->user);
	log_safe(client, sizeof(client), ckey);
	if (!ctx->rules.ready) {
		log_warn("login refused for user '%s' from %s: %s", user, client,
		    auth_verdict_name(AUTH_NOT_READY));
		return AUTH_NOT_READY;
	}
	if (auth_rl_blocked(&ctx->rl_client, ckey, now) ||
	    auth_rl_blocked(&ctx->rl_user, m->user, now)) {
		log_warn("login refused for user '%s' from %s: %s", user, client,
		    auth_verdict_name(AUTH_THROTTLED));
		return AUTH_THROTTLED;
	}
	if (m->user[0] == '\0' && m->password[0] == '\0' && ctx->rules.open_access &&
	    printable(ckey)) {
		/* "allow HOST" rules alone (webui let only those clients in):
		 * Monit's access without a password, with every right.  The
		 * session is named after the client's address. */
		strlcpy_v(g->user, ckey, sizeof(g->user));
		g->role = ROLE_READWRITE;
		log_info("access without a password for %s (the control file has only "
		    "host rules)", client);
		return AUTH_GRANTED;
	}
	if (!printable(m->user) || m->password[0] == '\0')
		v = AUTH_BAD_INPUT;
	else
		v = check(ctx, m, g);
	if (v != AUTH_GRANTED) {
		auth_rl_fail(&ctx->rl_client, ckey, now);
		auth_rl_fail(&ctx->rl_user, m->user, now);
		memset(g, 0, sizeof(*g));
		log_warn("login failed for user '%s' from %s", user, client);
		return v;
	}
	log_info("user '%s' logged in from %s as %s", user, client,
	    web_role_name((enum web_role)g->role));
	return AUTH_GRANTED;
}

enum auth_verdict
auth_recheck(struct auth_ctx *ctx, const struct msg_session_check *m, struct auth_grant *g)
{
	const struct auth_rules *rs = &ctx->rules;
	const struct msg_auth_rule *r;
	char gbuf[AUTH_GROUPS_MAX][MSG_NAME_LEN];
	const char *groups[AUTH_GROUPS_MAX];
	char user[MSG_USER_LEN];
	const char *why = NULL;
	size_t ng;
	int rc;

	memset(g, 0, sizeof(*g));
	log_safe(user, sizeof(user), m->user);
	if (!rs->ready)
		return AUTH_NOT_READY;
	if (!printable(m->user))
		return AUTH_BAD_INPUT;
	r = auth_rules_find_user(rs, m->user);
	if (r != NULL) {
		auth_grant_from_user(r, g);
		return AUTH_GRANTED;
	}
	if (rs->open_access) {
		/* Host rules only: the session is named after its address and
		 * webui let the client in by its address. */
		strlcpy_v(g->user, m->user, sizeof(g->user));
		g->role = ROLE_READWRITE;
		return AUTH_GRANTED;
	}
	if (rs->pam_service[0] == '\0') {
		why = "no longer a user of the control file";
	} else if ((rc = ctx->pam_account(rs->pam_service, m->user, m->client)) != PAM_SUCCESS) {
		why = pam_strerror(NULL, rc);
	} else {
		ng = ctx->system_groups(m->user, gbuf, groups, AUTH_GROUPS_MAX);
		if (!auth_grant_from_groups(rs, m->user, groups, ng, g))
			why = "in no group that may log in";
	}
	if (why != NULL) {
		memset(g, 0, sizeof(*g));
		log_warn("user '%s' may no longer log in (%s): their web sessions end", user, why);
		return AUTH_DENIED;
	}
	return AUTH_GRANTED;
}
