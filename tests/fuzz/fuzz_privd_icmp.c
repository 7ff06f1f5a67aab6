/* libFuzzer target: privd's ICMP echo reply parser (privd/icmp.c), which
 * reads raw packets from the network as root.
 *
 * Input: byte 0 picks the family (even: IPv4 with its IP header, as a raw
 * socket delivers it; odd: ICMPv6 without one), the rest is the datagram,
 * copied to a buffer of exactly its size so any over-read trips ASan.
 *
 * Oracles besides the sanitizers: an accepted IPv4 reply's header and total
 * length fit the datagram and its ICMP checksum is valid; an accepted reply
 * of either family holds at least the 8-byte echo header, and its fields are
 * the bytes at their offsets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privd/privd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_echo echo;
	int family;
	uint8_t *pkt;
	size_t n;

	if (size < 1)
		return 0;
	family = (data[0] & 1) ? 6 : 4;
	n = size - 1;
	pkt = malloc(n > 0 ? n : 1);
	if (pkt == NULL)
		return 0;
	memcpy(pkt, data + 1, n);
	if (icmp_parse_echo_reply(family, pkt, n, &echo)) {
		size_t off = 0;

		if (family == 4) {
			off = (size_t)(pkt[0] & 0x0f) * 4;
			if (off < 20 || off + 8 > n || ((size_t)pkt[2] << 8 | pkt[3]) != n ||
			    icmp_checksum(pkt + off, n - off) != 0)
				abort();
		}
		if (n < off + 8 || echo.payload_len != n - off - 8 ||
		    echo.ident != (uint16_t)(pkt[off + 4] << 8 | pkt[off + 5]) ||
		    echo.seq != (uint16_t)(pkt[off + 6] << 8 | pkt[off + 7]))
			abort();
	}
	/* an unknown family is never accepted */
	if (icmp_parse_echo_reply(5, pkt, n, &echo))
		abort();
	free(pkt);
	return 0;
}
