/* libFuzzer target: the /proc parsers (monitor/checks/proc.c).  A process's
 * name and command line are chosen by whoever runs it, so /proc/PID/stat
 * and cmdline are attacker text; pid files and the system files are parsed
 * by the same strict code.
 *
 * Input: byte 0 picks the parser, the rest is the file:
 *   0 /proc/PID/stat  1 /proc/PID/cmdline  2 a pid file
 *   3 /proc/loadavg NUL /proc/meminfo NUL /proc/stat
 * Oracles besides the sanitizers: a parsed pid is 1..4194304 or -1; a
 * command line has no NUL inside, no trailing blank, is no longer than its
 * input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/engine/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;
	size_t n;

	if (size < 1 || size > 65536)
		return 0;
	n = size - 1;
	buf = malloc(n + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, n);
	buf[n] = '\0';
	switch (data[0] % 4) {
	case 0: {
		struct proc_entry pe;

		memset(&pe, 0, sizeof(pe));
		(void)proc_parse_stat(buf, &pe);
		break;
	}
	case 1: {
		char *line = proc_cmdline_text((const char *)data + 1, n);

		if (line != NULL) {
			size_t l = strlen(line);

			if (l > n || (l > 0 && line[l - 1] == ' '))
				abort();
			free(line);
		}
		break;
	}
	case 2: {
		pid_t pid = pidfile_parse(buf, n);

		if (pid != -1 && (pid < 1 || pid > 4194304))
			abort();
		break;
	}
	case 3: {
		struct sys_stat st;
		const char *end = buf + n, *la = buf, *mi, *stat;

		/* three texts separated by NULs; missing ones are empty */
		mi = la + strlen(la);
		if (mi < end)
			mi++;
		stat = mi + strlen(mi);
		if (stat < end)
			stat++;
		(void)sys_stat_parse(la, mi, stat, &st);
		break;
	}
	}
	free(buf);
	return 0;
}
