/* The web pair: vigil-webui and vigil-auth, started when CONFIG has httpd
 * and the monitor has sealed.  Five socketpairs: privd-webui, privd-auth,
 * monitor-webui, monitor-auth, webui-auth; the monitor gets its two ends in
 * CHANNEL messages.  The webui's chroot must be a root-owned, empty
 * directory nobody else can write (created when missing). */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "privd/privd.h"

/* The webui's chroot: created root-owned 0755 when missing; otherwise it must
 * be a root-owned directory nobody else can write, and empty. */
static bool
chroot_ready(const char *dir)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (dir[0] != '/') {
		log_err("webui chroot %s: not an absolute path", dir);
		return false;
	}
	if (mkdir(dir, 0755) == 0) {
		if (chown(dir, 0, 0) < 0) {
			log_err("webui chroot %s: chown: %s", dir, strerror(errno));
			return false;
		}
		log_info("created the webui chroot %s", dir);
	} else if (errno != EEXIST) {
		log_err("webui chroot %s: mkdir: %s", dir, strerror(errno));
		return false;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022)) {
		log_err("webui chroot %s must be a directory owned by root and not "
		    "writable by group or others: not starting the web interface", dir);
		return false;
	}
	if ((d = opendir(dir)) == NULL) {
		log_err("webui chroot %s: %s", dir, strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			closedir(d);
			log_err("webui chroot %s is not empty: not starting the web interface", dir);
			return false;
		}
	closedir(d);
	return true;
}

/* The check and words of sandbox_user_exists() (common/sandbox.c), which
 * privd cannot call without linking libseccomp for the rest of that file. */
bool
privd_user_exists(const char *user, char *why, size_t whylen)
{
	struct passwd *pw = user[0] != '\0' ? getpwnam(user) : NULL;

	if (pw != NULL && pw->pw_uid != 0)
		return true;
	if (pw != NULL)
		snprintf(why, whylen, "user '%.64s' has uid 0: vigil's children never run "
		    "as root (name another user in 'set privsep')", user);
	else
		snprintf(why, whylen, "user '%.64s' does not exist: create the vigil users "
		    "with 'make users' (or name others in 'set privsep')", user);
	return false;
}

bool
privd_user_ok(const char *user)
{
	char why[256];

	if (privd_user_exists(user, why, sizeof(why)))
		return true;
	log_err("%s", why);
	return false;
}

void
web_spawn(struct privd *pd)
{
	const struct msg_config *cf = &pd->cf;
	struct child *web = &pd->child[CHILD_WEBUI], *auth = &pd->child[CHILD_AUTH];
	char webbin[PATH_MAX], authbin[PATH_MAX], port[8], why[512];
	/* 18 words at most besides the allow pairs, and the NULL */
	char *wargv[20 + MSG_SCOPE_MAX * 2], *aargv[8];
	int sp[5][2], wfds[3], afds[3];
	int *mw = sp[0], *ma = sp[1], *wa = sp[2], *pw = sp[3], *pa = sp[4];
	int n = 0, k = 0;

	if (!cf->httpd_enabled || web->pid > 0 || auth->pid > 0 ||
	    pd->child[CHILD_MONITOR].pid == 0 || !pd->table.sealed)
		return;
	if (!exec_path("vigil-webui", webbin, sizeof(webbin)) ||
	    !exec_path("vigil-auth", authbin, sizeof(authbin))) {
		log_err("cannot find vigil-webui and vigil-auth: web interface not started");
		return;
	}
	if (!privd_binary_ok(webbin, why, sizeof(why)) ||
	    !privd_binary_ok(authbin, why, sizeof(why))) {
		log_err("web interface not started: %s", why);
		return;
	}
	if (!privd_user_ok(cf->webui_user) || !privd_user_ok(cf->auth_user) || !chroot_ready(cf->chroot_dir))
		return;
#define W(s)	(wargv[n++] = (char *)(uintptr_t)(s))
	snprintf(port, sizeof(port), "%u", cf->httpd_port);
	W("vigil-webui"), W("--user"), W(cf->webui_user), W("--chroot"), W(cf->chroot_dir);
	W("--port"), W(port);
	if (cf->httpd_address[0] != '\0')
		W("--address"), W(cf->httpd_address);
	if (cf->httpd_ssl) {
		W("--ssl"), W("--pemfile"), W(cf->httpd_pemfile);
		if (cf->httpd_clientpem[0] != '\0')
			W("--clientpem"), W(cf->httpd_clientpem);
		if (cf->httpd_clientpem[0] != '\0' && cf->httpd_allowselfcert)
			W("--allow-self-signed");
	}
	if (!cf->httpd_signature)
		W("--no-signature");
	for (unsigned i = 0; i < cf->nallow_net && i < MSG_SCOPE_MAX; i++)
		W("--allow"), W(cf->allow_net[i]);
	if (pd->verbose > 0)
		W("-v");
	wargv[n] = NULL;
#undef W
	aargv[k++] = (char *)(uintptr_t)"vigil-auth";
	aargv[k++] = (char *)(uintptr_t)"--user";
	aargv[k++] = (char *)(uintptr_t)cf->auth_user;
	if (pd->verbose > 0)
		aargv[k++] = (char *)(uintptr_t)"-v";
	aargv[k] = NULL;

	for (int i = 0; i < 5; i++)
		if (ipc_socketpair(sp[i]) < 0) {
			log_err("socketpair for the web interface: %s", strerror(errno));
			while (--i >= 0) {
				close(sp[i][0]);
				close(sp[i][1]);
			}
			return;
		}
	/* privd's ends are pw[0] and pa[0]; the monitor gets mw[0] and ma[0]. */
	wfds[0] = pw[1], wfds[1] = mw[1], wfds[2] = wa[0];
	afds[0] = pa[1], afds[1] = ma[1], afds[2] = wa[1];
	if (!child_spawn(auth, authbin, aargv, afds, 3, pa[0]))
		close(pa[0]);
	else if (!child_spawn(web, webbin, wargv, wfds, 3, pw[0]))
		child_kill(auth, SIGKILL);
	else {
		struct msg_channel ch = { .peer = PROC_WEBUI };

		privd_send_monitor(pd, MSG_CHANNEL, &ch, mw[0]);
		ch.peer = PROC_AUTH;
		privd_send_monitor(pd, MSG_CHANNEL, &ch, ma[0]);
	}
	/* All but the channels privd keeps: pw[0] (if webui runs), pa[0]. */
	for (int i = 0; i < 5; i++)
		for (int e = 0; e < 2; e++)
			if (&sp[i][e] != pa && (&sp[i][e] != pw || web->pid == 0))
				close(sp[i][e]);
}
