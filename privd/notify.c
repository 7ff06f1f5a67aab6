/* systemd's readiness protocol, without libsystemd: when the service
 * manager sets NOTIFY_SOCKET (vigil.service, Type=notify), one datagram
 * "READY=1" to that unix socket once the monitor has sealed the table,
 * applied its sandbox, opened the control socket and run its first cycle
 * (it says so with CONTROL ready), and "STOPPING=1" when vigild stops.
 * Without NOTIFY_SOCKET nothing is sent.  The path comes from the service
 * manager, not from a child: privd reads it once at start-up and drops it
 * from its environment. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "privd/privd.h"

static struct sockaddr_un notify_addr;
static socklen_t notify_len;

void
notify_init(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	size_t n;

	if (p == NULL)
		return;
	n = strlen(p);
	/* a path, or '@' for an abstract socket; no room for anything else */
	if ((p[0] != '/' && p[0] != '@') || n < 2 || n >= sizeof(notify_addr.sun_path)) {
		log_warn("NOTIFY_SOCKET '%.60s' is not a unix socket path: not notifying", p);
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, p, n);
	if (p[0] == '@')
		notify_addr.sun_path[0] = '\0';
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (p[0] == '/' ? 1 : 0));
	unsetenv("NOTIFY_SOCKET");
}

void
notify_send(const char *state)
{
	int fd;

	if (notify_len == 0)
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_warn("notify: socket: %s", strerror(errno));
		return;
	}
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (const struct sockaddr *)&notify_addr, notify_len) < 0)
		log_warn("notify: cannot tell the service manager '%s': %s", state,
		    strerror(errno));
	close(fd);
}

void
privd_ready(struct privd *pd)
{
	char msg[64];

	if (pd->state != PD_RUNNING)
		return;
	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%ld", (long)getpid());
	notify_send(msg);
	log_debug("monitor ready (table sealed, first cycle run)");
}
