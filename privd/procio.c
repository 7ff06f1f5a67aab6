/* MSG_PROC_IO: the bytes of /proc/PID/io for the monitor, which may not
 * read another user's (the kernel checks ptrace access at read time, so an
 * fd opened here would not help it).  Read-only, bounded, unparsed: the
 * monitor parses (monitor/checks/proc.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privd/privd.h"

/* One file into text (at most size - 1 bytes, NUL-terminated); 0 or errno. */
static int
read_io_file(int procfd, uint32_t pid, char *text, size_t size)
{
	char name[32];
	size_t len = 0;
	int fd, err = 0;

	text[0] = '\0';
	if (pid == 0 || pid > MSG_PID_MAX)
		return EINVAL;
	snprintf(name, sizeof(name), "%u/io", (unsigned)pid);
	/* a numeric directory of /proc, never a link: O_NOFOLLOW on the file */
	fd = openat(procfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno;
	while (len < size - 1) {
		ssize_t n = read(fd, text + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	if (err != 0)
		text[0] = '\0';
	return err;
}

void
proc_io_request(struct privd *pd, const struct msg_proc_io *m)
{
	static struct msg_proc_io_result r;
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(&r, 0, sizeof(r));
	r.req = m->req;
	r.ntext = m->npids;
	for (uint16_t i = 0; i < m->npids && i < MSG_PROC_IO_MAX; i++)
		r.error[i] = procfd < 0 ? errno : read_io_file(procfd, m->pid[i],
		    r.text[i], sizeof(r.text[i]));
	if (procfd >= 0)
		close(procfd);
	privd_send_monitor(pd, MSG_PROC_IO_RESULT, &r, -1);
}
