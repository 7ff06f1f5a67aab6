/* "set httpd": the web interface's address, TLS, and who may use it
 * (hosts and networks, user:password, @groups with roles and service
 * scopes, htpasswd files, the PAM service). */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/msg.h"
#include "common/util.h"
#include "monitor/config/parse_int.h"

static bool
looks_like_ipv6(const char *s)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct in6_addr a;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

static bool
parse_role(struct parser *p, struct httpd_allow *a)
{
	if (p_accept(p, "read-only") || p_accept(p, "readonly"))
		a->role = ROLE_READONLY;
	else if (p_accept(p, "readwrite") || p_accept(p, "read-write"))
		a->role = ROLE_READWRITE;
	else if (a->kind == ALLOW_GROUP && p_accept(p, "restart"))
		a->role = ROLE_RESTART;
	else
		return false;
	return true;
}

static bool
parse_allow(struct parser *p)
{
	struct httpd_allow *a, **tail;
	struct token *t = p_peek(p);
	char buf[96];

	if (t->kind != TK_WORD && t->kind != TK_STRING) {
		p_unexpected(p, "a host, network, user:password, @group or htpasswd file after 'allow'");
		return false;
	}
	a = xcalloc(1, sizeof(*a));
	a->pos = t->pos;
	a->role = ROLE_READWRITE;
	for (tail = p->allow_tail ? p->allow_tail : &p->cf->httpd.allow; *tail;
	    tail = &(*tail)->next)
		;
	*tail = a;
	p->allow_tail = &a->next;
	if (tok_is(t, "md5") || tok_is(t, "crypt") || tok_is(t, "cleartext") ||
	    (t->text[0] == '/' && !strchr(t->text, ':'))) {
		/* htpasswd file */
		a->kind = ALLOW_HTPASSWD;
		a->secret_type = SECRET_CLEARTEXT;
		if (tok_is(t, "md5") || tok_is(t, "crypt") || tok_is(t, "cleartext")) {
			a->secret_type = tok_is(t, "md5") ? SECRET_MD5 :
			    tok_is(t, "crypt") ? SECRET_CRYPT : SECRET_CLEARTEXT;
			p_next(p);
			t = p_peek(p);
		}
		if ((t->kind != TK_WORD && t->kind != TK_STRING) || t->text[0] != '/') {
			p_unexpected(p, "an absolute htpasswd file path");
			return false;
		}
		a->name = xstrdup(t->text);
		p_next(p);
		/* optional list of users on the same line */
		while ((t = p_peek(p))->kind == TK_WORD || t->kind == TK_STRING) {
			if (t->bol || tok_is(t, "read-only") || tok_is(t, "readonly") ||
			    tok_is(t, "readwrite") || tok_is(t, "read-write") || tok_is(t, "allow"))
				break;
			a->users = xreallocarray(a->users, a->nusers + 2, sizeof(*a->users));
			a->users[a->nusers++] = xstrdup(t->text);
			a->users[a->nusers] = NULL;
			p_next(p);
		}
		parse_role(p, a);
		return true;
	}
	if (t->text[0] == '@' && t->kind == TK_WORD) {
		a->kind = ALLOW_GROUP;
		if (!t->text[1]) {
			p_error_at(p, t, "'@' must be followed by a group name");
			return false;
		}
		a->name = xstrdup(t->text + 1);
		p_next(p);
		for (;;) {
			if (parse_role(p, a))
				continue;
			if (p_accept(p, "service") || p_accept(p, "services")) {
				while (a->nscope > 0)
					free(a->scope[--a->nscope]);
				free(a->scope);
				a->scope = parse_name_list(p, &a->nscope, "service names after 'service'");
				if (!a->scope)
					return false;
				continue;
			}
			break;
		}
		return true;
	}
	if (strchr(t->text, ':') && t->kind == TK_WORD && !looks_like_ipv6(t->text)) {
		const char *colon = strchr(t->text, ':');

		a->kind = ALLOW_USER;
		a->secret_type = SECRET_CLEARTEXT;
		a->name = xstrndup(t->text, (size_t)(colon - t->text));
		if (!a->name[0]) {
			p_error_at(p, t, "empty user name in 'allow user:password'");
			return false;
		}
		p_next(p);
		if (colon[1])
			a->secret = xstrdup(colon + 1);
		else if (p_peek(p)->kind == TK_STRING)
			a->secret = xstrdup(p_next(p)->text);
		else {
			p_error_at(p, t, "missing password in 'allow %s:' (expected user:password)",
			    a->name);
			return false;
		}
		parse_role(p, a);
		return true;
	}
	if (t->kind == TK_STRING && p_peek_n(p, 1)->kind == TK_STRING) {
		/* allow "user":"password" is not Monit's syntax */
		p_error_at(p, t, "unexpected %s (expected user:password)",
		    tok_describe(t, buf, sizeof(buf)));
		return false;
	}
	a->kind = ALLOW_HOST;
	a->name = xstrdup(t->text);
	p_next(p);
	return true;
}

/* A word that can start an httpd option (for error recovery inside the
 * "set httpd" block, which spans many lines). */
bool
httpd_option_start(const struct token *t)
{
	static const char *const words[] = {
		"port", "address", "unixsocket", "ssl", "https", "pemfile", "clientpemfile",
		"allowselfcertification", "signature", "allow", "pam",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (tok_is(t, words[i]))
			return true;
	return false;
}

bool
parse_httpd(struct parser *p)
{
	struct httpd *h = &p->cf->httpd;
	int64_t v;

	if (!h->enabled)
		h->pos = p_peek(p)->pos;
	h->enabled = true;
	p->in_httpd = true;
	for (;;) {
		struct token *t = p_peek(p);

		if (p_accept(p, "port")) {
			if (!p_number(p, "a port number after 'port'", 1, 65535, &v))
				return false;
			h->port = (int)v;
		} else if (p_accept(p, "address")) {
			if (!parse_path(p, &h->address, "an address after 'address'"))
				return false;
		} else if (p_accept(p, "unixsocket")) {
			if (!parse_abs_path(p, &h->unixsocket, "unixsocket"))
				return false;
		} else if (p_is(p, "ssl") || p_is(p, "https")) {
			p_next(p);
			if (p_accept(p, "enable") || p_accept(p, "enabled"))
				h->ssl = true;
			else if (p_accept(p, "disable") || p_accept(p, "disabled"))
				h->ssl = false;
			else if (p_peek(p)->kind == TK_LBRACE) {
				/* 5.3x: ssl { pemfile: X, ... } */
				h->ssl = true;
				p_next(p);
				while ((t = p_peek(p))->kind != TK_RBRACE) {
					if (t->kind == TK_EOF) {
						p_unexpected(p, "'}'");
						return false;
					}
					if (tok_is(t, "pemfile:") || tok_is(t, "pemfile")) {
						p_next(p);
						if (!parse_path(p, &h->pemfile, "a pem file"))
							return false;
					} else
						p_next(p);
				}
				p_next(p);
			} else
				h->ssl = true;
		} else if (p_accept(p, "pemfile")) {
			if (!parse_abs_path(p, &h->pemfile, "pemfile"))
				return false;
		} else if (p_accept(p, "clientpemfile")) {
			if (!parse_abs_path(p, &h->clientpemfile, "clientpemfile"))
				return false;
		} else if (p_accept(p, "allowselfcertification")) {
			h->allowselfcert = true;
		} else if (p_accept(p, "signature")) {
			if (p_accept(p, "enable") || p_accept(p, "enabled"))
				h->signature = true;
			else if (p_accept(p, "disable") || p_accept(p, "disabled"))
				h->signature = false;
			else {
				p_unexpected(p, "'enable' or 'disable' after 'signature'");
				return false;
			}
		} else if (p_accept(p, "allow")) {
			if (!parse_allow(p))
				return false;
		} else if (p_accept(p, "pam")) {
			p_accept(p, "service");
			if (!parse_path(p, &h->pam_service, "a PAM service name after 'pam service'"))
				return false;
		} else if (tok_is(t, "read-only") || tok_is(t, "readonly")) {
			p_error_at(p, t, "'%s' must follow an 'allow' user or group", t->text);
			p_next(p);
			return false;
		} else
			return true;
	}
}
