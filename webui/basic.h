/* HTTP Basic authentication for Monit's API (/_status, /_doaction, ...,
 * /metrics): what Monit's CLI, Telegraf and the exporters send.
 *
 * The credentials go to auth like a form login.  A granted login is kept
 * for BASIC_CACHE_TTL_MS under a keyed hash of user and password (HMAC-
 * SHA256 with a key drawn at start), never the password, so a CLI or a
 * scraper polling every few seconds costs one login a minute. */
#ifndef VIGIL_WEBUI_BASIC_H
#define VIGIL_WEBUI_BASIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"

#define BASIC_CACHE_MAX		32
#define BASIC_CACHE_TTL_MS	(60u * 1000u)
#define BASIC_KEY_LEN		32
/* "Basic " and the base64 of the longest user:password auth accepts. */
#define BASIC_B64_MAX		(4 * ((MSG_USER_LEN + MSG_SECRET_LEN + 2) / 3))

struct basic_grant {
	bool used;
	uint8_t key[BASIC_KEY_LEN];	/* HMAC(user NUL password) */
	char sid[MSG_SID_LEN];		/* the session auth made */
	uint64_t expiry_ms;		/* monotonic */
};

struct basic_cache {
	uint8_t hkey[BASIC_KEY_LEN];
	bool ready;
	struct basic_grant g[BASIC_CACHE_MAX];
};

/* Draw the key (getrandom) and compute one HMAC, so that OpenSSL has
 * fetched what it needs before the chroot.  False without randomness. */
bool basic_cache_init(struct basic_cache *bc);

/* Parse an Authorization header value: "Basic" (any case), one or more
 * spaces, strict base64 (padding required, nothing after it) of
 * "user:password" with a non-empty user of at most MSG_USER_LEN-1 bytes
 * and no control byte, a password of at most MSG_SECRET_LEN-1 bytes and no
 * NUL.  0, or -1 when the header is anything else.  Outputs are wiped on
 * failure. */
int basic_parse(const char *header, char user[MSG_USER_LEN],
    char password[MSG_SECRET_LEN]);

/* Parse an Authorization header value "Bearer NAME.SECRET": the scheme in
 * any case, one or more spaces, then an RFC 6750 b64token (letters, digits,
 * "-._~+/", then only "="s) split at its first ".": a non-empty NAME of at
 * most MSG_USER_LEN-1 bytes (so no "." in it) and a non-empty SECRET of at
 * most MSG_SECRET_LEN-1 bytes, checked as user and password exactly like
 * Basic's.  0, or -1 when the header is anything else.  Outputs are wiped
 * on failure. */
int bearer_parse(const char *header, char user[MSG_USER_LEN],
    char password[MSG_SECRET_LEN]);

void basic_key(const struct basic_cache *bc, const char *user,
    const char *password, uint8_t out[BASIC_KEY_LEN]);

/* The live grant with this key, or NULL (expired ones are left for
 * basic_cache_expire). */
struct basic_grant *basic_lookup(struct basic_cache *bc,
    const uint8_t key[BASIC_KEY_LEN], uint64_t now);

/* Remember a grant; a full cache gives up its entry closest to expiry,
 * whose sid is copied to evicted_sid (else "") so the caller ends that
 * session. */
void basic_store(struct basic_cache *bc, const uint8_t key[BASIC_KEY_LEN],
    const char *sid, uint64_t now, char evicted_sid[MSG_SID_LEN]);

/* Drop expired grants, calling done(sid, arg) for each so the caller ends
 * its session.  Returns how many. */
size_t basic_cache_expire(struct basic_cache *bc, uint64_t now,
    void (*done)(const char *sid, void *arg), void *arg);

#endif
