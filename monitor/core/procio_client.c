/* PROC_IO requests to privd: the /proc/PID/io bytes of processes the
 * monitor may not read itself (another user's).  The requests a cycle makes
 * are gathered and leave together (MSG_PROC_IO_MAX pids a message) a
 * millisecond later, so a thousand such services cost ~63 messages a cycle,
 * well inside the channel's rate limit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "monitor/core/core.h"

#define PROCIO_BATCHES_MAX	256	/* messages in flight: 4,096 pids */

struct procio_batch {
	bool used;
	uint32_t req;
	uint16_t n;
	uint32_t pid[MSG_PROC_IO_MAX];
	proc_io_done_cb done[MSG_PROC_IO_MAX];
	void *arg[MSG_PROC_IO_MAX];
};

struct procio_client {
	struct procio_batch batch[PROCIO_BATCHES_MAX];
	struct procio_batch *open;	/* gathering, not sent yet */
	uint32_t next_req;
	int timer;
};

static void
batch_finish(struct procio_batch *b, const struct msg_proc_io_result *r, int error)
{
	struct procio_batch copy = *b;

	b->used = false;
	for (uint16_t i = 0; i < copy.n; i++) {
		if (r != NULL)
			copy.done[i](r->text[i], r->error[i], copy.arg[i]);
		else
			copy.done[i]("", error, copy.arg[i]);
	}
}

static void
batch_send(struct core *c)
{
	struct procio_client *pc = c->procio;
	struct procio_batch *b = pc->open;
	struct msg_proc_io q;

	if (b == NULL)
		return;
	pc->open = NULL;
	memset(&q, 0, sizeof(q));
	q.req = b->req;
	q.npids = b->n;
	memcpy(q.pid, b->pid, sizeof(q.pid));
	if (c->m->privd.fd < 0 || ipc_send(&c->m->privd, MSG_PROC_IO, &q, -1) < 0) {
		log_warn("cannot ask privd for the I/O of %u processes: %s", (unsigned)b->n,
		    strerror(errno));
		batch_finish(b, NULL, EPIPE);
		return;
	}
	privd_update_events(c);
}

static void
flush_cb(int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)ev_timer_ack(fd);
	batch_send(arg);
}

static struct procio_batch *
batch_open(struct core *c)
{
	struct procio_client *pc = c->procio;

	if (pc->open != NULL)
		return pc->open;
	for (size_t i = 0; i < PROCIO_BATCHES_MAX; i++) {
		struct procio_batch *b = &pc->batch[i];

		if (b->used)
			continue;
		memset(b, 0, sizeof(*b));
		b->used = true;
		b->req = ++pc->next_req;
		pc->open = b;
		(void)ev_timer_set(pc->timer, 1, 0);
		return b;
	}
	return NULL;
}

int
monitor_proc_io(struct monitor *m, pid_t pid, proc_io_done_cb done, void *arg)
{
	struct core *c = core_of(m);
	struct procio_batch *b;

	if (c == NULL || m->privd.fd < 0 || !m->privd.sealed || done == NULL || pid <= 0 ||
	    pid > MSG_PID_MAX)
		return -1;
	if (c->procio == NULL) {
		c->procio = xcalloc(1, sizeof(*c->procio));
		c->procio->timer = ev_timer_new(m->ev, flush_cb, c);
		if (c->procio->timer < 0) {
			free(c->procio);
			c->procio = NULL;
			return -1;
		}
	}
	if ((b = batch_open(c)) == NULL) {
		log_warn("too many I/O requests to privd in flight (%d messages): not "
		    "reading the I/O of pid %d", PROCIO_BATCHES_MAX, (int)pid);
		return -1;
	}
	b->pid[b->n] = (uint32_t)pid;
	b->done[b->n] = done;
	b->arg[b->n] = arg;
	if (++b->n == MSG_PROC_IO_MAX)
		batch_send(c);
	return 0;
}

bool
procio_result(struct core *c, const struct msg_proc_io_result *r)
{
	struct procio_client *pc = c->procio;

	if (pc == NULL)
		return false;
	for (size_t i = 0; i < PROCIO_BATCHES_MAX; i++) {
		struct procio_batch *b = &pc->batch[i];

		if (!b->used || b->req != r->req || b == pc->open)
			continue;
		if (r->ntext != b->n)
			return false;
		batch_finish(b, r, 0);
		return true;
	}
	return false;
}

void
procio_fail_all(struct core *c)
{
	struct procio_client *pc = c->procio;

	if (pc == NULL)
		return;
	pc->open = NULL;
	for (size_t i = 0; i < PROCIO_BATCHES_MAX; i++)
		if (pc->batch[i].used)
			batch_finish(&pc->batch[i], NULL, EPIPE);
}
