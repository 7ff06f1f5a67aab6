/* Fuzz the parsers of kernel text the filesystem check reads: one line of
 * /proc/self/mountinfo, a block device's stat file, /proc/PID/status ids. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/engine/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct mount_entry m;
	struct disk_io io;
	struct proc_ids ids;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	(void)diskstat_parse(line, &io);
	(void)proc_status_ids(line, &ids);
	if (mountinfo_parse_line(line, &m)) {
		/* every field points inside the line and is terminated there */
		if (m.mountpoint[0] != '/' || m.mountpoint < line || m.fstype < line ||
		    m.source < line || m.options < line ||
		    m.mountpoint + strlen(m.mountpoint) > line + size ||
		    m.source + strlen(m.source) > line + size)
			__builtin_trap();
	}
	free(line);
	return 0;
}
