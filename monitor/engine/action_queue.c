/* The action queue of one service.  Rules of different tests may fire in
 * the same cycle ("if failed uid root then exec A", "if failed gid root then
 * exec B"); Monit runs them one after the other in its cycle, so vigil keeps
 * every action that arrives while the service is busy and runs it, in
 * order, when the one before is done:
 *
 *   - start, stop, restart, monitor and unmonitor wait for the start or stop
 *     program in flight;
 *   - an exec waits for those too, but not for another exec: like Monit,
 *     which spawns an exec and goes on, up to EXEC_PARALLEL_MAX execs of one
 *     service run side by side;
 *   - a start or restart asked for while one is under way (and no stop
 *     waits in between) is the same wish twice and merged.
 *
 * The queue is bounded (ACTION_QUEUE_MAX per service): beyond it an action
 * is dropped and the log says which. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

struct queued_action {
	struct queued_action *next;
	enum action_kind kind;
	const struct command *exec;
	char event[MSG_SHORT_LEN];
	char desc[256];
};

static bool
starting(enum action_kind k)
{
	return k == ACTION_START || k == ACTION_RESTART;
}

bool
action_can_run(const struct svc *s, enum action_kind kind)
{
	if (s->busy != BUSY_NONE)
		return false;
	if (kind == ACTION_EXEC)
		return s->execs_running < EXEC_PARALLEL_MAX;
	return true;
}

/* A start or restart that adds nothing: one is under way or waits, and no
 * stop comes after it. */
static bool
start_is_redundant(const struct svc *s)
{
	bool pending = s->busy == BUSY_START || s->busy == BUSY_RESTART_STOP ||
	    s->after_dependants != NULL;

	for (const struct queued_action *q = s->queue_head; q != NULL; q = q->next) {
		if (starting(q->kind))
			pending = true;
		else if (q->kind == ACTION_STOP || q->kind == ACTION_UNMONITOR)
			pending = false;
	}
	return pending;
}

void
action_enqueue(struct svc *s, enum action_kind kind, const struct command *exec,
    const char *event, const char *desc)
{
	struct queued_action *q;

	if (starting(kind) && start_is_redundant(s)) {
		log_debug("service '%s': %s already under way", s->cf->name,
		    action_name(kind));
		return;
	}
	if (s->queue_len >= ACTION_QUEUE_MAX) {
		log_err("service '%s': %u actions already wait; dropping %s%s%s "
		    "(%s)", s->cf->name, s->queue_len, action_name(kind),
		    exec != NULL && exec->argv != NULL ? " " : "",
		    exec != NULL && exec->argv != NULL ? exec->argv[0] : "",
		    event != NULL ? event : "");
		return;
	}
	q = xcalloc(1, sizeof(*q));
	q->kind = kind;
	q->exec = exec;
	strlcpy_v(q->event, event != NULL ? event : "", sizeof(q->event));
	strlcpy_v(q->desc, desc != NULL ? desc : "", sizeof(q->desc));
	if (s->queue_tail != NULL)
		s->queue_tail->next = q;
	else
		s->queue_head = q;
	s->queue_tail = q;
	s->queue_len++;
	log_debug("service '%s': %s waits for the action in progress (%u queued)",
	    s->cf->name, action_name(kind), s->queue_len);
}

static struct queued_action *
queue_pop(struct svc *s)
{
	struct queued_action *q = s->queue_head;

	if (q == NULL)
		return NULL;
	s->queue_head = q->next;
	if (s->queue_head == NULL)
		s->queue_tail = NULL;
	s->queue_len--;
	return q;
}

void
action_queue_drain(struct svc *s)
{
	/* An action run from here may end at once and call us again: the
	 * outer loop goes on instead. */
	if (s->queue_draining)
		return;
	s->queue_draining = true;
	while (s->queue_head != NULL && action_can_run(s, s->queue_head->kind)) {
		struct queued_action *q = queue_pop(s);

		action_perform(s, q->kind, q->exec, q->event, q->desc);
		free(q);
	}
	s->queue_draining = false;
}

void
action_queue_unmonitored(struct svc *s)
{
	struct queued_action **pp = &s->queue_head;

	s->queue_tail = NULL;
	while (*pp != NULL) {
		struct queued_action *q = *pp;

		if (q->kind == ACTION_EXEC) {
			s->queue_tail = q;
			pp = &q->next;
			continue;
		}
		log_info("service '%s': monitoring disabled: not running the "
		    "queued %s (%s)", s->cf->name, action_name(q->kind), q->event);
		*pp = q->next;
		s->queue_len--;
		free(q);
	}
	if (s->after_dependants != NULL) {
		free(s->after_dependants);
		s->after_dependants = NULL;
	}
}

void
action_queue_free(struct svc *s)
{
	struct queued_action *q;

	while ((q = queue_pop(s)) != NULL)
		free(q);
	free(s->after_dependants);
	s->after_dependants = NULL;
}

/* ---- a start that waits for its dependants to stop ---- */

void
after_dependants_set(struct svc *s, enum action_kind kind, const char *event,
    const char *desc)
{
	struct queued_action *q = s->after_dependants;

	if (q == NULL)
		q = s->after_dependants = xcalloc(1, sizeof(*q));
	/* A restart asked for while a start waits stays a restart. */
	if (q->kind != ACTION_RESTART)
		q->kind = kind;
	strlcpy_v(q->event, event != NULL ? event : "", sizeof(q->event));
	strlcpy_v(q->desc, desc != NULL ? desc : "", sizeof(q->desc));
}

void
after_dependants_resume(struct engine *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct svc *s = &e->s[i];
		struct queued_action *q = s->after_dependants;

		if (q == NULL || s->busy != BUSY_NONE || dependants_stopping(s))
			continue;
		s->after_dependants = NULL;
		action_perform(s, q->kind, NULL, q->event, q->desc);
		free(q);
		action_queue_drain(s);
	}
}
