/* The drop sequence of vigil-auth (DESIGN.md), in one function so the
 * sandbox proof tests exactly what main() runs. */
#include <linux/landlock.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sandbox.h"
#include "common/util.h"
#include "webui/auth/auth.h"

/* Handled: every access right.  Rules grant only reading, and only below
 * the directories PAM needs: its configuration and the account files in
 * /etc, its modules and libraries below /usr (and /lib, /lib64 where they
 * are not symlinks into /usr).  No file is written, created, removed,
 * renamed or executed anywhere; nothing in /home, /root, /var or /run is
 * readable, whatever the file modes say. */
#define AUTH_LANDLOCK_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

static const uint64_t auth_landlock_handled =
    AUTH_LANDLOCK_READ |
    LANDLOCK_ACCESS_FS_EXECUTE |
    LANDLOCK_ACCESS_FS_WRITE_FILE |
    LANDLOCK_ACCESS_FS_REMOVE_DIR |
    LANDLOCK_ACCESS_FS_REMOVE_FILE |
    LANDLOCK_ACCESS_FS_MAKE_CHAR |
    LANDLOCK_ACCESS_FS_MAKE_DIR |
    LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SOCK |
    LANDLOCK_ACCESS_FS_MAKE_FIFO |
    LANDLOCK_ACCESS_FS_MAKE_BLOCK |
    LANDLOCK_ACCESS_FS_MAKE_SYM |
    LANDLOCK_ACCESS_FS_REFER |
    LANDLOCK_ACCESS_FS_TRUNCATE;

void
auth_sandbox_apply(const char *user)
{
	struct drop_spec spec = {
		.user = user,
		/* pam_unix reads /etc/shadow itself when it can (Debian),
		 * so the setgid helper unix_chkpwd is never executed. */
		.extra_group = "shadow",
		.keep_dac_read_search = false,
		.chroot_dir = NULL,
	};

	/* Acquire: nothing.  auth opens no socket and no file of its own;
	 * its channels (fds 3-5) were set up by privd. */
	static const char *const readable[] = { "/etc", "/usr", "/lib", "/lib64" };
	struct landlock_rule rules[ARRAY_SIZE(readable)];
	size_t n = 0;

	(void)sandbox_drop(&spec);
	for (size_t i = 0; i < ARRAY_SIZE(readable); i++)
		if (access(readable[i], F_OK) == 0)
			rules[n++] = (struct landlock_rule){ readable[i], AUTH_LANDLOCK_READ };
	(void)sandbox_landlock(auth_landlock_handled, rules, n);
	sandbox_seccomp(&seccomp_policy_auth);
}
