/* The other addresses of a name.  The engine resolves each name once (DNS
 * never blocks a cycle) and keeps the first address; Monit tries the next
 * address of a name when one does not accept the connection, so the
 * resolver's whole answer is kept here for the driver (check_net.c) to
 * fall back on.  Bounded: 256 names of 8 addresses, the oldest name
 * replaced first. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "monitor/checks/net_addrs.h"

#define ADDRS_PER_NAME 8
#define NAMES_MAX 256

static struct name_addrs {
	char *name;
	int ipversion, socktype;
	size_t n;
	struct sockaddr_storage addr[ADDRS_PER_NAME];
	socklen_t len[ADDRS_PER_NAME];
} names[NAMES_MAX];
static size_t names_next;	/* the slot a new name takes */

static struct name_addrs *
find(const char *name, int ipversion, int socktype)
{
	for (size_t i = 0; i < NAMES_MAX; i++)
		if (names[i].name != NULL && names[i].ipversion == ipversion &&
		    names[i].socktype == socktype && strcmp(names[i].name, name) == 0)
			return &names[i];
	return NULL;
}

static bool
same_host(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr)) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
	return false;
}

void
net_addrs_remember(const char *name, int ipversion, int socktype,
    const struct addrinfo *res)
{
	struct name_addrs *e = find(name, ipversion, socktype);

	if (e == NULL) {
		e = &names[names_next];
		names_next = (names_next + 1) % NAMES_MAX;
		free(e->name);
		e->name = xstrdup(name);
		e->ipversion = ipversion;
		e->socktype = socktype;
	}
	e->n = 0;
	for (; res != NULL && e->n < ADDRS_PER_NAME; res = res->ai_next) {
		bool dup = false;

		if (res->ai_addrlen > sizeof(e->addr[0]) || (res->ai_family != AF_INET &&
		    res->ai_family != AF_INET6))
			continue;
		for (size_t k = 0; k < e->n && !dup; k++)
			dup = same_host(res->ai_addr, &e->addr[k]);
		if (dup)
			continue;
		memcpy(&e->addr[e->n], res->ai_addr, res->ai_addrlen);
		e->len[e->n++] = res->ai_addrlen;
	}
}

bool
net_addrs_next(const char *name, int ipversion, int socktype,
    const struct sockaddr *cur, int port, struct sockaddr_storage *out,
    socklen_t *outlen)
{
	const struct name_addrs *e = find(name, ipversion, socktype);
	size_t i;

	if (e == NULL)
		return false;
	for (i = 0; i < e->n; i++)
		if (same_host(cur, &e->addr[i]))
			break;
	if (i + 1 >= e->n)
		return false;
	memcpy(out, &e->addr[i + 1], e->len[i + 1]);
	*outlen = e->len[i + 1];
	if (out->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
	return true;
}
