/* vigil-webui's seccomp allowlist.  Sorted by name, one "why" each.
 *
 * Deliberately absent (they trap: SIGSYS): open, openat, openat2, creat
 * (the process never opens a file after the drop; TLS material is loaded
 * before), execve/execveat, socket/socketpair/connect/bind/listen (the
 * listening socket exists; accept4 is the only way to new descriptors from
 * the network), ptrace, the setuid/setgid family, chroot, mount, and every
 * file-system-changing call. */
#include <fcntl.h>
#include <sys/mman.h>

#include "policy/policy.h"

/* mmap/mprotect only without PROT_EXEC: no new executable memory. */
#define NO_EXEC SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)

static const struct seccomp_allow webui_allow[] = {
	ALLOW(accept4, "new client connections on the listening socket"),
	ALLOW(brk, "malloc"),
	ALLOW(clock_gettime, "now_ms() and the Date header (vDSO fallback)"),
	ALLOW(close, "finished clients, timer and channel teardown"),
	ALLOW(epoll_ctl, "event loop: watch clients and channels"),
	ALLOW(epoll_pwait, "event loop (architectures without epoll_wait)"),
	ALLOW(epoll_wait, "event loop"),
	ALLOW(exit, "thread exit (none expected)"),
	ALLOW(exit_group, "process exit"),
	ALLOW_IF(fcntl, "set_nonblock on inherited descriptors (F_GETFL)",
	    SCMP_A1(SCMP_CMP_EQ, F_GETFL, 0)),
	ALLOW_IF(fcntl, "set_nonblock on inherited descriptors (F_SETFL)",
	    SCMP_A1(SCMP_CMP_EQ, F_SETFL, 0)),
	ALLOW(fstat, "stdio on stderr before the log sink is up"),
	ALLOW(futex, "OpenSSL and glibc locks"),
	ALLOW(getpid, "HELLO carries the pid"),
	ALLOW(getrandom, "OpenSSL DRBG, CSRF tokens"),
	ALLOW(gettimeofday, "time() fallback without vDSO"),
	ALLOW(madvise, "glibc malloc returning memory"),
	ALLOW_IF(mmap, "malloc of large blocks (never executable)", NO_EXEC),
	ALLOW_IF(mprotect, "glibc malloc arenas (never executable)", NO_EXEC),
	ALLOW(mremap, "realloc of large blocks"),
	ALLOW(munmap, "free of large blocks"),
	ALLOW_IF(newfstatat, "fstat() of glibc on an open descriptor (AT_EMPTY_PATH)",
	    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)),
	ALLOW(read, "plain HTTP clients via SSL_read's BIO, timerfd, signalfd"),
	ALLOW(readv, "glibc stdio"),
	ALLOW(recvfrom, "recv() from plain HTTP clients"),
	ALLOW(recvmsg, "IPC channels (SOCK_SEQPACKET)"),
	ALLOW(rt_sigprocmask, "signalfd setup blocks SIGTERM/SIGINT/SIGHUP"),
	ALLOW(rt_sigreturn, "return from a signal handler"),
	ALLOW(sendmsg, "IPC channels"),
	ALLOW(sendto, "send() to plain HTTP clients"),
	ALLOW(shutdown, "close the write side after a response"),
	ALLOW(signalfd4, "signals into the event loop"),
	ALLOW(timerfd_create, "housekeeping timer"),
	ALLOW(timerfd_settime, "housekeeping timer"),
	ALLOW(write, "TLS records via OpenSSL's socket BIO, stderr"),
	ALLOW(writev, "glibc stdio"),
};

const struct seccomp_policy seccomp_policy_webui = {
	"webui",
	webui_allow, sizeof(webui_allow) / sizeof(webui_allow[0]),
	NULL, 0,
};
