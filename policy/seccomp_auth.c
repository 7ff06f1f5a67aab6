/* seccomp allowlist of vigil-auth, sorted by name, one "why" each.
 *
 * auth runs PAM modules in-process, so the list covers what libpam,
 * pam_unix, libcrypt and glibc's NSS "files" backend do for a login:
 * open and map modules (dlopen), read /etc/pam.d, /etc/passwd, /etc/group,
 * /etc/shadow.  It never needs the network, a new program or a new
 * identity: socket() fails (see below), execve, ptrace and the setuid
 * family kill the process. */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include "common/util.h"
#include "policy/policy.h"

/* Argument n (an int: the upper 32 bits are ignored, as the kernel does)
 * equals v.  Spelled out because libseccomp's SCMP_A0() leaves datum_b
 * implicit, which clang's -Wmissing-field-initializers refuses. */
#define ARG32_EQ(n, v) { (n), SCMP_CMP_MASKED_EQ, 0xffffffffu, (v) }

static const struct seccomp_allow auth_allow[] = {
	ALLOW(access, "libselinux (via pam_unix) probes /etc/selinux/config"),
	ALLOW(brk, "malloc"),
	ALLOW(capget, "pam_cap and libcap read (never set) capabilities"),
	ALLOW(clock_gettime, "now_ms(), time(): vDSO fallback"),
	ALLOW(close, "PAM and NSS close the files they read"),
	ALLOW(epoll_ctl, "event loop: EPOLLOUT on and off while a channel has a queue"),
	ALLOW(epoll_wait, "event loop (glibc 2.36 uses epoll_wait itself)"),
	ALLOW(exit_group, "exit() when a peer goes away or on a fatal error"),
	ALLOW(fcntl, "set_nonblock() on the channels; stdio"),
	ALLOW(fstat, "stdio and dlopen look at opened files"),
	ALLOW(fstatfs, "libselinux: is selinuxfs mounted?"),
	ALLOW(futex, "glibc locks (NSS, stdio, dlopen)"),
	ALLOW(getegid, "pam_unix: am I privileged?"),
	ALLOW(geteuid, "pam_unix: am I privileged? (decides helper vs shadow)"),
	ALLOW(getgid, "pam_unix, libpam: identity checks (read-only)"),
	ALLOW(getpid, "ipc HELLO, syslog ident"),
	ALLOW(getrandom, "session ids; libcrypt salts; malloc"),
	ALLOW(gettid, "glibc and libaudit ask for the thread id"),
	ALLOW(getuid, "pam_unix, libpam: identity checks (read-only)"),
	ALLOW_IF(ioctl, "stdio asks whether stderr is a terminal (TCGETS only)",
	    ARG32_EQ(1, TCGETS)),
	ALLOW(lseek, "stdio on /etc files"),
	ALLOW(mmap, "malloc; dlopen maps PAM modules (PROT_EXEC: modules are code)"),
	ALLOW(mprotect, "dlopen: relro of PAM modules"),
	ALLOW(munmap, "free; dlclose after pam_end"),
	ALLOW(newfstatat, "dlopen, stdio, PAM config lookup"),
	/* Any flags: Landlock refuses every write with EACCES, which a PAM
	 * module that tries to write (pam_faillock, lastlog) survives; a
	 * filter on O_ACCMODE here would kill auth on such a stack. */
	ALLOW(openat, "PAM config, modules, /etc/passwd, group, shadow (read-only by Landlock)"),
	ALLOW_IF(prctl, "libcap (pam_cap) reads the bounding set",
	    ARG32_EQ(0, PR_CAPBSET_READ)),
	ALLOW_IF(prctl, "libcap reads the ambient set", ARG32_EQ(0, PR_CAP_AMBIENT)),
	ALLOW_IF(prctl, "libcap reads securebits", ARG32_EQ(0, PR_GET_SECUREBITS)),
	ALLOW_IF(prctl, "libcap reads no-new-privs", ARG32_EQ(0, PR_GET_NO_NEW_PRIVS)),
	ALLOW(pread64, "dlopen reads ELF headers"),
	ALLOW(prlimit64, "libpam/glibc query limits"),
	ALLOW(read, "channels' timerfd and signalfd; files PAM and NSS read"),
	ALLOW(readlink, "libpam resolves module paths"),
	ALLOW(readlinkat, "readlink() on newer glibc"),
	ALLOW(recvmsg, "IPC channels"),
	ALLOW(rt_sigaction, "SIGSYS handler; libpam saves/restores SIGCHLD"),
	ALLOW(rt_sigprocmask, "glibc and libpam block signals around critical sections"),
	ALLOW(rt_sigreturn, "return from a signal handler"),
	ALLOW(sendmsg, "IPC channels"),
	ALLOW(statfs, "libselinux (pam_unix) looks for selinuxfs"),
	ALLOW(timerfd_settime, "timers: pending logins, delayed failure answers"),
	ALLOW(uname, "pam_unix, libaudit"),
	ALLOW(write, "stderr: log lines before the sink to privd, the SIGSYS message"),
};

static const struct seccomp_errno auth_deny[] = {
	/* No socket at all.  NSS tries nscd (AF_UNIX), syslog(3) from PAM
	 * modules tries /dev/log (AF_UNIX), libpam opens an audit netlink
	 * socket.  All must fail softly and none may reach anything: a failed
	 * socket() is the smallest surface.  EAFNOSUPPORT, not EACCES: libpam
	 * treats audit_open() failing with EACCES as fatal (PAM_SYSTEM_ERR)
	 * but with EAFNOSUPPORT as "no audit in this kernel". */
	DENY(socket, EAFNOSUPPORT, "nscd, syslog and audit sockets: refused softly"),
};

const struct seccomp_policy seccomp_policy_auth = {
	"vigil-auth",
	auth_allow, ARRAY_SIZE(auth_allow),
	auth_deny, ARRAY_SIZE(auth_deny),
};
