/* Monit's HTTP API, so that Monit's own CLI (`monit status`, `summary`,
 * `report`, `restart NAME` ...), Telegraf's monit input and the Prometheus
 * exporters work against vigil unchanged, plus /metrics.
 *
 * Who: HTTP Basic credentials or a bearer token USER.PASSWORD (checked by
 * auth like a form login, the grant cached under a keyed hash: basic.h) or
 * a form session's cookie; the same
 * users, roles and scopes, and the monitor decides every action.
 * CSRF: /_doaction follows Monit's convention (its CLI sends it): a
 * "securitytoken" cookie equal to the form's "securitytoken" field, which
 * another site can neither read nor set; and a form from another Origin is
 * refused as everywhere else. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "common/util.h"
#include "common/version.h"
#include "webui/webui.h"

#define TOKEN_MIN	16
#define TOKEN_MAX	64

static const char *const api_paths[] = {
	"/_status", "/_summary", "/_report", "/_doaction", "/_runtime", "/_viewlog",
	"/metrics", "/api/status",
};

bool
webui_api_path(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(api_paths); i++)
		if (strcmp(path, api_paths[i]) == 0)
			return true;
	return false;
}

static void
send_text(struct webui *w, struct client *c, int status, const char *ctype,
    const char *extra, struct obuf *b)
{
	webui_respond(w, c, status, ctype, extra, b);
	obuf_free(b);
}

static void
api_error_hdr(struct webui *w, struct client *c, int status, const char *text,
    const char *extra)
{
	struct obuf b;
	const char *reason = http_reason(status);

	obuf_init(&b, 16 * 1024);
	obuf_addf(&b, "<html><head><title>%d %s</title></head><body><h2>%s</h2>",
	    status, reason, reason);
	obuf_html(&b, text != NULL ? text : reason);
	obuf_adds(&b, "<hr></body></html>\r\n");
	send_text(w, c, status, "text/html; charset=utf-8", extra, &b);
}

void
webui_api_error(struct webui *w, struct client *c, int status, const char *text)
{
	api_error_hdr(w, c, status, text, NULL);
}

static void
unauthorized(struct webui *w, struct client *c)
{
	api_error_hdr(w, c, 401, "You are not authorized to access vigil: give a user "
	    "and password of the control file's allow rules (HTTP Basic, or a bearer "
	    "token USER.PASSWORD)",
	    "WWW-Authenticate: Basic realm=\"vigil\", charset=\"UTF-8\"\r\n"
	    "WWW-Authenticate: Bearer realm=\"vigil\"\r\n");
}

static void end_session(const char *sid, void *arg);

struct web_session *
webui_session_open(struct webui *w, struct client *c, const struct msg_login_result *r)
{
	const char *user = r->user[0] != '\0' ? r->user : c->pending_user;
	char ended[2][MSG_SID_LEN];
	size_t n = session_make_room(&w->sessions, user, c->addr, ended);
	struct web_session *s;

	for (size_t i = 0; i < n; i++)
		end_session(ended[i], w);
	s = session_add(&w->sessions, r->sid, user, r->role, now_ms());
	if (s == NULL)
		return NULL;
	session_set_scope(s, r->nscope, r->scope);
	strlcpy_v(s->addr, c->addr, sizeof(s->addr));
	return s;
}

static void
end_session(const char *sid, void *arg)
{
	struct webui *w = arg;
	struct web_session *s = session_find(&w->sessions, sid, now_ms());
	struct msg_logout m;

	if (s != NULL)
		session_remove(s);
	if (!w->monitor_up)
		return;
	memset(&m, 0, sizeof(m));
	strlcpy_v(m.sid, sid, sizeof(m.sid));
	if (ipc_send(&w->monitor, MSG_LOGOUT, &m, -1) < 0)
		log_warn("could not tell the monitor that a Basic-auth session ended");
}

void
webui_session_end(struct webui *w, const char *sid)
{
	end_session(sid, w);
}

void
webui_api_tick(struct webui *w, uint64_t now)
{
	basic_cache_expire(&w->basic, now, end_session, w);
}

/* A session for these credentials: the cached grant, else a login at auth
 * (NULL, c waiting).  user "" asks for access without a password (host
 * rules only), cached per client address. */
static struct web_session *
grant_for(struct webui *w, struct client *c, const char *user, char *pw)
{
	struct basic_grant *g;
	struct web_session *s;
	struct msg_login m;
	uint64_t now = now_ms();

	basic_key(&w->basic, user, user[0] != '\0' ? pw : c->addr, c->pending_key);
	g = basic_lookup(&w->basic, c->pending_key, now);
	if (g != NULL && (s = session_find(&w->sessions, g->sid, now)) != NULL) {
		explicit_bzero(pw, MSG_SECRET_LEN);
		return s;
	}
	if (!w->auth_up || !bucket_take(&w->login_rate, now)) {
		explicit_bzero(pw, MSG_SECRET_LEN);
		if (w->auth_up && bucket_take(&w->netlog_rate, now))
			log_warn("too many logins: refused a Basic one from %s", c->addr);
		webui_api_error(w, c, w->auth_up ? 429 : 503, w->auth_up ?
		    "too many login attempts; try again shortly" :
		    "the authentication service is not available");
		return NULL;
	}
	memset(&m, 0, sizeof(m));
	m.req = webui_next_req(w);
	strlcpy_v(m.user, user, sizeof(m.user));
	strlcpy_v(m.password, pw, sizeof(m.password));
	strlcpy_v(m.client, c->addr, sizeof(m.client));
	strlcpy_v(c->pending_user, user, sizeof(c->pending_user));
	explicit_bzero(pw, MSG_SECRET_LEN);
	if (ipc_send(&w->auth, MSG_LOGIN, &m, -1) < 0) {
		explicit_bzero(&m, sizeof(m));
		webui_api_error(w, c, 503, "the authentication service is not available");
		return NULL;
	}
	explicit_bzero(&m, sizeof(m));
	webui_start_wait(c, PEND_BASIC, w->next_req);
	return NULL;
}

struct web_session *
webui_client_session(struct webui *w, struct client *c, const struct http_request *req,
    bool api)
{
	const char *hdr = http_header_get(req, "authorization");
	char user[MSG_USER_LEN], pw[MSG_SECRET_LEN];
	struct web_session *s;

	if (c->basic_granted) {
		c->basic_granted = false;
		s = session_find(&w->sessions, c->pending_sid, now_ms());
		if (s == NULL)
			webui_api_error(w, c, 503, "the session ended at once");
		return s;
	}
	if (c->recheck_done) {
		/* auth has just answered for this session: it goes on, or it
		 * ended and the request is one without a session. */
		c->recheck_done = false;
		s = session_find(&w->sessions, c->pending_sid, now_ms());
		if (s != NULL)
			return s;
		if (api)
			unauthorized(w, c);
		return NULL;
	}
	if (hdr == NULL) {
		s = webui_request_session(w, req);
		if (s != NULL)
			return webui_session_recheck(w, c, s);
		if (w->snap.valid && w->snap.open_access) {
			pw[0] = '\0';
			return webui_session_recheck(w, c, grant_for(w, c, "", pw));
		}
		if (api)
			unauthorized(w, c);
		return NULL;
	}
	/* A bearer token USER.PASSWORD is Basic's user and password in
	 * another header form: the same login at auth, the same grant. */
	c->pending_bearer = strncasecmp(hdr, "Bearer ", 7) == 0;
	if ((c->pending_bearer ? bearer_parse(hdr, user, pw) : basic_parse(hdr, user, pw)) < 0) {
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_warn("%s: malformed Authorization header", c->addr);
		unauthorized(w, c);
		return NULL;
	}
	return webui_session_recheck(w, c, grant_for(w, c, user, pw));
}

void
webui_api_on_login_result(struct webui *w, struct client *c, const struct msg_login_result *r)
{
	char evicted[MSG_SID_LEN];
	struct web_session *s;

	c->pending = PEND_NONE;
	if (!r->ok || !session_sid_valid(r->sid) || r->role > ROLE_MAX) {
		if (c->pending_bearer)
			w->bearer_failed++;
		else
			w->basic_failed++;
		explicit_bzero(c->in, sizeof(c->in));
		c->inlen = 0;
		if (r->ok)
			log_err("auth sent a malformed session for request %u", r->req);
		unauthorized(w, c);
		return;
	}
	s = webui_session_open(w, c, r);
	if (s == NULL) {
		explicit_bzero(c->in, sizeof(c->in));
		c->inlen = 0;
		webui_api_error(w, c, 503, "no session available");
		return;
	}
	if (c->pending_bearer)
		w->bearer_ok++;
	else
		w->basic_ok++;
	log_info("login of user '%s' from %s as %s (%s)", s->user, c->addr,
	    web_role_name((enum web_role)s->role),
	    c->pending_bearer ? "bearer token" : "HTTP Basic");
	basic_store(&w->basic, c->pending_key, r->sid, now_ms(), evicted);
	if (evicted[0] != '\0')
		end_session(evicted, w);
	/* The same request again, now with its session. */
	strlcpy_v(c->pending_sid, r->sid, sizeof(c->pending_sid));
	c->basic_granted = true;
	c->state = CL_READING;
	webui_client_input(w, c);
	c->basic_granted = false;
}

/* Parameters from the query (GET) or the form body (POST): format,
 * service (the first), action, securitytoken.  0, or an HTTP status with
 * an answer still to send. */
struct api_params {
	char format[16];
	char service[MSG_NAME_LEN];
	char action[16];
	char token[TOKEN_MAX + 1];
	size_t nservices;
};

static int
api_params(const struct http_request *req, struct api_params *p, const char **why)
{
	const uint8_t *src;
	size_t len, pos = 0;
	char name[32], value[MSG_NAME_LEN];
	int rc;

	memset(p, 0, sizeof(*p));
	if (req->method == HTTP_POST) {
		rc = webui_check_form(req, why);
		if (rc != 0)
			return rc;
		src = req->body;
		len = req->body_len;
	} else {
		src = (const uint8_t *)req->query;
		len = strlen(req->query);
	}
	while ((rc = http_form_next(src, len, &pos, name, sizeof(name), value,
	    sizeof(value))) == 1) {
		if (strcmp(name, "format") == 0) {
			strlcpy_v(p->format, value, sizeof(p->format));
		} else if (strcmp(name, "service") == 0) {
			if (value[0] == '\0') {
				*why = "an empty service name";
				return 400;
			}
			if (p->nservices++ == 0)
				strlcpy_v(p->service, value, sizeof(p->service));
		} else if (strcmp(name, "action") == 0) {
			strlcpy_v(p->action, value, sizeof(p->action));
		} else if (strcmp(name, "securitytoken") == 0) {
			if (strlen(value) > TOKEN_MAX) {
				*why = "securitytoken too long";
				return 400;
			}
			strlcpy_v(p->token, value, sizeof(p->token));
		}
		/* other names (level, ...) are Monit's too and change nothing */
	}
	if (rc < 0) {
		*why = "malformed parameters (a field without '=', a bad %-escape, "
		    "or a value too long)";
		return 400;
	}
	return 0;
}

/* Monit's CSRF convention: the securitytoken field equals the
 * securitytoken cookie, 16 to 64 letters and digits. */
static bool
security_token_ok(const struct http_request *req, const char *field)
{
	char cookie[TOKEN_MAX + 2];
	size_t n = strlen(field);

	if (n < TOKEN_MIN || n > TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((field[i] >= '0' && field[i] <= '9') || (field[i] >= 'a' && field[i] <= 'z') ||
		    (field[i] >= 'A' && field[i] <= 'Z')))
			return false;
	if (!http_cookie_get(req, "securitytoken", cookie, sizeof(cookie)))
		return false;
	return ct_streq(cookie, field);
}

/* The next service= of the /_doaction form, or the answer when none is
 * left. */
static void
doaction_next(struct webui *w, struct client *c)
{
	char name[32], value[MSG_NAME_LEN];
	int rc;

	while ((rc = http_form_next(c->job, c->job_len, &c->job_pos, name, sizeof(name),
	    value, sizeof(value))) == 1) {
		if (strcmp(name, "service") != 0)
			continue;
		if (!webui_send_action(w, c, PEND_DOACTION, value))
			webui_api_error(w, c, 503, "the monitor is not available");
		return;
	}
	free(c->job);
	c->job = NULL;
	if (rc < 0) {
		webui_api_error(w, c, 400, "malformed form");
		return;
	}
	webui_respond(w, c, 200, "text/plain; charset=utf-8", NULL, NULL);
}

void
webui_api_on_action_result(struct webui *w, struct client *c, const struct msg_action_result *r)
{
	c->pending = PEND_NONE;
	if (r->code != 200) {
		free(c->job);
		c->job = NULL;
		webui_api_error(w, c, r->code == 403 || r->code == 404 || r->code == 409 ?
		    r->code : 500, r->message[0] != '\0' ? r->message : "refused");
		return;
	}
	log_info("%s: %s %s: %s", c->addr, svc_action_name((enum svc_action)c->pending_action),
	    c->pending_service, r->message[0] != '\0' ? r->message : "done");
	doaction_next(w, c);
}

static void
handle_doaction(struct webui *w, struct client *c, const struct http_request *req,
    const struct web_session *s, const struct api_params *p)
{
	int a;

	if (!security_token_ok(req, p->token)) {
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_warn("action refused for %s: securitytoken field and cookie "
			    "missing or different", c->addr);
		webui_api_error(w, c, 403, "Invalid CSRF Token (the securitytoken field "
		    "must equal the securitytoken cookie)");
		return;
	}
	a = svc_action_parse(p->action);
	if (a < 0) {
		webui_api_error(w, c, 400, "Invalid action: give start, stop, restart, "
		    "monitor or unmonitor");
		return;
	}
	if (p->nservices == 0) {
		webui_api_error(w, c, 400, "no service= named");
		return;
	}
	if (!bucket_take(&w->action_rate, now_ms())) {
		webui_api_error(w, c, 429, "too many actions; try again shortly");
		return;
	}
	c->job = xmalloc(req->body_len + 1);
	memcpy(c->job, req->body, req->body_len);
	c->job_len = req->body_len;
	c->job_pos = 0;
	c->pending_action = (uint8_t)a;
	strlcpy_v(c->pending_sid, s->sid, sizeof(c->pending_sid));
	doaction_next(w, c);
}

/* `monit report`: how many of the services s sees are up, down,
 * initialising and not monitored. */
static void
report_text(const struct webui *w, const struct web_session *s, struct obuf *b)
{
	uint32_t up = 0, down = 0, init = 0, unmon = 0, n;
	struct snap_view vw;

	snap_view_open(&vw, &w->snap, s);
	n = vw.n;
	for (uint32_t k = 0; k < n; k++) {
		const struct msg_svc_figures *f = &snap_view_at(&vw, k)->fig;

		if (f->monitor_code == 0)
			unmon++;
		else if (f->monitor_code == 2)
			init++;
		else if (f->events != 0)
			down++;
		else
			up++;
	}
	snap_view_close(&vw);
#define PCT(x) (n > 0 ? 100.0 * (double)(x) / (double)n : 0.0)
	obuf_addf(b, "up:           %5u (%.1f%%)\n", up, PCT(up));
	obuf_addf(b, "down:         %5u (%.1f%%)\n", down, PCT(down));
	obuf_addf(b, "initialising: %5u (%.1f%%)\n", init, PCT(init));
	obuf_addf(b, "unmonitored:  %5u (%.1f%%)\n", unmon, PCT(unmon));
	obuf_addf(b, "total:        %5u services\n", n);
#undef PCT
}

static void
runtime_text(const struct webui *w, const struct web_session *s, struct obuf *b)
{
	struct snap_view vw;

	snap_view_open(&vw, &w->snap, s);
	obuf_adds(b, "vigil " VIGIL_VERSION "\n");
	if (w->snap.valid) {
		obuf_adds(b, "host:                 ");
		obuf_add(b, w->snap.host, strnlen(w->snap.host, sizeof(w->snap.host)));
		obuf_addf(b, "\nuptime:               %u s\npoll interval:        %u s\n"
		    "services:             %u\n", w->snap.uptime_s, w->snap.poll_s,
		    vw.n);
	}
	obuf_addf(b, "web interface:        port %u%s\n", w->port, w->ssl ? ", TLS" : "");
	obuf_addf(b, "requests served:      %llu\n", (unsigned long long)w->requests);
	snap_view_close(&vw);
}

void
webui_handle_api(struct webui *w, struct client *c, const struct http_request *req)
{
	const char *p = req->path, *why = "malformed request";
	struct api_params prm;
	struct web_session *s;
	struct obuf b;
	int rc;

	if (strcmp(p, "/_doaction") == 0 && req->method != HTTP_POST) {
		api_error_hdr(w, c, 405, "use POST", "Allow: POST\r\n");
		return;
	}
	if ((strcmp(p, "/metrics") == 0 || strcmp(p, "/api/status") == 0) &&
	    req->method != HTTP_GET) {
		api_error_hdr(w, c, 405, "use GET", "Allow: GET\r\n");
		return;
	}
	rc = api_params(req, &prm, &why);
	if (rc != 0) {
		webui_api_error(w, c, rc, why);
		return;
	}
	s = webui_client_session(w, c, req, true);
	if (s == NULL)
		return;		/* answered, or waiting for auth */
	if (strcmp(p, "/_doaction") == 0) {
		handle_doaction(w, c, req, s, &prm);
		return;
	}
	if (strcmp(p, "/api/status") == 0) {
		webui_api_status(w, c, s, prm.service[0] != '\0' ? prm.service : NULL);
		return;
	}
	if (strcmp(p, "/_viewlog") == 0) {
		/* Monit's log page: here the monitor's recent lines (/log). */
		webui_log_page(w, c, s, req);
		return;
	}
	obuf_init(&b, WEBUI_MAX_RESPONSE);
	if (strcmp(p, "/metrics") == 0) {
		metrics_render(w, s, &b);
		send_text(w, c, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, &b);
	} else if (strcmp(p, "/_status") == 0 && strcasecmp(prm.format, "xml") == 0) {
		monit_status_xml(w, s, &b);
		send_text(w, c, 200, "text/xml; charset=utf-8", NULL, &b);
	} else if (strcmp(p, "/_status") == 0) {
		if (prm.service[0] != '\0' && snap_find(&w->snap, s, prm.service) == NULL) {
			obuf_free(&b);
			webui_api_error(w, c, 404, "There is no service by that name");
			return;
		}
		monit_status_text(w, s, &b, prm.service[0] != '\0' ? prm.service : NULL);
		send_text(w, c, 200, "text/plain; charset=utf-8", NULL, &b);
	} else if (strcmp(p, "/_summary") == 0) {
		monit_summary_text(w, s, &b);
		send_text(w, c, 200, "text/plain; charset=utf-8", NULL, &b);
	} else if (strcmp(p, "/_report") == 0) {
		report_text(w, s, &b);
		send_text(w, c, 200, "text/plain; charset=utf-8", NULL, &b);
	} else {
		runtime_text(w, s, &b);
		send_text(w, c, 200, "text/plain; charset=utf-8", NULL, &b);
	}
}
