/* The core's glue: where struct core lives, the state file's schedule
 * (debounced saves, one warning for a failing disk), monitor_changed(),
 * signals, and a clean exit. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"
#include "monitor/core/state.h"

/* One monitor per process: monitor_run() and friends find the core from the
 * struct monitor the engine holds. */
static struct core *the_core;

void
core_init(struct core *c, struct monitor *m)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->sigfd = -1;
	c->state_timer = -1;
	c->ctl_fd = -1;
	c->ctl_timer = -1;
	c->ctl_idle_ms = CTL_IDLE_MS;
	c->snap_timer = -1;
	c->webui.ch.fd = -1;
	c->auth.ch.fd = -1;
	c->next_req = 1;
	if (m->cf != NULL) {
		c->statefile = core_statefile(m->cf);
		c->ctl_path = core_control_socket(m->cf);
	}
	the_core = c;
}

struct core *
core_of(struct monitor *m)
{
	if (the_core == NULL || the_core->m != m)
		return NULL;
	return the_core;
}

void
core_state_load(struct core *c)
{
	enum state_result r;
	uint8_t *p;
	size_t n;

	r = state_read(c->statefile, &p, &n, NULL, 0);
	switch (r) {
	case STATE_OK:
		if (!engine_state_decode(c->m->engine, p, n))
			log_err("state file %s: its record is malformed: ignored, "
			    "starting from the control file's defaults", c->statefile);
		else
			log_debug("state restored from %s (%zu bytes)", c->statefile, n);
		state_saved_set(&c->state_saved, p, n);
		free(p);
		break;
	case STATE_MISSING:
		log_debug("no state file %s yet", c->statefile);
		break;
	case STATE_CORRUPT:
	case STATE_ERROR:
		/* state_read said why; start fresh. */
		break;
	}
}

/* At most one save per poll cycle: the state changes every cycle at most
 * in ways that matter, and a disk write per event would be wasteful. */
static uint64_t
state_gap_ms(const struct core *c)
{
	return (uint64_t)(c->m->cf != NULL && c->m->cf->poll_s > 0 ?
	    c->m->cf->poll_s : 30) * 1000u;
}

void
core_state_save(struct core *c)
{
	size_t cap = 64 * 1024, n;
	uint8_t *buf;

	if (c->m->engine == NULL)
		return;
	for (;;) {
		buf = xmalloc(cap);
		n = engine_state_encode(c->m->engine, buf, cap);
		if (n < cap)
			break;
		free(buf);
		if (cap >= STATE_MAX_PAYLOAD) {
			log_err("state record larger than %u bytes: not saved",
			    STATE_MAX_PAYLOAD);
			return;
		}
		cap = n > cap && n < STATE_MAX_PAYLOAD ? n + 1 : cap * 4;
		if (cap > STATE_MAX_PAYLOAD)
			cap = STATE_MAX_PAYLOAD;
	}
	if (state_save(c->statefile, buf, n, &c->state_saved) < 0) {
		/* A full disk is logged once, not every cycle; the old file is
		 * intact and we keep monitoring. */
		if (!c->state_failing)
			log_err("cannot save state file %s: %s (will keep trying; "
			    "the previous state file is intact)", c->statefile,
			    strerror(errno));
		c->state_failing = true;
		/* Still dirty: try again a poll interval from now. */
		if (c->state_timer >= 0)
			ev_timer_set(c->state_timer, state_gap_ms(c), 0);
	} else {
		if (c->state_failing)
			log_info("state file %s saved again", c->statefile);
		c->state_failing = false;
		c->state_dirty = false;
	}
	c->last_save_ms = now_ms();
	free(buf);
}

void
core_state_commit(struct core *c)
{
	if (c->state_dirty)
		core_state_save(c);
}

static void
state_timer_cb(int fd, uint32_t events, void *arg)
{
	struct core *c = arg;

	(void)events;
	ev_timer_ack(fd);
	if (c->state_dirty)
		core_state_save(c);
}

static void
state_schedule(struct core *c)
{
	uint64_t gap = state_gap_ms(c);
	uint64_t now = now_ms(), due;

	if (c->state_dirty)
		return;		/* already scheduled */
	c->state_dirty = true;
	if (c->m->ev == NULL)
		return;
	if (c->state_timer < 0) {
		c->state_timer = ev_timer_new(c->m->ev, state_timer_cb, c);
		if (c->state_timer < 0) {
			log_warn("cannot create state timer: %s", strerror(errno));
			return;
		}
	}
	due = c->last_save_ms + gap;
	ev_timer_set(c->state_timer, due > now ? due - now : 1, 0);
}

void
monitor_changed(struct monitor *m)
{
	struct core *c = core_of(m);

	if (c == NULL)
		return;
	state_schedule(c);
	webpeer_changed(c);
}

void
core_shutdown(struct core *c, int code)
{
	/* Programs in flight ran (privd still reaps them); only their answer
	 * will not reach us.  Not a failure to report: orphan them. */
	if (c->m->engine != NULL)
		engine_orphan_requests(c->m->engine);
	/* privd first: callbacks for requests in flight see it gone. */
	if (c->m->privd.fd >= 0) {
		(void)ipc_flush(&c->m->privd);
		log_set_sink(NULL, NULL);
		ipc_channel_close(&c->m->privd);
	}
	privd_fail_pending(c);
	control_close(c);
	webpeer_close_all(c);
	if (c->state_dirty || c->m->engine != NULL)
		core_state_save(c);
	alert_stop(c->m);	/* says which alerts not on disk are lost */
	exit(code);
}

static void
signal_cb(int fd, uint32_t events, void *arg)
{
	struct core *c = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			/* Reload = a fresh monitor that parses and seals anew:
			 * privd does that.  Save first so nothing is lost. */
			log_info("SIGHUP: saving state and asking privd to reload");
			core_state_save(c);
			if (privd_control(c, CONTROL_RELOAD) < 0)
				core_shutdown(c, 0);
			break;
		case SIGTERM:
		case SIGINT:
			log_info("signal %u: saving state and exiting", si.ssi_signo);
			core_shutdown(c, 0);
			break;
		default:
			break;
		}
	}
}

void
core_signals(struct core *c)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };

	signal(SIGPIPE, SIG_IGN);
	c->sigfd = ev_signals(c->m->ev, sigs, (int)(sizeof(sigs) / sizeof(sigs[0])),
	    signal_cb, c);
	if (c->sigfd < 0)
		fatal("signalfd");
}
