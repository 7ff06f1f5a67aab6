/* The parsed control file: what the parser produces and the monitor runs.
 *
 * Every node remembers where it came from (file, line) so that semantic
 * errors and logs can point at it.  All strings are heap-allocated and owned
 * by the config; config_free() releases everything. */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "monitor/config/match_file.h"

struct srcpos {
	const char *file;	/* interned in struct config.files */
	int line;
	int col;
};

enum service_type {
	SVC_PROCESS,
	SVC_FILE,
	SVC_FIFO,
	SVC_FILESYSTEM,
	SVC_DIRECTORY,
	SVC_HOST,
	SVC_SYSTEM,
	SVC_PROGRAM,
	SVC_NETWORK,
	SVC_TYPE_COUNT,
};
const char *service_type_name(enum service_type t);

/* What a rule does when it fires. */
enum action_kind {
	ACTION_IGNORE = 0,	/* no action (e.g. only on success) */
	ACTION_ALERT,
	ACTION_RESTART,
	ACTION_START,
	ACTION_STOP,
	ACTION_EXEC,
	ACTION_UNMONITOR,
	ACTION_MONITOR,
	ACTION_KIND_COUNT,
};
const char *action_kind_name(enum action_kind a);

/* A generic "name value" option (protocol options, set limits, set ssl). */
struct config_option {
	char *name;
	char *value;
	struct config_option *next;
};

/* A program vigil may run: becomes one entry of privd's sealed table. */
struct command {
	char **argv;		/* argv[0] is an absolute path; NULL-terminated */
	int argc;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
	char *user;		/* as written (name or number), for -v output */
	char *group;
	int timeout_s;		/* 0: the default (30 s) */
	uint32_t table_id;	/* assigned when the sealed table is built */
	char *refused;		/* why vigild will refuse to run it (common/pathcheck.h),
				 * set when the table is built; NULL: runs */
	struct srcpos pos;
};

struct action {
	enum action_kind kind;
	struct command *exec;	/* ACTION_EXEC */
	int repeat_cycles;	/* "repeat every N cycles" (5.3x), 0 none */
};

/* "for N cycles" / "N times within M cycles": how many failing cycles in a
 * window make the rule fire.  Default 1 within 1. */
struct cycles {
	int count;
	int within;
};

/* The failure action, and the optional "else if succeeded" action. */
struct rule_actions {
	struct action failed;
	struct cycles failed_cycles;
	bool has_succeeded;
	struct action succeeded;
	struct cycles succeeded_cycles;
};

enum cmp_op {
	OP_NONE = 0,
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
	OP_CHANGED,		/* "changed" tests */
};
const char *cmp_op_name(enum cmp_op op);

/* Resources of process and system services. */
enum resource {
	RES_CPU,		/* process: percent of one... as the manual */
	RES_TOTAL_CPU,
	RES_CPU_USER,
	RES_CPU_SYSTEM,
	RES_CPU_WAIT,
	RES_MEMORY,
	RES_TOTAL_MEMORY,
	RES_SWAP,
	RES_CHILDREN,
	RES_LOADAVG_1,
	RES_LOADAVG_5,
	RES_LOADAVG_15,
	RES_THREADS,
	RES_FDS,		/* process: open descriptors; system: the machine's */
	RES_TOTAL_FDS,		/* process and its descendants */
	RES_TYPE_COUNT,
};

/* Units a limit was written in: the value is normalised to bytes, percent
 * (x100, i.e. hundredths), seconds or plain counts. */
enum unit {
	UNIT_NONE,
	UNIT_PERCENT,		/* value in hundredths of a percent */
	UNIT_BYTES,
	UNIT_SECONDS,
	UNIT_COUNT,
};

enum hash_type { HASH_MD5, HASH_SHA1, HASH_SHA256 };

enum conn_type { CONN_TCP, CONN_UDP, CONN_TCPSSL };

/* One send/expect step of a generic protocol test. */
struct sendexpect {
	bool is_send;
	char *data;		/* escapes already decoded */
	size_t len;
	struct sendexpect *next;
};

struct connection {
	char *host;		/* NULL: the service's address or localhost */
	int port;		/* 0 for unix sockets */
	char *unix_path;
	enum conn_type type;
	int ipversion;		/* 0 any, 4, 6 */
	bool ssl;
	char *ssl_version;
	char *certmd5;
	char *protocol;		/* "http", "smtp", ...; NULL: default connect test */
	/* protocol options */
	char *request;		/* http request path / url */
	char *hostheader;
	char *content_regex;
	bool content_not;
	int status_op;		/* http status comparison */
	int status;
	char *checksum;		/* http content checksum */
	char *username, *password;
	char *url;		/* "if failed url ..." */
	struct sendexpect *sendexpect;
	int timeout_s;		/* default 5 */
	int retry;
	struct config_option *options;	/* other protocol options (target, maxforward,
					 * secret, database, loglimit, ...), names lower
					 * case; "ssl.NAME" from "ssl options { NAME: V }";
					 * "certificate valid" = "> 2592000 seconds" */
};

/* How the parser fills a test (what the engine may rely on):
 *  TEST_EXIST       op OP_NE: "[does] not exist" (fails when missing);
 *                   op OP_EQ: "exist" (fails when present).
 *  TEST_RESOURCE    resource, op, value/unit: UNIT_PERCENT in hundredths, UNIT_BYTES,
 *                   UNIT_COUNT; loadavg in hundredths with UNIT_NONE (5.5 -> 550).
 *  TEST_CHECKSUM    hash; op OP_NE "failed checksum" (expect = hex or NULL: learn it
 *                   on the first cycle), op OP_CHANGED "changed checksum".
 *  TEST_TIMESTAMP / TEST_SIZE / TEST_UPTIME   op + value (seconds / bytes), or
 *                   op OP_CHANGED; subkind: see below.
 *  TEST_MATCH       regex, or match_path (a file of patterns) with its lines in
 *                   patterns; match_not; subkind 1 = "ignore [not] match" or
 *                   "ignore content =|!=" (no action: act.failed.kind == ACTION_IGNORE).
 *  TEST_PERMISSION  perm (octal bits, <= 07777), op OP_NE.
 *  TEST_UID/GID     owner as written, value = the resolved uid/gid; TEST_UID
 *                   subkind 1: "failed euid" (a process's effective uid).
 *  TEST_DISKIO      subkind 0 read, 1 write: value per second in UNIT_BYTES or
 *                   UNIT_COUNT (operations) (a process: "disk read|write", its
 *                   storage I/O); subkind 2 service time: value in milliseconds
 *                   (UNIT_COUNT) per operation; subkind 3 read, 4 write: a
 *                   process's "read|write rate" (every byte through read/write).
 *  TEST_PID/PPID/FSFLAGS   op OP_CHANGED.
 *  TEST_CONNECTION  conn; conn->host NULL = the host service's address, or
 *                   localhost for other types; port 0 with unix_path for sockets.
 *  TEST_ICMP        icmp_count 1..20 (default 3), icmp_timeout_s (default 5).
 *  TEST_STATUS      op + value (exit status), or op OP_CHANGED.
 *  TEST_RESTARTS    restarts within restart_cycles.
 *  TEST_LINK        subkind (below); value/unit for saturation and rates;
 *                   subkind 0 with op OP_EQ: "if link up" (fires while up).
 *  TEST_RESOURCE    loadavg "per core": subkind 1.
 *  TEST_LINK        subkind 5/6: "total upload|download > N in last M hours":
 *                   value bytes, window_s the window in seconds.
 *  TEST_LINK        subkind 3..6 with UNIT_COUNT: packets (per second) instead
 *                   of bytes.
 * act.failed_cycles / succeeded_cycles default to 1 within 1. */
struct test {
	enum {
		TEST_EXIST,		/* "if [does] not exist" */
		TEST_RESOURCE,		/* cpu, memory, loadavg, children, ... */
		TEST_CHECKSUM,		/* failed checksum / checksum changed */
		TEST_TIMESTAMP,
		TEST_SIZE,
		TEST_MATCH,		/* content: if [not] match */
		TEST_FSFLAGS,
		TEST_SPACE,
		TEST_INODE,
		TEST_PERMISSION,
		TEST_UID,
		TEST_GID,
		TEST_PID,
		TEST_PPID,
		TEST_UPTIME,
		TEST_CONNECTION,	/* port, unix socket, url */
		TEST_ICMP,
		TEST_STATUS,		/* program exit status */
		TEST_RESTARTS,		/* "if N restarts within M cycles" */
		TEST_LINK,		/* network: link, speed, saturation, up/download */
		TEST_DISKIO,		/* filesystem: read/write rate, service time */
		TEST_KIND_COUNT,
	} kind;
	struct srcpos pos;
	enum cmp_op op;
	/* generic operands */
	enum resource resource;
	enum unit unit;
	int64_t value;		/* normalised per unit */
	/* checksum */
	enum hash_type hash;
	char *expect;		/* checksum hex, or NULL to learn it */
	/* permission / uid / gid */
	unsigned perm;
	char *owner;		/* uid or gid as written */
	/* match */
	char *regex;
	bool match_not;
	bool match_ignore;	/* "ignore match" */
	char *match_path;	/* "match" with a file of patterns */
	struct match_patterns patterns;	/* match_path's lines, read by the parser */
	/* icmp */
	int icmp_count;		/* 1..20, default 3 */
	int icmp_timeout_s;
	/* connection */
	struct connection *conn;
	/* restarts */
	int restarts;
	int restart_cycles;
	struct rule_actions act;
	/* Refines kind (0 is always the plain form):
	 * TEST_TIMESTAMP: 0 any (newest of m/c time), 1 access, 2 change, 3 modify;
	 * TEST_SPACE / TEST_INODE: 0 used, 1 free;
	 * TEST_LINK: 0 link down, 1 capacity changed, 2 saturation (percent),
	 *            3 upload (bytes/s), 4 download (bytes/s), 5 total upload,
 *            6 total download (bytes in window_s);
	 * TEST_MATCH: 0 "if match", 1 "ignore match". */
	int subkind;
	int64_t window_s;	/* TEST_LINK totals: "in last N hours" (seconds) */
	struct test *next;
};

/* How often a service is checked. */
struct every {
	enum { EVERY_ALWAYS, EVERY_CYCLES, EVERY_CRON, EVERY_NOT_CRON } kind;
	int cycles;
	char *cron;
};

enum monitor_mode { MODE_ACTIVE, MODE_PASSIVE, MODE_MANUAL };

/* A service's own alert recipients ("alert foo@bar [not] on {...}"). */
struct alert_recipient {
	char *address;
	bool no_alert;		/* "noalert" */
	uint32_t events;	/* bit mask of event types; 0 = all */
	bool events_not;	/* "not on" */
	char *mail_format;	/* raw mail-format block, NULL: default */
	int reminder;		/* cycles, 0 none */
	struct srcpos pos;
	struct alert_recipient *next;
};

/* The bit of an alert filter's event name ("nonexist", "action", ...) in
 * struct alert_recipient.events; 0 for an unknown name. */
uint32_t event_bit(const char *name);
/* The name of event bit i (1u << i), or NULL past the last: the one list
 * the parser reads and the dump prints. */
const char *event_name(unsigned i);

struct dependency {
	char *name;
	struct srcpos pos;
	struct dependency *next;
};

struct service {
	char *name;
	enum service_type type;
	struct srcpos pos;
	char *path;		/* pidfile, file/dir/fifo/fs path, program path */
	char *match;		/* process "matching" regex */
	char *address;		/* host */
	char *interface;	/* network */
	struct command *program;	/* check program: the path with arguments */
	int program_timeout_s;
	struct command *start, *stop, *restart;
	struct test *tests;
	struct dependency *depends;
	char **groups;
	size_t ngroups;
	struct every every;
	enum monitor_mode mode;
	enum { ONREBOOT_START, ONREBOOT_NOSTART, ONREBOOT_LAST } onreboot;
	struct alert_recipient *alerts;
	bool noalert_all;
	struct service *next;
};

struct mailserver {
	char *host;
	int port;
	char *username, *password;
	bool ssl;
	char *ssl_version;
	struct srcpos pos;	/* addition (parser) */
	struct mailserver *next;
};

/* One M/Monit collector of `set mmonit`, its URL taken apart at parse
 * time so `vigil -t` reports a bad one. */
struct mmonit_url {
	char *url;		/* as written (the dump hides the password) */
	bool ssl;		/* https */
	char *host;		/* name or address (IPv6 without brackets) */
	int port;		/* default 80 / 443 */
	char *path;		/* default "/collector" */
	char *user, *password;	/* from user:password@, as written; NULL: none */
	int timeout_s;		/* with timeout N seconds; default 5 */
	struct srcpos pos;
	struct mmonit_url *next;
};

/* Take an http:// or https:// URL apart into u (fields malloc'd); false
 * with why set when it is not one. */
bool mmonit_url_parse(const char *url, struct mmonit_url *u, char *why, size_t whylen);
void mmonit_url_free(struct mmonit_url *u);

enum httpd_allow_kind {
	ALLOW_HOST,		/* allow localhost / 10.0.0.0/8 / host.example */
	ALLOW_USER,		/* allow user:password */
	ALLOW_GROUP,		/* allow @group */
	ALLOW_HTPASSWD,		/* allow htpasswd file */
};

struct httpd_allow {
	enum httpd_allow_kind kind;
	char *name;		/* host/net, user, group, or file path */
	char *secret;		/* password for ALLOW_USER */
	int secret_type;	/* enum auth_secret_type (common/msg.h) */
	int role;		/* enum web_role */
	char **scope;		/* "service a,b": services this may act on */
	size_t nscope;
	char **users;		/* htpasswd: only these users */
	size_t nusers;
	struct srcpos pos;
	struct httpd_allow *next;
};

struct httpd {
	bool enabled;
	int port;		/* default 2812 */
	char *address;		/* NULL: all */
	char *unixsocket;
	bool ssl;
	char *pemfile;
	char *clientpemfile;
	bool allowselfcert;
	bool signature;		/* default true */
	struct httpd_allow *allow;
	char *pam_service;	/* "pam service NAME", default "vigil" */
	struct srcpos pos;
};

/* `set group NAME users a,b` (hardening guide). */
struct user_group {
	char *name;
	char **users;
	size_t nusers;
	struct srcpos pos;
	struct user_group *next;
};

/* Who may use the CLI's control socket besides root (vigil extension):
 * `set control socket PATH [allow USER|@GROUP [read-only]] ...`. */
struct control_allow {
	char *name;		/* user, or group without the @ */
	bool is_group;
	bool readonly;
	struct control_allow *next;
};

struct config {
	/* global */
	int poll_s;		/* set daemon N, default 30 (0: not a daemon) */
	int start_delay_s;
	bool init;		/* set init */
	char *logfile;		/* NULL: stderr only */
	bool log_syslog;
	bool log_chained;	/* "set logfile PATH chained": hash-chained lines */
	int syslog_facility;	/* LOG_FAC(LOG_USER) .. */
	char *pidfile;
	char *statefile;
	char *idfile;
	char *eventqueue_dir;
	int eventqueue_slots;
	struct mailserver *mailservers;
	int mail_timeout_s;
	char *mail_hostname;
	char *mail_format;	/* global mail-format block */
	struct alert_recipient *alerts;	/* set alert */
	struct httpd httpd;
	struct user_group *user_groups;
	int expectbuffer;	/* bytes */
	bool fips;
	/* privilege separation (vigil extension: `set privsep ...`) */
	char *monitor_user;	/* default _vigil */
	char *webui_user;	/* default _vigilweb */
	char *auth_user;	/* default _vigilauth */
	char *chroot_dir;	/* webui chroot, default /var/lib/vigil/empty */
	char *control_socket;	/* default /run/vigil/control.sock */
	struct control_allow *control_allow;
	/* services in file order */
	struct service *services;
	size_t nservices;
	/* every file read, for positions and for -v */
	char **files;
	size_t nfiles;
	/* additions (parser): */
	int onreboot_default;		/* set onreboot: ONREBOOT_* value, default start */
	struct mmonit_url *mmonits;	/* set mmonit URL [, URL...]: tried in order */
	bool mmonit_no_credentials;	/* "and register without credentials" */
	struct config_option *limits;	/* set limits { name value } */
	struct config_option *ssl_options;	/* set ssl { name value } */
	struct service **svc_index;	/* hash of services by name (config_check) */
	size_t svc_index_size;
};

void command_free(struct command *c);
/* Hash of a service name (the index in struct config.svc_index). */
uint64_t config_name_hash(const char *name);
struct config *config_new(void);
void config_free(struct config *cf);
/* A protocol of the manual that no module speaks yet (config_check.c). */
bool config_protocol_unspoken(const char *name);
/* Every protocol name "protocol NAME" accepts; NULL-terminated. */
extern const char *const config_protocols[];
struct service *config_find_service(const struct config *cf, const char *name);

#endif
