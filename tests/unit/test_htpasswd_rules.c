/* `allow htpasswd FILE`: the monitor reads the file and forwards each valid
 * "user:hash" line to auth as a user rule.  Garbage lines, unsupported hashes,
 * over-long entries, users not listed and oversized or non-regular files are
 * skipped, never forwarded, never fatal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "monitor/core/core.h"

static char dir[64], path[128];
static char logged[4096];

static bool
capture(enum log_level level, const char *line, void *arg)
{
	(void)level;
	(void)arg;
	snprintf(logged + strlen(logged), sizeof(logged) - strlen(logged), "%s\n", line);
	return true;
}

static void
write_file(const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static enum ipc_result
recv_pumped(struct monitor *m, struct ipc_channel *ch, struct ipc_msg *in)
{
	for (int i = 0; i < 100; i++) {
		enum ipc_result r;

		ev_run_once(m->ev, 10);
		r = ipc_recv(ch, in);
		if (r != IPC_AGAIN)
			return r;
	}
	return IPC_AGAIN;
}

/* The rules auth receives for one htpasswd allow: names into got (joined by
 * spaces, with the secret type), the count AUTH_READY announced. */
static uint32_t
rules_for(struct httpd_allow *a, char *got, size_t gotlen)
{
	static struct ipc_msg in;
	struct config cf;
	struct monitor m;
	struct core core;
	struct ipc_channel auth;
	int pa[2];
	uint32_t n = 0, announced;

	memset(&cf, 0, sizeof(cf));
	memset(&m, 0, sizeof(m));
	cf.httpd.enabled = true;
	cf.httpd.allow = a;
	cf.poll_s = 30;
	cf.statefile = "/tmp/vigil-test-htpasswd.state";
	m.cf = &cf;
	m.ev = ev_new();
	core_init(&core, &m);
	m.engine = engine_new(&m);
	assert_int_equal(ipc_socketpair(pa), 0);
	webpeer_channel(&core, PROC_AUTH, pa[0]);
	ipc_channel_init(&auth, pa[1], PROC_AUTH, PROC_MONITOR);
	got[0] = '\0';
	assert_int_equal(recv_pumped(&m, &auth, &in), IPC_MSG);
	assert_int_equal(in.type, MSG_HELLO);
	for (;;) {
		assert_int_equal(recv_pumped(&m, &auth, &in), IPC_MSG);
		if (in.type == MSG_AUTH_READY)
			break;
		assert_int_equal(in.type, MSG_AUTH_RULE);
		assert_int_equal(in.body.auth_rule.kind, AUTH_RULE_USER);
		snprintf(got + strlen(got), gotlen - strlen(got), "%s%s/%s",
		    got[0] ? " " : "", in.body.auth_rule.name,
		    in.body.auth_rule.secret_type == SECRET_MD5 ? "md5" :
		    in.body.auth_rule.secret_type == SECRET_CLEARTEXT ? "cleartext" : "crypt");
		n++;
	}
	announced = in.body.auth_ready.nrules;
	assert_int_equal(announced, n);
	ipc_channel_close(&auth);
	engine_free(m.engine);
	ev_free(m.ev);
	return n;
}

static void
test_garbage_lines_skipped(void **state)
{
	static const char text[] =
	    "# comment\n"
	    "\n"
	    "nocolon\n"
	    ":emptyuser\n"
	    "nohash:\n"
	    "sha:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n"
	    "alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\r\n"
	    "bob:$2y$05$c4WoMPo3SXsafkva.HHa6uXQZWr7oboPiC2bT/r7q1BB8I2s0BRqC\n"
	    "\x01\x02\xff:$6$salt$hash\n";
	char got[1024];
	struct httpd_allow a = { 0 };

	(void)state;
	write_file(text, sizeof(text) - 1);
	a.kind = ALLOW_HTPASSWD;
	a.name = path;
	a.role = ROLE_READONLY;
	logged[0] = '\0';
	log_set_sink(capture, NULL);
	assert_int_equal(rules_for(&a, got, sizeof(got)), 3);
	log_set_sink(NULL, NULL);
	/* warnings name the right line, blank lines counted */
	assert_non_null(strstr(logged, "htpasswd:3: not a user:hash line"));
	assert_non_null(strstr(logged, "htpasswd:5: unsupported hash for user 'nohash'"));
	assert_non_null(strstr(logged, "htpasswd:6: unsupported hash for user 'sha'"));
	/* the control bytes in the third name travel as bytes; auth matches
	 * names exactly and the logger replaces them */
	assert_non_null(strstr(got, "alice/md5"));
	assert_non_null(strstr(got, "bob/crypt"));
	assert_null(strstr(got, "sha/"));
	assert_null(strstr(got, "nohash"));
	assert_null(strstr(got, "nocolon"));
}

static void
test_long_entries_and_user_list(void **state)
{
	char text[2048], got[1024];
	char *only[] = { "bob" };
	struct httpd_allow a = { 0 };
	int n;

	(void)state;
	/* a name longer than a user name may be, a hash longer than a secret */
	n = snprintf(text, sizeof(text), "%0100d:$1$x$y\nbob:$1$salt$h\ncarol:", 7);
	memset(text + n, 'h', 400);
	n += 400;
	text[n++] = '\n';
	write_file(text, (size_t)n);
	a.kind = ALLOW_HTPASSWD;
	a.name = path;
	a.role = ROLE_READWRITE;
	assert_int_equal(rules_for(&a, got, sizeof(got)), 1);
	assert_string_equal(got, "bob/crypt");
	/* "allow htpasswd FILE bob": only listed users */
	write_file("alice:$1$a$b\nbob:$1$a$b\n", 24);
	a.users = only;
	a.nusers = 1;
	assert_int_equal(rules_for(&a, got, sizeof(got)), 1);
	assert_string_equal(got, "bob/crypt");
}

/* Monit reads cleartext passwords unless the line says md5 or crypt
 * (correct cleartext passwords used to get 401: every entry went to auth
 * as a hash); hash-shaped entries stay hashes. */
static void
test_cleartext_default(void **state)
{
	static const char text[] =
	    "carol:carol-pw\n"
	    "dave:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n"
	    "erin:$6$salt$hash\n"
	    "frank:abDEScrypt12\n";
	char got[512];
	struct httpd_allow a = { 0 };

	(void)state;
	write_file(text, sizeof(text) - 1);
	a.kind = ALLOW_HTPASSWD;
	a.name = path;
	a.role = ROLE_READONLY;
	a.secret_type = SECRET_CLEARTEXT;	/* "allow /path" or "allow cleartext /path" */
	assert_int_equal(rules_for(&a, got, sizeof(got)), 4);
	assert_string_equal(got, "carol/cleartext dave/md5 erin/crypt frank/cleartext");
	a.secret_type = SECRET_CRYPT;		/* "allow crypt /path" */
	assert_int_equal(rules_for(&a, got, sizeof(got)), 4);
	assert_string_equal(got, "carol/crypt dave/md5 erin/crypt frank/crypt");
}

static void
test_bad_files_forward_nothing(void **state)
{
	char got[256], link[160];
	struct httpd_allow a = { 0 };
	int fd;

	(void)state;
	a.kind = ALLOW_HTPASSWD;
	a.role = ROLE_READONLY;
	/* missing */
	a.name = "/nonexistent/htpasswd";
	assert_int_equal(rules_for(&a, got, sizeof(got)), 0);
	/* a directory */
	a.name = dir;
	assert_int_equal(rules_for(&a, got, sizeof(got)), 0);
	/* a symlink to a good file */
	write_file("alice:$1$a$b\n", 13);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	a.name = link;
	assert_int_equal(rules_for(&a, got, sizeof(got)), 0);
	unlink(link);
	/* over 1 MiB */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 * 1024 * 1024), 0);
	close(fd);
	a.name = path;
	assert_int_equal(rules_for(&a, got, sizeof(got)), 0);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vigil-htpasswd-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/htpasswd", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage_lines_skipped),
		cmocka_unit_test(test_long_entries_and_user_list),
		cmocka_unit_test(test_cleartext_default),
		cmocka_unit_test(test_bad_files_forward_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
