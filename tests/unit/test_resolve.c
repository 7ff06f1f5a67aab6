/* The alert room's non-blocking resolver: DNS queries and answers
 * (monitor/alert/dns_wire.c) on answers laid out as dnsmasq sends them and
 * on broken and hostile ones (compression loops, lengths past the end,
 * another id or question), and the hosts / resolv.conf readers
 * (resolve.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "monitor/alert/dns_wire.h"
#include "monitor/alert/resolve.h"

static unsigned char q[DNS_MAX_QUERY];
static size_t qlen;

/* An answer to q: the header with flags and counts, the question, then
 * the records given. */
static size_t
answer(unsigned char *a, unsigned flags, unsigned ancount, const void *rr, size_t rrlen)
{
	memcpy(a, q, qlen);
	a[2] = (unsigned char)(flags >> 8);
	a[3] = (unsigned char)flags;
	a[7] = (unsigned char)ancount;
	memcpy(a + qlen, rr, rrlen);
	return qlen + rrlen;
}

static void
test_query_as_rfc1035_spells_it(void **state)
{
	static const unsigned char want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		0, 1, 0, 1,
	};
	unsigned char out[DNS_MAX_QUERY];
	char longlabel[80];
	(void)state;

	assert_int_equal(dns_query_build("mail.example.", DNS_TYPE_A, 0x1234, out),
	    sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(dns_query_build("", DNS_TYPE_A, 1, out), 0);
	assert_int_equal(dns_query_build("a..b", DNS_TYPE_A, 1, out), 0);
	assert_int_equal(dns_query_build("bad name", DNS_TYPE_A, 1, out), 0);
	assert_int_equal(dns_query_build("x\x01y", DNS_TYPE_A, 1, out), 0);
	memset(longlabel, 'a', 64);
	longlabel[64] = '\0';
	assert_int_equal(dns_query_build(longlabel, DNS_TYPE_A, 1, out), 0);
}

static void
test_answers(void **state)
{
	/* a pointer to the question's name, A, IN, TTL 0, 127.0.0.1 */
	static const unsigned char rr_a[] = {
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 127, 0, 0, 1,
	};
	/* a CNAME first (to "x" + the name), then the A record of its target */
	static const unsigned char rr_cname[] = {
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 0, 0, 4, 1, 'x', 0xc0, 12,
		0xc0, 42, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 10, 0, 0, 7,
	};
	static const unsigned char rr_loop[] = {	/* points at itself */
		0xc0, 30, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 127, 0, 0, 1,
	};
	static const unsigned char rr_forward[] = {	/* points ahead */
		0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 127, 0, 0, 1,
	};
	static const unsigned char rr_long[] = {	/* rdlength past the end */
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 200, 127, 0, 0, 1,
	};
	static const unsigned char rr_badlen[] = {	/* an A of 3 bytes */
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 3, 127, 0, 0,
	};
	unsigned char a[512];
	struct dns_addr addrs[DNS_MAX_ADDRS];
	const char *why = NULL;
	size_t n, alen;
	(void)state;

	qlen = dns_query_build("mail.example", DNS_TYPE_A, 0xbeef, q);
	assert_int_equal(qlen, 30);

	alen = answer(a, 0x8180, 1, rr_a, sizeof(rr_a));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_ANSWER);
	assert_int_equal(n, 1);
	assert_int_equal(addrs[0].family, AF_INET);
	assert_memory_equal(addrs[0].addr, "\x7f\0\0\x01", 4);

	alen = answer(a, 0x8180, 2, rr_cname, sizeof(rr_cname));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_ANSWER);
	assert_int_equal(n, 1);
	assert_memory_equal(addrs[0].addr, "\x0a\0\0\x07", 4);

	/* no record of the type: an answer with nothing */
	alen = answer(a, 0x8180, 0, "", 0);
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_ANSWER);
	assert_int_equal(n, 0);

	alen = answer(a, 0x8183, 0, "", 0);
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_NXDOMAIN);
	alen = answer(a, 0x8182, 0, "", 0);
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why),
	    DNS_SERVER_FAILED);
	assert_string_equal(why, "server failure (SERVFAIL)");
	alen = answer(a, 0x8380, 0, "", 0);	/* TC */
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why),
	    DNS_SERVER_FAILED);

	alen = answer(a, 0x8180, 1, rr_loop, sizeof(rr_loop));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_MALFORMED);
	alen = answer(a, 0x8180, 1, rr_forward, sizeof(rr_forward));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_MALFORMED);
	alen = answer(a, 0x8180, 1, rr_long, sizeof(rr_long));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_MALFORMED);
	assert_string_equal(why, "record data runs past the end");
	alen = answer(a, 0x8180, 1, rr_badlen, sizeof(rr_badlen));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_MALFORMED);
	/* more records said than sent */
	alen = answer(a, 0x8180, 2, rr_a, sizeof(rr_a));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_MALFORMED);

	/* not ours: another id, a query (QR 0), another question, too short */
	alen = answer(a, 0x8180, 1, rr_a, sizeof(rr_a));
	a[1] ^= 1;
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_NOT_OURS);
	alen = answer(a, 0x0180, 1, rr_a, sizeof(rr_a));
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_NOT_OURS);
	alen = answer(a, 0x8180, 1, rr_a, sizeof(rr_a));
	a[14] = '9';
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_NOT_OURS);
	alen = answer(a, 0x8180, 1, rr_a, sizeof(rr_a));
	a[14] = 'A';	/* case is not a difference (RFC 1035 7.3) */
	assert_int_equal(dns_answer_parse(q, qlen, a, alen, addrs, &n, &why), DNS_ANSWER);
	assert_int_equal(dns_answer_parse(q, qlen, a, 11, addrs, &n, &why), DNS_NOT_OURS);
}

static void
test_files(void **state)
{
	struct sockaddr_storage ss, ns[RESOLVE_MAX_SERVERS];
	char ip[64];
	(void)state;

	assert_true(resolve_hosts_lookup("# comment\n127.0.0.1 localhost\n"
	    "10.1.2.3\tmail.test  mail # the relay\n::1 ip6-localhost\n", "MAIL", &ss));
	assert_int_equal(ss.ss_family, AF_INET);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip));
	assert_string_equal(ip, "10.1.2.3");
	assert_true(resolve_hosts_lookup("::1 ip6-localhost\n", "ip6-localhost", &ss));
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_false(resolve_hosts_lookup("10.0.0.1 a\n#10.0.0.2 b\n", "b", &ss));
	assert_false(resolve_hosts_lookup("notanaddress b\n", "b", &ss));

	assert_int_equal(resolve_conf_servers("search x\nnameserver 127.0.0.53\n"
	    "nameserver ::1\n nameserver bogus\nnameserver 10.0.0.1\nnameserver 10.0.0.2\n",
	    ns), 3);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ns[0])->sin_port), 53);
	assert_int_equal(ns[1].ss_family, AF_INET6);
	assert_int_equal(resolve_conf_servers("", ns), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_as_rfc1035_spells_it),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
