/* The message catalogue is complete: every type has a name, a rule in some
 * receiver's table, a codec that round-trips, and fits in one datagram. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/ipc.h"

static const enum proc_role receivers[] = {
	PROC_PRIVD, PROC_MONITOR, PROC_WEBUI, PROC_AUTH, PROC_CLI,
};

static void
test_every_type_named_ruled_decodable(void **state)
{
	(void)state;
	for (unsigned t = 1; t <= MSG_TYPE_MAX; t++) {
		uint32_t senders = 0;
		void *m, *back;
		uint8_t *buf;
		enum msg_error err;
		size_t n;

		assert_true(msg_type_known(t));
		assert_non_null(msg_type_name(t));
		for (size_t r = 0; r < sizeof(receivers) / sizeof(receivers[0]); r++) {
			const struct ipc_rule_table *tab = ipc_rules_for(receivers[r]);

			assert_non_null(tab);
			senders |= tab->rules[t].senders;
			/* nobody sends to itself */
			assert_false(tab->rules[t].senders & PROC_BIT(receivers[r]));
		}
		if (senders == 0)
			fail_msg("message %s has no rule in any receiver's table", msg_type_name(t));
		/* the smallest and largest payloads fit a datagram */
		assert_true(msg_min_len(t) <= msg_max_len(t));
		assert_true(msg_max_len(t) + IPC_HDR_LEN <= IPC_MAX_DGRAM);
		/* a codec: a zeroed struct (made valid) round-trips */
		m = calloc(1, msg_struct_size(t));
		back = calloc(1, msg_struct_size(t));
		buf = malloc(IPC_MAX_DGRAM);
		if (t == MSG_PING) {
			((struct msg_ping *)m)->family = 4;
			((struct msg_ping *)m)->count = 1;
			((struct msg_ping *)m)->timeout_ms = 1;
		} else if (t == MSG_ACTION_ADD) {
			((struct msg_action_add *)m)->timeout_ms = 1;
		} else if (t == MSG_ACTION_RESULT) {
			((struct msg_action_result *)m)->code = 200;
		} else if (t == MSG_AUTH_READY) {
			((struct msg_auth_ready *)m)->session_ttl_s = 3600;
		} else if (t == MSG_ACCESS_REFUSED) {
			((struct msg_access_refused *)m)->count = 1;
		} else if (t == MSG_PROC_IO) {
			((struct msg_proc_io *)m)->npids = 1;
		}
		n = msg_encode(t, m, buf, IPC_MAX_DGRAM, &err);
		if (err != MSG_OK)
			fail_msg("%s: encode: %s", msg_type_name(t), msg_error_name(err));
		assert_int_equal(n, msg_min_len(t));
		assert_int_equal(msg_decode(t, buf, n, back), MSG_OK);
		assert_memory_equal(m, back, msg_struct_size(t));
		free(m);
		free(back);
		free(buf);
	}
	assert_false(msg_type_known(0));
	assert_false(msg_type_known(MSG_TYPE_MAX + 1));
	assert_null(msg_type_name(MSG_TYPE_MAX + 1));
}

/* A full message survives: every string at its longest, every list full. */
static void
test_largest_roundtrip(void **state)
{
	struct msg_session_grant *g = calloc(1, sizeof(*g)), *back = calloc(1, sizeof(*back));
	uint8_t *buf = malloc(IPC_MAX_DGRAM);
	enum msg_error err;
	size_t n;

	(void)state;
	memset(g->sid, 'a', sizeof(g->sid) - 1);
	memset(g->user, 'u', sizeof(g->user) - 1);
	g->role = ROLE_READWRITE;
	g->expiry = UINT64_MAX;
	g->nscope = MSG_SCOPE_MAX;
	for (int i = 0; i < MSG_SCOPE_MAX; i++)
		memset(g->scope[i], 'a' + i % 26, sizeof(g->scope[i]) - 1);
	n = msg_encode(MSG_SESSION_GRANT, g, buf, IPC_MAX_DGRAM, &err);
	assert_int_equal(err, MSG_OK);
	assert_int_equal(n, msg_max_len(MSG_SESSION_GRANT));
	assert_int_equal(msg_decode(MSG_SESSION_GRANT, buf, n, back), MSG_OK);
	assert_memory_equal(g, back, sizeof(*g));
	/* a list count above its maximum is refused */
	buf[2 + (MSG_SID_LEN - 1) + 1 + 2 + (MSG_USER_LEN - 1) + 1 + 1 + 8] = MSG_SCOPE_MAX + 1;
	assert_int_equal(msg_decode(MSG_SESSION_GRANT, buf, n, back), MSG_ERR_LIST_TOO_LONG);
	free(g);
	free(back);
	free(buf);
}

/* The permission matrix as SECURITY.md states it (spot checks that matter). */
static void
test_matrix(void **state)
{
	const struct ipc_rule *privd = ipc_rules_for(PROC_PRIVD)->rules;
	const struct ipc_rule *mon = ipc_rules_for(PROC_MONITOR)->rules;
	const struct ipc_rule *auth = ipc_rules_for(PROC_AUTH)->rules;

	(void)state;
	/* only the monitor drives privd's table and actions */
	assert_int_equal(privd[MSG_ACTION_ADD].senders, PROC_BIT(PROC_MONITOR));
	assert_int_equal(privd[MSG_RUN].senders, PROC_BIT(PROC_MONITOR));
	assert_true(privd[MSG_ACTION_ADD].flags & IPC_F_BEFORE_SEAL);
	assert_true(privd[MSG_RUN].flags & IPC_F_AFTER_SEAL);
	assert_true(privd[MSG_SEAL].flags & IPC_F_ONCE);
	/* webui and auth reach privd only to log */
	for (unsigned t = 1; t <= MSG_TYPE_MAX; t++) {
		if (t == MSG_HELLO || t == MSG_LOG)
			continue;
		assert_false(privd[t].senders & PROC_BIT(PROC_WEBUI));
		assert_false(privd[t].senders & PROC_BIT(PROC_AUTH));
	}
	/* only auth grants sessions; only webui asks for actions, with a session */
	assert_int_equal(mon[MSG_SESSION_GRANT].senders, PROC_BIT(PROC_AUTH));
	/* failed logins come from auth alone: webui could invent them */
	assert_int_equal(mon[MSG_ACCESS_REFUSED].senders, PROC_BIT(PROC_AUTH));
	assert_true(mon[MSG_ACCESS_REFUSED].flags & IPC_F_RATE);
	assert_int_equal(mon[MSG_ACTION_REQUEST].senders, PROC_BIT(PROC_WEBUI));
	assert_true(mon[MSG_ACTION_REQUEST].flags & IPC_F_SESSION);
	/* descriptors only where the table says */
	for (unsigned t = 1; t <= MSG_TYPE_MAX; t++)
		assert_int_equal(!!(mon[t].flags & IPC_F_FD), t == MSG_CHANNEL);
	/* auth takes its rules only before it is sealed */
	assert_true(auth[MSG_AUTH_RULE].flags & IPC_F_BEFORE_SEAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_named_ruled_decodable),
		cmocka_unit_test(test_largest_roundtrip),
		cmocka_unit_test(test_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
