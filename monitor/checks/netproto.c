/* Sans-I/O protocol code: the module table, the HTTP status line, and the
 * helpers every module uses to read lines, build requests and word a
 * verdict.  Pure functions over bytes. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "monitor/config/config.h"
#include "monitor/checks/netproto.h"
#include "monitor/checks/proto_all.h"

const struct proto_module *const proto_modules[] = {
	&proto_http, &proto_generic, &proto_smtp, &proto_lmtp, &proto_ssh,
	&proto_redis, &proto_mysql, &proto_pgsql, &proto_memcache, &proto_imap,
	&proto_pop, &proto_ftp, &proto_dns, &proto_ntp3, &proto_ldap3,
	&proto_ldap2, &proto_nntp, &proto_clamav, &proto_rsync, &proto_sieve,
	&proto_spamassassin, &proto_postfix_policy, &proto_fail2ban,
	&proto_mqtt, &proto_websocket, &proto_sip, &proto_radius, &proto_gps,
	&proto_rdate, &proto_mongodb, &proto_apache_status, &proto_dwp, &proto_tns,
	NULL,
};

/* Names of the manual that share a module: the TLS variants (the driver
 * does TLS) and the aliases. */
static const struct { const char *alias, *name; } proto_aliases[] = {
	{ "https", "http" }, { "smtps", "smtp" }, { "imaps", "imap" },
	{ "pops", "pop" }, { "mysqls", "mysql" }, { "default", "generic" },
	{ NULL, NULL },
};

const struct proto_module *
proto_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; proto_aliases[i].alias; i++)
		if (strcasecmp(name, proto_aliases[i].alias) == 0)
			name = proto_aliases[i].name;
	for (size_t i = 0; proto_modules[i]; i++)
		if (strcasecmp(name, proto_modules[i]->name) == 0)
			return proto_modules[i];
	return NULL;
}

void
proto_reset(struct proto_ctx *ctx)
{
	ctx->state = 0;
	ctx->id = 0;
	ctx->step = NULL;
	ctx->waiting = NULL;
	ctx->mark = ctx->need = 0;
	ctx->in = NULL;
	ctx->inlen = 0;
	ctx->eof = false;
	ctx->consumed = 0;
	ctx->outlen = 0;
	ctx->starttls = false;
	ctx->tls = false;
	ctx->reason[0] = '\0';
}

bool
proto_wants_starttls(const struct connection *c)
{
	static const struct { const char *secure, *plain; int port, implicit_port; }
	    mail[] = {
		{ "smtps", "smtp", 25, 465 }, { "smtps", "smtp", 587, 465 },
		{ "imaps", "imap", 143, 993 }, { "pops", "pop", 110, 995 },
	};

	if (c == NULL || c->type != CONN_TCP || c->protocol == NULL || c->unix_path != NULL)
		return false;
	if (strcasecmp(c->protocol, "mysqls") == 0)
		return true;	/* MySQL has no implicit-TLS port */
	if (!c->ssl)
		return false;
	for (size_t i = 0; i < sizeof(mail) / sizeof(mail[0]); i++) {
		bool secure = strcasecmp(c->protocol, mail[i].secure) == 0;

		if (!secure && strcasecmp(c->protocol, mail[i].plain) != 0)
			continue;
		if (c->port == mail[i].port || (secure && c->port != mail[i].implicit_port))
			return true;
	}
	return false;
}

const char *
proto_name(const struct proto_ctx *ctx)
{
	static char up[32];
	const char *n = ctx->mod ? ctx->mod->name : "generic";
	size_t i;

	for (i = 0; n[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)n[i]);
	up[i] = '\0';
	return up;
}

const char *
proto_line(struct proto_ctx *ctx, size_t *len)
{
	const unsigned char *start = ctx->in + ctx->consumed;
	size_t left = ctx->inlen - ctx->consumed;
	const unsigned char *nl = memchr(start, '\n', left);
	size_t l;

	if (nl == NULL)
		return NULL;
	l = (size_t)(nl - start);
	ctx->consumed += l + 1;
	if (l > 0 && start[l - 1] == '\r')
		l--;
	*len = l;
	return (const char *)start;
}

const char *
proto_quote(const void *buf, size_t len, char *out, size_t outlen)
{
	const unsigned char *b = buf;
	size_t o = 0, i;

	if (outlen == 0)
		return "";
	for (i = 0; i < len && i < 60; i++) {
		if (o + 5 >= outlen)
			break;
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\'')
			out[o++] = (char)b[i];
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", b[i]);
	}
	if (i < len && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

static enum proto_result
proto_verdict(struct proto_ctx *ctx, enum proto_result r, const char *fmt,
    va_list ap)
{
	int n = snprintf(ctx->reason, sizeof(ctx->reason), "%s: ", proto_name(ctx));

	if (n < 0 || (size_t)n >= sizeof(ctx->reason))
		n = 0;
	vsnprintf(ctx->reason + n, sizeof(ctx->reason) - (size_t)n, fmt, ap);
	return r;
}

enum proto_result
proto_fail(struct proto_ctx *ctx, const char *fmt, ...)
{
	enum proto_result r;
	va_list ap;

	va_start(ap, fmt);
	r = proto_verdict(ctx, PROTO_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

enum proto_result
proto_pass(struct proto_ctx *ctx, const char *fmt, ...)
{
	enum proto_result r;
	va_list ap;

	va_start(ap, fmt);
	r = proto_verdict(ctx, PROTO_PASS, fmt, ap);
	va_end(ap);
	return r;
}

enum proto_result
proto_unexpected(struct proto_ctx *ctx, const char *what, const char *line,
    size_t len, const char *expected)
{
	char q[256];

	return proto_fail(ctx, "%s was '%s', expected %s", what,
	    proto_quote(line, len, q, sizeof(q)), expected);
}

bool
proto_send(struct proto_ctx *ctx, const void *buf, size_t len)
{
	if (len > sizeof(ctx->out) - ctx->outlen)
		return false;
	memcpy(ctx->out + ctx->outlen, buf, len);
	ctx->outlen += len;
	return true;
}

bool
proto_sendf(struct proto_ctx *ctx, const char *fmt, ...)
{
	size_t room = sizeof(ctx->out) - ctx->outlen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)ctx->out + ctx->outlen, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return false;
	ctx->outlen += (size_t)n;
	return true;
}

const char *
proto_option(const struct proto_ctx *ctx, const char *name)
{
	for (const struct config_option *o = ctx->conn ? ctx->conn->options : NULL;
	    o; o = o->next)
		if (strcmp(o->name, name) == 0)
			return o->value;
	return NULL;
}

uint16_t
proto_be16(const unsigned char *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t
proto_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

uint32_t
proto_le24(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

int
http_status_parse(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	size_t i;
	int code = 0;

	if (len >= 5 && memcmp(buf, "HTTP/", 5) != 0)
		return HTTP_GARBAGE;
	if (len < 5 && memcmp(buf, "HTTP/", len) != 0)
		return HTTP_GARBAGE;
	if (nl == NULL)
		return len > 1024 ? HTTP_GARBAGE : HTTP_INCOMPLETE;
	/* "HTTP/" 1*DIGIT "." 1*DIGIT SP 3DIGIT */
	i = 5;
	if (i >= len || buf[i] < '0' || buf[i] > '9')
		return HTTP_GARBAGE;
	while (i < len && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (i < len && buf[i] == '.') {
		i++;
		if (i >= len || buf[i] < '0' || buf[i] > '9')
			return HTTP_GARBAGE;
		while (i < len && buf[i] >= '0' && buf[i] <= '9')
			i++;
	}
	if (i >= len || buf[i] != ' ')
		return HTTP_GARBAGE;
	i++;
	for (int k = 0; k < 3; k++, i++) {
		if (i >= len || buf[i] < '0' || buf[i] > '9')
			return HTTP_GARBAGE;
		code = code * 10 + (buf[i] - '0');
	}
	if (i < len && buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\n')
		return HTTP_GARBAGE;
	if (code < 100)
		return HTTP_GARBAGE;
	return code;
}

bool
http_status_ok(int code, int op, int status)
{
	/* Monit: "status OP N" is what a good answer looks like; without it
	 * any status below 400 passes. */
	switch (op) {
	case OP_LT: return code < status;
	case OP_LE: return code <= status;
	case OP_GT: return code > status;
	case OP_GE: return code >= status;
	case OP_EQ: return code == status;
	case OP_NE: return code != status;
	default: return code < 400;
	}
}
