/* Fuzz vigil-auth's own password-hash code: the "$apr1$"/"$1$" MD5 crypt and
 * the secret checks of control-file (htpasswd) users.  Input: SECRET NUL
 * PASSWORD.  libcrypt's own formats are left out: a hostile bcrypt cost
 * would only measure libcrypt's patience. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "webui/auth/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msg_auth_rule r;
	static struct auth_rules rs;
	char password[MSG_SECRET_LEN], out[MSG_SECRET_LEN];
	const uint8_t *nul = memchr(data, 0, size);
	size_t sl = nul != NULL ? (size_t)(nul - data) : size;
	size_t pl = nul != NULL ? size - sl - 1 : 0;
	const char *why;

	if (sl >= MSG_SECRET_LEN || pl >= sizeof(password))
		return 0;
	memset(&r, 0, sizeof(r));
	memcpy(r.secret, data, sl);
	if (pl > 0)
		memcpy(password, nul + 1, pl);
	password[pl] = '\0';
	if (memchr(password, 0, pl) != NULL)
		return 0;

	if (auth_md5crypt(password, r.secret, out, sizeof(out))) {
		/* Well-formed output: it verifies against itself. */
		char again[MSG_SECRET_LEN];

		if (!auth_md5crypt(password, out, again, sizeof(again)) ||
		    strcmp(out, again) != 0)
			__builtin_trap();
	}
	r.kind = AUTH_RULE_USER;
	strcpy(r.name, "fuzz");
	for (uint8_t t = SECRET_CLEARTEXT; t <= SECRET_MD5; t++) {
		if (t == SECRET_CRYPT && strncmp(r.secret, "$apr1$", 6) != 0)
			continue;
		r.secret_type = t;
		auth_rules_init(&rs);
		why = NULL;
		if (auth_rules_add(&rs, &r, &why)) {
			bool ok = auth_secret_verify(auth_rules_find_user(&rs, "fuzz"), password);

			/* Cleartext: exactly equality. */
			if (t == SECRET_CLEARTEXT && ok != (pl > 0 && strcmp(password, r.secret) == 0))
				__builtin_trap();
		}
		auth_rules_free(&rs);
	}
	return 0;
}
