/* seccomp_policy_webui as data: sorted by name, a reason for each entry,
 * and none of the calls the design forbids webui. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "policy/policy.h"

static void
test_sorted_with_reasons(void **state)
{
	const struct seccomp_policy *p = &seccomp_policy_webui;

	(void)state;
	assert_string_equal(p->process, "webui");
	assert_true(p->nallow > 10);
	for (size_t i = 0; i < p->nallow; i++) {
		assert_non_null(p->allow[i].why);
		assert_true(strlen(p->allow[i].why) > 5);
		assert_true(p->allow[i].nr >= 0);
		if (i > 0 && strcmp(p->allow[i - 1].name, p->allow[i].name) > 0)
			fail_msg("not sorted: %s before %s", p->allow[i - 1].name,
			    p->allow[i].name);
	}
}

static void
test_forbidden_absent(void **state)
{
	static const char *const forbidden[] = {
		"open", "openat", "openat2", "creat", "execve", "execveat", "socket",
		"socketpair", "connect", "bind", "listen", "ptrace", "setuid", "setgid",
		"setreuid", "setregid", "setresuid", "setresgid", "setgroups", "setfsuid",
		"setfsgid", "capset", "chroot", "mount", "umount2", "unshare", "setns",
		"clone", "clone3", "fork", "vfork", "kill", "tkill", "tgkill", "prctl",
		"seccomp", "bpf", "mkdir", "unlink", "unlinkat", "rename", "renameat2",
		"chmod", "fchmod", "chown", "fchown", "truncate", "ftruncate", "symlink",
		"link", "process_vm_readv", "process_vm_writev", "personality",
		"keyctl", "add_key", "memfd_create", "io_uring_setup", "ioctl",
	};
	const struct seccomp_policy *p = &seccomp_policy_webui;

	(void)state;
	for (size_t k = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++)
		for (size_t i = 0; i < p->nallow; i++)
			if (strcmp(p->allow[i].name, forbidden[k]) == 0)
				fail_msg("webui policy allows %s", forbidden[k]);
	assert_int_equal(p->ndeny, 0);
}

static void
test_mmap_never_exec(void **state)
{
	const struct seccomp_policy *p = &seccomp_policy_webui;
	int seen = 0;

	(void)state;
	for (size_t i = 0; i < p->nallow; i++)
		if (strcmp(p->allow[i].name, "mmap") == 0 ||
		    strcmp(p->allow[i].name, "mprotect") == 0) {
			seen++;
			assert_int_equal(p->allow[i].ncond, 1);
			assert_int_equal(p->allow[i].cond[0].arg, 2);
			assert_int_equal(p->allow[i].cond[0].op, SCMP_CMP_MASKED_EQ);
			assert_int_equal(p->allow[i].cond[0].datum_a, 4 /* PROT_EXEC */);
			assert_int_equal(p->allow[i].cond[0].datum_b, 0);
		}
	assert_int_equal(seen, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_with_reasons),
		cmocka_unit_test(test_forbidden_absent),
		cmocka_unit_test(test_mmap_never_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
