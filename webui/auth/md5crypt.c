/* Apache's "$apr1$" password hashes (htpasswd -m, the default of
 * `htpasswd -nb`): the MD5-based crypt with another magic string.
 * libxcrypt knows "$1$" but not "$apr1$", and vigil-auth links no crypto
 * library, so MD5 (RFC 1321) is written out here.  MD5 is only the
 * primitive the hash format dictates; nothing new should use it. */
#include <string.h>

#include "webui/auth/auth.h"

struct md5 {
	uint32_t s[4];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

/* floor(abs(sin(i + 1)) * 2^32), RFC 1321 section 3.4. */
static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static const uint8_t md5_rot[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
};

static uint32_t
rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void
md5_block(struct md5 *c, const uint8_t *p)
{
	uint32_t m[16], a = c->s[0], b = c->s[1], cc = c->s[2], d = c->s[3];

	for (int i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		    (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (unsigned i = 0; i < 64; i++) {
		uint32_t f, t;
		unsigned g, round = i / 16;

		switch (round) {
		case 0:
			f = (b & cc) | (~b & d);
			g = i;
			break;
		case 1:
			f = (d & b) | (~d & cc);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ cc ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = cc ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		t = d;
		d = cc;
		cc = b;
		b = b + rotl(a + f + md5_k[i] + m[g], md5_rot[round][i % 4]);
		a = t;
	}
	c->s[0] += a;
	c->s[1] += b;
	c->s[2] += cc;
	c->s[3] += d;
}

static void
md5_init(struct md5 *c)
{
	memset(c, 0, sizeof(*c));
	c->s[0] = 0x67452301;
	c->s[1] = 0xefcdab89;
	c->s[2] = 0x98badcfe;
	c->s[3] = 0x10325476;
}

static void
md5_update(struct md5 *c, const void *data, size_t n)
{
	const uint8_t *p = data;

	c->len += n;
	while (n > 0) {
		size_t take = 64 - c->nbuf < n ? 64 - c->nbuf : n;

		memcpy(c->buf + c->nbuf, p, take);
		c->nbuf += take;
		p += take;
		n -= take;
		if (c->nbuf == 64) {
			md5_block(c, c->buf);
			c->nbuf = 0;
		}
	}
}

static void
md5_final(struct md5 *c, uint8_t out[16])
{
	uint64_t bits = c->len * 8;
	uint8_t pad = 0x80, zero = 0, len[8];

	md5_update(c, &pad, 1);
	while (c->nbuf != 56)
		md5_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (8 * i));
	md5_update(c, len, 8);
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 4; k++)
			out[4 * i + k] = (uint8_t)(c->s[i] >> (8 * k));
	explicit_bzero(c, sizeof(*c));
}

void
auth_md5(const void *data, size_t n, uint8_t out[16])
{
	struct md5 c;

	md5_init(&c);
	md5_update(&c, data, n);
	md5_final(&c, out);
}

static char *
to64(char *p, uint32_t v, int n)
{
	static const char itoa64[] =
	    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	while (n-- > 0) {
		*p++ = itoa64[v & 0x3f];
		v >>= 6;
	}
	return p;
}

bool
auth_md5crypt(const char *password, const char *setting, char *out, size_t outlen)
{
	const char *magic, *salt, *end;
	size_t pl = strlen(password), ml, sl;
	uint8_t fin[16];
	struct md5 c, alt;
	char *p;

	if (strncmp(setting, "$apr1$", 6) == 0)
		magic = "$apr1$";
	else if (strncmp(setting, "$1$", 3) == 0)
		magic = "$1$";
	else
		return false;
	ml = strlen(magic);
	salt = setting + ml;
	end = strchr(salt, '$');
	sl = end != NULL ? (size_t)(end - salt) : strlen(salt);
	if (sl > 8)
		sl = 8;
	/* magic + salt + '$' + 22 characters + NUL */
	if (outlen < ml + sl + 1 + 22 + 1)
		return false;

	md5_init(&alt);
	md5_update(&alt, password, pl);
	md5_update(&alt, salt, sl);
	md5_update(&alt, password, pl);
	md5_final(&alt, fin);

	md5_init(&c);
	md5_update(&c, password, pl);
	md5_update(&c, magic, ml);
	md5_update(&c, salt, sl);
	for (size_t n = pl; n > 0; n -= n > 16 ? 16 : n)
		md5_update(&c, fin, n > 16 ? 16 : n);
	for (size_t n = pl; n > 0; n >>= 1)
		md5_update(&c, (n & 1) ? "" : password, 1);
	md5_final(&c, fin);

	/* 1000 rounds, mixing password, salt and the previous digest. */
	for (int i = 0; i < 1000; i++) {
		md5_init(&c);
		if (i & 1)
			md5_update(&c, password, pl);
		else
			md5_update(&c, fin, 16);
		if (i % 3)
			md5_update(&c, salt, sl);
		if (i % 7)
			md5_update(&c, password, pl);
		if (i & 1)
			md5_update(&c, fin, 16);
		else
			md5_update(&c, password, pl);
		md5_final(&c, fin);
	}

	memcpy(out, magic, ml);
	memcpy(out + ml, salt, sl);
	p = out + ml + sl;
	*p++ = '$';
	p = to64(p, (uint32_t)fin[0] << 16 | (uint32_t)fin[6] << 8 | fin[12], 4);
	p = to64(p, (uint32_t)fin[1] << 16 | (uint32_t)fin[7] << 8 | fin[13], 4);
	p = to64(p, (uint32_t)fin[2] << 16 | (uint32_t)fin[8] << 8 | fin[14], 4);
	p = to64(p, (uint32_t)fin[3] << 16 | (uint32_t)fin[9] << 8 | fin[15], 4);
	p = to64(p, (uint32_t)fin[4] << 16 | (uint32_t)fin[10] << 8 | fin[5], 4);
	p = to64(p, fin[11], 2);
	*p = '\0';
	explicit_bzero(fin, sizeof(fin));
	return true;
}
