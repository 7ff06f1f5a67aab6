/* Acquire, then drop: the one function main() and the sandbox proof share. */
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <sys/utsname.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sandbox.h"
#include "common/util.h"
#include "webui/webui.h"

/* One listening socket on ai, or -1 with errno set. */
static int
bind_one(const struct addrinfo *ai, bool dual_stack)
{
	int one = 1, zero = 0, saved;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (dual_stack && ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int
listen_on(const char *address, uint16_t port)
{
	struct addrinfo hints, *res, *ai;
	char portstr[8];
	int fd = -1, rc, saved = EADDRNOTAVAIL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if (address == NULL) {
		/* All addresses: one dual-stack IPv6 socket, or IPv4 alone on
		 * a host without IPv6. */
		hints.ai_family = AF_INET6;
		if (getaddrinfo(NULL, portstr, &hints, &res) != 0) {
			hints.ai_family = AF_INET;
			if ((rc = getaddrinfo(NULL, portstr, &hints, &res)) != 0)
				fatalx("cannot listen on port %s: %s", portstr, gai_strerror(rc));
		}
	} else if ((rc = getaddrinfo(address, portstr, &hints, &res)) != 0) {
		fatalx("cannot listen on %s port %s: %s", address, portstr, gai_strerror(rc));
	}
	/* A name with both families ("localhost"): IPv4 first, as the
	 * manual's examples reach the interface at 127.0.0.1. */
	for (int pass = 0; pass < 2 && fd < 0; pass++) {
		for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
			if ((pass == 0) != (ai->ai_family == AF_INET))
				continue;
			fd = bind_one(ai, address == NULL);
			if (fd < 0)
				saved = errno;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errno = saved;
		fatal("cannot listen on %s port %u", address != NULL ? address : "*", port);
	}
	return fd;
}

/* privd makes the directory; refuse one that could hold a planted file. */
static void
check_chroot_dir(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (stat(dir, &st) < 0)
		fatal("chroot directory %s", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("chroot directory %s must be a directory owned by root and "
		    "writable by nobody else", dir);
	d = opendir(dir);
	if (d == NULL)
		fatal("chroot directory %s", dir);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			log_warn("chroot directory %s is not empty (%s): it should be",
			    dir, de->d_name);
			break;
		}
	closedir(d);
}

void
webui_sandbox_apply(struct webui *w, const struct webui_options *o)
{
	struct drop_spec spec;
	char err[512];

	/* ---- acquire ---- */
	tls_init();
	/* Time-zone data would be read on first use; gmtime_r needs none but
	 * glibc initialises the zone once anyway: do it now. */
	tzset();
	{
		struct tm tm;
		time_t t = time(NULL);
		char buf[64];

		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	}
	for (size_t i = 0; i < o->nallow; i++)
		if (!allow_add(&w->allow, o->allow[i], true, err, sizeof(err)))
			fatalx("%s", err);
	if (o->ssl) {
		w->ssl_ctx = tls_server_ctx(o->pemfile, o->clientpem, o->allow_self_signed,
		    err, sizeof(err));
		if (w->ssl_ctx == NULL)
			fatalx("%s", err);
	}
	w->signature = o->signature;
	/* What Monit's XML status tells about this host and server: read
	 * now, the chroot hides /sys. */
	{
		struct utsname u;
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		if (uname(&u) == 0) {
			strlcpy_v(w->sysname, u.sysname, sizeof(w->sysname));
			strlcpy_v(w->release, u.release, sizeof(w->release));
			strlcpy_v(w->machine, u.machine, sizeof(w->machine));
		}
		w->ncpu = n > 0 ? (uint32_t)n : 1;
		w->port = o->port;
		w->ssl = o->ssl;
		strlcpy_v(w->address, o->address != NULL ? o->address : "", sizeof(w->address));
	}
	w->listen_fd = listen_on(o->address, o->port);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal(SIGPIPE)");

	/* ---- drop: chroot, groups, gid, uid, verify, no-new-privs ---- */
	memset(&spec, 0, sizeof(spec));
	spec.user = o->user;
	if (geteuid() == 0 && o->chroot_dir != NULL) {
		check_chroot_dir(o->chroot_dir);
		spec.chroot_dir = o->chroot_dir;
	}
	sandbox_drop(&spec);

	/* ---- Landlock: nothing to add.  Inside an empty chroot with no
	 * open/openat/creat allowed by seccomp, no path can be reached, so a
	 * Landlock ruleset would restrict nothing further. ---- */

	/* ---- seccomp ---- */
	sandbox_seccomp(&seccomp_policy_webui);
}
