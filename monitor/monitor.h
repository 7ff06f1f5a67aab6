/* The monitor process: core plumbing (main.c, privd client, control socket,
 * web peers, state file) and the engine (services, rules, checks).
 *
 * The core owns the event loop and every channel; the engine owns service
 * state.  They meet only through the functions below. */
#ifndef VIGIL_MONITOR_H
#define VIGIL_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/event.h"
#include "common/ipc.h"
#include "common/msg.h"
#include "monitor/config/config.h"

struct engine;
struct alerts;

struct monitor {
	struct config *cf;
	struct ev_loop *ev;
	struct ipc_channel privd;	/* fd 3 */
	struct engine *engine;
	struct alerts *alerts;		/* monitor/alert/ */
	/* `set eventqueue basedir` as the core resolved it (a directory the
	 * monitor may not write is kept under its state directory:
	 * core/paths.c); NULL without an event queue */
	const char *eventqueue_dir;
	const char *control_path;	/* -c argument */
	char hostname[256];
	uint64_t started_ms;		/* now_ms() at start */
	bool foreground;
	int verbose;
};

/* ---- provided by the core (monitor/main.c, monitor/core/) ---- */

typedef void (*run_done_cb)(const struct msg_run_result *r, void *arg);
typedef void (*ping_done_cb)(const struct msg_ping_result *r, void *arg);

/* Ask privd to run cmd (its table_id) with ctx as MONIT_* context (req and id
 * are filled in here).  done is called exactly once: with privd's result, or
 * with a synthesised failure (spawned=0) if privd is gone.  Returns 0, or -1
 * when the request could not be queued (done is not called then). */
int monitor_run(struct monitor *m, const struct command *cmd,
    const struct msg_run *ctx, run_done_cb done, void *arg);

/* Ask privd to ping; done called exactly once, as above. */
int monitor_ping(struct monitor *m, const struct msg_ping *p,
    ping_done_cb done, void *arg);

/* A process's /proc/PID/io read by privd, for one the monitor may not read
 * itself (another user's).  done is called exactly once: with the file's
 * bytes, unparsed, or "" and an errno (EPIPE when privd is gone).  Requests
 * of one cycle leave together.  Returns 0, or -1 when not queued. */
typedef void (*proc_io_done_cb)(const char *text, int error, void *arg);
int monitor_proc_io(struct monitor *m, pid_t pid, proc_io_done_cb done, void *arg);

/* The engine changed something worth saving or showing: the core saves the
 * state file (debounced) and pushes a snapshot to the web interface. */
void monitor_changed(struct monitor *m);

/* ---- provided by the alerts (monitor/alert/) ---- */

enum alert_state {
	ALERT_FAILED,		/* "Does not exist" */
	ALERT_SUCCEEDED,	/* "Exists" (recovery) */
	ALERT_CHANGED,		/* "Checksum changed", "Action done", instance */
	ALERT_STILL_FAILED,	/* a cycle later, still failed: reminders only */
};

struct alert_event {
	const struct service *svc;	/* NULL: the monitor itself */
	const char *service;		/* $SERVICE */
	const struct test *test;	/* the rule's test, or NULL */
	const char *kind;		/* filter name ("action", "instance"); NULL:
					 * derived from test */
	enum alert_state state;
	const char *event;		/* $EVENT: "Does not exist" */
	const char *action;		/* $ACTION: "restart" */
	const char *description;	/* $DESCRIPTION */
	uint32_t failed_cycles;		/* ALERT_STILL_FAILED: cycles since it failed */
};

/* An event happened: mail the recipients that want it (queued, never
 * blocking).  Ignored before alert_start(); safe when mail is off. */
void monitor_alert(struct monitor *m, const struct alert_event *ev);
/* Who did or tried what: a web login, a CLI or web action, a refusal.
 * An "access" event (vigil's extension to Monit's event names), mailed
 * only to recipients whose filter names it: `only on { access }`. */
void monitor_access(struct monitor *m, const char *service, const char *action,
    bool refused, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Load the event queue and deliver what waits (after the sandbox). */
void alert_start(struct monitor *m);
void alert_stop(struct monitor *m);
/* `-t` and start-up: say on out (NULL: the log) when the event queue
 * directory dir (as the core resolved `set eventqueue basedir`) cannot be
 * used by this process's user, with the fix.  False then. */
bool alert_check_queue_dir(const struct config *cf, const char *dir,
    FILE *out);

/* ---- provided by the engine (monitor/engine/, monitor/checks/) ---- */

/* Build runtime state for every service of m->cf.  No I/O yet. */
struct engine *engine_new(struct monitor *m);
void engine_free(struct engine *e);
/* The monitor is ending (reload, shutdown, privd gone): requests still in
 * flight will get no answer that matters, and are not failures of their
 * programs, which privd still runs and reaps.  Their callbacks, called by
 * the core with a synthesised "privd is gone", then do nothing. */
void engine_orphan_requests(struct engine *e);
/* Arm the poll cycle (after the start delay), open pidfds, run the first
 * cycle.  Called once the sandbox is complete. */
void engine_start(struct engine *e);

/* An action asked for by a person (CLI or web) on one service.  Returns 0 on
 * success, 404 for an unknown service, 409 when it cannot be done now; msg
 * gets a sentence for the user. */
int engine_action(struct engine *e, const char *service, enum svc_action a,
    char *msg, size_t msglen);

/* `vigil validate`: check every service now, as a scheduled cycle would. */
void engine_validate(struct engine *e);

size_t engine_nservices(const struct engine *e);
/* Service i (file order) as the web page and CLI show it. */
void engine_snapshot(const struct engine *e, size_t i, struct msg_snapshot_service *out);
/* Index of a service by name, or -1. */
int engine_find(const struct engine *e, const char *name);
/* Groups of service i ("group" statements), NULL-terminated. */
char *const *engine_groups(const struct engine *e, size_t i, size_t *n);

/* Text for the CLI: `vigil status` (summary=false) or `vigil summary`, for
 * one service (name) or all (name NULL or "all").  Writes at most cap-1
 * bytes plus NUL, returns the length it wanted (like snprintf). */
size_t engine_format_status(const struct engine *e, const char *name,
    bool summary, char *buf, size_t cap);
/* `vigil procmatch REGEX` (monitor/checks/procmatch.c): the processes a
 * "matching REGEX" sees, Monit's layout; 0, or 1 for a bad pattern. */
int procmatch_print(const char *regex, FILE *out);

/* `vigil status --json`: the same fields as JSON (docs/status.schema.json),
 * for one service (name) or all; same buffer contract. */
size_t engine_format_status_json(const struct engine *e, const char *name,
    char *buf, size_t cap);
/* The object of service i alone (a member of that document's "services"),
 * as the snapshot carries it to the web interface; same buffer contract. */
size_t engine_format_service_json(const struct engine *e, size_t i, char *buf, size_t cap);
/* Its first fields only (name, type, status, state, monitoring, on reboot),
 * for an object too large to send: at most a few KiB. */
size_t engine_format_service_json_brief(const struct engine *e, size_t i, char *buf,
    size_t cap);
/* `vigil report [up|down|initializing|unmonitored|total]`: Monit's counts.
 * engine_report_kind: 0 for the whole report (NULL or ""), 1..5 for a word,
 * -1 for an unknown word. */
int engine_report_kind(const char *word);
size_t engine_format_report(const struct engine *e, const char *which, char *buf,
    size_t cap);

/* Persistent state: the engine serialises what must survive a restart
 * (monitoring mode, learned checksums, counters) into an opaque record; the
 * core wraps it in the versioned, checksummed state file (state.c). */
size_t engine_state_encode(const struct engine *e, uint8_t *buf, size_t cap);
/* Apply a record read back; false when it is malformed (it is then ignored
 * and reported, never trusted). */
bool engine_state_decode(struct engine *e, const uint8_t *buf, size_t len);

#endif
