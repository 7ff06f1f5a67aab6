/* What one test result means for its service: the rule steps, the action it
 * fires (with the back-off of a crash loop), and the status text built from
 * every failing test. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

#define QUICK_DEATHS_FREE 3	/* restarted at once; then backing off */

/* A process that dies right after each start must not be restarted in a
 * tight loop.  A few quick deaths in a row are restarted at once; after
 * that each retry waits twice as long as the one before (1 s, 2 s, 4 s ...
 * up to the poll interval).  A process that lived QUICK_DEATH_MS resets it. */
static void
retry_tick(int fd, uint32_t events, void *arg)
{
	struct svc *s = arg;

	(void)events;
	ev_timer_ack(fd);
	s->retry_armed = false;
	if (s->monitor == MON_NOT || s->busy != BUSY_NONE || s->pid > 0)
		return;
	s->retry_due = true;
	svc_check(s, false);
	s->retry_due = false;
	svc_changed(s);
}

void
svc_retry_reset(struct svc *s)
{
	s->quick_deaths = 0;
	s->retry_due = false;
	if (s->retry_armed && s->retry_tfd >= 0)
		ev_timer_set(s->retry_tfd, 0, 0);
	s->retry_armed = false;
}

static bool
immediate_allowed(struct svc *s, const struct action *a)
{
	uint64_t poll_ms, delay_ms;
	int shift;

	if (a->kind != ACTION_RESTART && a->kind != ACTION_START)
		return true;
	if (s->retry_due || s->quick_deaths <= QUICK_DEATHS_FREE)
		return true;
	if (s->retry_armed)
		return false;
	poll_ms = (uint64_t)(s->e->m->cf && s->e->m->cf->poll_s > 0 ?
	    s->e->m->cf->poll_s : 30) * 1000;
	shift = s->quick_deaths - QUICK_DEATHS_FREE - 1;
	delay_ms = shift >= 16 ? poll_ms : (uint64_t)1000 << shift;
	if (delay_ms > poll_ms)
		delay_ms = poll_ms;
	if (s->retry_tfd < 0)
		s->retry_tfd = ev_timer_new(s->e->m->ev, retry_tick, s);
	if (s->retry_tfd < 0)
		return false;	/* the next cycle retries */
	ev_timer_set(s->retry_tfd, delay_ms, 0);
	s->retry_armed = true;
	log_warn("service '%s': died %d times right after starting; next start "
	    "in %llu ms", s->cf->name, s->quick_deaths,
	    (unsigned long long)delay_ms);
	return false;
}

void
svc_test_result(struct svc *s, struct test_state *ts, bool failed,
    bool scheduled, const char *fmt, ...)
{
	const struct test *t = ts->t;
	enum rule_event ev;
	char desc[TEST_DESC_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	/* Descriptions quote files and peers: keep them one printable line. */
	for (char *p = desc; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (ts->desc == NULL || strcmp(ts->desc, desc) != 0) {
		free(ts->desc);
		ts->desc = xstrdup(desc);
	}
	ts->last_failed = failed;
	if (s->monitor == MON_NOT)
		return;
	/* Counted rules advance only on scheduled cycles. */
	if (!scheduled && !rule_is_immediate(&t->act))
		return;
	ev = rule_step(&ts->win, &t->act, failed);
	svc_alert_rule(s, ts, ev, scheduled);
	switch (ev) {
	case RULE_FAILED:
		/* At error, as Monit logs a failure (syslog priority LOG_ERR). */
		log_err("service '%s': %s: %s", s->cf->name,
		    test_event_name(t, true), ts_desc(ts));
		if (!scheduled && !immediate_allowed(s, &t->act.failed))
			break;
		do_action(s, ts, &t->act.failed, test_event_name(t, true), ts_desc(ts));
		break;
	case RULE_STILL_FAILED:
		/* A process that stays down is retried on every scheduled cycle
		 * (and on each death), like Monit does. */
		if (t->kind == TEST_EXIST && s->cf->type == SVC_PROCESS &&
		    s->pid <= 0 && s->busy == BUSY_NONE &&
		    (scheduled || immediate_allowed(s, &t->act.failed)) &&
		    (t->act.failed.kind == ACTION_RESTART ||
		    t->act.failed.kind == ACTION_START))
			do_action(s, ts, &t->act.failed, test_event_name(t, true),
			    ts_desc(ts));
		else if (t->act.failed.repeat_cycles > 0 && scheduled &&
		    s->cycles_seen % (uint64_t)t->act.failed.repeat_cycles == 0)
			do_action(s, ts, &t->act.failed, test_event_name(t, true),
			    ts_desc(ts));
		break;
	case RULE_SUCCEEDED:
		if (t->op == OP_CHANGED || t->kind == TEST_PID || t->kind == TEST_PPID)
			log_debug("service '%s': %s", s->cf->name,
			    test_event_name(t, false));
		else
			log_info("service '%s': %s: %s", s->cf->name,
			    test_event_name(t, false), ts_desc(ts));
		if (t->act.has_succeeded)
			do_action(s, ts, &t->act.succeeded, test_event_name(t, false),
			    ts_desc(ts));
		break;
	case RULE_OK:
		return;
	}
	svc_changed(s);
}

void
svc_update_status(struct svc *s)
{
	const char *st = NULL;
	size_t len = 0;

	s->status[0] = '\0';
	if (s->monitor == MON_NOT) {
		st = "Not monitored";
	} else if (s->busy == BUSY_START) {
		st = "Start pending";
	} else if (s->busy == BUSY_STOP) {
		st = "Stop pending";
	} else if (s->busy == BUSY_RESTART_STOP) {
		st = "Restart pending";
	} else {
		/* Every failing test, as Monit joins them: "A | B". */
		for (size_t i = 0; i <= s->nts; i++) {
			const char *ev;

			if (i < s->nts) {
				if (!s->ts[i].win.failed)
					continue;
				ev = test_event_name(s->ts[i].t, true);
			} else if (s->exec_failed) {
				ev = "Execution failed";
			} else {
				break;
			}
			if (strstr(s->status, ev) != NULL)
				continue;
			len += (size_t)snprintf(s->status + len, sizeof(s->status) - len,
			    "%s%s", len ? " | " : "", ev);
			if (len >= sizeof(s->status))
				break;
		}
		if (s->status[0] != '\0')
			return;
		st = s->monitor == MON_INIT ? "Initializing" : "OK";
	}
	strlcpy_v(s->status, st, sizeof(s->status));
}

const char *
svc_detail(const struct svc *s)
{
	if (s->monitor == MON_NOT || s->busy == BUSY_START || s->busy == BUSY_STOP ||
	    s->busy == BUSY_RESTART_STOP)
		return "";
	for (size_t i = 0; i < s->nts; i++)
		if (s->ts[i].win.failed)
			return ts_desc(&s->ts[i]);
	return "";
}
