/* The drop sequence of vigil-auth (DESIGN.md), in one function so the
 * sandbox proof tests exactly what main() runs. */
#include <linux/landlock.h>
#include <stdlib.h>

#include "common/log.h"
#include "common/sandbox.h"
#include "webui/auth/auth.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* Handled with no rule granting them: no file is written, created, removed,
 * renamed or executed anywhere.  Reading stays open: PAM reads its
 * configuration, loads modules (dlopen) and reads /etc/passwd, /etc/group,
 * /etc/shadow per login, from whatever /etc/pam.d/<service> names. */
static const uint64_t auth_landlock_handled =
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
	(void)sandbox_drop(&spec);
	(void)sandbox_landlock(auth_landlock_handled, NULL, 0);
	sandbox_seccomp(&seccomp_policy_auth);
}
