/* The IPC permission matrix: for each receiving process, which peer may send
 * each message type and under which conditions.  A type absent from a table
 * (senders 0) is refused from everybody.  SECURITY.md reproduces this table;
 * tests/unit/test_msg.c checks that every type has a rule somewhere. */
#include "common/ipc.h"

#define P(r) PROC_BIT(PROC_##r)

static const struct ipc_rule privd_rules[MSG_TYPE_MAX + 1] = {
	[MSG_HELLO]      = { P(MONITOR) | P(WEBUI) | P(AUTH), IPC_F_ONCE },
	[MSG_LOG]        = { P(MONITOR) | P(WEBUI) | P(AUTH), 0 },
	[MSG_CONFIG]     = { P(MONITOR), IPC_F_ONCE | IPC_F_BEFORE_SEAL },
	[MSG_ACTION_ADD] = { P(MONITOR), IPC_F_BEFORE_SEAL },
	[MSG_SEAL]       = { P(MONITOR), IPC_F_ONCE | IPC_F_BEFORE_SEAL },
	[MSG_RUN]        = { P(MONITOR), IPC_F_AFTER_SEAL | IPC_F_RATE },
	[MSG_PING]       = { P(MONITOR), IPC_F_AFTER_SEAL | IPC_F_RATE },
	[MSG_PROC_IO]    = { P(MONITOR), IPC_F_AFTER_SEAL | IPC_F_RATE },
	[MSG_CONTROL]    = { P(MONITOR), IPC_F_AFTER_SEAL | IPC_F_RATE },
};

static const struct ipc_rule monitor_rules[MSG_TYPE_MAX + 1] = {
	[MSG_HELLO]          = { P(PRIVD) | P(WEBUI) | P(AUTH) | P(CLI), IPC_F_ONCE },
	[MSG_SEALED]         = { P(PRIVD), IPC_F_ONCE | IPC_F_BEFORE_SEAL },
	[MSG_RUN_RESULT]     = { P(PRIVD), IPC_F_AFTER_SEAL },
	[MSG_PING_RESULT]    = { P(PRIVD), IPC_F_AFTER_SEAL },
	[MSG_PROC_IO_RESULT] = { P(PRIVD), IPC_F_AFTER_SEAL },
	[MSG_CHANNEL]        = { P(PRIVD), IPC_F_FD | IPC_F_AFTER_SEAL },
	[MSG_SESSION_GRANT]  = { P(AUTH), IPC_F_RATE },
	[MSG_ACCESS_REFUSED] = { P(AUTH), IPC_F_RATE },
	[MSG_ACTION_REQUEST] = { P(WEBUI), IPC_F_RATE | IPC_F_SESSION },
	[MSG_LOGOUT]         = { P(WEBUI), IPC_F_RATE | IPC_F_SESSION },
	[MSG_CTL_REQUEST]    = { P(CLI), IPC_F_ONCE },
};

static const struct ipc_rule webui_rules[MSG_TYPE_MAX + 1] = {
	[MSG_HELLO]            = { P(PRIVD) | P(MONITOR) | P(AUTH), IPC_F_ONCE },
	[MSG_LOGIN_RESULT]     = { P(AUTH), 0 },
	[MSG_SNAPSHOT_BEGIN]   = { P(MONITOR), 0 },
	[MSG_SNAPSHOT_SERVICE] = { P(MONITOR), 0 },
	[MSG_SNAPSHOT_END]     = { P(MONITOR), 0 },
	[MSG_ACTION_RESULT]    = { P(MONITOR), 0 },
	[MSG_SESSION_CHECK_RESULT] = { P(AUTH), 0 },
	[MSG_SNAPSHOT_LOG]     = { P(MONITOR), 0 },
	[MSG_SNAPSHOT_JSON]    = { P(MONITOR), 0 },
	[MSG_SNAPSHOT_POINT]   = { P(MONITOR), 0 },
};

static const struct ipc_rule auth_rules[MSG_TYPE_MAX + 1] = {
	[MSG_HELLO]       = { P(PRIVD) | P(MONITOR) | P(WEBUI), IPC_F_ONCE },
	[MSG_LOGIN]       = { P(WEBUI), IPC_F_RATE },
	[MSG_AUTH_RULE]   = { P(MONITOR), IPC_F_BEFORE_SEAL },
	[MSG_AUTH_READY]  = { P(MONITOR), IPC_F_ONCE | IPC_F_BEFORE_SEAL },
	[MSG_SESSION_ACK] = { P(MONITOR), 0 },
	[MSG_SESSION_CHECK] = { P(WEBUI), IPC_F_RATE },
};

static const struct ipc_rule cli_rules[MSG_TYPE_MAX + 1] = {
	[MSG_HELLO]      = { P(MONITOR), IPC_F_ONCE },
	[MSG_CTL_OUTPUT] = { P(MONITOR), 0 },
	[MSG_CTL_DONE]   = { P(MONITOR), IPC_F_ONCE },
};

static const struct ipc_rule_table tables[] = {
	{ PROC_PRIVD, privd_rules },
	{ PROC_MONITOR, monitor_rules },
	{ PROC_WEBUI, webui_rules },
	{ PROC_AUTH, auth_rules },
	{ PROC_CLI, cli_rules },
};

const struct ipc_rule_table *
ipc_rules_for(enum proc_role receiver)
{
	for (unsigned i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (tables[i].receiver == receiver)
			return &tables[i];
	return NULL;
}
