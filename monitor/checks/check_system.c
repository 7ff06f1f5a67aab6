/* The system service: load average, memory, swap and cpu from /proc. */
#include "monitor/engine/engine.h"

/* Load averages are compared in hundredths (a limit of 2.5 is 250). */
static int64_t
system_resource(const struct engine *e, const struct test *t)
{
	const struct sys_stat *st = &e->sys;

	switch (t->resource) {
	case RES_LOADAVG_1: return (int64_t)(st->load[0] * 100.0 + 0.5);
	case RES_LOADAVG_5: return (int64_t)(st->load[1] * 100.0 + 0.5);
	case RES_LOADAVG_15: return (int64_t)(st->load[2] * 100.0 + 0.5);
	case RES_MEMORY:
	case RES_TOTAL_MEMORY: {
		uint64_t used = st->mem_total > st->mem_avail ?
		    st->mem_total - st->mem_avail : 0;

		if (t->unit == UNIT_PERCENT)
			return st->mem_total ? (int64_t)(used * 10000 / st->mem_total) : 0;
		return (int64_t)used;
	}
	case RES_SWAP: {
		uint64_t used = st->swap_total > st->swap_free ?
		    st->swap_total - st->swap_free : 0;

		if (t->unit == UNIT_PERCENT)
			return st->swap_total ? (int64_t)(used * 10000 / st->swap_total) : 0;
		return (int64_t)used;
	}
	case RES_CPU_USER: return (int64_t)(e->sys_cpu_user * 100.0);
	case RES_CPU_SYSTEM: return (int64_t)(e->sys_cpu_system * 100.0);
	case RES_CPU_WAIT: return (int64_t)(e->sys_cpu_wait * 100.0);
	case RES_CPU:
	case RES_TOTAL_CPU:
		return (int64_t)((e->sys_cpu_user + e->sys_cpu_system) * 100.0);
	case RES_FDS:
		if (st->fd_max == 0)
			return -1;
		if (t->unit == UNIT_PERCENT)
			return (int64_t)(st->fd_used * 10000 / st->fd_max);
		return (int64_t)st->fd_used;
	default:
		return -1;
	}
}

void
check_system(struct svc *s, bool scheduled)
{
	if (!scheduled || s->e->sys.mem_total == 0)
		return;
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		int64_t have;

		if (ts->t->kind == TEST_UPTIME) {
			uint64_t up = sys_uptime_s();

			if (up == 0)
				continue;
			svc_test_result(s, ts, cmp_check(ts->t->op, (int64_t)up, ts->t->value),
			    true, "uptime is %llu s (limit %s %lld s)", (unsigned long long)up,
			    cmp_op_str(ts->t->op), (long long)ts->t->value);
			continue;
		}
		if (ts->t->kind != TEST_RESOURCE)
			continue;
		have = system_resource(s->e, ts->t);
		if (have < 0)
			continue;
		{
			char d[160];

			resource_describe(ts->t, have, d, sizeof(d));
			svc_test_result(s, ts, cmp_check(ts->t->op, have, ts->t->value),
			    true, "%s", d);
		}
	}
}
