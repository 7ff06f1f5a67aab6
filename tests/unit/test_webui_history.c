/* The service page's graphs: a point per new check in a fixed ring, rings
 * of services gone freed, SVG with the points the ring holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "webui/webui.h"

/* hist_snap: a one-service snapshot of that type bringing one graph point
 * (time collected; cpu_permille the first value of a process), in the
 * units MSG_SNAPSHOT_POINT names. */
static void
hist_snap(struct snapshot *sn, const char *name, uint8_t type, uint64_t collected,
    uint32_t cpu_permille)
{
	static struct snap_service v;
	static struct msg_snapshot_point pt;

	memset(sn, 0, sizeof(*sn));
	memset(&v, 0, sizeof(v));
	memset(&pt, 0, sizeof(pt));
	v.name = (char *)(uintptr_t)name;
	v.fig.type_code = type;
	v.fig.monitor_code = 1;
	v.fig.collected = collected;
	pt.t = (uint32_t)collected;
	switch (type) {
	case MSG_SVC_PROCESS:
		pt.v[0] = cpu_permille;
		pt.v[1] = 3072;			/* KiB */
		break;
	case MSG_SVC_SYSTEM:
		pt.v[1] = 250;			/* permille */
		pt.v[2] = 150;			/* load, hundredths */
		break;
	case MSG_SVC_HOST:
		pt.v[0] = 12500;		/* us */
		break;
	case MSG_SVC_FILESYSTEM:
		pt.v[0] = 423;
		pt.v[1] = 17;
		break;
	}
	v.pts = &pt;
	v.npts = 1;
	sn->valid = true;
	sn->count = 1;
	sn->svc = &v;
}

/* Graphs: the points each snapshot brings, a fixed ring, rings of
 * services gone freed, SVG with as many points as the ring holds. */
static void
test_history(void **state)
{
	struct history hs = { 0 };
	struct snapshot sn;
	const struct svc_hist *h;
	struct obuf b;

	(void)state;
	hist_snap(&sn, "web", 0, 1000, 125);
	history_update(&hs, &sn);
	sn.svc[0].npts = 0;
	history_update(&hs, &sn);		/* no new point: none added */
	h = history_find(&hs, "web");
	assert_non_null(h);
	assert_int_equal(h->n, 1);
	assert_true(h->p[0].v[0] > 12.4f && h->p[0].v[0] < 12.6f);	/* % */
	assert_true(h->p[0].v[1] > 2.9f && h->p[0].v[1] < 3.1f);	/* MiB */
	for (unsigned i = 1; i < HIST_POINTS + 10; i++) {
		hist_snap(&sn, "web", 0, 1000 + 30 * (uint64_t)i, i);
		history_update(&hs, &sn);
	}
	h = history_find(&hs, "web");
	assert_int_equal(h->n, HIST_POINTS);	/* bounded */
	obuf_init(&b, 1 << 20);
	history_svg(&b, h);
	assert_non_null(memmem(b.data, b.len, "<svg", 4));
	assert_non_null(memmem(b.data, b.len, "<polyline", 9));
	{
		/* HIST_POINTS points in the first polyline: one comma each */
		const char *p = memmem(b.data, b.len, "points=\"", 8);
		size_t commas = 0;

		assert_non_null(p);
		for (p += 8; *p != '"'; p++)
			commas += *p == ',';
		assert_int_equal(commas, HIST_POINTS);
	}
	obuf_free(&b);
	/* A system service: cpu, memory %, load. */
	hist_snap(&sn, "host", 6, 5000, 0);
	history_update(&hs, &sn);
	assert_null(history_find(&hs, "web"));	/* gone from the snapshot: freed */
	h = history_find(&hs, "host");
	assert_non_null(h);
	assert_true(h->p[0].v[1] > 24.9f && h->p[0].v[1] < 25.1f);
	assert_true(h->p[0].v[2] > 1.49f && h->p[0].v[2] < 1.51f);
	/* Files and the like have no ring. */
	hist_snap(&sn, "conf", 1, 6000, 0);
	history_update(&hs, &sn);
	assert_null(history_find(&hs, "conf"));
	assert_int_equal(hs.n, 0);
	history_free(&hs);
}

/* A host's graph is its response time, a filesystem's the space and the
 * inodes in use; each kind draws its own graphs and no other. */
static void
test_history_hosts_and_filesystems(void **state)
{
	struct history hs = { 0 };
	struct snapshot sn;
	struct obuf b;

	(void)state;
	hist_snap(&sn, "site", MSG_SVC_HOST, 1000, 0);
	history_update(&hs, &sn);
	obuf_init(&b, 1 << 20);
	history_svg(&b, history_find(&hs, "site"));
	assert_non_null(strstr(b.data, "<figcaption>Response time: 12.50 ms"));
	assert_null(strstr(b.data, "CPU"));
	assert_null(strstr(b.data, "Memory"));
	obuf_free(&b);
	hist_snap(&sn, "root", MSG_SVC_FILESYSTEM, 2000, 0);
	history_update(&hs, &sn);
	assert_null(history_find(&hs, "site"));
	obuf_init(&b, 1 << 20);
	history_svg(&b, history_find(&hs, "root"));
	assert_non_null(strstr(b.data, "<figcaption>Space used: 42.30 %"));
	assert_non_null(strstr(b.data, "<figcaption>Inodes used: 1.70 %"));
	assert_null(strstr(b.data, "Response time"));
	obuf_free(&b);
	history_free(&hs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_history_hosts_and_filesystems),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
