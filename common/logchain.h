/* The hash chain of vigild's log file (`set logfile PATH chained`).
 *
 * Every line written to a chained log file ends with " #c=" and 32 hex
 * digits: the first 128 bits of SHA-256 over the previous line's value and
 * this line's text (everything before " #c=").  A chain segment starts with
 *
 *   [TIME] privd: info: log chain start prev=HEX #c=HEX
 *
 * whose prev= is the value it follows: the last value of the file when
 * vigild starts again or reopens it (SIGUSR1), or 32 random hex digits for
 * a new file.  Removing, editing, inserting or reordering a line inside the
 * file breaks the chain at that line; a start line in the middle must name
 * the line before it.  What it cannot show: lines cut off the end (compare
 * the last value with one kept elsewhere), or a whole file rewritten by
 * someone who can write it (root): there is no key.  SECURITY.md says more.
 *
 * Pure functions on bytes: privd writes with them (privd/logchain_writer.c),
 * `vigil log verify` checks with them (cli/log_verify.c). */
#ifndef VIGIL_LOGCHAIN_H
#define VIGIL_LOGCHAIN_H

#include <stdbool.h>
#include <stddef.h>

#define LOGCHAIN_HEX 32			/* hex digits of a chain value */
#define LOGCHAIN_TAG " #c="		/* between a line's text and its value */
#define LOGCHAIN_TAG_LEN 4
#define LOGCHAIN_SUFFIX_LEN (LOGCHAIN_TAG_LEN + LOGCHAIN_HEX)
#define LOGCHAIN_START "privd: info: log chain start prev="
#define LOGCHAIN_TAIL_MAX 4096		/* bytes read back from a file's end */

/* OUT = the LOGCHAIN_HEX / 2 bytes of BYTES in lowercase hex. */
void logchain_hex(const unsigned char *bytes, char out[LOGCHAIN_HEX + 1]);

/* OUT = the chain value of TEXT (LEN bytes) after PREV (both hex, NUL-ended). */
void logchain_value(const char *prev, const char *text, size_t len,
    char out[LOGCHAIN_HEX + 1]);

/* A line without its newline: true when it ends with a well-formed
 * " #c=HEX", with the text's length and the value. */
bool logchain_split(const char *line, size_t len, size_t *textlen,
    char value[LOGCHAIN_HEX + 1]);

/* TEXT is a segment start ("[...] privd: info: log chain start prev=HEX"):
 * true, with PREV. */
bool logchain_is_start(const char *text, size_t len, char prev[LOGCHAIN_HEX + 1]);

/* The value of the last whole line in TAIL (the last bytes of a file, at
 * most LOGCHAIN_TAIL_MAX are looked at): false when the file does not end
 * with a newline-terminated chained line. */
bool logchain_last_value(const char *tail, size_t len, char value[LOGCHAIN_HEX + 1]);

/* Verification, line by line. */
struct logchain_verify {
	unsigned long line;		/* lines seen */
	bool have_prev;
	char prev[LOGCHAIN_HEX + 1];	/* value of the line before */
	char first_prev[LOGCHAIN_HEX + 1];	/* prev= of the file's first line */
};

void logchain_verify_init(struct logchain_verify *v);

/* Check the next line (without its newline).  Returns NULL when it chains,
 * or why not (the line number is v->line). */
const char *logchain_verify_line(struct logchain_verify *v, const char *line, size_t len);

#endif
