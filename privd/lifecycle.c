/* privd's life cycle: reload (SIGHUP, CONTROL reload) and shutdown
 * (SIGTERM, SIGINT, CONTROL quit).  Both first stop every child: SIGTERM,
 * SIGKILL after STOP_GRACE_MS.  Reload then starts a fresh monitor (a new
 * execve that parses anew and seals a new table) while programs already
 * running go on; shutdown waits for running programs (each bounded by its
 * timeout), removes the pidfile and leaves the loop. */
#include <signal.h>

#include "common/util.h"
#include "privd/privd.h"

static void
finish(struct privd *pd)
{
	pidfile_remove();
	log_info("vigild exiting");
	logw_close();
	ev_stop(pd->ev);
}

void
privd_programs_gone(struct privd *pd)
{
	if (pd->state == PD_STOPPING && !child_any_running(pd) && pd->nrunning == 0)
		finish(pd);
}

void
privd_child_gone(struct privd *pd)
{
	if (child_any_running(pd))
		return;
	ev_timer_set(pd->stop_tfd, 0, 0);
	if (pd->state == PD_STOPPING) {
		/* A program still running is finished, not abandoned: it ends
		 * by itself or at its timeout (SIGTERM to its process group,
		 * SIGKILL 2 s later), then vigild exits. */
		if (pd->nrunning > 0)
			log_info("waiting for %zu program%s to end (at most %s timeout)",
			    pd->nrunning, pd->nrunning == 1 ? "" : "s",
			    pd->nrunning == 1 ? "its" : "their");
		privd_programs_gone(pd);
		return;
	}
	if (pd->state == PD_RELOADING) {
		pd->state = PD_RUNNING;
		pd->user_switched = false;
		pd->child[CHILD_MONITOR].backoff_ms = BACKOFF_MIN_MS;
		child_spawn_monitor(pd);
	}
}

static void
stop_children(struct privd *pd)
{
	for (int i = 0; i < CHILD_COUNT; i++)
		ev_timer_set(pd->restart_tfd[i], 0, 0);
	child_stop_all(pd, SIGTERM);
	ev_timer_set(pd->stop_tfd, STOP_GRACE_MS, 0);
	privd_child_gone(pd);
}

void
privd_shutdown(struct privd *pd, const char *why)
{
	if (pd->state == PD_STOPPING)
		return;
	log_info("%s: stopping", why);
	notify_send("STOPPING=1");
	pd->state = PD_STOPPING;
	stop_children(pd);
}

void
privd_reload(struct privd *pd, const char *why)
{
	if (pd->state != PD_RUNNING)
		return;
	log_info("%s: restarting the monitor (fresh parse, new sealed table)", why);
	ids_flush();
	pd->state = PD_RELOADING;
	stop_children(pd);
}

void
privd_stop_timeout(int fd, uint32_t events, void *arg)
{
	struct privd *pd = arg;

	(void)events;
	if (ev_timer_ack(fd) == 0)
		return;	/* stale event: the fd number was reused */
	for (int i = 0; i < CHILD_COUNT; i++)
		if (pd->child[i].pid > 0) {
			log_warn("%s (pid %d) did not stop in %d s: SIGKILL", pd->child[i].name,
			    (int)pd->child[i].pid, STOP_GRACE_MS / 1000);
			child_kill(&pd->child[i], SIGKILL);
		}
}
