#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/event.h"
#include "common/log.h"
#include "common/util.h"

struct ev_handler {
	ev_cb cb;
	void *arg;
	bool used;
};

struct ev_loop {
	int epfd;
	bool stop;
	struct ev_handler *h;	/* indexed by fd */
	size_t nh;
};

struct ev_loop *
ev_new(void)
{
	struct ev_loop *ev = xcalloc(1, sizeof(*ev));

	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0)
		fatal("epoll_create1");
	return ev;
}

void
ev_free(struct ev_loop *ev)
{
	if (ev == NULL)
		return;
	close(ev->epfd);
	free(ev->h);
	free(ev);
}

int
ev_add(struct ev_loop *ev, int fd, uint32_t events, ev_cb cb, void *arg)
{
	struct epoll_event e = { .events = events, .data.fd = fd };

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((size_t)fd >= ev->nh) {
		size_t n = (size_t)fd + 64;

		ev->h = xreallocarray(ev->h, n, sizeof(*ev->h));
		memset(ev->h + ev->nh, 0, (n - ev->nh) * sizeof(*ev->h));
		ev->nh = n;
	}
	if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		return -1;
	ev->h[fd] = (struct ev_handler){ cb, arg, true };
	return 0;
}

int
ev_mod(struct ev_loop *ev, int fd, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.fd = fd };

	return epoll_ctl(ev->epfd, EPOLL_CTL_MOD, fd, &e);
}

int
ev_del(struct ev_loop *ev, int fd)
{
	if (fd >= 0 && (size_t)fd < ev->nh)
		ev->h[fd].used = false;
	return epoll_ctl(ev->epfd, EPOLL_CTL_DEL, fd, NULL);
}

int
ev_timer_new(struct ev_loop *ev, ev_cb cb, void *arg)
{
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (tfd < 0)
		return -1;
	if (ev_add(ev, tfd, EPOLLIN, cb, arg) < 0) {
		close(tfd);
		return -1;
	}
	return tfd;
}

int
ev_timer_set(int tfd, uint64_t first_ms, uint64_t interval_ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(first_ms / 1000);
	its.it_value.tv_nsec = (long)(first_ms % 1000) * 1000000L;
	its.it_interval.tv_sec = (time_t)(interval_ms / 1000);
	its.it_interval.tv_nsec = (long)(interval_ms % 1000) * 1000000L;
	return timerfd_settime(tfd, 0, &its, NULL);
}

uint64_t
ev_timer_ack(int tfd)
{
	uint64_t n = 0;

	if (read(tfd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

int
ev_signals(struct ev_loop *ev, const int *sigs, int nsigs, ev_cb cb, void *arg)
{
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	for (int i = 0; i < nsigs; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		return -1;
	if (ev_add(ev, sfd, EPOLLIN, cb, arg) < 0) {
		close(sfd);
		return -1;
	}
	return sfd;
}

int
ev_run_once(struct ev_loop *ev, int timeout_ms)
{
	struct epoll_event evs[64];
	int n = epoll_wait(ev->epfd, evs, 64, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n && !ev->stop; i++) {
		int fd = evs[i].data.fd;

		/* A handler may have removed this fd earlier in the batch. */
		if ((size_t)fd < ev->nh && ev->h[fd].used)
			ev->h[fd].cb(fd, evs[i].events, ev->h[fd].arg);
	}
	return 0;
}

int
ev_run(struct ev_loop *ev)
{
	while (!ev->stop)
		if (ev_run_once(ev, -1) < 0)
			return -1;
	return 0;
}

void
ev_stop(struct ev_loop *ev)
{
	ev->stop = true;
}

bool
ev_stopped(const struct ev_loop *ev)
{
	return ev->stop;
}

void
ev_close(struct ev_loop *ev, int *fd)
{
	if (*fd < 0)
		return;
	ev_del(ev, *fd);
	close(*fd);
	*fd = -1;
}

bool
ev_drain(struct ev_loop *ev, int *fd, void (*feed)(void *arg, const char *buf, size_t n),
    void *arg)
{
	char buf[4096];

	while (*fd >= 0) {
		ssize_t n = read(*fd, buf, sizeof(buf));

		if (n > 0) {
			feed(arg, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		ev_close(ev, fd);
	}
	return true;
}
