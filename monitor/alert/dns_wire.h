/* DNS messages for the alert room's resolver (resolve.c), sans-I/O: a
 * query for one name's A or AAAA records, and the parse of the answer.
 * The answer comes from the network and is untrusted: every length and
 * compression pointer is checked against the datagram, pointers may only
 * point backwards and at most DNS_MAX_POINTERS are followed per name, at
 * most DNS_MAX_ADDRS addresses are kept, and an answer that is not a
 * response to our id and question is refused. */
#ifndef VIGIL_DNS_WIRE_H
#define VIGIL_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_TYPE_A		1
#define DNS_TYPE_AAAA		28
#define DNS_MAX_QUERY		300	/* header + 255-byte name + question */
#define DNS_MAX_ADDRS		8
#define DNS_MAX_POINTERS	16

struct dns_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];
};

enum dns_verdict {
	DNS_ANSWER,		/* addrs filled (n may be 0: no such record) */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_SERVER_FAILED,	/* SERVFAIL, REFUSED...: try the next server */
	DNS_NOT_OURS,		/* not a response to our query: ignore, wait on */
	DNS_MALFORMED,		/* ours, but broken: try the next server */
};

/* The query for name (a host name, no trailing dot needed) of type, with
 * id, into out (DNS_MAX_QUERY bytes).  Returns its length, 0 when name is
 * not a usable host name. */
size_t dns_query_build(const char *name, uint16_t type, uint16_t id, unsigned char *out);
/* Parse an answer to the query q (as built above).  why says what was
 * wrong for DNS_MALFORMED / DNS_SERVER_FAILED / DNS_NOT_OURS. */
enum dns_verdict dns_answer_parse(const unsigned char *q, size_t qlen,
    const unsigned char *a, size_t alen, struct dns_addr *addrs, size_t *n,
    const char **why);

#endif
