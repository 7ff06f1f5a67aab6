#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sandbox.h"
#include "common/util.h"

bool
sandbox_user_exists(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		log_err("user '%s' does not exist: create the vigil users with "
		    "'make users' (or name others in 'set privsep')", user);
		return false;
	}
	if (uid != NULL)
		*uid = pw->pw_uid;
	if (gid != NULL)
		*gid = pw->pw_gid;
	return true;
}

/* capget(2), not /proc/self/status: after a chroot (webui) there is no
 * /proc, and the answer must not depend on the file system. */
uint64_t
sandbox_cap_eff(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return UINT64_MAX;
	return (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
}

void
sandbox_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fatalx("no-new-privs did not stick");
}

/* Every capability out of the bounding set, so nothing this process or a
 * program it could exec ever gains one back (the monitor's drop through
 * libcap-ng did this; webui's and auth's plain setresuid did not). */
static void
clear_bounding_set(void)
{
	for (int cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (in < 0)
			break;	/* past the kernel's last capability */
		if (in == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			fatal("prctl(PR_CAPBSET_DROP, %d)", cap);
	}
}

static bool
bounding_set_empty(void)
{
	for (int cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (in < 0)
			return true;
		if (in == 1)
			return false;
	}
	return true;
}

bool
sandbox_drop(const struct drop_spec *spec)
{
	static bool said_unprivileged;
	uid_t uid;
	gid_t gid, groups[1];
	size_t ngroups = 0;
	uint64_t want_caps;
	int pdeathsig = 0;
	pid_t parent;

	if (geteuid() != 0 || spec->user == NULL) {
		if (!said_unprivileged && geteuid() != 0)
			log_warn("running as uid %u, not root: cannot switch users or "
			    "chroot; applying no-new-privs, Landlock and seccomp only",
			    (unsigned)geteuid());
		said_unprivileged = true;
		sandbox_no_new_privs();
		return false;
	}
	if (!sandbox_user_exists(spec->user, &uid, &gid))
		exit(1);
	/* The kernel forgets the parent-death signal when the uid changes:
	 * remember privd's (set by it before execve) to set it again. */
	if (prctl(PR_GET_PDEATHSIG, &pdeathsig, 0, 0, 0) < 0)
		pdeathsig = 0;
	parent = getppid();
	if (uid == 0)
		fatalx("refusing to run as root user '%s'", spec->user);
	if (spec->extra_group != NULL) {
		struct group *gr = getgrnam(spec->extra_group);

		if (gr == NULL)
			fatalx("group '%s' does not exist", spec->extra_group);
		groups[ngroups++] = gr->gr_gid;
	}
	if (spec->chroot_dir != NULL) {
		if (chroot(spec->chroot_dir) < 0)
			fatal("chroot(%s)", spec->chroot_dir);
		if (chdir("/") < 0)
			fatal("chdir(/)");
	}
	if (setgroups(ngroups, groups) < 0)
		fatal("setgroups");
	if (spec->keep_dac_read_search) {
		capng_clear(CAPNG_SELECT_BOTH);
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_DAC_READ_SEARCH) < 0)
			fatalx("capng_update");
		if (capng_change_id((int)uid, (int)gid, CAPNG_CLEAR_BOUNDING) < 0)
			fatalx("capng_change_id(%s) failed", spec->user);
		want_caps = 1ull << CAP_DAC_READ_SEARCH;
	} else {
		clear_bounding_set();
		if (setresgid(gid, gid, gid) < 0)
			fatal("setresgid");
		if (setresuid(uid, uid, uid) < 0)
			fatal("setresuid");
		want_caps = 0;
	}
	/* Verify: the way back must be closed. */
	{
		uid_t r, e, s;
		gid_t rg, eg, sg;

		if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
			fatalx("uid switch to %s did not take", spec->user);
		if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
			fatalx("gid switch to %s did not take", spec->user);
		if (setuid(0) == 0 || seteuid(0) == 0)
			fatalx("could regain root after dropping to %s", spec->user);
		if (!bounding_set_empty())
			fatalx("capabilities left in the bounding set after dropping to %s",
			    spec->user);
		if (sandbox_cap_eff() != want_caps)
			fatalx("unexpected capabilities after drop: CapEff %llx, want %llx",
			    (unsigned long long)sandbox_cap_eff(),
			    (unsigned long long)want_caps);
	}
	/* Set again after the drop; if privd died meanwhile, the signal came
	 * too early to reach us: the parent is no longer privd, so go. */
	if (pdeathsig != 0) {
		if (prctl(PR_SET_PDEATHSIG, pdeathsig, 0, 0, 0) < 0)
			fatal("prctl(PR_SET_PDEATHSIG)");
		if (getppid() != parent)
			fatalx("parent (pid %d) died during the privilege drop", (int)parent);
	}
	sandbox_no_new_privs();
	return true;
}

static uint64_t
landlock_abi_mask(int abi)
{
	uint64_t m = (1ULL << 13) - 1;	/* ABI 1: execute .. make_sym */

	if (abi >= 2)
		m |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		m |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		m |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return m;
}

int
sandbox_landlock(uint64_t handled, const struct landlock_rule *rules, size_t n)
{
	struct landlock_ruleset_attr attr;
	int abi, rfd;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP) {
			log_warn("kernel has no Landlock: file-system sandbox not applied");
			return 0;
		}
		fatal("landlock_create_ruleset(version)");
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = handled & landlock_abi_mask(abi);
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rfd < 0)
		fatal("landlock_create_ruleset");
	for (size_t i = 0; i < n; i++) {
		struct landlock_path_beneath_attr pb;

		pb.allowed_access = rules[i].access & attr.handled_access_fs;
		pb.parent_fd = open(rules[i].path, O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0)
			fatal("landlock: open(%s)", rules[i].path);
		if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			fatal("landlock_add_rule(%s)", rules[i].path);
		close(pb.parent_fd);
	}
	if (syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
		fatal("landlock_restrict_self");
	close(rfd);
	return abi;
}

/* A forbidden syscall traps here: say which one on stderr (privd logs a
 * child's stderr), then die by SIGSYS.  SA_RESETHAND restored the default
 * action, so trapping once more (ptrace is in no allowlist) kills. */
static void
sigsys_handler(int sig, siginfo_t *si, void *uctx)
{
	char msg[96] = "seccomp: forbidden syscall ";
	size_t n = strlen(msg);
	char digits[16];
	int nr = si->si_syscall, k = 0;

	(void)sig;
	(void)uctx;
	if (nr < 0)
		nr = 0;
	do {
		digits[k++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr > 0 && k < (int)sizeof(digits));
	while (k > 0 && n < sizeof(msg) - 2)
		msg[n++] = digits[--k];
	msg[n++] = '\n';
	if (write(2, msg, n) < 0) {
		/* nothing more can be said */
	}
	syscall(SYS_ptrace, 0, 0, 0, 0);
	_exit(159);	/* not reached */
}

#ifdef VIGIL_SANITIZER
/* Sanitizer builds only (make asan, asan-sandbox, asan-integration): they
 * load every production policy plus these three, which the ASan/UBSan runtime
 * calls when a thread or the process ends (found by running the
 * integration suite under the filters).  Never in a normal build;
 * SECURITY.md lists them. */
static const struct seccomp_allow sanitizer_runtime_allow[] = {
	ALLOW(gettid, "the runtime names the thread that exits"),
	ALLOW(madvise, "the runtime returns shadow and thread memory at exit"),
	ALLOW(sigaltstack, "the runtime removes a thread's signal stack at exit"),
};

static int
allow_sanitizer_runtime(scmp_filter_ctx ctx, const struct seccomp_policy *p)
{
	for (size_t i = 0; i < sizeof(sanitizer_runtime_allow) / sizeof(sanitizer_runtime_allow[0]); i++) {
		const struct seccomp_allow *a = &sanitizer_runtime_allow[i];
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 0);

		/* -EEXIST: the policy allows it already (with conditions) */
		if (rc < 0 && rc != -EEXIST && rc != -EDOM) {
			log_err("seccomp(%s): sanitizer build: cannot allow %s: %s",
			    p->process, a->name, strerror(-rc));
			return rc;
		}
	}
	return 0;
}
#endif

int
sandbox_seccomp_load(const struct seccomp_policy *p)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < p->nallow; i++) {
		const struct seccomp_allow *a = &p->allow[i];

		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, a->nr, a->ncond,
		    a->ncond > 0 ? a->cond : NULL);
		if (rc < 0 && rc != -EDOM) {
			log_err("seccomp(%s): cannot allow %s: %s", p->process, a->name,
			    strerror(-rc));
			seccomp_release(ctx);
			return rc;
		}
	}
	for (size_t i = 0; i < p->ndeny; i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)p->deny[i].err),
		    p->deny[i].nr, 0);
		if (rc < 0 && rc != -EDOM) {
			log_err("seccomp(%s): cannot deny %s: %s", p->process,
			    p->deny[i].name, strerror(-rc));
			seccomp_release(ctx);
			return rc;
		}
	}
#ifdef VIGIL_SANITIZER
	if ((rc = allow_sanitizer_runtime(ctx, p)) < 0) {
		seccomp_release(ctx);
		return rc;
	}
#endif
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

void
sandbox_seccomp(const struct seccomp_policy *p)
{
	int rc = sandbox_seccomp_load(p);

	if (rc < 0) {
		errno = -rc;
		fatal("loading seccomp policy for %s", p->process);
	}
}
