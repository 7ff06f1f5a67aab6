#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buildid.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/util.h"

struct ipc_outq {
	struct ipc_outq *next;
	int fd;			/* dup'd descriptor to pass, or -1 */
	size_t len;
	uint8_t data[];
};

const char *
ipc_violation_name(enum ipc_violation v)
{
	static const char *const names[] = {
		[IPC_V_NONE] = "none",
		[IPC_V_TRUNCATED] = "truncated",
		[IPC_V_OVERSIZE] = "oversize",
		[IPC_V_MAGIC] = "bad magic",
		[IPC_V_VERSION] = "bad version or flags",
		[IPC_V_LENGTH] = "length mismatch",
		[IPC_V_SEQUENCE] = "bad sequence",
		[IPC_V_UNKNOWN_TYPE] = "unknown type",
		[IPC_V_BEFORE_HELLO] = "message before HELLO",
		[IPC_V_SENDER] = "wrong sender",
		[IPC_V_TWO_FDS] = "more than one descriptor",
		[IPC_V_UNEXPECTED_FD] = "unexpected descriptor",
		[IPC_V_MISSING_FD] = "missing descriptor",
		[IPC_V_PAYLOAD_BOUNDS] = "payload length out of bounds",
		[IPC_V_ONCE] = "repeated once-only message",
		[IPC_V_STATE] = "not allowed in this state",
		[IPC_V_DECODE] = "malformed payload",
		[IPC_V_HELLO] = "bad HELLO",
		[IPC_V_RATE] = "rate limit exceeded",
	};

	if ((unsigned)v >= ARRAY_SIZE(names) || names[v] == NULL)
		return "?";
	return names[v];
}

int
ipc_socketpair(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

void
ipc_channel_init(struct ipc_channel *ch, int fd, enum proc_role self,
    enum proc_role peer)
{
	const struct ipc_rule_table *t = ipc_rules_for(self);

	memset(ch, 0, sizeof(*ch));
	ch->fd = fd;
	ch->self = self;
	ch->peer = peer;
	if (t == NULL)
		fatalx("no IPC rule table for %s", proc_role_name(self));
	ch->rules = t->rules;
	token_bucket_init(&ch->rate, 1000, 200);
	ch->outq_max = 4096;
}

void
ipc_channel_close(struct ipc_channel *ch)
{
	while (ch->outq != NULL) {
		struct ipc_outq *q = ch->outq;

		ch->outq = q->next;
		if (q->fd >= 0)
			close(q->fd);
		explicit_bzero(q->data, q->len);
		free(q);
	}
	ch->outq_len = 0;
	if (ch->fd >= 0)
		close(ch->fd);
	ch->fd = -1;
}

size_t
ipc_frame(uint8_t *out, size_t outlen, uint32_t magic, uint8_t version,
    uint16_t type, uint32_t seq, const uint8_t *payload, size_t plen)
{
	uint32_t len32 = (uint32_t)plen;

	if (outlen < IPC_HDR_LEN + plen)
		return 0;
	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(magic >> (8 * i));
		out[8 + i] = (uint8_t)(len32 >> (8 * i));
		out[12 + i] = (uint8_t)(seq >> (8 * i));
	}
	out[4] = version;
	out[5] = 0;
	out[6] = (uint8_t)type;
	out[7] = (uint8_t)(type >> 8);
	/* payload NULL: it is already in place after the header */
	if (plen > 0 && payload != NULL)
		memcpy(out + IPC_HDR_LEN, payload, plen);
	return IPC_HDR_LEN + plen;
}

static int
send_dgram(int sock, const uint8_t *data, size_t len, int fd)
{
	struct iovec iov = { (void *)(uintptr_t)data, len };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsg;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cmsg, 0, sizeof(cmsg));
		mh.msg_control = cmsg.buf;
		mh.msg_controllen = sizeof(cmsg.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		return -1;
	}
}

static int
enqueue(struct ipc_channel *ch, const uint8_t *data, size_t len, int fd)
{
	struct ipc_outq *q, **tail;

	if (ch->outq_len >= ch->outq_max) {
		errno = ENOBUFS;
		return -1;
	}
	q = xmalloc(sizeof(*q) + len);
	q->next = NULL;
	q->len = len;
	q->fd = -1;
	if (fd >= 0 && (q->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		free(q);
		return -1;
	}
	memcpy(q->data, data, len);
	for (tail = &ch->outq; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = q;
	ch->outq_len++;
	return 0;
}

int
ipc_flush(struct ipc_channel *ch)
{
	while (ch->outq != NULL) {
		struct ipc_outq *q = ch->outq;

		if (send_dgram(ch->fd, q->data, q->len, q->fd) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return (int)ch->outq_len;
			return -1;
		}
		ch->outq = q->next;
		ch->outq_len--;
		if (q->fd >= 0)
			close(q->fd);
		explicit_bzero(q->data, q->len);
		free(q);
	}
	return 0;
}

bool
ipc_pending(const struct ipc_channel *ch)
{
	return ch->outq != NULL;
}

int
ipc_send(struct ipc_channel *ch, enum msg_type type, const void *msg, int fd)
{
	static uint8_t dgram[IPC_MAX_DGRAM];
	enum msg_error err;
	size_t plen, total;
	int rc, saved;

	if (ch->fd < 0) {
		errno = EPIPE;
		return -1;
	}
	plen = msg_encode(type, msg, dgram + IPC_HDR_LEN, sizeof(dgram) - IPC_HDR_LEN, &err);
	if (err != MSG_OK) {
		log_warn("ipc: cannot encode %s to %s: %s", msg_type_name(type),
		    proc_role_name(ch->peer), msg_error_name(err));
		errno = EINVAL;
		return -1;
	}
	ch->send_seq++;
	total = ipc_frame(dgram, sizeof(dgram), IPC_MAGIC, IPC_VERSION, (uint16_t)type,
	    ch->send_seq, NULL, plen);
	if (ch->outq == NULL) {
		if (send_dgram(ch->fd, dgram, total, fd) == 0) {
			rc = 0;
			goto out;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			rc = -1;
			goto out;
		}
	}
	rc = enqueue(ch, dgram, total, fd);
	/* Not sent, not queued: the number is not used (a retry after a
	 * flush must not leave a gap the peer takes for an attack). */
	if (rc < 0)
		ch->send_seq--;
out:
	/* The buffer may have held a password (LOGIN): leave nothing behind. */
	saved = errno;
	explicit_bzero(dgram, total);
	errno = saved;
	return rc;
}

int
ipc_send_hello(struct ipc_channel *ch)
{
	struct msg_hello h;

	memset(&h, 0, sizeof(h));
	h.role = (uint8_t)ch->self;
	strlcpy_v(h.build_id, VIGIL_BUILD_ID, sizeof(h.build_id));
	h.pid = (uint32_t)getpid();
	ch->hello_sent = true;
	return ipc_send(ch, MSG_HELLO, &h, -1);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static enum ipc_result
violation(struct ipc_msg *out, enum ipc_violation v, const int *fds, int nfds)
{
	for (int i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	out->violation = v;
	out->fd = -1;
	return IPC_VIOLATION;
}

enum ipc_result
ipc_validate(struct ipc_channel *ch, const uint8_t *dgram, size_t len,
    const int *fds, int nfds, bool ctrunc, bool trunc, struct ipc_msg *out)
{
	const struct ipc_rule *rule;
	uint32_t magic, plen, seq;
	uint16_t type;
	size_t minlen, maxlen;

	out->type = MSG_NONE;
	out->fd = -1;
	out->violation = IPC_V_NONE;
	out->decode_error = MSG_OK;

	if (len < IPC_HDR_LEN)
		return violation(out, IPC_V_TRUNCATED, fds, nfds);
	if (trunc || len > IPC_MAX_DGRAM)
		return violation(out, IPC_V_OVERSIZE, fds, nfds);
	magic = rd32(dgram);
	if (magic != IPC_MAGIC)
		return violation(out, IPC_V_MAGIC, fds, nfds);
	if (dgram[4] != IPC_VERSION || dgram[5] != 0)
		return violation(out, IPC_V_VERSION, fds, nfds);
	plen = rd32(dgram + 8);
	if (plen != len - IPC_HDR_LEN)
		return violation(out, IPC_V_LENGTH, fds, nfds);
	seq = rd32(dgram + 12);
	if (seq != ch->recv_seq + 1)
		return violation(out, IPC_V_SEQUENCE, fds, nfds);
	type = (uint16_t)(dgram[6] | dgram[7] << 8);
	if (!msg_type_known(type))
		return violation(out, IPC_V_UNKNOWN_TYPE, fds, nfds);
	if (!ch->hello_received && type != MSG_HELLO)
		return violation(out, IPC_V_BEFORE_HELLO, fds, nfds);
	rule = &ch->rules[type];
	if ((rule->senders & PROC_BIT(ch->peer)) == 0)
		return violation(out, IPC_V_SENDER, fds, nfds);
	if (ctrunc || nfds > 1)
		return violation(out, IPC_V_TWO_FDS, fds, nfds);
	if (nfds == 1 && !(rule->flags & IPC_F_FD))
		return violation(out, IPC_V_UNEXPECTED_FD, fds, nfds);
	if (nfds == 0 && (rule->flags & IPC_F_FD))
		return violation(out, IPC_V_MISSING_FD, fds, nfds);
	minlen = msg_min_len(type);
	maxlen = msg_max_len(type);
	if (plen < minlen || plen > maxlen)
		return violation(out, IPC_V_PAYLOAD_BOUNDS, fds, nfds);
	if ((rule->flags & IPC_F_ONCE) && (ch->seen_once & (1ull << type)))
		return violation(out, IPC_V_ONCE, fds, nfds);
	if (((rule->flags & IPC_F_BEFORE_SEAL) && ch->sealed) ||
	    ((rule->flags & IPC_F_AFTER_SEAL) && !ch->sealed))
		return violation(out, IPC_V_STATE, fds, nfds);
	out->decode_error = msg_decode(type, dgram + IPC_HDR_LEN, plen, &out->body);
	if (out->decode_error != MSG_OK)
		return violation(out, IPC_V_DECODE, fds, nfds);
	if (type == MSG_HELLO) {
		if (ch->hello_received || out->body.hello.role != ch->peer ||
		    strcmp(out->body.hello.build_id, VIGIL_BUILD_ID) != 0)
			return violation(out, IPC_V_HELLO, fds, nfds);
		ch->hello_received = true;
		ch->peer_pid = out->body.hello.pid;
	}
	if ((rule->flags & IPC_F_RATE) && !token_bucket_take(&ch->rate))
		return violation(out, IPC_V_RATE, fds, nfds);
	/* Accepted: only now does the message count. */
	ch->recv_seq = seq;
	if (rule->flags & IPC_F_ONCE)
		ch->seen_once |= 1ull << type;
	out->type = (enum msg_type)type;
	out->fd = nfds == 1 ? fds[0] : -1;
	return IPC_MSG;
}

enum ipc_result
ipc_recv(struct ipc_channel *ch, struct ipc_msg *out)
{
	static uint8_t dgram[IPC_MAX_DGRAM + 1];
	struct iovec iov = { dgram, sizeof(dgram) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} cmsg;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cmsg.buf, .msg_controllen = sizeof(cmsg.buf),
	};
	int fds[2] = { -1, -1 };
	int nfds = 0;
	enum ipc_result r;
	ssize_t n;

	for (;;) {
		n = recvmsg(ch->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return IPC_AGAIN;
		if (errno == ECONNRESET)
			return IPC_CLOSED;
		return IPC_ERROR;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (nfds < 2)
					fds[nfds] = fd;
				else
					close(fd);
				nfds++;
			}
		}
	}
	if (n == 0 && nfds == 0)
		return IPC_CLOSED;
	if (nfds > 2)
		nfds = 2;
	r = ipc_validate(ch, dgram, (size_t)n, fds, nfds,
	    (mh.msg_flags & MSG_CTRUNC) != 0,
	    (mh.msg_flags & MSG_TRUNC) != 0 || (size_t)n > IPC_MAX_DGRAM, out);
	/* The raw datagram may hold a password (LOGIN): only the decoded copy,
	 * which its handler wipes, outlives this call. */
	explicit_bzero(dgram, (size_t)n < sizeof(dgram) ? (size_t)n : sizeof(dgram));
	return r;
}

enum ipc_result
ipc_recv_wait(struct ipc_channel *ch, struct ipc_msg *out, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);

	for (;;) {
		struct pollfd pfd = { ch->fd, POLLIN, 0 };
		enum ipc_result r = ipc_recv(ch, out);
		uint64_t now;

		if (r != IPC_AGAIN)
			return r;
		now = now_ms();
		if (timeout_ms >= 0 && now >= deadline)
			return IPC_AGAIN;
		if (poll(&pfd, 1, timeout_ms < 0 ? -1 : (int)(deadline - now)) < 0 &&
		    errno != EINTR)
			return IPC_ERROR;
	}
}

bool
ipc_log_sink(enum log_level level, const char *line, void *arg)
{
	struct ipc_channel *ch = arg;
	struct msg_log m;

	if (ch == NULL || ch->fd < 0)
		return false;
	m.level = (uint8_t)level;
	strlcpy_v(m.text, line, sizeof(m.text));
	return ipc_send(ch, MSG_LOG, &m, -1) == 0;
}
