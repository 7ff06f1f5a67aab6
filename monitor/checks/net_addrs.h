/* Every address of the names connection tests use (net_addrs.c). */
#ifndef VIGIL_NET_ADDRS_H
#define VIGIL_NET_ADDRS_H

#include <netdb.h>
#include <stdbool.h>
#include <sys/socket.h>

/* Keep the addresses getaddrinfo gave for NAME (at most 8; called by
 * net_resolve when the engine resolves, once, at start or reload). */
void net_addrs_remember(const char *name, int ipversion, int socktype,
    const struct addrinfo *res);
/* The address of NAME that follows cur in resolver order, with port set:
 * what a test tries when cur refused the connection, as Monit does.
 * false when cur was the last one (or NAME has one address). */
bool net_addrs_next(const char *name, int ipversion, int socktype,
    const struct sockaddr *cur, int port, struct sockaddr_storage *out,
    socklen_t *outlen);

#endif
