/* Connection tests (host, port, unix socket, url, protocols, send/expect)
 * and ICMP echo tests. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/config/parse_int.h"

const char *const config_protocols[] = {
	"apache-status", "clamav", "default", "dns", "dwp", "fail2ban", "ftp", "generic",
	"gps", "http", "https", "imap", "imaps", "ldap2", "ldap3", "lmtp", "memcache",
	"mongodb", "mqtt", "mysql", "mysqls", "nntp", "ntp3", "pgsql", "pop", "pops",
	"postfix-policy", "radius", "rdate", "redis", "rsync", "sieve", "sip", "smtp",
	"smtps", "spamassassin", "ssh", "tns", "websocket", NULL,
};

/* Decode send/expect escapes: \0xHH, \n, \r, \t, \\, \".  Regex escapes
 * in expect strings are kept as written (expect == true). */
static char *
decode_escapes(const char *s, size_t *len, bool expect)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == '0' && (s[2] == 'x' || s[2] == 'X') &&
		    isxdigit((unsigned char)s[3]) && isxdigit((unsigned char)s[4])) {
			char hex[3] = { s[3], s[4], 0 };
			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 5;
		} else if (!expect && s[0] == '\\' && s[1]) {
			switch (s[1]) {
			case 'n': out[n++] = '\n'; break;
			case 'r': out[n++] = '\r'; break;
			case 't': out[n++] = '\t'; break;
			default: out[n++] = s[1]; break;
			}
			s += 2;
		} else
			out[n++] = *s++;
	}
	out[n] = '\0';
	*len = n;
	return out;
}

static void
add_option(struct connection *c, const char *name, const char *value)
{
	struct config_option **tail = &c->options;
	struct config_option *o = xcalloc(1, sizeof(*o));

	o->name = xstrdup(name);
	o->value = xstrdup(value);
	while (*tail)
		tail = &(*tail)->next;
	*tail = o;
}

static bool
at_end_of_conn(struct parser *p)
{
	struct token *t = p_peek(p);

	if (t->kind == TK_EOF)
		return true;
	if (tok_is(t, "then") || tok_is(t, "else"))
		return true;
	/* "then" is a noise word (the brief): an action ends the test too.
	 * Not "timeout": that is also a connection option. */
	if (tok_is(t, "alert") || tok_is(t, "restart") || tok_is(t, "start") ||
	    tok_is(t, "stop") || tok_is(t, "exec") || tok_is(t, "unmonitor") ||
	    tok_is(t, "monitor"))
		return true;
	if (tok_is_number(t)) {
		struct token *n = p_peek_n(p, 1);
		if (tok_is(n, "cycles") || tok_is(n, "cycle") || tok_is(n, "times") ||
		    tok_is_number(n))
			return true;
	}
	return false;
}

static bool
conn_timeout(struct parser *p, int *dst, const char *what)
{
	struct token *num = p_peek(p);
	int64_t v;

	if (!parse_duration(p, what, &v, false))
		return false;
	if (v < 1 || v > 3600) {
		p_error_at(p, num, "%s out of range: %lld seconds (expected 1..3600)", what,
		    (long long)v);
		return false;
	}
	*dst = (int)v;
	return true;
}

/* Set a string field, releasing what a repeated option set before. */
static void
replace(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

/* url: scheme://[user:pass@]host[:port]/path */
static bool
parse_url_value(struct parser *p, struct connection *c)
{
	struct token *t = p_peek(p);
	const char *s, *hostp, *end, *at, *colon;
	char *host;

	replace(&c->url, p_value(p, "a URL after 'url'"));
	if (!c->url)
		return false;
	s = c->url;
	if (strncasecmp(s, "http://", 7) == 0) {
		hostp = s + 7;
		c->port = 80;
		replace(&c->protocol, xstrdup("http"));
	} else if (strncasecmp(s, "https://", 8) == 0) {
		hostp = s + 8;
		c->port = 443;
		c->ssl = true;
		replace(&c->protocol, xstrdup("http"));
	} else {
		p_error_at(p, t, "URL '%s' must start with http:// or https://", s);
		return false;
	}
	end = hostp + strcspn(hostp, "/?#");
	at = memchr(hostp, '@', (size_t)(end - hostp));
	if (at) {
		colon = memchr(hostp, ':', (size_t)(at - hostp));
		if (colon) {
			replace(&c->username, xstrndup(hostp, (size_t)(colon - hostp)));
			replace(&c->password, xstrndup(colon + 1, (size_t)(at - colon - 1)));
		} else
			replace(&c->username, xstrndup(hostp, (size_t)(at - hostp)));
		hostp = at + 1;
	}
	host = xstrndup(hostp, (size_t)(end - hostp));
	if (host[0] == '[') {
		char *rb = strchr(host, ']');
		if (!rb || (rb[1] != '\0' && rb[1] != ':')) {
			p_error_at(p, t, "URL '%s' has a bad IPv6 address (expected [address])", s);
			free(host);
			return false;
		}
		if (rb[1] == ':') {
			char *pe;
			long port = strtol(rb + 2, &pe, 10);
			if (*pe || port < 1 || port > 65535) {
				p_error_at(p, t, "URL '%s' has a bad port (expected 1..65535)", s);
				free(host);
				return false;
			}
			c->port = (int)port;
		}
		/* the address without its brackets, as getaddrinfo wants it */
		*rb = '\0';
		memmove(host, host + 1, strlen(host));
	} else if ((colon = strrchr(host, ':'))) {
		char *pe;
		long port = strtol(colon + 1, &pe, 10);
		if (*pe || port < 1 || port > 65535) {
			p_error_at(p, t, "URL '%s' has a bad port (expected 1..65535)", s);
			free(host);
			return false;
		}
		c->port = (int)port;
		host[colon - host] = '\0';
	}
	if (!host[0]) {
		p_error_at(p, t, "URL '%s' has no host", s);
		free(host);
		return false;
	}
	replace(&c->host, host);
	replace(&c->request, xstrdup(*end ? end : "/"));
	return true;
}

static bool
add_header(struct parser *p, struct token *at, struct connection *c, char *h,
    size_t *n, int *count)
{
	char *colon;
	size_t namelen;

	while (*n > 0 && h[*n - 1] == ' ')
		h[--*n] = '\0';
	if (*n == 0)
		return true;
	colon = strchr(h, ':');
	namelen = colon ? (size_t)(colon - h) : 0;
	if (colon == NULL || namelen == 0 ||
	    strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
	    namelen || strpbrk(h, "\r\n") != NULL) {
		p_error_at(p, at, "bad HTTP header '%s' (expected Name: value)", h);
		return false;
	}
	if (++*count > 32) {
		p_error_at(p, at, "more than 32 HTTP headers");
		return false;
	}
	add_option(c, "header", h);
	*n = 0;
	h[0] = '\0';
	return true;
}

/* 5.3x: "http headers [Name: value, "Name: value", ...]".  The lexer drops
 * commas, so a word ending in ':' starts the next header and a quoted
 * string is one whole header. */
static bool
parse_http_headers(struct parser *p, struct connection *c)
{
	char h[1024];
	size_t n = 0;
	int count = 0;
	struct token *tk = p_peek(p), *first = tk;

	h[0] = '\0';
	if (tk->kind != TK_WORD || tk->text[0] != '[') {
		p_unexpected(p, "'[' after 'http headers'");
		return false;
	}
	for (;;) {
		const char *text;
		size_t l;
		bool last = false;

		tk = p_peek(p);
		if (tk->kind != TK_WORD && tk->kind != TK_STRING) {
			p_error_at(p, first, "'http headers [' without its ']'");
			return false;
		}
		text = tk->text;
		if (tk == first)
			text++;
		l = strlen(text);
		if (tk->kind == TK_WORD && l > 0 && text[l - 1] == ']') {
			last = true;
			l--;
		}
		if (tk->kind == TK_STRING || (l > 0 && text[l - 1] == ':')) {
			if (!add_header(p, tk, c, h, &n, &count))
				return false;
		} else if (n > 0 && l > 0 && n < sizeof(h) - 1) {
			h[n++] = ' ';
		}
		if (n + l >= sizeof(h)) {
			p_error_at(p, tk, "HTTP header longer than %zu bytes", sizeof(h) - 1);
			return false;
		}
		memcpy(h + n, text, l);
		n += l;
		h[n] = '\0';
		if (tk->kind == TK_STRING && !add_header(p, tk, c, h, &n, &count))
			return false;
		p_next(p);
		if (last)
			return add_header(p, tk, c, h, &n, &count);
	}
}

bool
parse_connection(struct parser *p, struct test *t)
{
	struct connection *c = xcalloc(1, sizeof(*c));
	struct sendexpect **se_tail = &c->sendexpect;
	struct token *tk;
	char buf[96];
	int64_t v;
	int i;

	t->kind = TEST_CONNECTION;
	t->conn = c;
	c->timeout_s = 5;
	c->type = CONN_TCP;
	for (;;) {
		if (at_end_of_conn(p))
			break;
		tk = p_peek(p);
		if (p_accept(p, "host") || p_accept(p, "address")) {
			struct token *h = p_peek(p);
			if (tok_is(h, "port") || tok_is(h, "type") || tok_is(h, "protocol") ||
			    tok_is(h, "then") || tok_is(h, "unixsocket")) {
				p_error_at(p, h, "missing host name or address after 'host' (found '%s')",
				    h->text);
				return false;
			}
			free(c->host);
			if (!(c->host = p_value(p, "a host name or address after 'host'")))
				return false;
		} else if (p_accept(p, "port") || p_accept(p, "portnumber")) {
			if (!p_number(p, "a port number", 1, 65535, &v))
				return false;
			c->port = (int)v;
		} else if (p_accept(p, "unixsocket") || p_accept(p, "unix")) {
			tk = p_peek(p);
			free(c->unix_path);
			if (!(c->unix_path = p_value(p, "a socket path after 'unixsocket'")))
				return false;
			if (c->unix_path[0] != '/') {
				p_error_at(p, tk, "unix socket '%s' must be an absolute path", c->unix_path);
				return false;
			}
			if (strlen(c->unix_path) >= 108) {
				p_error_at(p, tk, "unix socket path too long (%zu bytes, limit 107)",
				    strlen(c->unix_path));
				return false;
			}
		} else if (p_accept(p, "url")) {
			if (!parse_url_value(p, c))
				return false;
		} else if (p_accept(p, "ipv4")) {
			c->ipversion = 4;
		} else if (p_accept(p, "ipv6")) {
			c->ipversion = 6;
		} else if (p_accept(p, "type")) {
			if (p_accept(p, "tcp"))
				c->type = CONN_TCP;
			else if (p_accept(p, "udp"))
				c->type = CONN_UDP;
			else if (p_accept(p, "tcpssl")) {
				c->type = CONN_TCPSSL;
				c->ssl = true;
			} else {
				tk = p_peek(p);
				p_error_at(p, tk, "unknown connection type %s (expected tcp, udp or tcpssl)",
				    tok_describe(tk, buf, sizeof(buf)));
				return false;
			}
		} else if (p_accept(p, "tcp")) {
			c->type = CONN_TCP;
		} else if (p_accept(p, "udp")) {
			c->type = CONN_UDP;
		} else if (p_accept(p, "tcpssl")) {
			c->type = CONN_TCPSSL;
			c->ssl = true;
		} else if (tok_is(tk, "ssl") || tok_is(tk, "tls") || tok_is(tk, "sslauto") ||
		    tok_is(tk, "sslv2") || tok_is(tk, "sslv3") || tok_is(tk, "tlsv1") ||
		    tok_is(tk, "tlsv11") || tok_is(tk, "tlsv12") || tok_is(tk, "tlsv13")) {
			if (tok_is(tk, "sslv2") || tok_is(tk, "sslv3")) {
				p_error_at(p, tk, "%s is not supported: it is broken (use tls, tlsv12 "
				    "or tlsv13)", tk->text);
				return false;
			}
			c->ssl = true;
			p_next(p);
			if (p_is(p, "options"))
				p_next(p);
			if (p_peek(p)->kind == TK_LBRACE) {
				/* 5.3x: "ssl options { verify: enable }" */
				struct config_option *o, **tail = &c->options;

				while (*tail)
					tail = &(*tail)->next;
				if (!parse_option_block(p, tail, "ssl options"))
					return false;
				/* kept apart from protocol options: "ssl.NAME" */
				for (o = *tail; o; o = o->next) {
					char *n = xmalloc(strlen(o->name) + 5);
					sprintf(n, "ssl.%s", o->name);
					free(o->name);
					o->name = n;
				}
			} else if (!tok_is(tk, "ssl") && !tok_is(tk, "tls")) {
				free(c->ssl_version);
				c->ssl_version = xstrdup(tk->text);
			}
		} else if (p_accept(p, "certmd5")) {
			replace(&c->certmd5, p_value(p, "a certificate md5 sum after 'certmd5'"));
			if (!c->certmd5)
				return false;
		} else if (p_accept(p, "proto") || p_accept(p, "protocol")) {
			tk = p_peek(p);
			for (i = 0; config_protocols[i]; i++)
				if (tok_is(tk, config_protocols[i]) ||
				    (tk->kind == TK_STRING && strcasecmp(tk->text, config_protocols[i]) == 0))
					break;
			if (!config_protocols[i]) {
				p_error_at(p, tk, "unknown protocol %s (expected one of http, https, smtp, "
				    "smtps, ftp, imap, imaps, pop, pops, ssh, mysql, pgsql, redis, "
				    "memcache, dns, ntp3, ldap2, ldap3, sip, radius, rsync, clamav, "
				    "nntp, tns, websocket, mongodb, mqtt, lmtp, sieve, spamassassin, "
				    "apache-status, postfix-policy, fail2ban, dwp, gps, rdate, generic, "
				    "default)", tok_describe(tk, buf, sizeof(buf)));
				return false;
			}
			free(c->protocol);
			c->protocol = xstrdup(config_protocols[i]);
			if (!strcmp(c->protocol, "https") || !strcmp(c->protocol, "smtps") ||
			    !strcmp(c->protocol, "imaps") || !strcmp(c->protocol, "pops"))
				c->ssl = true;
			p_next(p);
		} else if (p_accept(p, "or")) {
			/* apache-status: "loglimit > 10% or dnslimit > 50%" */
		} else if (p_accept(p, "method")) {
			/* 5.3x: "method GET|HEAD|..." (HTTP) */
			char *m;
			tk = p_peek(p);
			if (!(m = p_value(p, "an HTTP method after 'method'")))
				return false;
			if (!m[0] || strlen(m) > 16 || strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
			    strlen(m)) {
				p_error_at(p, tk, "bad HTTP method '%s' (expected an upper-case word "
				    "such as GET or HEAD)", m);
				free(m);
				return false;
			}
			add_option(c, "method", m);
			free(m);
		} else if (tok_is(tk, "http") && tok_is(p_peek_n(p, 1), "headers")) {
			p_next(p);
			p_next(p);
			if (!parse_http_headers(p, c))
				return false;
		} else if (p_accept(p, "request")) {
			replace(&c->request, p_value(p, "a request path after 'request'"));
			if (!c->request)
				return false;
		} else if (tok_is(tk, "http") && tok_is(p_peek_n(p, 1), "headers")) {
			p_next(p);
			p_next(p);
			if (!parse_http_headers(p, c))
				return false;
		} else if (p_accept(p, "hostheader")) {
			replace(&c->hostheader, p_value(p, "a host name after 'hostheader'"));
			if (!c->hostheader)
				return false;
		} else if (p_accept(p, "status")) {
			c->status_op = parse_op(p);
			if (!p_number(p, "an HTTP status code", 100, 599, &v))
				return false;
			c->status = (int)v;
		} else if (p_accept(p, "checksum")) {
			tk = p_peek(p);
			replace(&c->checksum, p_value(p, "a checksum after 'checksum'"));
			if (!c->checksum)
				return false;
		} else if (p_accept(p, "content")) {
			enum cmp_op op = parse_op(p);
			c->content_not = (op == OP_NE);
			replace(&c->content_regex, p_value(p, "a quoted regular expression after 'content'"));
			if (!c->content_regex)
				return false;
		} else if (p_is(p, "send") || p_is(p, "expect")) {
			struct sendexpect *se = xcalloc(1, sizeof(*se));
			se->is_send = p_is(p, "send");
			p_next(p);
			*se_tail = se;
			se_tail = &se->next;
			tk = p_peek(p);
			if (tk->kind != TK_STRING && tk->kind != TK_WORD) {
				p_unexpected(p, se->is_send ? "a quoted string after 'send'" :
				    "a quoted string after 'expect'");
				return false;
			}
			se->data = decode_escapes(tk->text, &se->len, !se->is_send);
			p_next(p);
		} else if (p_accept(p, "timeout")) {
			if (!conn_timeout(p, &c->timeout_s, "connection timeout"))
				return false;
		} else if (p_accept(p, "certificate")) {
			/* 5.3x: "certificate valid > N days" */
			enum cmp_op op;
			int64_t secs;
			char val[64];

			if (!p_expect(p, "valid", "'valid' after 'certificate'"))
				return false;
			op = parse_op(p);
			if (!parse_duration(p, "certificate validity", &secs, false))
				return false;
			c->ssl = true;
			snprintf(val, sizeof(val), "%s %lld seconds", cmp_op_name(op), (long long)secs);
			add_option(c, "certificate valid", val);
		} else if (p_accept(p, "retry")) {
			if (!p_number(p, "a retry count", 0, 100, &v))
				return false;
			c->retry = (int)v;
		} else if (p_accept(p, "username")) {
			free(c->username);
			if (!(c->username = p_value(p, "a user name after 'username'")))
				return false;
		} else if (p_accept(p, "password")) {
			free(c->password);
			if (!(c->password = p_value(p, "a password after 'password'")))
				return false;
		} else if (tok_is(tk, "target") || tok_is(tk, "maxforward") || tok_is(tk, "secret") ||
		    tok_is(tk, "database") || tok_is(tk, "version") || tok_is(tk, "origin") ||
		    tok_is(tk, "path") || tok_is(tk, "loglimit") || tok_is(tk, "closelimit") ||
		    tok_is(tk, "dnslimit") || tok_is(tk, "keepalivelimit") ||
		    tok_is(tk, "replylimit") || tok_is(tk, "requestlimit") ||
		    tok_is(tk, "startlimit") || tok_is(tk, "waitlimit") ||
		    tok_is(tk, "gracefullimit") || tok_is(tk, "cleanuplimit") ||
		    tok_is(tk, "data")) {
			char name[32], *val;
			snprintf(name, sizeof(name), "%s", tk->text);
			for (i = 0; name[i]; i++)
				name[i] = (char)tolower((unsigned char)name[i]);
			p_next(p);
			if (strstr(name, "limit")) {
				/* apache-status: loglimit > 10% */
				enum cmp_op op = parse_op(p);
				char *lim = p_value(p, "a percentage");
				if (!lim)
					return false;
				val = xmalloc(strlen(lim) + 4);
				sprintf(val, "%s %s", cmp_op_name(op), lim);
				free(lim);
			} else if (!(val = p_value(p, "a value")))
				return false;
			if (!strcmp(name, "maxforward")) {
				char *e;
				long mf = strtol(val, &e, 10);
				if (*e || mf < 0 || mf > 255) {
					p_error_at(p, tk, "maxforward out of range: %s (expected 0..255)", val);
					free(val);
					return false;
				}
			}
			add_option(c, name, val);
			free(val);
		} else {
			if (tk->bol && p_at_service_stmt(p)) {
				p_unexpected(p, "'then' and an action");
				return false;
			}
			p_error_at(p, tk, "unexpected %s in connection test (expected host, port, "
			    "unixsocket, type, protocol, request, send, expect, timeout, retry or 'then')",
			    tok_describe(tk, buf, sizeof(buf)));
			return false;
		}
	}
	if (!c->port && !c->unix_path && !c->url) {
		p_error_at(p, &p->toks.v[p->i], "connection test needs a port, a unixsocket or a url");
		return false;
	}
	if (c->unix_path && (c->port || c->host)) {
		p_error_at(p, &p->toks.v[p->i], "a unixsocket test cannot also have a host or port");
		return false;
	}
	return true;
}

bool
parse_icmp(struct parser *p, struct test *t)
{
	struct token *tk;
	int64_t v;

	t->kind = TEST_ICMP;
	t->icmp_count = 3;
	t->icmp_timeout_s = 5;
	if (p_accept(p, "icmp")) {
		if (p_accept(p, "type")) {
			tk = p_peek(p);
			if (!p_accept(p, "echo")) {
				p_unexpected(p, "'echo' after 'icmp type'");
				return false;
			}
		}
	} else if (!p_accept(p, "ping") && !p_accept(p, "ping4") && !p_accept(p, "ping6")) {
		p_unexpected(p, "'icmp'");
		return false;
	}
	for (;;) {
		tk = p_peek(p);
		if (p_accept(p, "count")) {
			tk = p_peek(p);
			if (!p_number(p, "a ping count", 0, 1000000, &v))
				return false;
			if (v < 1 || v > 20) {
				p_error_at(p, tk, "ping count out of range: %lld (expected 1..20)",
				    (long long)v);
				return false;
			}
			t->icmp_count = (int)v;
		} else if (p_accept(p, "timeout")) {
			if (!conn_timeout(p, &t->icmp_timeout_s, "icmp timeout"))
				return false;
		} else if (p_accept(p, "size")) {
			if (!p_number(p, "a ping size", 8, 1492, &v))
				return false;
		} else
			return true;
	}
}
