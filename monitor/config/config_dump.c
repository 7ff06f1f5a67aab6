/* The parsed configuration in a normalised form (`vigil -t -v`): one
 * statement per line, every default written out, passwords hidden. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/msg.h"
#include "monitor/config/config.h"
#include "monitor/config/lexer.h"
#include "monitor/config/parse.h"

static void
put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"')
			fputs("\\\"", out);
		else if (c == '\n' || c == '\t')
			fputc(c, out);	/* the lexer takes them inside quotes */
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\0x%02X", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* An option value: "512 B" and plain words as written, anything else quoted. */
static void
put_option_value(FILE *out, const char *v)
{
	const char *sp = strchr(v, ' ');
	const char *c;
	bool plain = *v != '\0';

	for (c = v; *c && plain; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._/-%", *c) && !(c == sp && sp[1]))
			plain = false;
	if (sp && (!isdigit((unsigned char)v[0]) || strchr(sp + 1, ' ')))
		plain = false;
	if (plain)
		fputs(v, out);
	else
		put_quoted(out, v);
}

/* A name in a list ("users a, b", "depends on x"): bare when the lexer reads
 * it back as one word that does not end the list, quoted otherwise. */
static void
put_name(FILE *out, const char *name)
{
	static const char *const list_enders[] = { "read-only", "readonly", "readwrite",
		"restart", "allow", "then", "if", "with", "users", "user", "port", "username",
		"password", "using", NULL };
	bool plain = *name != '\0';
	const char *c;
	int i;

	for (c = name; *c && plain; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-@", *c))
			plain = false;
	for (i = 0; plain && list_enders[i]; i++)
		if (strcasecmp(name, list_enders[i]) == 0)
			plain = false;
	if (plain && lex_is_noise(name))
		plain = false;	/* bare, the parser would skip it ("the") */
	if (plain)
		fputs(name, out);
	else
		put_quoted(out, name);
}

static void
put_argv(FILE *out, const struct command *c)
{
	int i;

	fputs("\"", out);
	for (i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		bool plain = a[0] && !strpbrk(a, " \t'\"\\$`");
		if (i)
			fputc(' ', out);
		if (plain)
			fputs(a, out);
		else {
			fputc('\'', out);
			for (; *a; a++) {
				if (*a == '\'')
					fputs("'\\''", out);
				else if (*a == '"')
					fputs("\\\"", out);
				else
					fputc(*a, out);
			}
			fputc('\'', out);
		}
	}
	fputs("\"", out);
}

static void
put_command(FILE *out, const struct command *c)
{
	put_argv(out, c);
	if (c->has_uid)
		fprintf(out, " as uid %u", (unsigned)c->uid);
	if (c->has_gid)
		fprintf(out, " gid %u", (unsigned)c->gid);
	fprintf(out, " timeout %d seconds", c->timeout_s ? c->timeout_s : 30);
}

static void
put_action(FILE *out, const struct action *a)
{
	fputs(action_kind_name(a->kind), out);
	if (a->kind == ACTION_EXEC && a->exec) {
		fputc(' ', out);
		put_command(out, a->exec);
	}
	if (a->repeat_cycles)
		fprintf(out, " repeat every %d cycles", a->repeat_cycles);
}

static void
put_cycles(FILE *out, const struct cycles *c)
{
	if (c->count != 1 || c->within != 1)
		fprintf(out, " %d times within %d cycles", c->count, c->within);
}

static void
put_value(FILE *out, const struct test *t)
{
	switch (t->unit) {
	case UNIT_PERCENT:
		fprintf(out, "%lld.%02lld%%", (long long)(t->value / 100), (long long)(t->value % 100));
		break;
	case UNIT_BYTES:
		fprintf(out, "%lld B", (long long)t->value);
		break;
	case UNIT_SECONDS:
		fprintf(out, "%lld seconds", (long long)t->value);
		break;
	case UNIT_COUNT:
		fprintf(out, "%lld", (long long)t->value);
		break;
	case UNIT_NONE:
		fprintf(out, "%lld.%02lld", (long long)(t->value / 100), (long long)(t->value % 100));
		break;
	}
}

static const char *const res_names[RES_TYPE_COUNT] = {
	"cpu", "totalcpu", "cpu(user)", "cpu(system)", "cpu(wait)", "memory",
	"totalmemory", "swap", "children", "loadavg(1min)", "loadavg(5min)",
	"loadavg(15min)", "threads", "filedescriptors", "total filedescriptors",
};

static const char *const hash_names[] = { "md5", "sha1", "sha256" };

static void
put_connection(FILE *out, const struct connection *c, const char *service_host)
{
	const struct sendexpect *se;
	const struct config_option *o;

	if (c->url) {
		fprintf(out, "url ");
		if (c->password) {
			/* hide the password inside the URL */
			const char *scheme_end = strstr(c->url, "://");
			const char *at = strchr(c->url, '@');
			if (scheme_end && at)
				fprintf(out, "%.*s%s:********%s", (int)(scheme_end + 3 - c->url), c->url,
				    c->username ? c->username : "", at);
			else
				fputs(c->url, out);
		} else
			fputs(c->url, out);
	} else if (c->unix_path) {
		fprintf(out, "unixsocket ");
		put_quoted(out, c->unix_path);
	} else {
		fprintf(out, "host %s port %d", c->host ? c->host : service_host, c->port);
		fprintf(out, " type %s", c->type == CONN_UDP ? "udp" :
		    c->type == CONN_TCPSSL ? "tcpssl" : "tcp");
	}
	if (c->ipversion)
		fprintf(out, " ipv%d", c->ipversion);
	if (c->ssl)
		fprintf(out, " ssl%s%s", c->ssl_version ? " " : "",
		    c->ssl_version ? c->ssl_version : "");
	if (c->certmd5)
		fprintf(out, " certmd5 %s", c->certmd5);
	if (c->protocol)
		fprintf(out, " protocol %s", c->protocol);
	if (c->request && !c->url) {
		fprintf(out, " request ");
		put_quoted(out, c->request);
	}
	if (c->hostheader) {
		fprintf(out, " hostheader ");
		put_quoted(out, c->hostheader);
	}
	if (c->status_op)
		fprintf(out, " status %s %d", cmp_op_name((enum cmp_op)c->status_op), c->status);
	if (c->checksum)
		fprintf(out, " checksum %s", c->checksum);
	if (c->content_regex) {
		fprintf(out, " content %s ", c->content_not ? "!=" : "==");
		put_quoted(out, c->content_regex);
	}
	if (c->username && !c->url) {
		fprintf(out, " username ");
		put_quoted(out, c->username);
	}
	if (c->password && !c->url)
		fprintf(out, " password \"********\"");
	{
		bool any_ssl = false;

		for (o = c->options; o; o = o->next) {
			if (!strncmp(o->name, "ssl.", 4)) {
				fprintf(out, "%s%s: ", any_ssl ? ", " : " ssl options { ", o->name + 4);
				put_option_value(out, o->value);
				any_ssl = true;
			}
		}
		if (any_ssl)
			fputs(" }", out);
	}
	{
		bool any_header = false;

		for (o = c->options; o; o = o->next) {
			if (strcmp(o->name, "header") != 0)
				continue;
			fputs(any_header ? ", " : " http headers [", out);
			put_quoted(out, o->value);
			any_header = true;
		}
		if (any_header)
			fputs("]", out);
	}
	for (o = c->options; o; o = o->next) {
		if (!strncmp(o->name, "ssl.", 4) || !strcmp(o->name, "header"))
			continue;
		if (!strcmp(o->name, "certificate valid")) {
			fprintf(out, " certificate valid %s", o->value);
			continue;
		}
		if (!strcmp(o->name, "method")) {
			fprintf(out, " method %s", o->value);
			continue;
		}
		if (!strcmp(o->name, "header")) {
			fprintf(out, " http headers [ ");
			put_quoted(out, o->value);
			fputs(" ]", out);
			continue;
		}
		fprintf(out, " %s ", o->name);
		if (!strcmp(o->name, "secret"))
			fputs("\"********\"", out);
		else if (strstr(o->name, "limit"))
			fputs(o->value, out);	/* "> 10%" */
		else
			put_quoted(out, o->value);
	}
	for (se = c->sendexpect; se; se = se->next) {
		fprintf(out, " %s ", se->is_send ? "send" : "expect");
		fputc('"', out);
		for (size_t i = 0; i < se->len; i++) {
			unsigned char ch = (unsigned char)se->data[i];
			if (ch < 0x20 || ch >= 0x7f || ch == '"' || (se->is_send && ch == '\\'))
				fprintf(out, "\\0x%02X", ch);
			else
				fputc(ch, out);
		}
		fputc('"', out);
	}
	fprintf(out, " timeout %d seconds", c->timeout_s);
	if (c->retry)
		fprintf(out, " retry %d", c->retry);
}

static void
put_test(FILE *out, const struct service *s, const struct test *t)
{
	static const char *const ts_names[] = { "", "access ", "change ", "modify " };

	if (t->kind == TEST_MATCH && t->subkind) {
		fprintf(out, "    ignore %smatch ", t->match_not ? "not " : "");
		put_quoted(out, t->regex ? t->regex : t->match_path ? t->match_path : "");
		fputc('\n', out);
		return;
	}
	fprintf(out, "    if ");
	switch (t->kind) {
	case TEST_EXIST:
		fprintf(out, "%s", t->op == OP_NE ? "does not exist" : "exist");
		break;
	case TEST_RESOURCE:
		fprintf(out, "%s%s %s ", res_names[t->resource], t->subkind == 1 ? " per core" : "",
		    cmp_op_name(t->op));
		put_value(out, t);
		break;
	case TEST_CHECKSUM:
		fprintf(out, "%s %s checksum", t->op == OP_CHANGED ? "changed" : "failed",
		    hash_names[t->hash]);
		if (t->expect)
			fprintf(out, " expect %s", t->expect);
		break;
	case TEST_TIMESTAMP:
		if (t->op == OP_CHANGED)
			fprintf(out, "changed %stimestamp", ts_names[t->subkind & 3]);
		else {
			fprintf(out, "%stimestamp %s ", ts_names[t->subkind & 3], cmp_op_name(t->op));
			put_value(out, t);
		}
		break;
	case TEST_SIZE:
		if (t->op == OP_CHANGED)
			fprintf(out, "changed size");
		else {
			fprintf(out, "size %s ", cmp_op_name(t->op));
			put_value(out, t);
		}
		break;
	case TEST_MATCH:
		fprintf(out, "%smatch ", t->match_not ? "not " : "");
		put_quoted(out, t->regex ? t->regex : t->match_path ? t->match_path : "");
		break;
	case TEST_FSFLAGS:
		fprintf(out, "changed fsflags");
		break;
	case TEST_SPACE:
	case TEST_INODE:
		fprintf(out, "%s%s %s ", t->kind == TEST_SPACE ? "space" : "inode",
		    t->subkind ? " free" : "", cmp_op_name(t->op));
		put_value(out, t);
		break;
	case TEST_PERMISSION:
		fprintf(out, "failed permission %04o", t->perm);
		break;
	case TEST_UID:
		fprintf(out, "failed %s %lld", t->subkind == 1 ? "euid" : "uid",
		    (long long)t->value);
		break;
	case TEST_GID:
		fprintf(out, "failed gid %lld", (long long)t->value);
		break;
	case TEST_PID:
		fprintf(out, "changed pid");
		break;
	case TEST_PPID:
		fprintf(out, "changed ppid");
		break;
	case TEST_UPTIME:
		fprintf(out, "uptime %s ", cmp_op_name(t->op));
		put_value(out, t);
		break;
	case TEST_CONNECTION:
		fprintf(out, "failed ");
		put_connection(out, t->conn, s->type == SVC_HOST && s->address ? s->address :
		    "localhost");
		break;
	case TEST_ICMP:
		fprintf(out, "failed icmp type echo count %d timeout %d seconds", t->icmp_count,
		    t->icmp_timeout_s);
		break;
	case TEST_STATUS:
		if (t->op == OP_CHANGED)
			fprintf(out, "changed status");
		else
			fprintf(out, "status %s %lld", cmp_op_name(t->op), (long long)t->value);
		break;
	case TEST_RESTARTS:
		fprintf(out, "%d restarts within %d cycles", t->restarts, t->restart_cycles);
		break;
	case TEST_LINK:
		switch (t->subkind) {
		case 0: fprintf(out, t->op == OP_EQ ? "link up" : "failed link"); break;
		case 1: fprintf(out, "changed link capacity"); break;
		case 2: fprintf(out, "saturation %s ", cmp_op_name(t->op)); put_value(out, t); break;
		case 3:
		case 4:
			fprintf(out, "%s %s ", t->subkind == 3 ? "upload" : "download",
			    cmp_op_name(t->op));
			put_value(out, t);
			fputs(t->unit == UNIT_COUNT ? " packets/s" : "/s", out);
			break;
		default:
			fprintf(out, "total %s %s ", t->subkind == 5 ? "upload" : "download",
			    cmp_op_name(t->op));
			put_value(out, t);
			fprintf(out, "%s in last %lld seconds", t->unit == UNIT_COUNT ?
			    " packets" : "", (long long)t->window_s);
			break;
		}
		break;
	case TEST_DISKIO:
		if (t->subkind == 2)
			fprintf(out, "service time %s %lld milliseconds", cmp_op_name(t->op),
			    (long long)t->value);
		else
			fprintf(out, "%s%s rate %s %lld %s",
			    s->type == SVC_PROCESS && t->subkind < 2 ? "disk " : "",
			    t->subkind == 1 || t->subkind == 4 ? "write" : "read",
			    cmp_op_name(t->op), (long long)t->value,
			    t->unit == UNIT_COUNT ? "operations/s" : "B/s");
		break;
	case TEST_KIND_COUNT:
		break;
	}
	put_cycles(out, &t->act.failed_cycles);
	fprintf(out, " then ");
	put_action(out, &t->act.failed);
	if (t->act.has_succeeded) {
		fprintf(out, " else if succeeded");
		put_cycles(out, &t->act.succeeded_cycles);
		fprintf(out, " then ");
		put_action(out, &t->act.succeeded);
	}
	fputc('\n', out);
}

static void
put_alert(FILE *out, const char *indent, const char *kw, const struct alert_recipient *a)
{
	fprintf(out, "%s%s %s", indent, a->no_alert ? "noalert" : kw, a->address);
	if (a->events) {
		bool first = true;
		fprintf(out, " %son {", a->events_not ? "not " : "");
		for (unsigned i = 0; event_name(i) != NULL && i < 32; i++)
			if (a->events & (1u << i)) {
				fprintf(out, "%s%s", first ? " " : ", ", event_name(i));
				first = false;
			}
		fprintf(out, " }");
	}
	if (a->mail_format)
		fprintf(out, " mail-format {%s}", a->mail_format);
	if (a->reminder)
		fprintf(out, " reminder %d cycles", a->reminder);
	fputc('\n', out);
}

static void
dump_service(FILE *out, const struct service *s)
{
	static const char *const modes[] = { "active", "passive", "manual" };
	static const char *const reboot[] = { "start", "nostart", "laststate" };
	const struct dependency *d;
	const struct alert_recipient *a;
	const struct test *t;
	size_t i;

	fprintf(out, "\ncheck %s ", service_type_name(s->type));
	put_quoted(out, s->name);
	switch (s->type) {
	case SVC_PROCESS:
		if (s->match) {
			fprintf(out, " matching ");
			put_quoted(out, s->match);
		} else {
			fprintf(out, " pidfile ");
			put_quoted(out, s->path ? s->path : "");
		}
		break;
	case SVC_HOST:
		fprintf(out, " address %s", s->address ? s->address : "");
		break;
	case SVC_NETWORK:
		if (s->interface)
			fprintf(out, " interface %s", s->interface);
		else
			fprintf(out, " address %s", s->address ? s->address : "");
		break;
	case SVC_PROGRAM:
		fprintf(out, " path ");
		if (s->program)
			put_argv(out, s->program);
		fprintf(out, " timeout %d seconds", s->program_timeout_s ? s->program_timeout_s : 600);
		break;
	case SVC_SYSTEM:
		break;
	default:
		fprintf(out, " path ");
		put_quoted(out, s->path ? s->path : "");
		break;
	}
	fputc('\n', out);
	if (s->start) {
		fprintf(out, "    start program ");
		put_command(out, s->start);
		fputc('\n', out);
	}
	if (s->stop) {
		fprintf(out, "    stop program ");
		put_command(out, s->stop);
		fputc('\n', out);
	}
	if (s->restart) {
		fprintf(out, "    restart program ");
		put_command(out, s->restart);
		fputc('\n', out);
	}
	fprintf(out, "    mode %s\n", modes[s->mode]);
	fprintf(out, "    onreboot %s\n", reboot[s->onreboot]);
	switch (s->every.kind) {
	case EVERY_ALWAYS:
		break;
	case EVERY_CYCLES:
		fprintf(out, "    every %d cycles\n", s->every.cycles);
		break;
	case EVERY_CRON:
	case EVERY_NOT_CRON:
		fprintf(out, "    %severy ", s->every.kind == EVERY_NOT_CRON ? "not " : "");
		put_quoted(out, s->every.cron);
		fputc('\n', out);
		break;
	}
	for (i = 0; i < s->ngroups; i++)
		fprintf(out, "    group %s\n", s->groups[i]);
	for (d = s->depends; d; d = d->next)
		fprintf(out, "    depends on %s\n", d->name);
	for (a = s->alerts; a; a = a->next)
		put_alert(out, "    ", "alert", a);
	for (t = s->tests; t; t = t->next)
		put_test(out, s, t);
}

/* LOG_FAC() values back to the names the control file uses. */
static const char *
facility_name(int fac)
{
	static const char *const local[] = {
		"log_local0", "log_local1", "log_local2", "log_local3",
		"log_local4", "log_local5", "log_local6", "log_local7",
	};

	switch (fac) {
	case 1: return "log_user";
	case 3: return "log_daemon";
	case 4: return "log_auth";
	case 10: return "log_authpriv";
	default:
		if (fac >= 16 && fac <= 23)
			return local[fac - 16];
		return "log_user";
	}
}

void
config_dump(const struct config *cf, FILE *out)
{
	static const char *const roles[] = { "read-only", "restart", "readwrite" };
	static const char *const secret_types[] = { "", "cleartext", "crypt", "md5" };
	const struct mailserver *m;
	const struct alert_recipient *a;
	const struct httpd_allow *al;
	const struct user_group *g;
	const struct control_allow *c;
	const struct config_option *o;
	const struct service *s;
	size_t i;

	fprintf(out, "# vigil configuration (normalised)\n");
	for (i = 0; i < cf->nfiles; i++)
		fprintf(out, "# file: %s\n", cf->files[i]);
	fprintf(out, "set daemon %d", cf->poll_s);
	if (cf->start_delay_s)
		fprintf(out, " start delay %d", cf->start_delay_s);
	fputc('\n', out);
	if (cf->init)
		fprintf(out, "set init\n");
	if (cf->log_syslog)
		fprintf(out, "set logfile syslog facility %s\n", facility_name(cf->syslog_facility));
	else if (cf->logfile) {
		fprintf(out, "set logfile ");
		put_quoted(out, cf->logfile);
		fprintf(out, "%s\n", cf->log_chained ? " chained" : "");
	} else
		fprintf(out, "# no logfile: privd logs to stderr\n");
	fprintf(out, "set pidfile ");
	put_quoted(out, cf->pidfile);
	fprintf(out, "\nset statefile ");
	put_quoted(out, cf->statefile);
	fputc('\n', out);
	if (cf->idfile) {
		fprintf(out, "set idfile ");
		put_quoted(out, cf->idfile);
		fputc('\n', out);
	}
	fprintf(out, "set privsep monitor user %s webui user %s auth user %s chroot ",
	    cf->monitor_user, cf->webui_user, cf->auth_user);
	put_quoted(out, cf->chroot_dir);
	fprintf(out, "\nset control socket ");
	put_quoted(out, cf->control_socket);
	for (c = cf->control_allow; c; c = c->next)
		fprintf(out, " allow %s%s%s", c->is_group ? "@" : "", c->name,
		    c->readonly ? " read-only" : "");
	fputc('\n', out);
	if (cf->eventqueue_dir) {
		fprintf(out, "set eventqueue basedir ");
		put_quoted(out, cf->eventqueue_dir);
		if (cf->eventqueue_slots)
			fprintf(out, " slots %d", cf->eventqueue_slots);
		fputc('\n', out);
	}
	for (m = cf->mailservers; m; m = m->next) {
		fputs(m == cf->mailservers ? "set mailserver " : ",\n    ", out);
		put_name(out, m->host);
		fprintf(out, " port %d", m->port);
		if (m->username) {
			fprintf(out, " username ");
			put_quoted(out, m->username);
		}
		if (m->password)
			fprintf(out, " password \"********\"");
		if (m->ssl)
			fprintf(out, " using %s", m->ssl_version ? m->ssl_version : "ssl");
	}
	if (cf->mailservers) {
		fprintf(out, "\n    with timeout %d seconds", cf->mail_timeout_s);
		if (cf->mail_hostname) {
			fprintf(out, " using hostname ");
			put_quoted(out, cf->mail_hostname);
		}
		fputc('\n', out);
	}
	if (cf->mail_format)
		fprintf(out, "set mail-format {%s}\n", cf->mail_format);
	for (a = cf->alerts; a; a = a->next)
		put_alert(out, "", "set alert", a);
	if (cf->expectbuffer)
		fprintf(out, "set expectbuffer %d B\n", cf->expectbuffer);
	if (cf->fips)
		fprintf(out, "set fips\n");
	if (cf->limits) {
		fprintf(out, "set limits {");
		for (o = cf->limits; o; o = o->next) {
			fprintf(out, "%s %s: ", o == cf->limits ? "" : ",", o->name);
			put_option_value(out, o->value);
		}
		fprintf(out, " }\n");
	}
	if (cf->ssl_options) {
		fprintf(out, "set ssl {");
		for (o = cf->ssl_options; o; o = o->next) {
			fprintf(out, "%s %s: ", o == cf->ssl_options ? "" : ",", o->name);
			put_option_value(out, o->value);
		}
		fprintf(out, " }\n");
	}
	for (const struct mmonit_url *u = cf->mmonits; u; u = u->next) {
		/* the URL may carry a password: the dump shows the user only */
		const char *scheme_end = strstr(u->url, "://");

		fputs(u == cf->mmonits ? "set mmonit " : "    ", out);
		if (scheme_end != NULL && u->user != NULL)
			fprintf(out, "%.*s%s:********%s", (int)(scheme_end + 3 - u->url),
			    u->url, u->user, scheme_end + 3 + strlen(u->user) + 1 +
			    strlen(u->password));
		else
			fputs(u->url, out);
		fprintf(out, " with timeout %d seconds\n", u->timeout_s);
	}
	if (cf->mmonits != NULL && cf->mmonit_no_credentials)
		fputs("    and register without credentials\n", out);
	for (g = cf->user_groups; g; g = g->next) {
		fputs("set group ", out);
		put_name(out, g->name);
		fputs(" users", out);
		for (i = 0; i < g->nusers; i++) {
			fputs(i ? ", " : " ", out);
			put_name(out, g->users[i]);
		}
		fputc('\n', out);
	}
	if (cf->httpd.enabled) {
		const struct httpd *h = &cf->httpd;
		fprintf(out, "set httpd port %d", h->port);
		if (h->address)
			fprintf(out, " address %s", h->address);
		if (h->unixsocket)
			fprintf(out, " unixsocket %s", h->unixsocket);
		fprintf(out, " ssl %s", h->ssl ? "enable" : "disable");
		if (h->pemfile)
			fprintf(out, " pemfile %s", h->pemfile);
		if (h->clientpemfile)
			fprintf(out, " clientpemfile %s", h->clientpemfile);
		if (h->allowselfcert)
			fprintf(out, " allowselfcertification");
		fprintf(out, " signature %s\n", h->signature ? "enable" : "disable");
		fprintf(out, "    pam service ");
		put_quoted(out, h->pam_service ? h->pam_service : "");
		fputc('\n', out);
		for (al = h->allow; al; al = al->next) {
			switch (al->kind) {
			case ALLOW_HOST:
				fprintf(out, "    allow %s\n", al->name);
				break;
			case ALLOW_USER:
				fprintf(out, "    allow %s:******** %s\n", al->name, roles[al->role]);
				break;
			case ALLOW_GROUP:
				fprintf(out, "    allow @%s %s", al->name, roles[al->role]);
				if (al->nscope) {
					fprintf(out, " service");
					for (i = 0; i < al->nscope; i++)
						fprintf(out, "%s%s", i ? ", " : " ", al->scope[i]);
				}
				fputc('\n', out);
				break;
			case ALLOW_HTPASSWD:
				fprintf(out, "    allow %s %s", secret_types[al->secret_type & 3], al->name);
				for (i = 0; i < al->nusers; i++)
					fprintf(out, " %s", al->users[i]);
				fprintf(out, " %s\n", roles[al->role]);
				break;
			}
		}
	}
	for (s = cf->services; s; s = s->next)
		dump_service(out, s);
}
