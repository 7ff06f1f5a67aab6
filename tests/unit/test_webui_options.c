/* What vigil-webui starts with: its command line (privd writes it; every
 * malformed argv refused) and the TLS key file's mode, checked before a
 * byte of it is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "webui/webui.h"

static int
args(const char *line, struct webui_options *o)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;
	char err[256];

	strlcpy_v(buf, line, sizeof(buf));
	argv[argc++] = (char *)"vigil-webui";
	for (char *t = strtok(buf, " "); t != NULL && argc < 63; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return webui_parse_args(argc, argv, o, err, sizeof(err));
}

static void
test_args(void **state)
{
	struct webui_options o;

	(void)state;
	assert_int_equal(args("--user _vigilweb --chroot /var/empty --port 2812", &o), 0);
	assert_string_equal(o.user, "_vigilweb");
	assert_int_equal(o.port, 2812);
	assert_true(o.signature);
	assert_int_equal(args("--user w --chroot /e --port 1 --address 127.0.0.1 --ssl "
	    "--pemfile /p.pem --clientpem /c.pem --no-signature --allow localhost "
	    "--allow 10.0.0.0/8 -v -v", &o), 0);
	assert_true(o.ssl);
	assert_false(o.signature);
	assert_int_equal(o.nallow, 2);
	assert_int_equal(o.verbose, 2);
	assert_string_equal(o.clientpem, "/c.pem");
	assert_false(o.allow_self_signed);
	assert_int_equal(args("--user w --chroot /e --port 1 --ssl --pemfile /p.pem "
	    "--clientpem /c.pem --allow-self-signed", &o), 0);
	assert_true(o.allow_self_signed);

	static const char *const bad[] = {
		"",
		"--chroot /e --port 1",
		"--user w --port 1",
		"--user w --chroot /e",
		"--user w --chroot /e --port 0",
		"--user w --chroot /e --port 65536",
		"--user w --chroot /e --port 12a",
		"--user w --chroot /e --port -1",
		"--user w --chroot /e --port 1 --port 2",
		"--user w --chroot e --port 1",
		"--user w/x --chroot /e --port 1",
		"--user -x --chroot /e --port 1",
		"--user w --chroot /e --port 1 --ssl",
		"--user w --chroot /e --port 1 --pemfile /p",
		"--user w --chroot /e --port 1 --ssl --pemfile -rel",
		"--user w --chroot /e --port 1 --ssl --pemfile /p --pemfile /q",
		"--user w --chroot /e --port 1 --bogus",
		"--user w --chroot /e --port 1 --allow",
		"--user w --chroot /e --port 1 extra",
		"--user w --chroot /e --port 1 --no-signature --no-signature",
		"--user w --chroot /e --port 1 --ssl --pemfile /p --allow-self-signed",
		"--user w --chroot /e --port 1 --ssl --pemfile /p --clientpem /c "
		    "--allow-self-signed --allow-self-signed",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (args(bad[i], &o) != -1)
			fail_msg("argv '%s' accepted", bad[i]);
}

/* The key file's mode is checked before a byte of it is read: Monit
 * refuses a pemfile that group or others may use. */
static void
test_tls_key_mode(void **state)
{
	char dir[] = "/tmp/vigil-tls.XXXXXX", path[64], err[512];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a key\n", 10), 10);
	close(fd);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(tls_server_ctx(path, NULL, false, err, sizeof(err)));
	assert_non_null(strstr(err, "mode 0644"));
	assert_int_equal(chmod(path, 0640), 0);
	assert_null(tls_server_ctx(path, NULL, false, err, sizeof(err)));
	assert_non_null(strstr(err, "mode 0640"));
	/* 0600: past the mode check, refused for its content. */
	assert_int_equal(chmod(path, 0600), 0);
	assert_null(tls_server_ctx(path, NULL, false, err, sizeof(err)));
	assert_null(strstr(err, "mode"));
	assert_non_null(strstr(err, "certificate"));
	unlink(path);
	assert_null(tls_server_ctx(path, NULL, false, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_tls_key_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
