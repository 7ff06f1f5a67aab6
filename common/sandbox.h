/* The drop sequence of DESIGN.md, shared by monitor, webui and auth:
 *
 *   acquire (caller) -> chroot -> setgroups -> setresgid -> setresuid
 *   (capng_change_id keeping only the listed capabilities) -> verify
 *   (setuid(0) must fail, CapEff as expected) -> PR_SET_NO_NEW_PRIVS
 *   -> Landlock -> seccomp
 *
 * Each step is fatal on failure.  Started by an ordinary user, the identity
 * steps are impossible: sandbox_drop() says so once and goes on with
 * no-new-privs; Landlock and seccomp still apply. */
#ifndef VIGIL_SANDBOX_H
#define VIGIL_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/landlock.h>

#include "policy/policy.h"

/* Landlock rights newer than Debian 12's headers (ABI 2, 3, 5). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif

struct drop_spec {
	const char *user;		/* target user (NULL: stay) */
	const char *extra_group;	/* supplementary group by name, or NULL */
	bool keep_dac_read_search;	/* monitor: read any file, no write */
	const char *chroot_dir;		/* webui: empty root-owned directory */
};

/* Look up a user; false (with a message naming `make users`) if missing. */
bool sandbox_user_exists(const char *user, uid_t *uid, gid_t *gid);

/* chroot .. NO_NEW_PRIVS.  Returns true when identity was switched, false
 * when running unprivileged (identity kept). */
bool sandbox_drop(const struct drop_spec *spec);

/* Only NO_NEW_PRIVS (the unprivileged path, and tests). */
void sandbox_no_new_privs(void);

/* Apply a Landlock ruleset: `handled` access rights are denied except under
 * the rules' paths.  Returns the ABI used, or 0 when the kernel has no
 * Landlock (logged once); any other failure is fatal. */
int sandbox_landlock(uint64_t handled, const struct landlock_rule *rules, size_t n);

/* Load a seccomp policy: allowlist, default kill-process.  Fatal on failure.
 * A sanitizer build (VIGIL_SANITIZER) loads the same policy plus the three
 * syscalls the ASan/UBSan runtime makes at exit (sandbox.c). */
void sandbox_seccomp(const struct seccomp_policy *p);

/* Same, but always loads (tests that prove the policy kills). */
int sandbox_seccomp_load(const struct seccomp_policy *p);

/* Read CapEff from /proc/self/status; UINT64_MAX on error. */
uint64_t sandbox_cap_eff(void);

#endif
