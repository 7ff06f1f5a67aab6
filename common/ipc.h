/* Typed IPC over SOCK_SEQPACKET: one message per datagram.
 *
 * Header (16 bytes, little-endian): u32 magic "VGIL", u8 version, u8 flags
 * (must be 0), u16 type, u32 payload length, u32 sequence (starts at 1, +1 per
 * message, per direction).  At most one descriptor rides along (SCM_RIGHTS).
 *
 * Every received datagram is validated in this fixed order; the first failure
 * is a violation and the caller must close the channel (and, for privd,
 * restart the peer):
 *   1 truncated header      2 oversize datagram      3 bad magic
 *   4 bad version/flags     5 length mismatch        6 bad sequence
 *   7 unknown type          8 message before HELLO   9 wrong sender
 *  10 descriptor rules (two fds, unexpected fd, missing fd)
 *  11 payload length bounds 12 state (once, before/after SEAL)
 *  13 decode (strings, enums, ranges, trailing bytes)
 */
#ifndef VIGIL_IPC_H
#define VIGIL_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "common/msg.h"
#include "common/util.h"

#define IPC_MAGIC	0x4c494756u	/* "VGIL" little-endian */
#define IPC_VERSION	1
#define IPC_HDR_LEN	16
#define IPC_MAX_DGRAM	(64 * 1024)

/* Fixed descriptors in children (privd sets them up before execve). */
#define IPC_FD_PRIVD	3	/* every child: channel to privd */
#define IPC_FD_PEER1	4	/* webui, auth: channel to the monitor */
#define IPC_FD_PEER2	5	/* webui: to auth; auth: to webui */

/* Rule flags. */
#define IPC_F_FD		0x01	/* exactly one descriptor comes with it */
#define IPC_F_ONCE		0x02	/* at most once per channel */
#define IPC_F_BEFORE_SEAL	0x04	/* only before the channel is sealed */
#define IPC_F_AFTER_SEAL	0x08	/* only after the channel is sealed */
#define IPC_F_RATE		0x10	/* counts against the channel's rate limit */
#define IPC_F_SESSION		0x20	/* handler must find a granted session */

struct ipc_rule {
	uint32_t senders;	/* PROC_BIT() of roles that may send it; 0: nobody */
	uint32_t flags;
};

/* A receiver's table: indexed by message type. */
struct ipc_rule_table {
	enum proc_role receiver;
	const struct ipc_rule *rules;	/* MSG_TYPE_MAX + 1 entries */
};

/* policy/ipc_rules.c */
const struct ipc_rule_table *ipc_rules_for(enum proc_role receiver);

enum ipc_violation {
	IPC_V_NONE = 0,
	IPC_V_TRUNCATED,
	IPC_V_OVERSIZE,
	IPC_V_MAGIC,
	IPC_V_VERSION,
	IPC_V_LENGTH,
	IPC_V_SEQUENCE,
	IPC_V_UNKNOWN_TYPE,
	IPC_V_BEFORE_HELLO,
	IPC_V_SENDER,
	IPC_V_TWO_FDS,
	IPC_V_UNEXPECTED_FD,
	IPC_V_MISSING_FD,
	IPC_V_PAYLOAD_BOUNDS,
	IPC_V_ONCE,
	IPC_V_STATE,
	IPC_V_DECODE,
	IPC_V_HELLO,		/* wrong role or build id in HELLO */
	IPC_V_RATE,
};
const char *ipc_violation_name(enum ipc_violation v);

enum ipc_result {
	IPC_MSG,		/* a valid message is in *out */
	IPC_AGAIN,		/* nothing to read now */
	IPC_CLOSED,		/* peer closed the channel */
	IPC_VIOLATION,		/* out->violation says why: close the channel */
	IPC_ERROR,		/* system error reading (errno) */
};

struct ipc_msg {
	enum msg_type type;
	int fd;			/* -1 unless the rule says IPC_F_FD */
	enum ipc_violation violation;
	enum msg_error decode_error;
	union msg_body body;
};

struct ipc_outq;

struct ipc_channel {
	int fd;
	enum proc_role self;
	enum proc_role peer;
	const struct ipc_rule *rules;
	bool hello_sent;
	bool hello_received;
	bool sealed;		/* the receiver's state; set by the owner */
	uint32_t send_seq;
	uint32_t recv_seq;
	uint32_t peer_pid;
	uint64_t seen_once;	/* bit per type of IPC_F_ONCE messages received */
	/* token bucket for IPC_F_RATE messages */
	struct token_bucket rate;
	struct ipc_outq *outq;	/* messages waiting for the socket to drain */
	size_t outq_len;
	size_t outq_max;
};

/* Socketpair of SOCK_SEQPACKET, both ends close-on-exec. */
int ipc_socketpair(int fds[2]);

void ipc_channel_init(struct ipc_channel *ch, int fd, enum proc_role self,
    enum proc_role peer);
/* Release the queue and close the descriptor. */
void ipc_channel_close(struct ipc_channel *ch);

/* Send HELLO with this build's id. */
int ipc_send_hello(struct ipc_channel *ch);

/* Encode and send; a full socket queues the message (bounded: overflow
 * returns -1 and the caller should treat the peer as stuck).  fd (or -1) is
 * passed with SCM_RIGHTS; the caller keeps its copy. */
int ipc_send(struct ipc_channel *ch, enum msg_type type, const void *msg, int fd);
/* Try to send what is queued; returns the number still queued, -1 on error. */
int ipc_flush(struct ipc_channel *ch);
bool ipc_pending(const struct ipc_channel *ch);

/* Read one datagram (non-blocking or blocking per the descriptor). */
enum ipc_result ipc_recv(struct ipc_channel *ch, struct ipc_msg *out);

/* Validate a datagram already read: the core of ipc_recv, exposed for tests
 * and fuzzing.  nfds is the number of descriptors that came with it (they are
 * in fds; on a violation this function closes them), ctrunc/trunc are the
 * MSG_CTRUNC/MSG_TRUNC flags. */
enum ipc_result ipc_validate(struct ipc_channel *ch, const uint8_t *dgram,
    size_t len, const int *fds, int nfds, bool ctrunc, bool trunc,
    struct ipc_msg *out);

/* Write a header (and copy the payload unless it is NULL, i.e. already in
 * place at out + IPC_HDR_LEN).  No validation: tests build bad frames with it. */
size_t ipc_frame(uint8_t *out, size_t outlen, uint32_t magic, uint8_t version,
    uint16_t type, uint32_t seq, const uint8_t *payload, size_t plen);

/* Blocking helper: receive until a message of `type` arrives or timeout_ms
 * passes; other valid messages are returned as IPC_MSG too (check type). */
enum ipc_result ipc_recv_wait(struct ipc_channel *ch, struct ipc_msg *out, int timeout_ms);

/* A log sink for children: sends the line to privd over ch. */
bool ipc_log_sink(enum log_level level, const char *line, void *ch);

#endif
