/* libFuzzer target: how privd cuts a child's stdout+stderr into log lines
 * (privd/lines.c) and bounds a program's captured output (outbuf_add in
 * privd/run.c).  Both take bytes a child chose.
 *
 * Input: byte 0 sets the size of the read() chunks (1..256), the rest is
 * the output stream.
 *
 * Oracles besides the sanitizers: every line emitted is shorter than the
 * line buffer and holds no '\n' and no NUL; the lines, with the newlines
 * they ended at, account for every input byte (NUL as '?'); the captured
 * output never exceeds its bound, holds no NUL, and counts what it dropped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privd/privd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t bytes;		/* line bytes emitted */
	size_t lines;
};

static void
on_line(const char *line, void *arg)
{
	struct seen *s = arg;
	size_t len = strlen(line);

	if (len == 0 || len >= MSG_LOGLINE_LEN || memchr(line, '\n', len) != NULL)
		abort();
	s->bytes += len;
	s->lines++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct line_splitter ls;
	static struct outbuf ob;
	struct seen seen = { 0, 0 };
	size_t chunk, newlines = 0;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 256 + 1;
	data++;
	size--;
	memset(&ls, 0, sizeof(ls));
	memset(&ob, 0, sizeof(ob));
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		char *piece = malloc(n);

		if (piece == NULL)
			return 0;
		memcpy(piece, data + off, n);
		lines_feed(&ls, piece, n, on_line, &seen);
		outbuf_add(&ob, piece, n);
		free(piece);
	}
	lines_flush(&ls, on_line, &seen);
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			newlines++;
	if (seen.bytes + newlines != size)
		abort();
	if (ob.len > sizeof(ob.data) - 1 || ob.data[ob.len] != '\0' ||
	    strlen(ob.data) != ob.len || ob.len + ob.dropped != size)
		abort();
	return 0;
}
