/* Internals shared by the parser's files (parse*.c).  Not for other modules. */
#ifndef VIGIL_PARSE_INT_H
#define VIGIL_PARSE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/config/config.h"
#include "monitor/config/lexer.h"
#include "monitor/config/parse.h"

struct parser {
	struct config *cf;
	struct diag *d;
	struct token_list toks;
	size_t i;			/* next token */
	struct service *svc;		/* the check entry being parsed, or NULL */
	struct service *last_svc;	/* tail of cf->services */
	bool in_httpd;			/* inside "set httpd" (allow may follow) */
	struct httpd_allow *last_allow;	/* the last allow, for read-only etc. */
	size_t stmt_start;		/* first token of the statement being parsed */
	/* list tails, so that appending stays O(1) (10,000 services, or one
	 * service with thousands of tests, must parse in linear time) */
	struct test **test_tail;	/* of svc->tests */
	struct dependency **dep_tail;	/* of svc->depends */
	struct httpd_allow **allow_tail;	/* of cf->httpd.allow */
	int lex_errors;			/* errors the lexer reported (then an early
					 * end of file is no news) */
};

/* ---- amounts (parse_amount.c) ---- */

/* Units an amount may be written in (bit set). */
enum {
	U_PERCENT = 1 << 0,
	U_BYTES = 1 << 1,
	U_TIME = 1 << 2,
	U_COUNT = 1 << 3,	/* a plain number */
	U_RATE = 1 << 4,	/* bytes per second */
	U_PACKETS = 1 << 5,	/* packets (per second) */
	U_OPS = 1 << 6,		/* operations per second */
	U_MSEC = 1 << 7,	/* milliseconds */
};
/* NUMBER [UNIT]: sets t->value (normalised: bytes, seconds, hundredths of a
 * percent, counts) and t->unit; default_kind when no unit is written. */
bool parse_amount(struct parser *p, const char *what, int allowed, int default_kind,
    struct test *t);

/* ---- token access (parse.c) ---- */

/* The current token, skipping noise words. */
struct token *p_peek(struct parser *p);
/* The n-th token ahead (0 = current), skipping noise words. */
struct token *p_peek_n(struct parser *p, size_t n);
/* Consume and return the current token (noise skipped). */
struct token *p_next(struct parser *p);
/* The current token is an unquoted word equal to kw (case-insensitive). */
bool p_is(struct parser *p, const char *kw);
bool tok_is(const struct token *t, const char *kw);

/* Migration notes for `vigil -t` (config_notes.c): what vigil reads and
 * does differently from Monit.  Needs the tokens (for positions) and the
 * parsed configuration. */
void config_notes(const struct config *cf, const struct token_list *tl, struct diag *d);
/* Consume kw if it is the current token. */
bool p_accept(struct parser *p, const char *kw);
/* Consume any of a NULL-terminated list of keywords; returns its index or -1. */
int p_accept_any(struct parser *p, const char *const *kws);
/* Require kw; on failure report "expected ..." and return false. */
bool p_expect(struct parser *p, const char *kw, const char *what);

/* A value: a quoted string or an unquoted word (keywords accepted as
 * values).  On failure reports "expected WHAT" and returns NULL.  The
 * result is a fresh heap copy. */
char *p_value(struct parser *p, const char *what);
/* A non-negative integer (decimal); reports and returns false otherwise. */
bool p_number(struct parser *p, const char *what, int64_t min, int64_t max, int64_t *out);
/* The current token looks like a number (digits, optional sign/decimal). */
bool tok_is_number(const struct token *t);

/* Report an error at the current token: "MSG, found 'X'" style helpers. */
void p_error_at(struct parser *p, const struct token *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void p_warn_at(struct parser *p, const struct token *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "unexpected 'X' (expected WHAT)" at the current token. */
void p_unexpected(struct parser *p, const char *what);
/* How a token reads in a message: 'word', "string", end of file. */
const char *tok_describe(const struct token *t, char *buf, size_t len);

/* Skip to the next statement start after an error. */
void p_recover(struct parser *p);
/* The current token starts a service statement / a global statement. */
bool p_at_service_stmt(struct parser *p);

/* ---- shared grammar pieces ---- */

/* "program = STRING [as uid X] [and gid Y] [with timeout N seconds]" */
struct command *parse_command(struct parser *p, const char *what);
/* An action: alert, restart, start, stop, exec "...", unmonitor, monitor. */
bool parse_action(struct parser *p, struct action *a, bool after_then);
/* "[N [times]] M cycles" */
bool parse_cycles(struct parser *p, struct cycles *c);
/* "[cycles] then ACTION [else if succeeded [cycles] then ACTION]" */
bool parse_rule_tail(struct parser *p, struct rule_actions *ra);
/* A time span in seconds: N [second(s)|minute(s)|hour(s)|day(s)] */
bool parse_duration(struct parser *p, const char *what, int64_t *secs, bool unit_required);
/* Operator < > <= >= == != <> gt lt eq ne greater less equal notequal
 * changed; OP_EQ when there is none. */
enum cmp_op parse_op(struct parser *p);
bool p_at_op(struct parser *p);
/* A list of names separated by commas/space until a keyword on a new line. */
char **parse_name_list(struct parser *p, size_t *n, const char *what);

/* ADDR [[not] on { events }] [mail-format {..}] [reminder N] (parse_set.c) */
bool parse_alert_recipient(struct parser *p, struct alert_recipient **list, bool noalert);

/* "{ name: value, ... }" into a list of options (parse_set.c) */
bool parse_option_block(struct parser *p, struct config_option **list, const char *what);

/* parse_set.c */
bool parse_set(struct parser *p);
/* A path or other string value into *dst (the old value is released);
 * parse_abs_path also requires a leading '/', naming what in the error. */
bool parse_path(struct parser *p, char **dst, const char *what);
bool parse_abs_path(struct parser *p, char **dst, const char *what);
/* parse_httpd.c: after "set httpd" (also to go on after an error inside
 * the block, at a line starting with an httpd option) */
bool parse_httpd(struct parser *p);
bool httpd_option_start(const struct token *t);
/* parse_service.c */
bool parse_check(struct parser *p);
bool parse_service_stmt(struct parser *p);
/* parse_test.c */
bool parse_if(struct parser *p);
/* parse_conn.c: after "failed" on host/port/unixsocket/url */
bool parse_connection(struct parser *p, struct test *t);
bool parse_icmp(struct parser *p, struct test *t);

/* Resolve a user / group name or number. */
bool resolve_uid(const char *s, uid_t *out);
bool resolve_gid(const char *s, gid_t *out);

/* Event names for alert filters. */
uint32_t event_bit(const char *name);

#endif
