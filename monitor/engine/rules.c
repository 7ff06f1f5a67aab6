/* Rule windows: "for N cycles", "N times within M cycles" and "else if
 * succeeded [for N cycles]".  Pure functions over a bit history so they can
 * be tested without a service. */
#include "monitor/engine/engine.h"

static void
cycles_norm(const struct cycles *c, int *count, int *within)
{
	int n = c->count > 0 ? c->count : 1;
	int w = c->within > 0 ? c->within : n;

	if (w < n)
		w = n;
	if (w > RULE_HIST_MAX)
		w = RULE_HIST_MAX;
	if (n > w)
		n = w;
	*count = n;
	*within = w;
}

int
rule_count_failed(const struct rulewin *w, int within)
{
	uint64_t mask;
	int span = within;

	if ((uint32_t)span > w->n)
		span = (int)w->n;
	if (span <= 0)
		return 0;
	mask = span >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << span) - 1);
	return __builtin_popcountll(w->hist & mask);
}

static int
rule_count_ok(const struct rulewin *w, int within)
{
	int span = within;

	if ((uint32_t)span > w->n)
		span = (int)w->n;
	return span - rule_count_failed(w, span);
}

bool
rule_is_immediate(const struct rule_actions *ra)
{
	return ra->failed_cycles.count <= 1 && ra->failed_cycles.within <= 1;
}

enum rule_event
rule_step(struct rulewin *w, const struct rule_actions *ra, bool failed)
{
	int count, within;

	w->hist = (w->hist << 1) | (failed ? 1u : 0u);
	if (w->n < RULE_HIST_MAX)
		w->n++;
	if (!w->failed) {
		cycles_norm(&ra->failed_cycles, &count, &within);
		if (failed && rule_count_failed(w, within) >= count) {
			w->failed = true;
			return RULE_FAILED;
		}
		return RULE_OK;
	}
	if (ra->has_succeeded)
		cycles_norm(&ra->succeeded_cycles, &count, &within);
	else
		count = within = 1;
	if (!failed && rule_count_ok(w, within) >= count) {
		w->failed = false;
		return RULE_SUCCEEDED;
	}
	return RULE_STILL_FAILED;
}
