/* The CLI's side of the control socket: HELLO, one CTL_REQUEST, then
 * CTL_OUTPUT chunks until CTL_DONE.  The monitor runs as a less privileged
 * user than a root CLI, so its bytes are validated by the IPC layer and its
 * text is made harmless before it reaches a terminal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/ipc.h"
#include "common/util.h"

/* The parent of pid (the monitor's parent is vigild), or -1. */
static long
parent_of(long pid)
{
	char path[64], line[256];
	long ppid = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "PPid: %ld", &ppid) == 1)
			break;
	fclose(f);
	return ppid;
}

int
cli_ctl_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strlcpy_v(sun.sun_path, path, sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Escape sequences in a status line could rewrite the user's terminal:
 * C0 controls (but newline and tab), DEL and the UTF-8 encodings of the C1
 * controls (U+0080..U+009F) become '?'. */
void
cli_print_sanitized(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	for (; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\t')
			fputc(*p, out);
		else if (*p < 0x20 || *p == 0x7f)
			fputc('?', out);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', out);
			p++;
		} else
			fputc(*p, out);
	}
}

int
cli_ctl_converse(int fd, const struct msg_ctl_request *req, FILE *out,
    FILE *err, int timeout_ms)
{
	struct ipc_channel ch;
	struct ipc_msg msg;
	int code = 1, send_errno = 0;

	ipc_channel_init(&ch, fd, PROC_CLI, PROC_MONITOR);
	/* A refused caller's connection may already be closed by the time the
	 * request goes out: the answer (HELLO, CTL_DONE "permission denied")
	 * is still waiting to be read, so read before reporting the send. */
	if (ipc_send_hello(&ch) < 0 || ipc_send(&ch, MSG_CTL_REQUEST, req, -1) < 0 ||
	    ipc_flush(&ch) != 0)
		send_errno = errno != 0 ? errno : EPIPE;
	for (;;) {
		enum ipc_result r = ipc_recv_wait(&ch, &msg, timeout_ms);

		switch (r) {
		case IPC_MSG:
			break;
		case IPC_AGAIN:
			fprintf(err, "vigil: no answer from the vigil daemon within "
			    "%d seconds\n", timeout_ms / 1000);
			goto done;
		case IPC_CLOSED:
			if (send_errno != 0)
				fprintf(err, "vigil: cannot send the request to the "
				    "vigil daemon: %s\n", strerror(send_errno));
			else
				fprintf(err, "vigil: the vigil daemon closed the "
				    "connection without an answer\n");
			goto done;
		case IPC_ERROR:
			fprintf(err, "vigil: reading from the vigil daemon: %s\n",
			    strerror(errno));
			goto done;
		case IPC_VIOLATION:
			if (msg.violation == IPC_V_HELLO) {
				long vigild = parent_of((long)msg.body.hello.pid);

				if (vigild > 1)
					fprintf(err, "vigil: the running daemon is from "
					    "another build of vigil: stop it (kill %ld) and "
					    "start this one\n", vigild);
				else
					fprintf(err, "vigil: the running daemon is from "
					    "another build of vigil: stop vigild and start "
					    "this one\n");
			} else
				fprintf(err, "vigil: protocol error from the vigil daemon: "
				    "%s\n", ipc_violation_name(msg.violation));
			goto done;
		}
		switch (msg.type) {
		case MSG_HELLO:
			continue;
		case MSG_CTL_OUTPUT:
			cli_print_sanitized(out, msg.body.ctl_output.text);
			continue;
		case MSG_CTL_DONE:
			fflush(out);
			code = msg.body.ctl_done.code;
			if (code == 0 && msg.body.ctl_done.message[0] != '\0') {
				cli_print_sanitized(out, msg.body.ctl_done.message);
				fputc('\n', out);
			}
			if (code != 0) {
				if (msg.body.ctl_done.message[0] != '\0') {
					fputs("vigil: ", err);
					cli_print_sanitized(err, msg.body.ctl_done.message);
					fputc('\n', err);
				}
				/* An exit status is one byte; never let a
				 * failure wrap around to success. */
				if (code < 0 || code > 255)
					code = 1;
			}
			goto done;
		default:
			/* The rule table admits nothing else. */
			fprintf(err, "vigil: unexpected message from the vigil daemon\n");
			goto done;
		}
	}
done:
	fflush(out);
	ipc_channel_close(&ch);
	return code;
}
