/* libFuzzer target: a whole htpasswd file (`allow htpasswd FILE`) turned
 * into auth rules by the monitor (htpasswd_rules in
 * monitor/core/htpasswd_lines.c).  Whoever may edit that file may write
 * anything into it.
 *
 * Input: byte 0 picks the allow statement (all users, or only "alice" and
 * "bob"; with or without a service scope); the rest is the file.  Oracles
 * besides the sanitizers: every rule names a non-empty user without ':'
 * and a non-empty secret that is not {SHA}; NUL-terminated fields; a listed
 * user only when the statement lists users; no more rules than lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "monitor/core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t rules;
	const struct httpd_allow *a;
};

static bool
quiet(enum log_level level, const char *line, void *arg)
{
	(void)level; (void)line; (void)arg;
	return true;
}

static bool
check_rule(struct msg_auth_rule *r, void *arg)
{
	struct seen *s = arg;

	s->rules++;
	if (memchr(r->name, '\0', sizeof(r->name)) == NULL ||
	    memchr(r->secret, '\0', sizeof(r->secret)) == NULL)
		abort();
	if (r->name[0] == '\0' || strchr(r->name, ':') != NULL || r->secret[0] == '\0' ||
	    strncmp(r->secret, "{SHA}", 5) == 0 || r->kind != AUTH_RULE_USER)
		abort();
	if (s->a->nusers > 0 && strcmp(r->name, "alice") != 0 && strcmp(r->name, "bob") != 0)
		abort();
	if (r->nscope != s->a->nscope)
		abort();
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *users[] = { (char *)"alice", (char *)"bob" };
	static char *scope[] = { (char *)"web", (char *)"db" };
	static struct msg_auth_rule r;
	struct httpd_allow a;
	struct seen s = { 0, &a };
	size_t lines = 1;
	char *buf;

	if (size < 1 || size > 1024 * 1024)
		return 0;
	log_set_sink(quiet, NULL);
	memset(&a, 0, sizeof(a));
	a.kind = ALLOW_HTPASSWD;
	a.name = (char *)"fuzz.htpasswd";
	a.role = data[0] & 4 ? 1 : 0;
	if (data[0] & 1) {
		a.users = users;
		a.nusers = 2;
	}
	if (data[0] & 2) {
		a.scope = scope;
		a.nscope = 2;
	}
	buf = malloc(size);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (size_t i = 0; i + 1 < size; i++)
		lines += data[1 + i] == '\n';
	(void)htpasswd_rules(buf, &a, &r, check_rule, &s);
	if (s.rules > lines)
		abort();
	free(buf);
	return 0;
}
