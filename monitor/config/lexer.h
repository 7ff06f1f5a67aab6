/* The control-file lexer: turns a monitrc (and every file it includes) into
 * one flat array of tokens, each with the file, line and column it came from.
 *
 * `include GLOB` is handled here, at token level, so it works anywhere in the
 * file, also inside a check entry.  Noise words are kept but flagged, so the
 * parser can skip them where it wants to and still read them as values. */
#ifndef VIGIL_LEXER_H
#define VIGIL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "monitor/config/config.h"

enum tok_kind {
	TK_EOF = 0,
	TK_WORD,	/* unquoted string (keywords, numbers, paths, ...) */
	TK_STRING,	/* quoted string, quotes removed, \" unescaped */
	TK_LBRACE,	/* { */
	TK_RBRACE,	/* } */
	TK_LPAREN,	/* ( */
	TK_RPAREN,	/* ) */
	TK_OP,		/* < > <= >= == != <> */
	TK_BLOCK,	/* the raw body of a mail-format { ... } block */
};

struct token {
	enum tok_kind kind;
	bool noise;	/* an unquoted noise word ("with", "and", ...) */
	bool bol;	/* the first token on its line */
	bool comma;	/* a ',' came right before it: a list goes on */
	char *text;	/* NUL-terminated; owned by the token array */
	size_t len;
	struct srcpos pos;
};

/* Where diagnostics go: "FILE:LINE:COL: error: MESSAGE".  With buffered
 * set, messages are kept and diag_flush() prints them in file order (so
 * the semantic checks' errors sit among the syntax errors). */
struct diag_msg {
	const char *file;	/* interned (position identity) */
	int line, col;
	unsigned seq;
	char *text;		/* the whole line, with newline */
};

struct diag {
	FILE *out;
	int nerrors;
	int nwarnings;
	int max_errors;		/* stop reporting after this many (0: 1000) */
	bool buffered;
	struct diag_msg *msgs;
	size_t nmsgs, capmsgs;
};

/* Print buffered messages ordered by file (in the order files were read),
 * line and column, and release them. */
void diag_flush(struct diag *d, const struct config *cf);

void diag_error(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_note(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct lex_opts {
	bool allow_disk;	/* false: include only absolute paths (string mode) */
	bool no_includes;	/* every include is ignored (fuzzing) */
	bool check_perms;
	uid_t owner_uid;
};

struct token_list {
	struct token *v;
	size_t n, cap;
};

/* Tokenize a file (path) or a buffer (name, text).  Files read are interned
 * in cf->files (positions point there).  Errors go to d.  The list always
 * ends with one TK_EOF token. */
void lex_file(struct config *cf, struct diag *d, const struct lex_opts *o,
    const char *path, struct token_list *out);
void lex_string(struct config *cf, struct diag *d, const struct lex_opts *o,
    const char *name, const char *text, size_t len, struct token_list *out);
void token_list_free(struct token_list *tl);

/* Noise words the manual lists ("with", "and", "the", ...). */
bool lex_is_noise(const char *word);

/* Intern a file name in cf->files; returns the stable copy. */
const char *config_intern_file(struct config *cf, const char *name);

#endif
