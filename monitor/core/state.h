/* The monitor's state file: one versioned, checksummed record, written
 * atomically.  The payload is the engine's opaque record (engine_state_*);
 * this layer only guarantees that what is read back is exactly what was
 * written, or is refused.
 *
 * Layout (little-endian): "VGST", u32 version, u64 payload length,
 * SHA-256 of the payload (32 bytes), payload. */
#ifndef VIGIL_STATE_H
#define VIGIL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_MAGIC		"VGST"
#define STATE_VERSION		1u
#define STATE_HDR_LEN		48
#define STATE_MAX_PAYLOAD	(16u * 1024u * 1024u)

enum state_result {
	STATE_OK,		/* *payload holds the record */
	STATE_MISSING,		/* no file yet: a first start */
	STATE_CORRUPT,		/* refused and set aside (logged) */
	STATE_ERROR,		/* could not read it (logged); left alone */
};

/* Write payload to path atomically: a temporary file in the same directory
 * (O_CREAT|O_EXCL|O_NOFOLLOW, 0600), fsync, rename, fsync of the directory.
 * On failure the old file is intact, errno is set and -1 returned. */
int state_write(const char *path, const uint8_t *payload, size_t len);

/* What was last written to (or read from) a state file, so that an
 * unchanged record is not written again: a save costs two fsyncs, and the
 * record changes only when a service is (un)monitored, restarted or
 * learns a baseline, not at every cycle. */
struct state_saved {
	bool valid;
	uint8_t digest[32];	/* SHA-256 of the payload */
};

/* Remember payload as what path holds now. */
void state_saved_set(struct state_saved *saved, const uint8_t *payload,
    size_t len);

/* state_write, unless payload is what *saved says path holds and path still
 * exists.  1: written; 0: unchanged, nothing done; -1: error (errno set,
 * *saved no longer valid).  saved may be NULL (always written). */
int state_save(const char *path, const uint8_t *payload, size_t len,
    struct state_saved *saved);

/* Read and verify path (O_NOFOLLOW, at most STATE_MAX_PAYLOAD).  A file that
 * fails any check is renamed to PATH.corrupt-<unix time> and reported with
 * the reason; *payload is then NULL.  On STATE_OK the caller frees *payload.
 * why (may be NULL) gets the reason of a refusal. */
enum state_result state_read(const char *path, uint8_t **payload, size_t *len,
    char *why, size_t whylen);

/* Check a whole file image in memory (the core of state_read, for tests
 * and fuzzing).  On success *off and *len locate the payload inside buf. */
bool state_verify(const uint8_t *buf, size_t buflen, size_t *off, size_t *len,
    char *why, size_t whylen);

#endif
