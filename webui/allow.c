#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "webui/allow.h"

static void
mask_addr(uint8_t *a, unsigned alen, unsigned prefix)
{
	for (unsigned i = 0; i < alen; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		if (bits >= 8)
			continue;
		a[i] &= (uint8_t)(0xff << (8 - bits));
	}
}

static bool
push(struct allow_list *l, int family, const void *addr, unsigned prefix,
    char *err, size_t errlen)
{
	struct allow_net *n;
	unsigned alen = family == AF_INET ? 4 : 16;

	if (l->n == ALLOW_MAX) {
		snprintf(err, errlen, "too many allow entries (at most %d)", ALLOW_MAX);
		return false;
	}
	n = &l->net[l->n++];
	memset(n, 0, sizeof(*n));
	n->family = family;
	memcpy(n->addr, addr, alen);
	n->prefix = prefix;
	mask_addr(n->addr, alen, prefix);
	return true;
}

/* A dotted netmask must be contiguous ones: its prefix length, or -1. */
static int
netmask_bits(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr);
	int bits = 0;

	while (bits < 32 && (v & (0x80000000u >> bits)))
		bits++;
	if (bits < 32 && (v << bits) != 0)
		return -1;
	return bits;
}

bool
allow_add(struct allow_list *l, const char *spec, bool resolve,
    char *err, size_t errlen)
{
	char host[64];
	const char *slash;
	struct in_addr a4;
	struct in6_addr a6;
	long bits = -1;
	size_t hlen;

	if (strcmp(spec, "localhost") == 0) {
		static const uint8_t lo4[4] = { 127, 0, 0, 0 };

		return push(l, AF_INET, lo4, 8, err, errlen) &&
		    push(l, AF_INET6, &in6addr_loopback, 128, err, errlen);
	}
	slash = strchr(spec, '/');
	hlen = slash != NULL ? (size_t)(slash - spec) : strlen(spec);
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(err, errlen, "allow '%.64s': bad address", spec);
		return false;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (slash != NULL) {
		const char *m = slash + 1;
		char *end;

		if (inet_pton(AF_INET, host, &a4) == 1 && strchr(m, '.') != NULL) {
			struct in_addr mask;

			if (inet_pton(AF_INET, m, &mask) != 1 ||
			    (bits = netmask_bits(mask)) < 0) {
				snprintf(err, errlen, "allow '%.64s': bad netmask", spec);
				return false;
			}
		} else {
			if (*m < '0' || *m > '9' || strlen(m) > 3) {
				snprintf(err, errlen, "allow '%.64s': bad prefix length", spec);
				return false;
			}
			bits = strtol(m, &end, 10);
			if (*end != '\0') {
				snprintf(err, errlen, "allow '%.64s': bad prefix length", spec);
				return false;
			}
		}
	}
	if (inet_pton(AF_INET, host, &a4) == 1) {
		if (bits > 32) {
			snprintf(err, errlen, "allow '%.64s': prefix longer than 32", spec);
			return false;
		}
		return push(l, AF_INET, &a4, bits < 0 ? 32 : (unsigned)bits, err, errlen);
	}
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (bits > 128) {
			snprintf(err, errlen, "allow '%.64s': prefix longer than 128", spec);
			return false;
		}
		return push(l, AF_INET6, &a6, bits < 0 ? 128 : (unsigned)bits, err, errlen);
	}
	if (slash != NULL || !resolve) {
		snprintf(err, errlen, "allow '%.64s': not an IP address or network", spec);
		return false;
	}
	{
		struct addrinfo hints, *res, *ai;
		int rc;

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		rc = getaddrinfo(host, NULL, &hints, &res);
		if (rc != 0) {
			snprintf(err, errlen, "allow '%.64s': cannot resolve: %s", spec,
			    gai_strerror(rc));
			return false;
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			bool ok = true;

			if (ai->ai_family == AF_INET)
				ok = push(l, AF_INET,
				    &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr,
				    32, err, errlen);
			else if (ai->ai_family == AF_INET6)
				ok = push(l, AF_INET6,
				    &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr,
				    128, err, errlen);
			if (!ok) {
				freeaddrinfo(res);
				return false;
			}
		}
		freeaddrinfo(res);
	}
	return true;
}

bool
allow_match(const struct allow_list *l, const struct sockaddr *sa, socklen_t salen)
{
	uint8_t a[16];
	int family;
	unsigned alen;

	if (l->n == 0)
		return true;
	if (sa->sa_family == AF_INET && salen >= (socklen_t)sizeof(struct sockaddr_in)) {
		memcpy(a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		family = AF_INET;
		alen = 4;
	} else if (sa->sa_family == AF_INET6 &&
	    salen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct in6_addr *v6 =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(v6)) {
			memcpy(a, v6->s6_addr + 12, 4);
			family = AF_INET;
			alen = 4;
		} else {
			memcpy(a, v6->s6_addr, 16);
			family = AF_INET6;
			alen = 16;
		}
	} else {
		return false;
	}
	for (unsigned i = 0; i < l->n; i++) {
		uint8_t m[16];

		if (l->net[i].family != family)
			continue;
		memcpy(m, a, alen);
		mask_addr(m, alen, l->net[i].prefix);
		if (memcmp(m, l->net[i].addr, alen) == 0)
			return true;
	}
	return false;
}
