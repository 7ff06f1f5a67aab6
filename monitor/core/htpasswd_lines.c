/* An htpasswd file's text into auth rules, without I/O (webpeer.c reads the
 * file; tests/fuzz/fuzz_htpasswd_file.c feeds this any bytes). */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

bool
auth_rule_scope(struct msg_auth_rule *r, const struct httpd_allow *a)
{
	if (a->nscope > MSG_SCOPE_MAX)
		return false;
	r->nscope = (uint16_t)a->nscope;
	for (size_t i = 0; i < a->nscope; i++)
		if (strlcpy_v(r->scope[i], a->scope[i], MSG_SCOPE_LEN) >= MSG_SCOPE_LEN)
			return false;
	return true;
}

static bool
user_listed(const struct httpd_allow *a, const char *user)
{
	if (a->nusers == 0)
		return true;
	for (size_t i = 0; i < a->nusers; i++)
		if (strcmp(a->users[i], user) == 0)
			return true;
	return false;
}

/* How auth checks an htpasswd entry.  Monit reads cleartext unless the
 * allow line says md5 or crypt; an entry shaped like a crypt(3) or apr1
 * hash ("$id$...$...") is checked as one whatever the line says, so files
 * of hashes keep working without the keyword. */
static uint8_t
htpasswd_secret_type(int declared, const char *secret)
{
	bool hashed = secret[0] == '$' && strchr(secret + 1, '$') != NULL;

	if (hashed || declared != SECRET_CLEARTEXT)
		return strncmp(secret, "$apr1$", 6) == 0 ? SECRET_MD5 : SECRET_CRYPT;
	return SECRET_CLEARTEXT;
}

bool
htpasswd_rules(char *buf, const struct httpd_allow *a, struct msg_auth_rule *r,
    bool (*emit)(struct msg_auth_rule *r, void *arg), void *arg)
{
	char *line, *next;
	int lineno = 0;

	/* Line by line, blank lines included, so warnings name the right line. */
	for (line = buf; line != NULL; line = next) {
		char *colon;
		size_t len;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		colon = strchr(line, ':');
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (colon == NULL || colon == line) {
			log_warn("%s:%d: not a user:hash line: skipped", a->name, lineno);
			continue;
		}
		*colon = '\0';
		if (!user_listed(a, line))
			continue;
		if (strncmp(colon + 1, "{SHA}", 5) == 0 || colon[1] == '\0') {
			log_warn("%s:%d: unsupported hash for user '%s': skipped",
			    a->name, lineno, line);
			continue;
		}
		memset(r, 0, sizeof(*r));
		r->kind = AUTH_RULE_USER;
		r->role = (uint8_t)a->role;
		r->secret_type = htpasswd_secret_type(a->secret_type, colon + 1);
		if (strlcpy_v(r->name, line, sizeof(r->name)) >= sizeof(r->name) ||
		    strlcpy_v(r->secret, colon + 1, sizeof(r->secret)) >= sizeof(r->secret) ||
		    !auth_rule_scope(r, a)) {
			log_warn("%s:%d: entry too long: skipped", a->name, lineno);
			continue;
		}
		if (!emit(r, arg))
			return false;
	}
	return true;
}
