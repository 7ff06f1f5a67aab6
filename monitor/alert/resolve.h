/* Name resolution for the alert room that never blocks the monitor's event
 * loop (getaddrinfo would, for as long as a nameserver takes): an address
 * literal at once, then /etc/hosts, then A and AAAA queries over UDP to the
 * nameservers of /etc/resolv.conf in order, each waited for at most the
 * caller's timeout.  The DNS messages are dns_wire.c. */
#ifndef VIGIL_RESOLVE_H
#define VIGIL_RESOLVE_H

#include <sys/socket.h>

#include "common/event.h"

#define RESOLVE_HOSTS_PATH	"/etc/hosts"
#define RESOLVE_CONF_PATH	"/etc/resolv.conf"
#define RESOLVE_MAX_SERVERS	3

/* addr is set (port filled in) on success; why on failure (addr NULL). */
typedef void (*resolve_cb)(void *arg, const struct sockaddr *addr, socklen_t len,
    const char *why);

struct resolve;
/* Resolve host and call done exactly once, from the event loop (never
 * before resolve_start returns), unless cancelled first.  NULL when it
 * cannot start (done not called; why says). */
struct resolve *resolve_start(struct ev_loop *ev, const char *host, int port,
    int timeout_ms, resolve_cb done, void *arg);
void resolve_cancel(struct resolve *r);

/* For tests: what the files say.  The first address of host in the hosts
 * file text, or false. */
bool resolve_hosts_lookup(const char *text, const char *host, struct sockaddr_storage *ss);
/* The nameservers of resolv.conf text (at most RESOLVE_MAX_SERVERS). */
size_t resolve_conf_servers(const char *text, struct sockaddr_storage *out);

#endif
