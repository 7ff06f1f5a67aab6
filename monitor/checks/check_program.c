/* "check program": privd runs the program each cycle; its exit status is
 * tested ("if status != 0 then alert") and its output kept for the status. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/engine/engine.h"

struct progreq {
	struct pending link;
};

static void
program_done(const struct msg_run_result *r, void *arg)
{
	struct progreq *pr = arg;
	struct svc *s = pending_take(&pr->link);
	int out_len;
	int32_t status;

	free(pr);
	if (s == NULL)
		return;
	s->program_running = false;
	if (s->monitor == MON_NOT)
		return;
	if (!r->spawned) {
		s->exec_failed = true;
		log_err("service '%s': Execution failed: the program could not be "
		    "run", s->cf->name);
		svc_changed(s);
		return;
	}
	/* A program killed at its timeout failed, as Monit counts it: its
	 * status is what a shell reports for the signal (128 + signal), so
	 * "if status != 0" and "if status > 0" both see it. */
	status = r->status;
	if (r->timed_out) {
		if (status <= 0)
			status = 128 + (status < 0 ? -status : SIGKILL);
		log_err("service '%s': the program timed out after %u ms and was "
		    "killed (status %d)", s->cf->name, r->duration_ms, (int)status);
	}
	s->exec_failed = false;
	{
		size_t n = strnlen(r->output, sizeof(r->output));

		/* the last line's newline is not part of the message */
		while (n > 0 && (r->output[n - 1] == '\n' || r->output[n - 1] == '\r' ||
		    r->output[n - 1] == ' '))
			n--;
		out_len = (int)(n > 200 ? 200 : n);
	}
	free(s->last_output);
	s->last_output = xstrndup(r->output, (size_t)out_len);
	for (char *c = s->last_output; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';	/* one line for the status */
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		const struct test *t = ts->t;
		bool failed;

		if (t->kind != TEST_STATUS)
			continue;
		if (t->op == OP_CHANGED)
			failed = s->have_status && s->last_status != status;
		else
			failed = cmp_check(t->op, status, t->value);
		svc_test_result(s, ts, failed, true, "%sexit status %d%s%.*s",
		    r->timed_out ? "timed out: " : "", (int)status,
		    out_len > 0 ? ": " : "", out_len, r->output);
	}
	s->last_status = status;
	s->have_status = true;
	svc_changed(s);
}

void
check_program(struct svc *s, bool scheduled)
{
	struct msg_run ctx;
	struct progreq *pr;

	if (!scheduled || s->program_running || s->cf->program == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	strlcpy_v(ctx.service, s->cf->name, sizeof(ctx.service));
	strlcpy_v(ctx.event, "Check", sizeof(ctx.event));
	strlcpy_v(ctx.host, s->e->m->hostname, sizeof(ctx.host));
	{
		time_t t = time(NULL);
		struct tm tm;

		if (localtime_r(&t, &tm) != NULL)
			strftime(ctx.date, sizeof(ctx.date), "%a, %d %b %Y %H:%M:%S %z",
			    &tm);
	}
	pr = xcalloc(1, sizeof(*pr));
	pending_add(s->e, &pr->link, s);
	s->program_running = true;
	if (engine_run_program(s, s->cf->program, &ctx, program_done, pr) < 0) {
		pending_take(&pr->link);
		free(pr);
		s->program_running = false;
		s->exec_failed = true;
	}
}
