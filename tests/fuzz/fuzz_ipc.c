/* libFuzzer target: ipc_validate, the one gate every received datagram goes
 * through, for every receiving process.
 *
 * Input: byte 0 picks the receiver, byte 1 the peer, byte 2 the channel
 * state (HELLO received, sealed), how many descriptors ride along and the
 * MSG_CTRUNC/MSG_TRUNC flags, and whether to repair the header (magic,
 * version, length, sequence) so the fuzzer spends its time in the rules and
 * decoders.  The rest is up to 8 datagrams, each prefixed by a u16 length.
 *
 * Oracles besides the sanitizers: an accepted message has a known type and
 * a rule that admits this peer in this state; descriptors never leak. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
open_null(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipc_msg out;
	static uint8_t dgram[IPC_MAX_DGRAM + 16];
	static bool quiet;
	struct ipc_channel ch;
	enum proc_role self, peer;
	uint8_t st;
	size_t off = 3;

	if (!quiet) {
		log_init("fuzz_ipc", 0);
		/* Keep stderr quiet: the validator does not log, but be sure. */
		quiet = true;
	}
	if (size < 3)
		return 0;
	self = (enum proc_role)(1 + data[0] % PROC_ROLE_MAX);
	peer = (enum proc_role)(1 + data[1] % PROC_ROLE_MAX);
	st = data[2];
	ipc_channel_init(&ch, -1, self, peer);
	ch.hello_received = (st & 1) != 0;
	ch.sealed = (st & 2) != 0;

	for (int n = 0; n < 8 && off + 2 <= size; n++) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
		int fds[2] = { -1, -1 };
		int nfds = (st >> 2) & 3;
		uint32_t before_seq = ch.recv_seq;
		enum ipc_result r;

		off += 2;
		if (len > size - off)
			len = size - off;
		memcpy(dgram, data + off, len);
		off += len;
		if ((st & 0x40) && len >= IPC_HDR_LEN) {
			uint32_t plen = (uint32_t)(len - IPC_HDR_LEN), seq = ch.recv_seq + 1;

			for (int i = 0; i < 4; i++) {
				dgram[i] = (uint8_t)(IPC_MAGIC >> (8 * i));
				dgram[8 + i] = (uint8_t)(plen >> (8 * i));
				dgram[12 + i] = (uint8_t)(seq >> (8 * i));
			}
			dgram[4] = IPC_VERSION;
			dgram[5] = 0;
		}
		if (nfds > 2)
			nfds = 2;
		for (int i = 0; i < nfds; i++)
			fds[i] = open_null();
		r = ipc_validate(&ch, dgram, len, fds, nfds, (st & 0x10) != 0,
		    (st & 0x20) != 0, &out);
		if (r == IPC_MSG) {
			const struct ipc_rule *rule;

			if (!msg_type_known(out.type))
				__builtin_trap();
			rule = &ch.rules[out.type];
			if ((rule->senders & PROC_BIT(peer)) == 0)
				__builtin_trap();
			if ((rule->flags & IPC_F_AFTER_SEAL) && !ch.sealed)
				__builtin_trap();
			if ((rule->flags & IPC_F_BEFORE_SEAL) && ch.sealed)
				__builtin_trap();
			if (ch.recv_seq != before_seq + 1)
				__builtin_trap();
			if (((rule->flags & IPC_F_FD) != 0) != (out.fd >= 0))
				__builtin_trap();
			/* The handler would own the descriptor; the others
			 * (none, with a valid message) are closed by us. */
			if (out.fd >= 0)
				close(out.fd);
			for (int i = 1; i < nfds; i++)
				if (fds[i] >= 0)
					close(fds[i]);
		} else {
			/* A refusal consumes nothing and closes what came. */
			if (ch.recv_seq != before_seq)
				__builtin_trap();
			if (out.fd != -1)
				__builtin_trap();
			for (int i = 0; i < nfds; i++)
				if (fds[i] >= 0 && fcntl(fds[i], F_GETFD) != -1)
					__builtin_trap();
		}
	}
	ipc_channel_close(&ch);
	return 0;
}
