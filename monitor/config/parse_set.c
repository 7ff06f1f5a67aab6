/* Global statements: everything that starts with "set". */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "common/msg.h"
#include "common/util.h"
#include "monitor/config/config_ssl.h"
#include "monitor/config/parse_int.h"

static void
set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

/* A path value: quoted or unquoted. */
bool
parse_path(struct parser *p, char **dst, const char *what)
{
	char *v = p_value(p, what);

	if (!v)
		return false;
	set_str(dst, v);
	return true;
}

/* set mmonit URL [with timeout N seconds] [URL ...] [and register without
 * credentials]: the collectors in failover order. */
static bool
parse_mmonit(struct parser *p)
{
	struct mmonit_url **tail = &p->cf->mmonits;
	int64_t v;

	while (*tail)
		tail = &(*tail)->next;
	do {
		struct token *t = p_peek(p);
		struct mmonit_url *u;
		char why[160];
		char *url = p_value(p, "an M/Monit URL (http://user:password@host:port/collector)");

		if (url == NULL)
			return false;
		u = xcalloc(1, sizeof(*u));
		if (!mmonit_url_parse(url, u, why, sizeof(why))) {
			p_error_at(p, t, "set mmonit: %s in '%s'", why, url);
			free(url);
			mmonit_url_free(u);
			return false;
		}
		free(url);
		u->pos = t->pos;
		*tail = u;
		tail = &u->next;
		for (;;) {
			if (p_accept(p, "timeout")) {
				if (!parse_duration(p, "mmonit timeout", &v, false))
					return false;
				if (v < 1 || v > 3600) {
					p_error_at(p, t, "set mmonit: timeout must be 1 to 3600 "
					    "seconds");
					return false;
				}
				u->timeout_s = (int)v;
			} else if (p_accept(p, "register")) {
				p_accept(p, "without");
				if (!p_expect(p, "credentials", "'without credentials' after "
				    "'register'"))
					return false;
				p->cf->mmonit_no_credentials = true;
			} else {
				break;
			}
		}
	} while ((p_peek(p)->kind == TK_WORD ||
	    p_peek(p)->kind == TK_STRING) && (strncasecmp(p_peek(p)->text, "http://", 7) == 0 ||
	    strncasecmp(p_peek(p)->text, "https://", 8) == 0));
	return true;
}

static bool
parse_daemon(struct parser *p)
{
	int64_t v;

	if (!p_number(p, "a poll interval in seconds after 'set daemon'", 1, 86400 * 365, &v))
		return false;
	p->cf->poll_s = (int)v;
	for (;;) {
		if (p_accept(p, "start")) {
			if (!p_expect(p, "delay", "'delay' after 'start'"))
				return false;
			if (!parse_duration(p, "start delay", &v, false))
				return false;
			p->cf->start_delay_s = (int)v;
		} else if (p_is(p, "seconds") || p_is(p, "second")) {
			p_next(p);
		} else
			return true;
	}
}

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "log_user", LOG_USER }, { "log_daemon", LOG_DAEMON }, { "log_auth", LOG_AUTH },
	{ "log_authpriv", LOG_AUTHPRIV }, { "log_local0", LOG_LOCAL0 }, { "log_local1", LOG_LOCAL1 },
	{ "log_local2", LOG_LOCAL2 }, { "log_local3", LOG_LOCAL3 }, { "log_local4", LOG_LOCAL4 },
	{ "log_local5", LOG_LOCAL5 }, { "log_local6", LOG_LOCAL6 }, { "log_local7", LOG_LOCAL7 },
};

static bool
parse_facility(struct parser *p)
{
	struct token *t = p_peek(p);
	char buf[96];
	size_t i;

	if (t->kind == TK_WORD || t->kind == TK_STRING) {
		for (i = 0; i < ARRAY_SIZE(facilities); i++) {
			if (strcasecmp(t->text, facilities[i].name) == 0 ||
			    strcasecmp(t->text, facilities[i].name + 4) == 0) {
				p->cf->syslog_facility = LOG_FAC(facilities[i].value);
				p_next(p);
				return true;
			}
		}
	}
	p_error_at(p, t, "unknown syslog facility %s (expected log_user, log_daemon, "
	    "log_auth, log_authpriv or log_local0..log_local7)",
	    tok_describe(t, buf, sizeof(buf)));
	return false;
}

static bool
parse_logfile(struct parser *p)
{
	struct token *t = p_peek(p);

	if (tok_is(t, "syslog")) {
		p_next(p);
		p->cf->log_syslog = true;
		p->cf->log_chained = false;
		set_str(&p->cf->logfile, NULL);
		if (p_accept(p, "facility") && !parse_facility(p))
			return false;
		if (tok_is(p_peek(p), "chained")) {
			p_error_at(p, p_peek(p), "'chained' applies to a log file: syslog "
			    "lines are not hash-chained (write 'set logfile PATH chained')");
			return false;
		}
		return true;
	}
	if (!parse_path(p, &p->cf->logfile, "a log file path or 'syslog'"))
		return false;
	if (p->cf->logfile[0] != '/') {
		p_error_at(p, t, "log file '%s' must be an absolute path", p->cf->logfile);
		return false;
	}
	p->cf->log_syslog = false;
	/* vigil's own word (Monit has no option here): each line carries a
	 * hash-chain value, checked by `vigil log verify` (common/logchain.h) */
	p->cf->log_chained = p_accept(p, "chained");
	return true;
}

bool
parse_abs_path(struct parser *p, char **dst, const char *what)
{
	struct token *t = p_peek(p);
	char exp[96];

	snprintf(exp, sizeof(exp), "a path after '%s'", what);
	if (!parse_path(p, dst, exp))
		return false;
	if ((*dst)[0] != '/') {
		p_error_at(p, t, "%s '%s' must be an absolute path", what, *dst);
		return false;
	}
	return true;
}

/* ---- mail ---- */

static const char *const ssl_versions[] = {
	"ssl", "tls", "sslauto", "auto", "sslv2", "sslv3", "tlsv1", "tlsv11", "tlsv12",
	"tlsv13", "tlsv1.1", "tlsv1.2", "tlsv1.3", NULL,
};

static bool
is_ssl_version(const struct token *t)
{
	int i;

	for (i = 0; ssl_versions[i]; i++)
		if (tok_is(t, ssl_versions[i]))
			return true;
	return false;
}

static bool
mail_keyword(const struct token *t)
{
	static const char *const kws[] = {
		"port", "username", "password", "using", "timeout", "hostname", "certmd5",
		"set", "check", "ssl", "tls", NULL,
	};
	int i;

	if (t->kind != TK_WORD)
		return false;
	for (i = 0; kws[i]; i++)
		if (tok_is(t, kws[i]))
			return true;
	return is_ssl_version(t);
}

static bool
parse_mailserver(struct parser *p)
{
	struct mailserver **tail = &p->cf->mailservers;
	struct mailserver *m;
	int64_t v;

	while (*tail)
		tail = &(*tail)->next;
	for (;;) {
		struct token *t = p_peek(p);

		if ((t->kind != TK_WORD && t->kind != TK_STRING) || mail_keyword(t))
			break;
		m = xcalloc(1, sizeof(*m));
		m->host = xstrdup(t->text);
		m->pos = t->pos;
		m->port = 0;	/* 25, or 465 with ssl (below) */
		*tail = m;
		tail = &m->next;
		p_next(p);
		for (;;) {
			if (p_accept(p, "port")) {
				if (!p_number(p, "a port number", 1, 65535, &v))
					return false;
				m->port = (int)v;
			} else if (p_accept(p, "username")) {
				if (!parse_path(p, &m->username, "a user name after 'username'"))
					return false;
			} else if (p_accept(p, "password")) {
				if (!parse_path(p, &m->password, "a password after 'password'"))
					return false;
			} else if (is_ssl_version(p_peek(p))) {
				struct token *sv = p_peek(p);
				if (tok_is(sv, "sslv2") || tok_is(sv, "sslv3")) {
					p_error_at(p, sv, "%s is not supported: it is broken (use tls, "
					    "tlsv12 or tlsv13)", sv->text);
					return false;
				}
				m->ssl = true;
				set_str(&m->ssl_version, xstrdup(p_next(p)->text));
			} else if (p_accept(p, "certmd5")) {
				struct token *ct = p_peek(p);
				char *sum = p_value(p, "a certificate md5 sum");
				if (!sum)
					return false;
				free(sum);
				p_warn_at(p, ct, "certmd5 of a mail server is not checked: "
				    "use 'set ssl { verify: enable }' to verify its certificate");
			} else
				break;
		}
		if (m->port == 0)
			m->port = m->ssl ? 465 : 25;	/* Monit's defaults */
	}
	if (!p->cf->mailservers) {
		p_unexpected(p, "a mail server host name after 'set mailserver'");
		return false;
	}
	for (;;) {
		if (p_accept(p, "timeout")) {
			if (!parse_duration(p, "mail server timeout", &v, false))
				return false;
			if (v < 1 || v > 3600) {
				p_error_at(p, p_peek(p), "mail server timeout out of range: %lld "
				    "(expected 1..3600 seconds)", (long long)v);
				return false;
			}
			p->cf->mail_timeout_s = (int)v;
		} else if (p_accept(p, "hostname")) {
			if (!parse_path(p, &p->cf->mail_hostname, "a host name after 'hostname'"))
				return false;
		} else
			return true;
	}
}

static const char *const event_names[] = {
	"action", "checksum", "connection", "content", "data", "exec", "fsflags", "gid",
	"icmp", "instance", "invalid", "link", "nonexist", "permission", "pid", "ppid",
	"resource", "saturation", "size", "speed", "status", "timeout", "timestamp", "uid",
	"uptime", "exist", "bytein", "byteout", "packetin", "packetout", "heartbeat",
	"access",	/* vigil: logins and actions (monitor/alert/) */
};

const char *
event_name(unsigned i)
{
	return i < ARRAY_SIZE(event_names) ? event_names[i] : NULL;
}

uint32_t
event_bit(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++)
		if (strcasecmp(name, event_names[i]) == 0)
			return 1u << i;
	return 0;
}


bool
parse_alert_recipient(struct parser *p, struct alert_recipient **list, bool noalert)
{
	struct alert_recipient *a, **tail;
	struct token *t = p_peek(p);
	bool need_close = false;
	char buf[96];
	int64_t v;

	if (t->kind == TK_OP && strcmp(t->text, "<") == 0) {
		/* Monit's <user@host>: the lexer keeps a '>' inside an address
		 * ("user@host>"), or gives it apart after a plain word */
		p_next(p);
		t = p_peek(p);
		if (t->kind != TK_WORD) {
			p_unexpected(p, "an e-mail address after '<'");
			return false;
		}
		if (t->len > 1 && t->text[t->len - 1] == '>')
			t->text[--t->len] = '\0';
		else
			need_close = true;
	}
	if (t->kind != TK_WORD && t->kind != TK_STRING) {
		p_unexpected(p, "an e-mail address");
		return false;
	}
	a = xcalloc(1, sizeof(*a));
	a->address = xstrdup(t->text);
	a->pos = t->pos;
	a->no_alert = noalert;
	for (tail = list; *tail; tail = &(*tail)->next)
		;
	*tail = a;
	if (!strchr(a->address, '@'))
		p_warn_at(p, t, "alert address '%s' has no '@'", a->address);
	p_next(p);
	if (need_close) {
		t = p_peek(p);
		if (t->kind != TK_OP || strcmp(t->text, ">") != 0) {
			p_unexpected(p, "'>' after the e-mail address");
			return false;
		}
		p_next(p);
	}
	for (;;) {
		bool not = false;

		if (p_is(p, "not") && p_peek_n(p, 1)->kind == TK_LBRACE) {
			p_next(p);
			not = true;
		}
		if (p_peek(p)->kind == TK_LBRACE) {
			p_next(p);
			a->events_not = not;
			for (;;) {
				t = p_peek(p);
				if (t->kind == TK_RBRACE) {
					p_next(p);
					break;
				}
				if (t->kind != TK_WORD || !event_bit(t->text)) {
					p_error_at(p, t, "unknown event %s in alert filter (expected one of "
					    "action, checksum, connection, content, data, exec, fsflags, gid, "
					    "icmp, instance, invalid, link, nonexist, permission, pid, ppid, "
					    "resource, size, status, timeout, timestamp, uid, uptime, "
					    "access)",
					    tok_describe(t, buf, sizeof(buf)));
					return false;
				}
				a->events |= event_bit(t->text);
				p_next(p);
			}
		} else if (p_accept(p, "mail-format")) {
			t = p_peek(p);
			if (t->kind != TK_BLOCK) {
				p_unexpected(p, "'{' after mail-format");
				return false;
			}
			set_str(&a->mail_format, xstrdup(t->text));
			p_next(p);
		} else if (p_accept(p, "reminder")) {
			if (!p_number(p, "a number of cycles after 'reminder'", 0, 1000000, &v))
				return false;
			a->reminder = (int)v;
			if (!p_accept(p, "cycles"))
				p_accept(p, "cycle");
		} else
			return true;
	}
}

/* set group NAME users a,b */
static bool
parse_user_group(struct parser *p)
{
	struct user_group *g, **tail;
	struct token *t = p_peek(p);

	if (t->kind != TK_WORD && t->kind != TK_STRING) {
		p_unexpected(p, "a group name after 'set group'");
		return false;
	}
	if (t->text[0] == '\0') {
		p_error_at(p, t, "empty group name after 'set group'");
		return false;
	}
	g = xcalloc(1, sizeof(*g));
	g->name = xstrdup(t->text);
	g->pos = t->pos;
	for (tail = &p->cf->user_groups; *tail; tail = &(*tail)->next)
		;
	*tail = g;
	p_next(p);
	if (!p_accept(p, "users") && !p_accept(p, "user")) {
		p_unexpected(p, "'users' and a list of user names");
		return false;
	}
	g->users = parse_name_list(p, &g->nusers, "user names after 'users'");
	return g->users != NULL;
}

/* set control socket PATH [allow NAME|@GROUP [read-only]]... */
static bool
parse_control(struct parser *p)
{
	struct control_allow **tail = &p->cf->control_allow;

	if (!p_expect(p, "socket", "'socket' after 'set control'"))
		return false;
	if (!parse_abs_path(p, &p->cf->control_socket, "control socket"))
		return false;
	while (*tail)
		tail = &(*tail)->next;
	while (p_accept(p, "allow")) {
		struct token *t = p_peek(p);
		struct control_allow *c;

		if (t->kind != TK_WORD && t->kind != TK_STRING) {
			p_unexpected(p, "a user or @group after 'allow'");
			return false;
		}
		c = xcalloc(1, sizeof(*c));
		c->is_group = t->text[0] == '@';
		c->name = xstrdup(t->text + (c->is_group ? 1 : 0));
		*tail = c;
		tail = &c->next;
		p_next(p);
		if (!c->name[0]) {
			p_error_at(p, t, "'@' must be followed by a group name");
			return false;
		}
		/* the monitor matches SO_PEERCRED ids: the name must resolve */
		if (c->is_group) {
			gid_t gid;
			if (!resolve_gid(c->name, &gid)) {
				p_error_at(p, t, "unknown group '%s' in 'set control socket ... allow' "
				    "(no such group on this system)", c->name);
				return false;
			}
		} else {
			uid_t uid;
			if (!resolve_uid(c->name, &uid)) {
				p_error_at(p, t, "unknown user '%s' in 'set control socket ... allow' "
				    "(no such user on this system)", c->name);
				return false;
			}
		}
		if (p_accept(p, "read-only") || p_accept(p, "readonly"))
			c->readonly = true;
	}
	return true;
}

/* set privsep [monitor [user] NAME] [webui [user] NAME] [auth [user] NAME] [chroot PATH] */
static bool
parse_privsep(struct parser *p)
{
	bool any = false;

	for (;;) {
		char **dst = NULL;

		if (p_accept(p, "monitor"))
			dst = &p->cf->monitor_user;
		else if (p_accept(p, "webui"))
			dst = &p->cf->webui_user;
		else if (p_accept(p, "auth"))
			dst = &p->cf->auth_user;
		else if (p_accept(p, "chroot")) {
			if (!parse_abs_path(p, &p->cf->chroot_dir, "chroot"))
				return false;
			any = true;
			continue;
		} else
			break;
		p_accept(p, "user");
		{
			struct token *u = p_peek(p);
			uid_t uid;

			if (!parse_path(p, dst, "a user name"))
				return false;
			if (!resolve_uid(*dst, &uid)) {
				p_error_at(p, u, "unknown user '%s' in 'set privsep' (no such user on "
				    "this system; scripts/make-users.sh creates vigil's users)", *dst);
				return false;
			}
			if (uid == 0) {
				p_error_at(p, u, "'set privsep' user '%s' is root: each process must run "
				    "as its own unprivileged user", *dst);
				return false;
			}
		}
		any = true;
	}
	if (!any) {
		p_unexpected(p, "monitor, webui, auth or chroot after 'set privsep'");
		return false;
	}
	return true;
}

static bool
option_unit(const struct token *t)
{
	static const char *const units[] = {
		"b", "byte", "bytes", "kb", "kilobyte", "kilobytes", "mb", "megabyte",
		"megabytes", "gb", "gigabyte", "gigabytes", "ms", "millisecond", "milliseconds",
		"s", "second", "seconds", "minute", "minutes", "%",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (tok_is(t, units[i]))
			return true;
	return false;
}

/* { name[:] value [unit], ... } kept as options */
bool
parse_option_block(struct parser *p, struct config_option **list, const char *what)
{
	struct config_option **tail = list;
	struct token *t;

	while (*tail)
		tail = &(*tail)->next;
	if (p_peek(p)->kind != TK_LBRACE) {
		char exp[64];
		snprintf(exp, sizeof(exp), "'{' after '%s'", what);
		p_unexpected(p, exp);
		return false;
	}
	p_next(p);
	for (;;) {
		struct config_option *o;
		size_t n;

		t = p_peek(p);
		if (t->kind == TK_RBRACE) {
			p_next(p);
			return true;
		}
		if (t->kind != TK_WORD) {
			p_unexpected(p, "an option name or '}'");
			return false;
		}
		n = t->len;
		if (n > 0 && t->text[n - 1] == ':')
			n--;
		if (n == 0 || strspn(t->text, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != n) {
			p_unexpected(p, "an option name (letters, digits, _ - .) or '}'");
			return false;
		}
		o = xcalloc(1, sizeof(*o));
		o->name = xstrndup(t->text, n);
		p_next(p);
		t = p_peek(p);
		/* "key : value", with blanks around the colon (Monit accepts it) */
		if (t->kind == TK_WORD && strcmp(t->text, ":") == 0) {
			p_next(p);
			t = p_peek(p);
		}
		if ((t->kind != TK_WORD && t->kind != TK_STRING) ||
		    (t->kind == TK_WORD && t->text[t->len - 1] == ':')) {
			char exp[96];
			snprintf(exp, sizeof(exp), "a value for '%s'", o->name);
			p_unexpected(p, exp);
			/* not linked: every option in a list has a value (config_ssl.c
			 * and the dump read it even after a parse error) */
			free(o->name);
			free(o);
			return false;
		}
		o->value = xstrdup(t->text);
		*tail = o;
		tail = &o->next;
		p_next(p);
		/* a unit after a number ("limits { programOutput: 512 B }") */
		t = p_peek(p);
		if (tok_is_number(&p->toks.v[p->i - 1]) && option_unit(t)) {
			char *v = xmalloc(strlen(o->value) + t->len + 2);
			sprintf(v, "%s %s", o->value, t->text);
			free(o->value);
			o->value = v;
			p_next(p);
		}
	}
}

static bool
parse_expectbuffer(struct parser *p)
{
	struct token *t = p_peek(p);
	int64_t v;
	int64_t mul = 1;

	if (!p_number(p, "a size after 'set expectbuffer'", 1, 1 << 30, &v))
		return false;
	if (p_accept(p, "kb") || p_accept(p, "k") || p_accept(p, "kilobyte") ||
	    p_accept(p, "kilobytes"))
		mul = 1024;
	else if (p_accept(p, "mb") || p_accept(p, "megabyte") || p_accept(p, "megabytes"))
		mul = 1024 * 1024;
	else if (p_accept(p, "b") || p_accept(p, "byte") || p_accept(p, "bytes"))
		mul = 1;
	if (v * mul > 16 * 1024 * 1024) {
		p_error_at(p, t, "expectbuffer too large (limit 16 MB)");
		return false;
	}
	p->cf->expectbuffer = (int)(v * mul);
	return true;
}

bool
parse_set(struct parser *p)
{
	struct token *t = p_peek(p);
	char buf[96];
	int64_t v;

	if (p_accept(p, "daemon"))
		return parse_daemon(p);
	if (p_accept(p, "init")) {
		p->cf->init = true;
		return true;
	}
	if (p_accept(p, "logfile") || p_accept(p, "log"))
		return parse_logfile(p);
	if (p_accept(p, "logfacility") || p_accept(p, "facility"))
		return parse_facility(p);
	if (p_accept(p, "pidfile"))
		return parse_abs_path(p, &p->cf->pidfile, "pidfile");
	if (p_accept(p, "statefile"))
		return parse_abs_path(p, &p->cf->statefile, "statefile");
	if (p_accept(p, "idfile"))
		return parse_abs_path(p, &p->cf->idfile, "idfile");
	if (p_accept(p, "mailserver"))
		return parse_mailserver(p);
	if (p_accept(p, "mail-format")) {
		t = p_peek(p);
		if (t->kind != TK_BLOCK) {
			p_unexpected(p, "'{' after 'set mail-format'");
			return false;
		}
		set_str(&p->cf->mail_format, xstrdup(t->text));
		p_next(p);
		return true;
	}
	if (p_accept(p, "alert"))
		return parse_alert_recipient(p, &p->cf->alerts, false);
	if (p_accept(p, "eventqueue")) {
		for (;;) {
			if (p_accept(p, "basedir")) {
				if (!parse_abs_path(p, &p->cf->eventqueue_dir, "basedir"))
					return false;
			} else if (p_accept(p, "slots") || p_accept(p, "slot")) {
				if (!p_number(p, "a number of slots", 1, 1000000, &v))
					return false;
				p->cf->eventqueue_slots = (int)v;
			} else
				return true;
		}
	}
	if (p_accept(p, "httpd"))
		return parse_httpd(p);
	if (p_accept(p, "expectbuffer"))
		return parse_expectbuffer(p);
	if (p_accept(p, "fips")) {
		p->cf->fips = true;
		return true;
	}
	if (p_accept(p, "limits"))
		return parse_option_block(p, &p->cf->limits, "set limits");
	if (p_is(p, "ssl")) {
		struct srcpos at = p_next(p)->pos;
		struct config_option **tail = &p->cf->ssl_options;

		while (*tail)
			tail = &(*tail)->next;
		p_accept(p, "options");
		if (!parse_option_block(p, tail, "set ssl"))
			return false;
		ssl_check_options(p->d, &at, *tail, "", "set ssl");
		return true;
	}
	if (p_accept(p, "mmonit"))
		return parse_mmonit(p);
	if (p_accept(p, "onreboot")) {
		if (p_accept(p, "start"))
			p->cf->onreboot_default = 0;
		else if (p_accept(p, "nostart"))
			p->cf->onreboot_default = 1;
		else if (p_accept(p, "laststate"))
			p->cf->onreboot_default = 2;
		else {
			p_unexpected(p, "start, nostart or laststate after 'set onreboot'");
			return false;
		}
		return true;
	}
	if (p_accept(p, "group"))
		return parse_user_group(p);
	if (p_accept(p, "privsep"))
		return parse_privsep(p);
	if (p_accept(p, "control"))
		return parse_control(p);
	p_error_at(p, t, "unknown global statement 'set %s' (expected daemon, init, logfile, "
	    "pidfile, statefile, idfile, mailserver, mail-format, alert, eventqueue, httpd, "
	    "expectbuffer, fips, limits, ssl, mmonit, onreboot, group, privsep or control socket)",
	    t->kind == TK_EOF ? "" : t->kind == TK_WORD || t->kind == TK_STRING ? t->text :
	    tok_describe(t, buf, sizeof(buf)));
	return false;
}
