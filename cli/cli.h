/* vigil (the CLI): the command users type.
 *
 * It never parses the control file itself (no parser runs as the invoking
 * user's root shell): it asks vigil-monitor, which drops privileges first,
 * for syntax checks and for the control socket's path, and talks to the
 * running daemon over that socket with the typed IPC framing. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/msg.h"

#define CLI_DEFAULT_SOCKET	"/run/vigil/control.sock"
/* Longest a CLI waits for the daemon's answer: a restart may run a stop and
 * a start program, each with up to the default 30 s timeout, and more. */
#define CLI_ANSWER_TIMEOUT_MS	(300 * 1000)
/* The monitor's user when the control file does not name one. */
#define CLI_DEFAULT_MONITOR_USER	"_vigil"

enum cli_mode {
	CLI_MODE_DAEMON,	/* no action: start vigild */
	CLI_MODE_TEST,		/* -t */
	CLI_MODE_HELP,		/* -h */
	CLI_MODE_VERSION,	/* -V */
	CLI_MODE_ACTION,	/* talk to the running daemon */
	CLI_MODE_PROCMATCH,	/* procmatch REGEX: vigil-monitor lists matches */
	CLI_MODE_LOG_VERIFY,	/* log verify [FILE]: the log file's hash chain */
};

struct cli_opts {
	enum cli_mode mode;
	const char *control_file;	/* -c, NULL: search */
	const char *socket_path;	/* --socket, NULL: ask the monitor */
	const char *group;		/* -g */
	bool foreground;		/* -I */
	int verbose;			/* -v, repeatable */
	enum ctl_action action;
	const char *name;		/* service, "all", or NULL; the regex of
					 * procmatch; the word of report; the
					 * FILE of log verify */
	bool json;			/* status --json */
};

/* args.c: parse argv.  Returns 0, or -1 with a sentence in err. */
int cli_parse_args(int argc, char **argv, struct cli_opts *o, char *err,
    size_t errlen);
void cli_usage(FILE *out);
/* "status" -> CTL_STATUS ...; -1 when unknown. */
int cli_action_parse(const char *word);
const char *cli_action_name(enum ctl_action a);

/* rcfile.c: the control file when no -c was given: the first regular file
 * of the search list (~ from home; NULL home skips those entries).  Returns
 * false with the tried list in `tried` when none exists. */
bool cli_find_control_file(const char *home, char *out, size_t outlen,
    char *tried, size_t triedlen);
/* The search list itself, NULL-terminated, "~/" meaning the home dir. */
extern const char *const cli_rc_search[];

/* log_verify.c: `vigil log verify [FILE]` (FILE NULL: the log file of the
 * control file RC).  0 intact, 1 broken (the line named on err), 2 unreadable. */
int cli_log_verify(const char *file, const char *rc);
int cli_log_verify_stream(FILE *in, const char *name, FILE *out, FILE *err);

/* exec.c: locate sibling binaries. */
bool cli_find_monitor(char *out, size_t outlen);
bool cli_find_vigild(const char *argv0, char *out, size_t outlen);
/* Run argv with stdin /dev/null, capture stdout and stderr (bounded, each
 * NUL-terminated, truncated silently); returns the wait status or -1. */
int cli_run_capture(char *const argv[], char *out, size_t outlen,
    char *err, size_t errlen);

/* ctl.c: the conversation with the monitor over the control socket. */
/* Connect; returns the fd or -1 with errno set. */
int cli_ctl_connect(const char *path);
/* HELLO, one CTL_REQUEST, print every CTL_OUTPUT to out, and return the
 * exit code of CTL_DONE (its message goes to err when the code is non-zero,
 * to out otherwise).  Any protocol error prints a sentence to err and
 * returns 1. */
int cli_ctl_converse(int fd, const struct msg_ctl_request *req, FILE *out,
    FILE *err, int timeout_ms);
/* Write text with terminal control bytes made harmless. */
void cli_print_sanitized(FILE *out, const char *text);

/* peer.c: whom the CLI may talk to. */
struct cli_trust {
	uid_t self_uid;		/* the caller (euid) */
	bool have_monitor;	/* the monitor's user exists */
	uid_t monitor_uid;
	gid_t monitor_gid;
	char monitor_user[MSG_USER_LEN];
};
/* The uid and primary gid of USER; false when there is no such user. */
bool cli_monitor_ids(const char *user, uid_t *uid, gid_t *gid);
/* Every directory from the socket's up to / is owned by root, the monitor's
 * user or the caller, and nobody else can write it (above the socket's own
 * directory a sticky one may be world-writable).  False with a sentence. */
bool cli_socket_path_ok(const char *path, const struct cli_trust *t, char *err,
    size_t errlen);
/* The connected peer (SO_PEERCRED) runs as root, the monitor's user or the
 * caller.  False with a sentence. */
bool cli_peer_ok(int fd, const struct cli_trust *t, char *err, size_t errlen);

#endif
