/* The SMTP client as a pure state machine (sans-I/O): bytes the server sent
 * go in, bytes to send and a verdict come out.  The driver (deliver.c) owns
 * the socket, TLS and timers; tests feed recorded transcripts, the fuzzer
 * feeds garbage.
 *
 * Replies are bounded: a line longer than SMTP_LINE_MAX bytes or a reply of
 * more than SMTP_REPLY_LINES_MAX lines ends the session, as does any byte
 * that is not a well-formed reply (three digits, '-' or ' ', text, CRLF),
 * a multi-line reply whose lines disagree on the code, or bytes the server
 * sends before we asked (which, after STARTTLS, would be injected plaintext). */
#ifndef VIGIL_SMTP_H
#define VIGIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_LINE_MAX		1000	/* RFC 5321 says 512 with CRLF; be lenient */
#define SMTP_REPLY_LINES_MAX	64
#define SMTP_IN_MAX		(SMTP_LINE_MAX * 2)

enum smtp_parse {
	SMTP_PARSE_BAD = -1,		/* not SMTP: end the session */
	SMTP_PARSE_INCOMPLETE = 0,	/* wait for more bytes */
	SMTP_PARSE_OK = 1,		/* one whole reply */
};

struct smtp_reply {
	int code;			/* 200..599 */
	unsigned nlines;
	bool starttls;			/* EHLO: "STARTTLS" line */
	bool auth_plain, auth_login;	/* EHLO: "AUTH ... PLAIN LOGIN" */
	char text[160];			/* first line's text, printable only */
};

/* Parse one reply at the start of buf.  On SMTP_PARSE_OK *used is its
 * length; why (may be NULL) says what was wrong on SMTP_PARSE_BAD. */
enum smtp_parse smtp_reply_parse(const char *buf, size_t len,
    struct smtp_reply *r, size_t *used, const char **why);

enum smtp_event {
	SMTP_EV_NONE,		/* nothing to report: send the output, read more */
	SMTP_EV_STARTTLS,	/* do the TLS handshake now, then smtp_tls_started() */
	SMTP_EV_READY,		/* session ready: smtp_send_mail() or smtp_quit() */
	SMTP_EV_SENT,		/* the mail was accepted; ready for the next */
	SMTP_EV_REJECTED,	/* the mail was refused (reply_code 4xx/5xx); ready */
	SMTP_EV_CLOSED,		/* QUIT answered: close the connection */
	SMTP_EV_FAILED,		/* the session is unusable: error says why */
};

enum smtp_state {
	SMTP_S_GREETING, SMTP_S_EHLO, SMTP_S_HELO, SMTP_S_STARTTLS,
	SMTP_S_AUTH_PLAIN, SMTP_S_AUTH_LOGIN, SMTP_S_AUTH_USER, SMTP_S_AUTH_PASS,
	SMTP_S_READY, SMTP_S_MAIL, SMTP_S_RCPT, SMTP_S_DATA, SMTP_S_BODY,
	SMTP_S_RSET, SMTP_S_QUIT, SMTP_S_CLOSED, SMTP_S_FAILED,
};

struct smtp_client {
	enum smtp_state state;
	const char *helo_name;
	const char *username, *password;	/* NULL: no AUTH */
	bool tls_active;		/* implicit TLS, or after STARTTLS */
	bool tls_possible;		/* the driver can do STARTTLS */
	bool offered_starttls, offered_plain, offered_login;
	char in[SMTP_IN_MAX];
	size_t inlen;
	char *out;			/* bytes to send (owned) */
	size_t outlen, outcap;
	/* the mail in progress (borrowed until SENT/REJECTED) */
	const char *rcpt;
	const char *data;
	size_t datalen;
	int reply_code;			/* the last reply's code */
	char reply_text[160];
	char error[256];
};

/* Start a session; nothing is sent until the greeting arrives. */
void smtp_init(struct smtp_client *c, const char *helo_name,
    const char *username, const char *password, bool tls_active,
    bool tls_possible);
void smtp_free(struct smtp_client *c);
/* Bytes received.  Returns what happened; check c->outlen afterwards. */
enum smtp_event smtp_feed(struct smtp_client *c, const char *buf, size_t len);
/* The connection closed (EOF) while the session expected more. */
enum smtp_event smtp_eof(struct smtp_client *c);
/* The STARTTLS handshake succeeded: EHLO again (RFC 3207). */
void smtp_tls_started(struct smtp_client *c);
/* In state READY: one message from `from` to `rcpt`; data is the message
 * (headers, blank line, body) with any line ends: it is sent with CRLF and
 * dot-stuffed.  False when an address could smuggle commands (CR, LF, <, >,
 * control bytes) or the state is wrong. */
bool smtp_send_mail(struct smtp_client *c, const char *from, const char *rcpt,
    const char *data, size_t datalen);
void smtp_quit(struct smtp_client *c);
/* The driver sent n bytes of c->out. */
void smtp_consumed(struct smtp_client *c, size_t n);
/* A printable, bounded copy of an address or text for logs and commands. */
bool smtp_address_ok(const char *a);

#endif
