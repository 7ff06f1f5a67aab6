/* The monitor's recent log lines, for the web interface's log view (the
 * webui reads no files): a fixed ring filled by the log sink, handed to
 * webui after each snapshot. */
#ifndef VIGIL_MONITOR_CORE_LOGRING_H
#define VIGIL_MONITOR_CORE_LOGRING_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"
#include "common/msg.h"

#define LOGRING_LINES	128		/* x ~1 KiB: 132 KiB */

struct logring {
	struct msg_snapshot_log line[LOGRING_LINES];
	uint64_t next_seq;		/* seq of the next line; the first is 1 */
};

void logring_add(struct logring *r, enum log_level level, const char *text);
/* The line of sequence number seq, or NULL when it is not (or no longer)
 * held. */
const struct msg_snapshot_log *logring_get(const struct logring *r, uint64_t seq);
/* The sink the monitor installs: the line into the ring, then to privd. */
bool logring_sink(enum log_level level, const char *line, void *ch);
struct logring *logring_global(void);

#endif
