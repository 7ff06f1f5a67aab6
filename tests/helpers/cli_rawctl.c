/* A hostile client of the monitor's control socket, for the integration
 * tests: it speaks wrongly on purpose and reports whether the monitor hung
 * up on it (it must) and how.
 *
 *   cli_rawctl SOCKET garbage|nohello|badhello|oversize
 *   cli_rawctl SOCKET idle SECONDS     connect, say nothing, hold it open
 *
 * Exit 0: the monitor closed the connection within 5 s (idle: the time is
 * up).  Exit 1: it kept the bad connection open.  Exit 2: could not
 * connect. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buildid.h"
#include "cli/cli.h"
#include "common/ipc.h"
#include "common/msg.h"
#include "common/util.h"

/* Wait for the monitor to close: 0 closed, 1 still open after 5 s. */
static int
wait_closed(int fd)
{
	uint8_t buf[IPC_MAX_DGRAM];
	uint64_t deadline = now_ms() + 5000;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t now = now_ms();
		ssize_t n;

		if (now >= deadline)
			return 1;
		if (poll(&p, 1, (int)(deadline - now)) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 0;
		/* Its HELLO, or a refusal: read on until it hangs up. */
	}
}

static int
send_raw(int fd, uint16_t type, uint32_t seq, const void *msg, size_t structlen)
{
	static uint8_t payload[IPC_MAX_DGRAM], dgram[IPC_MAX_DGRAM];
	enum msg_error err;
	size_t plen = 0, n;

	if (msg != NULL) {
		plen = msg_encode((enum msg_type)type, msg, payload, sizeof(payload), &err);
		if (err != MSG_OK)
			return -1;
	}
	(void)structlen;
	n = ipc_frame(dgram, sizeof(dgram), IPC_MAGIC, IPC_VERSION, type, seq,
	    payload, plen);
	return send(fd, dgram, n, 0) == (ssize_t)n ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct msg_hello hello;
	struct msg_ctl_request req;
	const char *mode;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: cli_rawctl SOCKET garbage|nohello|badhello|oversize|idle N\n");
		return 2;
	}
	mode = argv[2];
	fd = cli_ctl_connect(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "cli_rawctl: connect %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	memset(&hello, 0, sizeof(hello));
	hello.role = PROC_CLI;
	strlcpy_v(hello.build_id, VIGIL_BUILD_ID, sizeof(hello.build_id));
	hello.pid = (uint32_t)getpid();
	memset(&req, 0, sizeof(req));
	req.action = CTL_STATUS;

	if (strcmp(mode, "garbage") == 0) {
		uint8_t junk[512];

		if (getrandom(junk, sizeof(junk), 0) != (ssize_t)sizeof(junk))
			return 2;
		(void)send(fd, junk, sizeof(junk), 0);
	} else if (strcmp(mode, "nohello") == 0) {
		(void)send_raw(fd, MSG_CTL_REQUEST, 1, &req, sizeof(req));
	} else if (strcmp(mode, "badhello") == 0) {
		/* Claims to be privd. */
		hello.role = PROC_PRIVD;
		(void)send_raw(fd, MSG_HELLO, 1, &hello, sizeof(hello));
		(void)send_raw(fd, MSG_CTL_REQUEST, 2, &req, sizeof(req));
	} else if (strcmp(mode, "idle") == 0) {
		printf("idle: connected\n");
		fflush(stdout);
		sleep(argc > 3 ? (unsigned)atoi(argv[3]) : 10);
		return 0;
	} else if (strcmp(mode, "oversize") == 0) {
		static uint8_t big[IPC_MAX_DGRAM + 4096];

		memset(big, 'A', sizeof(big));
		(void)send_raw(fd, MSG_HELLO, 1, &hello, sizeof(hello));
		(void)send(fd, big, sizeof(big), 0);
	} else {
		fprintf(stderr, "cli_rawctl: unknown mode %s\n", mode);
		return 2;
	}
	if (wait_closed(fd) != 0) {
		fprintf(stderr, "cli_rawctl: %s: the monitor kept the connection open\n", mode);
		return 1;
	}
	printf("%s: closed by the monitor\n", mode);
	return 0;
}
