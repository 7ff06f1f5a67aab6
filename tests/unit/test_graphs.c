/* The monitor's graph rings (monitor/core/graphs.c): a point per new check
 * of a graphed, monitored service, a fixed ring, each point handed to a
 * webui once and all of them to a new one, a fresh ring when another
 * service takes the index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/util.h"
#include "monitor/core/graphs.h"

static struct msg_snapshot_service *
svc(const char *name, uint8_t type, uint64_t collected, uint32_t cpu_permille)
{
	static struct msg_snapshot_service s;

	memset(&s, 0, sizeof(s));
	strlcpy_v(s.name, name, sizeof(s.name));
	s.fig.type_code = type;
	s.fig.monitor_code = 1;
	s.fig.collected = collected;
	s.fig.cpu_permille = cpu_permille;
	s.fig.mem_bytes = 2u << 20;
	s.fig.response_us = 777;
	return &s;
}

static void
test_graph_rings(void **state)
{
	static struct graph_point pts[MSG_GRAPH_POINTS];
	struct graphs g = { 0 };
	struct msg_snapshot_service *s;

	(void)state;
	graphs_record(&g, 1, svc("web", MSG_SVC_PROCESS, 1000, 125));
	graphs_record(&g, 1, svc("web", MSG_SVC_PROCESS, 1000, 125));	/* same check */
	assert_int_equal(graphs_take_unsent(&g, 1, pts), 1);
	assert_int_equal(pts[0].t, 1000);
	assert_int_equal(pts[0].v[0], 125);
	assert_int_equal(pts[0].v[1], 2048);			/* KiB */
	assert_int_equal(graphs_take_unsent(&g, 1, pts), 0);	/* sent once */
	assert_int_equal(graphs_take_unsent(&g, 0, pts), 0);	/* no ring there */
	/* not monitored, or never checked: no point */
	s = svc("web", MSG_SVC_PROCESS, 2000, 1);
	s->fig.monitor_code = 0;
	graphs_record(&g, 1, s);
	graphs_record(&g, 1, svc("web", MSG_SVC_PROCESS, 0, 1));
	assert_int_equal(graphs_take_unsent(&g, 1, pts), 0);
	/* more checks than a ring holds: the last MSG_GRAPH_POINTS, in order */
	for (uint32_t i = 1; i <= MSG_GRAPH_POINTS + 30; i++)
		graphs_record(&g, 1, svc("web", MSG_SVC_PROCESS, 2000 + i, i));
	assert_int_equal(graphs_take_unsent(&g, 1, pts), MSG_GRAPH_POINTS);
	assert_int_equal(pts[0].v[0], 31);
	assert_int_equal(pts[MSG_GRAPH_POINTS - 1].v[0], MSG_GRAPH_POINTS + 30);
	/* a new webui gets them all again */
	graphs_resend(&g);
	assert_int_equal(graphs_take_unsent(&g, 1, pts), MSG_GRAPH_POINTS);
	/* a host: its response time; a file: no ring */
	graphs_record(&g, 2, svc("site", MSG_SVC_HOST, 5000, 0));
	assert_int_equal(graphs_take_unsent(&g, 2, pts), 1);
	assert_int_equal(pts[0].v[0], 777);
	graphs_record(&g, 3, svc("conf", MSG_SVC_FILE, 5000, 0));
	assert_int_equal(graphs_take_unsent(&g, 3, pts), 0);
	/* another service at index 1 after a reload: a fresh ring */
	graphs_record(&g, 1, svc("db", MSG_SVC_PROCESS, 9000, 5));
	graphs_resend(&g);
	assert_int_equal(graphs_take_unsent(&g, 1, pts), 1);
	assert_int_equal(pts[0].v[0], 5);
	/* fewer services: the rest freed */
	graphs_trim(&g, 2);
	assert_int_equal(g.n, 2);
	assert_int_equal(graphs_take_unsent(&g, 2, pts), 0);
	graphs_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_rings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
