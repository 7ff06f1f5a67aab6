/* The rule set from the control file and the decisions made from it. */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "webui/auth/auth.h"

void
auth_rules_init(struct auth_rules *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
auth_rules_free(struct auth_rules *rs)
{
	if (rs->rule != NULL) {
		/* Cleartext secrets of control-file users live here. */
		explicit_bzero(rs->rule, rs->n * sizeof(*rs->rule));
		free(rs->rule);
	}
	memset(rs, 0, sizeof(*rs));
}

static bool
scope_valid(const struct msg_auth_rule *r)
{
	if (r->nscope > MSG_SCOPE_MAX)
		return false;
	for (unsigned i = 0; i < r->nscope; i++)
		if (r->scope[i][0] == '\0')
			return false;
	return true;
}

bool
auth_rules_add(struct auth_rules *rs, const struct msg_auth_rule *r,
    const char **why)
{
	if (rs->ready) {
		*why = "rule after AUTH_READY";
		return false;
	}
	rs->nreceived++;
	if (rs->n >= AUTH_RULES_MAX) {
		*why = "too many rules";
		return false;
	}
	if (r->name[0] == '\0') {
		*why = "empty name";
		return false;
	}
	if (r->role > ROLE_MAX) {
		*why = "role out of range";
		return false;
	}
	if (!scope_valid(r)) {
		*why = "empty service name in scope";
		return false;
	}
	switch (r->kind) {
	case AUTH_RULE_USER:
		if (r->secret_type == SECRET_NONE || r->secret_type > SECRET_TYPE_MAX ||
		    r->secret[0] == '\0') {
			*why = "user rule without a secret";
			return false;
		}
		if (auth_rules_find_user(rs, r->name) != NULL) {
			*why = "duplicate user rule";
			return false;
		}
		if (r->secret_type == SECRET_MD5 && strncmp(r->secret, "$apr1$", 6) != 0 &&
		    strncmp(r->secret, "$1$", 3) != 0) {
			*why = "md5 secret is neither an $apr1$ nor a $1$ hash";
			return false;
		}
		break;
	case AUTH_RULE_GROUP:
		if (r->secret_type != SECRET_NONE) {
			*why = "group rule with a secret";
			return false;
		}
		break;
	case AUTH_RULE_GROUP_MEMBER:
		if (r->secret[0] == '\0') {
			*why = "group member rule without a group";
			return false;
		}
		break;
	default:
		*why = "unknown rule kind";
		return false;
	}
	if (rs->n % 16 == 0)
		rs->rule = xreallocarray(rs->rule, rs->n + 16, sizeof(*rs->rule));
	rs->rule[rs->n++] = *r;
	if (r->kind == AUTH_RULE_GROUP)
		rs->ngroup_rules++;
	return true;
}

bool
auth_rules_ready(struct auth_rules *rs, const struct msg_auth_ready *m,
    const char **why)
{
	if (rs->ready) {
		*why = "AUTH_READY twice";
		return false;
	}
	if (m->nrules != rs->nreceived) {
		*why = "rule count does not match the rules received";
		return false;
	}
	if (m->session_ttl_s > AUTH_TTL_MAX_S) {
		*why = "session lifetime out of range";
		return false;
	}
	rs->ttl_s = m->session_ttl_s != 0 ? m->session_ttl_s : AUTH_DEFAULT_TTL_S;
	/* Only when there is nobody to log in as: a rule of any kind means
	 * every client must give a password. */
	rs->open_access = m->open_access && rs->nreceived == 0;
	rs->pam_service[0] = '\0';
	if (rs->ngroup_rules > 0)
		strlcpy_v(rs->pam_service, m->pam_service[0] != '\0' ?
		    m->pam_service : AUTH_DEFAULT_PAM, sizeof(rs->pam_service));
	rs->ready = true;
	return true;
}

const struct msg_auth_rule *
auth_rules_find_user(const struct auth_rules *rs, const char *user)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->rule[i].kind == AUTH_RULE_USER &&
		    strcmp(rs->rule[i].name, user) == 0)
			return &rs->rule[i];
	return NULL;
}

bool
auth_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < len; i++)
		d |= (unsigned char)(x[i] ^ y[i]);
	return d == 0;
}

bool
auth_ct_streq(const char *a, const char *b)
{
	unsigned char pa[MSG_SECRET_LEN], pb[MSG_SECRET_LEN];
	size_t la = strnlen(a, sizeof(pa)), lb = strnlen(b, sizeof(pb));
	bool same;

	/* Both sides padded to the same fixed length: the loop always runs
	 * MSG_SECRET_LEN times, whatever the lengths. */
	memset(pa, 0, sizeof(pa));
	memset(pb, 0, sizeof(pb));
	memcpy(pa, a, la < sizeof(pa) ? la : sizeof(pa) - 1);
	memcpy(pb, b, lb < sizeof(pb) ? lb : sizeof(pb) - 1);
	same = auth_ct_equal(pa, pb, sizeof(pa)) & (la == lb) & (la < sizeof(pa));
	explicit_bzero(pa, sizeof(pa));
	explicit_bzero(pb, sizeof(pb));
	return same;
}

static bool
crypt_verify(const char *password, const char *hash)
{
	static struct crypt_data cd;	/* 32 KiB: not on the stack */
	const char *out;
	bool ok;

	memset(&cd, 0, sizeof(cd));
	out = crypt_rn(password, hash, &cd, sizeof(cd));
	/* libxcrypt fails with NULL or a string starting with '*'. */
	ok = out != NULL && out[0] != '*' && auth_ct_streq(out, hash);
	explicit_bzero(&cd, sizeof(cd));
	return ok;
}

static bool
apr1_verify(const char *password, const char *hash)
{
	char out[MSG_SECRET_LEN];
	bool ok;

	ok = auth_md5crypt(password, hash, out, sizeof(out)) && auth_ct_streq(out, hash);
	explicit_bzero(out, sizeof(out));
	return ok;
}

bool
auth_secret_verify(const struct msg_auth_rule *r, const char *password)
{
	if (r->kind != AUTH_RULE_USER || password[0] == '\0')
		return false;
	switch (r->secret_type) {
	case SECRET_CLEARTEXT:
		return auth_ct_streq(password, r->secret);
	case SECRET_MD5:
		if (strncmp(r->secret, "$apr1$", 6) == 0)
			return apr1_verify(password, r->secret);
		return crypt_verify(password, r->secret);	/* "$1$" */
	case SECRET_CRYPT:
		if (strncmp(r->secret, "$apr1$", 6) == 0)	/* libcrypt has none */
			return apr1_verify(password, r->secret);
		return crypt_verify(password, r->secret);
	default:
		return false;
	}
}

void
auth_secret_dummy(const struct auth_rules *rs, const char *password)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->rule[i].kind == AUTH_RULE_USER &&
		    rs->rule[i].secret_type != SECRET_CLEARTEXT) {
			(void)auth_secret_verify(&rs->rule[i], password);
			return;
		}
	(void)auth_ct_streq(password, "");
}

void
auth_grant_from_user(const struct msg_auth_rule *r, struct auth_grant *g)
{
	memset(g, 0, sizeof(*g));
	strlcpy_v(g->user, r->name, sizeof(g->user));
	g->role = r->role;
	g->nscope = r->nscope;
	for (unsigned i = 0; i < r->nscope; i++)
		strlcpy_v(g->scope[i], r->scope[i], sizeof(g->scope[i]));
}

/* Is user in group `group`, by NSS or by `set group`? */
static bool
user_in_group(const struct auth_rules *rs, const char *user, const char *group,
    const char *const *sysgroups, size_t nsysgroups)
{
	for (size_t i = 0; i < nsysgroups; i++)
		if (strcmp(sysgroups[i], group) == 0)
			return true;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->rule[i].kind == AUTH_RULE_GROUP_MEMBER &&
		    strcmp(rs->rule[i].name, user) == 0 &&
		    strcmp(rs->rule[i].secret, group) == 0)
			return true;
	return false;
}

static bool
scope_has(const struct auth_grant *g, const char *name)
{
	for (unsigned i = 0; i < g->nscope; i++)
		if (strcmp(g->scope[i], name) == 0)
			return true;
	return false;
}

bool
auth_grant_from_groups(const struct auth_rules *rs, const char *user,
    const char *const *sysgroups, size_t nsysgroups, struct auth_grant *g)
{
	int best = -1;
	bool all = false;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < rs->n; i++) {
		const struct msg_auth_rule *r = &rs->rule[i];

		if (r->kind == AUTH_RULE_GROUP && (int)r->role > best &&
		    user_in_group(rs, user, r->name, sysgroups, nsysgroups))
			best = r->role;
	}
	if (best < 0)
		return false;
	for (size_t i = 0; i < rs->n && !all; i++) {
		const struct msg_auth_rule *r = &rs->rule[i];

		if (r->kind != AUTH_RULE_GROUP || r->role != best ||
		    !user_in_group(rs, user, r->name, sysgroups, nsysgroups))
			continue;
		if (r->nscope == 0) {
			all = true;
			break;
		}
		for (unsigned k = 0; k < r->nscope; k++) {
			if (scope_has(g, r->scope[k]))
				continue;
			/* More names than a grant can carry: keep the first
			 * ones (fails closed: fewer services, never all). */
			if (g->nscope >= MSG_SCOPE_MAX)
				break;
			strlcpy_v(g->scope[g->nscope++], r->scope[k],
			    sizeof(g->scope[0]));
		}
	}
	if (all) {
		g->nscope = 0;
		memset(g->scope, 0, sizeof(g->scope));
	}
	strlcpy_v(g->user, user, sizeof(g->user));
	g->role = (uint8_t)best;
	return true;
}
