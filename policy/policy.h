/* Security policies as data: seccomp allowlists, Landlock rules, capability
 * sets.  One table per process, sorted by syscall name, one comment each. */
#ifndef VIGIL_POLICY_H
#define VIGIL_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>

/* One allowed syscall, optionally only for some argument values (all listed
 * conditions must hold; several entries for one syscall are alternatives). */
struct seccomp_allow {
	int nr;			/* SCMP_SYS(name) */
	const char *name;
	const char *why;	/* who needs it */
	unsigned ncond;		/* 0..2 */
	struct scmp_arg_cmp cond[2];
};

/* A syscall that fails with an errno instead of killing (things libraries
 * try and cope with failing). */
struct seccomp_errno {
	int nr;
	const char *name;
	int err;
	const char *why;
};

struct seccomp_policy {
	const char *process;
	const struct seccomp_allow *allow;
	size_t nallow;
	const struct seccomp_errno *deny;
	size_t ndeny;
};

#define ALLOW(sys, why_) { SCMP_SYS(sys), #sys, why_, 0, { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } } }
#define ALLOW_IF(sys, why_, c0) { SCMP_SYS(sys), #sys, why_, 1, { c0, { 0, 0, 0, 0 } } }
#define ALLOW_IF2(sys, why_, c0, c1) { SCMP_SYS(sys), #sys, why_, 2, { c0, c1 } }
#define DENY(sys, e, why_) { SCMP_SYS(sys), #sys, e, why_ }

/* Landlock: paths and the access granted beneath them. */
struct landlock_rule {
	const char *path;
	uint64_t access;	/* LANDLOCK_ACCESS_FS_* bits */
};

extern const struct seccomp_policy seccomp_policy_monitor;
extern const struct seccomp_policy seccomp_policy_webui;
extern const struct seccomp_policy seccomp_policy_auth;

#endif
