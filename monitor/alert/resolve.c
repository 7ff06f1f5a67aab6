/* The non-blocking resolver of the alert room (see resolve.h).  One UDP
 * socket per query, connected to the nameserver so only its datagrams
 * arrive; an answer that is not to our id and question is ignored and the
 * wait goes on (a spoofed datagram cannot end the lookup). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/alert/dns_wire.h"
#include "monitor/alert/resolve.h"

#define FILE_MAX	(64u * 1024u)

struct resolve {
	struct ev_loop *ev;
	char host[256];
	int port, timeout_ms;
	resolve_cb done;
	void *arg;
	int fd, tfd;
	bool ready;			/* result known: deliver on the timer */
	struct sockaddr_storage result;
	char why[200];
	struct sockaddr_storage servers[RESOLVE_MAX_SERVERS];
	size_t nservers, si;
	uint16_t qtype;
	unsigned char q[DNS_MAX_QUERY];
	size_t qlen;
};

static bool
set_addr(struct sockaddr_storage *ss, int family, const void *addr)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, addr, 4);
		return true;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, addr, 16);
		return true;
	}
	return false;
}

static bool
literal(const char *s, struct sockaddr_storage *ss)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return set_addr(ss, AF_INET, a);
	if (inet_pton(AF_INET6, s, a) == 1)
		return set_addr(ss, AF_INET6, a);
	return false;
}

static void
set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static socklen_t
ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
}

/* The file's first FILE_MAX bytes, NUL-terminated, or NULL. */
static char *
read_small(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;
	size_t len = 0;

	if (fd < 0)
		return NULL;
	buf = xmalloc(FILE_MAX + 1);
	while (len < FILE_MAX && (n = read(fd, buf + len, FILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Each line's words, comments (#) cut; calls fn until it returns true. */
static bool
each_line(const char *text, bool (*fn)(char **w, size_t n, void *arg), void *arg)
{
	const char *p = text;

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], *w[16], *save = NULL, *t;
		size_t n = 0;

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if ((t = strchr(line, '#')) != NULL)
				*t = '\0';
			for (t = strtok_r(line, " \t\r", &save); t != NULL && n < 16;
			    t = strtok_r(NULL, " \t\r", &save))
				w[n++] = t;
			if (n > 0 && fn(w, n, arg))
				return true;
		}
		p += len + (eol != NULL);
	}
	return false;
}

struct hosts_q {
	const char *host;
	struct sockaddr_storage *ss;
};

static bool
hosts_line(char **w, size_t n, void *arg)
{
	struct hosts_q *h = arg;

	for (size_t i = 1; i < n; i++)
		if (strcasecmp(w[i], h->host) == 0)
			return literal(w[0], h->ss);
	return false;
}

bool
resolve_hosts_lookup(const char *text, const char *host, struct sockaddr_storage *ss)
{
	struct hosts_q h = { host, ss };

	return each_line(text, hosts_line, &h);
}

struct conf_q {
	struct sockaddr_storage *out;
	size_t n;
};

static bool
conf_line(char **w, size_t n, void *arg)
{
	struct conf_q *c = arg;

	if (n >= 2 && strcmp(w[0], "nameserver") == 0 && c->n < RESOLVE_MAX_SERVERS &&
	    literal(w[1], &c->out[c->n])) {
		set_port(&c->out[c->n], 53);
		c->n++;
	}
	return false;
}

size_t
resolve_conf_servers(const char *text, struct sockaddr_storage *out)
{
	struct conf_q c = { out, 0 };

	each_line(text, conf_line, &c);
	return c.n;
}

static void
finish(struct resolve *r)
{
	struct sockaddr_storage ss = r->result;
	resolve_cb done = r->done;
	void *arg = r->arg;
	char why[sizeof(r->why)];
	bool ok = r->ready && r->why[0] == '\0';

	memcpy(why, r->why, sizeof(why));
	resolve_cancel(r);
	if (ok)
		done(arg, (struct sockaddr *)&ss, ss_len(&ss), NULL);
	else
		done(arg, NULL, 0, why);
}

/* The result is known: hand it over from the loop, not from here. */
static void
settle(struct resolve *r, const char *fmt, const char *detail)
{
	if (fmt != NULL)
		snprintf(r->why, sizeof(r->why), fmt, detail);
	r->ready = true;
	if (r->fd >= 0) {
		ev_del(r->ev, r->fd);
		close(r->fd);
		r->fd = -1;
	}
	ev_timer_set(r->tfd, 1, 0);
}

static void send_query(struct resolve *r);

static void
next_server(struct resolve *r, const char *why)
{
	snprintf(r->why, sizeof(r->why), "%s", why);
	r->si++;
	if (r->si >= r->nservers) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%s", r->why);
		r->why[0] = '\0';
		settle(r, "cannot resolve: %s", msg);
		return;
	}
	r->why[0] = '\0';
	send_query(r);
}

static void
on_read(int fd, uint32_t events, void *arg)
{
	struct resolve *r = arg;

	(void)events;
	for (;;) {
		unsigned char buf[1500];
		struct dns_addr addrs[DNS_MAX_ADDRS];
		const char *why = NULL;
		size_t n = 0;
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		enum dns_verdict v;

		if (len < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (len < 0) {
			next_server(r, strerror(errno));
			return;
		}
		v = dns_answer_parse(r->q, r->qlen, buf, (size_t)len, addrs, &n, &why);
		switch (v) {
		case DNS_NOT_OURS:
			continue;
		case DNS_ANSWER:
			if (n > 0) {
				set_addr(&r->result, addrs[0].family, addrs[0].addr);
				set_port(&r->result, r->port);
				settle(r, NULL, NULL);
				return;
			}
			if (r->qtype == DNS_TYPE_A) {
				r->qtype = DNS_TYPE_AAAA;
				send_query(r);
				return;
			}
			settle(r, "cannot resolve: %s has no address", r->host);
			return;
		case DNS_NXDOMAIN:
			settle(r, "cannot resolve: %s does not exist (NXDOMAIN)", r->host);
			return;
		case DNS_SERVER_FAILED:
		case DNS_MALFORMED:
			next_server(r, why);
			return;
		}
	}
}

static void
on_timer(int fd, uint32_t events, void *arg)
{
	struct resolve *r = arg;

	(void)events;
	ev_timer_ack(fd);
	if (r->ready) {
		finish(r);
		return;
	}
	next_server(r, "no answer in time");
}

static void
send_query(struct resolve *r)
{
	const struct sockaddr_storage *ns = &r->servers[r->si];
	uint16_t id = 0;

	if (r->fd >= 0) {
		ev_del(r->ev, r->fd);
		close(r->fd);
	}
	if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
		id = (uint16_t)(uintptr_t)r;
	r->qlen = dns_query_build(r->host, r->qtype, id, r->q);
	r->fd = socket(ns->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0 || connect(r->fd, (const struct sockaddr *)ns, ss_len(ns)) < 0 ||
	    send(r->fd, r->q, r->qlen, 0) < 0 ||
	    ev_add(r->ev, r->fd, EPOLLIN, on_read, r) < 0) {
		char why[120];

		snprintf(why, sizeof(why), "nameserver unreachable: %s", strerror(errno));
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		next_server(r, why);
		return;
	}
	ev_timer_set(r->tfd, (uint64_t)r->timeout_ms, 0);
}

struct resolve *
resolve_start(struct ev_loop *ev, const char *host, int port, int timeout_ms,
    resolve_cb done, void *arg)
{
	struct resolve *r;
	char *text;
	unsigned char probe[DNS_MAX_QUERY];

	if (strlen(host) >= sizeof(r->host))
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->ev = ev;
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->port = port;
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	r->done = done;
	r->arg = arg;
	r->fd = -1;
	r->qtype = DNS_TYPE_A;
	r->tfd = ev_timer_new(ev, on_timer, r);
	if (r->tfd < 0) {
		free(r);
		return NULL;
	}
	if (literal(host, &r->result)) {
		set_port(&r->result, port);
		settle(r, NULL, NULL);
		return r;
	}
	text = read_small(RESOLVE_HOSTS_PATH);
	if (text != NULL && resolve_hosts_lookup(text, host, &r->result)) {
		free(text);
		set_port(&r->result, port);
		settle(r, NULL, NULL);
		return r;
	}
	free(text);
	if (dns_query_build(host, DNS_TYPE_A, 0, probe) == 0) {
		settle(r, "cannot resolve: '%s' is not a host name", host);
		return r;
	}
	text = read_small(RESOLVE_CONF_PATH);
	r->nservers = text != NULL ? resolve_conf_servers(text, r->servers) : 0;
	free(text);
	if (r->nservers == 0) {
		/* resolv.conf(5): without a nameserver line, the local one */
		literal("127.0.0.1", &r->servers[0]);
		set_port(&r->servers[0], 53);
		r->nservers = 1;
	}
	send_query(r);
	return r;
}

void
resolve_cancel(struct resolve *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0) {
		ev_del(r->ev, r->fd);
		close(r->fd);
	}
	if (r->tfd >= 0) {
		ev_del(r->ev, r->tfd);
		close(r->tfd);
	}
	free(r);
}
