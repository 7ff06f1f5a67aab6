/* The engine's types and functions (monitor/engine/), and the entry points of
 * the checks (monitor/checks/) that the engine calls.  The checks include this
 * for the types and report through svc_test_result and the few functions under
 * "actions.c" below; the engine never includes a header of monitor/checks/,
 * and the core never includes this (it reaches the engine through
 * monitor/monitor.h). */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "common/file_stamp.h"
#include "monitor/monitor.h"

/* ---- rules.c: the sliding window of one rule ---- */

#define RULE_HIST_MAX 64

struct rulewin {
	uint64_t hist;		/* bit i: the result i evaluations ago (1 failed) */
	uint32_t n;		/* results recorded, saturates at RULE_HIST_MAX */
	bool failed;		/* the rule fired and has not recovered yet */
};

enum rule_event {
	RULE_OK,		/* not failed, still not failed */
	RULE_FAILED,		/* just fired */
	RULE_STILL_FAILED,
	RULE_SUCCEEDED,		/* just recovered */
};

/* Record one result and say what happened to the rule. */
enum rule_event rule_step(struct rulewin *w, const struct rule_actions *ra,
    bool failed);
/* A rule without a cycle count may act on an immediate (event) evaluation. */
bool rule_is_immediate(const struct rule_actions *ra);
/* Failures among the last `within` results. */
int rule_count_failed(const struct rulewin *w, int within);

/* ---- proc.c: the process table ---- */

/* A process's real and effective ids (/proc/PID/status "Uid:", "Gid:"). */
struct proc_ids {
	uid_t uid, euid;
	gid_t gid, egid;
};
/* A process's I/O counters (/proc/PID/io), same rule as the descriptors. */
struct proc_io {
	uint64_t rchar, wchar;		/* bytes through read/write calls */
	uint64_t syscr, syscw;		/* read/write calls */
	uint64_t read_bytes, write_bytes;	/* bytes from/to storage */
};

struct proc_entry {
	pid_t pid, ppid;
	char state;
	uint64_t ticks;		/* utime + stime */
	uint64_t start_ticks;	/* since boot */
	uint64_t rss_bytes;
	uint32_t threads;
	char *cmdline;		/* read only when some service matches; NUL-free */
	/* derived */
	uint32_t children;	/* all descendants */
	uint64_t total_rss;	/* self + descendants */
	uint64_t total_ticks;
	/* What a process service shows beyond stat, read at most once per
	 * table (per cycle) by the first service watching this pid
	 * (check_process.c). */
	bool extras_read;
	bool have_ids, have_io;
	long fds;
	struct proc_ids ids;
	struct proc_io io;
};

struct proc_table {
	struct proc_entry *p;	/* sorted by pid */
	size_t n;
	uint64_t taken_ms;
};

/* Read /proc once (with cmdlines when want_cmdline). */
void proc_table_read(struct proc_table *t, bool want_cmdline);
void proc_table_clear(struct proc_table *t);
const struct proc_entry *proc_table_find(const struct proc_table *t, pid_t pid);
/* Parse a pid file's content: optional blanks, decimal 1..PID_MAX, optional
 * blanks/newline, nothing else.  Returns the pid or -1. */
pid_t pidfile_parse(const char *buf, size_t len);
/* Read and parse a pid file (bounded, O_NOFOLLOW not required: root writes
 * pidfiles where symlinks are common); -1 when missing or malformed. */
pid_t pidfile_read(const char *path);
/* True when /proc/PID exists and the process is not a zombie. */
bool proc_alive(pid_t pid, uint64_t *start_ticks);
/* Read one process's entry without the whole table. */
bool proc_read_one(pid_t pid, struct proc_entry *out);
/* The parsers behind them, from buffers (fuzzed: tests/fuzz/fuzz_proc.c).
 * /proc/PID/stat text (NUL-terminated) into pe's pid-independent fields: */
bool proc_parse_stat(const char *buf, struct proc_entry *pe);
/* /proc/PID/cmdline's n raw bytes as one line (NULs become spaces,
 * trailing spaces go); NULL when empty.  Caller frees. */
char *proc_cmdline_text(const char *raw, size_t n);
/* System-wide figures. */
struct sys_stat {
	uint64_t mem_total, mem_avail, swap_total, swap_free;	/* bytes */
	double load[3];
	uint64_t cpu_user, cpu_system, cpu_wait, cpu_total;	/* jiffies */
	uint64_t boot_time;	/* unix seconds */
	uint64_t fd_used, fd_max;	/* /proc/sys/fs/file-nr, 0 unknown */
};
bool sys_stat_read(struct sys_stat *s);
/* The same from the NUL-terminated texts of /proc/loadavg, meminfo, stat. */
bool sys_stat_parse(const char *loadavg, const char *meminfo, const char *stat,
    struct sys_stat *s);
long proc_clk_tck(void);
/* Seconds since boot (/proc/uptime), 0 when unknown. */
uint64_t sys_uptime_s(void);
/* The same from /proc/PID/status's text. */
bool proc_status_ids(const char *buf, struct proc_ids *ids);
bool proc_read_ids(pid_t pid, struct proc_ids *ids);
/* Open descriptors of a process; -1 when not allowed (another user's
 * process needs ptrace rights the monitor does not have). */
long proc_count_fds(pid_t pid);
/* A process's soft limit of open files (/proc/PID/limits), -1 unknown. */
long proc_fd_limit(pid_t pid);
bool proc_io_parse(const char *buf, struct proc_io *io);
bool proc_read_io(pid_t pid, struct proc_io *io);

/* ---- requests to privd that outlive nothing ----
 * A RUN or PING answer may come after the engine was freed (reload,
 * shutdown): each request is linked here and orphaned by engine_free. */
struct pending {
	struct pending *prev, *next;
	struct svc *s;		/* NULL once orphaned */
};

struct engine;
struct svc;
void pending_add(struct engine *e, struct pending *p, struct svc *s);
/* Unlink p; returns its service, or NULL when the engine is gone. */
struct svc *pending_take(struct pending *p);

/* ---- per service runtime ---- */

enum mon_state { MON_NOT = 0, MON_YES = 1, MON_INIT = 2 };

struct netcheck;
struct hashjob;
struct checksum_memo;
struct pidfile_memo;
struct net_history;

/* ---- check_filesystem.c: mounts and block device statistics ---- */

/* One line of /proc/self/mountinfo, pointing into the line it was parsed
 * from (escapes undone). */
struct mount_entry {
	dev_t dev;
	char *mountpoint, *options, *fstype, *source;
	const char *super;
};
struct fs_mount {
	char mountpoint[1024];
	char fstype[64];
	char source[256];
	char options[256];	/* per-mount options: "rw,nosuid,relatime" */
	dev_t dev;
};
/* Counters of /sys/dev/block/MAJ:MIN/stat. */
struct disk_io {
	uint64_t read_ops, read_bytes, read_ms;
	uint64_t write_ops, write_bytes, write_ms;
};
/* What a filesystem service last saw (allocated for filesystems only). */
struct fs_status {
	struct fs_mount mount;
	char flags_learned[256];	/* "changed fsflags": the options seen first */
	bool have_mount, have_usage;
	uint64_t block_size;
	uint64_t space_total, space_free, space_avail;	/* bytes */
	uint64_t inodes_total, inodes_free, inodes_avail;
	bool have_io;		/* rates below are from two samples */
	double read_bps, read_ops, write_bps, write_ops, service_ms;
	double read_ms_per_op, write_ms_per_op;
	struct disk_io prev;
	uint64_t prev_ms;
	bool have_prev;
};
/* Parse one mountinfo line in place; false when malformed. */
bool mountinfo_parse_line(char *line, struct mount_entry *m);
/* The mount a filesystem path names (mount point, directory or device). */
bool fs_lookup(const char *path, struct fs_mount *out);
/* Parse the counters of a block device's stat file. */
bool diskstat_parse(const char *buf, struct disk_io *io);

struct test_state {
	const struct test *t;	/* config, or engine-owned implicit test */
	struct rulewin win;
	bool last_failed;	/* result of the last evaluation */
	uint32_t failed_cycles;	/* scheduled cycles since it failed (reminders) */
	char *desc;		/* the last result's description, exact size: ts_desc() */
	uint64_t response_us;	/* connection test or ping: the last success's time */
	char learned[129];	/* learned checksum (hex) */
	int64_t learned_num;	/* learned value of "changed" tests */
	bool have_learned_num;
	struct netcheck *nc;	/* connection test in flight */
	struct hashjob *hj;	/* checksum of a big file in progress */
	struct checksum_memo *memo;	/* checksum: the last sum and the file it was of */
	bool pending;		/* ping in flight */
	uint32_t gen;		/* drops results of a cancelled ping */
	struct sockaddr_storage addr;	/* connection target, resolved once */
	socklen_t addrlen;
	bool have_addr;
	int64_t owner_id;	/* uid/gid test: resolved owner, -1 unknown */
	void **re;		/* content match: compiled patterns (pcre2_code *) */
	size_t nre;
	struct svc *svc;
};

/* Descriptions are at most TEST_DESC_MAX - 1 bytes, kept at their length
 * (most are under 80) and replaced only when they change. */
#define TEST_DESC_MAX 256
static inline const char *
ts_desc(const struct test_state *ts)
{
	return ts->desc != NULL ? ts->desc : "";
}

enum svc_busy { BUSY_NONE, BUSY_START, BUSY_STOP, BUSY_RESTART_STOP, BUSY_EXEC };

struct svc {
	struct engine *e;
	const struct service *cf;
	size_t index;
	enum mon_state monitor;
	enum monitor_mode mode;
	/* tests: ts[0] may be the implicit existence test of a process */
	struct test_state *ts;
	size_t nts;
	uint64_t cycles_seen;	/* scheduled cycles while monitored */
	/* Scheduled cycles in which the service was checked, not waiting on
	 * its own start or stop: Monit's cycles, which stand still while a
	 * start program runs.  Restart limits count in these. */
	uint64_t cycles_checked;
	/* process */
	pid_t pid;
	pid_t ppid;
	uint64_t start_ticks;
	int pidfd;
	void *match_code;	/* pcre2_code * */
	uint64_t last_ticks, last_ms;
	uint32_t cpu_permille, total_cpu_permille;
	uint64_t mem_bytes, total_mem_bytes;
	uint32_t children, threads;
	uint64_t uptime_s;
	uint64_t last_total_ticks;
	struct proc_ids ids;
	bool have_ids;
	long fds;		/* -1 unknown */
	bool have_io;		/* io is this cycle's; rates need two */
	bool have_io_rate;
	bool io_by_privd;	/* another user's: privd reads /proc/PID/io */
	bool io_pending;	/* ... and a request is in flight */
	struct proc_io io;	/* totals of /proc/PID/io */
	double io_read_bps, io_write_bps;	/* storage */
	double io_rchar_bps, io_wchar_bps, io_syscr_ps, io_syscw_ps;
	uint64_t io_ms;
	/* an action in flight */
	enum svc_busy busy;
	uint64_t busy_deadline_ms;
	uint32_t run_token;	/* tells a stale program result from the current */
	unsigned execs_running;	/* "exec" actions in flight */
	/* Actions waiting for the one in flight (action_queue.c) */
	struct queued_action *queue_head, *queue_tail;
	unsigned queue_len;
	bool queue_draining;
	/* DEPENDENCIES: a dependant stopped while its dependency (re)starts
	 * waits for it (held); the dependency waits for its dependants' stop
	 * programs before its own start (after_dependants). */
	bool held;
	struct queued_action *after_dependants;	/* a start or restart */
	/* every "cron": the minute (unix time / 60) of the last check */
	int64_t cron_minute;
	bool warned_nostart;	/* "no start program" said once */
	bool program_running;	/* "check program": the program in flight */
	bool restart_prog;	/* BUSY_START runs the restart program */
	int last_status;	/* "check program": last exit status */
	bool have_status;
	int wait_tfd;		/* polls for the pid after a start */
	bool stop_then_unmonitor;
	/* restart history: cycle numbers of recent (re)starts, allocated at the
	 * first (most services never restart: 512 bytes each saved) */
	uint64_t *restarts;
	size_t nrestarts;
	uint64_t restart_count;
	int quick_deaths;	/* deaths in a row soon after starting */
	uint64_t attached_ms;	/* when the pidfd was opened */
	int retry_tfd;		/* back-off timer of a crash loop */
	bool retry_armed, retry_due;
	pid_t pre_start_pid;	/* the pid file's pid before a start */
	struct pidfile_memo *pidfile_memo;	/* the pid file as last read */
	/* host */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool have_addr;
	/* network */
	uint64_t net_rx, net_tx, net_speed, net_ms;
	uint64_t net_rx_packets, net_tx_packets;
	struct net_history *net_hist;	/* only with "total" tests */
	bool net_up;
	double net_rx_bps, net_tx_bps, net_rx_pps, net_tx_pps;
	/* file, fifo, directory, filesystem: what the last stat() saw */
	struct file_info {
		bool have;
		uint32_t mode;	/* permission bits */
		uint32_t uid, gid;
		uint64_t size;
		int64_t atime, ctime, mtime;
	} fi;
	/* filesystem */
	struct fs_status *fs;
	/* program: the last run's output (first line, bounded), or NULL */
	char *last_output;
	/* file */
	int inotify_wd;
	uint64_t content_offset;	/* content tests: bytes already read */
	uint64_t content_inode;	/* a rotated file starts over */
	bool content_have_offset;
	/* status */
	bool exec_failed;
	bool exec_alerted;	/* "Execution failed" mailed, not yet recovered */
	char status[MSG_NAME_LEN];
	uint64_t last_checked;	/* unix seconds */
};

struct engine {
	struct monitor *m;
	struct svc *s;
	size_t n;
	struct proc_table procs;
	bool want_cmdline;
	bool want_procs;	/* some service is a process: read the table */
	int cycle_tfd;
	int inotify_fd;
	uint64_t cycle;		/* scheduled cycles so far */
	bool started;
	/* previous /proc/stat for system cpu deltas */
	struct sys_stat sys_prev;
	bool have_sys_prev;
	struct sys_stat sys;
	long ncpu;		/* CPUs online, read once per cycle, not per process */
	double sys_cpu_user, sys_cpu_system, sys_cpu_wait;	/* percent */
	struct pending pending;	/* list head of requests in flight */
	/* check_filesystem.c: this cycle's mount table, shared by every
	 * filesystem service */
	struct fs_table *fs_table;
};

/* actions.c */
/* What a check may ask of the rest of the monitor: it never talks to the
 * core (privd, sockets) itself.  svc_changed: status and state worth
 * showing and saving; engine_run_program and engine_ping: privd's work,
 * with done called exactly once as monitor_run and monitor_ping say. */
void svc_changed(struct svc *s);
int engine_run_program(struct svc *s, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg);
int engine_ping(struct svc *s, const struct msg_ping *p, ping_done_cb done,
    void *arg);
int engine_proc_io(struct svc *s, pid_t pid, proc_io_done_cb done, void *arg);
bool svc_depends_on(const struct svc *s, const struct svc *on);
void svc_unmonitor(struct svc *s, bool dependants);
void svc_monitor(struct svc *s);
void do_action(struct svc *s, struct test_state *ts, const struct action *a,
    const char *event, const char *desc);
/* Run what an action asks now (the service is free for it). */
void action_perform(struct svc *s, enum action_kind kind,
    const struct command *exec, const char *event, const char *desc);
void svc_start(struct svc *s, const char *event, const char *desc);
void svc_stop(struct svc *s, bool unmonitor, const char *event, const char *desc);
void svc_restart(struct svc *s, const char *event, const char *desc);
const char *action_name(enum action_kind k);

/* action_queue.c: actions that arrive while the service is busy wait, in
 * order, per service; none is lost below ACTION_QUEUE_MAX. */
#define ACTION_QUEUE_MAX 32
#define EXEC_PARALLEL_MAX 8	/* execs of one service running at once */
struct queued_action;
/* True when kind can run now rather than wait. */
bool action_can_run(const struct svc *s, enum action_kind kind);
void action_enqueue(struct svc *s, enum action_kind kind,
    const struct command *exec, const char *event, const char *desc);
/* Run what waits while the service is free for it (call when an action
 * ends). */
void action_queue_drain(struct svc *s);
/* Monitoring ended: starts, stops and restarts still queued are dropped
 * (said in the log); execs still run. */
void action_queue_unmonitored(struct svc *s);
void action_queue_free(struct svc *s);
/* s waits to (re)start until its dependants' stop programs are done. */
void after_dependants_set(struct svc *s, enum action_kind kind,
    const char *event, const char *desc);
/* A stop ended: start what waited for it. */
void after_dependants_resume(struct engine *e);
/* True while a service depending on s (at any depth) runs its stop. */
bool dependants_stopping(const struct svc *s);

/* events.c: tell the alerts (monitor_alert) what a rule step means. */
void svc_alert_rule(struct svc *s, struct test_state *ts, enum rule_event ev,
    bool scheduled);
void svc_alert_action(struct svc *s, const char *action);
/* A program vigil ran failed ("Execution failed"), or a start worked again
 * after one had failed ("Execution succeeded"). */
void svc_alert_exec(struct svc *s, bool failed, const char *why);

/* cycle.c */
void svc_check(struct svc *s, bool scheduled);
/* Run one scheduled cycle now (tests). */
void engine_run_cycle(struct engine *e);
/* CPUs online into e->ncpu (sysconf reads /sys: once per cycle). */
void engine_read_ncpu(struct engine *e);

/* test_result.c */
/* Forget a crash loop's back-off (a person acted, or the process lived). */
void svc_retry_reset(struct svc *s);
#define QUICK_DEATH_MS 2000
void svc_test_result(struct svc *s, struct test_state *ts, bool failed,
    bool scheduled, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void svc_update_status(struct svc *s);
/* Why the service fails: the description of its first failing test, ""
 * when none fails or while it is unmonitored or a start/stop is pending
 * (read live, not copied: a kilobyte a service saved). */
const char *svc_detail(const struct svc *s);

/* engine.c */
struct svc *engine_svc_by_name(struct engine *e, const char *name);

/* test_names.c */
const char *test_event_name(const struct test *t, bool failed);
const char *cmp_op_str(enum cmp_op op);
void resource_describe(const struct test *t, int64_t have, char *buf, size_t len);
bool cmp_check(enum cmp_op op, int64_t have, int64_t limit);

/* check_process.c */
void check_process(struct svc *s, bool scheduled);
void process_attach(struct svc *s, pid_t pid);
void process_detach(struct svc *s);
pid_t process_find(struct svc *s, bool fresh_table);
/* The directory of s's pid file saw a write: while s starts, look for its
 * process now (actions.c). */
void start_wait_pidfile_written(struct svc *s);
bool process_match_compile(struct svc *s);
void process_match_free(struct svc *s);
/* First process whose command line matches (the oldest of a tree). */
pid_t process_match_in(const struct proc_table *t, const void *code, pid_t self);

/* check_file.c */
void check_file(struct svc *s, bool scheduled);
void hashjob_cancel(struct test_state *ts);
void checksum_memo_free(struct test_state *ts);
/* Hex digest of a file, streamed; false on error (errno set). */
bool file_digest(const char *path, enum hash_type h, char *hex, size_t hexlen);

/* file_stamp.c: in common/file_stamp.h */

/* check_content.c */
/* All content tests of a file service at once, on what was appended. */
void check_content(struct svc *s, const struct stat *st, bool scheduled);
void content_free(struct test_state *ts);
/* One content test as content_scan sees it. */
struct content_rule {
	void *const *re;	/* pcre2_code *: a line matches when any does */
	size_t nre;
	bool match_not;
	bool ignore;		/* "ignore [not] match": selected lines are skipped */
	unsigned hits;		/* out: lines selected */
	char hit[256];		/* out: the first of them (if rules only) */
};
size_t content_scan(struct content_rule *rules, size_t nrules, const char *buf,
    size_t len);

/* check_filesystem.c: space, inodes, flags, I/O rates of a filesystem (st:
 * what check_file's stat of the path saw) */
void check_filesystem(struct svc *s, const struct stat *st, bool scheduled);
/* The mount table cached for one cycle (engine_free). */
void fs_table_free(struct engine *e);

/* check_net.c */
void check_connection(struct svc *s, struct test_state *ts,
    const struct sockaddr *host, socklen_t hostlen);
void netcheck_cancel(struct test_state *ts);
bool net_resolve(const char *host, int port, int ipversion, int socktype,
    struct sockaddr_storage *ss, socklen_t *len);

/* check_host.c */
void check_host(struct svc *s, bool scheduled);

/* cron.c: 1 when tm matches "min hour dom mon dow", 0 when not, -1 when
 * the specification is malformed. */
struct tm;
int cron_match(const char *spec, const struct tm *tm);

/* check_program.c */
void check_program(struct svc *s, bool scheduled);

/* check_network.c */
void check_network(struct svc *s, bool scheduled);

/* check_system.c */
void check_system(struct svc *s, bool scheduled);

/* status.c */
const char *svc_type_title(enum service_type t);
const char *svc_monitor_name(enum mon_state m);

#endif
