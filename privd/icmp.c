/* The ICMP echo reply parser: pure (no sockets), so its own fuzzer links it
 * (tests/fuzz/fuzz_privd_icmp.c).  Raw bytes from the network, read by root:
 * every length is checked before the byte it covers is read. */
#include <string.h>

#include "privd/privd.h"

#define IPV4_PROTO_ICMP	1
#define ICMP4_ECHOREPLY	0
#define ICMP6_ECHOREPLY	129

uint16_t
icmp_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

bool
icmp_parse_echo_reply(int family, const uint8_t *buf, size_t n, struct icmp_echo *out)
{
	const uint8_t *icmp;
	size_t len;

	if (family == 4) {
		size_t ihl, total;

		/* IPv4 header: version 4, header length 20..60 and inside the
		 * datagram, total length equal to what arrived, protocol
		 * ICMP, not a fragment */
		if (n < 20 || (buf[0] >> 4) != 4)
			return false;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		total = (size_t)buf[2] << 8 | buf[3];
		if (ihl < 20 || ihl > n || total != n || buf[9] != IPV4_PROTO_ICMP ||
		    (buf[6] & 0x3f) != 0 || buf[7] != 0)
			return false;
		icmp = buf + ihl;
		len = n - ihl;
		if (len < 8 || icmp[0] != ICMP4_ECHOREPLY || icmp[1] != 0)
			return false;
		/* the kernel does not verify ICMPv4 checksums for raw sockets */
		if (icmp_checksum(icmp, len) != 0)
			return false;
	} else if (family == 6) {
		/* ICMPv6 arrives without its IP header; the kernel has
		 * verified its checksum (it covers a pseudo-header we do not
		 * see) */
		icmp = buf;
		len = n;
		if (len < 8 || icmp[0] != ICMP6_ECHOREPLY || icmp[1] != 0)
			return false;
	} else
		return false;
	out->ident = (uint16_t)(icmp[4] << 8 | icmp[5]);
	out->seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	out->payload_len = len - 8;
	return true;
}
