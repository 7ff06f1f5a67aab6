/* SHA-256 (FIPS 180-4), small and self-contained: privd links no crypto
 * library, and the log chain (common/logchain.c) needs only this. */
#ifndef VIGIL_SHA256_H
#define VIGIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;		/* message length so far */
	uint8_t block[64];
	size_t fill;		/* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);

/* One call: OUT = SHA-256(DATA). */
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

#endif
