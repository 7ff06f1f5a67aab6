/* PING: ICMP echo over the raw sockets opened at start (before anything
 * else), non-blocking.  Each request gets its own identifier; replies are
 * matched by identifier, sequence and source address.  A request ends when
 * every echo is answered, or timeout_ms after the last one was sent.
 * An IPv4 raw socket delivers the IP header too; an ICMPv6 one does not. */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"
#include "privd/privd.h"

#define PING_COUNT_MAX	20
#define ICMP4_ECHO	8
#define ICMP4_ECHOREPLY	0
#define ICMP4_FILTER	1		/* linux/icmp.h: SOL_RAW option */

struct ping_job {
	struct ping_job *next;
	struct privd *pd;
	uint32_t gen;
	struct msg_ping req;
	uint16_t ident;
	uint16_t sent, received;
	uint64_t sent_us[PING_COUNT_MAX];
	bool got[PING_COUNT_MAX];
	uint64_t rtt_sum, rtt_min, rtt_max;
	int error;
	int tfd;
};

static int icmp4_errno, icmp6_errno;

void
ping_open_sockets(struct privd *pd)
{
	struct { uint32_t data; } filt4 = { ~(1u << ICMP4_ECHOREPLY) };
	struct icmp6_filter filt6;

	pd->icmp4 = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (pd->icmp4 < 0) {
		icmp4_errno = errno;
		log_warn("cannot open a raw ICMP socket: %s: ping checks will fail",
		    strerror(errno));
	} else if (setsockopt(pd->icmp4, SOL_RAW, ICMP4_FILTER, &filt4, sizeof(filt4)) < 0)
		log_debug("ICMP_FILTER: %s", strerror(errno));
	pd->icmp6 = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (pd->icmp6 < 0) {
		icmp6_errno = errno;
		log_debug("no raw ICMPv6 socket: %s", strerror(errno));
	} else {
		ICMP6_FILTER_SETBLOCKALL(&filt6);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt6);
		(void)setsockopt(pd->icmp6, IPPROTO_ICMPV6, ICMP6_FILTER, &filt6, sizeof(filt6));
	}
}


static void
ping_finish(struct ping_job *j)
{
	struct privd *pd = j->pd;
	struct msg_ping_result r;
	struct ping_job **pp;

	memset(&r, 0, sizeof(r));
	r.req = j->req.req;
	r.sent = j->sent;
	r.received = j->received;
	r.error = j->error;
	if (j->received > 0) {
		r.rtt_min_us = (uint32_t)j->rtt_min;
		r.rtt_max_us = (uint32_t)j->rtt_max;
		r.rtt_avg_us = (uint32_t)(j->rtt_sum / j->received);
	}
	if (j->gen == pd->mon_gen && pd->child[CHILD_MONITOR].ch.fd >= 0)
		privd_send_monitor(pd, MSG_PING_RESULT, &r, -1);
	for (pp = &pd->pings; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			pd->npings--;
			break;
		}
	ev_close(pd->ev, &j->tfd);
	free(j);
}

static void
on_ping_timeout(int fd, uint32_t events, void *arg)
{
	(void)events;
	if (ev_timer_ack(fd) == 0)
		return;	/* stale event: the fd number was reused */
	ping_finish(arg);
}

static void
ping_reply(struct privd *pd, int family, const uint8_t *src, const struct icmp_echo *echo)
{
	uint64_t now = now_us();
	uint16_t id = echo->ident, seq = echo->seq;

	for (struct ping_job *j = pd->pings; j != NULL; j = j->next) {
		uint64_t rtt;

		if (j->ident != id || j->req.family != family ||
		    memcmp(j->req.addr, src, family == 4 ? 4 : 16) != 0)
			continue;
		if (seq >= j->sent || j->got[seq])
			return;
		j->got[seq] = true;
		rtt = now - j->sent_us[seq];
		if (j->received == 0 || rtt < j->rtt_min)
			j->rtt_min = rtt;
		if (rtt > j->rtt_max)
			j->rtt_max = rtt;
		j->rtt_sum += rtt;
		if (++j->received == j->sent)
			ping_finish(j);
		return;
	}
}

static void
on_icmp_readable(int fd, uint32_t events, void *arg)
{
	struct privd *pd = arg;
	uint8_t buf[2048];

	(void)events;
	for (;;) {
		struct sockaddr_storage ss;
		struct icmp_echo echo;
		socklen_t sl = sizeof(ss);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fd == pd->icmp4 && ss.ss_family == AF_INET &&
		    icmp_parse_echo_reply(4, buf, (size_t)n, &echo)) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			ping_reply(pd, 4, (const uint8_t *)&sin->sin_addr, &echo);
		} else if (fd == pd->icmp6 && ss.ss_family == AF_INET6 &&
		    icmp_parse_echo_reply(6, buf, (size_t)n, &echo)) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			ping_reply(pd, 6, (const uint8_t *)&sin6->sin6_addr, &echo);
		}
	}
}

void
ping_watch(struct privd *pd)
{
	if (pd->icmp4 >= 0 && ev_add(pd->ev, pd->icmp4, EPOLLIN, on_icmp_readable, pd) < 0)
		fatal("epoll: ICMP socket");
	if (pd->icmp6 >= 0 && ev_add(pd->ev, pd->icmp6, EPOLLIN, on_icmp_readable, pd) < 0)
		fatal("epoll: ICMPv6 socket");
}

void
ping_request(struct privd *pd, const struct msg_ping *m)
{
	struct ping_job *j = xcalloc(1, sizeof(*j));
	uint8_t pkt[8 + 1472];
	size_t plen = 8 + m->size;
	struct sockaddr_storage ss;
	socklen_t sl;
	int sock = m->family == 4 ? pd->icmp4 : pd->icmp6;

	j->pd = pd;
	j->gen = pd->mon_gen;
	j->req = *m;
	j->tfd = -1;
	j->next = pd->pings;
	pd->pings = j;
	pd->npings++;
	if (sock < 0) {
		j->error = (m->family == 4 ? icmp4_errno : icmp6_errno);
		if (j->error == 0)
			j->error = EAFNOSUPPORT;
		ping_finish(j);
		return;
	}
	if (pd->npings > PRIVD_PING_MAX) {
		j->error = EAGAIN;
		ping_finish(j);
		return;
	}
	if (++pd->ping_ident == 0)
		pd->ping_ident = 1;
	j->ident = pd->ping_ident;
	memset(&ss, 0, sizeof(ss));
	if (m->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, m->addr, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, m->addr, 16);
		sl = sizeof(*sin6);
	}
	for (uint16_t seq = 0; seq < m->count && seq < PING_COUNT_MAX; seq++) {
		memset(pkt, 0, plen);
		pkt[0] = m->family == 4 ? ICMP4_ECHO : ICMP6_ECHO_REQUEST;
		pkt[4] = (uint8_t)(j->ident >> 8);
		pkt[5] = (uint8_t)j->ident;
		pkt[6] = (uint8_t)(seq >> 8);
		pkt[7] = (uint8_t)seq;
		for (size_t i = 8; i < plen; i++)
			pkt[i] = (uint8_t)i;
		if (m->family == 4) {
			uint16_t ck = icmp_checksum(pkt, plen);

			pkt[2] = (uint8_t)(ck >> 8);
			pkt[3] = (uint8_t)ck;
		}
		j->sent_us[seq] = now_us();
		if (sendto(sock, pkt, plen, 0, (struct sockaddr *)&ss, sl) < 0) {
			j->error = errno;
			break;
		}
		j->sent++;
	}
	if (j->sent == 0 || (j->tfd = ev_timer_new(pd->ev, on_ping_timeout, j)) < 0) {
		ping_finish(j);
		return;
	}
	ev_timer_set(j->tfd, m->timeout_ms, 0);
}

void
ping_forget_monitor(struct privd *pd)
{
	while (pd->pings != NULL)
		ping_finish(pd->pings);
}
