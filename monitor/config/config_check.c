/* Semantic checks after parsing: names, dependencies, what each service type
 * allows, value ranges and the limits of the IPC messages the values travel
 * in.  Each problem is one error at the place it was written. */
#include <arpa/inet.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/msg.h"
#include "common/util.h"
#include "monitor/config/config_ssl.h"
#include "monitor/config/lexer.h"
#include "monitor/config/parse.h"

/* Host names and addresses (mail servers, host checks, connection tests,
 * the httpd bind address): letters, digits and . - _ : % [ ] only. */
static bool
valid_host(const char *s)
{
	if (!*s || strlen(s) >= MSG_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_:%[]", *s))
			return false;
	return true;
}

static void
check_host(struct diag *d, const struct srcpos *pos, const char *what, const char *host)
{
	if (host && !valid_host(host))
		diag_error(d, pos, "%s '%.60s' is not a valid host name or address", what, host);
}

/* ---- the name index ---- */

static void
build_index(struct config *cf, struct diag *d)
{
	struct service *s;
	size_t size = 16, mask, i;

	while (size < cf->nservices * 2 + 1)
		size *= 2;
	free(cf->svc_index);
	cf->svc_index = xcalloc(size, sizeof(*cf->svc_index));
	cf->svc_index_size = size;
	mask = size - 1;
	for (s = cf->services; s; s = s->next) {
		bool dup = false;

		for (i = config_name_hash(s->name) & mask; cf->svc_index[i]; i = (i + 1) & mask) {
			if (strcmp(cf->svc_index[i]->name, s->name) == 0) {
				struct service *first = cf->svc_index[i];
				diag_error(d, &s->pos, "duplicate service name '%s' (first defined at "
				    "%s:%d)", s->name, first->pos.file, first->pos.line);
				dup = true;
				break;
			}
		}
		if (!dup)
			cf->svc_index[i] = s;
	}
}

static size_t
svc_slot(const struct config *cf, const struct service *s)
{
	size_t mask = cf->svc_index_size - 1, i;

	for (i = config_name_hash(s->name) & mask; cf->svc_index[i]; i = (i + 1) & mask)
		if (cf->svc_index[i] == s)
			return i;
	return (size_t)-1;
}

/* ---- dependencies ---- */

static void
check_dependencies(struct config *cf, struct diag *d)
{
	struct service *s;
	struct dependency *dep;
	unsigned char *color;	/* 0 white, 1 on the stack, 2 done */
	struct frame {
		struct service *svc;
		struct dependency *next;
	} *stack;
	size_t sp, slot;

	for (s = cf->services; s; s = s->next)
		for (dep = s->depends; dep; dep = dep->next) {
			if (strcmp(dep->name, s->name) == 0)
				diag_error(d, &dep->pos, "service '%s' depends on itself", s->name);
			else if (!config_find_service(cf, dep->name))
				diag_error(d, &dep->pos, "service '%s' depends on '%s', which is not "
				    "defined (no 'check ... %s')", s->name, dep->name, dep->name);
		}

	/* Iterative depth-first search: a chain of 10,000 services must not
	 * exhaust the stack. */
	color = xcalloc(cf->svc_index_size, 1);
	stack = xreallocarray(NULL, cf->nservices + 1, sizeof(*stack));
	for (s = cf->services; s; s = s->next) {
		slot = svc_slot(cf, s);
		if (slot == (size_t)-1 || color[slot])
			continue;
		sp = 0;
		stack[sp].svc = s;
		stack[sp].next = s->depends;
		sp++;
		color[slot] = 1;
		while (sp > 0) {
			struct frame *f = &stack[sp - 1];
			struct service *t;
			size_t ts;

			if (!f->next) {
				color[svc_slot(cf, f->svc)] = 2;
				sp--;
				continue;
			}
			dep = f->next;
			f->next = dep->next;
			t = config_find_service(cf, dep->name);
			if (!t || t == f->svc)
				continue;
			ts = svc_slot(cf, t);
			if (color[ts] == 1) {
				/* a cycle: from t on the stack to the top */
				char msg[1024];
				size_t k, len = 0;

				for (k = 0; k < sp && stack[k].svc != t; k++)
					;
				msg[0] = '\0';
				for (; k < sp; k++)
					len += (size_t)snprintf(msg + len, len < sizeof(msg) ?
					    sizeof(msg) - len : 0, "%s -> ", stack[k].svc->name);
				if (len < sizeof(msg))
					snprintf(msg + len, sizeof(msg) - len, "%s", t->name);
				else
					memcpy(msg + sizeof(msg) - 5, " ...", 5);	/* a long loop */
				diag_error(d, &dep->pos, "dependency loop: %s", msg);
				continue;
			}
			if (color[ts] == 2)
				continue;
			color[ts] = 1;
			stack[sp].svc = t;
			stack[sp].next = t->depends;
			sp++;
		}
	}
	free(stack);
	free(color);
}

/* ---- tests per service type ---- */

static const char *
test_kind_name(const struct test *t)
{
	switch (t->kind) {
	case TEST_EXIST: return "exist";
	case TEST_RESOURCE: return "resource";
	case TEST_CHECKSUM: return "checksum";
	case TEST_TIMESTAMP: return "timestamp";
	case TEST_SIZE: return "size";
	case TEST_MATCH: return "content match";
	case TEST_FSFLAGS: return "fsflags";
	case TEST_SPACE: return "space";
	case TEST_INODE: return "inode";
	case TEST_PERMISSION: return "permission";
	case TEST_UID: return t->subkind == 1 ? "euid" : "uid";
	case TEST_GID: return "gid";
	case TEST_PID: return "pid";
	case TEST_PPID: return "ppid";
	case TEST_UPTIME: return "uptime";
	case TEST_CONNECTION: return "connection";
	case TEST_ICMP: return "icmp";
	case TEST_STATUS: return "status";
	case TEST_RESTARTS: return "restarts";
	case TEST_LINK: return "link";
	case TEST_DISKIO: return t->subkind == 2 ? "service time" : "read/write rate";
	case TEST_KIND_COUNT: break;
	}
	return "unknown";
}

#define B(k) (1u << (k))

static const uint32_t tests_allowed[SVC_TYPE_COUNT] = {
	[SVC_PROCESS] = B(TEST_EXIST) | B(TEST_RESOURCE) | B(TEST_CONNECTION) | B(TEST_PID) |
	    B(TEST_PPID) | B(TEST_UPTIME) | B(TEST_RESTARTS) | B(TEST_UID) | B(TEST_GID) |
	    B(TEST_DISKIO),
	[SVC_FILE] = B(TEST_EXIST) | B(TEST_CHECKSUM) | B(TEST_TIMESTAMP) | B(TEST_SIZE) |
	    B(TEST_MATCH) | B(TEST_PERMISSION) | B(TEST_UID) | B(TEST_GID) | B(TEST_RESTARTS),
	[SVC_FIFO] = B(TEST_EXIST) | B(TEST_TIMESTAMP) | B(TEST_PERMISSION) | B(TEST_UID) |
	    B(TEST_GID) | B(TEST_RESTARTS),
	[SVC_FILESYSTEM] = B(TEST_EXIST) | B(TEST_FSFLAGS) | B(TEST_SPACE) | B(TEST_INODE) |
	    B(TEST_PERMISSION) | B(TEST_UID) | B(TEST_GID) | B(TEST_RESTARTS) | B(TEST_DISKIO),
	[SVC_DIRECTORY] = B(TEST_EXIST) | B(TEST_TIMESTAMP) | B(TEST_PERMISSION) | B(TEST_UID) |
	    B(TEST_GID) | B(TEST_RESTARTS),
	[SVC_HOST] = B(TEST_CONNECTION) | B(TEST_ICMP) | B(TEST_RESTARTS),
	[SVC_SYSTEM] = B(TEST_RESOURCE) | B(TEST_UPTIME),
	[SVC_PROGRAM] = B(TEST_STATUS) | B(TEST_TIMESTAMP) | B(TEST_RESTARTS),
	[SVC_NETWORK] = B(TEST_LINK) | B(TEST_EXIST),
};

static const char *const tests_hint[SVC_TYPE_COUNT] = {
	[SVC_PROCESS] = ("exist, cpu, totalcpu, memory, totalmem, children, threads, loadavg, "
	    "connection, pid, ppid, uptime, restarts, uid, euid, gid, filedescriptors, "
	    "read rate, write rate, disk read rate, disk write rate"),
	[SVC_FILE] = "exist, checksum, timestamp, size, match, permission, uid, gid",
	[SVC_FIFO] = "exist, timestamp, permission, uid, gid",
	[SVC_FILESYSTEM] = ("exist, fsflags, space, inode, permission, uid, gid, read rate, "
	    "write rate, service time"),
	[SVC_DIRECTORY] = "exist, timestamp, permission, uid, gid",
	[SVC_HOST] = "connection (port, unixsocket, url), icmp",
	[SVC_SYSTEM] = "cpu, cpu(user), cpu(system), cpu(wait), memory, swap, loadavg, uptime",
	[SVC_PROGRAM] = "status, timestamp",
	[SVC_NETWORK] = "link, saturation, upload, download",
};

static const char *
resource_name(enum resource r)
{
	static const char *const names[RES_TYPE_COUNT] = {
		"cpu", "totalcpu", "cpu(user)", "cpu(system)", "cpu(wait)", "memory",
		"totalmemory", "swap", "children", "loadavg(1min)", "loadavg(5min)",
		"loadavg(15min)", "threads", "filedescriptors", "total filedescriptors",
	};
	return (unsigned)r < RES_TYPE_COUNT ? names[r] : "?";
}

static bool
resource_allowed(enum service_type type, enum resource r)
{
	if (type == SVC_PROCESS)
		return r == RES_CPU || r == RES_TOTAL_CPU || r == RES_MEMORY ||
		    r == RES_TOTAL_MEMORY || r == RES_CHILDREN || r == RES_THREADS ||
		    r == RES_SWAP || r == RES_LOADAVG_1 || r == RES_LOADAVG_5 ||
		    r == RES_LOADAVG_15 ||	/* the manual's own example */
		    r == RES_FDS || r == RES_TOTAL_FDS;
	if (type == SVC_SYSTEM)
		return r == RES_CPU || r == RES_CPU_USER || r == RES_CPU_SYSTEM ||
		    r == RES_CPU_WAIT || r == RES_MEMORY || r == RES_SWAP ||
		    r == RES_LOADAVG_1 || r == RES_LOADAVG_5 || r == RES_LOADAVG_15 ||
		    r == RES_FDS;
	return false;
}

static void
check_command(struct diag *d, const struct command *c, const char *what)
{
	int i;

	if (!c)
		return;
	if (c->argc > MSG_ARGV_MAX)
		diag_error(d, &c->pos, "%s has %d arguments (limit %d)", what, c->argc, MSG_ARGV_MAX);
	for (i = 0; i < c->argc; i++)
		if (strlen(c->argv[i]) >= MSG_ARG_LEN) {
			diag_error(d, &c->pos, "%s: argument %d is too long (%zu bytes, limit %d)",
			    what, i, strlen(c->argv[i]), MSG_ARG_LEN - 1);
			break;
		}
}

static void
check_action(struct diag *d, const struct service *s, const struct test *t,
    const struct action *a)
{
	switch (a->kind) {
	case ACTION_START:
	case ACTION_STOP:
	case ACTION_RESTART:
		if (s->type == SVC_SYSTEM) {
			diag_error(d, &t->pos, "action '%s' is not valid for check system %s "
			    "(expected alert, exec, monitor or unmonitor)",
			    action_kind_name(a->kind), s->name);
			return;
		}
		if (a->kind == ACTION_STOP && !s->stop)
			diag_warn(d, &t->pos, "action 'stop' in check %s %s has no stop program",
			    service_type_name(s->type), s->name);
		else if (a->kind != ACTION_STOP && !s->start && !s->restart &&
		    s->type != SVC_PROCESS)
			diag_warn(d, &t->pos, "action '%s' in check %s %s has no start program",
			    action_kind_name(a->kind), service_type_name(s->type), s->name);
		break;
	case ACTION_EXEC:
		check_command(d, a->exec, "exec program");
		break;
	default:
		break;
	}
}

/* A regular expression must compile as the engine compiles it (PCRE2, no
 * options), so that a typo is an error now, not a check that never fires. */
static void
check_regex(struct diag *d, const struct srcpos *pos, const char *what, const char *re)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off;
	pcre2_code *code;
	int err;

	if (!re)
		return;
	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	if (code) {
		pcre2_code_free(code);
		return;
	}
	if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "error %d", err);
	diag_error(d, pos, "%s \"%.60s\" is not a valid regular expression: %s at offset %zu",
	    what, re, (const char *)msg, (size_t)off);
}

/* Protocols of the manual no module speaks yet (monitor/checks/netproto.c
 * lists the modules; test_netproto checks the two lists agree). */
static const char *const protocols_unspoken[] = { NULL };

bool
config_protocol_unspoken(const char *name)
{
	for (int i = 0; protocols_unspoken[i]; i++)
		if (strcasecmp(name, protocols_unspoken[i]) == 0)
			return true;
	return false;
}

/* What a connection test says that no check reads yet: a warning, never
 * a silent pass. */
static void
check_connection_unused(struct diag *d, const struct test *t)
{
	const struct connection *c = t->conn;
	bool http = c->protocol && (!strcasecmp(c->protocol, "http") ||
	    !strcasecmp(c->protocol, "https") || !strcasecmp(c->protocol, "websocket") ||
	    !strcasecmp(c->protocol, "apache-status"));
	bool any_ssl_option = false;

	if (c->protocol && config_protocol_unspoken(c->protocol))
		diag_warn(d, &t->pos, "protocol %s is not spoken yet: this test only connects",
		    c->protocol);
	if (c->ssl_version)
		diag_warn(d, &t->pos, "'%s' is ignored: vigil negotiates TLS 1.2 or newer",
		    c->ssl_version);
	for (const struct config_option *o = c->options; o; o = o->next) {
		if (!strncmp(o->name, "ssl.", 4))
			any_ssl_option = true;
		else if (!strcmp(o->name, "database") || !strcmp(o->name, "path") ||
		    !strcmp(o->name, "data") || (strstr(o->name, "limit") &&
		    (!c->protocol || strcasecmp(c->protocol, "apache-status") != 0)))
			diag_warn(d, &t->pos, "'%s' is not checked yet (ignored)", o->name);
	}
	if (any_ssl_option)
		ssl_check_options(d, &t->pos, c->options, "ssl.", "ssl options");
	if (!http && (c->content_regex || c->checksum || c->status_op || c->request ||
	    c->hostheader) && !c->url)
		diag_warn(d, &t->pos, "request, status, content and checksum are read only "
		    "by protocol http (ignored for %s)", c->protocol ? c->protocol : "a plain "
		    "connection");
}

static void
check_test(struct diag *d, const struct service *s, const struct test *t)
{
	if ((unsigned)t->kind >= TEST_KIND_COUNT)
		return;
	if (!(tests_allowed[s->type] & B(t->kind))) {
		diag_error(d, &t->pos, "%s test is not valid for check %s %s (valid: %s)",
		    test_kind_name(t), service_type_name(s->type), s->name, tests_hint[s->type]);
		return;
	}
	if (t->kind == TEST_RESOURCE && !resource_allowed(s->type, t->resource)) {
		diag_error(d, &t->pos, "resource '%s' is not valid for check %s %s (valid: %s)",
		    resource_name(t->resource), service_type_name(s->type), s->name,
		    tests_hint[s->type]);
		return;
	}
	if (t->unit == UNIT_PERCENT) {
		/* CPU usage passes 100% on a multi-core machine (seed 001's own
		 * "cpu usage > 200%"); everything else is a share of a whole. */
		bool cpu = t->kind == TEST_RESOURCE && (t->resource == RES_CPU ||
		    t->resource == RES_TOTAL_CPU || t->resource == RES_CPU_USER ||
		    t->resource == RES_CPU_SYSTEM || t->resource == RES_CPU_WAIT);
		int64_t max = cpu ? 100 * 100 * 1024 : 100 * 100;

		if (t->value < 0 || t->value > max)
			diag_error(d, &t->pos, "percentage out of range: %lld.%02lld%% (expected "
			    "0..%lld%%)", (long long)(t->value / 100), (long long)(t->value % 100),
			    (long long)(max / 100));
	}
	if (t->kind == TEST_UID && t->subkind == 1 && s->type != SVC_PROCESS)
		diag_error(d, &t->pos, "euid test is valid only for check process (check %s %s "
		    "has files, which have one owner: use 'failed uid')",
		    service_type_name(s->type), s->name);
	if (t->kind == TEST_DISKIO && s->type == SVC_PROCESS && t->subkind == 2)
		diag_error(d, &t->pos, "service time is a filesystem test (check process %s)",
		    s->name);
	if (t->kind == TEST_RESTARTS && t->restarts > t->restart_cycles)
		diag_error(d, &t->pos, "%d restarts within %d cycles can never happen "
		    "(at most one restart per cycle)", t->restarts, t->restart_cycles);
	if (t->kind == TEST_ICMP && (t->icmp_count < 1 || t->icmp_count > 20))
		diag_error(d, &t->pos, "ping count out of range: %d (expected 1..20)", t->icmp_count);
	if (t->kind == TEST_CONNECTION && t->conn && s->type != SVC_HOST && !t->conn->host &&
	    !t->conn->unix_path && !t->conn->url && s->type != SVC_PROCESS)
		diag_error(d, &t->pos, "connection test in check %s %s needs 'host'",
		    service_type_name(s->type), s->name);
	if (t->kind == TEST_CONNECTION && t->conn && t->conn->sendexpect && t->conn->protocol &&
	    strcmp(t->conn->protocol, "generic") != 0 && strcmp(t->conn->protocol, "default") != 0)
		diag_error(d, &t->pos, "send/expect cannot be combined with protocol %s",
		    t->conn->protocol);
	if (t->kind == TEST_MATCH) {
		check_regex(d, &t->pos, "match pattern", t->regex);
		for (size_t i = 0; i < t->patterns.n; i++) {
			char what[1200];

			snprintf(what, sizeof(what), "pattern of %s:%d", t->match_path,
			    t->patterns.line[i]);
			check_regex(d, &t->pos, what, t->patterns.pattern[i]);
		}
	}
	if (t->kind == TEST_CONNECTION && t->conn) {
		check_connection_unused(d, t);
		check_regex(d, &t->pos, "content pattern", t->conn->content_regex);
		check_host(d, &t->pos, "host", t->conn->host);
	}
	check_action(d, s, t, &t->act.failed);
	if (t->act.has_succeeded)
		check_action(d, s, t, &t->act.succeeded);
}

static bool
has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void
check_service(struct diag *d, const struct service *s)
{
	const struct test *t;

	if (!s->name[0])
		diag_error(d, &s->pos, "empty service name");
	else if (has_control_char(s->name))
		diag_error(d, &s->pos, "service name contains a control character");
	else if (strlen(s->name) >= MSG_NAME_LEN)
		diag_error(d, &s->pos, "service name too long (%zu bytes, limit %d)",
		    strlen(s->name), MSG_NAME_LEN - 1);
	if (s->path && strlen(s->path) >= MSG_PATH_LEN)
		diag_error(d, &s->pos, "path too long (%zu bytes, limit %d)",
		    strlen(s->path), MSG_PATH_LEN - 1);
	check_regex(d, &s->pos, "process pattern", s->match);
	check_host(d, &s->pos, "address", s->address);
	if (s->interface && (!valid_host(s->interface) || strlen(s->interface) >= 16))
		diag_error(d, &s->pos, "interface '%.60s' is not a valid interface name",
		    s->interface);
	check_command(d, s->start, "start program");
	check_command(d, s->stop, "stop program");
	check_command(d, s->restart, "restart program");
	check_command(d, s->program, "check program");
	for (t = s->tests; t; t = t->next)
		check_test(d, s, t);
	for (size_t i = 0; i < s->ngroups; i++)
		if (has_control_char(s->groups[i]) || strlen(s->groups[i]) >= MSG_NAME_LEN)
			diag_error(d, &s->pos, "group name of %s is too long or contains a control "
			    "character", s->name);
}

/* "allow HOST|NET": a host name, an address, or address/bits|address/mask.
 * Returns NULL when valid, else what is wrong. */
static const char *
host_or_net_problem(const char *s)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char buf[16];
	bool v6, numeric = true;
	size_t i;

	if (n == 0 || n >= sizeof(addr))
		return "not a host name or address";
	memcpy(addr, s, n);
	addr[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)addr[i]) && addr[i] != '.')
			numeric = false;
	v6 = strchr(addr, ':') != NULL;
	if (v6) {
		if (inet_pton(AF_INET6, addr, buf) != 1)
			return "not a valid IPv6 address";
	} else if (numeric) {
		if (inet_pton(AF_INET, addr, buf) != 1)
			return "not a valid IPv4 address";
	} else {
		if (slash)
			return "a network needs an address, not a host name, before '/'";
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)addr[i]) && addr[i] != '.' && addr[i] != '-' &&
			    addr[i] != '_')
				return "not a valid host name";
		return NULL;
	}
	if (slash) {
		const char *m = slash + 1;
		char *end;
		long bits;

		if (!*m)
			return "missing prefix length or mask after '/'";
		if (strchr(m, '.') && !v6) {
			uint32_t mask;
			unsigned char mb[4];
			if (inet_pton(AF_INET, m, mb) != 1)
				return "not a valid netmask";
			mask = (uint32_t)mb[0] << 24 | (uint32_t)mb[1] << 16 |
			    (uint32_t)mb[2] << 8 | mb[3];
			if (mask & (~mask >> 1))
				return "netmask is not contiguous";
			return NULL;
		}
		bits = strtol(m, &end, 10);
		if (*end || bits < 0 || bits > (v6 ? 128 : 32))
			return v6 ? "prefix length must be 0..128" : "prefix length must be 0..32";
	}
	return NULL;
}

static void
check_httpd(const struct config *cf, struct diag *d)
{
	const struct httpd_allow *a;
	const struct user_group *g;
	size_t i;

	if (!cf->httpd.enabled)
		return;
	check_host(d, &cf->httpd.pos, "httpd address", cf->httpd.address);
	if (cf->httpd.ssl && !cf->httpd.pemfile)
		diag_error(d, &cf->httpd.pos, "httpd: 'ssl enable' needs a 'pemfile'");
	if (cf->httpd.allowselfcert && (!cf->httpd.ssl || !cf->httpd.clientpemfile))
		diag_warn(d, &cf->httpd.pos, "httpd: 'allowselfcertification' has no effect "
		    "without 'ssl' and a 'clientpemfile' (it lets in self-signed client "
		    "certificates listed there)");
	for (a = cf->httpd.allow; a; a = a->next) {
		const char *why;

		if (!a->name)
			continue;	/* a parse error was reported already */
		if (a->kind == ALLOW_HOST && (why = host_or_net_problem(a->name)))
			diag_error(d, &a->pos, "allow %s: %s (expected a host name, an address, or "
			    "a network such as 10.0.0.0/8 or 192.168.1.0/255.255.255.0)", a->name, why);
		if (a->name && strlen(a->name) >= (a->kind == ALLOW_HOST ? MSG_SHORT_LEN :
		    a->kind == ALLOW_HTPASSWD ? MSG_PATH_LEN : MSG_USER_LEN))
			diag_error(d, &a->pos, "allow: '%.40s...' is too long", a->name);
		if (a->secret && strlen(a->secret) >= MSG_SECRET_LEN)
			diag_error(d, &a->pos, "allow: password too long (limit %d bytes)",
			    MSG_SECRET_LEN - 1);
		if (a->nscope > MSG_SCOPE_MAX)
			diag_error(d, &a->pos, "allow: too many services in scope (limit %d)",
			    MSG_SCOPE_MAX);
		for (i = 0; i < a->nscope; i++) {
			if (strlen(a->scope[i]) >= MSG_SCOPE_LEN)
				diag_error(d, &a->pos, "allow: service name '%.40s...' too long",
				    a->scope[i]);
			else if (!config_find_service(cf, a->scope[i]))
				diag_error(d, &a->pos, "allow @%s service %s: no such service",
				    a->name, a->scope[i]);
		}
	}
	for (g = cf->user_groups; g; g = g->next)
		for (i = 0; i < g->nusers; i++)
			if (strlen(g->users[i]) >= MSG_USER_LEN)
				diag_error(d, &g->pos, "set group %s: user name too long", g->name);
}

/* Alerts that would only ever be log lines deserve a word at -t time. */
static void
check_alerting(const struct config *cf, struct diag *d)
{
	const struct srcpos *alert_pos = NULL, *rcpt_pos = NULL;
	const struct alert_recipient *r;
	const struct service *s;
	const struct test *t;

	for (r = cf->alerts; r && !rcpt_pos; r = r->next)
		if (!r->no_alert)
			rcpt_pos = &r->pos;
	for (s = cf->services; s; s = s->next) {
		for (r = s->alerts; r && !rcpt_pos; r = r->next)
			if (!r->no_alert)
				rcpt_pos = &r->pos;
		for (t = s->tests; t && !alert_pos; t = t->next)
			if (t->act.failed.kind == ACTION_ALERT ||
			    (t->act.has_succeeded && t->act.succeeded.kind == ACTION_ALERT))
				alert_pos = &t->pos;
	}
	if (alert_pos != NULL && rcpt_pos == NULL)
		diag_warn(d, alert_pos, "rules say 'alert' but nobody is alerted: add "
		    "'set alert ADDRESS' (or 'alert ADDRESS' in a service); until then "
		    "alerts are only logged");
	if ((alert_pos != NULL || rcpt_pos != NULL) && cf->mailservers == NULL)
		diag_warn(d, rcpt_pos ? rcpt_pos : alert_pos, "alerts are set but no "
		    "'set mailserver' is: add 'set mailserver HOST'; until then alerts "
		    "are only logged");
}

int
config_check(struct config *cf, struct diag *d)
{
	int before = d->nerrors;
	struct service *s;
	const struct mailserver *m;

	for (m = cf->mailservers; m; m = m->next)
		check_host(d, &m->pos, "mail server", m->host);
	if (cf->mail_hostname && !valid_host(cf->mail_hostname))
		diag_error(d, cf->mailservers ? &cf->mailservers->pos : NULL,
		    "mail hostname '%.60s' is not a valid host name", cf->mail_hostname);

	build_index(cf, d);
	check_dependencies(cf, d);
	for (s = cf->services; s; s = s->next)
		check_service(d, s);
	check_httpd(cf, d);
	if (d->nerrors == 0)	/* advice only for a file without errors */
		check_alerting(cf, d);
	return d->nerrors - before;
}
