/* Every example of the Monit manual parses.
 *
 * The examples were extracted from the manual page (seed 003) by
 * tests/differential/extract_manual.py into tests/differential/configs/.
 * A few are not control files (placeholders such as "set daemon n" or
 * "..."), or need something this machine lacks; they are listed below with
 * the reason, and must fail (so the list cannot go stale silently). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"

#define CONFIG_DIR "tests/differential/configs"

static const struct {
	const char *file;
	const char *why;
} not_control_files[] = {
	{ "manual_L0251.rc", "placeholder: set daemon n (where n is a number in seconds)" },
	{ "manual_L0495.rc", "placeholder line '...'" },
	{ "manual_L0508.rc", "placeholder line '...'" },
	{ "manual_L0569.rc", "placeholder line '...'" },
	{ "manual_L1023.rc", "fragment wrapped in a process check: checksum needs a file check" },
	{ "manual_L1234.rc", "the manual's 'if match' example has no action (Monit rejects it too)" },
	{ "manual_L1698.rc", "URL syntax sketch with parentheses and 'then ...'" },
	{ "manual_L1875.rc", "forces SSLv3, which vigil refuses (broken protocol; Monit 5.33 too)" },
	{ "manual_L2170.rc", "placeholder line '...'" },
	{ "manual_L2827.rc", "gid nobody: Debian has no group 'nobody' (Monit rejects it too)" },
	{ "manual_L2933.rc", "the manual's rendering broke the quotes of a stop program" },
	{ "manual_L3076.rc", "depends on services the example does not define (Monit rejects it too)" },
};

static const char *
why_not(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(not_control_files) / sizeof(not_control_files[0]); i++)
		if (strcmp(not_control_files[i].file, name) == 0)
			return not_control_files[i].why;
	return NULL;
}

static void
test_every_manual_example_parses(void **state)
{
	struct dirent **ents;
	int n, i, checked = 0, ok = 0;
	(void)state;

	n = scandir(CONFIG_DIR, &ents, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char path[512];
		struct parse_opts o = { 0 };
		struct config *cf;
		int nerr;

		if (strncmp(name, "manual_", 7) != 0) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", CONFIG_DIR, name);
		o.errout = fopen("/dev/null", "w");
		cf = config_parse(path, &o, &nerr);
		fclose(o.errout);
		checked++;
		if (why_not(name)) {
			if (cf)
				fail_msg("%s parses, but is listed as not a control file (%s)", name,
				    why_not(name));
		} else {
			if (!cf) {
				o.errout = stderr;
				config_parse(path, &o, &nerr);
				fail_msg("manual example %s does not parse", name);
			}
			ok++;
		}
		config_free(cf);
		free(ents[i]);
	}
	free(ents);
	print_message("%d manual examples, %d parse, %d listed as not control files\n",
	    checked, ok, checked - ok);
	assert_true(checked >= 90);
	assert_int_equal(checked - ok, (int)(sizeof(not_control_files) / sizeof(not_control_files[0])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_manual_example_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
