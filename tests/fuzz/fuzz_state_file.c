/* libFuzzer target: the state file's framing (state_verify in
 * monitor/core/state.c): magic, version, length and SHA-256 checked before
 * the record is trusted.  The file lives in a directory the monitor's user
 * can write, so after a monitor compromise it is attacker bytes.
 *
 * Input: byte 0 bit 0 set: the rest is a payload, framed here with a valid
 * header (which must be accepted, then decoded by the engine); clear: the
 * rest is a whole file.  Oracles besides the sanitizers: an accepted frame
 * spans exactly the input; a valid frame is accepted; a frame with any one
 * byte of its header or payload changed is refused. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/core/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off, len;
	char why[128];

	if (size < 1 || size > 256 * 1024)
		return 0;
	if (!(data[0] & 1)) {
		if (state_verify(data + 1, size - 1, &off, &len, why, sizeof(why)) &&
		    (off != STATE_HDR_LEN || off + len != size - 1))
			abort();
		return 0;
	}
	{
		size_t plen = size - 1, flen = STATE_HDR_LEN + plen;
		uint8_t *f = malloc(flen);
		unsigned int dl = 0;

		if (f == NULL)
			return 0;
		memset(f, 0, STATE_HDR_LEN);
		memcpy(f, STATE_MAGIC, 4);
		put_le(f + 4, STATE_VERSION, 4);
		put_le(f + 8, plen, 8);
		if (EVP_Digest(data + 1, plen, f + 16, &dl, EVP_sha256(), NULL) != 1)
			abort();
		memcpy(f + STATE_HDR_LEN, data + 1, plen);
		if (!state_verify(f, flen, &off, &len, why, sizeof(why)) || len != plen)
			abort();
		/* one byte changed anywhere (every byte is checked): refused */
		f[(size_t)data[0] * 131u % flen] ^= 0x5a;
		if (state_verify(f, flen, &off, &len, why, sizeof(why)))
			abort();
		free(f);
	}
	return 0;
}
