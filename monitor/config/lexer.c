/* The control-file lexer.  See lexer.h. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/config/lexer.h"
#include "monitor/config/trust_path.h"

#define LEX_MAX_FILE_SIZE	(16u * 1024 * 1024)
#define LEX_MAX_DEPTH		16
#define LEX_MAX_TOKENS		(4u * 1024 * 1024)
#define LEX_MAX_FILES		4096

/* ---- diagnostics ---- */

static void
diag_emit(struct diag *d, const char *kind, const struct srcpos *pos,
    const char *fmt, va_list ap)
{
	FILE *out = d->out ? d->out : stderr;
	int max = d->max_errors ? d->max_errors : 1000;
	char head[512], body[1024], *line;
	struct diag_msg *m;

	if (d->nerrors + d->nwarnings > max)
		return;
	if (pos && pos->file)
		snprintf(head, sizeof(head), "%s:%d:%d: %s: ", pos->file, pos->line, pos->col,
		    kind);
	else
		snprintf(head, sizeof(head), "%s: ", kind);
	vsnprintf(body, sizeof(body), fmt, ap);
	if (!d->buffered) {
		fprintf(out, "%s%s\n", head, body);
		return;
	}
	if (asprintf(&line, "%s%s\n", head, body) < 0)
		return;
	if (d->nmsgs == d->capmsgs) {
		d->capmsgs = d->capmsgs ? d->capmsgs * 2 : 16;
		d->msgs = xreallocarray(d->msgs, d->capmsgs, sizeof(*d->msgs));
	}
	m = &d->msgs[d->nmsgs];
	m->file = pos ? pos->file : NULL;
	m->line = pos ? pos->line : 0;
	m->col = pos ? pos->col : 0;
	m->seq = (unsigned)d->nmsgs;
	m->text = line;
	d->nmsgs++;
}

static const struct config *sort_cf;

static size_t
file_rank(const char *file)
{
	size_t i;

	for (i = 0; sort_cf && i < sort_cf->nfiles; i++)
		if (sort_cf->files[i] == file)
			return i;
	return (size_t)-1;
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct diag_msg *x = a, *y = b;
	size_t fx = file_rank(x->file), fy = file_rank(y->file);

	if (fx != fy)
		return fx < fy ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
diag_flush(struct diag *d, const struct config *cf)
{
	FILE *out = d->out ? d->out : stderr;
	size_t i;

	sort_cf = cf;
	if (d->nmsgs > 1)
		qsort(d->msgs, d->nmsgs, sizeof(*d->msgs), msg_cmp);
	sort_cf = NULL;
	for (i = 0; i < d->nmsgs; i++) {
		fputs(d->msgs[i].text, out);
		free(d->msgs[i].text);
	}
	free(d->msgs);
	d->msgs = NULL;
	d->nmsgs = d->capmsgs = 0;
}

void
diag_error(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(d, "error", pos, fmt, ap);
	va_end(ap);
	d->nerrors++;
}

void
diag_warn(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(d, "warning", pos, fmt, ap);
	va_end(ap);
	d->nwarnings++;
}

/* A note: something vigil reads and does differently (vigil -t only). */
void
diag_note(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_emit(d, "note", pos, fmt, ap);
	va_end(ap);
	d->nwarnings++;
}

/* ---- noise words ---- */

static const char *const noise_words[] = {
	"and", "are", "as", "but", "for", "has", "is", "of", "on", "only",
	"program", "programs", "sum", "than", "the", "usage", "use", "using",
	"was", "with", "within", "without",
};

bool
lex_is_noise(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(noise_words); i++)
		if (strcasecmp(word, noise_words[i]) == 0)
			return true;
	return false;
}

const char *
config_intern_file(struct config *cf, const char *name)
{
	cf->files = xreallocarray(cf->files, cf->nfiles + 1, sizeof(*cf->files));
	cf->files[cf->nfiles] = xstrdup(name);
	return cf->files[cf->nfiles++];
}

void
token_list_free(struct token_list *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		free(tl->v[i].text);
	free(tl->v);
	tl->v = NULL;
	tl->n = tl->cap = 0;
}

/* ---- the scanner ---- */

struct filekey {
	dev_t dev;
	ino_t ino;
};

struct lexer {
	struct config *cf;
	struct diag *d;
	const struct lex_opts *o;
	struct token_list *out;
	struct filekey stack[LEX_MAX_DEPTH];
	int depth;
	bool too_many;
};

struct scan {
	const char *file;	/* interned */
	const char *dir;	/* directory of the file, for relative includes */
	const char *p, *end;
	int line, col;
	int last_line;		/* line of the last token emitted */
	bool comma;		/* a ',' since the last token */
};

static void lex_buffer(struct lexer *lx, const char *file, const char *dir,
    const char *text, size_t len);

static void
emit(struct lexer *lx, struct scan *s, enum tok_kind kind, const char *text,
    size_t len, int line, int col)
{
	struct token_list *tl = lx->out;
	struct token *t;

	if (tl->n >= LEX_MAX_TOKENS) {
		if (!lx->too_many) {
			struct srcpos pos = { s->file, line, col };
			diag_error(lx->d, &pos, "control file too large (more than %u tokens)",
			    LEX_MAX_TOKENS);
			lx->too_many = true;
		}
		return;
	}
	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? tl->cap * 2 : 256;
		tl->v = xreallocarray(tl->v, tl->cap, sizeof(*tl->v));
	}
	t = &tl->v[tl->n++];
	t->kind = kind;
	t->text = xstrndup(text, len);
	t->len = len;
	t->pos.file = s->file;
	t->pos.line = line;
	t->pos.col = col;
	t->bol = (line != s->last_line);
	t->comma = s->comma;
	s->comma = false;
	t->noise = (kind == TK_WORD && lex_is_noise(t->text));
	s->last_line = line;
}

static void
advance(struct scan *s)
{
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else
		s->col++;
	s->p++;
}

static bool
is_word_end(char c)
{
	return isspace((unsigned char)c) || c == '"' || c == '\'' || c == '{' ||
	    c == '}' || c == '(' || c == ')' || c == ',' || c == ';' || c == '\0';
}

static bool
all_alpha(const char *a, const char *b)
{
	for (; a < b; a++)
		if (!isalpha((unsigned char)*a) && *a != '-' && *a != '_')
			return false;
	return true;
}

/* The previous token, when it is a word equal to w (case-insensitive). */
static bool
prev_is_word(struct lexer *lx, const char *w)
{
	struct token_list *tl = lx->out;

	return tl->n > 0 && tl->v[tl->n - 1].kind == TK_WORD &&
	    strcasecmp(tl->v[tl->n - 1].text, w) == 0;
}

/* Right after "check TYPE": the service name, which Monit reads as one
 * word with any '=', '<', '>' or '!' inside ("check file a=b"). */
static bool
at_service_name(struct lexer *lx)
{
	static const char *const types[] = { "process", "file", "fifo", "filesystem",
	    "device", "directory", "host", "system", "program", "programs", "network" };
	struct token_list *tl = lx->out;

	if (tl->n < 2 || tl->v[tl->n - 1].kind != TK_WORD ||
	    tl->v[tl->n - 2].kind != TK_WORD || strcasecmp(tl->v[tl->n - 2].text, "check") != 0)
		return false;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(tl->v[tl->n - 1].text, types[i]) == 0)
			return true;
	return false;
}

static void do_include(struct lexer *lx, struct scan *s, const char *glob,
    const struct srcpos *pos);

static void
lex_buffer(struct lexer *lx, const char *file, const char *dir, const char *text,
    size_t len)
{
	struct scan s = { file, dir, text, text + len, 1, 1, 0, false };
	bool want_include = false;
	struct srcpos include_pos = { 0 };

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		s.p += 3;	/* a UTF-8 byte order mark from an editor */

	while (s.p < s.end && !lx->too_many) {
		char c = *s.p;
		int line = s.line, col = s.col;
		size_t before = lx->out->n;

		if (c == '\0') {
			struct srcpos pos = { file, line, col };
			diag_error(lx->d, &pos, "NUL byte in control file");
			return;
		}
		if (isspace((unsigned char)c) || c == ',' || c == ';') {
			if (c == ',')
				s.comma = true;
			else if (c == ';')
				s.comma = false;
			advance(&s);
			continue;
		}
		if (c == '#') {
			while (s.p < s.end && *s.p != '\n')
				advance(&s);
			continue;
		}
		if (c == '"' || c == '\'') {
			char q = c;
			char *buf = xmalloc((size_t)(s.end - s.p) + 1);
			size_t n = 0;

			advance(&s);
			while (s.p < s.end && *s.p != q) {
				if (*s.p == '\\' && s.p + 1 < s.end && s.p[1] == q) {
					advance(&s);
				}
				buf[n++] = *s.p;
				advance(&s);
			}
			if (s.p >= s.end) {
				struct srcpos pos = { file, line, col };
				diag_error(lx->d, &pos, "unterminated quoted string (missing closing %c)", q);
				free(buf);
				return;
			}
			advance(&s);
			emit(lx, &s, TK_STRING, buf, n, line, col);
			free(buf);
		} else if (c == '{') {
			if (prev_is_word(lx, "mail-format")) {
				const char *start;

				advance(&s);
				start = s.p;
				while (s.p < s.end && *s.p != '}')
					advance(&s);
				if (s.p >= s.end) {
					struct srcpos pos = { file, line, col };
					diag_error(lx->d, &pos, "unterminated mail-format block (missing '}')");
					return;
				}
				emit(lx, &s, TK_BLOCK, start, (size_t)(s.p - start), line, col);
				advance(&s);
			} else {
				advance(&s);
				emit(lx, &s, TK_LBRACE, "{", 1, line, col);
			}
		} else if (c == '}') {
			advance(&s);
			emit(lx, &s, TK_RBRACE, "}", 1, line, col);
		} else if (c == '(') {
			advance(&s);
			emit(lx, &s, TK_LPAREN, "(", 1, line, col);
		} else if (c == ')') {
			advance(&s);
			emit(lx, &s, TK_RPAREN, ")", 1, line, col);
		} else if (c == '=' || c == '<' || c == '>' ||
		    (c == '!' && s.p + 1 < s.end && s.p[1] == '=')) {
			char op[3] = { c, 0, 0 };
			advance(&s);
			if (s.p < s.end && (*s.p == '=' || (c == '<' && *s.p == '>'))) {
				op[1] = *s.p;
				advance(&s);
			}
			/* A lone '=' is punctuation ("start program = ..."). */
			if (strcmp(op, "=") != 0)
				emit(lx, &s, TK_OP, op, strlen(op), line, col);
		} else {
			const char *start = s.p;
			bool name = at_service_name(lx);

			while (s.p < s.end && !is_word_end(*s.p)) {
				/* A keyword glued to an operator or '=' ends there
				 * ("start=\"...\"", "cpu>80%"); in anything else
				 * (paths, URLs, user:password, a service name) they
				 * are characters. */
				if (!name && s.p > start && (*s.p == '<' || *s.p == '>' || *s.p == '=' ||
				    (*s.p == '!' && s.p + 1 < s.end && s.p[1] == '=')) &&
				    all_alpha(start, s.p))
					break;
				/* ${VAR} stays inside the word */
				if (*s.p == '$' && s.p + 1 < s.end && s.p[1] == '{') {
					advance(&s);
					advance(&s);
					while (s.p < s.end && *s.p != '}' && !isspace((unsigned char)*s.p) &&
					    *s.p != '"' && *s.p != '\'' && *s.p != '{')
						advance(&s);
					if (s.p < s.end && *s.p == '}')
						advance(&s);
					continue;
				}
				advance(&s);
			}
			if (!want_include && s.p - start == 7 &&
			    strncasecmp(start, "include", 7) == 0) {
				want_include = true;
				include_pos.file = file;
				include_pos.line = line;
				include_pos.col = col;
				continue;
			}
			emit(lx, &s, TK_WORD, start, (size_t)(s.p - start), line, col);
		}
		if (want_include && lx->out->n > before) {
			struct token *t = &lx->out->v[lx->out->n - 1];
			char *glob;

			want_include = false;
			if (t->kind != TK_WORD && t->kind != TK_STRING) {
				diag_error(lx->d, &include_pos,
				    "include expects a file name or glob, found '%s'", t->text);
				continue;
			}
			glob = t->text;
			lx->out->n--;
			do_include(lx, &s, glob, &include_pos);
			free(glob);
			s.last_line = include_pos.line;
		}
	}
	if (want_include)
		diag_error(lx->d, &include_pos,
		    "include expects a file name or glob, found end of file");
}

static bool
check_file_perms(struct lexer *lx, const struct stat *st, const char *path,
    const struct srcpos *pos)
{
	if (!lx->o->check_perms)
		return true;
	if (st->st_uid != lx->o->owner_uid) {
		diag_error(lx->d, pos, "%s is owned by uid %u, expected uid %u "
		    "(fix: chown %u '%s')", path, (unsigned)st->st_uid,
		    (unsigned)lx->o->owner_uid, (unsigned)lx->o->owner_uid, path);
		return false;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		diag_error(lx->d, pos, "%s is writable by group or others, mode %04o "
		    "(fix: chmod go-w '%s')", path, (unsigned)(st->st_mode & 07777), path);
		return false;
	}
	return true;
}

/* Read one file and lex it; pos is the include statement (NULL: main file). */
static void
lex_one_file(struct lexer *lx, const char *path, const struct srcpos *incpos)
{
	struct srcpos fpos;
	struct stat st;
	const char *file;
	char *buf, *dircopy;
	size_t n = 0;
	ssize_t r;
	int fd, i;

	file = config_intern_file(lx->cf, path);
	fpos.file = incpos ? incpos->file : file;
	fpos.line = incpos ? incpos->line : 1;
	fpos.col = incpos ? incpos->col : 1;
	if (lx->cf->nfiles > LEX_MAX_FILES) {
		diag_error(lx->d, &fpos, "too many included files (more than %d)", LEX_MAX_FILES);
		return;
	}
	if (lx->o->check_perms && lstat(path, &st) == 0) {
		char why[PATH_MAX + 256];

		if (!config_path_trusted(path, lx->o->owner_uid, why, sizeof(why))) {
			if (incpos)
				diag_error(lx->d, &fpos, "include %s: %s", path, why);
			else
				diag_error(lx->d, &fpos, "control file %s: %s", path, why);
			return;
		}
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_error(lx->d, &fpos, "cannot open %s: %s", path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0) {
		diag_error(lx->d, &fpos, "cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (incpos)
			diag_warn(lx->d, &fpos, "include: %s is a directory, skipped", path);
		else
			diag_error(lx->d, &fpos, "%s is a directory, not a control file", path);
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(lx->d, &fpos, "%s is not a regular file", path);
		close(fd);
		return;
	}
	for (i = 0; i < lx->depth; i++) {
		if (lx->stack[i].dev == st.st_dev && lx->stack[i].ino == st.st_ino) {
			diag_error(lx->d, &fpos, "include loop: %s includes itself "
			    "(directly or through other files)", path);
			close(fd);
			return;
		}
	}
	if (lx->depth >= LEX_MAX_DEPTH) {
		diag_error(lx->d, &fpos, "includes nested too deeply (more than %d levels) at %s",
		    LEX_MAX_DEPTH, path);
		close(fd);
		return;
	}
	if (!check_file_perms(lx, &st, path, &fpos)) {
		close(fd);
		return;
	}
	if ((uintmax_t)st.st_size > LEX_MAX_FILE_SIZE) {
		diag_error(lx->d, &fpos, "%s is too large (%jd bytes, limit %u)", path,
		    (intmax_t)st.st_size, LEX_MAX_FILE_SIZE);
		close(fd);
		return;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag_error(lx->d, &fpos, "cannot read %s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	lx->stack[lx->depth].dev = st.st_dev;
	lx->stack[lx->depth].ino = st.st_ino;
	lx->depth++;
	dircopy = xstrdup(path);
	lex_buffer(lx, file, dirname(dircopy), buf, n);
	free(dircopy);
	lx->depth--;
	free(buf);
}

static int
glob_errfn(const char *epath, int eerrno)
{
	(void)epath;
	(void)eerrno;
	return 0;
}

static void
do_include(struct lexer *lx, struct scan *s, const char *pattern,
    const struct srcpos *pos)
{
	char full[PATH_MAX];
	glob_t g;
	size_t i;
	int rc;

	if (lx->o->no_includes) {
		diag_warn(lx->d, pos, "include %s ignored", pattern);
		return;
	}
	if (!lx->o->allow_disk && pattern[0] != '/') {
		diag_warn(lx->d, pos, "include %s: relative include ignored when parsing a string",
		    pattern);
		return;
	}
	if (pattern[0] == '/' || s->dir == NULL)
		snprintf(full, sizeof(full), "%s", pattern);
	else if ((size_t)snprintf(full, sizeof(full), "%s/%s", s->dir, pattern) >= sizeof(full)) {
		diag_error(lx->d, pos, "include path too long");
		return;
	}
	memset(&g, 0, sizeof(g));
	rc = glob(full, 0, glob_errfn, &g);
	if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
		diag_warn(lx->d, pos, "include %s matches no file", pattern);
		globfree(&g);
		return;
	}
	if (rc != 0) {
		diag_error(lx->d, pos, "include %s: cannot expand the pattern", pattern);
		globfree(&g);
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct stat st;

		if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
			continue;	/* the manual: directories are skipped */
		lex_one_file(lx, g.gl_pathv[i], pos);
	}
	globfree(&g);
}

static void
lex_finish(struct lexer *lx, const char *file, int line)
{
	struct scan s = { file, NULL, NULL, NULL, line, 1, 0, false };

	lx->too_many = false;
	lx->out->n = lx->out->n < LEX_MAX_TOKENS ? lx->out->n : LEX_MAX_TOKENS - 1;
	emit(lx, &s, TK_EOF, "end of file", 11, line, 1);
}

void
lex_file(struct config *cf, struct diag *d, const struct lex_opts *o,
    const char *path, struct token_list *out)
{
	struct lexer lx = { .cf = cf, .d = d, .o = o, .out = out };

	lex_one_file(&lx, path, NULL);
	lex_finish(&lx, cf->nfiles ? cf->files[0] : path, out->n ? out->v[out->n - 1].pos.line : 1);
}

void
lex_string(struct config *cf, struct diag *d, const struct lex_opts *o,
    const char *name, const char *text, size_t len, struct token_list *out)
{
	struct lexer lx = { .cf = cf, .d = d, .o = o, .out = out };
	const char *file = config_intern_file(cf, name);

	lex_buffer(&lx, file, NULL, text, len);
	lex_finish(&lx, file, out->n ? out->v[out->n - 1].pos.line : 1);
}
