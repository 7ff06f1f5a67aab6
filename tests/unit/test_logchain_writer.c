/* privd's side of the log chain (privd/logchain_writer.c): the start line
 * names the file's last value (read back), else the last value written
 * before a rotation, else a random one; a line that was not written whole
 * is not in the chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/logchain.h"
#include "privd/privd.h"

#define VALUE "00112233445566778899aabbccddeeff"

static int
file_with(const char *content)
{
	char path[] = "/tmp/vigil-test-logchain.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	return fd;
}

/* The value a sealed line ends with. */
static const char *
value_of(const char *sealed)
{
	const char *v = strstr(sealed, LOGCHAIN_TAG);

	assert_non_null(v);
	return v + LOGCHAIN_TAG_LEN;
}

static void
test_off_changes_nothing(void **state)
{
	char out[256];

	(void)state;
	logchain_writer_enable(false);
	assert_null(logchain_writer_opened(0, out, sizeof(out)));
	assert_string_equal(logchain_writer_seal("a line\n", out, sizeof(out)), "a line\n");
}

static void
test_start_names_the_files_last_value(void **state)
{
	char text[96];
	int fd = file_with("[x] privd: info: something #c=" VALUE "\n");

	(void)state;
	logchain_writer_enable(true);
	assert_string_equal(logchain_writer_opened(fd, text, sizeof(text)),
	    "log chain start prev=" VALUE);
	close(fd);
	/* a file that does not end with a chained line: a random start */
	fd = file_with("plain\n");
	assert_non_null(logchain_writer_opened(fd, text, sizeof(text)));
	assert_null(strstr(text, VALUE));
	assert_int_equal(strlen(text), strlen("log chain start prev=") + LOGCHAIN_HEX);
	close(fd);
	logchain_writer_enable(false);
}

static void
test_rotation_carries_the_last_written_value(void **state)
{
	char text[96], out[256], last[LOGCHAIN_HEX + 1];
	int fd = file_with("[x] privd: info: something #c=" VALUE "\n");

	(void)state;
	logchain_writer_enable(true);
	assert_non_null(logchain_writer_opened(fd, text, sizeof(text)));
	close(fd);
	logchain_writer_seal("[y] privd: info: written\n", out, sizeof(out));
	logchain_writer_written();
	memcpy(last, value_of(out), LOGCHAIN_HEX);
	last[LOGCHAIN_HEX] = '\0';
	/* the rotated-to file is empty: the start follows the last line written */
	fd = file_with("");
	assert_non_null(logchain_writer_opened(fd, text, sizeof(text)));
	assert_non_null(strstr(text, last));
	close(fd);
	logchain_writer_enable(false);
}

static void
test_lost_line_is_not_in_the_chain(void **state)
{
	char text[96], a[256], b[256], want[LOGCHAIN_HEX + 1];
	int fd = file_with("[x] privd: info: something #c=" VALUE "\n");

	(void)state;
	logchain_writer_enable(true);
	assert_non_null(logchain_writer_opened(fd, text, sizeof(text)));
	close(fd);
	/* the first seal is "lost" (not written): the next one follows VALUE */
	logchain_writer_seal("[y] privd: info: lost\n", a, sizeof(a));
	logchain_writer_seal("[y] privd: info: kept\n", b, sizeof(b));
	logchain_value(VALUE, "[y] privd: info: kept", strlen("[y] privd: info: kept"), want);
	assert_memory_equal(value_of(b), want, LOGCHAIN_HEX);
	assert_string_equal(value_of(b) + LOGCHAIN_HEX, "\n");
	logchain_writer_enable(false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_changes_nothing),
		cmocka_unit_test(test_start_names_the_files_last_value),
		cmocka_unit_test(test_rotation_carries_the_last_written_value),
		cmocka_unit_test(test_lost_line_is_not_in_the_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
