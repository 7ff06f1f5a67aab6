/* common/sha256.c against the examples of FIPS 180-4 (NIST's "SHA-256"
 * example document: one block, two blocks, the 896-bit message, one million
 * 'a'), the empty message, and the same digests fed in uneven pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"

static void
hex(const uint8_t d[SHA256_LEN], char out[2 * SHA256_LEN + 1])
{
	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
expect(const char *msg, size_t len, const char *want)
{
	static const size_t steps[] = { 1, 3, 64, 65 };
	uint8_t d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];
	struct sha256 s;

	sha256(msg, len, d);
	hex(d, h);
	assert_string_equal(h, want);
	/* the same bytes in pieces of 1, 3, 64 and 65 */
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		size_t step = steps[k];

		sha256_init(&s);
		for (size_t off = 0; off < len; off += step)
			sha256_update(&s, msg + off, len - off < step ? len - off : step);
		sha256_final(&s, d);
		hex(d, h);
		assert_string_equal(h, want);
	}
}

static void
test_fips_one_block(void **state)
{
	(void)state;
	expect("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_fips_two_blocks(void **state)
{
	static const char m[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	expect(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_fips_896_bits(void **state)
{
	static const char m[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	(void)state;
	expect(m, strlen(m), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void
test_fips_million_a(void **state)
{
	char *m = malloc(1000000);

	(void)state;
	assert_non_null(m);
	memset(m, 'a', 1000000);
	expect(m, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

static void
test_empty_and_padding_edges(void **state)
{
	char m[120];

	(void)state;
	expect("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* 55, 56 and 64 bytes: the length fits, just misses, fills a block */
	memset(m, 'a', sizeof(m));
	expect(m, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	expect(m, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	expect(m, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_one_block),
		cmocka_unit_test(test_fips_two_blocks),
		cmocka_unit_test(test_fips_896_bits),
		cmocka_unit_test(test_fips_million_a),
		cmocka_unit_test(test_empty_and_padding_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
