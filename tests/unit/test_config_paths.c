/* Finding 7: the way to the control file and its includes.  A 0777 include
 * directory, one owned by another user, a symlinked include owned by another
 * user pointing at a root file, and a control file in a 0777 directory all
 * passed `vigil -t`.  Runs as root (it chowns to nobody). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/config/config.h"
#include "monitor/config/parse.h"
#include "monitor/config/trust_path.h"

static char top[64];
static char *errtext;
static uid_t nobody_uid;

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
}

/* Parse path as `vigil -t` does (owner root); NULL and errtext on errors. */
static struct config *
parse_file(const char *path)
{
	struct parse_opts o = { .check_perms = true, .owner_uid = 0 };
	struct config *cf;
	size_t len;
	int n;

	free(errtext);
	errtext = NULL;
	o.errout = open_memstream(&errtext, &len);
	cf = config_parse(path, &o, &n);
	fclose(o.errout);
	return cf;
}

/* top/NAME/ with an rc including top/NAME/conf.d/x.rc */
static void
make_tree(const char *name, char *rc, size_t rclen, char *confd, size_t confdlen)
{
	char dir[128], inc[160], text[256];

	snprintf(dir, sizeof(dir), "%s/%s", top, name);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(confd, confdlen, "%s/conf.d", dir);
	assert_int_equal(mkdir(confd, 0755), 0);
	snprintf(inc, sizeof(inc), "%s/x.rc", confd);
	write_file(inc, "set daemon 30\n");
	snprintf(rc, rclen, "%s/rc", dir);
	snprintf(text, sizeof(text), "set logfile syslog\n\ninclude %s/*.rc\n", confd);
	write_file(rc, text);
}

static void
test_finding7_good_tree_passes(void **st)
{
	char rc[160], confd[160];
	struct config *cf;

	(void)st;
	make_tree("good", rc, sizeof(rc), confd, sizeof(confd));
	cf = parse_file(rc);
	if (cf == NULL)
		fail_msg("%s", errtext);
	config_free(cf);
}

static void
test_finding7_world_writable_include_dir(void **st)
{
	char rc[160], confd[160], want[1024];

	(void)st;
	make_tree("open", rc, sizeof(rc), confd, sizeof(confd));
	assert_int_equal(chmod(confd, 0777), 0);
	assert_null(parse_file(rc));
	snprintf(want, sizeof(want), "%s:3:1: error: include %s/x.rc: the directory %s is "
	    "writable by group or others (mode 0777)", rc, confd, confd);
	if (strstr(errtext, want) == NULL)
		fail_msg("want '%s' in:\n%s", want, errtext);
	/* sticky does not help a directory someone else than root owns */
	assert_int_equal(chmod(confd, 01777), 0);
	assert_int_equal(chown(confd, nobody_uid, 0), 0);
	assert_null(parse_file(rc));
}

static void
test_finding7_include_dir_of_another_user(void **st)
{
	char rc[160], confd[160], want[1024];

	(void)st;
	make_tree("theirs", rc, sizeof(rc), confd, sizeof(confd));
	assert_int_equal(chown(confd, nobody_uid, 0), 0);
	assert_null(parse_file(rc));
	snprintf(want, sizeof(want), "%s:3:1: error: include %s/x.rc: the directory %s is owned "
	    "by uid %u, not by root or uid 0", rc, confd, confd, (unsigned)nobody_uid);
	if (strstr(errtext, want) == NULL)
		fail_msg("want '%s' in:\n%s", want, errtext);
}

static void
test_finding7_symlinked_include_of_another_user(void **st)
{
	char rc[160], confd[160], link[200], target[200], want[1024];

	(void)st;
	make_tree("link", rc, sizeof(rc), confd, sizeof(confd));
	/* a root-owned file elsewhere, reached through nobody's link */
	snprintf(target, sizeof(target), "%s/link/root.rc", top);
	write_file(target, "set daemon 60\n");
	snprintf(link, sizeof(link), "%s/y.rc", confd);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(lchown(link, nobody_uid, 0), 0);
	assert_null(parse_file(rc));
	snprintf(want, sizeof(want), "include %s: the symbolic link %s is owned by uid %u",
	    link, link, (unsigned)nobody_uid);
	if (strstr(errtext, want) == NULL)
		fail_msg("want '%s' in:\n%s", want, errtext);
	/* the same link owned by root is fine */
	assert_int_equal(lchown(link, 0, 0), 0);
	config_free(parse_file(rc));
	assert_true(errtext == NULL || strstr(errtext, "error") == NULL);
}

static void
test_finding7_control_file_dir(void **st)
{
	char rc[160], confd[160], dir[128], want[1024];

	(void)st;
	make_tree("main", rc, sizeof(rc), confd, sizeof(confd));
	snprintf(dir, sizeof(dir), "%s/main", top);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_null(parse_file(rc));
	snprintf(want, sizeof(want), "%s:1:1: error: control file %s: the directory %s is "
	    "writable by group or others", rc, rc, dir);
	if (strstr(errtext, want) == NULL)
		fail_msg("want '%s' in:\n%s", want, errtext);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chown(dir, nobody_uid, 0), 0);
	assert_null(parse_file(rc));
	assert_non_null(strstr(errtext, "is owned by uid"));
}

static void
test_finding7_sticky_root_dir_allowed(void **st)
{
	char why[512];

	(void)st;
	/* /tmp: root, 1777: nobody can rename another's entry */
	if (!config_path_trusted(top, 0, why, sizeof(why)))
		fail_msg("%s", why);
}

static int
setup(void **st)
{
	struct passwd *pw = getpwnam("nobody");

	(void)st;
	if (getuid() != 0 || pw == NULL) {
		fprintf(stderr, "test_config_paths: needs root and the user nobody\n");
		return -1;
	}
	nobody_uid = pw->pw_uid;
	strcpy(top, "/tmp/vigil-paths-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	return chmod(top, 0755);
}

static int
teardown(void **st)
{
	char cmd[128];

	(void)st;
	free(errtext);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finding7_good_tree_passes),
		cmocka_unit_test(test_finding7_world_writable_include_dir),
		cmocka_unit_test(test_finding7_include_dir_of_another_user),
		cmocka_unit_test(test_finding7_symlinked_include_of_another_user),
		cmocka_unit_test(test_finding7_control_file_dir),
		cmocka_unit_test(test_finding7_sticky_root_dir_allowed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
