/* Splitting a child's stdout+stderr into log lines: pure, so its fuzzer
 * links it (tests/fuzz/fuzz_privd_output.c).  A line ends at '\n'; a NUL
 * becomes '?'; a line longer than the buffer is cut into pieces of
 * sizeof(line) - 1 bytes; nothing is ever written past the buffer. */
#include "privd/privd.h"

void
lines_feed(struct line_splitter *ls, const char *buf, size_t n,
    void (*emit)(const char *line, void *arg), void *arg)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			lines_flush(ls, emit, arg);
			continue;
		}
		ls->line[ls->len++] = buf[i] == '\0' ? '?' : buf[i];
		if (ls->len == sizeof(ls->line) - 1)
			lines_flush(ls, emit, arg);
	}
}

void
lines_flush(struct line_splitter *ls, void (*emit)(const char *line, void *arg), void *arg)
{
	if (ls->len == 0)
		return;
	ls->line[ls->len] = '\0';
	ls->len = 0;
	emit(ls->line, arg);
}
