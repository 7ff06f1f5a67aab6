/* `vigil log verify [FILE]`: check the hash chain of a log file written
 * with `set logfile PATH chained` (the format in common/logchain.h).  Without
 * FILE, the control file's log file, asked from the monitor (the CLI parses
 * no control file).  Prints the first line that does not chain and why, and
 * exits 1; 0 when every line chains; 2 when the file cannot be read. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cli/cli.h"
#include "common/logchain.h"
#include "common/util.h"

/* Longer than any line vigild writes (MSG_LOGLINE_LEN and its prefix). */
#define LINE_MAX_BYTES 65536

int
cli_log_verify_stream(FILE *in, const char *name, FILE *out, FILE *err)
{
	static char line[LINE_MAX_BYTES + 2];
	struct logchain_verify v;
	const char *why;
	size_t len;

	logchain_verify_init(&v);
	while (fgets(line, sizeof(line), in) != NULL) {
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n') {
			if (len >= sizeof(line) - 1)
				fprintf(err, "%s: line %lu: longer than %d bytes: not a "
				    "line vigild wrote\n", name, v.line + 1, LINE_MAX_BYTES);
			else
				fprintf(err, "%s: line %lu: no newline at its end (a torn "
				    "or cut last line)\n", name, v.line + 1);
			return 1;
		}
		if ((why = logchain_verify_line(&v, line, len - 1)) != NULL) {
			fprintf(err, "%s: line %lu: %s\n", name, v.line, why);
			return 1;
		}
	}
	if (ferror(in)) {
		fprintf(err, "%s: read error: %s\n", name, strerror(errno));
		return 2;
	}
	if (v.line == 0) {
		fprintf(err, "%s: empty: no chain to verify\n", name);
		return 1;
	}
	fprintf(out, "%s: %lu lines, the chain is intact (first line follows %s, last "
	    "value %s: keep it to detect lines cut off the end later)\n", name, v.line,
	    v.first_prev, v.prev);
	return 0;
}

/* The control file's log file, from `vigil-monitor --query logfile`; false
 * (said on stderr) when there is none. */
static bool
configured_logfile(const char *rc, char *file, size_t filelen)
{
	char mon[PATH_MAX], rcfile[PATH_MAX];
	static char qout[PATH_MAX + 64], qerr[8192];
	char *argv[6], *second;
	int status;

	if (rc == NULL) {
		fprintf(stderr, "vigil: no control file found: name the log file (vigil "
		    "log verify FILE) or the control file (-c FILE)\n");
		return false;
	}
	if (!cli_find_monitor(mon, sizeof(mon)) || strlen(rc) >= sizeof(rcfile)) {
		fprintf(stderr, "vigil: cannot find vigil-monitor to read %s: name the log "
		    "file (vigil log verify FILE)\n", rc);
		return false;
	}
	strlcpy_v(rcfile, rc, sizeof(rcfile));
	argv[0] = mon;
	argv[1] = (char *)"-c";
	argv[2] = rcfile;
	argv[3] = (char *)"--query";
	argv[4] = (char *)"logfile";
	argv[5] = NULL;
	status = cli_run_capture(argv, qout, sizeof(qout), qerr, sizeof(qerr));
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_print_sanitized(stderr, qerr);
		fprintf(stderr, "vigil: cannot read the log file's name from %s (see "
		    "above)\n", rc);
		return false;
	}
	second = strchr(qout, '\n');
	if (qout[0] != '/' || second == NULL) {
		fprintf(stderr, "vigil: %s writes no log file (syslog and stderr lines "
		    "are not chained)\n", rc);
		return false;
	}
	*second++ = '\0';
	if (strncmp(second, "chained", 7) != 0)
		fprintf(stderr, "vigil: %s: the log file %s is not chained (set logfile "
		    "%s chained); checking it anyway\n", rc, qout, qout);
	if (strlen(qout) >= filelen) {
		fprintf(stderr, "vigil: log file name too long\n");
		return false;
	}
	strlcpy_v(file, qout, filelen);
	return true;
}

int
cli_log_verify(const char *file, const char *rc)
{
	char path[PATH_MAX];
	FILE *in;
	int code;

	if (file == NULL) {
		if (!configured_logfile(rc, path, sizeof(path)))
			return 2;
		file = path;
	}
	in = fopen(file, "re");
	if (in == NULL) {
		fprintf(stderr, "vigil: cannot read %s: %s\n", file, strerror(errno));
		return 2;
	}
	code = cli_log_verify_stream(in, file, stdout, stderr);
	fclose(in);
	return code;
}
