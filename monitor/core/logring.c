/* The ring of the monitor's recent log lines (logring.h). */
#include <string.h>
#include <time.h>

#include "common/ipc.h"
#include "common/util.h"
#include "monitor/core/logring.h"

static struct logring ring;

struct logring *
logring_global(void)
{
	return &ring;
}

void
logring_add(struct logring *r, enum log_level level, const char *text)
{
	struct msg_snapshot_log *l;

	if (level == LOG_LVL_DEBUG)
		return;		/* what a person reads, not the noise */
	if (r->next_seq == 0)
		r->next_seq = 1;
	l = &r->line[r->next_seq % LOGRING_LINES];
	memset(l, 0, sizeof(*l));
	l->seq = r->next_seq++;
	l->time = (uint64_t)time(NULL);
	l->level = (uint8_t)level;
	strlcpy_v(l->text, text, sizeof(l->text));
}

const struct msg_snapshot_log *
logring_get(const struct logring *r, uint64_t seq)
{
	const struct msg_snapshot_log *l;

	if (seq == 0 || seq >= r->next_seq)
		return NULL;
	l = &r->line[seq % LOGRING_LINES];
	return l->seq == seq ? l : NULL;
}

bool
logring_sink(enum log_level level, const char *line, void *ch)
{
	logring_add(&ring, level, line);
	return ipc_log_sink(level, line, ch);
}
