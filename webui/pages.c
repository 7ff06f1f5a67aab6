/* Requests to responses: routing, the login and status pages, actions,
 * logout and the JSON API.  Every value that is not a literal here is
 * escaped on output (obuf_html / obuf_json_str). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "common/version.h"
#include "webui/webui.h"

#define COOKIE_NAME	WEBUI_SESSION_COOKIE
/* The login form's pre-session token (double submit): see form_origin(). */
#define LOGIN_COOKIE	"vigil_login"

static const char security_headers[] =
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'\r\n"
    "X-Frame-Options: DENY\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    /* same-origin, not no-referrer: under no-referrer a browser sends
     * "Origin: null" with every form POST, which form_origin() can only
     * accept with a token (SECURITY.md, "Origin of form POSTs"). */
    "Referrer-Policy: same-origin\r\n"
    "Cache-Control: no-store\r\n";

void
webui_respond(struct webui *w, struct client *c, int status, const char *ctype,
    const char *extra_headers, const struct obuf *body)
{
	char date[64];
	struct tm tm;
	time_t t = time(NULL);

	if (body != NULL && body->failed) {
		log_err("response for %s grew past %u bytes: sending 500", c->addr,
		    WEBUI_MAX_RESPONSE);
		webui_respond(w, c, 500, "text/plain; charset=utf-8", NULL, NULL);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	obuf_reset(&c->out);
	obuf_addf(&c->out, "HTTP/1.1 %d %s\r\n", status, http_reason(status));
	obuf_addf(&c->out, "Date: %s\r\n", date);
	if (w->signature)
		obuf_adds(&c->out, "Server: vigil\r\n");
	obuf_adds(&c->out, security_headers);
	if (w->ssl_ctx != NULL)
		/* Over TLS: browsers keep to https for a year (no includeSubDomains:
		 * vigil speaks for its own port only). */
		obuf_adds(&c->out, "Strict-Transport-Security: max-age=31536000\r\n");
	if (ctype != NULL)
		obuf_addf(&c->out, "Content-Type: %s\r\n", ctype);
	obuf_addf(&c->out, "Content-Length: %zu\r\n", body != NULL ? body->len : 0);
	obuf_adds(&c->out, c->keep_alive ? "Connection: keep-alive\r\n" :
	    "Connection: close\r\n");
	if (extra_headers != NULL)
		obuf_adds(&c->out, extra_headers);
	obuf_adds(&c->out, "\r\n");
	if (body != NULL)
		obuf_add(&c->out, body->data, body->len);
	c->status = status;
	webui_client_respond(w, c);
}

void
webui_page_begin(struct obuf *b, const char *title, uint32_t refresh_s)
{
	obuf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
	if (refresh_s > 0)
		obuf_addf(b, "<meta http-equiv=\"refresh\" content=\"%u\">", refresh_s);
	obuf_adds(b, "<title>vigil: ");
	obuf_html(b, title);
	obuf_adds(b, "</title><style>"
	    "body{font-family:sans-serif;margin:2em}"
	    "table{border-collapse:collapse;margin-bottom:1em}"
	    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
	    "form.a{display:inline}"
	    ".flash{background:#eef;padding:.5em}"
	    ".err{background:#fee;padding:.5em}"
	    ".ok{color:#070}.fail{color:#c00;font-weight:bold}.off{color:#777}.init{color:#06c}"
	    "small{color:#555}h1 a{color:inherit;text-decoration:none}"
	    "</style></head><body>\n");
}

void
webui_page_end(struct obuf *b)
{
	obuf_adds(b, "<p><small>vigil " VIGIL_VERSION "</small></p></body></html>\n");
}

void
webui_send_html(struct webui *w, struct client *c, int status, const char *extra,
    struct obuf *b)
{
	webui_respond(w, c, status, "text/html; charset=utf-8", extra, b);
	obuf_free(b);
}

static void
respond_error_hdr(struct webui *w, struct client *c, int status, const char *text,
    const char *extra)
{
	struct obuf b;
	char title[64];

	snprintf(title, sizeof(title), "%d %s", status, http_reason(status));
	obuf_init(&b, 64 * 1024);
	webui_page_begin(&b, title, 0);
	obuf_adds(&b, "<h1>");
	obuf_html(&b, title);
	obuf_adds(&b, "</h1>\n");
	if (text != NULL) {
		obuf_adds(&b, "<p class=\"err\">");
		obuf_html(&b, text);
		obuf_adds(&b, "</p>\n");
	}
	obuf_adds(&b, "<p><a href=\"/\">Back</a></p>\n");
	webui_page_end(&b);
	webui_send_html(w, c, status, extra, &b);
}

void
webui_respond_error(struct webui *w, struct client *c, int status, const char *text)
{
	respond_error_hdr(w, c, status, text, NULL);
}

/* The login token of this browser: the one its vigil_login cookie carries
 * (so two open login tabs both work), else a fresh one.  *fresh: a cookie
 * must be set. */
static bool
login_token(const struct http_request *req, char out[CSRF_LEN + 1], bool *fresh)
{
	*fresh = false;
	if (req != NULL && http_cookie_get(req, LOGIN_COOKIE, out, CSRF_LEN + 1) &&
	    csrf_token_valid(out))
		return true;
	*fresh = true;
	return csrf_token_new(out);
}

static void
send_login_page(struct webui *w, struct client *c, const struct http_request *req,
    int status, const char *msg)
{
	struct obuf b;
	char tok[CSRF_LEN + 1], hdr[192];
	bool fresh;

	if (!login_token(req, tok, &fresh)) {
		webui_respond_error(w, c, 503, "no randomness for the login form");
		return;
	}
	hdr[0] = '\0';
	if (fresh)
		snprintf(hdr, sizeof(hdr), "Set-Cookie: " LOGIN_COOKIE "=%s; HttpOnly; "
		    "SameSite=Strict; Path=/%s\r\n", tok, w->ssl_ctx != NULL ? "; Secure" : "");
	obuf_init(&b, 64 * 1024);
	webui_page_begin(&b, "login", 0);
	obuf_adds(&b, "<h1>vigil</h1>\n");
	if (msg != NULL) {
		obuf_adds(&b, "<p class=\"err\">");
		obuf_html(&b, msg);
		obuf_adds(&b, "</p>\n");
	}
	obuf_addf(&b, "<form method=\"post\" action=\"/login\">"
	    "<input type=\"hidden\" name=\"login_token\" value=\"%s\">"
	    "<p><label>User <input name=\"user\" autocomplete=\"username\" "
	    "maxlength=\"63\" required></label></p>"
	    "<p><label>Password <input type=\"password\" name=\"password\" "
	    "autocomplete=\"current-password\" maxlength=\"255\" required></label></p>"
	    "<p><button type=\"submit\">Log in</button></p></form>\n", tok);
	webui_page_end(&b);
	webui_send_html(w, c, status, hdr[0] != '\0' ? hdr : NULL, &b);
}

struct web_session *
webui_request_session(struct webui *w, const struct http_request *req)
{
	char sid[MSG_SID_LEN];

	if (!http_cookie_get(req, COOKIE_NAME, sid, sizeof(sid)) ||
	    !session_sid_valid(sid))
		return NULL;
	return session_find(&w->sessions, sid, now_ms());
}

/* Where a form POST says it came from (its Origin header).
 *
 * Browsers send Origin with every POST.  Same-origin forms carry this
 * host's origin because the pages say "Referrer-Policy: same-origin"; a
 * page under "no-referrer", a sandboxed frame or a privacy setting makes
 * it "null", which an attacker's page can produce as well.  So: another
 * origin is refused outright; "null" (like no Origin at all, as curl and
 * scripts send) is accepted only where a token proves the form was ours:
 * the session's CSRF token for actions and logout (always required), the
 * login form's pre-session token for a login (a cookie that SameSite=Strict
 * keeps off cross-site requests, echoed in the form). */
enum form_origin {
	ORIGIN_ABSENT,
	ORIGIN_SAME,
	ORIGIN_NULL,
	ORIGIN_OTHER,
};

static enum form_origin
form_origin(const struct http_request *req)
{
	const char *origin = http_header_get(req, "origin");
	const char *host = http_header_get(req, "host");
	const char *o;

	if (origin == NULL)
		return ORIGIN_ABSENT;
	if (strcmp(origin, "null") == 0)
		return ORIGIN_NULL;
	o = origin;
	if (strncmp(o, "https://", 8) == 0)
		o += 8;
	else if (strncmp(o, "http://", 7) == 0)
		o += 7;
	else
		return ORIGIN_OTHER;
	if (host == NULL || strcasecmp(o, host) != 0)
		return ORIGIN_OTHER;
	return ORIGIN_SAME;
}

int
webui_check_form(const struct http_request *req, const char **why)
{
	const char *ct = http_header_get(req, "content-type");
	static const char want[] = "application/x-www-form-urlencoded";

	if (ct == NULL || strncasecmp(ct, want, sizeof(want) - 1) != 0 ||
	    (ct[sizeof(want) - 1] != '\0' && ct[sizeof(want) - 1] != ';')) {
		*why = "a form must be sent as application/x-www-form-urlencoded";
		return 415;
	}
	if (form_origin(req) == ORIGIN_OTHER) {
		*why = "this form came from another site (its Origin is not this host)";
		return 403;
	}
	return 0;
}

/* A form POST: webui_check_form, then a well-formed body.  0, or the
 * status to answer with *why set. */
static int
read_form(const struct http_request *req, struct http_form *f, const char **why)
{
	int rc = webui_check_form(req, why);

	if (rc != 0)
		return rc;
	if (http_form_parse(req->body, req->body_len, f) < 0) {
		*why = "malformed form";
		return 400;
	}
	return 0;
}

/* A login whose Origin is "null" must carry the login form's token, equal
 * to the vigil_login cookie of the same browser. */
static bool
login_token_ok(const struct http_request *req, const struct http_form *f)
{
	char cookie[CSRF_LEN + 2];
	const char *field = http_form_get(f, "login_token");

	if (form_origin(req) != ORIGIN_NULL)
		return true;
	return field != NULL && http_cookie_get(req, LOGIN_COOKIE, cookie, sizeof(cookie)) &&
	    csrf_token_valid(cookie) && ct_streq(field, cookie);
}

uint32_t
webui_next_req(struct webui *w)
{
	if (++w->next_req == 0)
		w->next_req = 1;
	return w->next_req;
}

void
webui_start_wait(struct client *c, enum pending_kind kind, uint32_t req)
{
	c->pending = kind;
	c->pending_req = req;
	c->pending_deadline = now_ms() + WEBUI_PENDING_TIMEOUT_MS;
	c->state = CL_WAITING;
}

static void
handle_login(struct webui *w, struct client *c, const struct http_request *req)
{
	struct http_form f;
	struct msg_login m;
	const char *user, *pw, *why = NULL;
	int rc = read_form(req, &f, &why);

	if (rc != 0) {
		explicit_bzero(&f, sizeof(f));
		webui_respond_error(w, c, rc, why);
		return;
	}
	if (!login_token_ok(req, &f)) {
		explicit_bzero(&f, sizeof(f));
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_warn("login refused for %s: Origin null without the login "
			    "form's token", c->addr);
		webui_respond_error(w, c, 403, "this login did not come from vigil's "
		    "login form (Origin null and no matching login token): reload the page");
		return;
	}
	user = http_form_get(&f, "user");
	pw = http_form_get(&f, "password");
	if (user == NULL || pw == NULL || user[0] == '\0') {
		explicit_bzero(&f, sizeof(f));
		send_login_page(w, c, req, 400, "Enter a user name and a password.");
		return;
	}
	if (strlen(user) >= MSG_USER_LEN || strlen(pw) >= MSG_SECRET_LEN) {
		log_warn("login failed for user '%.63s' from %s: name or password too long",
		    user, c->addr);
		explicit_bzero(&f, sizeof(f));
		send_login_page(w, c, req, 401, "Login failed.");
		return;
	}
	if (!w->auth_up) {
		explicit_bzero(&f, sizeof(f));
		webui_respond_error(w, c, 503, "the authentication service is not available");
		return;
	}
	if (!bucket_take(&w->login_rate, now_ms())) {
		explicit_bzero(&f, sizeof(f));
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_warn("too many logins: refused one from %s", c->addr);
		webui_respond_error(w, c, 429, "too many login attempts; try again shortly");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.req = webui_next_req(w);
	strlcpy_v(m.user, user, sizeof(m.user));
	strlcpy_v(m.password, pw, sizeof(m.password));
	strlcpy_v(m.client, c->addr, sizeof(m.client));
	strlcpy_v(c->pending_user, user, sizeof(c->pending_user));
	explicit_bzero(&f, sizeof(f));
	rc = ipc_send(&w->auth, MSG_LOGIN, &m, -1);
	explicit_bzero(&m, sizeof(m));
	if (rc < 0) {
		webui_respond_error(w, c, 503, "the authentication service is not available");
		return;
	}
	webui_start_wait(c, PEND_LOGIN, w->next_req);
}

static void
handle_action(struct webui *w, struct client *c, const struct http_request *req)
{
	struct web_session *s = webui_client_session(w, c, req, false);
	struct http_form f;
	const char *csrf, *service, *action, *why = NULL;
	int a, rc;

	if (s == NULL) {
		if (c->state == CL_READING)
			webui_respond_error(w, c, 403, "log in first");
		return;
	}
	rc = read_form(req, &f, &why);
	if (rc != 0) {
		webui_respond_error(w, c, rc, why);
		return;
	}
	csrf = http_form_get(&f, "csrf");
	if (csrf == NULL || !ct_streq(csrf, s->csrf)) {
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_warn("action refused for %s: missing or wrong CSRF token", c->addr);
		webui_respond_error(w, c, 403, "invalid or missing CSRF token");
		return;
	}
	service = http_form_get(&f, "service");
	action = http_form_get(&f, "action");
	a = action != NULL ? svc_action_parse(action) : -1;
	if (service == NULL || service[0] == '\0' || strlen(service) >= MSG_NAME_LEN ||
	    a < 0) {
		webui_respond_error(w, c, 400, "unknown service or action");
		return;
	}
	if (!w->monitor_up) {
		webui_respond_error(w, c, 503, "the monitor is not available");
		return;
	}
	if (!bucket_take(&w->action_rate, now_ms())) {
		webui_respond_error(w, c, 429, "too many actions; try again shortly");
		return;
	}
	strlcpy_v(c->pending_sid, s->sid, sizeof(c->pending_sid));
	c->pending_action = (uint8_t)a;
	if (!webui_send_action(w, c, PEND_ACTION, service))
		webui_respond_error(w, c, 503, "the monitor is not available");
}

bool
webui_send_action(struct webui *w, struct client *c, enum pending_kind kind,
    const char *service)
{
	struct msg_action_request m;

	memset(&m, 0, sizeof(m));
	m.req = webui_next_req(w);
	strlcpy_v(m.sid, c->pending_sid, sizeof(m.sid));
	strlcpy_v(m.service, service, sizeof(m.service));
	m.action = c->pending_action;
	if (!w->monitor_up || ipc_send(&w->monitor, MSG_ACTION_REQUEST, &m, -1) < 0)
		return false;
	strlcpy_v(c->pending_service, service, sizeof(c->pending_service));
	webui_start_wait(c, kind, m.req);
	return true;
}

static const char clear_cookie[] =
    "Set-Cookie: " COOKIE_NAME "=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/\r\n"
    "Location: /\r\n";

static void
handle_logout(struct webui *w, struct client *c, const struct http_request *req)
{
	struct web_session *s = webui_client_session(w, c, req, false);
	struct http_form f;
	const char *csrf, *why = NULL;
	int rc;

	if (s == NULL) {
		if (c->state == CL_READING)
			webui_respond(w, c, 303, NULL, clear_cookie, NULL);
		return;
	}
	rc = read_form(req, &f, &why);
	if (rc != 0) {
		webui_respond_error(w, c, rc, why);
		return;
	}
	csrf = http_form_get(&f, "csrf");
	if (csrf == NULL || !ct_streq(csrf, s->csrf)) {
		log_warn("logout refused for %s: missing or wrong CSRF token", c->addr);
		webui_respond_error(w, c, 403, "invalid or missing CSRF token");
		return;
	}
	if (w->monitor_up) {
		struct msg_logout m;

		memset(&m, 0, sizeof(m));
		strlcpy_v(m.sid, s->sid, sizeof(m.sid));
		if (ipc_send(&w->monitor, MSG_LOGOUT, &m, -1) < 0)
			log_warn("could not tell the monitor about a logout");
	}
	log_info("logout of user '%s' from %s", s->user, c->addr);
	session_remove(s);
	webui_respond(w, c, 303, NULL, clear_cookie, NULL);
}

static void
method_not_allowed(struct webui *w, struct client *c, const char *allow)
{
	char hdr[64];

	snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
	respond_error_hdr(w, c, 405, NULL, hdr);
}

void
webui_handle_request(struct webui *w, struct client *c, const struct http_request *req)
{
	const char *p = req->path;
	bool get = req->method == HTTP_GET;

	if (c->forbidden) {
		webui_respond_error(w, c, 403, "your address may not use this interface");
		return;
	}
	if (strcmp(p, "/") == 0) {
		struct web_session *s;

		if (!get) {
			method_not_allowed(w, c, "GET");
			return;
		}
		s = webui_client_session(w, c, req, false);
		if (s != NULL)
			webui_status_page(w, c, s);
		else if (c->state == CL_READING)
			send_login_page(w, c, req, 200, NULL);
	} else if (strncmp(p, "/service/", 9) == 0 && p[9] != '\0') {
		struct web_session *s;

		if (!get) {
			method_not_allowed(w, c, "GET");
			return;
		}
		s = webui_client_session(w, c, req, false);
		if (s != NULL)
			webui_service_page(w, c, s, p + 9);
		else if (c->state == CL_READING)
			webui_respond(w, c, 303, NULL, "Location: /\r\n", NULL);
	} else if (strcmp(p, "/log") == 0) {
		struct web_session *s;

		if (!get) {
			method_not_allowed(w, c, "GET");
			return;
		}
		s = webui_client_session(w, c, req, false);
		if (s != NULL)
			webui_log_page(w, c, s, req);
		else if (c->state == CL_READING)
			webui_respond(w, c, 303, NULL, "Location: /\r\n", NULL);
	} else if (strcmp(p, "/login") == 0) {
		if (get)
			webui_respond(w, c, 303, NULL, "Location: /\r\n", NULL);
		else
			handle_login(w, c, req);
	} else if (strcmp(p, "/action") == 0) {
		if (get)
			method_not_allowed(w, c, "POST");
		else
			handle_action(w, c, req);
	} else if (strcmp(p, "/logout") == 0) {
		if (get)
			method_not_allowed(w, c, "POST");
		else
			handle_logout(w, c, req);
	} else if (webui_api_path(p)) {
		webui_handle_api(w, c, req);
	} else {
		webui_respond_error(w, c, 404, "no such page");
	}
}

struct client *
webui_find_pending(struct webui *w, enum pending_kind kind, uint32_t req)
{
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++) {
		struct client *c = w->clients[i];

		if (c != NULL && c->state == CL_WAITING && c->pending == kind &&
		    c->pending_req == req)
			return c;
	}
	return NULL;
}

void
webui_on_login_result(struct webui *w, const struct msg_login_result *r)
{
	struct client *c = webui_find_pending(w, PEND_LOGIN, r->req);
	struct web_session *s;
	char hdr[256];

	if (c == NULL && (c = webui_find_pending(w, PEND_BASIC, r->req)) != NULL) {
		webui_api_on_login_result(w, c, r);
		return;
	}
	if (c == NULL) {
		log_info("login reply %u came after its client left", r->req);
		return;
	}
	c->pending = PEND_NONE;
	if (!r->ok) {
		w->logins_failed++;
		/* auth, which decided, has logged the failure with this address */
		send_login_page(w, c, NULL, 401, "Login failed.");
		return;
	}
	if (!session_sid_valid(r->sid) || r->role > ROLE_MAX) {
		log_err("auth sent a malformed session for request %u", r->req);
		webui_respond_error(w, c, 500, "malformed session from the authentication service");
		return;
	}
	s = webui_session_open(w, c, r);
	if (s == NULL) {
		webui_respond_error(w, c, 503, "no session available");
		return;
	}
	w->logins_ok++;
	log_info("login of user '%s' from %s as %s", s->user, c->addr,
	    web_role_name((enum web_role)s->role));
	snprintf(hdr, sizeof(hdr), "Set-Cookie: " COOKIE_NAME "=%s; HttpOnly; "
	    "SameSite=Strict; Path=/%s\r\nLocation: /\r\n", s->sid,
	    w->ssl_ctx != NULL ? "; Secure" : "");
	webui_respond(w, c, 303, NULL, hdr, NULL);
}

void
webui_on_action_result(struct webui *w, const struct msg_action_result *r)
{
	struct client *c = webui_find_pending(w, PEND_ACTION, r->req);
	struct web_session *s;

	if (c == NULL && (c = webui_find_pending(w, PEND_DOACTION, r->req)) != NULL) {
		webui_api_on_action_result(w, c, r);
		return;
	}
	if (c == NULL) {
		log_info("action reply %u came after its client left", r->req);
		return;
	}
	c->pending = PEND_NONE;
	switch (r->code) {
	case 200:
		s = session_find(&w->sessions, c->pending_sid, now_ms());
		if (s != NULL)
			snprintf(s->flash, sizeof(s->flash), "%s %s: %s",
			    svc_action_name((enum svc_action)c->pending_action),
			    c->pending_service, r->message[0] != '\0' ? r->message : "done");
		{
			/* back to the page of the service, where the buttons are */
			struct obuf loc;

			obuf_init(&loc, 4 * MSG_NAME_LEN);
			obuf_adds(&loc, "Location: /service/");
			obuf_url(&loc, c->pending_service);
			obuf_adds(&loc, "\r\n");
			webui_respond(w, c, 303, NULL, loc.failed ? "Location: /\r\n" : loc.data,
			    NULL);
			obuf_free(&loc);
		}
		break;
	case 403:
	case 404:
	case 409:
		webui_respond_error(w, c, r->code, r->message);
		break;
	default:
		log_warn("monitor answered action %u with code %u", r->req, r->code);
		webui_respond_error(w, c, 500, r->message);
	}
}

void
webui_pending_expired(struct webui *w, struct client *c)
{
	bool api = c->pending == PEND_BASIC || c->pending == PEND_DOACTION;
	const char *who = c->pending == PEND_LOGIN || c->pending == PEND_BASIC ||
	    c->pending == PEND_RECHECK ? "authentication service" : "monitor";
	char text[128];

	log_warn("no reply from the %s for %s within %d ms", who, c->addr,
	    WEBUI_PENDING_TIMEOUT_MS);
	if (c->pending == PEND_BASIC || c->pending == PEND_RECHECK) {
		explicit_bzero(c->in, sizeof(c->in));
		c->inlen = 0;
	}
	c->pending = PEND_NONE;
	snprintf(text, sizeof(text), "the %s did not answer in time", who);
	if (api)
		webui_api_error(w, c, 503, text);
	else
		webui_respond_error(w, c, 503, text);
}
