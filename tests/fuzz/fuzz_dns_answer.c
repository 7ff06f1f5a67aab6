/* libFuzzer: a DNS answer to the alert room's resolver comes from the
 * network.  The parser must refuse or accept, never crash, never read past
 * the datagram, never follow a compression loop, and keep at most
 * DNS_MAX_ADDRS addresses of the family asked.  The first byte picks A or
 * AAAA; the question is copied into the answer so the records get parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "monitor/alert/dns_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char q[DNS_MAX_QUERY], a[1500];
	struct dns_addr addrs[DNS_MAX_ADDRS];
	const char *why = NULL;
	uint16_t type;
	size_t qlen, n = 0, alen;
	enum dns_verdict v;

	if (size < 1)
		return 0;
	type = (data[0] & 1) ? DNS_TYPE_AAAA : DNS_TYPE_A;
	qlen = dns_query_build("mail.example", type, 0x4242, q);
	if (qlen == 0)
		abort();
	/* as sent: raw bytes */
	v = dns_answer_parse(q, qlen, data + 1, size - 1, addrs, &n, &why);
	if (n > DNS_MAX_ADDRS || (v != DNS_ANSWER && n != 0))
		abort();
	/* with our header and question in front, the records get read */
	alen = size - 1 + qlen < sizeof(a) ? size - 1 + qlen : sizeof(a);
	memcpy(a, q, qlen);
	memcpy(a + qlen, data + 1, alen - qlen);
	a[2] = 0x81;
	a[3] = 0x80;
	if (size > 1)
		a[7] = data[1];		/* ancount */
	v = dns_answer_parse(q, qlen, a, alen, addrs, &n, &why);
	if (n > DNS_MAX_ADDRS || (v != DNS_ANSWER && n != 0))
		abort();
	for (size_t i = 0; i < n; i++)
		if (addrs[i].family != (type == DNS_TYPE_A ? AF_INET : AF_INET6))
			abort();
	return 0;
}
