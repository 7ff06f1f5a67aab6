/* The configuration model: defaults, names, lookup and release. */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "common/msg.h"
#include "common/util.h"
#include "monitor/config/config.h"

static const char *const service_type_names[SVC_TYPE_COUNT] = {
	[SVC_PROCESS] = "process",
	[SVC_FILE] = "file",
	[SVC_FIFO] = "fifo",
	[SVC_FILESYSTEM] = "filesystem",
	[SVC_DIRECTORY] = "directory",
	[SVC_HOST] = "host",
	[SVC_SYSTEM] = "system",
	[SVC_PROGRAM] = "program",
	[SVC_NETWORK] = "network",
};

const char *
service_type_name(enum service_type t)
{
	if ((unsigned)t >= SVC_TYPE_COUNT)
		return "unknown";
	return service_type_names[t];
}

static const char *const action_kind_names[ACTION_KIND_COUNT] = {
	[ACTION_IGNORE] = "ignore",
	[ACTION_ALERT] = "alert",
	[ACTION_RESTART] = "restart",
	[ACTION_START] = "start",
	[ACTION_STOP] = "stop",
	[ACTION_EXEC] = "exec",
	[ACTION_UNMONITOR] = "unmonitor",
	[ACTION_MONITOR] = "monitor",
};

const char *
action_kind_name(enum action_kind a)
{
	if ((unsigned)a >= ACTION_KIND_COUNT)
		return "unknown";
	return action_kind_names[a];
}

const char *
cmp_op_name(enum cmp_op op)
{
	switch (op) {
	case OP_NONE: return "";
	case OP_LT: return "<";
	case OP_LE: return "<=";
	case OP_GT: return ">";
	case OP_GE: return ">=";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_CHANGED: return "changed";
	}
	return "?";
}

struct config *
config_new(void)
{
	struct config *cf = xcalloc(1, sizeof(*cf));

	cf->poll_s = 30;
	cf->syslog_facility = LOG_FAC(LOG_USER);
	cf->statefile = xstrdup("/var/lib/vigil/vigil.state");
	cf->pidfile = xstrdup("/run/vigild.pid");
	cf->monitor_user = xstrdup("_vigil");
	cf->webui_user = xstrdup("_vigilweb");
	cf->auth_user = xstrdup("_vigilauth");
	cf->chroot_dir = xstrdup("/var/lib/vigil/empty");
	cf->control_socket = xstrdup("/run/vigil/control.sock");
	cf->httpd.port = 2812;
	cf->httpd.signature = true;
	cf->httpd.pam_service = xstrdup("vigil");
	cf->mail_timeout_s = 5;
	cf->eventqueue_slots = 0;
	return cf;
}

static void
free_strv(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
options_free(struct config_option *o)
{
	struct config_option *next;

	for (; o; o = next) {
		next = o->next;
		free(o->name);
		free(o->value);
		free(o);
	}
}

void
command_free(struct command *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; c->argv && i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->user);
	free(c->group);
	free(c->refused);
	free(c);
}

static void
connection_free(struct connection *c)
{
	struct sendexpect *se, *next;

	if (!c)
		return;
	free(c->host);
	free(c->unix_path);
	free(c->ssl_version);
	free(c->certmd5);
	free(c->protocol);
	free(c->request);
	free(c->hostheader);
	free(c->content_regex);
	free(c->checksum);
	free(c->username);
	free(c->password);
	free(c->url);
	for (se = c->sendexpect; se; se = next) {
		next = se->next;
		free(se->data);
		free(se);
	}
	options_free(c->options);
	free(c);
}

static void
test_free(struct test *t)
{
	command_free(t->act.failed.exec);
	command_free(t->act.succeeded.exec);
	free(t->expect);
	free(t->owner);
	free(t->regex);
	free(t->match_path);
	match_patterns_free(&t->patterns);
	connection_free(t->conn);
	free(t);
}

static void
alerts_free(struct alert_recipient *a)
{
	struct alert_recipient *next;

	for (; a; a = next) {
		next = a->next;
		free(a->address);
		free(a->mail_format);
		free(a);
	}
}

static void
service_free(struct service *s)
{
	struct test *t, *tn;
	struct dependency *d, *dn;

	free(s->name);
	free(s->path);
	free(s->match);
	free(s->address);
	free(s->interface);
	command_free(s->program);
	command_free(s->start);
	command_free(s->stop);
	command_free(s->restart);
	for (t = s->tests; t; t = tn) {
		tn = t->next;
		test_free(t);
	}
	for (d = s->depends; d; d = dn) {
		dn = d->next;
		free(d->name);
		free(d);
	}
	free_strv(s->groups, s->ngroups);
	free(s->every.cron);
	alerts_free(s->alerts);
	free(s);
}

void
config_free(struct config *cf)
{
	struct service *s, *sn;
	struct mailserver *m, *mn;
	struct httpd_allow *a, *an;
	struct user_group *g, *gn;
	struct control_allow *c, *cn;

	if (!cf)
		return;
	for (s = cf->services; s; s = sn) {
		sn = s->next;
		service_free(s);
	}
	for (m = cf->mailservers; m; m = mn) {
		mn = m->next;
		free(m->host);
		free(m->username);
		free(m->password);
		free(m->ssl_version);
		free(m);
	}
	for (a = cf->httpd.allow; a; a = an) {
		an = a->next;
		free(a->name);
		if (a->secret) {
			explicit_bzero(a->secret, strlen(a->secret));
			free(a->secret);
		}
		free_strv(a->scope, a->nscope);
		free_strv(a->users, a->nusers);
		free(a);
	}
	for (g = cf->user_groups; g; g = gn) {
		gn = g->next;
		free(g->name);
		free_strv(g->users, g->nusers);
		free(g);
	}
	for (c = cf->control_allow; c; c = cn) {
		cn = c->next;
		free(c->name);
		free(c);
	}
	alerts_free(cf->alerts);
	free(cf->logfile);
	free(cf->pidfile);
	free(cf->statefile);
	free(cf->idfile);
	free(cf->eventqueue_dir);
	free(cf->mail_hostname);
	free(cf->mail_format);
	free(cf->httpd.address);
	free(cf->httpd.unixsocket);
	free(cf->httpd.pemfile);
	free(cf->httpd.clientpemfile);
	free(cf->httpd.pam_service);
	free(cf->monitor_user);
	free(cf->webui_user);
	free(cf->auth_user);
	free(cf->chroot_dir);
	free(cf->control_socket);
	for (struct mmonit_url *u = cf->mmonits, *un; u; u = un) {
		un = u->next;
		mmonit_url_free(u);
	}
	options_free(cf->limits);
	options_free(cf->ssl_options);
	free(cf->svc_index);
	free_strv(cf->files, cf->nfiles);
	free(cf);
}

/* FNV-1a over the name: the index is built by config_check(). */
uint64_t
config_name_hash(const char *name)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 1099511628211ULL;
	}
	return h;
}

struct service *
config_find_service(const struct config *cf, const char *name)
{
	struct service *s;
	size_t i, mask;

	if (cf->svc_index && cf->svc_index_size) {
		mask = cf->svc_index_size - 1;
		for (i = config_name_hash(name) & mask; cf->svc_index[i]; i = (i + 1) & mask)
			if (strcmp(cf->svc_index[i]->name, name) == 0)
				return cf->svc_index[i];
		return NULL;
	}
	for (s = cf->services; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}
