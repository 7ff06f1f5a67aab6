/* The command line privd gives vigil-webui, validated strictly: privd is
 * trusted, but a malformed line means a bug worth stopping on. */
#include <stdio.h>
#include <string.h>

#include "webui/webui.h"

static bool
valid_user(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MSG_USER_LEN || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' ||
		    s[i] == '.'))
			return false;
	return true;
}

static bool
valid_path(const char *s)
{
	size_t n = strlen(s);

	return s[0] == '/' && n < MSG_PATH_LEN;
}

/* The TLS files: privd passes the control file's words; a relative path is
 * taken from privd's working directory, so only the shape is checked. */
static bool
valid_file(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MSG_PATH_LEN || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static bool
valid_short(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MSG_SHORT_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int
webui_parse_args(int argc, char **argv, struct webui_options *o, char *err,
    size_t errlen)
{
	bool have_port = false;

	memset(o, 0, sizeof(*o));
	o->signature = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-v") == 0) {
			o->verbose++;
			continue;
		}
		if (strcmp(a, "--ssl") == 0) {
			if (o->ssl)
				goto repeated;
			o->ssl = true;
			continue;
		}
		if (strcmp(a, "--allow-self-signed") == 0) {
			if (o->allow_self_signed)
				goto repeated;
			o->allow_self_signed = true;
			continue;
		}
		if (strcmp(a, "--no-signature") == 0) {
			if (!o->signature)
				goto repeated;
			o->signature = false;
			continue;
		}
		if (strcmp(a, "--user") != 0 && strcmp(a, "--chroot") != 0 &&
		    strcmp(a, "--port") != 0 && strcmp(a, "--address") != 0 &&
		    strcmp(a, "--pemfile") != 0 && strcmp(a, "--clientpem") != 0 &&
		    strcmp(a, "--allow") != 0) {
			snprintf(err, errlen, "unknown argument '%.64s'", a);
			return -1;
		}
		if (v == NULL) {
			snprintf(err, errlen, "%s needs a value", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--user") == 0) {
			if (o->user != NULL)
				goto repeated;
			if (!valid_user(v))
				goto bad;
			o->user = v;
		} else if (strcmp(a, "--chroot") == 0) {
			if (o->chroot_dir != NULL)
				goto repeated;
			if (!valid_path(v))
				goto bad;
			o->chroot_dir = v;
		} else if (strcmp(a, "--port") == 0) {
			unsigned long p = 0;

			if (have_port)
				goto repeated;
			if (v[0] == '\0' || strlen(v) > 5)
				goto bad;
			for (const char *q = v; *q != '\0'; q++) {
				if (*q < '0' || *q > '9')
					goto bad;
				p = p * 10 + (unsigned long)(*q - '0');
			}
			if (p == 0 || p > 65535)
				goto bad;
			o->port = (uint16_t)p;
			have_port = true;
		} else if (strcmp(a, "--address") == 0) {
			if (o->address != NULL)
				goto repeated;
			if (!valid_short(v))
				goto bad;
			o->address = v;
		} else if (strcmp(a, "--pemfile") == 0) {
			if (o->pemfile != NULL)
				goto repeated;
			if (!valid_file(v))
				goto bad;
			o->pemfile = v;
		} else if (strcmp(a, "--clientpem") == 0) {
			if (o->clientpem != NULL)
				goto repeated;
			if (!valid_file(v))
				goto bad;
			o->clientpem = v;
		} else {
			if (o->nallow == MSG_SCOPE_MAX) {
				snprintf(err, errlen, "more than %d --allow entries", MSG_SCOPE_MAX);
				return -1;
			}
			if (!valid_short(v))
				goto bad;
			o->allow[o->nallow++] = v;
		}
		continue;
bad:
		snprintf(err, errlen, "bad value for %s: '%.64s'", a, v);
		return -1;
repeated:
		snprintf(err, errlen, "%s given twice", a);
		return -1;
	}
	if (o->user == NULL || o->chroot_dir == NULL || !have_port) {
		snprintf(err, errlen, "--user, --chroot and --port are required");
		return -1;
	}
	if (o->ssl && o->pemfile == NULL) {
		snprintf(err, errlen, "--ssl needs --pemfile");
		return -1;
	}
	if (!o->ssl && (o->pemfile != NULL || o->clientpem != NULL)) {
		snprintf(err, errlen, "--pemfile and --clientpem need --ssl");
		return -1;
	}
	if (o->allow_self_signed && o->clientpem == NULL) {
		snprintf(err, errlen, "--allow-self-signed needs --clientpem");
		return -1;
	}
	return 0;
}
