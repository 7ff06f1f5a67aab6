/* The httpd "allow HOST|NET" list: clients outside it get 403. */
#ifndef VIGIL_WEBUI_ALLOW_H
#define VIGIL_WEBUI_ALLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define ALLOW_MAX	128

struct allow_net {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order, masked */
	unsigned prefix;	/* bits */
};

struct allow_list {
	unsigned n;
	struct allow_net net[ALLOW_MAX];
};

/* Add an entry: an IPv4/IPv6 address, ADDR/BITS, IPv4 ADDR/NETMASK, or
 * "localhost" (127.0.0.0/8 and ::1).  With resolve, another name is looked
 * up (only before the chroot) and each of its addresses added.  Returns false
 * with a reason in err for malformed entries or a full list. */
bool allow_add(struct allow_list *l, const char *spec, bool resolve,
    char *err, size_t errlen);
/* An empty list allows everybody.  IPv4-mapped IPv6 addresses are matched
 * as IPv4. */
bool allow_match(const struct allow_list *l, const struct sockaddr *sa,
    socklen_t salen);

#endif
