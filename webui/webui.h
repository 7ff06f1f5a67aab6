/* vigil-webui: state shared by the server loop (server.c), the pages
 * (pages.c), snapshots (snapshot.c), TLS (tls.c) and the drop (drop.c). */
#ifndef VIGIL_WEBUI_WEBUI_H
#define VIGIL_WEBUI_WEBUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "common/event.h"
#include "common/ipc.h"
#include "webui/allow.h"
#include "webui/basic.h"
#include "webui/history.h"
#include "webui/html.h"
#include "webui/http.h"
#include "webui/ratelimit.h"
#include "webui/session.h"

#define WEBUI_SESSION_COOKIE		"vigil_session"
#define WEBUI_MAX_CLIENTS		256
#define WEBUI_MAX_PER_ADDR		16	/* one address cannot take every slot */
/* A whole request (TLS handshake included) within 5 s of the connect, and
 * the first byte of it within 2 s: a slowloris client or an idle socket
 * holds a slot for seconds, not minutes (server.c also ends the longest-idle
 * unfinished connection of the largest crowd when a newcomer needs room). */
#define WEBUI_HEADER_TIMEOUT_MS		5000
#define WEBUI_FIRST_BYTE_MS		2000
#define WEBUI_IDLE_TIMEOUT_MS		30000
/* Requests one connection may carry (HTTP keep-alive); between two, the
 * connection is unfinished again: the next request's first byte within
 * WEBUI_FIRST_BYTE_MS, all of it within WEBUI_HEADER_TIMEOUT_MS, and the
 * first to go when a newcomer needs room. */
#define WEBUI_KEEPALIVE_MAX		1000
#define WEBUI_PENDING_TIMEOUT_MS	5000
/* A session's user is asked about at auth again (locked, removed from the
 * group...) on a request at least this long after the last check. */
#define WEBUI_RECHECK_MS		5000
#define WEBUI_MAX_RESPONSE		(8u << 20)	/* per client; a status page is 153 B a service */
#define SNAPSHOT_MAX_SERVICES		100000u
/* Below auth's and the monitor's IPC limits (200/s, burst 1000). */
#define WEBUI_LOGIN_RATE		20	/* per second */
#define WEBUI_LOGIN_BURST		40
#define WEBUI_ACTION_RATE		50
#define WEBUI_ACTION_BURST		100
#define WEBUI_NETLOG_RATE		10	/* log lines caused by clients */
#define WEBUI_NETLOG_BURST		50

struct snap_service {
	char *name, *type, *status, *monitor, *detail;
	char *json;			/* its object of `vigil status --json` */
	size_t json_len;
	struct msg_snapshot_point *pts;	/* graph points new to us, oldest first */
	uint16_t npts;
	uint32_t pid;
	uint64_t uptime_s;
	struct msg_svc_figures fig;
};

struct snapshot {
	bool valid;			/* complete (END seen) */
	uint32_t gen;
	uint32_t count;
	uint32_t have;			/* SERVICE messages received so far */
	uint64_t time;
	char host[MSG_NAME_LEN];
	uint32_t uptime_s;
	uint32_t poll_s;
	bool open_access;		/* host rules only: no login (Monit) */
	struct snap_service *svc;
};

enum client_state {
	CL_HANDSHAKE,		/* TLS handshake in progress */
	CL_READING,		/* reading the request */
	CL_WAITING,		/* waiting for auth or the monitor */
	CL_WRITING,		/* sending the response, then close */
};

enum pending_kind {
	PEND_NONE = 0,
	PEND_LOGIN,
	PEND_ACTION,
	PEND_BASIC,		/* Basic credentials at auth; c->in kept until then */
	PEND_DOACTION,		/* Monit's /_doaction: one service after another */
	PEND_RECHECK,		/* the session's user at auth again; c->in kept */
};

struct client {
	struct webui *owner;
	int fd;				/* -1 in tests that drive pages directly */
	SSL *ssl;
	char addr[MSG_SHORT_LEN];	/* printable client address */
	bool forbidden;			/* not in the allow list: 403 */
	enum client_state state;
	uint8_t in[HTTP_MAX_HEAD + HTTP_MAX_BODY];
	size_t inlen;
	int status;			/* of the response, for the log */
	bool keep_alive;		/* after this response, read the next request */
	uint32_t served;		/* requests answered on this connection */
	struct obuf out;
	size_t outpos;
	uint64_t accepted_ms;
	uint64_t last_ms;
	enum pending_kind pending;
	uint32_t pending_req;
	uint64_t pending_deadline;
	char pending_user[MSG_USER_LEN];
	char pending_sid[MSG_SID_LEN];
	char pending_service[MSG_NAME_LEN];
	uint8_t pending_action;
	uint8_t pending_key[BASIC_KEY_LEN];	/* PEND_BASIC: the cache key */
	bool basic_granted;		/* the rerun after PEND_BASIC: pending_sid */
	bool pending_bearer;		/* PEND_BASIC: the credentials were a bearer token */
	bool recheck_done;		/* the rerun after PEND_RECHECK: pending_sid */
	/* PEND_DOACTION: a copy of the form (no credentials in it) and where
	 * the next service= field starts */
	uint8_t *job;
	size_t job_len, job_pos;
};

#define WEBUI_LOG_LINES		200	/* the log view's ring */

struct logview_line {
	char *text;			/* heap; NULL: empty slot */
	uint64_t time;
	uint8_t level;
};

struct logview {
	struct logview_line line[WEBUI_LOG_LINES];
	size_t next, n;
	uint64_t last_seq;
};

struct webui_options {
	const char *user;
	const char *chroot_dir;
	const char *address;		/* NULL: all addresses */
	uint16_t port;
	bool ssl;
	const char *pemfile;
	const char *clientpem;
	bool allow_self_signed;		/* allowselfcertification */
	bool signature;
	const char *allow[MSG_SCOPE_MAX];
	size_t nallow;
	int verbose;
};

struct webui {
	struct ev_loop *ev;
	struct ipc_channel privd, monitor, auth;
	bool monitor_up, auth_up;
	SSL_CTX *ssl_ctx;		/* NULL: plain HTTP */
	bool signature;
	struct allow_list allow;
	struct session_table sessions;
	struct snapshot snap;		/* latest complete generation */
	struct snapshot building;	/* generation being received */
	struct history history;		/* graphs: recent figures per service */
	/* The status page's tables, the same for every user: made once per
	 * snapshot (status_page.c), dropped when the next one is complete. */
	struct obuf status_tables;
	bool status_tables_valid;
	struct logview logview;		/* the monitor's recent log lines */
	struct client *clients[WEBUI_MAX_CLIENTS];
	size_t nclients;
	int listen_fd;
	int timer_fd;
	uint32_t next_req;
	int exit_code;
	struct bucket login_rate;
	struct bucket action_rate;
	struct bucket netlog_rate;	/* lines a client can cause */
	struct basic_cache basic;	/* Basic-auth grants (basic.h) */
	/* what Monit's XML and /metrics tell about the web side */
	uint16_t port;
	bool ssl;
	char address[MSG_SHORT_LEN];
	char sysname[MSG_SHORT_LEN], release[MSG_SHORT_LEN], machine[MSG_SHORT_LEN];
	uint32_t ncpu;
	uint64_t logins_ok, logins_failed, basic_ok, basic_failed, bearer_ok, bearer_failed;
	uint64_t requests;
	uint64_t evicted;		/* unfinished connections ended for room */
	uint64_t revoked;		/* sessions ended by a check at auth */
};

/* ---- options.c: the command line (0, or -1 with err set) ---- */
int webui_parse_args(int argc, char **argv, struct webui_options *o, char *err,
    size_t errlen);

/* ---- drop.c: acquire, chroot, drop, no-new-privs, seccomp ---- */
/* Everything main() does before reading any untrusted byte: bind and listen,
 * TLS keys, allow-list names, time-zone data; then the drop sequence of
 * DESIGN.md ending with seccomp_policy_webui.  Fatal on any failure. */
void webui_sandbox_apply(struct webui *w, const struct webui_options *o);

/* ---- tls.c ---- */
/* OpenSSL with its configuration, before the chroot. */
void tls_init(void);
/* A server context from pemfile (certificate chain and key; a regular file
 * that neither group nor others may use, as Monit demands), requiring
 * client certificates that verify against clientpem when it is set; a
 * self-signed client certificate only with allow_self_signed (and then
 * only one listed in clientpem).  NULL (err set) on failure. */
SSL_CTX *tls_server_ctx(const char *pemfile, const char *clientpem, bool allow_self_signed,
    char *err, size_t errlen);
enum tls_io {
	TLS_IO_DONE,
	TLS_IO_WANT_READ,
	TLS_IO_WANT_WRITE,
	TLS_IO_EOF,
	TLS_IO_ERROR,
};
enum tls_io tls_io_status(SSL *ssl, int ret);

/* ---- server.c: the loop ---- */
void webui_init(struct webui *w);
/* Channels on the fixed descriptors, HELLO on each, the listener and the
 * housekeeping timer in the loop. */
void webui_start(struct webui *w);
/* A response in c->out is ready: start writing it. */
void webui_client_respond(struct webui *w, struct client *c);
/* NULL when the table is full or addr already has WEBUI_MAX_PER_ADDR. */
struct client *webui_client_new(struct webui *w, int fd, const char *addr);
void webui_client_free(struct webui *w, struct client *c);
/* Input on a client: parse what came and answer when a request is whole. */
void webui_client_input(struct webui *w, struct client *c);
/* One IPC message from a peer (exposed for tests). */
void webui_ipc_message(struct webui *w, struct ipc_channel *ch,
    const struct ipc_msg *m);
/* Ask the loop to drain queued IPC sends. */
void webui_flush_channels(struct webui *w);
/* Housekeeping: header and idle timeouts, pending replies, sessions. */
void webui_tick(struct webui *w, uint64_t now);

/* ---- pages.c: requests to responses ---- */
/* An HTML page around the caller's body: head, style, meta refresh every
 * refresh_s seconds (0: none); the footer; sent as text/html (b freed). */
void webui_page_begin(struct obuf *b, const char *title, uint32_t refresh_s);
void webui_page_end(struct obuf *b);
void webui_send_html(struct webui *w, struct client *c, int status, const char *extra,
    struct obuf *b);
void webui_handle_request(struct webui *w, struct client *c,
    const struct http_request *req);
/* A complete response with the security headers; extra_headers is a block
 * of "Name: value\r\n" lines or NULL. */
void webui_respond(struct webui *w, struct client *c, int status,
    const char *ctype, const char *extra_headers, const struct obuf *body);
/* An error page for a status (parser errors, 403 of the allow list). */
void webui_respond_error(struct webui *w, struct client *c, int status,
    const char *text);
/* A form POST's content type and Origin (another site's: 403): 0, or the
 * status to answer with *why set.  The body is the caller's to parse. */
int webui_check_form(const struct http_request *req, const char **why);
void webui_on_login_result(struct webui *w, const struct msg_login_result *r);
void webui_on_action_result(struct webui *w, const struct msg_action_result *r);
/* The form session named by the request's cookie, or NULL. */
struct web_session *webui_request_session(struct webui *w, const struct http_request *req);
/* A fresh request number for auth or the monitor (never 0). */
uint32_t webui_next_req(struct webui *w);
/* c waits (WEBUI_PENDING_TIMEOUT_MS at most) for reply req of this kind. */
void webui_start_wait(struct client *c, enum pending_kind kind, uint32_t req);
/* Ask the monitor for c->pending_action on service for session
 * c->pending_sid; c waits (kind).  False when the monitor is not there. */
bool webui_send_action(struct webui *w, struct client *c, enum pending_kind kind,
    const char *service);
/* The client waiting for reply req of this kind, or NULL. */
struct client *webui_find_pending(struct webui *w, enum pending_kind kind, uint32_t req);
/* The reply from auth or the monitor did not come in time. */
void webui_pending_expired(struct webui *w, struct client *c);

/* ---- status_page.c: the status page and the page of one service ---- */
void webui_status_page(struct webui *w, struct client *c, struct web_session *s);
void webui_service_page(struct webui *w, struct client *c, struct web_session *s,
    const char *name);
/* Is action a shown to s on service v: in the role, in the scope, and
 * meaningful for the type and state? */
bool webui_may_act(const struct web_session *s, const struct snap_service *v,
    enum svc_action a);

/* ---- monit_api.c: Monit's HTTP API and Basic auth ---- */
/* Is this one of Monit's endpoints (/_status, /_summary, /_report,
 * /_doaction, /_runtime, /_viewlog), /metrics or /api/status? */
bool webui_api_path(const char *path);
void webui_handle_api(struct webui *w, struct client *c, const struct http_request *req);
/* Replies for PEND_BASIC and PEND_DOACTION clients. */
void webui_api_on_login_result(struct webui *w, struct client *c,
    const struct msg_login_result *r);
void webui_api_on_action_result(struct webui *w, struct client *c,
    const struct msg_action_result *r);
/* An error in Monit's shape ("<h2>Reason</h2>text<hr>"), which its CLI
 * reads and prints. */
void webui_api_error(struct webui *w, struct client *c, int status, const char *text);
/* The session auth granted in r, for c's client: room made first (per
 * user and per address caps, the sessions ended told to the monitor), the
 * scope and address kept.  NULL without randomness. */
struct web_session *webui_session_open(struct webui *w, struct client *c,
    const struct msg_login_result *r);
/* The session of a request: the grant auth just gave this very request,
 * a form session's cookie, HTTP Basic credentials, or (host rules only) the
 * client's address; a cached grant, else a login at auth (NULL with c
 * waiting).  NULL otherwise: for the API with 401 sent, for the pages with
 * nothing sent (they show the login page).  NULL with an answer sent when
 * c->state is CL_WRITING. */
struct web_session *webui_client_session(struct webui *w, struct client *c,
    const struct http_request *req, bool api);
/* End a session here and in the monitor. */
void webui_session_end(struct webui *w, const char *sid);
/* Sessions of expired Basic grants end (housekeeping). */
void webui_api_tick(struct webui *w, uint64_t now);

/* ---- log_page.c: the log view ---- */
void logview_on_line(struct webui *w, const struct msg_snapshot_log *m);
void logview_free(struct logview *lv);
void webui_log_page(struct webui *w, struct client *c, struct web_session *s,
    const struct http_request *req);
/* status_page.c: the head every logged-in page shares, and the refresh
 * period (the poll cycle) */
void webui_page_head(struct obuf *b, const struct webui *w, struct web_session *s);
uint32_t webui_refresh_of(const struct webui *w);

/* ---- recheck.c: revocation ---- */
/* s, or NULL with c waiting for auth (PEND_RECHECK) when s was last checked
 * WEBUI_RECHECK_MS ago or more (or NULL with a 503 sent without auth). */
struct web_session *webui_session_recheck(struct webui *w, struct client *c,
    struct web_session *s);
void webui_on_session_check(struct webui *w, const struct msg_session_check_result *r);

/* ---- monit_xml.c: the documents of /_status ---- */
/* Each shows only the services s may see (scope.c). */
void monit_status_xml(const struct webui *w, const struct web_session *s, struct obuf *b);
/* `monit status [NAME]` text (name NULL: all) and `monit summary`. */
void monit_status_text(const struct webui *w, const struct web_session *s, struct obuf *b,
    const char *name);
void monit_summary_text(const struct webui *w, const struct web_session *s, struct obuf *b);
/* "Process", "File", ... as Monit titles the types. */
const char *snap_type_title(const struct snap_service *v);
/* The figures of the (first) system service, NULL without one. */
const struct msg_svc_figures *snap_system(const struct snapshot *sn);
/* "1.6 MB", "512 B"; "3d 2h 1m", "5m". */
void fmt_size(char *out, size_t len, uint64_t bytes);
void fmt_duration(char *out, size_t len, uint64_t s);

/* ---- metrics.c: GET /metrics ---- */
/* The services s may see (scope.c), and the web side's own figures. */
void metrics_render(const struct webui *w, const struct web_session *s, struct obuf *b);

/* ---- snapshot.c ---- */
void snapshot_clear(struct snapshot *s);
void snapshot_on_begin(struct webui *w, const struct msg_snapshot_begin *b);
void snapshot_on_service(struct webui *w, const struct msg_snapshot_service *s);
void snapshot_on_json(struct webui *w, const struct msg_snapshot_json *j);
void snapshot_on_point(struct webui *w, const struct msg_snapshot_point *p);
void snapshot_on_end(struct webui *w, const struct msg_snapshot_end *e);

/* ---- scope.c: the services a session may see ---- */
/* The services of sn that s may see, in the snapshot's order: n of them,
 * the k-th snap_view_at(vw, k).  s NULL (the web side's own use) or
 * without a scope: every service, nothing allocated. */
struct snap_view {
	const struct snapshot *sn;
	uint32_t *idx;			/* into sn->svc; NULL: all of them */
	uint32_t n;
};
void snap_view_open(struct snap_view *vw, const struct snapshot *sn,
    const struct web_session *s);
void snap_view_close(struct snap_view *vw);
const struct snap_service *snap_view_at(const struct snap_view *vw, uint32_t k);
/* The service of that name if s may see it: NULL alike for a name that
 * does not exist and for one outside the scope. */
const struct snap_service *snap_find(const struct snapshot *sn,
    const struct web_session *s, const char *name);

/* ---- api_status.c: GET /api/status ---- */
/* `vigil status --json` for the services in s's scope (all, or the one
 * named: 404 when not there for s). */
void webui_api_status(struct webui *w, struct client *c, const struct web_session *s,
    const char *service);

#endif
