/* A stand-in for `vigil-monitor -t`: parse a control file and report.
 *
 *   parse_check [-v] [-p] [-c] FILE
 *
 * Prints "Control file syntax OK" (exit 0) or every error as
 * FILE:LINE:COL: error: ... (exit 1).  -v also prints the normalised
 * configuration; -p checks ownership and permissions against the caller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

int
main(int argc, char **argv)
{
	struct parse_opts o = { 0 };
	struct config *cf;
	const char *path = NULL;
	bool verbose = false;
	int i, nerr = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!strcmp(argv[i], "-p"))
			o.check_perms = true;
		else if (!strcmp(argv[i], "-t"))
			;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			path = argv[++i];
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: parse_check [-v] [-p] [-c] FILE\n");
		return 2;
	}
	o.owner_uid = getuid();
	cf = config_parse(path, &o, &nerr);
	if (!cf) {
		fprintf(stderr, "%d error%s in %s\n", nerr, nerr == 1 ? "" : "s", path);
		return 1;
	}
	if (verbose)
		config_dump(cf, stdout);
	printf("Control file syntax OK\n");
	config_free(cf);
	return 0;
}
