/* The event loop of vigil-webui: the listening socket, client connections
 * (plain or TLS, non-blocking, one request each), the channels to privd,
 * the monitor and auth, and a one-second housekeeping timer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "webui/webui.h"

static void client_event(int fd, uint32_t events, void *arg);

void
webui_init(struct webui *w)
{
	memset(w, 0, sizeof(*w));
	w->listen_fd = -1;
	w->timer_fd = -1;
	w->privd.fd = -1;
	w->monitor.fd = -1;
	w->auth.fd = -1;
	w->signature = true;
	obuf_init(&w->status_tables, WEBUI_MAX_RESPONSE);
	w->ev = ev_new();
	bucket_init(&w->login_rate, WEBUI_LOGIN_RATE, WEBUI_LOGIN_BURST, now_ms());
	bucket_init(&w->action_rate, WEBUI_ACTION_RATE, WEBUI_ACTION_BURST, now_ms());
	bucket_init(&w->netlog_rate, WEBUI_NETLOG_RATE, WEBUI_NETLOG_BURST, now_ms());
	if (!basic_cache_init(&w->basic))
		log_warn("no randomness for the Basic-auth cache: every Basic request "
		    "goes to auth");
}

/* A connection that has not yet sent a whole request: the only kind a
 * newcomer may push out.  One whose request is complete (a logged-in user's
 * page, a login being checked, a response being written) is never ended
 * for room, so people who get a request through are served. */
static bool
client_evictable(const struct client *c)
{
	return c->state == CL_HANDSHAKE || c->state == CL_READING;
}

/* How many connections come from each address, by a small open hash over
 * the table (O(n) per accept, n <= WEBUI_MAX_CLIENTS). */
struct addr_count {
	const char *addr;
	unsigned n;
};

static unsigned
addr_slot(struct addr_count *t, size_t len, const char *addr)
{
	uint32_t h = 2166136261u;

	for (const char *p = addr; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (size_t i = h % len;; i = (i + 1) % len)
		if (t[i].addr == NULL || strcmp(t[i].addr, addr) == 0) {
			t[i].addr = addr;
			return (unsigned)i;
		}
}

/* The connection to end for a newcomer from addr, or none:
 *  - addr at its cap: its own longest-idle unfinished connection;
 *  - table full: the longest-idle unfinished connection of the address
 *    holding the most connections, so that one crowd (a slowloris client,
 *    a flood of idle sockets) pays for its own excess and a user with one
 *    connection is the last to go. */
static size_t
pick_victim(struct webui *w, const char *addr, bool own_address_only)
{
	static struct addr_count counts[WEBUI_MAX_CLIENTS * 2];
	size_t victim = WEBUI_MAX_CLIENTS;
	unsigned best_n = 0;
	uint64_t best_idle = UINT64_MAX;

	memset(counts, 0, sizeof(counts));
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++)
		if (w->clients[i] != NULL)
			counts[addr_slot(counts, ARRAY_SIZE(counts), w->clients[i]->addr)].n++;
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++) {
		struct client *c = w->clients[i];
		unsigned n;

		if (c == NULL || !client_evictable(c))
			continue;
		if (own_address_only && strcmp(c->addr, addr) != 0)
			continue;
		n = counts[addr_slot(counts, ARRAY_SIZE(counts), c->addr)].n;
		if (n > best_n || (n == best_n && c->last_ms < best_idle)) {
			victim = i;
			best_n = n;
			best_idle = c->last_ms;
		}
	}
	return victim;
}

struct client *
webui_client_new(struct webui *w, int fd, const char *addr)
{
	struct client *c;
	size_t slot = WEBUI_MAX_CLIENTS, same = 0;

	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++) {
		if (w->clients[i] == NULL) {
			if (slot == WEBUI_MAX_CLIENTS)
				slot = i;
		} else if (strcmp(w->clients[i]->addr, addr) == 0) {
			same++;
		}
	}
	if (same >= WEBUI_MAX_PER_ADDR || slot == WEBUI_MAX_CLIENTS) {
		size_t v = pick_victim(w, addr, same >= WEBUI_MAX_PER_ADDR);

		if (v == WEBUI_MAX_CLIENTS)
			return NULL;	/* every one is busy with a whole request */
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_info("%s: unfinished request ended for room (%s connects; "
			    "%zu connections)", w->clients[v]->addr, addr, w->nclients);
		w->evicted++;
		webui_client_free(w, w->clients[v]);
		slot = v;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->owner = w;
	strlcpy_v(c->addr, addr, sizeof(c->addr));
	obuf_init(&c->out, WEBUI_MAX_RESPONSE + 4096);
	c->state = CL_READING;
	c->accepted_ms = c->last_ms = now_ms();
	w->clients[slot] = c;
	w->nclients++;
	return c;
}

void
webui_client_free(struct webui *w, struct client *c)
{
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++)
		if (w->clients[i] == c) {
			w->clients[i] = NULL;
			w->nclients--;
		}
	if (c->fd >= 0)
		ev_del(w->ev, c->fd);
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	explicit_bzero(c->in, sizeof(c->in));
	obuf_free(&c->out);
	free(c->job);
	free(c);
}

/* Bytes in: > 0, or -1 with *st saying why not. */
static ssize_t
client_recv(struct client *c, void *buf, size_t len, enum tls_io *st)
{
	ssize_t n;

	if (c->ssl != NULL) {
		int r = SSL_read(c->ssl, buf, (int)len);

		if (r > 0)
			return r;
		*st = tls_io_status(c->ssl, r);
		return -1;
	}
	for (;;) {
		n = recv(c->fd, buf, len, 0);
		if (n > 0)
			return n;
		if (n == 0) {
			*st = TLS_IO_EOF;
			return -1;
		}
		if (errno == EINTR)
			continue;
		*st = errno == EAGAIN || errno == EWOULDBLOCK ? TLS_IO_WANT_READ : TLS_IO_ERROR;
		return -1;
	}
}

static ssize_t
client_send(struct client *c, const void *buf, size_t len, enum tls_io *st)
{
	ssize_t n;

	if (c->ssl != NULL) {
		int r = SSL_write(c->ssl, buf, (int)(len > INT32_MAX ? INT32_MAX : len));

		if (r > 0)
			return r;
		*st = tls_io_status(c->ssl, r);
		return -1;
	}
	for (;;) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0)
			return n;
		if (n < 0 && errno == EINTR)
			continue;
		*st = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ?
		    TLS_IO_WANT_WRITE : TLS_IO_ERROR;
		return -1;
	}
}

/* Wait for what TLS (or the socket) wants next; false: give up on c. */
static bool
client_want(struct webui *w, struct client *c, enum tls_io st)
{
	switch (st) {
	case TLS_IO_WANT_READ:
		ev_mod(w->ev, c->fd, EPOLLIN);
		return true;
	case TLS_IO_WANT_WRITE:
		ev_mod(w->ev, c->fd, EPOLLOUT);
		return true;
	default:
		webui_client_free(w, c);
		return false;
	}
}

static void client_read(struct webui *w, struct client *c);

/* The answer is out and the connection stays: back to reading, as fresh
 * as a new connection (deadlines, what the last request left). */
static void
client_next_request(struct webui *w, struct client *c)
{
	c->state = CL_READING;
	c->accepted_ms = c->last_ms = now_ms();
	c->keep_alive = false;
	c->served++;
	c->status = 0;
	obuf_reset(&c->out);
	c->outpos = 0;
	c->pending = PEND_NONE;
	c->pending_req = 0;
	explicit_bzero(c->pending_user, sizeof(c->pending_user));
	explicit_bzero(c->pending_sid, sizeof(c->pending_sid));
	explicit_bzero(c->pending_key, sizeof(c->pending_key));
	c->pending_service[0] = '\0';
	c->basic_granted = false;
	c->pending_bearer = false;
	c->recheck_done = false;
	free(c->job);
	c->job = NULL;
	c->job_len = c->job_pos = 0;
	if (ev_mod(w->ev, c->fd, EPOLLIN) < 0) {
		webui_client_free(w, c);
		return;
	}
	/* Bytes TLS already took off the socket wake no epoll: read them. */
	if (c->ssl != NULL && SSL_pending(c->ssl) > 0)
		client_read(w, c);
}

static void
client_flush(struct webui *w, struct client *c)
{
	enum tls_io st = TLS_IO_ERROR;

	while (c->outpos < c->out.len) {
		ssize_t n = client_send(c, c->out.data + c->outpos, c->out.len - c->outpos, &st);

		if (n < 0) {
			client_want(w, c, st);
			return;
		}
		c->outpos += (size_t)n;
	}
	log_debug("%s: answered %d", c->addr, c->status);
	if (c->keep_alive) {
		client_next_request(w, c);
		return;
	}
	if (c->ssl != NULL)
		(void)SSL_shutdown(c->ssl);
	shutdown(c->fd, SHUT_WR);
	webui_client_free(w, c);
}

/* The response is written from the loop (EPOLLOUT), never from here: the
 * callers (request handlers, IPC replies, the timer) keep using c after
 * this returns, and a finished write frees it. */
void
webui_client_respond(struct webui *w, struct client *c)
{
	c->state = CL_WRITING;
	c->outpos = 0;
	c->pending = PEND_NONE;
	if (c->fd < 0)
		return;		/* a test drives this client */
	if (ev_mod(w->ev, c->fd, EPOLLOUT) < 0)
		log_warn("%s: epoll: %s", c->addr, strerror(errno));
}

void
webui_client_input(struct webui *w, struct client *c)
{
	static struct http_request req;
	int rc = http_parse_request(c->in, c->inlen, &req);

	c->keep_alive = false;
	if (rc == HTTP_PARSE_MORE)
		return;
	if (rc == HTTP_PARSE_DONE) {
		w->requests++;
		/* Only a request that used every byte so far: what a client
		 * sent after it (pipelining) is not kept across the wipe. */
		c->keep_alive = http_keep_alive(&req) && req.consumed == c->inlen &&
		    !c->forbidden && c->served + 1 < WEBUI_KEEPALIVE_MAX;
		webui_handle_request(w, c, &req);
		if (c->state == CL_WAITING &&
		    (c->pending == PEND_BASIC || c->pending == PEND_RECHECK)) {
			/* The request runs again once auth answers: keep its
			 * bytes (at most WEBUI_PENDING_TIMEOUT_MS). */
			explicit_bzero(&req, sizeof(req));
			return;
		}
	} else if (c->forbidden) {
		/* Outside the allow list the answer is 403, whatever came. */
		webui_respond_error(w, c, 403, "your address may not use this interface");
	} else {
		if (bucket_take(&w->netlog_rate, now_ms()))
			log_info("%s: refused a malformed request (%d %s)", c->addr, rc,
			    http_reason(rc));
		webui_respond_error(w, c, rc, "the request was malformed");
	}
	/* Passwords rode in the body: gone before anything else runs.  The
	 * bytes past inlen were never written since the last wipe. */
	explicit_bzero(c->in, c->inlen);
	c->inlen = 0;
	explicit_bzero(&req, sizeof(req));
}

static void
client_read(struct webui *w, struct client *c)
{
	for (;;) {
		size_t room = sizeof(c->in) - c->inlen;
		enum tls_io st = TLS_IO_ERROR;
		ssize_t n;

		if (room == 0) {
			/* Cannot happen: the parser decides within the buffer. */
			webui_respond_error(w, c, 400, NULL);
			return;
		}
		n = client_recv(c, c->in + c->inlen, room, &st);
		if (n < 0) {
			client_want(w, c, st);
			return;
		}
		c->inlen += (size_t)n;
		webui_client_input(w, c);
		if (c->state == CL_WAITING) {
			/* Nothing more is read until auth or the monitor
			 * answer: level-triggered EPOLLIN would spin. */
			ev_mod(w->ev, c->fd, 0);
			return;
		}
		if (c->state != CL_READING)
			return;		/* answered: written from the loop */
	}
}

static void
client_handshake(struct webui *w, struct client *c)
{
	int r = SSL_do_handshake(c->ssl);

	if (r != 1) {
		enum tls_io st = tls_io_status(c->ssl, r);

		if (st != TLS_IO_WANT_READ && st != TLS_IO_WANT_WRITE)
			log_debug("%s: TLS handshake failed", c->addr);
		client_want(w, c, st);
		return;
	}
	c->state = CL_READING;
	ev_mod(w->ev, c->fd, EPOLLIN);
	client_read(w, c);
}

static void
client_event(int fd, uint32_t events, void *arg)
{
	struct client *c = arg;
	struct webui *w = c->owner;

	(void)fd;
	c->last_ms = now_ms();
	switch (c->state) {
	case CL_HANDSHAKE:
		client_handshake(w, c);
		break;
	case CL_READING:
		client_read(w, c);
		break;
	case CL_WAITING:
		/* Only hang-ups are watched while auth or the monitor think. */
		if (events & (EPOLLHUP | EPOLLERR))
			webui_client_free(w, c);
		break;
	case CL_WRITING:
		client_flush(w, c);
		break;
	}
	/* A request may have queued a message to auth or the monitor. */
	webui_flush_channels(w);
}

static void
format_addr(const struct sockaddr_storage *ss, char *out, size_t len)
{
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ss)->sin_addr,
		    out, (socklen_t)len);
	} else if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, a->s6_addr + 12, out, (socklen_t)len);
		else
			inet_ntop(AF_INET6, a, out, (socklen_t)len);
	} else {
		strlcpy_v(out, "?", len);
	}
}

static void
listener_event(int fd, uint32_t events, void *arg)
{
	struct webui *w = arg;

	(void)events;
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char addr[MSG_SHORT_LEN];
		struct client *c;
		int cfd;

		cfd = accept4(fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		format_addr(&ss, addr, sizeof(addr));
		c = webui_client_new(w, cfd, addr);
		if (c == NULL) {
			if (bucket_take(&w->netlog_rate, now_ms()))
				log_warn("too many clients (%zu, at most %d per address): "
				    "refusing %s", w->nclients, WEBUI_MAX_PER_ADDR, addr);
			close(cfd);
			continue;
		}
		c->forbidden = !allow_match(&w->allow, (struct sockaddr *)&ss, sl);
		if (c->forbidden && bucket_take(&w->netlog_rate, now_ms()))
			log_warn("%s is not in the allow list: 403", addr);
		if (ev_add(w->ev, cfd, EPOLLIN, client_event, c) < 0) {
			log_warn("epoll: %s", strerror(errno));
			c->fd = -1;
			close(cfd);
			webui_client_free(w, c);
			continue;
		}
		if (w->ssl_ctx != NULL) {
			c->ssl = SSL_new(w->ssl_ctx);
			if (c->ssl == NULL || SSL_set_fd(c->ssl, cfd) != 1) {
				log_warn("%s: cannot start TLS", addr);
				webui_client_free(w, c);
				continue;
			}
			SSL_set_accept_state(c->ssl);
			c->state = CL_HANDSHAKE;
		}
		/* A client outside the allow list still gets its request read
		 * (within the same bounds and timeouts) so that the 403 reaches
		 * it instead of a reset; webui_handle_request() refuses it. */
	}
}

static void
channel_lost(struct webui *w, struct ipc_channel *ch, const char *why)
{
	log_err("channel to %s lost (%s): exiting so privd starts a fresh web interface",
	    proc_role_name(ch->peer), why);
	ev_del(w->ev, ch->fd);
	ipc_channel_close(ch);
	if (ch == &w->monitor)
		w->monitor_up = false;
	if (ch == &w->auth)
		w->auth_up = false;
	if (ch == &w->privd)
		log_set_sink(NULL, NULL);
	w->exit_code = 1;
	ev_stop(w->ev);
}

void
webui_ipc_message(struct webui *w, struct ipc_channel *ch, const struct ipc_msg *m)
{
	switch (m->type) {
	case MSG_HELLO:
		log_debug("HELLO from %s (pid %u)", proc_role_name(ch->peer),
		    m->body.hello.pid);
		break;
	case MSG_SNAPSHOT_BEGIN:
		snapshot_on_begin(w, &m->body.snapshot_begin);
		break;
	case MSG_SNAPSHOT_SERVICE:
		snapshot_on_service(w, &m->body.snapshot_service);
		break;
	case MSG_SNAPSHOT_JSON:
		snapshot_on_json(w, &m->body.snapshot_json);
		break;
	case MSG_SNAPSHOT_POINT:
		snapshot_on_point(w, &m->body.snapshot_point);
		break;
	case MSG_SNAPSHOT_END:
		snapshot_on_end(w, &m->body.snapshot_end);
		break;
	case MSG_LOGIN_RESULT:
		webui_on_login_result(w, &m->body.login_result);
		break;
	case MSG_ACTION_RESULT:
		webui_on_action_result(w, &m->body.action_result);
		break;
	case MSG_SNAPSHOT_LOG:
		logview_on_line(w, &m->body.snapshot_log);
		break;
	case MSG_SESSION_CHECK_RESULT:
		webui_on_session_check(w, &m->body.session_check_result);
		break;
	default:
		/* The rule table let it through, so this is our bug. */
		log_err("no handler for %s from %s", msg_type_name(m->type),
		    proc_role_name(ch->peer));
		break;
	}
	if (m->fd >= 0)
		close(m->fd);
}

static struct ipc_channel *
channel_of(struct webui *w, int fd)
{
	if (fd == w->privd.fd)
		return &w->privd;
	if (fd == w->monitor.fd)
		return &w->monitor;
	if (fd == w->auth.fd)
		return &w->auth;
	return NULL;
}

static void
channel_event(int fd, uint32_t events, void *arg)
{
	static struct ipc_msg m;
	struct webui *w = arg;
	struct ipc_channel *ch = channel_of(w, fd);

	if (ch == NULL)
		return;
	if (events & EPOLLOUT) {
		int left = ipc_flush(ch);

		if (left < 0) {
			channel_lost(w, ch, strerror(errno));
			return;
		}
		if (left == 0)
			ev_mod(w->ev, fd, EPOLLIN);
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (int i = 0; i < 256; i++) {
		switch (ipc_recv(ch, &m)) {
		case IPC_MSG:
			webui_ipc_message(w, ch, &m);
			if (ch->fd < 0 || ev_stopped(w->ev))
				return;
			break;
		case IPC_AGAIN:
			goto drained;
		case IPC_CLOSED:
			channel_lost(w, ch, "closed");
			return;
		case IPC_VIOLATION:
			log_err("IPC violation from %s: %s (%s)", proc_role_name(ch->peer),
			    ipc_violation_name(m.violation), msg_error_name(m.decode_error));
			channel_lost(w, ch, "violation");
			return;
		case IPC_ERROR:
			channel_lost(w, ch, strerror(errno));
			return;
		}
	}
drained:
	/* Replies may have queued sends on other channels. */
	webui_flush_channels(w);
}

void
webui_flush_channels(struct webui *w)
{
	struct ipc_channel *chs[] = { &w->privd, &w->monitor, &w->auth };

	for (size_t i = 0; i < ARRAY_SIZE(chs); i++)
		if (chs[i]->fd >= 0 && ipc_pending(chs[i]))
			ev_mod(w->ev, chs[i]->fd, EPOLLIN | EPOLLOUT);
}

void
webui_tick(struct webui *w, uint64_t now)
{
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++) {
		struct client *c = w->clients[i];

		if (c == NULL)
			continue;
		switch (c->state) {
		case CL_HANDSHAKE:
			if (now - c->accepted_ms >= WEBUI_HEADER_TIMEOUT_MS)
				webui_client_free(w, c);
			break;
		case CL_READING:
			if (c->inlen == 0 && now - c->last_ms >= WEBUI_FIRST_BYTE_MS) {
				/* Connected (and through TLS) but silent. */
				webui_client_free(w, c);
			} else if (now - c->accepted_ms >= WEBUI_HEADER_TIMEOUT_MS) {
				log_info("%s: request not complete within %d ms", c->addr,
				    WEBUI_HEADER_TIMEOUT_MS);
				webui_respond_error(w, c, 408, NULL);
			}
			break;
		case CL_WAITING:
			if (now >= c->pending_deadline)
				webui_pending_expired(w, c);
			break;
		case CL_WRITING:
			if (now - c->last_ms >= WEBUI_IDLE_TIMEOUT_MS)
				webui_client_free(w, c);
			break;
		}
	}
	session_expire(&w->sessions, now);
	webui_api_tick(w, now);
}

static void
timer_event(int fd, uint32_t events, void *arg)
{
	struct webui *w = arg;

	(void)events;
	ev_timer_ack(fd);
	webui_tick(w, now_ms());
	webui_flush_channels(w);
}

static void
signal_event(int fd, uint32_t events, void *arg)
{
	struct webui *w = arg;
	struct signalfd_siginfo si;

	(void)events;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_info("signal %u: exiting", si.ssi_signo);
		ev_stop(w->ev);
	}
}

static void
open_channel(struct webui *w, struct ipc_channel *ch, int fd, enum proc_role peer)
{
	ipc_channel_init(ch, fd, PROC_WEBUI, peer);
	if (set_nonblock(fd) < 0)
		fatal("channel to %s on fd %d", proc_role_name(peer), fd);
	if (ipc_send_hello(ch) < 0)
		fatal("HELLO to %s", proc_role_name(peer));
	if (ev_add(w->ev, fd, EPOLLIN, channel_event, w) < 0)
		fatal("epoll (channel to %s)", proc_role_name(peer));
}

void
webui_start(struct webui *w)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };

	open_channel(w, &w->privd, IPC_FD_PRIVD, PROC_PRIVD);
	log_set_sink(ipc_log_sink, &w->privd);
	open_channel(w, &w->monitor, IPC_FD_PEER1, PROC_MONITOR);
	w->monitor_up = true;
	open_channel(w, &w->auth, IPC_FD_PEER2, PROC_AUTH);
	w->auth_up = true;
	/* The channels are past configuration: nothing before-seal is valid. */
	w->privd.sealed = w->monitor.sealed = w->auth.sealed = true;
	if (ev_add(w->ev, w->listen_fd, EPOLLIN, listener_event, w) < 0)
		fatal("epoll (listener)");
	w->timer_fd = ev_timer_new(w->ev, timer_event, w);
	if (w->timer_fd < 0 || ev_timer_set(w->timer_fd, 1000, 1000) < 0)
		fatal("timerfd");
	if (ev_signals(w->ev, sigs, (int)ARRAY_SIZE(sigs), signal_event, w) < 0)
		fatal("signalfd");
}
