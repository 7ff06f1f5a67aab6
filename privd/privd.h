/* privd (vigild): the root parent.  It spawns and supervises the children,
 * keeps the sealed action table, runs its entries, sends ICMP echo over the
 * raw sockets it opened at start, and owns the log.  It parses nothing but
 * typed IPC messages. */
#ifndef VIGIL_PRIVD_H
#define VIGIL_PRIVD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/msg.h"

#define PRIVD_RUN_MAX_RUNNING	32
#define PRIVD_RUN_MAX_QUEUED	1024
#define PRIVD_TABLE_MAX		ACTION_TABLE_MAX	/* sealed entries per monitor */
#define PRIVD_PING_MAX		64	/* pings in flight */
#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		60000
#define BACKOFF_RESET_MS	60000	/* up this long: the next delay is 1 s */
#define STOP_GRACE_MS		5000	/* SIGTERM .. SIGKILL for children */
#define RUN_KILL_GRACE_MS	2000	/* SIGTERM .. SIGKILL for a timed-out program */
#define RUN_UNSEEN_MAX		64	/* results no live monitor received */
#define RUN_UNSEEN_MS		30000	/* ... kept this long for it */
#define CHILD_LOG_BURST		500	/* lines */
#define CHILD_LOG_PER_S		100
#define RUN_PATH_ENV		"PATH=/bin:/usr/bin:/sbin:/usr/sbin"

/* Callbacks tolerate spurious calls: a descriptor closed in one callback can
 * be reused by a new one before the rest of the same epoll batch is handled,
 * so timers check their expiry count, pidfds waitpid(WNOHANG), reads EAGAIN. */

enum child_kind { CHILD_MONITOR, CHILD_WEBUI, CHILD_AUTH, CHILD_COUNT };

/* ---- lines.c: a child's output into log lines (pure) ---- */
struct line_splitter {
	char line[MSG_LOGLINE_LEN];	/* the partial line */
	size_t len;
};
/* Each complete line (no '\n', NUL replaced, at most sizeof(line)-1 bytes:
 * a longer one is cut) goes to emit. */
void lines_feed(struct line_splitter *ls, const char *buf, size_t n,
    void (*emit)(const char *line, void *arg), void *arg);
/* The partial line, if any, to emit. */
void lines_flush(struct line_splitter *ls, void (*emit)(const char *line, void *arg),
    void *arg);

/* ---- icmp.c: the echo reply parser (pure) ---- */
struct icmp_echo {
	uint16_t ident, seq;
	size_t payload_len;
};
/* A raw socket's datagram: family 4 (with the IPv4 header: version, header
 * and total length, protocol, fragment and ICMP checksum checked) or 6
 * (ICMPv6 only).  true when it is an echo reply, with its fields. */
bool icmp_parse_echo_reply(int family, const uint8_t *buf, size_t n, struct icmp_echo *out);
/* The Internet checksum (RFC 1071) of p. */
uint16_t icmp_checksum(const uint8_t *p, size_t n);

struct privd;

struct child {
	struct privd *pd;
	enum child_kind kind;
	const char *name;		/* "monitor", "webui", "auth" */
	enum proc_role role;
	pid_t pid;			/* 0: not running */
	int pidfd;
	struct ipc_channel ch;		/* fd -1 when closed */
	int outfd;			/* read end of its stdout+stderr pipe */
	struct line_splitter out;	/* its output, into log lines */
	uint64_t started_ms;
	uint64_t backoff_ms;		/* delay before the next restart */
	bool killed;			/* we sent SIGKILL/SIGTERM on purpose */
	/* log lines (LOG and output) per child: a token bucket, so a hostile
	 * child cannot fill the disk through privd */
	struct token_bucket log_rate;
	unsigned long log_suppressed;
};

/* One entry of the sealed table.  An entry whose program failed the file
 * checks stays in the table, disabled (path NULL, reason set): RUN of it
 * answers spawned=0, status=EACCES with the reason as output. */
struct action_entry {
	uint32_t id;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
	uint32_t timeout_ms;
	int argc;
	char **argv;			/* NULL-terminated */
	char *path;			/* realpath of argv[0]; NULL: disabled */
	char *reason;			/* why disabled; NULL when enabled */
};
#define ACTION_REASON_LEN	(MSG_LOGLINE_LEN / 2)

struct action_table {
	struct action_entry *e;
	size_t n, cap;
	bool sealed;
};

enum privd_state { PD_RUNNING, PD_RELOADING, PD_STOPPING };

struct run_job;
struct run_unseen;
struct ping_job;

struct privd {
	struct ev_loop *ev;
	const char *conffile;
	char monitor_user[MSG_USER_LEN];
	bool user_switched;		/* CONFIG named another user: done once */
	bool respawn_now;		/* next monitor exit: respawn at once */
	int exit_code;			/* vigild's exit status once stopped */
	/* Why the last monitor ended before it sealed its table: the same
	 * reason twice in a row is a control file it cannot use, and
	 * restarting it again would only loop. */
	char mon_unsealed_end[MSG_LOGLINE_LEN / 2];
	char mon_violation[MSG_LOGLINE_LEN / 2];	/* why we killed it */
	int verbose;
	bool foreground;
	bool is_root;
	char monitor_bin[PATH_MAX];
	struct child child[CHILD_COUNT];
	struct action_table table;
	struct msg_config cf;
	bool have_config;
	uint32_t mon_gen;		/* +1 per monitor spawned */
	enum privd_state state;
	int restart_tfd[CHILD_COUNT];	/* webui's timer restarts the web pair */
	int stop_tfd;
	int icmp4, icmp6;
	/* RUN */
	struct run_job *running;
	size_t nrunning;
	struct run_job *queue_head, *queue_tail;
	size_t nqueued;
	size_t njoined;			/* RUNs waiting on the same program's run */
	struct run_unseen *unseen;	/* results the live monitor has not seen */
	size_t nunseen;
	/* PING */
	struct ping_job *pings;
	size_t npings;
	uint16_t ping_ident;
};

/* ---- logw.c: the log writer and pidfile ---- */
/* Install privd's own log sink (stderr until logw_configure). */
void logw_init(void);
/* Daemonized: stop writing to stderr (/dev/null). */
void logw_detached(void);
/* Open the log as CONFIG says (re-open on every CONFIG: rotation). */
void logw_configure(const struct msg_config *cf);
/* Write one line for proc (already a bare text; control bytes replaced). */
void logw_line(const char *proc, enum log_level level, const char *text);
void logw_close(void);
/* ---- logchain_writer.c: the log file's hash chain (logchain.h) ---- */
void logchain_writer_enable(bool on);
bool logchain_writer_on(void);
/* FD was opened: the text of its segment start line (into TEXT), or NULL
 * when the log is not chained. */
const char *logchain_writer_opened(int fd, char *text, size_t textlen);
/* LINE with its chain value (into OUT), or LINE itself when not chained;
 * logchain_writer_written() once the whole line is in the file. */
const char *logchain_writer_seal(const char *line, char *out, size_t outlen);
void logchain_writer_written(void);
/* systemd readiness (notify.c): NOTIFY_SOCKET read once at start-up; a
 * datagram such as "READY=1" or "STOPPING=1" to it, nothing without it. */
void notify_init(void);
void notify_send(const char *state);
/* The monitor said CONTROL ready: tell the service manager. */
void privd_ready(struct privd *pd);
/* Reopen the log file at its path (SIGUSR1, for logrotate). */
void logw_reopen(void);
/* Atomic pidfile: tmp, fsync, rename; O_NOFOLLOW.  false on failure. */
bool pidfile_write(const char *path);
pid_t pidfile_other_running(const char *path);
void pidfile_remove(void);
/* Replace control bytes (and NUL up to len) with '?' in place. */
void sanitize_text(char *s);

/* ---- table.c: the sealed action table ---- */
/* Structural check of an ACTION_ADD: a false return (why set) is an IPC
 * violation (the monitor's parser guarantees these). */
bool action_msg_valid(const struct msg_action_add *m, const struct action_table *t,
    char *why, size_t whylen);
/* File-system check of a program (common/pathcheck.h: every component as
 * written, links by hand, owner and mode of each); resolved gets the path
 * reached.  RUN itself opens the program with path_open_program and executes
 * that descriptor. */
bool action_path_ok(const char *path, bool has_uid, uid_t uid, char *resolved,
    size_t rlen, char *why, size_t whylen);
/* A child binary privd executes as root's child: a regular executable
 * owned by root, not writable by group or others. */
bool privd_binary_ok(const char *path, char *why, size_t whylen);
/* Add (after action_msg_valid); returns the entry. */
struct action_entry *table_add(struct action_table *t, const struct msg_action_add *m);
struct action_entry *table_find(struct action_table *t, uint32_t id);
void table_clear(struct action_table *t);

/* ---- run.c: RUN ---- */
/* The environment of a program: PATH + MONIT_*, strings without control
 * bytes.  NULL-terminated; free with free_strv(). */
char **run_build_env(const struct msg_run *ctx);
/* shebang.c: a "#!" line (what the kernel reads of it: SHEBANG_MAX bytes)
 * into the interpreter and its one optional argument.  1 for a script, 0
 * for anything else, -1 for a "#!" line privd refuses (no newline within
 * the bound, no absolute interpreter, a NUL, too long). */
#define SHEBANG_MAX	256
int shebang_parse(const char *buf, size_t n, char *interp, size_t ilen, char *arg,
    size_t alen);
void free_strv(char **v);
/* Bounded output: at most MSG_OUTPUT_LEN-1 bytes kept, NUL bytes replaced. */
struct outbuf {
	char data[MSG_OUTPUT_LEN];
	size_t len;
	size_t dropped;
};
void outbuf_add(struct outbuf *b, const char *p, size_t n);
void run_request(struct privd *pd, const struct msg_run *m);

/* ids.c: a program's primary and supplementary groups, resolved in privd
 * and kept while /etc/passwd and /etc/group are unchanged (30 s at most) */
struct run_ids {
	gid_t gid;
	int ngroups;
	gid_t *groups;
};
int ids_lookup(bool has_uid, uid_t uid, bool has_gid, gid_t gid, const struct run_ids **out,
    char *why, size_t whylen);
void ids_flush(void);

/* child.c: signal dispositions.  Handlers end at execve, ignored signals do
 * not: privd records what it ignores, so a child before its execve resets
 * only those (not all 64, one system call each). */
void sig_setup(void);
void sig_ignore(int sig);
void sig_default_ignored(void);
/* The monitor went away: queued requests are dropped, running programs go on
 * but their results are not sent (unless a fresh monitor's RUN joins one). */
void run_forget_monitor(struct privd *pd);

/* ---- ping.c ---- */
void ping_open_sockets(struct privd *pd);
void ping_watch(struct privd *pd);
void ping_request(struct privd *pd, const struct msg_ping *m);
void ping_forget_monitor(struct privd *pd);

/* ---- procio.c ---- */
void proc_io_request(struct privd *pd, const struct msg_proc_io *m);

/* ---- child.c: spawning and supervision ---- */
void child_init(struct privd *pd);
/* false with the `make users` sentence in why when user does not exist. */
bool privd_user_exists(const char *user, char *why, size_t whylen);
bool child_spawn_monitor(struct privd *pd);
/* Kill one child with sig (marks it killed). */
void child_kill(struct child *c, int sig);
void child_stop_all(struct privd *pd, int sig);
bool child_any_running(const struct privd *pd);
/* fork+execve path with fds[i] as descriptor 3+i (i < nfds <= 3); chfd is
 * privd's end of the child's channel.  false (logged) on failure. */
bool child_spawn(struct child *c, const char *path, char *const argv[], const int *fds,
    int nfds, int chfd);
void child_channel_close(struct child *c);
/* A child's line into the log, rate-limited per child. */
void child_log(struct child *c, enum log_level level, const char *text);
/* A child broke the protocol: log, SIGKILL, restart with backoff. */
void child_violation(struct child *c, const char *type, const char *reason);
/* Send to the monitor; a stuck monitor is killed. */
void privd_send_monitor(struct privd *pd, enum msg_type type, const void *m, int fd);

/* ---- dispatch.c ---- */
/* A child's channel is readable (or writable with a queue). */
void child_on_channel(int fd, uint32_t events, void *arg);

/* ---- web.c ---- */
void web_spawn(struct privd *pd);
/* privd_user_exists, logging the sentence when not. */
bool privd_user_ok(const char *user);

/* ---- lifecycle.c ---- */
/* stop_tfd's callback: SIGKILL children that outlived the grace time. */
void privd_stop_timeout(int fd, uint32_t events, void *arg);
void privd_reload(struct privd *pd, const char *why);
void privd_shutdown(struct privd *pd, const char *why);
/* Called when a child is gone during reload/stop. */
void privd_child_gone(struct privd *pd);
/* Called when a program ended: stopping vigild waits for the last one. */
void privd_programs_gone(struct privd *pd);

#endif
