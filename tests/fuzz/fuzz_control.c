/* libFuzzer target: the control socket's request handler
 * (monitor/core/control.c) as a CLI peer reaches it: a connection is
 * accepted (a socketpair: the peer is this process, so root, allowed
 * everything), then up to 8 datagrams of the input are sent to it and the
 * monitor's loop runs.  Every action runs against a small engine (two
 * services) with no privd: programs cannot start, the engine says so.
 *
 * Input: byte 0 bit 0 set: send this build's HELLO first and repair each
 * datagram's header (magic, version, length, sequence) so the fuzzer spends
 * its time in the decoders and the actions; then datagrams, each a u16
 * length (little-endian) and bytes.
 * Oracles: the sanitizers; the answer stream is well-formed (the peer's
 * own IPC validation accepts every datagram the monitor sends); the client
 * slot is freed when the peer hangs up. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "monitor/core/core.h"
#include "monitor/monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct monitor m;
static struct config cf;
static struct service svc_a, svc_b;
static struct test ck;
static struct core core;

static bool
quiet(enum log_level level, const char *line, void *arg)
{
	(void)level; (void)line; (void)arg;
	return true;
}

static char dir[] = "/tmp/vigil-fuzzctl-XXXXXX";
static char statepath[64], sockpath[64];

/* The state file the actions save, and its directory, go at exit. */
static void
remove_dir(void)
{
	unlink(statepath);
	rmdir(dir);
}

static void
init_once(void)
{
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(remove_dir);
	snprintf(statepath, sizeof(statepath), "%s/state", dir);
	snprintf(sockpath, sizeof(sockpath), "%s/ctl.sock", dir);
	log_set_sink(quiet, NULL);
	svc_a.name = (char *)"demo";
	svc_a.type = SVC_PROCESS;
	svc_a.path = (char *)"/nonexistent.pid";
	svc_a.next = &svc_b;
	svc_b.name = (char *)"conf";
	svc_b.type = SVC_FILE;
	svc_b.path = (char *)"/nonexistent-file";
	svc_b.tests = &ck;
	ck.kind = TEST_CHECKSUM;
	ck.hash = HASH_MD5;
	ck.op = OP_NE;
	cf.services = &svc_a;
	cf.nservices = 2;
	cf.poll_s = 30;
	cf.statefile = statepath;
	cf.control_socket = sockpath;
	m.cf = &cf;
	m.privd.fd = -1;
	m.ev = ev_new();
	core_init(&core, &m);
	m.engine = engine_new(&m);
}

/* Read what the monitor sent; every datagram must pass the CLI's checks. */
static void
drain(struct ipc_channel *cli)
{
	static struct ipc_msg in;

	for (;;) {
		enum ipc_result r = ipc_recv(cli, &in);

		if (r == IPC_AGAIN || r == IPC_CLOSED || r == IPC_ERROR)
			return;
		if (r == IPC_VIOLATION) {
			fprintf(stderr, "the monitor sent a bad datagram: %s\n",
			    ipc_violation_name(in.violation));
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dgram[IPC_MAX_DGRAM];
	struct ipc_channel cli;
	size_t off = 1;
	uint32_t seq = 0;
	int sv[2];

	if (m.ev == NULL)
		init_once();
	if (size < 1)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	control_accept_fd(&core, sv[0]);
	ipc_channel_init(&cli, sv[1], PROC_CLI, PROC_MONITOR);
	/* Repairing: the CLI's own HELLO first (it names this build). */
	if (data[0] & 1) {
		if (ipc_send_hello(&cli) < 0 || ipc_flush(&cli) != 0)
			abort();
		seq = cli.send_seq;
	}
	for (int k = 0; k < 8 && off + 2 <= size; k++) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;

		off += 2;
		if (len > size - off)
			len = size - off;
		if (len > sizeof(dgram))
			len = sizeof(dgram);
		memcpy(dgram, data + off, len);
		off += len;
		if ((data[0] & 1) && len >= IPC_HDR_LEN) {
			uint32_t plen = (uint32_t)(len - IPC_HDR_LEN);

			seq++;
			dgram[0] = (uint8_t)IPC_MAGIC;
			dgram[1] = (uint8_t)(IPC_MAGIC >> 8);
			dgram[2] = (uint8_t)(IPC_MAGIC >> 16);
			dgram[3] = (uint8_t)(IPC_MAGIC >> 24);
			dgram[4] = IPC_VERSION;
			dgram[5] = 0;
			for (int i = 0; i < 4; i++) {
				dgram[8 + i] = (uint8_t)(plen >> (8 * i));
				dgram[12 + i] = (uint8_t)(seq >> (8 * i));
			}
		}
		(void)send(sv[1], dgram, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		for (int i = 0; i < 3; i++)
			ev_run_once(m.ev, 0);
		drain(&cli);
	}
	ipc_channel_close(&cli);
	for (int i = 0; i < 4; i++)
		ev_run_once(m.ev, 0);
	/* the slot is free once the peer hung up */
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (core.ctl[i].used) {
			fprintf(stderr, "client slot %zu still used after the peer closed\n", i);
			abort();
		}
	return 0;
}
