/* SMTP client state machine: see smtp.h.  No I/O here. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "monitor/alert/smtp.h"

static bool
set_bad(const char **why, const char *what)
{
	if (why != NULL)
		*why = what;
	return false;
}

/* Does word (case-insensitive) appear as a blank-separated token of text? */
static bool
has_word(const char *text, size_t len, const char *word)
{
	size_t wl = strlen(word), i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && text[j] != ' ' && text[j] != '=')
			j++;
		if (j - i == wl && strncasecmp(text + i, word, wl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* EHLO keywords this client uses (RFC 3207, RFC 4954; "AUTH=" is the old
 * form some servers still send). */
static void
ehlo_keyword(struct smtp_reply *r, const char *text, size_t len)
{
	if (len == 8 && strncasecmp(text, "STARTTLS", 8) == 0)
		r->starttls = true;
	else if (len > 5 && (strncasecmp(text, "AUTH ", 5) == 0 ||
	    strncasecmp(text, "AUTH=", 5) == 0)) {
		if (has_word(text + 5, len - 5, "PLAIN"))
			r->auth_plain = true;
		if (has_word(text + 5, len - 5, "LOGIN"))
			r->auth_login = true;
	}
}

enum smtp_parse
smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r,
    size_t *used, const char **why)
{
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	*used = 0;
	for (;;) {
		const char *line = buf + off, *nl;
		size_t avail = len - off, ll, tl;
		int code;
		bool last;

		nl = memchr(line, '\n', avail > SMTP_LINE_MAX ? SMTP_LINE_MAX : avail);
		if (nl == NULL) {
			if (avail >= SMTP_LINE_MAX) {
				set_bad(why, "reply line too long");
				return SMTP_PARSE_BAD;
			}
			/* Judge what is there already: garbage need not wait. */
			for (size_t i = 0; i < avail && i < 3; i++)
				if (line[i] < '0' || line[i] > '9') {
					set_bad(why, "reply does not start with a code");
					return SMTP_PARSE_BAD;
				}
			if (avail > 3 && line[3] != ' ' && line[3] != '-') {
				set_bad(why, "malformed reply line");
				return SMTP_PARSE_BAD;
			}
			return SMTP_PARSE_INCOMPLETE;
		}
		ll = (size_t)(nl - line);	/* without the LF */
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' ||
		    line[1] > '9' || line[2] < '0' || line[2] > '9') {
			set_bad(why, "reply does not start with a code 200..599");
			return SMTP_PARSE_BAD;
		}
		if (ll > 3 && line[3] != ' ' && line[3] != '-') {
			set_bad(why, "malformed reply line");
			return SMTP_PARSE_BAD;
		}
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		if (r->nlines > 0 && code != r->code) {
			set_bad(why, "lines of a multi-line reply disagree on the code");
			return SMTP_PARSE_BAD;
		}
		if (r->nlines >= SMTP_REPLY_LINES_MAX) {
			set_bad(why, "reply has too many lines");
			return SMTP_PARSE_BAD;
		}
		r->code = code;
		last = ll == 3 || line[3] == ' ';
		tl = ll > 4 ? ll - 4 : 0;
		if (r->nlines == 0) {
			size_t n = tl < sizeof(r->text) - 1 ? tl : sizeof(r->text) - 1;

			for (size_t i = 0; i < n; i++) {
				unsigned char ch = (unsigned char)line[4 + i];
				r->text[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
			}
			r->text[n] = '\0';
		} else {
			ehlo_keyword(r, line + 4, tl);
		}
		r->nlines++;
		off += (size_t)(nl - line) + 1;
		if (last) {
			*used = off;
			return SMTP_PARSE_OK;
		}
	}
}

/* ---- output ---- */

static void
out_append(struct smtp_client *c, const char *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 512;

		while (cap < c->outlen + n)
			cap *= 2;
		c->out = xreallocarray(c->out, cap, 1);
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

static void out_printf(struct smtp_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct smtp_client *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	out_append(c, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void
smtp_consumed(struct smtp_client *c, size_t n)
{
	if (n >= c->outlen) {
		c->outlen = 0;
		return;
	}
	memmove(c->out, c->out + n, c->outlen - n);
	c->outlen -= n;
}

static void
out_base64(struct smtp_client *c, const unsigned char *p, size_t n)
{
	unsigned char *enc = xmalloc(4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock(enc, p, (int)n);

	if (len > 0)
		out_append(c, (const char *)enc, (size_t)len);
	free(enc);
}

/* The message with CRLF line ends, dot-stuffed, and the final ".". */
static void
out_body(struct smtp_client *c, const char *d, size_t n)
{
	bool bol = true;

	for (size_t i = 0; i < n; i++) {
		if (bol && d[i] == '.')
			out_append(c, ".", 1);
		if (d[i] == '\r')
			continue;	/* line ends are rewritten below */
		if (d[i] == '\n') {
			out_append(c, "\r\n", 2);
			bol = true;
			continue;
		}
		out_append(c, d + i, 1);
		bol = false;
	}
	if (!bol)
		out_append(c, "\r\n", 2);
	out_append(c, ".\r\n", 3);
}

/* ---- the session ---- */

void
smtp_init(struct smtp_client *c, const char *helo_name, const char *username,
    const char *password, bool tls_active, bool tls_possible)
{
	memset(c, 0, sizeof(*c));
	c->state = SMTP_S_GREETING;
	c->helo_name = helo_name && smtp_address_ok(helo_name) ? helo_name : "localhost";
	c->username = username;
	c->password = password;
	c->tls_active = tls_active;
	c->tls_possible = tls_possible;
}

void
smtp_free(struct smtp_client *c)
{
	if (c->out != NULL)
		OPENSSL_cleanse(c->out, c->outcap);	/* may hold credentials */
	free(c->out);
	c->out = NULL;
	c->outlen = c->outcap = 0;
}

static enum smtp_event fail(struct smtp_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum smtp_event
fail(struct smtp_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	c->state = SMTP_S_FAILED;
	return SMTP_EV_FAILED;
}

bool
smtp_address_ok(const char *a)
{
	if (a == NULL || a[0] == '\0' || strlen(a) > 254)
		return false;
	for (const char *p = a; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch <= 0x20 || ch >= 0x7f || ch == '<' || ch == '>')
			return false;
	}
	return true;
}

static void
send_ehlo(struct smtp_client *c)
{
	c->offered_starttls = c->offered_plain = c->offered_login = false;
	out_printf(c, "EHLO %s\r\n", c->helo_name);
	c->state = SMTP_S_EHLO;
}

/* After EHLO/HELO: STARTTLS if offered, then AUTH if configured. */
static enum smtp_event
after_hello(struct smtp_client *c)
{
	if (!c->tls_active && c->offered_starttls && c->tls_possible) {
		out_printf(c, "STARTTLS\r\n");
		c->state = SMTP_S_STARTTLS;
		return SMTP_EV_NONE;
	}
	if (c->username == NULL)
		goto ready;
	if (!c->tls_active)
		return fail(c, "will not send the password unencrypted: the server "
		    "offers no STARTTLS (use 'using tls' or a server that offers "
		    "STARTTLS)");
	if (c->offered_plain) {
		size_t ul = strlen(c->username), pl = strlen(c->password ?
		    c->password : "");
		unsigned char *b = xmalloc(ul + pl + 2);

		b[0] = '\0';
		memcpy(b + 1, c->username, ul);
		b[ul + 1] = '\0';
		memcpy(b + ul + 2, c->password ? c->password : "", pl);
		out_printf(c, "AUTH PLAIN ");
		out_base64(c, b, ul + pl + 2);
		out_append(c, "\r\n", 2);
		OPENSSL_cleanse(b, ul + pl + 2);
		free(b);
		c->state = SMTP_S_AUTH_PLAIN;
		return SMTP_EV_NONE;
	}
	if (c->offered_login) {
		out_printf(c, "AUTH LOGIN\r\n");
		c->state = SMTP_S_AUTH_LOGIN;
		return SMTP_EV_NONE;
	}
	return fail(c, "the server offers neither AUTH PLAIN nor AUTH LOGIN "
	    "but a username is set");
ready:
	c->state = SMTP_S_READY;
	return SMTP_EV_READY;
}

static enum smtp_event
step(struct smtp_client *c, const struct smtp_reply *r)
{
	int cls = r->code / 100;

	c->reply_code = r->code;
	strlcpy_v(c->reply_text, r->text, sizeof(c->reply_text));
	switch (c->state) {
	case SMTP_S_GREETING:
		if (r->code != 220)
			return fail(c, "greeting %d %s", r->code, r->text);
		send_ehlo(c);
		return SMTP_EV_NONE;
	case SMTP_S_EHLO:
		if (cls == 5) {		/* an old server: HELO */
			out_printf(c, "HELO %s\r\n", c->helo_name);
			c->state = SMTP_S_HELO;
			return SMTP_EV_NONE;
		}
		if (cls != 2)
			return fail(c, "EHLO refused: %d %s", r->code, r->text);
		c->offered_starttls = r->starttls;
		c->offered_plain = r->auth_plain;
		c->offered_login = r->auth_login;
		return after_hello(c);
	case SMTP_S_HELO:
		if (cls != 2)
			return fail(c, "HELO refused: %d %s", r->code, r->text);
		return after_hello(c);
	case SMTP_S_STARTTLS:
		if (r->code != 220)
			return fail(c, "STARTTLS refused: %d %s", r->code, r->text);
		return SMTP_EV_STARTTLS;
	case SMTP_S_AUTH_PLAIN:
	case SMTP_S_AUTH_PASS:
		if (r->code != 235)
			return fail(c, "authentication refused: %d %s", r->code, r->text);
		c->state = SMTP_S_READY;
		return SMTP_EV_READY;
	case SMTP_S_AUTH_LOGIN:
	case SMTP_S_AUTH_USER:
		if (r->code != 334)
			return fail(c, "authentication refused: %d %s", r->code, r->text);
		if (c->state == SMTP_S_AUTH_LOGIN) {
			out_base64(c, (const unsigned char *)c->username,
			    strlen(c->username));
			c->state = SMTP_S_AUTH_USER;
		} else {
			const char *pw = c->password ? c->password : "";

			out_base64(c, (const unsigned char *)pw, strlen(pw));
			c->state = SMTP_S_AUTH_PASS;
		}
		out_append(c, "\r\n", 2);
		return SMTP_EV_NONE;
	case SMTP_S_MAIL:
		if (cls != 2)
			goto rejected;
		out_printf(c, "RCPT TO:<%s>\r\n", c->rcpt);
		c->state = SMTP_S_RCPT;
		return SMTP_EV_NONE;
	case SMTP_S_RCPT:
		if (cls != 2)
			goto rejected;
		out_printf(c, "DATA\r\n");
		c->state = SMTP_S_DATA;
		return SMTP_EV_NONE;
	case SMTP_S_DATA:
		if (r->code != 354)
			goto rejected;
		out_body(c, c->data, c->datalen);
		c->state = SMTP_S_BODY;
		return SMTP_EV_NONE;
	case SMTP_S_BODY:
		c->data = NULL;
		c->state = SMTP_S_READY;
		if (cls != 2) {
			c->reply_code = r->code;
			return SMTP_EV_REJECTED;
		}
		return SMTP_EV_SENT;
	case SMTP_S_RSET:
		if (cls != 2)
			return fail(c, "RSET refused: %d %s", r->code, r->text);
		c->state = SMTP_S_READY;
		/* report the refusal that made us reset */
		return SMTP_EV_REJECTED;
	case SMTP_S_QUIT:
		c->state = SMTP_S_CLOSED;
		return SMTP_EV_CLOSED;
	case SMTP_S_READY:
	case SMTP_S_CLOSED:
	case SMTP_S_FAILED:
		break;
	}
	return fail(c, "unexpected reply %d %s", r->code, r->text);
rejected:
	/* Remember the refusal, then reset the transaction for the next mail. */
	{
		int code = r->code;
		char text[sizeof(c->reply_text)];

		strlcpy_v(text, r->text, sizeof(text));
		out_printf(c, "RSET\r\n");
		c->state = SMTP_S_RSET;
		c->data = NULL;
		c->reply_code = code;
		strlcpy_v(c->reply_text, text, sizeof(c->reply_text));
		return SMTP_EV_NONE;
	}
}

enum smtp_event
smtp_feed(struct smtp_client *c, const char *buf, size_t len)
{
	enum smtp_event ev = SMTP_EV_NONE;
	struct smtp_reply r;
	const char *why = NULL;
	size_t used;
	int saved_code = 0;
	char saved_text[sizeof(c->reply_text)];

	if (c->state == SMTP_S_FAILED || c->state == SMTP_S_CLOSED)
		return c->state == SMTP_S_FAILED ? SMTP_EV_FAILED : SMTP_EV_CLOSED;
	if (len > sizeof(c->in) - c->inlen)
		return fail(c, "server sent more than %zu bytes at once", sizeof(c->in));
	memcpy(c->in + c->inlen, buf, len);
	c->inlen += len;
	switch (smtp_reply_parse(c->in, c->inlen, &r, &used, &why)) {
	case SMTP_PARSE_BAD:
		return fail(c, "not an SMTP reply: %s", why ? why : "malformed");
	case SMTP_PARSE_INCOMPLETE:
		return SMTP_EV_NONE;
	case SMTP_PARSE_OK:
		break;
	}
	/* We never pipeline: a reply always answers the one command sent, and
	 * anything after it is the server speaking out of turn (after STARTTLS
	 * it would be plaintext injected into the TLS session). */
	if (used != c->inlen)
		return fail(c, "server sent data before it was asked");
	c->inlen = 0;
	if (c->state == SMTP_S_RSET) {
		saved_code = c->reply_code;
		strlcpy_v(saved_text, c->reply_text, sizeof(saved_text));
	}
	ev = step(c, &r);
	if (ev == SMTP_EV_REJECTED && saved_code != 0) {
		c->reply_code = saved_code;
		strlcpy_v(c->reply_text, saved_text, sizeof(c->reply_text));
	}
	return ev;
}

enum smtp_event
smtp_eof(struct smtp_client *c)
{
	if (c->state == SMTP_S_CLOSED || c->state == SMTP_S_QUIT) {
		c->state = SMTP_S_CLOSED;
		return SMTP_EV_CLOSED;
	}
	if (c->state == SMTP_S_FAILED)
		return SMTP_EV_FAILED;
	return fail(c, c->inlen ? "connection closed in the middle of a reply" :
	    "connection closed by the server");
}

void
smtp_tls_started(struct smtp_client *c)
{
	c->tls_active = true;
	c->inlen = 0;
	send_ehlo(c);
}

bool
smtp_send_mail(struct smtp_client *c, const char *from, const char *rcpt,
    const char *data, size_t datalen)
{
	if (c->state != SMTP_S_READY || !smtp_address_ok(from) ||
	    !smtp_address_ok(rcpt))
		return false;
	c->rcpt = rcpt;
	c->data = data;
	c->datalen = datalen;
	out_printf(c, "MAIL FROM:<%s>\r\n", from);
	c->state = SMTP_S_MAIL;
	return true;
}

void
smtp_quit(struct smtp_client *c)
{
	if (c->state == SMTP_S_FAILED || c->state == SMTP_S_CLOSED)
		return;
	out_printf(c, "QUIT\r\n");
	c->state = SMTP_S_QUIT;
}
