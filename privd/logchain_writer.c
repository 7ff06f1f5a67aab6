/* The hash chain of the log file (`set logfile PATH chained`; the format in
 * common/logchain.h), privd's side: every line logw.c writes to the file
 * gets " #c=VALUE" before its newline, and the chain moves on only when the
 * whole line was written (a lost line is not in the chain either).  When the
 * file is opened (start, reload, SIGUSR1 after a rotation) a segment start
 * line names the value it follows: the file's own last value, read back from
 * its last LOGCHAIN_TAIL_MAX bytes, else the last value written before the
 * rotation, else (a new file, or one that does not end with a chained line)
 * 32 random hex digits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/logchain.h"
#include "privd/privd.h"

static bool chain_on;
static bool have_prev;
static char chain_prev[LOGCHAIN_HEX + 1];	/* value of the last line written */
static char pending[LOGCHAIN_HEX + 1];		/* value of the line being written */

void
logchain_writer_enable(bool on)
{
	chain_on = on;
}

bool
logchain_writer_on(void)
{
	return chain_on;
}

static void
random_value(char out[LOGCHAIN_HEX + 1])
{
	unsigned char r[LOGCHAIN_HEX / 2];
	ssize_t n;

	do
		n = getrandom(r, sizeof(r), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(r)) {
		/* no entropy: still a start, only a guessable one */
		memset(r, 0, sizeof(r));
		for (size_t i = 0; i < sizeof(long) && i < sizeof(r); i++)
			r[i] = (unsigned char)((unsigned long)time(NULL) >> (8 * i));
	}
	logchain_hex(r, out);
}

const char *
logchain_writer_opened(int fd, char *text, size_t textlen)
{
	char tail[LOGCHAIN_TAIL_MAX], value[LOGCHAIN_HEX + 1];
	struct stat st;
	ssize_t n = 0;
	off_t from;

	if (!chain_on)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		from = st.st_size > (off_t)sizeof(tail) ? st.st_size - (off_t)sizeof(tail) : 0;
		do
			n = pread(fd, tail, sizeof(tail), from);
		while (n < 0 && errno == EINTR);
	}
	if (n > 0 && logchain_last_value(tail, (size_t)n, value))
		memcpy(chain_prev, value, sizeof(value));
	else if (!(have_prev && st.st_size == 0))
		random_value(chain_prev);
	have_prev = true;
	snprintf(text, textlen, "log chain start prev=%s", chain_prev);
	return text;
}

const char *
logchain_writer_seal(const char *line, char *out, size_t outlen)
{
	size_t len = strlen(line);

	if (!chain_on)
		return line;
	if (!have_prev) {
		random_value(chain_prev);
		have_prev = true;
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	logchain_value(chain_prev, line, len, pending);
	if (len + LOGCHAIN_SUFFIX_LEN + 2 > outlen)
		return line;	/* cannot happen: the caller's buffer has room */
	memcpy(out, line, len);
	memcpy(out + len, LOGCHAIN_TAG, LOGCHAIN_TAG_LEN);
	memcpy(out + len + LOGCHAIN_TAG_LEN, pending, LOGCHAIN_HEX);
	out[len + LOGCHAIN_SUFFIX_LEN] = '\n';
	out[len + LOGCHAIN_SUFFIX_LEN + 1] = '\0';
	return out;
}

void
logchain_writer_written(void)
{
	if (chain_on)
		memcpy(chain_prev, pending, sizeof(pending));
}
