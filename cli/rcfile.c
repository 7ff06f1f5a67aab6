/* Where the control file is when no -c was given: vigil's own names first,
 * then Monit's, so an existing monitrc works unchanged. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

const char *const cli_rc_search[] = {
	"~/.vigilrc",
	"/etc/vigilrc",
	"/etc/vigil/vigilrc",
	"~/.monitrc",
	"/etc/monitrc",
	"/etc/monit/monitrc",
	"/usr/local/etc/monitrc",
	NULL,
};

static void
append_tried(char *tried, size_t triedlen, const char *path)
{
	size_t used = strlen(tried);

	if (used + 1 >= triedlen)
		return;
	snprintf(tried + used, triedlen - used, "%s%s", used > 0 ? ", " : "", path);
}

bool
cli_find_control_file(const char *home, char *out, size_t outlen, char *tried,
    size_t triedlen)
{
	if (triedlen > 0)
		tried[0] = '\0';
	for (size_t i = 0; cli_rc_search[i] != NULL; i++) {
		const char *entry = cli_rc_search[i];
		char path[4096];
		struct stat st;
		int n;

		if (strncmp(entry, "~/", 2) == 0) {
			if (home == NULL || home[0] != '/')
				continue;
			n = snprintf(path, sizeof(path), "%s/%s", home, entry + 2);
		} else
			n = snprintf(path, sizeof(path), "%s", entry);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		append_tried(tried, triedlen, path);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if ((size_t)n >= outlen)
				continue;
			memcpy(out, path, (size_t)n + 1);
			return true;
		}
	}
	return false;
}
