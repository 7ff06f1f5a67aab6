/* One epoll loop per process: descriptors, timers (timerfd) and signals
 * (signalfd) all arrive as readable descriptors. */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

typedef void (*ev_cb)(int fd, uint32_t events, void *arg);

struct ev_loop;

struct ev_loop *ev_new(void);
void ev_free(struct ev_loop *ev);
/* Watch fd for events (EPOLLIN, EPOLLOUT, ...).  The loop does not own fd. */
int ev_add(struct ev_loop *ev, int fd, uint32_t events, ev_cb cb, void *arg);
int ev_mod(struct ev_loop *ev, int fd, uint32_t events);
int ev_del(struct ev_loop *ev, int fd);
/* Stop watching *fd, close it and set it to -1 (nothing when already -1). */
void ev_close(struct ev_loop *ev, int *fd);
/* Read a non-blocking *fd until it would block, handing each chunk to
 * feed; at end of file or an error, ev_close it.  True when it was closed. */
bool ev_drain(struct ev_loop *ev, int *fd, void (*feed)(void *arg, const char *buf,
    size_t n), void *arg);
/* A timerfd in the loop; returns the fd (the caller closes it after ev_del). */
int ev_timer_new(struct ev_loop *ev, ev_cb cb, void *arg);
/* Arm: first expiry after first_ms (0 disarms), then every interval_ms (0: once). */
int ev_timer_set(int tfd, uint64_t first_ms, uint64_t interval_ms);
/* Read a timerfd's expiry count (call in its callback). */
uint64_t ev_timer_ack(int tfd);
/* Block sigs and deliver them through a signalfd; returns the fd.  In the
 * callback, read struct signalfd_siginfo from fd. */
int ev_signals(struct ev_loop *ev, const int *sigs, int nsigs, ev_cb cb, void *arg);
/* Run until ev_stop(); timeout_ms per wait (-1 forever).  Returns 0, or -1 on
 * an epoll error. */
int ev_run(struct ev_loop *ev);
/* Run one wait of at most timeout_ms and dispatch what came. */
int ev_run_once(struct ev_loop *ev, int timeout_ms);
void ev_stop(struct ev_loop *ev);
bool ev_stopped(const struct ev_loop *ev);

#endif
