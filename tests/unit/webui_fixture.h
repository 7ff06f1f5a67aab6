/* Test fixture for vigil-webui's request flow: a webui with socketpairs
 * standing in for the monitor and auth (the test plays both), requests fed
 * through webui_client_input() on clients without a descriptor.  Used by
 * test_webui*.c and test_api_status.c (logins and snapshots on top of it:
 * webui_flow_fixture.h). */
#ifndef WEBUI_FIXTURE_H
#define WEBUI_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/ipc.h"
#include "common/util.h"
#include "webui/webui.h"

static struct webui w;
static struct ipc_channel tmon, tauth;	/* the test plays monitor and auth */
static struct ipc_msg msg;

static inline void
pump(struct ipc_channel *ch)
{
	static struct ipc_msg m;

	for (;;) {
		enum ipc_result r = ipc_recv(ch, &m);

		if (r == IPC_AGAIN)
			return;
		assert_int_equal(r, IPC_MSG);
		webui_ipc_message(&w, ch, &m);
	}
}

static inline void
expect(struct ipc_channel *ch, enum msg_type type)
{
	assert_int_equal(ipc_recv_wait(ch, &msg, 2000), IPC_MSG);
	assert_int_equal(msg.type, type);
}

static inline int
flow_setup(void **state)
{
	int mon[2], auth[2];

	(void)state;
	webui_init(&w);
	assert_int_equal(ipc_socketpair(mon), 0);
	assert_int_equal(ipc_socketpair(auth), 0);
	ipc_channel_init(&w.monitor, mon[0], PROC_WEBUI, PROC_MONITOR);
	ipc_channel_init(&w.auth, auth[0], PROC_WEBUI, PROC_AUTH);
	ipc_channel_init(&tmon, mon[1], PROC_MONITOR, PROC_WEBUI);
	ipc_channel_init(&tauth, auth[1], PROC_AUTH, PROC_WEBUI);
	assert_int_equal(ipc_send_hello(&w.monitor), 0);
	assert_int_equal(ipc_send_hello(&w.auth), 0);
	assert_int_equal(ipc_send_hello(&tmon), 0);
	assert_int_equal(ipc_send_hello(&tauth), 0);
	expect(&tmon, MSG_HELLO);
	expect(&tauth, MSG_HELLO);
	pump(&w.monitor);
	pump(&w.auth);
	w.monitor_up = w.auth_up = true;
	return 0;
}

static inline int
flow_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < WEBUI_MAX_CLIENTS; i++)
		if (w.clients[i] != NULL)
			webui_client_free(&w, w.clients[i]);
	ipc_channel_close(&w.monitor);
	ipc_channel_close(&w.auth);
	ipc_channel_close(&tmon);
	ipc_channel_close(&tauth);
	for (size_t i = 0; i < SESSION_MAX; i++)
		session_remove(&w.sessions.s[i]);	/* scopes are on the heap */
	snapshot_clear(&w.snap);
	snapshot_clear(&w.building);
	obuf_free(&w.status_tables);
	history_free(&w.history);
	logview_free(&w.logview);
	ev_free(w.ev);
	return 0;
}

/* A service's JSON object as the monitor would send it after its
 * SNAPSHOT_SERVICE (name escaped as the monitor's json_string does for
 * ASCII, other bytes one by one; the rest fixed). */
static inline void
fixture_service_json(struct msg_snapshot_json *j, uint32_t gen, uint32_t index,
    const char *name)
{
	size_t n = 0;

	memset(j, 0, sizeof(*j));
	j->gen = gen;
	j->index = index;
	n += (size_t)snprintf(j->part, sizeof(j->part), "{\"name\":\"");
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		n += (size_t)snprintf(j->part + n, sizeof(j->part) - n,
		    *p == '"' || *p == '\\' || *p == '<' || *p == '>' || *p == '&' ||
		    *p < 0x20 || *p >= 0x7f ? "\\u%04x" : "%c", *p);
	snprintf(j->part + n, sizeof(j->part) - n, "\",\"type\":\"process\",\"n\":%u}", index);
}

/* The same sent over the test's monitor channel. */
static inline void
send_service_json(uint32_t gen, uint32_t index, const char *name)
{
	static struct msg_snapshot_json j;

	fixture_service_json(&j, gen, index, name);
	assert_int_equal(ipc_send(&tmon, MSG_SNAPSHOT_JSON, &j, -1), 0);
}

/* Feed one raw request to a fresh client. */
static inline struct client *
request(const char *raw)
{
	struct client *c = webui_client_new(&w, -1, "192.0.2.7");

	assert_non_null(c);
	assert_true(strlen(raw) <= sizeof(c->in));
	memcpy(c->in, raw, strlen(raw));
	c->inlen = strlen(raw);
	webui_client_input(&w, c);
	return c;
}

static char cookie[128];

static inline struct client *
get(const char *path, bool with_cookie)
{
	char raw[512];

	snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: vigil.test\r\n%s%s%s\r\n", path,
	    with_cookie ? "Cookie: theme=dark; " : "", with_cookie ? cookie : "",
	    with_cookie ? "\r\n" : "");
	return request(raw);
}

static inline struct client *
post(const char *path, const char *body, bool with_cookie)
{
	char raw[2048];

	snprintf(raw, sizeof(raw), "POST %s HTTP/1.1\r\nHost: vigil.test\r\n"
	    "Origin: http://vigil.test\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
	    "%s%s%s\r\n%s", path, strlen(body), with_cookie ? "Cookie: " : "",
	    with_cookie ? cookie : "", with_cookie ? "\r\n" : "", body);
	return request(raw);
}

static inline void
assert_status(struct client *c, int status)
{
	char want[32];

	assert_int_equal(c->state, CL_WRITING);
	snprintf(want, sizeof(want), "HTTP/1.1 %d ", status);
	if (strncmp(c->out.data, want, strlen(want)) != 0)
		fail_msg("wanted %d, got: %.200s", status, c->out.data);
}

static inline void
assert_has(struct client *c, const char *s)
{
	if (strstr(c->out.data, s) == NULL)
		fail_msg("response lacks '%s':\n%s", s, c->out.data);
}

static inline void
assert_lacks(struct client *c, const char *s)
{
	if (strstr(c->out.data, s) != NULL)
		fail_msg("response has '%s':\n%s", s, c->out.data);
}

static inline void
done(struct client *c)
{
	webui_client_free(&w, c);
}

#endif
