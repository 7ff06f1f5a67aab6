/* vigil-webui's access decisions without a network: the allow list (IPv4,
 * IPv6, CIDR), constant-time CSRF comparison, the session table and its
 * per-user and per-address caps, the role table and the rate buckets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "webui/webui.h"

static const char SID1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char SID2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

static bool
match4(const struct allow_list *l, const char *ip)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	return allow_match(l, (struct sockaddr *)&sin, sizeof(sin));
}

static bool
match6(const struct allow_list *l, const char *ip)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
	return allow_match(l, (struct sockaddr *)&sin6, sizeof(sin6));
}

static void
test_allow_cidr(void **state)
{
	static struct allow_list l;
	char err[128];

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_true(match4(&l, "8.8.8.8"));	/* empty list: everybody */
	assert_true(allow_add(&l, "10.1.0.0/16", false, err, sizeof(err)));
	assert_true(allow_add(&l, "192.168.1.7", false, err, sizeof(err)));
	assert_true(allow_add(&l, "172.16.0.0/255.240.0.0", false, err, sizeof(err)));
	assert_true(allow_add(&l, "2001:db8::/32", false, err, sizeof(err)));
	assert_true(match4(&l, "10.1.2.3"));
	assert_true(match4(&l, "10.1.255.255"));
	assert_false(match4(&l, "10.2.0.1"));
	assert_true(match4(&l, "192.168.1.7"));
	assert_false(match4(&l, "192.168.1.8"));
	assert_true(match4(&l, "172.31.255.1"));
	assert_false(match4(&l, "172.32.0.1"));
	assert_true(match6(&l, "2001:db8:1::5"));
	assert_false(match6(&l, "2001:db9::5"));
	assert_false(match4(&l, "127.0.0.1"));
	assert_false(match6(&l, "::1"));
	/* IPv4-mapped IPv6 is matched as IPv4 */
	assert_true(match6(&l, "::ffff:10.1.9.9"));
	assert_false(match6(&l, "::ffff:10.9.9.9"));
	assert_true(allow_add(&l, "localhost", false, err, sizeof(err)));
	assert_true(match4(&l, "127.0.0.1"));
	assert_true(match4(&l, "127.255.0.3"));
	assert_true(match6(&l, "::1"));
	assert_false(match6(&l, "::2"));
	assert_true(allow_add(&l, "0.0.0.0/0", false, err, sizeof(err)));
	assert_true(match4(&l, "8.8.8.8"));

	/* malformed entries */
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "10.0.0.0/255.0.255.0",
		"/8", "10.0.0.0/1234", "not_an_address", "1.2.3.4/8/8", "1.2.3",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&l, 0, sizeof(l));
		if (allow_add(&l, bad[i], false, err, sizeof(err)))
			fail_msg("allow '%s' accepted", bad[i]);
	}
	/* a bounded list */
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < ALLOW_MAX; i++)
		assert_true(allow_add(&l, "10.0.0.1", false, err, sizeof(err)));
	assert_false(allow_add(&l, "10.0.0.1", false, err, sizeof(err)));
}

static void
test_csrf_compare(void **state)
{
	(void)state;
	assert_true(ct_streq("abc", "abc"));
	assert_false(ct_streq("abc", "abd"));
	assert_false(ct_streq("abc", "ab"));
	assert_false(ct_streq("", "a"));
	assert_true(ct_streq("", ""));
	assert_false(ct_streq(SID1, SID2));
	assert_true(session_sid_valid(SID1));
	assert_false(session_sid_valid("0123"));
	assert_false(session_sid_valid("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(session_sid_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
}

static void
test_session_table(void **state)
{
	static struct session_table t;
	struct web_session *s, *s2;
	char sid[MSG_SID_LEN];

	(void)state;
	memset(&t, 0, sizeof(t));
	s = session_add(&t, SID1, "alice", ROLE_RESTART, 1000);
	assert_non_null(s);
	assert_int_equal(strlen(s->csrf), CSRF_LEN);
	s2 = session_add(&t, SID2, "bob", ROLE_READONLY, 1000);
	assert_string_not_equal(s->csrf, s2->csrf);
	assert_ptr_equal(session_find(&t, SID1, 2000), s);
	assert_null(session_find(&t, "ffff", 2000));
	/* expiry after an hour */
	assert_non_null(session_find(&t, SID1, 1000 + SESSION_TTL_MS - 1));
	assert_null(session_find(&t, SID1, 1000 + SESSION_TTL_MS));
	assert_false(s->used);
	/* bounded: the 257th session evicts the oldest */
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < SESSION_MAX + 1; i++) {
		snprintf(sid, sizeof(sid), "%064x", i);
		assert_non_null(session_add(&t, sid, "u", ROLE_READONLY, 1000 + (uint64_t)i));
	}
	snprintf(sid, sizeof(sid), "%064x", 0);
	assert_null(session_find(&t, sid, 2000));
	snprintf(sid, sizeof(sid), "%064x", SESSION_MAX);
	assert_non_null(session_find(&t, sid, 2000));
	snprintf(sid, sizeof(sid), "%064x", 1);
	assert_non_null(session_find(&t, sid, 2000));
}

/* One user, or one address, cannot fill the table: the oldest of theirs
 * goes, everybody else stays. */
static void
test_session_caps(void **state)
{
	static struct session_table t;
	char sid[MSG_SID_LEN], ended[2][MSG_SID_LEN], first[MSG_SID_LEN];
	size_t live;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(session_make_room(&t, "admin", "10.0.0.1", ended), 0);
	assert_non_null(session_add(&t, SID2, "admin", ROLE_READWRITE, 1000));
	strlcpy_v(t.s[0].addr, "10.0.0.1", sizeof(t.s[0].addr));
	for (unsigned i = 0; i < 300; i++) {
		struct web_session *s;
		size_t n;

		snprintf(sid, sizeof(sid), "%064x", i + 1);
		if (i == 0)
			strlcpy_v(first, sid, sizeof(first));
		n = session_make_room(&t, "guest", "192.0.2.1", ended);
		if (i >= SESSION_PER_USER) {
			assert_int_equal(n, 1);
			/* the oldest of guest's, never admin's */
			assert_string_not_equal(ended[0], SID2);
		}
		s = session_add(&t, sid, "guest", ROLE_READONLY, 1000);
		assert_non_null(s);
		strlcpy_v(s->addr, "192.0.2.1", sizeof(s->addr));
	}
	live = 0;
	for (size_t i = 0; i < SESSION_MAX; i++)
		live += t.s[i].used;
	assert_int_equal(live, SESSION_PER_USER + 1);
	assert_non_null(session_find(&t, SID2, 2000));
	assert_null(session_find(&t, first, 2000));
	/* many users from one address: that address keeps its newest */
	for (unsigned i = 0; i < 100; i++) {
		char user[16];
		struct web_session *s;

		snprintf(sid, sizeof(sid), "%064x", 1000 + i);
		snprintf(user, sizeof(user), "u%u", i);
		session_make_room(&t, user, "198.51.100.9", ended);
		s = session_add(&t, sid, user, ROLE_READONLY, 1000);
		strlcpy_v(s->addr, "198.51.100.9", sizeof(s->addr));
	}
	live = 0;
	for (size_t i = 0; i < SESSION_MAX; i++)
		live += t.s[i].used && strcmp(t.s[i].addr, "198.51.100.9") == 0;
	assert_int_equal(live, SESSION_PER_ADDR);
	assert_non_null(session_find(&t, SID2, 2000));
	for (size_t i = 0; i < SESSION_MAX; i++)
		session_remove(&t.s[i]);
}

static void
test_roles(void **state)
{
	(void)state;
	for (int a = 0; a <= SVC_ACTION_MAX; a++) {
		assert_false(role_allows(ROLE_READONLY, (enum svc_action)a));
		assert_true(role_allows(ROLE_READWRITE, (enum svc_action)a));
	}
	assert_true(role_allows(ROLE_RESTART, SVC_ACTION_RESTART));
	assert_true(role_allows(ROLE_RESTART, SVC_ACTION_MONITOR));
	assert_false(role_allows(ROLE_RESTART, SVC_ACTION_START));
	assert_false(role_allows(ROLE_RESTART, SVC_ACTION_STOP));
	assert_false(role_allows(ROLE_RESTART, SVC_ACTION_UNMONITOR));
	assert_false(role_allows(77, SVC_ACTION_RESTART));
}

static void
test_bucket(void **state)
{
	struct bucket b;

	(void)state;
	bucket_init(&b, 10, 3, 1000);
	assert_true(bucket_take(&b, 1000));
	assert_true(bucket_take(&b, 1000));
	assert_true(bucket_take(&b, 1000));
	assert_false(bucket_take(&b, 1000));
	assert_false(bucket_take(&b, 1099));
	assert_true(bucket_take(&b, 1100));	/* 10/s: one per 100 ms */
	assert_false(bucket_take(&b, 1100));
	assert_true(bucket_take(&b, 60000));
	assert_true(bucket_take(&b, 60000));
	assert_true(bucket_take(&b, 60000));
	assert_false(bucket_take(&b, 60000));	/* never more than the burst */
	assert_false(bucket_take(&b, 50000));	/* clock going back adds nothing */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow_cidr),
		cmocka_unit_test(test_csrf_compare),
		cmocka_unit_test(test_session_table),
		cmocka_unit_test(test_session_caps),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
