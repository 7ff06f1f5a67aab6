/* Service tests: "if ... then ACTION [else if succeeded then ACTION]". */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/config/parse_int.h"

/* Rounding without libm (the build links no -lm). */
static int64_t
round_i64(double v)
{
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

static struct test *
test_new(struct parser *p, const struct token *at)
{
	struct test *t = xcalloc(1, sizeof(*t));

	t->pos = at->pos;
	t->act.failed_cycles.count = t->act.failed_cycles.within = 1;
	t->act.succeeded_cycles.count = t->act.succeeded_cycles.within = 1;
	if (!p->test_tail)
		p->test_tail = &p->svc->tests;
	while (*p->test_tail)
		p->test_tail = &(*p->test_tail)->next;
	*p->test_tail = t;
	p->test_tail = &t->next;
	return t;
}

/* 5.3x network totals: total upload|download > N UNIT in last [N] UNIT */
static bool
parse_link_total(struct parser *p, struct test *t)
{
	struct token *tk = p_peek(p);
	int64_t n = 1, mul;

	t->kind = TEST_LINK;
	t->subkind = (tok_is(tk, "upload") || tok_is(tk, "uploaded")) ? 5 : 6;
	p_next(p);
	p_accept(p, "bytes");
	t->op = parse_op(p);
	if (!parse_amount(p, "total transfer", U_BYTES | U_PACKETS, U_BYTES, t))
		return false;
	if (!p_accept(p, "in")) {
		p_unexpected(p, "'in last N minutes|hours|days'");
		return false;
	}
	if (!p_expect(p, "last", "'last' after 'in'"))
		return false;
	if (tok_is_number(p_peek(p)) &&
	    !p_number(p, "a number of minutes, hours or days", 1, 1000000, &n))
		return false;
	if (p_accept(p, "second") || p_accept(p, "seconds"))
		mul = 1;
	else if (p_accept(p, "minute") || p_accept(p, "minutes"))
		mul = 60;
	else if (p_accept(p, "hour") || p_accept(p, "hours"))
		mul = 3600;
	else if (p_accept(p, "day") || p_accept(p, "days"))
		mul = 86400;
	else if (p_accept(p, "week") || p_accept(p, "weeks"))
		mul = 7 * 86400;
	else if (p_accept(p, "month") || p_accept(p, "months"))
		mul = 30 * 86400;
	else {
		p_unexpected(p, "minute(s), hour(s), day(s), week(s) or month(s)");
		return false;
	}
	t->window_s = n * mul;
	return true;
}


/* "(WORD)" after a resource name, the "(" not yet consumed: the value of
 * WORD in words (NULL-terminated), or -1 after reporting what was expected. */
struct paren_word {
	const char *word;
	int value;
};

static int
parse_paren_word(struct parser *p, const struct paren_word *words, const char *expected)
{
	struct token *w;
	int value = -1;

	p_next(p);
	w = p_peek(p);
	for (size_t i = 0; words[i].word != NULL; i++)
		if (tok_is(w, words[i].word)) {
			value = words[i].value;
			break;
		}
	if (value < 0) {
		p_unexpected(p, expected);
		return -1;
	}
	p_next(p);
	if (p_peek(p)->kind != TK_RPAREN) {
		p_unexpected(p, "')'");
		return -1;
	}
	p_next(p);
	return value;
}
static bool
parse_resource(struct parser *p, struct test *t)
{
	struct token *tk = p_peek(p);
	char buf[96];
	bool total = false;
	int allowed, deflt;

	t->kind = TEST_RESOURCE;
	if (p_accept(p, "total")) {
		total = true;
		tk = p_peek(p);
		if (tok_is(tk, "upload") || tok_is(tk, "uploaded") || tok_is(tk, "download") ||
		    tok_is(tk, "downloaded"))
			return parse_link_total(p, t);
	}
	if (tok_is(tk, "cpu") || tok_is(tk, "cpuusage")) {
		p_next(p);
		t->resource = total ? RES_TOTAL_CPU : RES_CPU;
		if (p_peek(p)->kind == TK_LPAREN) {
			static const struct paren_word w[] = {
				{ "user", RES_CPU_USER }, { "system", RES_CPU_SYSTEM },
				{ "wait", RES_CPU_WAIT }, { NULL, 0 },
			};
			int r = parse_paren_word(p, w, "user, system or wait in cpu(...)");

			if (r < 0)
				return false;
			t->resource = (enum resource)r;
		}
		allowed = U_PERCENT;
		deflt = 0;
	} else if (tok_is(tk, "totalcpu")) {
		p_next(p);
		t->resource = RES_TOTAL_CPU;
		allowed = U_PERCENT;
		deflt = 0;
	} else if (tok_is(tk, "cpu(user)") || tok_is(tk, "cpuuser")) {
		p_next(p);
		t->resource = RES_CPU_USER;
		allowed = U_PERCENT;
		deflt = 0;
	} else if (tok_is(tk, "memory") || tok_is(tk, "mem")) {
		p_next(p);
		t->resource = total ? RES_TOTAL_MEMORY : RES_MEMORY;
		allowed = U_PERCENT | U_BYTES;
		deflt = 0;
	} else if (tok_is(tk, "totalmem") || tok_is(tk, "totalmemory")) {
		p_next(p);
		t->resource = RES_TOTAL_MEMORY;
		allowed = U_PERCENT | U_BYTES;
		deflt = 0;
	} else if (tok_is(tk, "swap")) {
		p_next(p);
		t->resource = RES_SWAP;
		allowed = U_PERCENT | U_BYTES;
		deflt = 0;
	} else if (tok_is(tk, "children")) {
		p_next(p);
		t->resource = RES_CHILDREN;
		allowed = U_COUNT;
		deflt = U_COUNT;
	} else if (tok_is(tk, "filedescriptors")) {
		p_next(p);
		t->resource = total ? RES_TOTAL_FDS : RES_FDS;
		/* a tree has no one limit to be a percentage of (Monit: count) */
		allowed = total ? U_COUNT : U_PERCENT | U_COUNT;
		deflt = U_COUNT;
	} else if (tok_is(tk, "threads")) {
		p_next(p);
		t->resource = RES_THREADS;
		allowed = U_COUNT;
		deflt = U_COUNT;
	} else if (tok_is(tk, "loadavg")) {
		p_next(p);
		t->resource = RES_LOADAVG_1;
		if (p_peek(p)->kind == TK_LPAREN) {
			static const struct paren_word w[] = {
				{ "1min", RES_LOADAVG_1 }, { "1", RES_LOADAVG_1 },
				{ "5min", RES_LOADAVG_5 }, { "5", RES_LOADAVG_5 },
				{ "15min", RES_LOADAVG_15 }, { "15", RES_LOADAVG_15 },
				{ NULL, 0 },
			};
			int r = parse_paren_word(p, w, "1min, 5min or 15min in loadavg(...)");

			if (r < 0)
				return false;
			t->resource = (enum resource)r;
		}
		/* 5.3x: "loadavg (1min) per core" */
		if (p_is(p, "per") && tok_is(p_peek_n(p, 1), "core")) {
			p_next(p);
			p_next(p);
			t->subkind = 1;
		}
		if (!p_at_op(p)) {
			p_unexpected(p, "a comparison operator (<, >, <=, >=, ==, !=)");
			return false;
		}
		t->op = parse_op(p);
		/* load averages are kept in hundredths */
		if (!parse_amount(p, "loadavg", U_COUNT, U_COUNT, t))
			return false;
		{
			struct token *prev = &p->toks.v[p->i - 1];
			double d = strtod(prev->text, NULL);
			if (isdigit((unsigned char)prev->text[0]))
				t->value = (int64_t)round_i64(d * 100.0);
		}
		t->unit = UNIT_NONE;
		return true;
	} else {
		p_error_at(p, tk, "unknown resource %s (expected cpu, totalcpu, cpu(user), "
		    "memory, totalmem, swap, children, threads or loadavg)",
		    tok_describe(tk, buf, sizeof(buf)));
		return false;
	}
	if (!p_at_op(p)) {
		p_unexpected(p, "a comparison operator (<, >, <=, >=, ==, !=)");
		return false;
	}
	t->op = parse_op(p);
	if (t->op == OP_CHANGED) {
		p_error_at(p, tk, "'changed' is not valid for a resource test");
		return false;
	}
	return parse_amount(p, tk->text, allowed, deflt, t);
}

static bool
parse_checksum_type(struct parser *p, struct test *t)
{
	if (p_accept(p, "md5"))
		t->hash = HASH_MD5;
	else if (p_accept(p, "sha1"))
		t->hash = HASH_SHA1;
	else if (p_accept(p, "sha256"))
		t->hash = HASH_SHA256;
	else
		return false;
	return true;
}

static bool
is_hex(const char *s)
{
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

/* [md5|sha1] checksum [expect [the sum] X] */
static bool
parse_checksum(struct parser *p, struct test *t, bool changed)
{
	bool typed = parse_checksum_type(p, t);
	struct token *tk;

	t->kind = TEST_CHECKSUM;
	t->op = changed ? OP_CHANGED : OP_NE;
	if (!p_expect(p, "checksum", "'checksum'"))
		return false;
	if (!typed)
		parse_checksum_type(p, t);
	if (p_accept(p, "expect")) {
		tk = p_peek(p);
		if (!(t->expect = p_value(p, "a checksum after 'expect'")))
			return false;
		if (!is_hex(t->expect) || (strlen(t->expect) != 32 && strlen(t->expect) != 40 &&
		    strlen(t->expect) != 64)) {
			p_error_at(p, tk, "checksum '%s' is not an MD5 (32), SHA1 (40) or SHA256 (64) "
			    "hex digest", t->expect);
			return false;
		}
		if (!typed)
			t->hash = strlen(t->expect) == 32 ? HASH_MD5 :
			    strlen(t->expect) == 40 ? HASH_SHA1 : HASH_SHA256;
		else if ((t->hash == HASH_MD5 && strlen(t->expect) != 32) ||
		    (t->hash == HASH_SHA1 && strlen(t->expect) != 40) ||
		    (t->hash == HASH_SHA256 && strlen(t->expect) != 64)) {
			p_error_at(p, tk, "checksum '%s' has the wrong length for the hash type",
			    t->expect);
			return false;
		}
	} else if (!typed)
		t->hash = HASH_MD5;
	return true;
}

/* "[not] match REGEX|PATH" or "content =|!= REGEX|PATH".  As in Monit, a
 * value starting with '/' (quoted or not) names a file of patterns, read
 * now: a missing or malformed file is an error of the control file. */
static bool
parse_match(struct parser *p, struct test *t)
{
	char err[512];
	struct token *tk;

	t->kind = TEST_MATCH;
	if (p_accept(p, "content")) {
		enum cmp_op op = parse_op(p);

		if (op != OP_EQ && op != OP_NE) {
			p_unexpected(p, "'=' or '!=' after 'content'");
			return false;
		}
		t->match_not = (op == OP_NE);
	} else {
		if (p_accept(p, "not"))
			t->match_not = true;
		if (!p_expect(p, "match", "'match'"))
			return false;
	}
	tk = p_peek(p);
	if (tk->kind != TK_STRING && tk->kind != TK_WORD) {
		p_unexpected(p, "a quoted regular expression or a file of patterns");
		return false;
	}
	if (tk->text[0] != '/') {
		t->regex = xstrdup(tk->text);
		p_next(p);
		return true;
	}
	t->match_path = xstrdup(tk->text);
	if (!match_patterns_read(t->match_path, &t->patterns, err, sizeof(err))) {
		p_error_at(p, tk, "%s", err);
		return false;
	}
	p_next(p);
	return true;
}

static bool
parse_owner(struct parser *p, struct test *t, bool is_uid)
{
	struct token *tk = p_peek(p);

	t->kind = is_uid ? TEST_UID : TEST_GID;
	t->op = OP_NE;
	if (tok_is(tk, "then")) {
		/* "if failed uid then alert": the expected owner is missing */
		p_unexpected(p, is_uid ? "a user name or uid after 'uid'" :
		    "a group name or gid after 'gid'");
		return false;
	}
	if (!(t->owner = p_value(p, is_uid ? "a user name or uid" : "a group name or gid")))
		return false;
	if (is_uid) {
		uid_t u;
		if (!resolve_uid(t->owner, &u)) {
			p_error_at(p, tk, "unknown user '%s' (no such user on this system)", t->owner);
			return false;
		}
		t->value = u;
	} else {
		gid_t g;
		if (!resolve_gid(t->owner, &g)) {
			p_error_at(p, tk, "unknown group '%s' (no such group on this system)",
			    t->owner);
			return false;
		}
		t->value = g;
	}
	return true;
}

static bool
parse_perm(struct parser *p, struct test *t)
{
	struct token *tk = p_peek(p);
	const char *s = tk->text;
	char *end;
	unsigned long v;

	t->kind = TEST_PERMISSION;
	t->op = OP_NE;
	if (tk->kind != TK_WORD || !isdigit((unsigned char)s[0])) {
		p_unexpected(p, "an octal permission such as 0644");
		return false;
	}
	v = strtoul(s, &end, 8);
	if (*end || strlen(s) > 5 || v > 07777) {
		p_error_at(p, tk, "permission '%s' is not valid (expected an octal number "
		    "0000..7777)", s);
		return false;
	}
	t->perm = (unsigned)v;
	p_next(p);
	return true;
}

/* The word after "if" decides the test. */
static bool
parse_test_body(struct parser *p, struct test *t)
{
	struct token *tk = p_peek(p);
	char buf[96];

	if (p_accept(p, "failed")) {
		tk = p_peek(p);
		if (tok_is(tk, "host") || tok_is(tk, "port") || tok_is(tk, "portnumber") ||
		    tok_is(tk, "unixsocket") || tok_is(tk, "unix") || tok_is(tk, "url") ||
		    tok_is(tk, "address"))
			return parse_connection(p, t);
		if (tok_is(tk, "icmp") || tok_is(tk, "ping") || tok_is(tk, "ping4") ||
		    tok_is(tk, "ping6"))
			return parse_icmp(p, t);
		if (tok_is(tk, "checksum") || tok_is(tk, "md5") || tok_is(tk, "sha1") ||
		    tok_is(tk, "sha256"))
			return parse_checksum(p, t, false);
		if (p_accept(p, "permission") || p_accept(p, "perm"))
			return parse_perm(p, t);
		if (p_accept(p, "uid"))
			return parse_owner(p, t, true);
		if (p_accept(p, "euid")) {
			t->subkind = 1;
			return parse_owner(p, t, true);
		}
		if (p_accept(p, "gid"))
			return parse_owner(p, t, false);
		if (p_accept(p, "link")) {
			t->kind = TEST_LINK;
			t->subkind = 0;
			return true;
		}
		p_error_at(p, tk, "unexpected %s after 'failed' (expected host, port, unixsocket, "
		    "url, icmp, checksum, permission, uid, euid, gid or link)",
		    tok_describe(tk, buf, sizeof(buf)));
		return false;
	}
	if (p_accept(p, "changed")) {
		tk = p_peek(p);
		t->op = OP_CHANGED;
		if (tok_is(tk, "checksum") || tok_is(tk, "md5") || tok_is(tk, "sha1") ||
		    tok_is(tk, "sha256"))
			return parse_checksum(p, t, true);
		if (p_accept(p, "timestamp")) {
			t->kind = TEST_TIMESTAMP;
			return true;
		}
		if (p_accept(p, "size")) {
			t->kind = TEST_SIZE;
			return true;
		}
		if (p_accept(p, "pid")) {
			t->kind = TEST_PID;
			return true;
		}
		if (p_accept(p, "ppid")) {
			t->kind = TEST_PPID;
			return true;
		}
		if (p_accept(p, "fsflags") || p_accept(p, "fsflag")) {
			t->kind = TEST_FSFLAGS;
			return true;
		}
		if (p_accept(p, "status")) {
			t->kind = TEST_STATUS;
			return true;
		}
		if (p_accept(p, "link")) {
			t->kind = TEST_LINK;
			t->subkind = 1;
			if (!p_accept(p, "capacity"))
				p_accept(p, "speed");
			return true;
		}
		p_error_at(p, tk, "unexpected %s after 'changed' (expected checksum, timestamp, "
		    "size, pid, ppid, fsflags, status or link)", tok_describe(tk, buf, sizeof(buf)));
		return false;
	}
	p_accept(p, "does");
	if (tok_is(tk, "not") || tok_is(tk, "does")) {
		if (tok_is(p_peek_n(p, 1), "match")) {
			return parse_match(p, t);
		}
		p_next(p);
		if (p_accept(p, "exist") || p_accept(p, "exists")) {
			t->kind = TEST_EXIST;
			t->op = OP_NE;
			return true;
		}
		p_unexpected(p, "'exist' or 'match' after 'not'");
		return false;
	}
	if (p_accept(p, "exist") || p_accept(p, "exists")) {
		t->kind = TEST_EXIST;
		t->op = OP_EQ;
		return true;
	}
	if (tok_is(tk, "match") || tok_is(tk, "content"))
		return parse_match(p, t);
	if (tok_is(tk, "icmp") || tok_is(tk, "ping"))
		return parse_icmp(p, t);
	if (tok_is(tk, "cpu") || tok_is(tk, "totalcpu") || tok_is(tk, "total") ||
	    tok_is(tk, "memory") || tok_is(tk, "mem") || tok_is(tk, "totalmem") ||
	    tok_is(tk, "totalmemory") || tok_is(tk, "swap") || tok_is(tk, "children") ||
	    tok_is(tk, "threads") || tok_is(tk, "loadavg") || tok_is(tk, "cpuusage") ||
	    tok_is(tk, "filedescriptors") ||
	    tok_is(tk, "cpuuser"))
		return parse_resource(p, t);
	if (tok_is(tk, "timestamp") || tok_is(tk, "access") || tok_is(tk, "change") ||
	    tok_is(tk, "modify") || tok_is(tk, "modification")) {
		t->kind = TEST_TIMESTAMP;
		if (p_accept(p, "access"))
			t->subkind = 1;
		else if (p_accept(p, "change"))
			t->subkind = 2;
		else if (p_accept(p, "modify") || p_accept(p, "modification"))
			t->subkind = 3;
		if (!p_expect(p, "timestamp", "'timestamp'"))
			return false;
		t->op = parse_op(p);
		if (t->op == OP_CHANGED)
			return true;
		return parse_amount(p, "timestamp", U_TIME, U_TIME, t);
	}
	if (p_accept(p, "size")) {
		t->kind = TEST_SIZE;
		t->op = parse_op(p);
		if (t->op == OP_CHANGED)
			return true;
		return parse_amount(p, "size", U_BYTES, U_BYTES, t);
	}
	if (tok_is(tk, "disk") && (tok_is(p_peek_n(p, 1), "read") ||
	    tok_is(p_peek_n(p, 1), "write"))) {
		/* a process's storage I/O: "disk read|write [rate]" */
		p_next(p);
		tk = p_peek(p);
		t->kind = TEST_DISKIO;
		t->subkind = tok_is(tk, "read") ? 0 : 1;
		p_next(p);
		p_accept(p, "rate");
		t->op = parse_op(p);
		return parse_amount(p, t->subkind ? "disk write rate" : "disk read rate",
		    U_RATE | U_OPS, 0, t);
	}
	if (p_accept(p, "space") || p_accept(p, "disk")) {
		t->kind = TEST_SPACE;
		if (p_accept(p, "free"))
			t->subkind = 1;
		if (!p_at_op(p)) {
			p_unexpected(p, "a comparison operator (<, >, <=, >=, ==, !=)");
			return false;
		}
		t->op = parse_op(p);
		return parse_amount(p, "space", U_PERCENT | U_BYTES, 0, t);
	}
	if (p_accept(p, "inode") || p_accept(p, "inodes")) {
		t->kind = TEST_INODE;
		if (p_accept(p, "free"))
			t->subkind = 1;
		if (!p_at_op(p)) {
			p_unexpected(p, "a comparison operator (<, >, <=, >=, ==, !=)");
			return false;
		}
		t->op = parse_op(p);
		return parse_amount(p, "inode", U_PERCENT | U_COUNT, U_COUNT, t);
	}
	if (p_accept(p, "uptime")) {
		t->kind = TEST_UPTIME;
		t->op = parse_op(p);	/* the manual: EQUAL when omitted */
		if (t->op == OP_CHANGED) {
			p_error_at(p, tk, "'changed' is not valid for an uptime test");
			return false;
		}
		return parse_amount(p, "uptime", U_TIME, U_TIME, t);
	}
	if (p_accept(p, "status")) {
		t->kind = TEST_STATUS;
		t->op = parse_op(p);
		if (t->op == OP_CHANGED)
			return true;
		return parse_amount(p, "status", U_COUNT, U_COUNT, t);
	}
	if (p_accept(p, "link")) {
		/* 5.3x: "if link down" (= failed link), "if link up" */
		t->kind = TEST_LINK;
		if (p_accept(p, "down"))
			t->subkind = 0;
		else if (p_accept(p, "up"))
			t->subkind = 0, t->op = OP_EQ;
		else {
			p_unexpected(p, "'down' or 'up' after 'link'");
			return false;
		}
		return true;
	}
	if ((tok_is(tk, "read") || tok_is(tk, "write")) &&
	    tok_is(p_peek_n(p, 1), "rate")) {
		/* a filesystem's device I/O; a process's bytes through read/write */
		bool process = p->svc != NULL && p->svc->type == SVC_PROCESS;

		t->kind = TEST_DISKIO;
		t->subkind = (tok_is(tk, "read") ? 0 : 1) + (process ? 3 : 0);
		p_next(p);
		p_next(p);
		t->op = parse_op(p);
		return parse_amount(p, tok_is(tk, "read") ? "read rate" : "write rate",
		    process ? U_RATE : U_RATE | U_OPS, 0, t);
	}
	if (tok_is(tk, "service") && tok_is(p_peek_n(p, 1), "time")) {
		t->kind = TEST_DISKIO;
		t->subkind = 2;
		p_next(p);
		p_next(p);
		t->op = parse_op(p);
		if (!parse_amount(p, "service time", U_MSEC | U_TIME, 0, t))
			return false;
		if (t->unit == UNIT_SECONDS) {
			if (t->value > INT64_MAX / 1000) {
				p_error_at(p, tk, "service time out of range");
				return false;
			}
			t->value *= 1000;
			t->unit = UNIT_COUNT;
		}
		return true;
	}
	if (p_accept(p, "saturation")) {
		t->kind = TEST_LINK;
		t->subkind = 2;
		t->op = parse_op(p);
		return parse_amount(p, "saturation", U_PERCENT, 0, t);
	}
	if (tok_is(tk, "upload") || tok_is(tk, "download")) {
		t->kind = TEST_LINK;
		t->subkind = tok_is(tk, "upload") ? 3 : 4;
		p_next(p);
		t->op = parse_op(p);
		return parse_amount(p, tk->text, U_RATE | U_BYTES | U_PACKETS, 0, t);
	}
	if (p_accept(p, "pid") || p_accept(p, "ppid")) {
		p_error_at(p, tk, "expected 'if changed %s'", tk->text);
		return false;
	}
	if (tok_is_number(tk) && (tok_is(p_peek_n(p, 1), "restarts") ||
	    tok_is(p_peek_n(p, 1), "restart"))) {
		int64_t n, m;
		t->kind = TEST_RESTARTS;
		if (!p_number(p, "a number of restarts", 1, 1000000, &n))
			return false;
		p_next(p);
		if (!p_number(p, "a number of cycles after 'restarts within'", 1, 1000000, &m))
			return false;
		if (!p_accept(p, "cycles") && !p_accept(p, "cycle")) {
			p_unexpected(p, "'cycles'");
			return false;
		}
		t->restarts = (int)n;
		t->restart_cycles = (int)m;
		return true;
	}
	p_error_at(p, tk, "unknown test %s (expected failed, changed, [does] not exist, match, "
	    "content, cpu, memory, swap, loadavg, children, timestamp, size, space, inode, uptime, "
	    "status, icmp, saturation, upload, download, read rate, write rate, service time "
	    "or N restarts within M cycles)",
	    tok_describe(tk, buf, sizeof(buf)));
	return false;
}

bool
parse_if(struct parser *p)
{
	struct token *start = p_peek(p);
	struct test *t;

	if (p_accept(p, "ignore")) {
		t = test_new(p, start);
		t->subkind = 1;
		t->act.failed.kind = ACTION_IGNORE;
		return parse_match(p, t);
	}
	p_accept(p, "if");
	t = test_new(p, p_peek(p));
	if (!parse_test_body(p, t) || !parse_rule_tail(p, &t->act)) {
		/* half a test: keep it out of the semantic checks, which would
		 * only repeat the error in other words */
		t->kind = TEST_KIND_COUNT;
		return false;
	}
	return true;
}
