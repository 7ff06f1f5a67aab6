/* What `vigil -t` checks outside the control file's own text: the files and
 * names the web interface needs at start.  The web process reads its key
 * and resolves its allow hosts once, before its chroot, and stops at the
 * first failure; catching that here says what is wrong before a start.
 * The monitor runs this as _vigil: a file it may not even look at gets a
 * warning (vigil-webui checks it again, as root, at start). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "monitor/config/config.h"
#include "monitor/config/config_files.h"
#include "monitor/config/lexer.h"

static void
check_pemfile(struct diag *d, const struct srcpos *pos, const char *what,
    const char *path, bool secret)
{
	struct stat st;

	if (path == NULL)
		return;
	if (stat(path, &st) < 0) {
		if (errno == EACCES)
			diag_warn(d, pos, "httpd %s %s: cannot check it as this user (%s); "
			    "the web interface checks it at start", what, path, strerror(errno));
		else
			diag_error(d, pos, "httpd %s %s: %s (the web interface would not "
			    "start)", what, path, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(d, pos, "httpd %s %s is not a regular file", what, path);
		return;
	}
	if (secret && (st.st_mode & 077) != 0)
		diag_error(d, pos, "httpd %s %s holds the private key and group or others "
		    "may use it, mode %04o (fix: chmod 0600 '%s')", what, path,
		    (unsigned)(st.st_mode & 07777), path);
}

/* A host rule that is not an address or network: the web interface
 * resolves it at start and stops when it cannot. */
static void
check_allow_host(struct diag *d, const struct srcpos *pos, const char *name)
{
	struct addrinfo hints, *res;
	unsigned char buf[16];
	int rc;

	if (strchr(name, '/') != NULL || inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		diag_error(d, pos, "allow %s: cannot resolve: %s (the web interface "
		    "would not start; use an address or a name this host resolves)",
		    name, gai_strerror(rc));
		return;
	}
	freeaddrinfo(res);
}

void
config_check_files(const struct config *cf, struct diag *d)
{
	const struct httpd_allow *a;

	if (!cf->httpd.enabled)
		return;
	if (cf->httpd.ssl) {
		check_pemfile(d, &cf->httpd.pos, "pemfile", cf->httpd.pemfile, true);
		check_pemfile(d, &cf->httpd.pos, "clientpemfile", cf->httpd.clientpemfile,
		    false);
	}
	for (a = cf->httpd.allow; a; a = a->next)
		if (a->kind == ALLOW_HOST && a->name != NULL)
			check_allow_host(d, &a->pos, a->name);
}
