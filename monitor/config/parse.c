/* The parser's driver: token access, messages, error recovery, the
 * statement loop and the public entry points of parse.h. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/config/parse_int.h"
#include "monitor/config/config_files.h"

/* ---- token access ---- */

static size_t
skip_noise(const struct parser *p, size_t i)
{
	while (i < p->toks.n - 1 && p->toks.v[i].noise)
		i++;
	return i;
}

struct token *
p_peek(struct parser *p)
{
	p->i = skip_noise(p, p->i);
	return &p->toks.v[p->i];
}

struct token *
p_peek_n(struct parser *p, size_t n)
{
	size_t i = skip_noise(p, p->i);

	while (n-- > 0 && i < p->toks.n - 1)
		i = skip_noise(p, i + 1);
	return &p->toks.v[i];
}

struct token *
p_next(struct parser *p)
{
	struct token *t = p_peek(p);

	if (t->kind != TK_EOF)
		p->i++;
	return t;
}

bool
tok_is(const struct token *t, const char *kw)
{
	return t->kind == TK_WORD && strcasecmp(t->text, kw) == 0;
}

bool
p_is(struct parser *p, const char *kw)
{
	return tok_is(p_peek(p), kw);
}

bool
p_accept(struct parser *p, const char *kw)
{
	if (!p_is(p, kw))
		return false;
	p_next(p);
	return true;
}

int
p_accept_any(struct parser *p, const char *const *kws)
{
	int i;

	for (i = 0; kws[i]; i++)
		if (p_accept(p, kws[i]))
			return i;
	return -1;
}

const char *
tok_describe(const struct token *t, char *buf, size_t len)
{
	switch (t->kind) {
	case TK_EOF:
		snprintf(buf, len, "end of file");
		break;
	case TK_STRING:
		snprintf(buf, len, "\"%.60s\"", t->text);
		break;
	case TK_BLOCK:
		snprintf(buf, len, "a { } block");
		break;
	default:
		snprintf(buf, len, "'%.60s'", t->text);
		break;
	}
	return buf;
}

void
p_error_at(struct parser *p, const struct token *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (t->kind == TK_EOF && p->lex_errors > 0) {
		/* the lexer stopped early and said why: no second message */
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(p->d, &t->pos, "%s", msg);
}

void
p_warn_at(struct parser *p, const struct token *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_warn(p->d, &t->pos, "%s", msg);
}

void
p_unexpected(struct parser *p, const char *what)
{
	struct token *t = p_peek(p);
	char buf[96];

	p_error_at(p, t, "unexpected %s (expected %s)", tok_describe(t, buf, sizeof(buf)), what);
}

bool
p_expect(struct parser *p, const char *kw, const char *what)
{
	if (p_accept(p, kw))
		return true;
	p_unexpected(p, what ? what : kw);
	return false;
}

char *
p_value(struct parser *p, const char *what)
{
	struct token *raw = &p->toks.v[p->i], *t;

	/* A noise word is still a value when nothing else on its line could
	 * be the value ("group the" names the group "the"). */
	if (raw->noise && ((raw + 1)->kind == TK_EOF || (raw + 1)->bol)) {
		p->i++;
		return xstrndup(raw->text, raw->len);
	}
	t = p_peek(p);
	/* A keyword that starts the next line is a new statement, not the
	 * missing value ("group" at the end of a line, "if ..." below it). */
	if (t->kind == TK_WORD && t->bol && (tok_is(t, "set") || tok_is(t, "check") ||
	    (p->svc && p_at_service_stmt(p)))) {
		p_unexpected(p, what);
		return NULL;
	}
	if (t->kind == TK_WORD || t->kind == TK_STRING) {
		p_next(p);
		return xstrndup(t->text, t->len);
	}
	p_unexpected(p, what);
	return NULL;
}

bool
tok_is_number(const struct token *t)
{
	const char *s = t->text;

	if (t->kind != TK_WORD || !isdigit((unsigned char)s[0]))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

bool
p_number(struct parser *p, const char *what, int64_t min, int64_t max, int64_t *out)
{
	struct token *t = p_peek(p);
	char buf[96];
	char *end;
	long long v;

	if (t->kind != TK_WORD || !isdigit((unsigned char)t->text[0])) {
		p_unexpected(p, what);
		return false;
	}
	errno = 0;
	v = strtoll(t->text, &end, 10);
	if (*end != '\0') {
		p_error_at(p, t, "%s is not a whole number (expected %s)",
		    tok_describe(t, buf, sizeof(buf)), what);
		p_next(p);
		return false;
	}
	if (errno == ERANGE || v < min || v > max) {
		p_error_at(p, t, "'%s' out of range (expected %s in %lld..%lld)", t->text, what,
		    (long long)min, (long long)max);
		p_next(p);
		return false;
	}
	p_next(p);
	*out = v;
	return true;
}

/* ---- recovery ---- */

static const char *const stmt_keywords[] = {
	"if", "start", "stop", "restart", "depends", "depend", "group", "every", "mode",
	"alert", "noalert", "onreboot", "ignore", "not", NULL,
};

bool
p_at_service_stmt(struct parser *p)
{
	struct token *t = p_peek(p);
	int i;

	for (i = 0; stmt_keywords[i]; i++)
		if (tok_is(t, stmt_keywords[i]))
			return true;
	return false;
}

void
p_recover(struct parser *p)
{
	struct token *t = p_peek(p);

	/* Stop at the next statement; the statement that failed must lose at
	 * least its first token, so that recovery always makes progress. */
	while (t->kind != TK_EOF) {
		if (p->i > p->stmt_start) {
			if (tok_is(t, "set") || tok_is(t, "check"))
				return;
			if (t->bol && p->svc && p_at_service_stmt(p))
				return;
			if (t->bol && p->in_httpd && httpd_option_start(t))
				return;
		}
		p->i++;
		t = p_peek(p);
	}
}

/* ---- the driver ---- */

static void
parse_all(struct parser *p)
{
	struct token *t;
	char buf[96];
	bool after_httpd;

	for (;;) {
		t = p_peek(p);
		if (t->kind == TK_EOF)
			break;
		p->stmt_start = p->i;
		after_httpd = p->in_httpd;
		p->in_httpd = false;
		if (tok_is(t, "set")) {
			p_next(p);
			p->svc = NULL;
			if (!parse_set(p))
				p_recover(p);
		} else if (tok_is(t, "check")) {
			if (!parse_check(p))
				p_recover(p);
		} else if (p->svc && (p_at_service_stmt(p) || tok_is(t, "if"))) {
			if (!parse_service_stmt(p))
				p_recover(p);
		} else if (p->svc) {
			p_error_at(p, t, "unexpected %s in check %s %s (expected a service statement: "
			    "if, start, stop, restart, depends, group, every, mode, alert, noalert)",
			    tok_describe(t, buf, sizeof(buf)), service_type_name(p->svc->type),
			    p->svc->name);
			p_recover(p);
		} else if (after_httpd && t->bol && httpd_option_start(t)) {
			/* the httpd block goes on after an error in one of its lines */
			if (!parse_httpd(p))
				p_recover(p);
		} else if (after_httpd) {
			p_error_at(p, t, "unknown httpd option %s (expected port, address, ssl, "
			    "pemfile, clientpemfile, allowselfcertification, signature, allow or pam "
			    "service; or a new 'set' or 'check' statement)",
			    tok_describe(t, buf, sizeof(buf)));
			p_recover(p);
		} else {
			p_error_at(p, t, "unexpected %s (expected 'set' or 'check')",
			    tok_describe(t, buf, sizeof(buf)));
			p_recover(p);
		}
	}
}

/* A file holding a password must not be readable by others: check the file
 * each secret was written in (the main file or an include). */
static void
check_secret_file(struct diag *d, const struct srcpos *pos, const char **seen, size_t *nseen)
{
	struct stat st;
	size_t i;

	if (!pos->file)
		return;
	for (i = 0; i < *nseen; i++)
		if (seen[i] == pos->file)
			return;	/* interned: one report per file */
	if (*nseen < 64)
		seen[(*nseen)++] = pos->file;
	if (stat(pos->file, &st) == 0 && (st.st_mode & S_IROTH))
		diag_error(d, pos, "%s holds a password and is readable by others, mode %04o "
		    "(fix: chmod o-r '%s')", pos->file, (unsigned)(st.st_mode & 07777), pos->file);
}

static void
check_secret_files(const struct config *cf, struct diag *d)
{
	const struct httpd_allow *a;
	const struct mailserver *m;
	const struct service *s;
	const struct test *t;
	const char *seen[64];
	size_t nseen = 0;

	for (a = cf->httpd.allow; a; a = a->next)
		if (a->kind == ALLOW_USER && a->secret)
			check_secret_file(d, &a->pos, seen, &nseen);
	for (m = cf->mailservers; m; m = m->next)
		if (m->password)
			check_secret_file(d, &m->pos, seen, &nseen);
	for (s = cf->services; s; s = s->next)
		for (t = s->tests; t; t = t->next) {
			const struct config_option *o;
			bool secret = t->conn && t->conn->password;

			for (o = t->conn ? t->conn->options : NULL; o; o = o->next)
				if (!strcmp(o->name, "secret"))
					secret = true;
			if (secret)
				check_secret_file(d, &t->pos, seen, &nseen);
		}
}

static struct config *
parse_tokens(struct config *cf, struct diag *d, struct token_list *tl, bool check_perms,
    bool notes, bool check_files, int *nerrors)
{
	struct parser p = { .cf = cf, .d = d, .toks = *tl, .lex_errors = d->nerrors };

	parse_all(&p);
	if (notes)
		config_notes(cf, &p.toks, d);
	token_list_free(&p.toks);
	config_check(cf, d);
	if (check_perms)
		check_secret_files(cf, d);
	if (check_files)
		config_check_files(cf, d);
	diag_flush(d, cf);
	if (nerrors)
		*nerrors = d->nerrors;
	if (d->nerrors > 0) {
		config_free(cf);
		return NULL;
	}
	return cf;
}

struct config *
config_parse(const char *path, const struct parse_opts *o, int *nerrors)
{
	static const struct parse_opts defaults = { 0 };
	struct diag d = { .buffered = true };
	struct lex_opts lo;
	struct token_list tl = { 0 };
	struct config *cf = config_new();

	if (!o)
		o = &defaults;
	d.out = o->errout;
	lo.allow_disk = !o->no_includes;
	lo.check_perms = o->check_perms;
	lo.owner_uid = o->owner_uid;
	lo.no_includes = o->no_includes;
	lex_file(cf, &d, &lo, path, &tl);
	return parse_tokens(cf, &d, &tl, o->check_perms, o->notes, o->check_files,
	    nerrors);
}

struct config *
config_parse_string(const char *text, const char *name, const struct parse_opts *o,
    int *nerrors)
{
	static const struct parse_opts defaults = { 0 };
	struct diag d = { .buffered = true };
	struct lex_opts lo;
	struct token_list tl = { 0 };
	struct config *cf = config_new();

	if (!o)
		o = &defaults;
	d.out = o->errout;
	lo.allow_disk = false;
	lo.check_perms = o->check_perms;
	lo.owner_uid = o->owner_uid;
	lo.no_includes = o->no_includes;
	lex_string(cf, &d, &lo, name ? name : "(string)", text, strlen(text), &tl);
	return parse_tokens(cf, &d, &tl, false, o->notes, false, nerrors);
}
