/* A real local user and a PAM service for vigil-auth's tests (run as root).
 * Created in setup, removed in teardown; names carry a random suffix. */
#ifndef VIGIL_TEST_AUTH_USER_H
#define VIGIL_TEST_AUTH_USER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

struct test_user {
	char name[32];
	char password[48];
	char service[64];		/* PAM service name */
	char service_path[96];
};

static void
test_hex(char *out, size_t nbytes)
{
	unsigned char r[16];

	if (nbytes > sizeof(r) || getrandom(r, nbytes, 0) != (ssize_t)nbytes)
		abort();
	for (size_t i = 0; i < nbytes; i++)
		sprintf(out + 2 * i, "%02x", r[i]);
}

static int
test_user_create(struct test_user *u)
{
	char cmd[256], hex[17];
	FILE *f;

	if (geteuid() != 0) {
		fprintf(stderr, "these tests create a user: run them as root\n");
		return -1;
	}
	memset(u, 0, sizeof(*u));
	test_hex(hex, 4);
	snprintf(u->name, sizeof(u->name), "vigiltest_%s", hex);
	test_hex(hex, 8);
	snprintf(u->password, sizeof(u->password), "Pw-%s!", hex);
	snprintf(u->service, sizeof(u->service), "vigil-test-%s", u->name + 10);
	snprintf(u->service_path, sizeof(u->service_path), "/etc/pam.d/%s", u->service);
	snprintf(cmd, sizeof(cmd), "useradd -M -s /usr/sbin/nologin %s", u->name);
	if (system(cmd) != 0)
		return -1;
	f = popen("chpasswd", "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%s:%s\n", u->name, u->password);
	if (pclose(f) != 0)
		return -1;
	f = fopen(u->service_path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "@include common-auth\n@include common-account\n");
	return fclose(f) == 0 ? 0 : -1;
}

static void
test_user_remove(struct test_user *u)
{
	char cmd[128];

	if (u->name[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "userdel %s 2>/dev/null", u->name);
		if (system(cmd) != 0)
			fprintf(stderr, "userdel %s failed\n", u->name);
	}
	if (u->service_path[0] != '\0')
		unlink(u->service_path);
}

#endif
