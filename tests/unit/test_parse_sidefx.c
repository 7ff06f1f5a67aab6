/* `vigil -t` has no side effects: parsing creates no file, runs nothing and
 * reads nothing but the control file and its includes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
test_parse_creates_and_runs_nothing(void **state)
{
	char dir[64], rc[128], prog[128], ran[128], text[2048];
	struct parse_opts o = { .check_perms = true };
	struct config *cf;
	struct stat st;
	FILE *f;
	int nerr;
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/vigil-sidefx.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(prog, sizeof(prog), "%s/prog", dir);
	snprintf(ran, sizeof(ran), "%s/ran", dir);
	f = fopen(prog, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\ntouch '%s'\n", ran);
	fclose(f);
	chmod(prog, 0755);
	snprintf(text, sizeof(text),
	    "set idfile %s/id\nset statefile %s/state\nset pidfile %s/pid\n"
	    "set logfile %s/log\nset eventqueue basedir %s/events slots 10\n"
	    "set control socket %s/control.sock\n"
	    "check file target with path %s/target\n  if failed checksum then exec \"%s\"\n"
	    "check program p with path \"%s\"\n  if status != 0 then exec \"%s\"\n"
	    "check process q with pidfile %s/q.pid\n  start program = \"%s\"\n",
	    dir, dir, dir, dir, dir, dir, dir, prog, prog, prog, dir, prog);
	snprintf(rc, sizeof(rc), "%s/rc", dir);
	f = fopen(rc, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(rc, 0600);

	o.owner_uid = getuid();
	cf = config_parse(rc, &o, &nerr);
	assert_non_null(cf);
	assert_int_equal(nerr, 0);
	config_free(cf);

	assert_int_equal(count_entries(dir), 2);	/* rc and prog, nothing else */
	assert_int_not_equal(stat(ran, &st), 0);	/* the program never ran */
	unlink(prog);
	unlink(rc);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_creates_and_runs_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
