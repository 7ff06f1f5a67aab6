/* DNS query and answer (see dns_wire.h), written from RFC 1035 and 3596. */
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "monitor/alert/dns_wire.h"

static uint16_t
be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

size_t
dns_query_build(const char *name, uint16_t type, uint16_t id, unsigned char *out)
{
	size_t len = strlen(name), o = 12;
	const char *label = name;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return 0;
	memset(out, 0, 12);
	out[0] = (unsigned char)(id >> 8);
	out[1] = (unsigned char)id;
	out[2] = 0x01;			/* RD: recursion desired */
	out[5] = 1;			/* one question */
	while (label < name + len) {
		const char *dot = memchr(label, '.', (size_t)(name + len - label));
		size_t l = dot ? (size_t)(dot - label) : (size_t)(name + len - label);

		if (l == 0 || l > 63)
			return 0;
		for (size_t i = 0; i < l; i++) {
			char c = label[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_'))
				return 0;
		}
		out[o++] = (unsigned char)l;
		memcpy(out + o, label, l);
		o += l;
		label += l + 1;
	}
	out[o++] = 0;
	out[o++] = (unsigned char)(type >> 8);
	out[o++] = (unsigned char)type;
	out[o++] = 0;
	out[o++] = 1;			/* class IN */
	return o;
}

/* Skip the name at *off in a[0..alen): labels and at most
 * DNS_MAX_POINTERS compression pointers, each pointing before itself. */
static bool
skip_name(const unsigned char *a, size_t alen, size_t *off)
{
	size_t o = *off, end = 0;
	unsigned ptrs = 0;
	bool jumped = false;

	for (;;) {
		unsigned char l;

		if (o >= alen)
			return false;
		l = a[o];
		if (l == 0) {
			o++;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (o + 1 >= alen || ++ptrs > DNS_MAX_POINTERS)
				return false;
			target = (size_t)(l & 0x3f) << 8 | a[o + 1];
			if (target >= o)
				return false;	/* forward or self: a loop */
			if (!jumped)
				end = o + 2;
			jumped = true;
			o = target;
			continue;
		}
		if ((l & 0xc0) != 0 || o + 1 + l > alen)
			return false;
		o += 1 + l;
	}
	*off = jumped ? end : o;
	return true;
}

static enum dns_verdict
verdict(const char **why, enum dns_verdict v, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return v;
}

enum dns_verdict
dns_answer_parse(const unsigned char *q, size_t qlen, const unsigned char *a, size_t alen,
    struct dns_addr *addrs, size_t *n, const char **why)
{
	size_t qd_end, off, ancount;
	uint16_t qtype;
	unsigned rcode;

	*n = 0;
	if (qlen < 17 || alen < 12)
		return verdict(why, DNS_NOT_OURS, "shorter than a DNS header");
	if (a[0] != q[0] || a[1] != q[1] || !(a[2] & 0x80) || (a[2] & 0x78) != 0)
		return verdict(why, DNS_NOT_OURS, "not a response to our query");
	/* the question must come back as asked (case aside: RFC 1035 7.3) */
	if (be16(a + 4) != 1 || alen < qlen || strncasecmp((const char *)a + 12,
	    (const char *)q + 12, qlen - 12) != 0 || memcmp(a + qlen - 4, q + qlen - 4, 4) != 0)
		return verdict(why, DNS_NOT_OURS, "the question differs from ours");
	if (a[2] & 0x02)
		return verdict(why, DNS_SERVER_FAILED, "truncated answer (TC)");
	rcode = a[3] & 0x0f;
	if (rcode == 3)
		return verdict(why, DNS_NXDOMAIN, "no such name (NXDOMAIN)");
	if (rcode != 0)
		return verdict(why, DNS_SERVER_FAILED, rcode == 2 ? "server failure (SERVFAIL)" :
		    rcode == 5 ? "refused (REFUSED)" : "an error answer");
	qtype = be16(q + qlen - 4);
	qd_end = qlen;
	off = qd_end;
	ancount = be16(a + 6);
	for (size_t i = 0; i < ancount; i++) {
		uint16_t type, class, rdlen;

		/* a broken record voids the addresses before it: *n = 0 */
		if (!skip_name(a, alen, &off) || off + 10 > alen)
			return *n = 0, verdict(why, DNS_MALFORMED,
			    "an answer record runs past the end");
		type = be16(a + off);
		class = be16(a + off + 2);
		rdlen = be16(a + off + 8);
		off += 10;
		if (off + rdlen > alen)
			return *n = 0, verdict(why, DNS_MALFORMED, "record data runs past the end");
		/* CNAMEs ride along before the addresses: their targets' records
		 * follow in the same answer from a recursive server */
		if (class == 1 && type == qtype && *n < DNS_MAX_ADDRS) {
			if ((type == DNS_TYPE_A && rdlen != 4) ||
			    (type == DNS_TYPE_AAAA && rdlen != 16))
				return *n = 0, verdict(why, DNS_MALFORMED,
				    "address of the wrong length");
			addrs[*n].family = type == DNS_TYPE_A ? AF_INET : AF_INET6;
			memset(addrs[*n].addr, 0, sizeof(addrs[*n].addr));
			memcpy(addrs[*n].addr, a + off, rdlen);
			(*n)++;
		}
		off += rdlen;
	}
	return DNS_ANSWER;
}
