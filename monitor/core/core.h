/* Internal to the monitor's core (main.c and monitor/core/: core.c, privd_client.c,
 * control.c, webpeer.c, session.c, state.c, sandbox_monitor.c): the state
 * the core keeps beside struct monitor, and the functions its files share.
 * The engine never includes this. */
#ifndef VIGIL_MONITOR_CORE_H
#define VIGIL_MONITOR_CORE_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/ipc.h"
#include "common/msg.h"
#include "monitor/config/config.h"
#include "monitor/core/graphs.h"
#include "monitor/core/state.h"
#include "monitor/core/svc_json.h"
#include "monitor/monitor.h"

#define VIGIL_STATE_DIR		"/var/lib/vigil"
#define DEFAULT_STATEFILE	VIGIL_STATE_DIR "/vigil.state"
#define DEFAULT_CONTROL_SOCKET	"/run/vigil/control.sock"
#define DEFAULT_PIDFILE		"/run/vigild.pid"
#define DEFAULT_MONITOR_USER	"_vigil"
#define DEFAULT_WEBUI_USER	"_vigilweb"
#define DEFAULT_AUTH_USER	"_vigilauth"
#define DEFAULT_CHROOT		"/var/lib/vigil/empty"
#define DEFAULT_PAM_SERVICE	"vigil"
#define DEFAULT_PROGRAM_TIMEOUT_S 30
#define SESSION_TTL_S		3600

#define PENDING_MAX		1024	/* RUN/PING requests in flight */
#define CTL_MAX_CLIENTS		16
#define CTL_IDLE_MS		10000
/* Finding 3: refused peers never hold a slot; of the 16, the last
 * CTL_ROOT_RESERVED are for root and the monitor's own user only, and any
 * other allowed uid holds at most CTL_PER_UID_MAX at once. */
#define CTL_ROOT_RESERVED	4
#define CTL_PER_UID_MAX		4
#define SESSION_MAX		256
#define SESSION_PER_USER	16	/* a user's 17th session ends its oldest */
#define SNAPSHOT_MIN_GAP_MS	200
#define PRIVD_SEAL_TIMEOUT_MS	60000

/* ---- sessions (session.c): granted by auth, enforced here ---- */

struct session {
	bool used;
	char sid[MSG_SID_LEN];
	char user[MSG_USER_LEN];
	enum web_role role;
	uint64_t expiry;		/* unix seconds */
	uint16_t nscope;		/* 0: every service */
	char (*scope)[MSG_SCOPE_LEN];
	uint64_t seq;			/* order of arrival: the oldest goes first */
};

struct session_table {
	struct session s[SESSION_MAX];
	uint64_t next_seq;
};

/* true: sid is exactly 64 lowercase hex digits. */
bool grant_sid_valid(const char *sid);
/* May this role ask for this action at all?  (The role table.) */
bool grant_role_allows(enum web_role role, enum svc_action a);
/* Store a grant; false (why says it) for a malformed sid, an empty user, a
 * duplicate sid or an expiry not in the future.  Never refused for room:
 * a user's SESSION_PER_USER+1st session ends that user's oldest, and a full
 * table ends the oldest of all (one user logging in again and again cannot
 * lock the others out). */
bool grant_add(struct session_table *t, const struct msg_session_grant *g,
    uint64_t now_s, char *why, size_t whylen);
/* 0: the session sid may do a on service; else 403 and why.  user gets the
 * session's user ("" when there is no such session), for the log. */
int grant_authorize(struct session_table *t, const char *sid,
    const char *service, enum svc_action a, uint64_t now_s,
    char *user, size_t userlen, char *why, size_t whylen);
/* Remove; false when there was no such session. */
bool grant_revoke(struct session_table *t, const char *sid);
/* Drop expired sessions; returns how many remain. */
size_t grant_expire(struct session_table *t, uint64_t now_s);
void grant_table_clear(struct session_table *t);

/* ---- the core ---- */

struct pending {
	bool used;
	bool is_ping;
	uint32_t req;
	run_done_cb run_done;
	ping_done_cb ping_done;
	void *arg;
	uint32_t id;			/* RUN: table id, to check the reply */
};

struct core;

struct ctl_client {
	bool used;
	struct core *core;
	struct ipc_channel ch;
	uid_t uid;
	pid_t pid;
	bool readonly;			/* allowed status/summary only */
	bool allowed;			/* any access at all */
	bool done;			/* CTL_DONE sent: close once flushed */
	bool shut;			/* our side shut down; draining theirs */
	uint64_t last_ms;
};

struct webpeer {
	bool open;
	struct core *core;
	enum proc_role role;
	struct ipc_channel ch;
};

struct core {
	struct monitor *m;
	/* privd client */
	struct pending pending[PENDING_MAX];
	size_t npending;
	uint32_t next_req;
	struct procio_client *procio;	/* PROC_IO requests (procio_client.c) */
	int sigfd;
	/* state file */
	const char *statefile;
	bool state_dirty;
	struct state_saved state_saved;	/* skip a save that changes nothing */
	int state_timer;
	uint64_t last_save_ms;
	bool state_failing;		/* a save failed: logged once */
	/* control socket */
	int ctl_fd;
	const char *ctl_path;
	struct ctl_client ctl[CTL_MAX_CLIENTS];
	int ctl_timer;
	uint64_t ctl_idle_ms;		/* CTL_IDLE_MS; tests shorten it */
	/* web peers */
	struct webpeer webui, auth;
	struct session_table sessions;
	uint32_t snap_gen;
	int snap_timer;
	uint64_t last_snap_ms;
	bool snap_dirty;
	bool snap_timer_armed;
	uint64_t log_sent;		/* last log line handed to webui */
	struct graphs graphs;		/* the web pages' graphs (graphs.h) */
	struct svc_json_cache json;	/* /api/status's objects (svc_json.h) */
};

/* core.c */
void core_init(struct core *c, struct monitor *m);
struct core *core_of(struct monitor *m);
/* paths.c: where the monitor writes (see there). */
const char *core_statefile(const struct config *cf);
const char *core_control_socket(const struct config *cf);
/* The event queue's directory, or NULL when none is set. */
const char *core_eventqueue_dir(const struct config *cf);
/* The same, made (mode 0700, the monitor's user) when it is missing:
 * called once at start, before the sandbox. */
const char *core_eventqueue_prepare(const struct config *cf);
/* Notes, warnings and errors about those paths on out; false when one is
 * unusable (daemon) or one the control file names is (vigil -t). */
bool core_paths_check(const struct config *cf, const char *file, FILE *out,
    bool daemon);
void core_state_load(struct core *c);
void core_state_save(struct core *c);
/* Save now if anything changed: called before a state change is
 * acknowledged to the CLI or the web (finding 9: an acknowledged unmonitor
 * was lost when the monitor died before the next periodic save). */
void core_state_commit(struct core *c);
/* Save now if anything changed, close channels, exit(code). */
void core_shutdown(struct core *c, int code) __attribute__((noreturn));
void core_signals(struct core *c);

/* privd_client.c */
/* Assign table ids 1..N to every command in cf (start/stop/restart, exec
 * actions, check programs); *list (may be NULL) gets them in id order. */
size_t core_collect_commands(struct config *cf, struct command ***list);
/* False (said on errout) when the control file names more programs than
 * one sealed table holds (ACTION_TABLE_MAX): vigil -t and the daemon agree. */
bool core_table_fits(struct config *cf, const char *file, FILE *errout);
/* Why vigild will refuse to run cmd (the same common/pathcheck.h check
 * privd makes), malloc'd; NULL when it will run it. */
char *core_program_refused(const struct command *cmd);
/* CONFIG from the parsed file; false (logged) when a value does not fit. */
bool core_build_config(const struct config *cf, struct msg_config *out);
/* ACTION_ADD for one command; false (logged with its position) when it does
 * not fit the message. */
bool core_build_action(const struct command *cmd, struct msg_action_add *out);
/* HELLO, CONFIG, ACTION_ADD x N, SEAL; wait for SEALED.  Fatal on failure. */
void privd_handshake(struct core *c);
/* After SEALED: watch the channel in the loop. */
void privd_attach(struct core *c);
int privd_control(struct core *c, enum control_op op);
void privd_fail_pending(struct core *c);
/* The channel has something to write: watch for EPOLLOUT. */
void privd_update_events(struct core *c);

/* procio_client.c */
/* privd's answer to a PROC_IO; false when we made no such request. */
bool procio_result(struct core *c, const struct msg_proc_io_result *r);
/* privd is gone: every request in flight gets EPIPE. */
void procio_fail_all(struct core *c);

/* control.c */
/* False (logged) when the socket cannot be made. */
bool control_open(struct core *c);
void control_close(struct core *c);
/* Who may do what on the control socket: 0 refused, 1 read-only, 2 all. */
int control_access(const struct config *cf, uid_t self, uid_t peer_uid,
    gid_t peer_gid, const gid_t *groups, size_t ngroups);
bool control_action_readonly(enum ctl_action a);
/* A free client slot for an allowed peer uid (privileged: root or the
 * monitor's user), or NULL when its share is used up. */
struct ctl_client *control_slot(struct core *c, uid_t uid, bool privileged);
/* Serve one accepted connection (the fuzzer hands it a socketpair). */
void control_accept_fd(struct core *c, int fd);

/* htpasswd_lines.c */
/* The rule's scope from an allow statement; false when it does not fit. */
bool auth_rule_scope(struct msg_auth_rule *r, const struct httpd_allow *a);
/* Each "user:hash" line of buf (NUL-terminated, modified) that a allows
 * becomes a user rule in r, passed to emit; bad lines are logged and
 * skipped.  False when emit said stop. */
bool htpasswd_rules(char *buf, const struct httpd_allow *a, struct msg_auth_rule *r,
    bool (*emit)(struct msg_auth_rule *r, void *arg), void *arg);

/* webpeer.c */
void webpeer_channel(struct core *c, enum proc_role peer, int fd);
void webpeer_changed(struct core *c);
/* The decision and result for one ACTION_REQUEST (also for tests). */
void webpeer_action(struct core *c, const struct msg_action_request *rq,
    struct msg_action_result *res);
void webpeer_close_all(struct core *c);

/* sandbox_monitor.c */
void monitor_sandbox_apply(const struct config *cf);

#endif
