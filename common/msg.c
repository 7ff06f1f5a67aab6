/* Codecs: one descriptor per message type, one interpreter for all of them,
 * so every bound is checked by the same few lines. */
#include <stddef.h>
#include <string.h>

#include "common/log.h"
#include "common/msg.h"

enum field_kind {
	F_U8,		/* any value */
	F_U16,
	F_U32,
	F_U64,
	F_I32,
	F_ENUM8,	/* u8 in 0..max */
	F_RANGE16,	/* u16 in min..max */
	F_RANGE32,	/* u32 in min..max */
	F_STR,		/* char[size] */
	F_BYTES,	/* uint8_t[size], raw */
	F_STRV,		/* char[max][size] with a u16 count at count_off */
};

struct field {
	enum field_kind kind;
	size_t off;
	size_t size;
	uint32_t min;
	uint32_t max;
	size_t count_off;
};

struct codec {
	const char *name;
	size_t struct_size;
	const struct field *fields;
	size_t nfields;
};

#define FLD(k, s, f)           { k, offsetof(s, f), sizeof(((s *)0)->f), 0, 0, 0 }
#define U8(s, f)               FLD(F_U8, s, f)
#define U16(s, f)              FLD(F_U16, s, f)
#define U32(s, f)              FLD(F_U32, s, f)
#define U64(s, f)              FLD(F_U64, s, f)
#define I32(s, f)              FLD(F_I32, s, f)
#define STR(s, f)              FLD(F_STR, s, f)
#define BYTES(s, f)            FLD(F_BYTES, s, f)
#define ENUM8(s, f, mx)        { F_ENUM8, offsetof(s, f), 1, 0, (mx), 0 }
#define R16(s, f, mn, mx)      { F_RANGE16, offsetof(s, f), 2, (mn), (mx), 0 }
#define R32(s, f, mn, mx)      { F_RANGE32, offsetof(s, f), 4, (mn), (mx), 0 }
#define STRV(s, f, cnt)        { F_STRV, offsetof(s, f), sizeof(((s *)0)->f[0]), 0, \
                                 sizeof(((s *)0)->f) / sizeof(((s *)0)->f[0]), offsetof(s, cnt) }
#define BOOL8(s, f)            ENUM8(s, f, 1)

#define S struct msg_hello
static const struct field f_hello[] = {
	ENUM8(S, role, PROC_ROLE_MAX), STR(S, build_id), U32(S, pid),
};
#undef S
#define S struct msg_log
static const struct field f_log[] = { ENUM8(S, level, LOG_LVL_MAX), STR(S, text) };
#undef S
#define S struct msg_config
static const struct field f_config[] = {
	STR(S, logfile), BOOL8(S, log_syslog), ENUM8(S, syslog_facility, 23),
	BOOL8(S, log_chained),
	STR(S, pidfile), STR(S, monitor_user), STR(S, webui_user), STR(S, auth_user),
	STR(S, chroot_dir), BOOL8(S, httpd_enabled), U16(S, httpd_port),
	STR(S, httpd_address), BOOL8(S, httpd_ssl), STR(S, httpd_pemfile),
	STR(S, httpd_clientpem), BOOL8(S, httpd_allowselfcert), BOOL8(S, httpd_signature), STRV(S, allow_net, nallow_net),
};
#undef S
#define S struct msg_action_add
static const struct field f_action_add[] = {
	U32(S, id), BOOL8(S, has_uid), BOOL8(S, has_gid), U32(S, uid), U32(S, gid),
	R32(S, timeout_ms, 1, 24u * 3600u * 1000u), STRV(S, argv, argc),
};
#undef S
#define S struct msg_seal
static const struct field f_seal[] = { U32(S, count) };
#undef S
#define S struct msg_sealed
static const struct field f_sealed[] = { U32(S, count) };
#undef S
#define S struct msg_run
static const struct field f_run[] = {
	U32(S, req), U32(S, id), STR(S, service), STR(S, event), STR(S, description),
	STR(S, date), STR(S, host), BOOL8(S, is_process), U32(S, process_pid),
	U32(S, process_memory_kb), U32(S, process_children), U32(S, process_cpu_permille),
};
#undef S
#define S struct msg_run_result
static const struct field f_run_result[] = {
	U32(S, req), U32(S, id), BOOL8(S, spawned), BOOL8(S, timed_out), I32(S, status),
	U32(S, duration_ms), STR(S, output),
};
#undef S
#define S struct msg_ping
static const struct field f_ping[] = {
	U32(S, req), { F_ENUM8, offsetof(S, family), 1, 4, 6, 0 }, BYTES(S, addr),
	R16(S, count, 1, 20), R32(S, timeout_ms, 1, 60000), R16(S, size, 0, 1472),
};
#undef S
#define S struct msg_ping_result
static const struct field f_ping_result[] = {
	U32(S, req), U16(S, sent), U16(S, received), U32(S, rtt_min_us),
	U32(S, rtt_avg_us), U32(S, rtt_max_us), I32(S, error),
};
#undef S
/* the pid and errno arrays: each element a field of its own */
#define EACH16(M, ...) M(__VA_ARGS__, 0), M(__VA_ARGS__, 1), M(__VA_ARGS__, 2), \
	M(__VA_ARGS__, 3), M(__VA_ARGS__, 4), M(__VA_ARGS__, 5), M(__VA_ARGS__, 6), \
	M(__VA_ARGS__, 7), M(__VA_ARGS__, 8), M(__VA_ARGS__, 9), M(__VA_ARGS__, 10), \
	M(__VA_ARGS__, 11), M(__VA_ARGS__, 12), M(__VA_ARGS__, 13), M(__VA_ARGS__, 14), \
	M(__VA_ARGS__, 15)
#define PID_AT(s, f, i)	R32(s, f[i], 0, MSG_PID_MAX)
#define I32_AT(s, f, i)	I32(s, f[i])
_Static_assert(MSG_PROC_IO_MAX == 16, "EACH16 lists 16 elements");
#define S struct msg_proc_io
static const struct field f_proc_io[] = {
	U32(S, req), R16(S, npids, 1, MSG_PROC_IO_MAX), EACH16(PID_AT, S, pid),
};
#undef S
#define S struct msg_proc_io_result
static const struct field f_proc_io_result[] = {
	U32(S, req), STRV(S, text, ntext), EACH16(I32_AT, S, error),
};
#undef S
#define S struct msg_channel
static const struct field f_channel[] = { ENUM8(S, peer, PROC_ROLE_MAX) };
#undef S
#define S struct msg_control
static const struct field f_control[] = { ENUM8(S, op, CONTROL_OP_MAX) };
#undef S
#define S struct msg_session_grant
static const struct field f_session_grant[] = {
	STR(S, sid), STR(S, user), ENUM8(S, role, ROLE_MAX), U64(S, expiry), STRV(S, scope, nscope),
};
#undef S
#define S struct msg_session_ack
static const struct field f_session_ack[] = { STR(S, sid), BOOL8(S, ok) };
#undef S
#define S struct msg_login
static const struct field f_login[] = {
	U32(S, req), STR(S, user), STR(S, password), STR(S, client),
};
#undef S
#define S struct msg_access_refused
static const struct field f_access_refused[] = {
	STR(S, user), STR(S, client), STR(S, reason), R32(S, count, 1, UINT32_MAX),
	R32(S, interval_s, 0, 24u * 3600u),
};
#undef S
#define S struct msg_login_result
static const struct field f_login_result[] = {
	U32(S, req), BOOL8(S, ok), STR(S, sid), ENUM8(S, role, ROLE_MAX), STR(S, user),
	STRV(S, scope, nscope),
};
#undef S
#define S struct msg_snapshot_log
static const struct field f_snapshot_log[] = {
	U64(S, seq), U64(S, time), ENUM8(S, level, LOG_LVL_MAX), STR(S, text),
};
#undef S
#define S struct msg_session_check
static const struct field f_session_check[] = {
	U32(S, req), STR(S, user), STR(S, client),
};
#undef S
#define S struct msg_session_check_result
static const struct field f_session_check_result[] = {
	U32(S, req), BOOL8(S, ok), ENUM8(S, role, ROLE_MAX), STRV(S, scope, nscope),
};
#undef S
#define S struct msg_auth_rule
static const struct field f_auth_rule[] = {
	ENUM8(S, kind, AUTH_RULE_KIND_MAX), STR(S, name), ENUM8(S, secret_type, SECRET_TYPE_MAX),
	STR(S, secret), ENUM8(S, role, ROLE_MAX), STRV(S, scope, nscope),
};
#undef S
#define S struct msg_auth_ready
static const struct field f_auth_ready[] = {
	U32(S, nrules), STR(S, pam_service), R32(S, session_ttl_s, 60, 7u * 24u * 3600u),
	BOOL8(S, open_access),
};
#undef S
#define S struct msg_snapshot_begin
static const struct field f_snapshot_begin[] = {
	U32(S, gen), U32(S, count), U64(S, time), STR(S, host), U32(S, uptime_s), U32(S, poll_s),
	BOOL8(S, open_access),
};
#undef S
#define S struct msg_snapshot_service
static const struct field f_snapshot_service[] = {
	U32(S, gen), U32(S, index), STR(S, name), STR(S, type), STR(S, status),
	STR(S, monitor), U32(S, pid), U64(S, uptime_s), STR(S, detail),
	ENUM8(S, fig.type_code, MSG_SVC_TYPE_MAX), ENUM8(S, fig.monitor_code, 2),
	ENUM8(S, fig.mode, 2), BOOL8(S, fig.busy), U32(S, fig.events), U64(S, fig.collected),
	U32(S, fig.ppid), U32(S, fig.threads), U32(S, fig.children),
	U32(S, fig.cpu_permille), U32(S, fig.total_cpu_permille),
	U64(S, fig.mem_bytes), U64(S, fig.total_mem_bytes), U64(S, fig.restarts),
	BOOL8(S, fig.have_exit_status), I32(S, fig.exit_status),
	U64(S, fig.net_rx), U64(S, fig.net_tx),
	U32(S, fig.load1), U32(S, fig.load5), U32(S, fig.load15),
	U32(S, fig.cpu_user_permille), U32(S, fig.cpu_system_permille),
	U32(S, fig.cpu_wait_permille),
	U64(S, fig.mem_total), U64(S, fig.mem_used), U64(S, fig.swap_total),
	U64(S, fig.swap_used), U32(S, fig.response_us),
	R32(S, fig.space_used_permille, 0, 1000), R32(S, fig.inodes_used_permille, 0, 1000),
};
#undef S
#define S struct msg_snapshot_end
static const struct field f_snapshot_end[] = { U32(S, gen) };
#undef S
#define S struct msg_snapshot_json
static const struct field f_snapshot_json[] = { U32(S, gen), U32(S, index), STR(S, part) };
#undef S
#define S struct msg_snapshot_point
static const struct field f_snapshot_point[] = {
	U32(S, gen), U32(S, index), U32(S, t), U32(S, v[0]), U32(S, v[1]), U32(S, v[2]),
};
#undef S
#define S struct msg_action_request
static const struct field f_action_request[] = {
	U32(S, req), STR(S, sid), STR(S, service), ENUM8(S, action, SVC_ACTION_MAX),
};
#undef S
#define S struct msg_action_result
static const struct field f_action_result[] = {
	U32(S, req), R16(S, code, 100, 599), STR(S, message),
};
#undef S
#define S struct msg_logout
static const struct field f_logout[] = { STR(S, sid) };
#undef S
#define S struct msg_ctl_request
static const struct field f_ctl_request[] = {
	ENUM8(S, action, CTL_ACTION_MAX), ENUM8(S, verbose, 2), STR(S, name), STR(S, group),
};
#undef S
#define S struct msg_ctl_output
static const struct field f_ctl_output[] = { STR(S, text) };
#undef S
#define S struct msg_ctl_done
static const struct field f_ctl_done[] = { I32(S, code), STR(S, message) };
#undef S

#define CODEC(t, n, s, f) [t] = { n, sizeof(s), f, sizeof(f) / sizeof(f[0]) }
static const struct codec codecs[MSG_TYPE_MAX + 1] = {
	CODEC(MSG_HELLO, "HELLO", struct msg_hello, f_hello),
	CODEC(MSG_LOG, "LOG", struct msg_log, f_log),
	CODEC(MSG_CONFIG, "CONFIG", struct msg_config, f_config),
	CODEC(MSG_ACTION_ADD, "ACTION_ADD", struct msg_action_add, f_action_add),
	CODEC(MSG_SEAL, "SEAL", struct msg_seal, f_seal),
	CODEC(MSG_SEALED, "SEALED", struct msg_sealed, f_sealed),
	CODEC(MSG_RUN, "RUN", struct msg_run, f_run),
	CODEC(MSG_RUN_RESULT, "RUN_RESULT", struct msg_run_result, f_run_result),
	CODEC(MSG_PING, "PING", struct msg_ping, f_ping),
	CODEC(MSG_PING_RESULT, "PING_RESULT", struct msg_ping_result, f_ping_result),
	CODEC(MSG_CHANNEL, "CHANNEL", struct msg_channel, f_channel),
	CODEC(MSG_CONTROL, "CONTROL", struct msg_control, f_control),
	CODEC(MSG_SESSION_GRANT, "SESSION_GRANT", struct msg_session_grant, f_session_grant),
	CODEC(MSG_SESSION_ACK, "SESSION_ACK", struct msg_session_ack, f_session_ack),
	CODEC(MSG_LOGIN, "LOGIN", struct msg_login, f_login),
	CODEC(MSG_LOGIN_RESULT, "LOGIN_RESULT", struct msg_login_result, f_login_result),
	CODEC(MSG_AUTH_RULE, "AUTH_RULE", struct msg_auth_rule, f_auth_rule),
	CODEC(MSG_AUTH_READY, "AUTH_READY", struct msg_auth_ready, f_auth_ready),
	CODEC(MSG_SNAPSHOT_BEGIN, "SNAPSHOT_BEGIN", struct msg_snapshot_begin, f_snapshot_begin),
	CODEC(MSG_SNAPSHOT_SERVICE, "SNAPSHOT_SERVICE", struct msg_snapshot_service, f_snapshot_service),
	CODEC(MSG_SNAPSHOT_END, "SNAPSHOT_END", struct msg_snapshot_end, f_snapshot_end),
	CODEC(MSG_ACTION_REQUEST, "ACTION_REQUEST", struct msg_action_request, f_action_request),
	CODEC(MSG_ACTION_RESULT, "ACTION_RESULT", struct msg_action_result, f_action_result),
	CODEC(MSG_LOGOUT, "LOGOUT", struct msg_logout, f_logout),
	CODEC(MSG_CTL_REQUEST, "CTL_REQUEST", struct msg_ctl_request, f_ctl_request),
	CODEC(MSG_CTL_OUTPUT, "CTL_OUTPUT", struct msg_ctl_output, f_ctl_output),
	CODEC(MSG_CTL_DONE, "CTL_DONE", struct msg_ctl_done, f_ctl_done),
	CODEC(MSG_SNAPSHOT_LOG, "SNAPSHOT_LOG", struct msg_snapshot_log, f_snapshot_log),
	CODEC(MSG_SESSION_CHECK, "SESSION_CHECK", struct msg_session_check, f_session_check),
	CODEC(MSG_SESSION_CHECK_RESULT, "SESSION_CHECK_RESULT",
	    struct msg_session_check_result, f_session_check_result),
	CODEC(MSG_ACCESS_REFUSED, "ACCESS_REFUSED", struct msg_access_refused, f_access_refused),
	CODEC(MSG_PROC_IO, "PROC_IO", struct msg_proc_io, f_proc_io),
	CODEC(MSG_PROC_IO_RESULT, "PROC_IO_RESULT", struct msg_proc_io_result,
	    f_proc_io_result),
	CODEC(MSG_SNAPSHOT_JSON, "SNAPSHOT_JSON", struct msg_snapshot_json, f_snapshot_json),
	CODEC(MSG_SNAPSHOT_POINT, "SNAPSHOT_POINT", struct msg_snapshot_point, f_snapshot_point),
};

static const struct codec *
codec_of(unsigned type)
{
	if (type == MSG_NONE || type > MSG_TYPE_MAX || codecs[type].name == NULL)
		return NULL;
	return &codecs[type];
}

bool
msg_type_known(unsigned type)
{
	return codec_of(type) != NULL;
}

const char *
msg_type_name(enum msg_type type)
{
	const struct codec *c = codec_of(type);

	return c == NULL ? NULL : c->name;
}

size_t
msg_struct_size(enum msg_type type)
{
	const struct codec *c = codec_of(type);

	return c == NULL ? 0 : c->struct_size;
}

static size_t
field_len(const struct field *f, bool largest)
{
	switch (f->kind) {
	case F_U8:
	case F_ENUM8:
		return 1;
	case F_U16:
	case F_RANGE16:
		return 2;
	case F_U32:
	case F_I32:
	case F_RANGE32:
		return 4;
	case F_U64:
		return 8;
	case F_BYTES:
		return f->size;
	case F_STR:
		return 2 + (largest ? f->size - 1 : 0) + 1;
	case F_STRV:
		return 2 + (largest ? f->max * (2 + f->size) : 0);
	}
	return 0;
}

static size_t
codec_len(enum msg_type type, bool largest)
{
	const struct codec *c = codec_of(type);
	size_t n = 0;

	if (c == NULL)
		return 0;
	for (size_t i = 0; i < c->nfields; i++)
		n += field_len(&c->fields[i], largest);
	return n;
}

size_t
msg_min_len(enum msg_type type)
{
	return codec_len(type, false);
}

size_t
msg_max_len(enum msg_type type)
{
	return codec_len(type, true);
}

const char *
msg_error_name(enum msg_error e)
{
	switch (e) {
	case MSG_OK:
		return "ok";
	case MSG_ERR_TRUNCATED:
		return "truncated field";
	case MSG_ERR_STRING_UNTERMINATED:
		return "unterminated string";
	case MSG_ERR_STRING_TOO_LONG:
		return "over-long string";
	case MSG_ERR_STRING_NUL:
		return "NUL inside string";
	case MSG_ERR_LIST_TOO_LONG:
		return "over-long list";
	case MSG_ERR_ENUM_RANGE:
		return "enum out of range";
	case MSG_ERR_VALUE_RANGE:
		return "value out of range";
	case MSG_ERR_TRAILING:
		return "trailing bytes";
	case MSG_ERR_UNKNOWN_TYPE:
		return "unknown type";
	case MSG_ERR_NOSPACE:
		return "no space";
	}
	return "?";
}

/* --- encoding --- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool overflow;
};

static void
put(struct wbuf *w, const void *src, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
put_uint(struct wbuf *w, uint64_t v, size_t width)
{
	uint8_t b[8];

	for (size_t i = 0; i < width; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, width);
}

static uint64_t
get_field_uint(const uint8_t *m, const struct field *f, size_t width)
{
	uint64_t v = 0;

	switch (width) {
	case 1: { uint8_t x; memcpy(&x, m + f->off, 1); v = x; break; }
	case 2: { uint16_t x; memcpy(&x, m + f->off, 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, m + f->off, 4); v = x; break; }
	case 8: { uint64_t x; memcpy(&x, m + f->off, 8); v = x; break; }
	}
	return v;
}

static enum msg_error
put_str(struct wbuf *w, const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n >= size)
		return MSG_ERR_STRING_TOO_LONG;
	put_uint(w, n, 2);
	put(w, s, n);
	put_uint(w, 0, 1);
	return MSG_OK;
}

size_t
msg_encode(enum msg_type type, const void *msg, uint8_t *out, size_t outlen,
    enum msg_error *err)
{
	const struct codec *c = codec_of(type);
	const uint8_t *m = msg;
	struct wbuf w = { out, 0, outlen, false };
	enum msg_error e = MSG_OK;

	if (c == NULL) {
		*err = MSG_ERR_UNKNOWN_TYPE;
		return 0;
	}
	for (size_t i = 0; i < c->nfields && e == MSG_OK; i++) {
		const struct field *f = &c->fields[i];
		uint64_t v;

		switch (f->kind) {
		case F_U8:
		case F_ENUM8:
			v = get_field_uint(m, f, 1);
			if (f->kind == F_ENUM8 && (v < f->min || v > f->max))
				e = MSG_ERR_ENUM_RANGE;
			put_uint(&w, v, 1);
			break;
		case F_U16:
		case F_RANGE16:
			v = get_field_uint(m, f, 2);
			if (f->kind == F_RANGE16 && (v < f->min || v > f->max))
				e = MSG_ERR_VALUE_RANGE;
			put_uint(&w, v, 2);
			break;
		case F_U32:
		case F_I32:
		case F_RANGE32:
			v = get_field_uint(m, f, 4);
			if (f->kind == F_RANGE32 && (v < f->min || v > f->max))
				e = MSG_ERR_VALUE_RANGE;
			put_uint(&w, v, 4);
			break;
		case F_U64:
			put_uint(&w, get_field_uint(m, f, 8), 8);
			break;
		case F_BYTES:
			put(&w, m + f->off, f->size);
			break;
		case F_STR:
			e = put_str(&w, (const char *)(m + f->off), f->size);
			break;
		case F_STRV: {
			uint16_t cnt;

			memcpy(&cnt, m + f->count_off, 2);
			if (cnt > f->max) {
				e = MSG_ERR_LIST_TOO_LONG;
				break;
			}
			put_uint(&w, cnt, 2);
			for (uint16_t j = 0; j < cnt && e == MSG_OK; j++)
				e = put_str(&w, (const char *)(m + f->off + j * f->size), f->size);
			break;
		}
		}
	}
	if (e == MSG_OK && w.overflow)
		e = MSG_ERR_NOSPACE;
	*err = e;
	return e == MSG_OK ? w.len : 0;
}

/* --- decoding --- */

struct rbuf {
	const uint8_t *p;
	size_t len, pos;
};

static bool
get_uint(struct rbuf *r, size_t width, uint64_t *v)
{
	if (r->len - r->pos < width)
		return false;
	*v = 0;
	for (size_t i = 0; i < width; i++)
		*v |= (uint64_t)r->p[r->pos + i] << (8 * i);
	r->pos += width;
	return true;
}

static void
set_field_uint(uint8_t *m, const struct field *f, size_t width, uint64_t v)
{
	switch (width) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(m + f->off, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(m + f->off, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(m + f->off, &x, 4); break; }
	case 8: memcpy(m + f->off, &v, 8); break;
	}
}

static enum msg_error
get_str(struct rbuf *r, char *dst, size_t size)
{
	uint64_t n;

	if (!get_uint(r, 2, &n))
		return MSG_ERR_TRUNCATED;
	if (n >= size)
		return MSG_ERR_STRING_TOO_LONG;
	if (r->len - r->pos < n + 1)
		return r->len - r->pos < n ? MSG_ERR_TRUNCATED : MSG_ERR_STRING_UNTERMINATED;
	if (memchr(r->p + r->pos, '\0', n) != NULL)
		return MSG_ERR_STRING_NUL;
	if (r->p[r->pos + n] != '\0')
		return MSG_ERR_STRING_UNTERMINATED;
	memcpy(dst, r->p + r->pos, n);
	dst[n] = '\0';
	r->pos += n + 1;
	return MSG_OK;
}

enum msg_error
msg_decode(enum msg_type type, const uint8_t *p, size_t len, void *msg)
{
	const struct codec *c = codec_of(type);
	uint8_t *m = msg;
	struct rbuf r = { p, len, 0 };

	if (c == NULL)
		return MSG_ERR_UNKNOWN_TYPE;
	memset(msg, 0, c->struct_size);
	for (size_t i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		enum msg_error e = MSG_OK;
		uint64_t v;

		switch (f->kind) {
		case F_U8:
		case F_ENUM8:
			if (!get_uint(&r, 1, &v))
				return MSG_ERR_TRUNCATED;
			if (f->kind == F_ENUM8 && (v < f->min || v > f->max))
				return MSG_ERR_ENUM_RANGE;
			set_field_uint(m, f, 1, v);
			break;
		case F_U16:
		case F_RANGE16:
			if (!get_uint(&r, 2, &v))
				return MSG_ERR_TRUNCATED;
			if (f->kind == F_RANGE16 && (v < f->min || v > f->max))
				return MSG_ERR_VALUE_RANGE;
			set_field_uint(m, f, 2, v);
			break;
		case F_U32:
		case F_I32:
		case F_RANGE32:
			if (!get_uint(&r, 4, &v))
				return MSG_ERR_TRUNCATED;
			if (f->kind == F_RANGE32 && (v < f->min || v > f->max))
				return MSG_ERR_VALUE_RANGE;
			set_field_uint(m, f, 4, v);
			break;
		case F_U64:
			if (!get_uint(&r, 8, &v))
				return MSG_ERR_TRUNCATED;
			set_field_uint(m, f, 8, v);
			break;
		case F_BYTES:
			if (r.len - r.pos < f->size)
				return MSG_ERR_TRUNCATED;
			memcpy(m + f->off, r.p + r.pos, f->size);
			r.pos += f->size;
			break;
		case F_STR:
			e = get_str(&r, (char *)(m + f->off), f->size);
			break;
		case F_STRV:
			if (!get_uint(&r, 2, &v))
				return MSG_ERR_TRUNCATED;
			if (v > f->max)
				return MSG_ERR_LIST_TOO_LONG;
			set_field_uint(m, &(struct field){ .off = f->count_off }, 2, v);
			for (uint64_t j = 0; j < v && e == MSG_OK; j++)
				e = get_str(&r, (char *)(m + f->off + j * f->size), f->size);
			break;
		}
		if (e != MSG_OK)
			return e;
	}
	if (r.pos != r.len)
		return MSG_ERR_TRAILING;
	return MSG_OK;
}

const char *
proc_role_name(enum proc_role role)
{
	switch (role) {
	case PROC_NONE:
		return "none";
	case PROC_PRIVD:
		return "privd";
	case PROC_MONITOR:
		return "monitor";
	case PROC_WEBUI:
		return "webui";
	case PROC_AUTH:
		return "auth";
	case PROC_CLI:
		return "cli";
	}
	return "?";
}

const char *
web_role_name(enum web_role role)
{
	switch (role) {
	case ROLE_READONLY:
		return "readonly";
	case ROLE_RESTART:
		return "restart";
	case ROLE_READWRITE:
		return "readwrite";
	}
	return "?";
}

static const char *const svc_action_names[] = {
	[SVC_ACTION_START] = "start",
	[SVC_ACTION_STOP] = "stop",
	[SVC_ACTION_RESTART] = "restart",
	[SVC_ACTION_MONITOR] = "monitor",
	[SVC_ACTION_UNMONITOR] = "unmonitor",
};

const char *
svc_action_name(enum svc_action a)
{
	if ((unsigned)a > SVC_ACTION_MAX)
		return "?";
	return svc_action_names[a];
}

int
svc_action_parse(const char *s)
{
	for (unsigned i = 0; i <= SVC_ACTION_MAX; i++)
		if (strcmp(s, svc_action_names[i]) == 0)
			return (int)i;
	return -1;
}
