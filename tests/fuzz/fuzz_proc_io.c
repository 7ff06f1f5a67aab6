/* libFuzzer target: proc_io_parse (monitor/checks/proc.c), the parser of
 * /proc/PID/io.  For another user's process privd passes the file's bytes
 * to the monitor unread (MSG_PROC_IO_RESULT), so the monitor parses what a
 * compromised privd channel or an odd kernel could send.
 * Oracle besides the sanitizers: an accepted text's six counters, written
 * back in the kernel's form, parse to the same values. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/engine/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_io io, back;
	char *buf, text[512];

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (proc_io_parse(buf, &io)) {
		snprintf(text, sizeof(text), "rchar: %" PRIu64 "\nwchar: %" PRIu64 "\nsyscr: %"
		    PRIu64 "\nsyscw: %" PRIu64 "\nread_bytes: %" PRIu64 "\nwrite_bytes: %"
		    PRIu64 "\n", io.rchar, io.wchar, io.syscr, io.syscw, io.read_bytes,
		    io.write_bytes);
		if (!proc_io_parse(text, &back) || memcmp(&io, &back, sizeof(io)) != 0)
			abort();
	}
	free(buf);
	return 0;
}
