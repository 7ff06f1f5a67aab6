/* `vigil procmatch REGEX`: which processes a "matching REGEX" would see, in
 * Monit's layout; the one a process check would take is marked '*'. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "monitor/engine/engine.h"

#define COMMAND_WIDTH 50

static void
put_command(FILE *out, const char *cmd)
{
	size_t len = strlen(cmd), off = 0;

	do {
		size_t n = len - off > COMMAND_WIDTH ? COMMAND_WIDTH : len - off;

		if (off > 0)
			fprintf(out, "%24s", "");
		fprintf(out, "%-*.*s\n", COMMAND_WIDTH, (int)n, cmd + off);
		off += n;
	} while (off < len);
}

int
procmatch_print(const char *regex, FILE *out)
{
	struct proc_table t = { 0 };
	pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off;
	size_t matches = 0;
	pid_t chosen;
	int err;

	re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		fprintf(stderr, "vigil: the pattern \"%s\" is not a regular expression: %s "
		    "at offset %zu\n", regex, (const char *)msg, (size_t)off);
		return 1;
	}
	md = pcre2_match_data_create_from_pattern(re, NULL);
	proc_table_read(&t, true);
	chosen = process_match_in(&t, re, getpid());
	fprintf(out, "List of processes matching pattern \"%s\":\n", regex);
	fprintf(out, "    PID       PPID      Command\n");
	for (size_t i = 0; i < t.n && md != NULL; i++) {
		const struct proc_entry *p = &t.p[i];

		if (p->pid == getpid() || p->cmdline == NULL ||
		    pcre2_match(re, (PCRE2_SPTR)p->cmdline, PCRE2_ZERO_TERMINATED, 0, 0, md,
		    NULL) < 0)
			continue;
		matches++;
		fprintf(out, " %c %9d %10d  ", p->pid == chosen ? '*' : ' ', (int)p->pid,
		    (int)p->ppid);
		put_command(out, p->cmdline);
	}
	fprintf(out, "Total matches: %zu\n", matches);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	proc_table_clear(&t);
	return 0;
}
