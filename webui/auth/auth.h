/* vigil-auth: decides who may log in to the web interface, and as what.
 *
 * The monitor sends the rules (AUTH_RULE x n, AUTH_READY); webui sends
 * LOGIN; auth checks the password (control-file user, or PAM), resolves the
 * role and service scope, asks the monitor to record the session
 * (SESSION_GRANT, SESSION_ACK) and only then answers webui.
 *
 * Everything declared here except pam.c and sandbox.c is pure (no I/O but
 * log lines, and getrandom for session ids), so the unit tests drive it
 * directly; main.c owns the descriptors and the event loop. */
#ifndef VIGIL_AUTH_H
#define VIGIL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"

#define AUTH_RULES_MAX		1024	/* AUTH_RULE messages accepted */
#define AUTH_GROUPS_MAX		256	/* system groups looked at per user */
#define AUTH_DEFAULT_PAM	"vigil"
#define AUTH_DEFAULT_TTL_S	3600
#define AUTH_TTL_MAX_S		(7 * 24 * 3600)

/* ---- rules (rules.c) ---- */

struct auth_rules {
	struct msg_auth_rule *rule;
	size_t n;
	size_t nreceived;		/* AUTH_RULE messages, refused ones too */
	size_t ngroup_rules;		/* AUTH_RULE_GROUP entries */
	bool ready;			/* AUTH_READY accepted */
	char pam_service[MSG_SHORT_LEN];	/* "" when PAM is not used */
	uint32_t ttl_s;
	bool open_access;		/* host rules only: logins without a password */
};

/* What a successful login is granted. */
struct auth_grant {
	char user[MSG_USER_LEN];
	uint8_t role;			/* enum web_role */
	uint16_t nscope;		/* 0: every service */
	char scope[MSG_SCOPE_MAX][MSG_SCOPE_LEN];
};

void auth_rules_init(struct auth_rules *rs);
void auth_rules_free(struct auth_rules *rs);
/* Validate and store one rule; false (with *why) when it is refused. */
bool auth_rules_add(struct auth_rules *rs, const struct msg_auth_rule *r,
    const char **why);
/* Close the rule set; false (with *why) when the count does not match.  PAM
 * is used only when a group rule exists (nothing else could grant a PAM
 * user a role); its service is the message's, or "vigil" when empty. */
bool auth_rules_ready(struct auth_rules *rs, const struct msg_auth_ready *m,
    const char **why);

/* The control-file user of that name, or NULL. */
const struct msg_auth_rule *auth_rules_find_user(const struct auth_rules *rs,
    const char *user);
/* Check a password against a user rule's secret.  Cleartext compares in
 * constant time; crypt hashes go through crypt_rn(). */
bool auth_secret_verify(const struct msg_auth_rule *r, const char *password);
/* Spend about the time a crypt check would, for a user that does not exist,
 * so that timing does not tell which names are control-file users. */
void auth_secret_dummy(const struct auth_rules *rs, const char *password);

/* The grant of a control-file user rule. */
void auth_grant_from_user(const struct msg_auth_rule *r, struct auth_grant *g);
/* The best role among group rules matching the user's groups (sysgroups:
 * from NSS; plus `set group` memberships from the rules).  Scope: union of
 * the scopes of the matching rules with that role; any of them unscoped ->
 * every service.  False when no rule matches. */
bool auth_grant_from_groups(const struct auth_rules *rs, const char *user,
    const char *const *sysgroups, size_t nsysgroups, struct auth_grant *g);

/* md5crypt.c: MD5 (RFC 1321), and the MD5-based crypt of "$1$" and Apache's
 * "$apr1$" hashes: false when setting has another prefix or out is short. */
void auth_md5(const void *data, size_t n, uint8_t out[16]);
bool auth_md5crypt(const char *password, const char *setting, char *out,
    size_t outlen);

/* Constant-time equality of two byte strings of the same length. */
bool auth_ct_equal(const void *a, const void *b, size_t len);
/* Constant-time equality of two NUL-terminated strings shorter than
 * MSG_SECRET_LEN: time depends on neither content nor length. */
bool auth_ct_streq(const char *a, const char *b);

/* ---- rate limiting (ratelimit.c) ---- */

#define AUTH_RL_SLOTS		512
#define AUTH_RL_MAX_FAILS	5	/* failures per window ... */
#define AUTH_RL_WINDOW_MS	60000	/* ... per minute */

struct auth_rl_slot {
	char key[MSG_USER_LEN > MSG_SHORT_LEN ? MSG_USER_LEN : MSG_SHORT_LEN];
	uint32_t fails;
	uint64_t window_start_ms;
};

struct auth_ratelimit {
	struct auth_rl_slot slot[AUTH_RL_SLOTS];
};

void auth_rl_init(struct auth_ratelimit *rl);
/* True when key has used up its failures in the current window. */
bool auth_rl_blocked(const struct auth_ratelimit *rl, const char *key, uint64_t now_ms);
void auth_rl_fail(struct auth_ratelimit *rl, const char *key, uint64_t now_ms);

/* ---- failed logins for the monitor's access alerts (refusals.c) ---- */

#define AUTH_REFUSAL_SLOTS		64
#define AUTH_REFUSAL_INTERVAL_MS	60000

struct auth_refusal {
	bool used;
	bool fresh;			/* taken, nothing reported yet */
	char user[MSG_USER_LEN];
	char client[MSG_SHORT_LEN];
	char reason[MSG_SHORT_LEN];
	uint32_t pending;		/* refused since the last report */
	uint64_t window_start_ms;	/* when the last report went out */
};

struct auth_refusals {
	struct auth_refusal r[AUTH_REFUSAL_SLOTS];
	uint32_t overflow;		/* refusals of keys the table had no room for */
	uint64_t overflow_start_ms;
};

void auth_refusals_init(struct auth_refusals *t);
/* One refused login.  True (and *out filled) when it is to be reported
 * now: the first of its (user, address, reason) in an interval.  Names
 * are copied with anything unprintable replaced. */
bool auth_refusal_note(struct auth_refusals *t, const char *user,
    const char *client, const char *reason, uint64_t now_ms,
    struct msg_access_refused *out);
/* One report of refusals counted in an interval now over; false when
 * none is due.  Call until false on the loop's timer. */
bool auth_refusal_due(struct auth_refusals *t, uint64_t now_ms,
    struct msg_access_refused *out);

/* ---- sessions (session.c) ---- */

/* 32 bytes from getrandom(2) as 64 lowercase hex digits. */
bool auth_sid_new(char sid[MSG_SID_LEN]);
bool auth_sid_valid(const char *sid);

#define AUTH_PENDING_MAX	64
#define AUTH_PENDING_TIMEOUT_MS	3000	/* + up to 1 s timer tick: inside webui's 5 s wait */

/* A login waiting for the monitor's SESSION_ACK. */
struct auth_pending {
	bool used;
	uint32_t req;
	char sid[MSG_SID_LEN];
	char user[MSG_USER_LEN];
	uint8_t role;
	uint64_t deadline_ms;
	uint16_t nscope;		/* the grant's scope, for webui's buttons */
	char scope[MSG_SCOPE_MAX][MSG_SCOPE_LEN];
};

struct auth_pending_table {
	struct auth_pending p[AUTH_PENDING_MAX];
};

void auth_pending_init(struct auth_pending_table *t);
/* NULL when the table is full. */
struct auth_pending *auth_pending_add(struct auth_pending_table *t, uint32_t req,
    const char *sid, const char *user, uint8_t role, uint64_t now_ms);
struct auth_pending *auth_pending_find(struct auth_pending_table *t, const char *sid);
/* Next expired entry (deadline passed), or NULL. */
struct auth_pending *auth_pending_expired(struct auth_pending_table *t, uint64_t now_ms);
void auth_pending_remove(struct auth_pending *p);

/* Failed logins are answered at a fixed time after the request arrived,
 * not when the check ended: a PAM check of an existing user costs a hash
 * (tens of ms) where an unknown user costs nothing, and the answer's
 * timing must not tell them apart.  The loop never sleeps: answers wait
 * here until a timer says they are due. */
#define AUTH_FAIL_ANSWER_MS	1000
#define AUTH_DELAYED_MAX	256

struct auth_delayed {
	bool used;
	uint32_t req;
	uint64_t due_ms;
};

struct auth_delay_queue {
	struct auth_delayed d[AUTH_DELAYED_MAX];
};

void auth_delay_init(struct auth_delay_queue *q);
/* False when full (then answer at once). */
bool auth_delay_add(struct auth_delay_queue *q, uint32_t req, uint64_t due_ms);
/* Earliest due time, 0 when empty. */
uint64_t auth_delay_next(const struct auth_delay_queue *q);
/* Take one entry due at now_ms (its req in *req); false when none. */
bool auth_delay_pop(struct auth_delay_queue *q, uint64_t now_ms, uint32_t *req);

/* ---- PAM and NSS (pam.c) ---- */

/* pam_authenticate + pam_acct_mgmt; the conversation answers the password
 * prompt only.  PAM's failure delay is replaced by a no-op (the loop must
 * not sleep; auth rate-limits instead).  rhost (the client address, may be
 * empty) becomes PAM_RHOST for modules such as pam_access.  Returns a PAM_*
 * code. */
int auth_pam_check(const char *service, const char *user, const char *password,
    const char *rhost);
/* Can user still log in, without a password: the account exists, its
 * password is not locked in /etc/shadow (`usermod -L`, `passwd -l`: auth
 * is in group shadow), and pam_acct_mgmt agrees (expiry, `usermod -e`,
 * pam_access...).  A PAM_* code. */
int auth_pam_account(const char *service, const char *user, const char *rhost);
/* Names of the system groups of user (primary group included); the count,
 * 0 when the user is unknown.  names[i] point into buf. */
size_t auth_system_groups(const char *user, char buf[][MSG_NAME_LEN],
    const char **names, size_t max);

/* ---- the login decision (login.c) ---- */

enum auth_verdict {
	AUTH_GRANTED = 0,
	AUTH_DENIED,		/* bad password, unknown user, no rule */
	AUTH_THROTTLED,		/* too many failures: not checked */
	AUTH_NOT_READY,		/* before AUTH_READY */
	AUTH_BAD_INPUT,		/* empty user or password, bad characters */
};
const char *auth_verdict_name(enum auth_verdict v);

struct auth_ctx {
	struct auth_rules rules;
	struct auth_ratelimit rl_client;
	struct auth_ratelimit rl_user;
	/* Seams for tests; pam.c's functions in the daemon. */
	int (*pam_check)(const char *service, const char *user, const char *password,
	    const char *rhost);
	size_t (*system_groups)(const char *user, char buf[][MSG_NAME_LEN],
	    const char **names, size_t max);
	int (*pam_account)(const char *service, const char *user, const char *rhost);
};

void auth_ctx_init(struct auth_ctx *ctx);
void auth_ctx_free(struct auth_ctx *ctx);
/* Decide one login.  Logs the failure line itself; the password is not
 * touched beyond reading (the caller wipes it). */
enum auth_verdict auth_login(struct auth_ctx *ctx, const struct msg_login *m,
    uint64_t now_ms, struct auth_grant *g);

/* A session's user again, without the password (revocation): what a login
 * by that user would be granted now.  AUTH_DENIED when the control-file
 * user or rule is gone, the account is locked, expired or removed, or no
 * group rule matches any more.  Logs a refusal itself. */
enum auth_verdict auth_recheck(struct auth_ctx *ctx, const struct msg_session_check *m,
    struct auth_grant *g);

/* ---- sandbox (sandbox.c) ---- */

/* The whole drop of vigil-auth: setgroups([shadow]), setresgid/setresuid to
 * user, verify, no-new-privs, Landlock (no writes anywhere), seccomp.  Used
 * by main() and by the sandbox proof. */
void auth_sandbox_apply(const char *user);

#endif
