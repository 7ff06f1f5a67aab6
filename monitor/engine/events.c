/* What a rule step or a person's action means for the alerts: Monit mails
 * on each change of state (failed, recovered, changed), and again while a
 * failure lasts for recipients with a reminder. */
#include <stdio.h>

#include "monitor/engine/engine.h"

static const char *
failed_action(const struct test *t)
{
	return action_name(t->act.failed.kind == ACTION_IGNORE ? ACTION_ALERT :
	    t->act.failed.kind);
}

void
svc_alert_rule(struct svc *s, struct test_state *ts, enum rule_event ev,
    bool scheduled)
{
	const struct test *t = ts->t;
	bool changed = t->op == OP_CHANGED || t->kind == TEST_PID ||
	    t->kind == TEST_PPID;
	struct alert_event a = {
		.svc = s->cf,
		.service = s->cf->name,
		.test = t,
		.description = ts_desc(ts),
	};

	if (t->kind == TEST_MATCH && t->match_ignore)
		return;		/* "ignore match" only filters lines */
	switch (ev) {
	case RULE_FAILED:
		ts->failed_cycles = 0;
		a.state = changed ? ALERT_CHANGED : ALERT_FAILED;
		a.event = test_event_name(t, true);
		a.action = failed_action(t);
		break;
	case RULE_STILL_FAILED:
		if (!scheduled || changed)
			return;
		ts->failed_cycles++;
		a.state = ALERT_STILL_FAILED;
		a.failed_cycles = ts->failed_cycles;
		a.event = test_event_name(t, true);
		a.action = failed_action(t);
		break;
	case RULE_SUCCEEDED:
		if (changed)
			return;
		a.state = ALERT_SUCCEEDED;
		a.event = test_event_name(t, false);
		a.action = action_name(t->act.has_succeeded &&
		    t->act.succeeded.kind != ACTION_IGNORE ?
		    t->act.succeeded.kind : ACTION_ALERT);
		break;
	case RULE_OK:
		return;
	}
	monitor_alert(s->e->m, &a);
}

void
svc_alert_action(struct svc *s, const char *action)
{
	char desc[160];
	struct alert_event a = {
		.svc = s->cf,
		.service = s->cf->name,
		.kind = "action",
		.state = ALERT_CHANGED,
		.event = "Action done",
		.action = action,
		.description = desc,
	};

	snprintf(desc, sizeof(desc), "%s action done", action);
	monitor_alert(s->e->m, &a);
}

void
svc_alert_exec(struct svc *s, bool failed, const char *why)
{
	struct alert_event a = {
		.svc = s->cf,
		.service = s->cf->name,
		.kind = "exec",
		.state = failed ? ALERT_FAILED : ALERT_SUCCEEDED,
		.event = failed ? "Execution failed" : "Execution succeeded",
		.action = "alert",
		.description = why,
	};

	/* Monit mails a change of state, not every failed attempt. */
	if (failed == s->exec_alerted)
		return;
	s->exec_alerted = failed;
	monitor_alert(s->e->m, &a);
}
