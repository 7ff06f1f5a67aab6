/* Helpers of vigil-auth's unit tests (test_auth.c, test_auth_login.c,
 * test_auth_secrets.c): a rule as the monitor sends it, adding it,
 * AUTH_READY, a crypt(3) hash. */
#ifndef VIGIL_AUTH_FIXTURE_H
#define VIGIL_AUTH_FIXTURE_H

#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include "webui/auth/auth.h"

static inline struct msg_auth_rule *
rule(enum auth_rule_kind kind, const char *name, enum auth_secret_type st,
    const char *secret, enum web_role role, const char *scope_csv)
{
	static struct msg_auth_rule r;

	memset(&r, 0, sizeof(r));
	r.kind = (uint8_t)kind;
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.secret_type = (uint8_t)st;
	snprintf(r.secret, sizeof(r.secret), "%s", secret != NULL ? secret : "");
	r.role = (uint8_t)role;
	if (scope_csv != NULL) {
		char buf[512], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", scope_csv);
		for (char *t = strtok_r(buf, ",", &save); t != NULL;
		    t = strtok_r(NULL, ",", &save))
			snprintf(r.scope[r.nscope++], MSG_SCOPE_LEN, "%s", t);
	}
	return &r;
}

static inline void
add_ok(struct auth_rules *rs, const struct msg_auth_rule *r)
{
	const char *why = NULL;

	if (!auth_rules_add(rs, r, &why))
		fail_msg("rule '%s' refused: %s", r->name, why);
}

static inline void
ready(struct auth_rules *rs, const char *service)
{
	struct msg_auth_ready m;
	const char *why = NULL;

	memset(&m, 0, sizeof(m));
	m.nrules = (uint32_t)rs->nreceived;
	snprintf(m.pam_service, sizeof(m.pam_service), "%s", service);
	m.session_ttl_s = 3600;
	if (!auth_rules_ready(rs, &m, &why))
		fail_msg("AUTH_READY refused: %s", why);
}

static inline char *
make_hash(const char *prefix, const char *password)
{
	static char out[CRYPT_OUTPUT_SIZE];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	assert_non_null(crypt_gensalt_rn(prefix, 0, NULL, 0, salt, sizeof(salt)));
	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_rn(password, salt, &cd, sizeof(cd)));
	snprintf(out, sizeof(out), "%s", cd.output);
	assert_true(out[0] == '$');
	return out;
}

#endif
