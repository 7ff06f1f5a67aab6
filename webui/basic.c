#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/util.h"
#include "webui/basic.h"

bool
basic_cache_init(struct basic_cache *bc)
{
	uint8_t probe[BASIC_KEY_LEN];
	size_t got = 0;

	memset(bc, 0, sizeof(*bc));
	while (got < sizeof(bc->hkey)) {
		ssize_t r = getrandom(bc->hkey + got, sizeof(bc->hkey) - got, 0);

		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	basic_key(bc, "", "", probe);
	bc->ready = true;
	return true;
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 of in[0..len) into out; the decoded length or -1. */
static long
b64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	size_t o = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		size_t pad = 0;

		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + (size_t)k];

			if (c == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad > 0)
				return -1;	/* data after '=' */
			v[k] = b64val(c);
			if (v[k] < 0)
				return -1;
		}
		if (o + 3 - pad > cap)
			return -1;
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
	}
	return (long)o;
}

int
basic_parse(const char *header, char user[MSG_USER_LEN], char password[MSG_SECRET_LEN])
{
	uint8_t raw[BASIC_B64_MAX];
	const char *p = header;
	const uint8_t *colon;
	size_t b64len, ulen, plen;
	long n;

	user[0] = password[0] = '\0';
	if (strncasecmp(p, "Basic ", 6) != 0)
		return -1;
	p += 6;
	while (*p == ' ')
		p++;
	b64len = strlen(p);
	if (b64len > BASIC_B64_MAX)
		return -1;
	n = b64_decode(p, b64len, raw, sizeof(raw));
	if (n <= 0)
		goto bad;
	colon = memchr(raw, ':', (size_t)n);
	if (colon == NULL)
		goto bad;
	ulen = (size_t)(colon - raw);
	plen = (size_t)n - ulen - 1;
	if (ulen == 0 || ulen >= MSG_USER_LEN || plen >= MSG_SECRET_LEN)
		goto bad;
	for (size_t i = 0; i < ulen; i++)
		if (raw[i] < 0x20 || raw[i] == 0x7f)
			goto bad;
	if (memchr(colon + 1, '\0', plen) != NULL)
		goto bad;
	memcpy(user, raw, ulen);
	user[ulen] = '\0';
	memcpy(password, colon + 1, plen);
	password[plen] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return 0;
bad:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(user, MSG_USER_LEN);
	explicit_bzero(password, MSG_SECRET_LEN);
	return -1;
}

static bool
b64token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

int
bearer_parse(const char *header, char user[MSG_USER_LEN], char password[MSG_SECRET_LEN])
{
	const char *p = header, *dot;
	size_t len, body, ulen, plen;

	user[0] = password[0] = '\0';
	if (strncasecmp(p, "Bearer ", 7) != 0)
		goto bad;
	p += 7;
	while (*p == ' ')
		p++;
	len = strnlen(p, MSG_USER_LEN + MSG_SECRET_LEN);
	/* NAME "." SECRET at their longest; a longer value is refused
	 * without reading on */
	if (len == 0 || len > MSG_USER_LEN + MSG_SECRET_LEN - 1)
		goto bad;
	for (body = 0; body < len && b64token_char((unsigned char)p[body]); body++)
		;
	for (size_t i = body; i < len; i++)
		if (p[i] != '=')
			goto bad;	/* a character outside token68, or data after '=' */
	dot = memchr(p, '.', body);
	if (dot == NULL)
		goto bad;
	ulen = (size_t)(dot - p);
	plen = len - ulen - 1;
	if (ulen == 0 || ulen >= MSG_USER_LEN || plen == 0 || plen >= MSG_SECRET_LEN)
		goto bad;
	memcpy(user, p, ulen);
	user[ulen] = '\0';
	memcpy(password, dot + 1, plen);
	password[plen] = '\0';
	return 0;
bad:
	explicit_bzero(user, MSG_USER_LEN);
	explicit_bzero(password, MSG_SECRET_LEN);
	return -1;
}

void
basic_key(const struct basic_cache *bc, const char *user, const char *password,
    uint8_t out[BASIC_KEY_LEN])
{
	uint8_t buf[MSG_USER_LEN + MSG_SECRET_LEN];
	size_t ul = strnlen(user, MSG_USER_LEN - 1), pl = strnlen(password, MSG_SECRET_LEN - 1);
	unsigned int outlen = BASIC_KEY_LEN;

	memcpy(buf, user, ul);
	buf[ul] = '\0';
	memcpy(buf + ul + 1, password, pl);
	if (HMAC(EVP_sha256(), bc->hkey, sizeof(bc->hkey), buf, ul + 1 + pl, out,
	    &outlen) == NULL || outlen != BASIC_KEY_LEN)
		memset(out, 0, BASIC_KEY_LEN);	/* matches no stored grant */
	explicit_bzero(buf, sizeof(buf));
}

static bool
key_eq(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (size_t i = 0; i < BASIC_KEY_LEN; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

static bool
key_zero(const uint8_t *k)
{
	uint8_t d = 0;

	for (size_t i = 0; i < BASIC_KEY_LEN; i++)
		d |= k[i];
	return d == 0;
}

struct basic_grant *
basic_lookup(struct basic_cache *bc, const uint8_t key[BASIC_KEY_LEN], uint64_t now)
{
	struct basic_grant *found = NULL;

	if (key_zero(key))
		return NULL;
	for (size_t i = 0; i < BASIC_CACHE_MAX; i++)
		if (bc->g[i].used && key_eq(bc->g[i].key, key))
			found = &bc->g[i];
	return found != NULL && found->expiry_ms > now ? found : NULL;
}

void
basic_store(struct basic_cache *bc, const uint8_t key[BASIC_KEY_LEN], const char *sid,
    uint64_t now, char evicted_sid[MSG_SID_LEN])
{
	struct basic_grant *slot = NULL;

	evicted_sid[0] = '\0';
	if (key_zero(key))
		return;
	for (size_t i = 0; i < BASIC_CACHE_MAX && slot == NULL; i++)
		if (bc->g[i].used && key_eq(bc->g[i].key, key)) {
			slot = &bc->g[i];
			if (strcmp(slot->sid, sid) != 0)
				strlcpy_v(evicted_sid, slot->sid, MSG_SID_LEN);
		}
	for (size_t i = 0; i < BASIC_CACHE_MAX && slot == NULL; i++)
		if (!bc->g[i].used)
			slot = &bc->g[i];
	if (slot == NULL) {
		slot = &bc->g[0];
		for (size_t i = 1; i < BASIC_CACHE_MAX; i++)
			if (bc->g[i].expiry_ms < slot->expiry_ms)
				slot = &bc->g[i];
		strlcpy_v(evicted_sid, slot->sid, MSG_SID_LEN);
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = true;
	memcpy(slot->key, key, BASIC_KEY_LEN);
	strlcpy_v(slot->sid, sid, sizeof(slot->sid));
	slot->expiry_ms = now + BASIC_CACHE_TTL_MS;
}

size_t
basic_cache_expire(struct basic_cache *bc, uint64_t now,
    void (*done)(const char *sid, void *arg), void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < BASIC_CACHE_MAX; i++)
		if (bc->g[i].used && bc->g[i].expiry_ms <= now) {
			char sid[MSG_SID_LEN];

			strlcpy_v(sid, bc->g[i].sid, sizeof(sid));
			explicit_bzero(&bc->g[i], sizeof(bc->g[i]));
			if (done != NULL)
				done(sid, arg);
			n++;
		}
	return n;
}
