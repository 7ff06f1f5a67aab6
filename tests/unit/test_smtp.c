/* The SMTP client state machine on recorded transcripts: a real aiosmtpd
 * 1.4.3 exchange, STARTTLS with AUTH PLAIN and LOGIN, and broken servers
 * (garbage, 5xx, truncated, over-long, too many lines, text after a
 * reply). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "monitor/alert/smtp.h"

/* What the client has to send, as a string; then consumed. */
static char sent[8192];

static const char *
take(struct smtp_client *c)
{
	size_t n = c->outlen < sizeof(sent) - 1 ? c->outlen : sizeof(sent) - 1;

	memcpy(sent, c->out, n);
	sent[n] = '\0';
	smtp_consumed(c, c->outlen);
	return sent;
}

static enum smtp_event
feed(struct smtp_client *c, const char *s)
{
	return smtp_feed(c, s, strlen(s));
}

/* Recorded from aiosmtpd 1.4.3 (tests/integration/smtp_sink.py). */
static const char AIO_GREETING[] = "220 localhost Python SMTP 1.4.3\r\n";
static const char AIO_EHLO[] = "250-localhost\r\n250-SIZE 33554432\r\n"
    "250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n";

static void
test_aiosmtpd_transcript(void **state)
{
	struct smtp_client c;
	const char msg[] = "Subject: t\n\n.hidden line\nbody\n";

	(void)state;
	smtp_init(&c, "vigil.test", NULL, NULL, false, true);
	assert_int_equal(c.outlen, 0);
	assert_int_equal(feed(&c, AIO_GREETING), SMTP_EV_NONE);
	assert_string_equal(take(&c), "EHLO vigil.test\r\n");
	assert_int_equal(feed(&c, AIO_EHLO), SMTP_EV_READY);
	assert_false(c.offered_starttls);
	assert_true(smtp_send_mail(&c, "a@b.c", "x@y.z", msg, strlen(msg)));
	assert_string_equal(take(&c), "MAIL FROM:<a@b.c>\r\n");
	assert_int_equal(feed(&c, "250 OK\r\n"), SMTP_EV_NONE);
	assert_string_equal(take(&c), "RCPT TO:<x@y.z>\r\n");
	assert_int_equal(feed(&c, "250 OK\r\n"), SMTP_EV_NONE);
	assert_string_equal(take(&c), "DATA\r\n");
	assert_int_equal(feed(&c, "354 End data with <CR><LF>.<CR><LF>\r\n"),
	    SMTP_EV_NONE);
	/* CRLF line ends, a leading dot doubled, the final dot */
	assert_string_equal(take(&c), "Subject: t\r\n\r\n..hidden line\r\nbody\r\n.\r\n");
	assert_int_equal(feed(&c, "250 OK\r\n"), SMTP_EV_SENT);
	smtp_quit(&c);
	assert_string_equal(take(&c), "QUIT\r\n");
	assert_int_equal(feed(&c, "221 Bye\r\n"), SMTP_EV_CLOSED);
	smtp_free(&c);
}

/* Bytes arrive in any pieces: one at a time works as well. */
static void
test_byte_by_byte(void **state)
{
	struct smtp_client c;
	enum smtp_event ev = SMTP_EV_NONE;

	(void)state;
	smtp_init(&c, "h", NULL, NULL, false, true);
	for (size_t i = 0; AIO_GREETING[i]; i++)
		assert_int_equal(smtp_feed(&c, AIO_GREETING + i, 1), SMTP_EV_NONE);
	take(&c);
	for (size_t i = 0; AIO_EHLO[i]; i++)
		ev = smtp_feed(&c, AIO_EHLO + i, 1);
	assert_int_equal(ev, SMTP_EV_READY);
	smtp_free(&c);
}

static void
test_starttls_auth_plain(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", "alice", "s3cret", false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	assert_int_equal(feed(&c, "250-localhost\r\n250-STARTTLS\r\n250 HELP\r\n"),
	    SMTP_EV_NONE);
	assert_string_equal(take(&c), "STARTTLS\r\n");
	assert_int_equal(feed(&c, "220 Ready to start TLS\r\n"), SMTP_EV_STARTTLS);
	smtp_tls_started(&c);
	assert_string_equal(take(&c), "EHLO h\r\n");
	assert_int_equal(feed(&c, "250-localhost\r\n250-AUTH LOGIN PLAIN\r\n"
	    "250 HELP\r\n"), SMTP_EV_NONE);
	/* base64("\0alice\0s3cret") */
	assert_string_equal(take(&c), "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n");
	assert_int_equal(feed(&c, "235 2.7.0 Authentication successful\r\n"),
	    SMTP_EV_READY);
	smtp_free(&c);
}

static void
test_auth_login_and_refusal(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", "alice", "s3cret", true, true);
	feed(&c, AIO_GREETING);
	take(&c);
	assert_int_equal(feed(&c, "250-x\r\n250 AUTH=LOGIN\r\n"), SMTP_EV_NONE);
	assert_string_equal(take(&c), "AUTH LOGIN\r\n");
	assert_int_equal(feed(&c, "334 VXNlcm5hbWU6\r\n"), SMTP_EV_NONE);
	assert_string_equal(take(&c), "YWxpY2U=\r\n");
	assert_int_equal(feed(&c, "334 UGFzc3dvcmQ6\r\n"), SMTP_EV_NONE);
	assert_string_equal(take(&c), "czNjcmV0\r\n");
	assert_int_equal(feed(&c, "535 5.7.8 Authentication credentials invalid\r\n"),
	    SMTP_EV_FAILED);
	assert_non_null(strstr(c.error, "authentication refused: 535"));
	smtp_free(&c);
}

/* A password never goes out unencrypted: no STARTTLS offered, no AUTH. */
static void
test_no_password_in_clear(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", "alice", "s3cret", false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	assert_int_equal(feed(&c, "250-x\r\n250 AUTH PLAIN LOGIN\r\n"), SMTP_EV_FAILED);
	assert_int_equal(c.outlen, 0);
	assert_non_null(strstr(c.error, "unencrypted"));
	smtp_free(&c);
}

/* STARTTLS injection: plaintext after the 220 must not reach the TLS
 * session (it would be taken as the answer to the next command). */
static void
test_starttls_injection_refused(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", NULL, NULL, false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	feed(&c, "250-x\r\n250 STARTTLS\r\n");
	take(&c);
	assert_int_equal(feed(&c, "220 go\r\n250 injected\r\n"), SMTP_EV_FAILED);
	assert_non_null(strstr(c.error, "before it was asked"));
	smtp_free(&c);
}

static void
test_rejections(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", NULL, NULL, false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	feed(&c, "250 ok\r\n");
	assert_true(smtp_send_mail(&c, "a@b", "nobody@y", "x", 1));
	take(&c);
	feed(&c, "250 OK\r\n");
	take(&c);
	/* recipient refused: reset, report 550, ready for the next */
	assert_int_equal(feed(&c, "550 5.1.1 no such user\r\n"), SMTP_EV_NONE);
	assert_string_equal(take(&c), "RSET\r\n");
	assert_int_equal(feed(&c, "250 OK\r\n"), SMTP_EV_REJECTED);
	assert_int_equal(c.reply_code, 550);
	assert_string_equal(c.reply_text, "5.1.1 no such user");
	assert_int_equal(c.state, SMTP_S_READY);
	/* greylisted at the end of DATA */
	assert_true(smtp_send_mail(&c, "a@b", "x@y", "x", 1));
	feed(&c, "250 OK\r\n");
	feed(&c, "250 OK\r\n");
	feed(&c, "354 go\r\n");
	take(&c);
	assert_int_equal(feed(&c, "451 4.7.1 try later\r\n"), SMTP_EV_REJECTED);
	assert_int_equal(c.reply_code, 451);
	smtp_free(&c);
}

static void
test_broken_greetings(void **state)
{
	static const char *const bad[] = {
		"554 no service for you\r\n",
		"SSH-2.0-OpenSSH_9.2\r\n",
		"HTTP/1.1 400 Bad Request\r\n",
		"220-one\r\n221 two\r\n",	/* codes disagree */
		"\r\n",
		"99 x\r\n",
		"600 x\r\n",
		"220x\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct smtp_client c;

		smtp_init(&c, "h", NULL, NULL, false, true);
		assert_int_equal(feed(&c, bad[i]), SMTP_EV_FAILED);
		assert_int_equal(c.outlen, 0);
		smtp_free(&c);
	}
}

static void
test_truncated_and_eof(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", NULL, NULL, false, true);
	assert_int_equal(feed(&c, "220 hel"), SMTP_EV_NONE);
	assert_int_equal(smtp_eof(&c), SMTP_EV_FAILED);
	assert_non_null(strstr(c.error, "middle of a reply"));
	smtp_free(&c);
	smtp_init(&c, "h", NULL, NULL, false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	assert_int_equal(feed(&c, "250-x\r\n250-y\r\n"), SMTP_EV_NONE);
	assert_int_equal(smtp_eof(&c), SMTP_EV_FAILED);
	smtp_free(&c);
}

static void
test_overlong_and_too_many_lines(void **state)
{
	struct smtp_client c;
	char line[SMTP_LINE_MAX + 16];
	enum smtp_event ev = SMTP_EV_NONE;

	(void)state;
	/* one line longer than the bound, fed in pieces */
	smtp_init(&c, "h", NULL, NULL, false, true);
	memset(line, 'a', sizeof(line));
	memcpy(line, "220 ", 4);
	for (size_t off = 0; off < sizeof(line) && ev == SMTP_EV_NONE; off += 100)
		ev = smtp_feed(&c, line + off, sizeof(line) - off < 100 ?
		    sizeof(line) - off : 100);
	assert_int_equal(ev, SMTP_EV_FAILED);
	assert_non_null(strstr(c.error, "too long"));
	smtp_free(&c);
	/* a multi-line reply that never ends */
	smtp_init(&c, "h", NULL, NULL, false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	ev = SMTP_EV_NONE;
	for (int i = 0; i < SMTP_REPLY_LINES_MAX + 2 && ev == SMTP_EV_NONE; i++) {
		ev = feed(&c, "250-more\r\n");
		if (ev == SMTP_EV_NONE && c.inlen > SMTP_IN_MAX - 16)
			break;
	}
	assert_int_equal(ev, SMTP_EV_FAILED);
	smtp_free(&c);
}

static void
test_reply_parser_bounds(void **state)
{
	struct smtp_reply r;
	const char *why = NULL;
	size_t used;
	char big[SMTP_REPLY_LINES_MAX * 8 + 16];
	size_t n = 0;

	(void)state;
	assert_int_equal(smtp_reply_parse("250 ok\r\nextra", 13, &r, &used, &why),
	    SMTP_PARSE_OK);
	assert_int_equal(used, 8);
	assert_int_equal(r.code, 250);
	assert_int_equal(smtp_reply_parse("250\n", 4, &r, &used, &why), SMTP_PARSE_OK);
	assert_int_equal(smtp_reply_parse("25", 2, &r, &used, &why),
	    SMTP_PARSE_INCOMPLETE);
	assert_int_equal(smtp_reply_parse("2x", 2, &r, &used, &why), SMTP_PARSE_BAD);
	for (int i = 0; i <= SMTP_REPLY_LINES_MAX; i++) {
		memcpy(big + n, "250-abc\n", 8);
		n += 8;
	}
	memcpy(big + n, "250 e\n", 6);
	n += 6;
	assert_int_equal(smtp_reply_parse(big, n, &r, &used, &why), SMTP_PARSE_BAD);
	assert_non_null(strstr(why, "too many lines"));
	/* control bytes in the text are not passed on to logs */
	assert_int_equal(smtp_reply_parse("550 a\033[2Jb\r\n", 12, &r, &used, &why),
	    SMTP_PARSE_OK);
	assert_string_equal(r.text, "a?[2Jb");
}

static void
test_addresses_cannot_smuggle_commands(void **state)
{
	struct smtp_client c;

	(void)state;
	smtp_init(&c, "h", NULL, NULL, false, true);
	feed(&c, AIO_GREETING);
	take(&c);
	feed(&c, "250 ok\r\n");
	assert_false(smtp_send_mail(&c, "a@b", "x@y>\r\nRCPT TO:<evil@z", "x", 1));
	assert_false(smtp_send_mail(&c, "a@b\r\nDATA", "x@y", "x", 1));
	assert_false(smtp_send_mail(&c, "", "x@y", "x", 1));
	assert_int_equal(c.outlen, 0);
	smtp_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aiosmtpd_transcript),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_starttls_auth_plain),
		cmocka_unit_test(test_auth_login_and_refusal),
		cmocka_unit_test(test_no_password_in_clear),
		cmocka_unit_test(test_starttls_injection_refused),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_broken_greetings),
		cmocka_unit_test(test_truncated_and_eof),
		cmocka_unit_test(test_overlong_and_too_many_lines),
		cmocka_unit_test(test_reply_parser_bounds),
		cmocka_unit_test(test_addresses_cannot_smuggle_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
