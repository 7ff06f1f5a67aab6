/* libFuzzer: the engine's state record is read back from disk, so it is
 * untrusted: engine_state_decode must refuse or apply, never crash, and an
 * accepted record must encode back to a record that is accepted again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/event.h"
#include "common/util.h"
#include "monitor/engine/engine.h"
#include "monitor/monitor.h"

int monitor_run(struct monitor *m, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg);
int monitor_ping(struct monitor *m, const struct msg_ping *p, ping_done_cb done,
    void *arg);
void monitor_changed(struct monitor *m);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
monitor_run(struct monitor *m, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg)
{
	(void)m; (void)cmd; (void)ctx; (void)done; (void)arg;
	return -1;
}

int
monitor_ping(struct monitor *m, const struct msg_ping *p, ping_done_cb done,
    void *arg)
{
	(void)m; (void)p; (void)done; (void)arg;
	return -1;
}

int
monitor_proc_io(struct monitor *m, pid_t pid, proc_io_done_cb done, void *arg)
{
	(void)m;
	(void)pid;
	(void)done;
	(void)arg;
	return -1;	/* no privd here */
}

void
monitor_changed(struct monitor *m)
{
	(void)m;
}

static struct monitor *
fuzz_monitor(void)
{
	static struct monitor m;
	static struct config cf;
	static struct service a, b;
	static struct test ck;

	if (m.engine != NULL)
		return &m;
	a.name = (char *)"demo";
	a.type = SVC_PROCESS;
	a.path = (char *)"/nonexistent.pid";
	a.next = &b;
	b.name = (char *)"conf";
	b.type = SVC_FILE;
	b.path = (char *)"/etc/hostname";
	b.tests = &ck;
	ck.kind = TEST_CHECKSUM;
	ck.hash = HASH_MD5;
	ck.op = OP_NE;
	cf.services = &a;
	cf.nservices = 2;
	cf.poll_s = 30;
	m.cf = &cf;
	m.ev = ev_new();
	m.engine = engine_new(&m);
	return &m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct monitor *m = fuzz_monitor();
	uint8_t out[65536];
	size_t n;

	if (engine_state_decode(m->engine, data, size)) {
		n = engine_state_encode(m->engine, out, sizeof(out));
		if (n >= sizeof(out) || !engine_state_decode(m->engine, out, n))
			abort();
	}
	return 0;
}
