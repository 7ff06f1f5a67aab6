/* Check entries ("check TYPE NAME ...") and their non-test statements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/config/parse_int.h"


static const struct {
	const char *word;
	enum service_type type;
} type_words[] = {
	{ "process", SVC_PROCESS },
	{ "file", SVC_FILE },
	{ "fifo", SVC_FIFO },
	{ "filesystem", SVC_FILESYSTEM },
	{ "device", SVC_FILESYSTEM },
	{ "directory", SVC_DIRECTORY },
	{ "host", SVC_HOST },
	{ "system", SVC_SYSTEM },
	{ "program", SVC_PROGRAM },
	{ "network", SVC_NETWORK },
};

static bool
parse_svc_path(struct parser *p, struct service *s, const char *kw)
{
	struct token *t;
	char exp[96];

	if (!p_accept(p, kw)) {
		snprintf(exp, sizeof(exp), "'%s' after check %s %s", kw,
		    service_type_name(s->type), s->name);
		p_unexpected(p, exp);
		return false;
	}
	t = p_peek(p);
	snprintf(exp, sizeof(exp), "a path after '%s'", kw);
	if (!(s->path = p_value(p, exp)))
		return false;
	if (s->path[0] != '/') {
		p_error_at(p, t, "%s '%s' must be an absolute path", kw, s->path);
		return false;
	}
	return true;
}

bool
parse_check(struct parser *p)
{
	struct token *check = p_next(p);	/* "check" */
	struct token *t, *raw;
	struct service *s;
	char buf[96];
	int64_t v;
	size_t i;
	bool found = false;

	(void)check;
	p->svc = NULL;
	/* "program" is a noise word everywhere except right after "check" */
	raw = &p->toks.v[p->i];
	s = xcalloc(1, sizeof(*s));
	if (tok_is(raw, "program") || tok_is(raw, "programs")) {
		s->type = SVC_PROGRAM;
		p->i++;
		found = true;
	} else {
		t = p_peek(p);
		for (i = 0; i < ARRAY_SIZE(type_words); i++)
			if (tok_is(t, type_words[i].word)) {
				s->type = type_words[i].type;
				found = true;
				p_next(p);
				break;
			}
	}
	if (!found) {
		t = p_peek(p);
		p_error_at(p, t, "unknown service type %s after 'check' (expected process, file, "
		    "fifo, filesystem, directory, host, system, program or network)",
		    tok_describe(t, buf, sizeof(buf)));
		free(s);
		return false;
	}
	/* The name is read as written, noise word or not ("check file with
	 * path ..." names the service "with", as Monit does). */
	t = &p->toks.v[p->i];
	if (t->kind != TK_WORD && t->kind != TK_STRING) {
		free(s);
		p_unexpected(p, "a service name");
		return false;
	}
	s->name = xstrdup(t->text);
	s->pos = t->pos;
	s->mode = MODE_ACTIVE;
	s->onreboot = p->cf->onreboot_default;
	p->i++;
	/* link it in first: whatever follows, config_free releases it */
	if (p->last_svc)
		p->last_svc->next = s;
	else
		p->cf->services = s;
	p->last_svc = s;
	p->cf->nservices++;
	p->svc = s;
	p->test_tail = &s->tests;
	p->dep_tail = &s->depends;

	switch (s->type) {
	case SVC_PROCESS:
		if (p_accept(p, "pidfile")) {
			t = p_peek(p);
			if (!(s->path = p_value(p, "a pidfile path after 'pidfile'")))
				return false;
			if (s->path[0] != '/') {
				p_error_at(p, t, "pidfile '%s' must be an absolute path", s->path);
				return false;
			}
		} else if (p_accept(p, "matching")) {
			if (!(s->match = p_value(p, "a regular expression after 'matching'")))
				return false;
		} else if (p_accept(p, "pid")) {
			p_unexpected(p, "'pidfile' or 'matching' (a bare pid is not supported)");
			return false;
		} else {
			p_unexpected(p, "'pidfile PATH' or 'matching REGEX'");
			return false;
		}
		return true;
	case SVC_FILE:
	case SVC_FIFO:
	case SVC_FILESYSTEM:
	case SVC_DIRECTORY:
		return parse_svc_path(p, s, "path");
	case SVC_HOST:
		if (!p_accept(p, "address")) {
			p_unexpected(p, "'address' after check host NAME");
			return false;
		}
		return (s->address = p_value(p, "a host name or address")) != NULL;
	case SVC_SYSTEM:
		return true;
	case SVC_PROGRAM:
		if (!p_expect(p, "path", "'path' and the program after check program NAME"))
			return false;
		if (!(s->program = parse_command(p, "check program")))
			return false;
		s->path = xstrdup(s->program->argv[0]);
		if (p_accept(p, "timeout")) {
			if (!parse_duration(p, "program timeout", &v, false))
				return false;
			if (v < 1 || v > 86400) {
				p_error_at(p, p_peek(p), "program timeout out of range: %lld seconds "
				    "(expected 1..86400)", (long long)v);
				return false;
			}
			s->program_timeout_s = (int)v;
		}
		if (s->program->timeout_s && !s->program_timeout_s)
			s->program_timeout_s = s->program->timeout_s;
		return true;
	case SVC_NETWORK:
		if (p_accept(p, "interface")) {
			return (s->interface = p_value(p, "an interface name")) != NULL;
		} else if (p_accept(p, "address")) {
			return (s->address = p_value(p, "an interface address")) != NULL;
		}
		p_unexpected(p, "'interface NAME' or 'address ADDR' after check network NAME");
		return false;
	case SVC_TYPE_COUNT:
		break;
	}
	return false;
}

static bool
parse_every(struct parser *p, struct service *s, bool not)
{
	struct token *t = p_peek(p);
	int64_t v;

	if (t->kind == TK_STRING) {
		free(s->every.cron);
		s->every.cron = xstrdup(t->text);
		s->every.kind = not ? EVERY_NOT_CRON : EVERY_CRON;
		p_next(p);
		/* five fields: minute hour day month weekday */
		{
			int fields = 0;
			const char *c = s->every.cron;
			bool in = false;
			for (; *c; c++) {
				if (*c == ' ' || *c == '\t')
					in = false;
				else if (!in) {
					in = true;
					fields++;
				}
			}
			if (fields != 5) {
				p_error_at(p, t, "cron specification \"%s\" has %d fields (expected 5: "
				    "minute hour day month weekday)", s->every.cron, fields);
				return false;
			}
		}
		return true;
	}
	if (not) {
		p_unexpected(p, "a quoted cron specification after 'not every'");
		return false;
	}
	if (!p_number(p, "a number of cycles or a quoted cron specification after 'every'",
	    1, 1000000, &v))
		return false;
	if (!p_accept(p, "cycles") && !p_accept(p, "cycle")) {
		p_unexpected(p, "'cycles'");
		return false;
	}
	s->every.kind = EVERY_CYCLES;
	s->every.cycles = (int)v;
	return true;
}

bool
parse_service_stmt(struct parser *p)
{
	struct service *s = p->svc;
	struct token *t = p_peek(p);
	struct command **cmd = NULL;
	const char *what = NULL;

	if (tok_is(t, "if") || tok_is(t, "ignore"))
		return parse_if(p);
	if (tok_is(t, "start")) {
		cmd = &s->start;
		what = "start program";
	} else if (tok_is(t, "stop")) {
		cmd = &s->stop;
		what = "stop program";
	} else if (tok_is(t, "restart")) {
		cmd = &s->restart;
		what = "restart program";
	}
	if (cmd) {
		struct command *c;

		p_next(p);
		if (!(c = parse_command(p, what)))
			return false;
		if (*cmd)
			p_warn_at(p, t, "%s given twice in check %s; the last one wins", what, s->name);
		command_free(*cmd);
		*cmd = c;
		return true;
	}
	if (p_accept(p, "depends") || p_accept(p, "depend")) {
		struct dependency **tail = p->dep_tail ? p->dep_tail : &s->depends;
		size_t n = 0, i;
		struct token *first = p_peek(p);
		char **names;

		while (*tail)
			tail = &(*tail)->next;
		names = parse_name_list(p, &n, "service names after 'depends on'");
		if (!names)
			return false;
		for (i = 0; i < n; i++) {
			struct dependency *d = xcalloc(1, sizeof(*d));
			d->name = names[i];
			d->pos = first->pos;
			*tail = d;
			tail = &d->next;
		}
		p->dep_tail = tail;
		free(names);
		return true;
	}
	if (p_accept(p, "group")) {
		char *g = p_value(p, "a group name after 'group'");
		if (!g)
			return false;
		s->groups = xreallocarray(s->groups, s->ngroups + 2, sizeof(*s->groups));
		s->groups[s->ngroups++] = g;
		s->groups[s->ngroups] = NULL;
		return true;
	}
	if (p_accept(p, "every"))
		return parse_every(p, s, false);
	if (tok_is(t, "not") && tok_is(p_peek_n(p, 1), "every")) {
		p_next(p);
		p_next(p);
		return parse_every(p, s, true);
	}
	if (tok_is(t, "not"))
		return parse_if(p);	/* "if" omitted: "not exist then ..." */
	if (p_accept(p, "mode")) {
		if (p_accept(p, "active"))
			s->mode = MODE_ACTIVE;
		else if (p_accept(p, "passive"))
			s->mode = MODE_PASSIVE;
		else if (p_accept(p, "manual"))
			s->mode = MODE_MANUAL;
		else {
			p_unexpected(p, "active, passive or manual after 'mode'");
			return false;
		}
		return true;
	}
	if (p_accept(p, "onreboot")) {
		if (p_accept(p, "start"))
			s->onreboot = ONREBOOT_START;
		else if (p_accept(p, "nostart"))
			s->onreboot = ONREBOOT_NOSTART;
		else if (p_accept(p, "laststate"))
			s->onreboot = ONREBOOT_LAST;
		else {
			p_unexpected(p, "start, nostart or laststate after 'onreboot'");
			return false;
		}
		return true;
	}
	if (p_accept(p, "alert"))
		return parse_alert_recipient(p, &s->alerts, false);
	if (p_accept(p, "noalert"))
		return parse_alert_recipient(p, &s->alerts, true);
	p_unexpected(p, "a service statement");
	return false;
}
