/* PAM authentication and NSS group lookup: the only code in vigil-auth that
 * talks to system libraries about users.  Both block; pam_unix and
 * nss_files are local and quick, but a slow PAM module would stall
 * vigil-auth (never the monitor). */
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "webui/auth/auth.h"

static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	const char *password = appdata;
	struct pam_response *r;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			r[i].resp = strdup(password);
			if (r[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			break;
		default:
			/* A module asking for more than the password (a
			 * user name, an OTP) cannot be answered from a web
			 * form: fail rather than guess. */
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (int i = 0; i < n; i++)
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
	return PAM_CONV_ERR;
}

/* pam_unix asks for a 2 s delay after a failure; sleeping would stop the
 * event loop, so auth rate-limits instead. */
static void
no_fail_delay(int status, unsigned int usec, void *appdata)
{
	(void)status;
	(void)usec;
	(void)appdata;
}

int
auth_pam_check(const char *service, const char *user, const char *password,
    const char *rhost)
{
	struct pam_conv conv = { conversation, (void *)(uintptr_t)password };
	pam_handle_t *pamh = NULL;
	int rc;

	if (service[0] == '\0' || user[0] == '\0' || password[0] == '\0')
		return PAM_AUTH_ERR;
	rc = pam_start(service, user, &conv, &pamh);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)(uintptr_t)no_fail_delay);
	if (rc == PAM_SUCCESS && rhost != NULL && rhost[0] != '\0')
		rc = pam_set_item(pamh, PAM_RHOST, rhost);
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	pam_end(pamh, rc);
	return rc;
}

size_t
auth_system_groups(const char *user, char buf[][MSG_NAME_LEN],
    const char **names, size_t max)
{
	struct passwd pw, *pwp = NULL;
	char pwbuf[16384];
	gid_t gids[AUTH_GROUPS_MAX];
	int ngids = AUTH_GROUPS_MAX;
	size_t n = 0;

	if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0 || pwp == NULL)
		return 0;
	if (getgrouplist(user, pw.pw_gid, gids, &ngids) < 0)
		ngids = AUTH_GROUPS_MAX;	/* more than we look at: the first ones */
	for (int i = 0; i < ngids && n < max; i++) {
		struct group gr, *grp = NULL;
		char grbuf[16384];

		if (getgrgid_r(gids[i], &gr, grbuf, sizeof(grbuf), &grp) != 0 || grp == NULL)
			continue;
		if (strlen(gr.gr_name) >= MSG_NAME_LEN)
			continue;
		strlcpy_v(buf[n], gr.gr_name, MSG_NAME_LEN);
		names[n] = buf[n];
		n++;
	}
	explicit_bzero(pwbuf, sizeof(pwbuf));
	return n;
}

int
auth_pam_account(const char *service, const char *user, const char *rhost)
{
	struct pam_conv conv = { conversation, (void *)(uintptr_t)"" };
	struct passwd pw, *pwp = NULL;
	struct spwd sp, *spp = NULL;
	char buf[16384];
	pam_handle_t *pamh = NULL;
	int rc;

	if (service[0] == '\0' || user[0] == '\0')
		return PAM_USER_UNKNOWN;
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL)
		return PAM_USER_UNKNOWN;
	/* A locked password ("!" first) stops a new login at pam_authenticate,
	 * which needs the password we no longer have: look at it here. */
	if (getspnam_r(user, &sp, buf, sizeof(buf), &spp) == 0 && spp != NULL &&
	    spp->sp_pwdp != NULL && spp->sp_pwdp[0] == '!') {
		explicit_bzero(buf, sizeof(buf));
		return PAM_ACCT_EXPIRED;
	}
	explicit_bzero(buf, sizeof(buf));
	rc = pam_start(service, user, &conv, &pamh);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)(uintptr_t)no_fail_delay);
	if (rc == PAM_SUCCESS && rhost != NULL && rhost[0] != '\0')
		rc = pam_set_item(pamh, PAM_RHOST, rhost);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, PAM_SILENT);
	pam_end(pamh, rc);
	return rc;
}
