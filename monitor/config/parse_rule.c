/* Grammar pieces every statement family shares: users and groups, program
 * strings (argv splitting, uid/gid), actions, cycles, the rule tail
 * ("then ACTION else if succeeded ..."), durations, operators, name lists. */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/config/parse_int.h"

/* ---- users and groups ---- */

static bool
all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool
resolve_uid(const char *s, uid_t *out)
{
	struct passwd *pw;

	if (all_digits(s)) {
		unsigned long v = strtoul(s, NULL, 10);
		if (v > 0x7fffffffUL)
			return false;
		*out = (uid_t)v;
		return true;
	}
	pw = getpwnam(s);
	if (!pw)
		return false;
	*out = pw->pw_uid;
	return true;
}

bool
resolve_gid(const char *s, gid_t *out)
{
	struct group *gr;

	if (all_digits(s)) {
		unsigned long v = strtoul(s, NULL, 10);
		if (v > 0x7fffffffUL)
			return false;
		*out = (gid_t)v;
		return true;
	}
	gr = getgrnam(s);
	if (!gr)
		return false;
	*out = gr->gr_gid;
	return true;
}

/* ---- argv splitting ---- */

int
split_argv(const char *s, char ***argv_out, char *err, size_t errlen)
{
	size_t len = strlen(s);
	char **argv = NULL;
	char *word = xmalloc(len + 1);
	int argc = 0;
	size_t n;
	bool inword;

	*argv_out = NULL;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s)
			break;
		n = 0;
		inword = true;
		while (*s && inword) {
			if (*s == '\'') {
				s++;
				while (*s && *s != '\'')
					word[n++] = *s++;
				if (!*s) {
					snprintf(err, errlen, "unterminated single quote");
					goto fail;
				}
				s++;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\' ||
					    s[1] == '$' || s[1] == '`'))
						s++;
					word[n++] = *s++;
				}
				if (!*s) {
					snprintf(err, errlen, "unterminated double quote");
					goto fail;
				}
				s++;
			} else if (*s == '\\' && s[1]) {
				s++;
				word[n++] = *s++;
			} else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
				inword = false;
			} else {
				word[n++] = *s++;
			}
		}
		if (argc >= 1024) {
			snprintf(err, errlen, "too many arguments (more than 1024)");
			goto fail;
		}
		argv = xreallocarray(argv, (size_t)argc + 2, sizeof(*argv));
		argv[argc++] = xstrndup(word, n);
		argv[argc] = NULL;
	}
	free(word);
	if (argc == 0) {
		snprintf(err, errlen, "empty program");
		free(argv);
		return -1;
	}
	*argv_out = argv;
	return argc;
fail:
	free(word);
	while (argc > 0)
		free(argv[--argc]);
	free(argv);
	return -1;
}

/* ---- shared grammar pieces ---- */

struct command *
parse_command(struct parser *p, const char *what)
{
	struct token *t = p_peek(p);
	struct command *c;
	char buf[96], err[128];
	int64_t v;

	if (t->kind != TK_STRING && t->kind != TK_WORD) {
		char exp[128];
		snprintf(exp, sizeof(exp), "a quoted program for %s", what);
		p_unexpected(p, exp);
		return NULL;
	}
	p_next(p);
	c = xcalloc(1, sizeof(*c));
	c->pos = t->pos;
	c->argc = split_argv(t->text, &c->argv, err, sizeof(err));
	if (c->argc < 0) {
		p_error_at(p, t, "%s %s: %s", what, tok_describe(t, buf, sizeof(buf)), err);
		goto fail;
	}
	if (c->argv[0][0] != '/') {
		p_error_at(p, t, "%s '%s' must be an absolute path (starting with /)",
		    what, c->argv[0]);
		goto fail;
	}
	for (;;) {
		if (p_accept(p, "uid")) {
			struct token *u = p_peek(p);
			free(c->user);
			if (!(c->user = p_value(p, "a user name or uid after 'uid'")))
				goto fail;
			if (!resolve_uid(c->user, &c->uid)) {
				p_error_at(p, u, "unknown user '%s' (no such user on this system)",
				    c->user);
				goto fail;
			}
			c->has_uid = true;
		} else if (p_accept(p, "gid")) {
			struct token *g = p_peek(p);
			free(c->group);
			if (!(c->group = p_value(p, "a group name or gid after 'gid'")))
				goto fail;
			if (!resolve_gid(c->group, &c->gid)) {
				p_error_at(p, g, "unknown group '%s' (no such group on this system)",
				    c->group);
				goto fail;
			}
			c->has_gid = true;
		} else if (p_is(p, "timeout") && tok_is_number(p_peek_n(p, 1))) {
			p_next(p);
			if (!parse_duration(p, "program timeout", &v, false))
				goto fail;
			if (v < 1 || v > 86400) {
				p_error_at(p, t, "program timeout out of range: %lld seconds "
				    "(expected 1..86400)", (long long)v);
				goto fail;
			}
			c->timeout_s = (int)v;
		} else
			break;
	}
	return c;
fail:
	command_free(c);
	return NULL;
}

static const char *const action_names[] = {
	"alert", "restart", "start", "stop", "exec", "unmonitor", "monitor", "timeout", NULL,
};

bool
parse_action(struct parser *p, struct action *a, bool after_then)
{
	struct token *t = p_peek(p);
	char buf[96];
	int64_t v;
	int k;

	memset(a, 0, sizeof(*a));
	k = p_accept_any(p, action_names);
	switch (k) {
	case 0: a->kind = ACTION_ALERT; break;
	case 1: a->kind = ACTION_RESTART; break;
	case 2: a->kind = ACTION_START; break;
	case 3: a->kind = ACTION_STOP; break;
	case 4:
		a->kind = ACTION_EXEC;
		if (!(a->exec = parse_command(p, "exec")))
			return false;
		break;
	case 5: a->kind = ACTION_UNMONITOR; break;
	case 6: a->kind = ACTION_MONITOR; break;
	case 7: a->kind = ACTION_UNMONITOR; break;	/* Monit 5.x "then timeout" */
	default:
		if (after_then || t->kind == TK_WORD)
			p_error_at(p, t, "%s %s (expected alert, restart, start, stop, exec, unmonitor)",
			    after_then ? "unknown action" : "unexpected",
			    tok_describe(t, buf, sizeof(buf)));
		else
			p_unexpected(p, "an action (alert, restart, start, stop, exec, unmonitor)");
		return false;
	}
	/* Monit 5.3x: "[and] repeat every N cycles" after an action. */
	if (p_is(p, "repeat")) {
		p_next(p);
		p_accept(p, "every");
		if (!p_number(p, "a number of cycles after 'repeat every'", 1, 1000000, &v))
			return false;
		a->repeat_cycles = (int)v;
		if (!p_accept(p, "cycles") && !p_accept(p, "cycle")) {
			p_unexpected(p, "'cycles'");
			return false;
		}
	}
	return true;
}

bool
parse_cycles(struct parser *p, struct cycles *c)
{
	int64_t a, b;

	c->count = 1;
	c->within = 1;
	if (!tok_is_number(p_peek(p)))
		return true;
	if (!p_number(p, "a number of cycles", 1, 1000000, &a))
		return false;
	if (p_accept(p, "times") || tok_is_number(p_peek(p))) {
		if (!p_number(p, "a number of cycles after 'times within'", 1, 1000000, &b))
			return false;
		if (a > b) {
			p_error_at(p, p_peek(p), "%lld times within %lld cycles can never happen "
			    "(the count must not exceed the cycles)", (long long)a, (long long)b);
			return false;
		}
	} else
		b = a;
	if (!p_accept(p, "cycles") && !p_accept(p, "cycle")) {
		p_unexpected(p, "'cycles'");
		return false;
	}
	c->count = (int)a;
	c->within = (int)b;
	return true;
}

static const char *const action_words[] = {
	"alert", "restart", "start", "stop", "exec", "unmonitor", "monitor", "timeout", NULL,
};

static bool
at_action(struct parser *p)
{
	int i;

	for (i = 0; action_words[i]; i++)
		if (p_is(p, action_words[i]))
			return true;
	return false;
}

bool
parse_rule_tail(struct parser *p, struct rule_actions *ra)
{
	if (!parse_cycles(p, &ra->failed_cycles))
		return false;
	if (!p_accept(p, "then")) {
		if (!at_action(p)) {
			p_unexpected(p, "'then' and an action");
			return false;
		}
		if (!parse_action(p, &ra->failed, false))
			return false;
	} else if (!parse_action(p, &ra->failed, true))
		return false;
	if (p_is(p, "else")) {
		p_next(p);
		p_accept(p, "if");
		if (!p_accept(p, "succeeded") && !p_accept(p, "passed")) {
			p_unexpected(p, "'succeeded' after 'else if'");
			return false;
		}
		if (!parse_cycles(p, &ra->succeeded_cycles))
			return false;
		if (!p_accept(p, "then") && !at_action(p)) {
			p_unexpected(p, "'then' and an action");
			return false;
		}
		if (!parse_action(p, &ra->succeeded, true))
			return false;
		ra->has_succeeded = true;
	}
	return true;
}

/* Split "10s" / "5" / "1.5GB" into a number and a unit suffix. */
bool
parse_duration(struct parser *p, const char *what, int64_t *secs, bool unit_required)
{
	struct token *t = p_peek(p);
	static const struct { const char *name; int64_t mul; } units[] = {
		{ "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 }, { "seconds", 1 },
		{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 }, { "minutes", 60 },
		{ "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	};
	char exp[128], buf[96];
	const char *suffix;
	char *end;
	long long v;
	size_t i;

	if (t->kind != TK_WORD || !isdigit((unsigned char)t->text[0])) {
		snprintf(exp, sizeof(exp), "a number of seconds for %s", what);
		p_unexpected(p, exp);
		return false;
	}
	errno = 0;
	v = strtoll(t->text, &end, 10);
	if (errno == ERANGE || v > 100000000) {
		p_error_at(p, t, "%s out of range: %s", what, t->text);
		p_next(p);
		return false;
	}
	p_next(p);
	suffix = end;
	if (*suffix == '\0') {
		struct token *u = p_peek(p);
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (tok_is(u, units[i].name)) {
				p_next(p);
				*secs = v * units[i].mul;
				return true;
			}
		if (unit_required) {
			p_error_at(p, u, "unexpected %s (expected a time unit: seconds, minutes, "
			    "hours or days)", tok_describe(u, buf, sizeof(buf)));
			return false;
		}
		*secs = v;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (strcasecmp(suffix, units[i].name) == 0) {
			*secs = v * units[i].mul;
			return true;
		}
	p_error_at(p, t, "unknown time unit '%s' (expected seconds, minutes, hours or days)",
	    suffix);
	return false;
}

bool
p_at_op(struct parser *p)
{
	static const char *const words[] = {
		"gt", "lt", "eq", "ne", "greater", "less", "equal", "notequal", "changed", NULL,
	};
	struct token *t = p_peek(p);
	int i;

	if (t->kind == TK_OP)
		return true;
	for (i = 0; words[i]; i++)
		if (tok_is(t, words[i]))
			return true;
	return false;
}

enum cmp_op
parse_op(struct parser *p)
{
	struct token *t = p_peek(p);

	if (t->kind == TK_OP) {
		p_next(p);
		if (!strcmp(t->text, "<"))
			return OP_LT;
		if (!strcmp(t->text, "<="))
			return OP_LE;
		if (!strcmp(t->text, ">"))
			return OP_GT;
		if (!strcmp(t->text, ">="))
			return OP_GE;
		if (!strcmp(t->text, "=="))
			return OP_EQ;
		return OP_NE;	/* != <> */
	}
	if (p_accept(p, "gt") || p_accept(p, "greater"))
		return OP_GT;
	if (p_accept(p, "lt") || p_accept(p, "less"))
		return OP_LT;
	if (p_accept(p, "eq") || p_accept(p, "equal"))
		return OP_EQ;
	if (p_accept(p, "ne") || p_accept(p, "notequal"))
		return OP_NE;
	if (p_accept(p, "changed"))
		return OP_CHANGED;
	return OP_EQ;
}

char **
parse_name_list(struct parser *p, size_t *n, const char *what)
{
	char **v = NULL;
	struct token *t;
	size_t first_line_tok = p->i;

	*n = 0;
	(void)first_line_tok;
	for (;;) {
		t = p_peek(p);
		if (t->kind != TK_WORD && t->kind != TK_STRING)
			break;
		/* A list ends at the next statement, which starts a line, unless
		 * a comma says the list goes on ("depends on a,\n b"). */
		if (*n > 0 && t->bol && !t->comma)
			break;
		/* "" names nothing; the dump could not write it back either
		 * (finding 13: `users a,"",b` broke the round trip). */
		if (t->text[0] == '\0') {
			p_error_at(p, t, "empty name in the %s", what);
			while (*n > 0)
				free(v[--*n]);
			free(v);
			return NULL;
		}
		v = xreallocarray(v, *n + 2, sizeof(*v));
		v[(*n)++] = xstrdup(t->text);
		v[*n] = NULL;
		p_next(p);
		/* Only comma-separated words continue the list on the same line
		 * if they are not keywords of the statement that follows. */
		t = p_peek(p);
		if (t->kind == TK_WORD && (tok_is(t, "read-only") || tok_is(t, "readonly") ||
		    tok_is(t, "readwrite") || tok_is(t, "restart") || tok_is(t, "allow") ||
		    tok_is(t, "then") || tok_is(t, "if") || tok_is(t, "with")))
			break;
	}
	if (*n == 0)
		p_unexpected(p, what);
	return v;
}
