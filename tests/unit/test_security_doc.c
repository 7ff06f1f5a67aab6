/* SECURITY.md's IPC matrix is the table in policy/ipc_rules.c: every row of
 * the document matches a rule, and every rule has a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc.h"

static enum proc_role
role_by_name(const char *s)
{
	for (int r = PROC_PRIVD; r <= PROC_ROLE_MAX; r++)
		if (strcmp(s, proc_role_name(r)) == 0)
			return r;
	fail_msg("unknown role '%s' in SECURITY.md", s);
	return PROC_NONE;
}

static int
type_by_name(const char *s)
{
	for (unsigned t = 1; t <= MSG_TYPE_MAX; t++)
		if (strcmp(s, msg_type_name(t)) == 0)
			return (int)t;
	fail_msg("unknown message '%s' in SECURITY.md", s);
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static uint32_t
parse_flags(char *s)
{
	static const struct { const char *name; uint32_t bit; } names[] = {
		{ "fd", IPC_F_FD }, { "once", IPC_F_ONCE }, { "pre", IPC_F_BEFORE_SEAL },
		{ "post", IPC_F_AFTER_SEAL }, { "rate", IPC_F_RATE }, { "session", IPC_F_SESSION },
	};
	uint32_t flags = 0;

	for (char *tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ",")) {
		char *t = trim(tok);
		size_t i;

		if (*t == '\0')
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(t, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			fail_msg("unknown flag '%s' in SECURITY.md", t);
		flags |= names[i].bit;
	}
	return flags;
}

static void
test_matrix_matches_policy(void **state)
{
	const char *dir = getenv("VIGIL_SRCDIR");
	char path[4096], line[1024];
	bool seen[PROC_ROLE_MAX + 1][MSG_TYPE_MAX + 1];
	bool in = false;
	int rows = 0;
	FILE *f;

	(void)state;
	memset(seen, 0, sizeof(seen));
	snprintf(path, sizeof(path), "%s/SECURITY.md", dir != NULL ? dir : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *cols[5], *p = line;
		int n = 0;
		enum proc_role recv;
		const struct ipc_rule *rule;
		uint32_t senders = 0;
		int type;

		if (strstr(line, "ipc-matrix:begin") != NULL) {
			in = true;
			continue;
		}
		if (strstr(line, "ipc-matrix:end") != NULL)
			break;
		if (!in || line[0] != '|' || strstr(line, "---") != NULL ||
		    strstr(line, "| receiver |") != NULL)
			continue;
		p++;
		while (n < 5 && p != NULL) {
			char *bar = strchr(p, '|');

			if (bar == NULL)
				break;
			*bar = '\0';
			cols[n++] = trim(p);
			p = bar + 1;
		}
		assert_int_equal(n, 4);
		recv = role_by_name(cols[0]);
		type = type_by_name(cols[1]);
		for (char *tok = strtok(cols[2], ","); tok != NULL; tok = strtok(NULL, ","))
			senders |= PROC_BIT(role_by_name(trim(tok)));
		rule = &ipc_rules_for(recv)->rules[type];
		if (rule->senders != senders)
			fail_msg("SECURITY.md: %s <- %s: senders differ from policy", cols[0], cols[1]);
		if (rule->flags != parse_flags(cols[3]))
			fail_msg("SECURITY.md: %s <- %s: flags differ from policy", cols[0], cols[1]);
		seen[recv][type] = true;
		rows++;
	}
	fclose(f);
	assert_true(rows > 0);
	for (int r = PROC_PRIVD; r <= PROC_ROLE_MAX; r++)
		for (unsigned t = 1; t <= MSG_TYPE_MAX; t++)
			if (ipc_rules_for(r)->rules[t].senders != 0 && !seen[r][t])
				fail_msg("policy allows %s -> %s but SECURITY.md has no row",
				    msg_type_name(t), proc_role_name(r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_matches_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
