/* The one list of IPC message types, their payloads and codecs.
 *
 * Numbers are fixed forever: a retired type keeps its number, unused.  Every
 * type has a name (for logs), a codec descriptor (msg.c) and a rule in each
 * receiver's table (policy/ipc_rules.c); tests/unit/test_msg.c checks all
 * three.  Handlers only ever see the decoded structs below, never raw bytes.
 *
 * Wire encoding of a payload: the fields in order, integers little-endian,
 * a string as u16 length + bytes + NUL (length < the field's size, no NUL
 * inside), a string list as u16 count + that many strings, fixed byte arrays
 * as they are.  The decoder consumes the payload exactly. */
#ifndef VIGIL_MSG_H
#define VIGIL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who is at either end of a channel. */
enum proc_role {
	PROC_NONE = 0,
	PROC_PRIVD = 1,
	PROC_MONITOR = 2,
	PROC_WEBUI = 3,
	PROC_AUTH = 4,
	PROC_CLI = 5,
	PROC_ROLE_MAX = PROC_CLI,
};
#define PROC_BIT(r) (1u << (r))
const char *proc_role_name(enum proc_role role);

enum msg_type {
	MSG_NONE = 0,
	MSG_HELLO = 1,		/* any -> any: first message on every channel */
	MSG_LOG = 2,		/* child -> privd: one log line */
	MSG_CONFIG = 3,		/* monitor -> privd: log, users, httpd; before SEAL */
	MSG_ACTION_ADD = 4,	/* monitor -> privd: one sealed table entry */
	MSG_SEAL = 5,		/* monitor -> privd: no more entries, ever */
	MSG_SEALED = 6,		/* privd -> monitor: table accepted */
	MSG_RUN = 7,		/* monitor -> privd: run entry id */
	MSG_RUN_RESULT = 8,	/* privd -> monitor */
	MSG_PING = 9,		/* monitor -> privd: ICMP echo */
	MSG_PING_RESULT = 10,	/* privd -> monitor */
	MSG_CHANNEL = 11,	/* privd -> monitor: fd = channel to a peer */
	MSG_CONTROL = 12,	/* monitor -> privd: reload or quit */
	MSG_SESSION_GRANT = 13,	/* auth -> monitor */
	MSG_SESSION_ACK = 14,	/* monitor -> auth */
	MSG_LOGIN = 15,		/* webui -> auth: credentials */
	MSG_LOGIN_RESULT = 16,	/* auth -> webui */
	MSG_AUTH_RULE = 17,	/* monitor -> auth: one user or group rule */
	MSG_AUTH_READY = 18,	/* monitor -> auth: rules complete */
	MSG_SNAPSHOT_BEGIN = 19,	/* monitor -> webui */
	MSG_SNAPSHOT_SERVICE = 20,	/* monitor -> webui */
	MSG_SNAPSHOT_END = 21,	/* monitor -> webui */
	MSG_ACTION_REQUEST = 22,	/* webui -> monitor: act for a session */
	MSG_ACTION_RESULT = 23,	/* monitor -> webui */
	MSG_LOGOUT = 24,	/* webui -> monitor: end a session */
	MSG_CTL_REQUEST = 25,	/* cli -> monitor */
	MSG_CTL_OUTPUT = 26,	/* monitor -> cli: a chunk of text */
	MSG_CTL_DONE = 27,	/* monitor -> cli: final status */
	MSG_SESSION_CHECK = 28,	/* webui -> auth: may this user still log in? */
	MSG_SESSION_CHECK_RESULT = 29,	/* auth -> webui: the grant now, or none */
	MSG_SNAPSHOT_LOG = 30,	/* monitor -> webui: one recent log line */
	MSG_ACCESS_REFUSED = 31,	/* auth -> monitor: failed web logins, coalesced */
	MSG_PROC_IO = 32,	/* monitor -> privd: read /proc/PID/io of these pids */
	MSG_PROC_IO_RESULT = 33,	/* privd -> monitor: their bytes, unparsed */
	MSG_SNAPSHOT_JSON = 34,	/* monitor -> webui: part of a service's JSON */
	MSG_SNAPSHOT_POINT = 35,	/* monitor -> webui: a point of a service's graphs */
	MSG_TYPE_MAX = MSG_SNAPSHOT_POINT,
};

/* Sizes of string fields, including the NUL. */
#define MSG_BUILD_ID_LEN	33
#define MSG_NAME_LEN		256	/* service, host and group names */
#define MSG_USER_LEN		64	/* system and web user names */
#define MSG_PATH_LEN		1024
#define MSG_ARG_LEN		1024
#define MSG_ARGV_MAX		32
/* Entries of one sealed action table (start, stop, restart, check program
 * and exec programs of the control file): the monitor refuses a control
 * file with more (vigil -t says so), privd refuses more from a monitor. */
#define ACTION_TABLE_MAX	65536
#define MSG_LOGLINE_LEN		1024
#define MSG_OUTPUT_LEN		4096	/* captured program output */
#define MSG_SID_LEN		65	/* 64 hex digits */
#define MSG_SECRET_LEN		256
#define MSG_SCOPE_MAX		64
#define MSG_SCOPE_LEN		128
#define MSG_TEXT_LEN		8192
#define MSG_SHORT_LEN		64

enum web_role {
	ROLE_READONLY = 0,	/* view */
	ROLE_RESTART = 1,	/* view, restart, monitor */
	ROLE_READWRITE = 2,	/* everything */
	ROLE_MAX = ROLE_READWRITE,
};
const char *web_role_name(enum web_role role);

/* Service actions a person may ask for (CLI and web). */
enum svc_action {
	SVC_ACTION_START = 0,
	SVC_ACTION_STOP = 1,
	SVC_ACTION_RESTART = 2,
	SVC_ACTION_MONITOR = 3,
	SVC_ACTION_UNMONITOR = 4,
	SVC_ACTION_MAX = SVC_ACTION_UNMONITOR,
};
const char *svc_action_name(enum svc_action a);
/* Parse "start" ... "unmonitor"; -1 when unknown. */
int svc_action_parse(const char *s);

enum ctl_action {
	CTL_STATUS = 0,
	CTL_SUMMARY = 1,
	CTL_START = 2,
	CTL_STOP = 3,
	CTL_RESTART = 4,
	CTL_MONITOR = 5,
	CTL_UNMONITOR = 6,
	CTL_RELOAD = 7,
	CTL_QUIT = 8,
	CTL_VALIDATE = 9,
	CTL_REPORT = 10,	/* name: "", up, down, initializing, unmonitored, total */
	CTL_STATUS_JSON = 11,	/* status --json */
	CTL_ACTION_MAX = CTL_STATUS_JSON,
};

struct msg_hello {
	uint8_t role;			/* enum proc_role of the sender */
	char build_id[MSG_BUILD_ID_LEN];
	uint32_t pid;
};

struct msg_log {
	uint8_t level;			/* enum log_level */
	char text[MSG_LOGLINE_LEN];
};

struct msg_config {
	char logfile[MSG_PATH_LEN];	/* empty: stderr only */
	uint8_t log_syslog;
	uint8_t syslog_facility;	/* 0..23, LOG_FAC() of syslog.h */
	uint8_t log_chained;		/* hash-chain the log file's lines */
	char pidfile[MSG_PATH_LEN];
	char monitor_user[MSG_USER_LEN];
	char webui_user[MSG_USER_LEN];
	char auth_user[MSG_USER_LEN];
	char chroot_dir[MSG_PATH_LEN];
	uint8_t httpd_enabled;
	uint16_t httpd_port;
	char httpd_address[MSG_NAME_LEN];	/* empty: all addresses */
	uint8_t httpd_ssl;
	char httpd_pemfile[MSG_PATH_LEN];
	char httpd_clientpem[MSG_PATH_LEN];
	uint8_t httpd_allowselfcert;	/* self-signed client certificates */
	uint8_t httpd_signature;
	uint16_t nallow_net;		/* "allow HOST|NET": webui refuses others */
	char allow_net[MSG_SCOPE_MAX][MSG_SHORT_LEN];
};

struct msg_action_add {
	uint32_t id;
	uint8_t has_uid;
	uint8_t has_gid;
	uint32_t uid;
	uint32_t gid;
	uint32_t timeout_ms;
	uint16_t argc;
	char argv[MSG_ARGV_MAX][MSG_ARG_LEN];
};

struct msg_seal {
	uint32_t count;			/* entries sent: privd checks */
};

struct msg_sealed {
	uint32_t count;
};

/* The context becomes the MONIT_* environment of the manual. */
struct msg_run {
	uint32_t req;
	uint32_t id;
	char service[MSG_NAME_LEN];
	char event[MSG_SHORT_LEN];
	char description[MSG_LOGLINE_LEN];
	char date[MSG_SHORT_LEN];
	char host[MSG_NAME_LEN];
	uint8_t is_process;
	uint32_t process_pid;
	uint32_t process_memory_kb;
	uint32_t process_children;
	uint32_t process_cpu_permille;
};

struct msg_run_result {
	uint32_t req;
	uint32_t id;
	uint8_t spawned;		/* 0: could not start (errno in status) */
	uint8_t timed_out;		/* killed at its timeout */
	int32_t status;			/* exit code, or -signal */
	uint32_t duration_ms;
	char output[MSG_OUTPUT_LEN];	/* stdout+stderr, bounded, NUL-free */
};

struct msg_ping {
	uint32_t req;
	uint8_t family;			/* 4 or 6 */
	uint8_t addr[16];		/* network order; first 4 bytes for v4 */
	uint16_t count;			/* 1..20 */
	uint32_t timeout_ms;		/* per echo, 1..60000 */
	uint16_t size;			/* payload bytes, 0..1472 */
};

struct msg_ping_result {
	uint32_t req;
	uint16_t sent;
	uint16_t received;
	uint32_t rtt_min_us;
	uint32_t rtt_avg_us;
	uint32_t rtt_max_us;
	int32_t error;			/* errno of a send failure, else 0 */
};

/* A process's I/O counters for "if read|write rate" tests: the kernel checks
 * ptrace access when /proc/PID/io is read (not when opened), so the
 * sandboxed monitor cannot read another user's, and an fd opened by root
 * would not help.  privd reads at most MSG_PROC_IO_LEN - 1 bytes of each
 * and returns them as they are: the monitor parses them (proc_io_parse),
 * privd links no parser. */
#define MSG_PROC_IO_MAX		16	/* pids per request */
#define MSG_PROC_IO_LEN		256	/* the file is < 230 bytes */
#define MSG_PID_MAX		4194304	/* the kernel's PID_MAX_LIMIT */
struct msg_proc_io {
	uint32_t req;
	uint16_t npids;			/* 1..MSG_PROC_IO_MAX */
	uint32_t pid[MSG_PROC_IO_MAX];	/* 1..MSG_PID_MAX; unused ones 0 */
};
struct msg_proc_io_result {
	uint32_t req;
	uint16_t ntext;			/* = the request's npids */
	char text[MSG_PROC_IO_MAX][MSG_PROC_IO_LEN];	/* the file, "" when unreadable */
	int32_t error[MSG_PROC_IO_MAX];	/* errno of the open or read, else 0 */
};
struct msg_channel {
	uint8_t peer;			/* enum proc_role at the other end */
};

enum control_op {
	CONTROL_RELOAD = 0,
	CONTROL_QUIT = 1,
	CONTROL_READY = 2,	/* sealed, sandboxed, first cycle run: privd tells systemd */
	CONTROL_OP_MAX = CONTROL_READY,
};

struct msg_control {
	uint8_t op;
};

struct msg_session_grant {
	char sid[MSG_SID_LEN];
	char user[MSG_USER_LEN];
	uint8_t role;			/* enum web_role */
	uint64_t expiry;		/* unix seconds */
	uint16_t nscope;		/* 0: every service */
	char scope[MSG_SCOPE_MAX][MSG_SCOPE_LEN];
};

struct msg_session_ack {
	char sid[MSG_SID_LEN];
	uint8_t ok;
};

struct msg_login {
	uint32_t req;
	char user[MSG_USER_LEN];
	char password[MSG_SECRET_LEN];
	char client[MSG_SHORT_LEN];	/* client address, for the log */
};

/* Failed web logins of one user from one address for one reason, for the
 * monitor's access alerts.  auth sends the first at once and the rest of
 * an interval as one message with their count (webui/auth/refusals.c). */
struct msg_access_refused {
	char user[MSG_USER_LEN];	/* printable: auth replaced the rest */
	char client[MSG_SHORT_LEN];
	char reason[MSG_SHORT_LEN];	/* "denied", "throttled", ... */
	uint32_t count;			/* refusals this message stands for, >= 1 */
	uint32_t interval_s;		/* over how many seconds */
};

struct msg_login_result {
	uint32_t req;
	uint8_t ok;
	char sid[MSG_SID_LEN];
	uint8_t role;
	char user[MSG_USER_LEN];
	uint16_t nscope;		/* 0: every service (for the pages' buttons) */
	char scope[MSG_SCOPE_MAX][MSG_SCOPE_LEN];
};

/* A session's user checked again (revocation): auth decides as for a
 * login but without the password (account still usable, groups, rules). */
struct msg_session_check {
	uint32_t req;
	char user[MSG_USER_LEN];
	char client[MSG_SHORT_LEN];	/* for the log */
};

struct msg_session_check_result {
	uint32_t req;
	uint8_t ok;			/* 0: the user may no longer log in */
	uint8_t role;			/* the grant now (ok only) */
	uint16_t nscope;
	char scope[MSG_SCOPE_MAX][MSG_SCOPE_LEN];
};

enum auth_rule_kind {
	AUTH_RULE_USER = 0,		/* name + secret from the control file */
	AUTH_RULE_GROUP = 1,		/* @group (system or `set group`) */
	AUTH_RULE_GROUP_MEMBER = 2,	/* `set group NAME users a,b`: name=user, secret=group */
	AUTH_RULE_KIND_MAX = AUTH_RULE_GROUP_MEMBER,
};

enum auth_secret_type {
	SECRET_NONE = 0,
	SECRET_CLEARTEXT = 1,
	SECRET_CRYPT = 2,		/* any crypt(3) hash: des, md5, sha, bcrypt, yescrypt */
	SECRET_MD5 = 3,			/* apr1 htpasswd */
	SECRET_TYPE_MAX = SECRET_MD5,
};

struct msg_auth_rule {
	uint8_t kind;			/* enum auth_rule_kind */
	char name[MSG_USER_LEN];
	uint8_t secret_type;		/* enum auth_secret_type */
	char secret[MSG_SECRET_LEN];
	uint8_t role;			/* enum web_role */
	uint16_t nscope;
	char scope[MSG_SCOPE_MAX][MSG_SCOPE_LEN];
};

struct msg_auth_ready {
	uint32_t nrules;
	char pam_service[MSG_SHORT_LEN];	/* empty: PAM off */
	uint32_t session_ttl_s;
	uint8_t open_access;		/* host rules only: no password (Monit) */
};

struct msg_snapshot_begin {
	uint32_t gen;
	uint32_t count;
	uint64_t time;			/* unix seconds */
	char host[MSG_NAME_LEN];
	uint32_t uptime_s;
	uint32_t poll_s;
	uint8_t open_access;		/* host rules only: pages without a login */
};

/* The figures of one service as the monitor last measured them, for the
 * web pages, Monit's XML status and /metrics.  0 where the type has no such
 * figure or it was not measured yet. */
/* type_code: the numbers of monitor/config's enum service_type (the
 * monitor asserts they agree), the one list the web side reads them by. */
enum msg_svc_type {
	MSG_SVC_PROCESS = 0,
	MSG_SVC_FILE = 1,
	MSG_SVC_FIFO = 2,
	MSG_SVC_FILESYSTEM = 3,
	MSG_SVC_DIRECTORY = 4,
	MSG_SVC_HOST = 5,
	MSG_SVC_SYSTEM = 6,
	MSG_SVC_PROGRAM = 7,
	MSG_SVC_NETWORK = 8,
	MSG_SVC_TYPE_MAX = MSG_SVC_NETWORK,
};
struct msg_svc_figures {
	uint8_t type_code;		/* enum msg_svc_type */
	uint8_t monitor_code;		/* 0 not monitored, 1 monitored, 2 initializing */
	uint8_t mode;			/* 0 active, 1 passive, 2 manual */
	uint8_t busy;			/* 1: a start/stop/restart is in flight */
	uint32_t events;		/* Monit's event bits of the failing tests */
	uint64_t collected;		/* unix seconds of the last check, 0 never */
	/* process */
	uint32_t ppid, threads, children;
	uint32_t cpu_permille, total_cpu_permille;	/* of one cpu */
	uint64_t mem_bytes, total_mem_bytes;
	uint64_t restarts;		/* starts by vigil since it began */
	/* program */
	uint8_t have_exit_status;
	int32_t exit_status;
	/* network: byte counters of the interface */
	uint64_t net_rx, net_tx;
	/* system */
	uint32_t load1, load5, load15;	/* hundredths */
	uint32_t cpu_user_permille, cpu_system_permille, cpu_wait_permille;
	uint64_t mem_total, mem_used, swap_total, swap_used;
	/* host: the last successful connection test's or ping's time */
	uint32_t response_us;
	/* filesystem: space and inodes in use (of the total) */
	uint32_t space_used_permille, inodes_used_permille;
};

struct msg_snapshot_service {
	uint32_t gen;
	uint32_t index;
	char name[MSG_NAME_LEN];
	char type[MSG_SHORT_LEN];	/* "process", "file", ... */
	char status[MSG_NAME_LEN];	/* "OK", "Does not exist", ... */
	char monitor[MSG_SHORT_LEN];	/* "Monitored", "Not monitored", ... */
	uint32_t pid;
	uint64_t uptime_s;
	char detail[MSG_LOGLINE_LEN];
	struct msg_svc_figures fig;
};

struct msg_snapshot_end {
	uint32_t gen;
};

/* A service's JSON object, at most (webui refuses a generation with more). */
#define MSG_SVC_JSON_MAX	(1u << 20)

/* One point of the graphs of the service just sent (its SNAPSHOT_SERVICE):
 * the monitor keeps the last MSG_GRAPH_POINTS per service
 * (monitor/core/graphs.c) and sends each to a webui once, all of them to a
 * new one, so the graphs outlive a restart of the web process.  Values by
 * type: process cpu permille, memory KiB, children; system cpu permille
 * (user + system + wait), memory used permille, load (1 min) in hundredths;
 * host response time in microseconds; filesystem space and inodes used in
 * permille. */
#define MSG_GRAPH_POINTS	120
struct msg_snapshot_point {
	uint32_t gen;
	uint32_t index;
	uint32_t t;			/* unix seconds of the check */
	uint32_t v[3];
};

/* The service's member of `vigil status --json`'s "services" array, as the
 * monitor's one list of fields writes it (monitor/engine/status_json.c),
 * in parts after its SNAPSHOT_SERVICE: webui serves it at /api/status, so
 * the document stays the CLI's byte for byte. */
struct msg_snapshot_json {
	uint32_t gen;
	uint32_t index;			/* the service just sent */
	char part[MSG_TEXT_LEN];	/* the next bytes of the object */
};

struct msg_snapshot_log {
	uint64_t seq;			/* increasing from 1 */
	uint64_t time;			/* unix seconds */
	uint8_t level;			/* enum log_level */
	char text[MSG_LOGLINE_LEN];
};

struct msg_action_request {
	uint32_t req;
	char sid[MSG_SID_LEN];
	char service[MSG_NAME_LEN];
	uint8_t action;			/* enum svc_action */
};

struct msg_action_result {
	uint32_t req;
	uint16_t code;			/* 200, 403, 404, 409 */
	char message[MSG_NAME_LEN];
};

struct msg_logout {
	char sid[MSG_SID_LEN];
};

struct msg_ctl_request {
	uint8_t action;			/* enum ctl_action */
	uint8_t verbose;
	char name[MSG_NAME_LEN];	/* service name, "all" or empty */
	char group[MSG_NAME_LEN];	/* -g GROUP, or empty */
};

struct msg_ctl_output {
	char text[MSG_TEXT_LEN];
};

struct msg_ctl_done {
	int32_t code;			/* exit code for the CLI */
	char message[MSG_NAME_LEN];
};

union msg_body {
	struct msg_hello hello;
	struct msg_log log;
	struct msg_config config;
	struct msg_action_add action_add;
	struct msg_seal seal;
	struct msg_sealed sealed;
	struct msg_run run;
	struct msg_run_result run_result;
	struct msg_ping ping;
	struct msg_ping_result ping_result;
	struct msg_channel channel;
	struct msg_control control;
	struct msg_session_grant session_grant;
	struct msg_session_ack session_ack;
	struct msg_login login;
	struct msg_login_result login_result;
	struct msg_access_refused access_refused;
	struct msg_auth_rule auth_rule;
	struct msg_auth_ready auth_ready;
	struct msg_snapshot_begin snapshot_begin;
	struct msg_snapshot_service snapshot_service;
	struct msg_snapshot_end snapshot_end;
	struct msg_action_request action_request;
	struct msg_action_result action_result;
	struct msg_logout logout;
	struct msg_ctl_request ctl_request;
	struct msg_ctl_output ctl_output;
	struct msg_ctl_done ctl_done;
	struct msg_session_check session_check;
	struct msg_session_check_result session_check_result;
	struct msg_snapshot_log snapshot_log;
	struct msg_proc_io proc_io;
	struct msg_proc_io_result proc_io_result;
	struct msg_snapshot_json snapshot_json;
	struct msg_snapshot_point snapshot_point;
};

/* Why a payload was refused. */
enum msg_error {
	MSG_OK = 0,
	MSG_ERR_TRUNCATED,	/* payload ended inside a field */
	MSG_ERR_STRING_UNTERMINATED,
	MSG_ERR_STRING_TOO_LONG,
	MSG_ERR_STRING_NUL,	/* NUL inside a string */
	MSG_ERR_LIST_TOO_LONG,
	MSG_ERR_ENUM_RANGE,
	MSG_ERR_VALUE_RANGE,
	MSG_ERR_TRAILING,	/* bytes left after the last field */
	MSG_ERR_UNKNOWN_TYPE,
	MSG_ERR_NOSPACE,	/* encoder: output buffer too small */
};
const char *msg_error_name(enum msg_error e);

const char *msg_type_name(enum msg_type type);	/* NULL when unknown */
bool msg_type_known(unsigned type);
size_t msg_struct_size(enum msg_type type);
/* Smallest and largest valid payload of a type. */
size_t msg_min_len(enum msg_type type);
size_t msg_max_len(enum msg_type type);

/* Encode m (the struct of that type) into out; returns the payload length,
 * or 0 with *err set. */
size_t msg_encode(enum msg_type type, const void *m, uint8_t *out, size_t outlen,
    enum msg_error *err);
/* Decode exactly len bytes into m (zeroed first). */
enum msg_error msg_decode(enum msg_type type, const uint8_t *p, size_t len, void *m);

#endif
