/* Protocol modules, sans I/O: for each, the exchange of the real server
 * (answers as Debian 12's servers give them), an impostor answering
 * "NOT-A-PROTOCOL 42", a server closing early, and the broken answers
 * that module must refuse.  The reason names the protocol and says what
 * was seen and what was expected. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "parse_fixture.h"
#include "transcript.h"

static const unsigned char NONCE[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
	0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8 };

static struct config *cf;

/* The connection of "if failed port 1 <opts> then alert". */
static const struct connection *
conn(const char *opts)
{
	char rc[2048];

	/* alerts go somewhere: -t's warnings here are the connection's own */
	snprintf(rc, sizeof(rc), "set mailserver localhost\nset alert ops@example.com\n"
	    "check host x address 127.0.0.1\n"
	    "  if failed port 1 %s then alert\n", opts);
	if (cf)
		config_free(cf);
	cf = parse(rc);
	if (cf == NULL || nerrors)
		fail_msg("parse: %s", errtext ? errtext : "?");
	return cf->services->tests->conn;
}

static struct transcript T;

static enum proto_result
play(const char *opts, const struct chunk *ch, size_t n, bool close_at_end)
{
	const struct connection *c = conn(opts);
	const struct proto_module *m = proto_find(c->protocol ? c->protocol : "generic");

	assert_non_null(m);
	transcript_run(m, c, ch, n, close_at_end, c->type == CONN_UDP, NONCE, &T);
	return T.r;
}

#define PLAY(opts, close, ...) do { \
	const struct chunk ch_[] = { __VA_ARGS__ }; \
	play(opts, ch_, sizeof(ch_) / sizeof(ch_[0]), close); \
} while (0)

static void
assert_reason(const char *want)
{
	if (strstr(T.reason, want) == NULL)
		fail_msg("reason '%s' lacks '%s'", T.reason, want);
}

static bool
sent(const char *s)
{
	return memmem(T.sent, T.sentlen, s, strlen(s)) != NULL;
}

/* Every line protocol refuses the impostor with its own name. */
static void
test_impostor_fails_everywhere(void **state)
{
	static const char *const protos[] = { "http", "smtp", "lmtp", "ssh", "redis",
		"mysql", "pgsql", "memcache", "imap", "pop", "ftp", "nntp", "clamav",
		"rsync", "sieve", "spamassassin", "postfix-policy", "gps", "fail2ban",
		"mqtt", "websocket", "sip", "ldap3", "ldap2", "mongodb", "dns",
		"apache-status", "dwp", "tns", NULL };
	char opts[64], up[32];

	(void)state;
	for (int i = 0; protos[i]; i++) {
		snprintf(opts, sizeof(opts), "protocol %s", protos[i]);
		PLAY(opts, true, CHUNK("NOT-A-PROTOCOL 42\r\n"));
		if (T.r != PROTO_FAIL)
			fail_msg("%s passed the impostor (%s)", protos[i], T.reason);
		for (int k = 0; protos[i][k] && k < 31; k++)
			up[k] = (char)toupper((unsigned char)protos[i][k]), up[k + 1] = 0;
		if (strncmp(T.reason, up, strlen(up)) != 0)
			fail_msg("%s: reason '%s' does not name the protocol", protos[i], T.reason);
	}
	/* the example of the issue, word for word */
	PLAY("protocol smtp", true, CHUNK("NOT-A-PROTOCOL 42\r\n"));
	assert_string_equal(T.reason,
	    "SMTP: server greeting was 'NOT-A-PROTOCOL 42', expected 220");
	PLAY("protocol http", false, CHUNK("NOT-A-PROTOCOL 42\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("status line was 'NOT-A-PROTOCOL 42', expected 'HTTP/1.x NNN'");
}

static void
test_http(void **state)
{
	(void)state;
	/* an IPv6 address in Host goes in brackets (nginx answers 400 without) */
	PLAY("protocol http hostheader \"::1\"", false,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
	assert_true(sent("\r\nHost: [::1]\r\n"));
	PLAY("protocol http hostheader \"[::1]\"", false,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
	assert_true(sent("\r\nHost: [::1]\r\n"));
	/* nginx 1.22, a static page */
	PLAY("protocol http request \"/a b?x=1\" hostheader \"example.org\"", true,
	    CHUNK("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n"
	    "Content-Length: 12\r\nConnection: close\r\n\r\nhello world\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("GET /a%20b?x=1 HTTP/1.1\r\nHost: example.org\r\n"));
	/* the status line decides before the body */
	PLAY("protocol http status = 404", false, CHUNK("HTTP/1.1 404 Not Found\r\n\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol http", false, CHUNK("HTTP/1.1 503 Service Unavailable\r\n\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("status 503, expected below 400");
	/* content compared */
	PLAY("protocol http content = \"wor+ld\"", false,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello "), CHUNK("world\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol http content = \"^up$\"", false,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\ndown\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("does not match '^up$'");
	PLAY("protocol http content != \"error\"", true,
	    CHUNK("HTTP/1.1 200 OK\r\n\r\nan error page"));
	assert_int_equal(T.r, PROTO_FAIL);
	/* a body cut short */
	PLAY("protocol http content = \"x\"", true,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nxx"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("closed after 2 of 100 body bytes");
	/* chunked: judged when the last chunk came */
	PLAY("protocol http content = \"hello\"", false,
	    CHUNK("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	/* checksum: md5("hello world\n") */
	PLAY("protocol http checksum 6f5902ac237024bdd0c176cb93063dc4", false,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol http checksum 6f5902ac237024bdd0c176cb93063dc5", false,
	    CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("checksum of the document is 6f5902ac237024bdd0c176cb93063dc4");
	/* method, headers, basic auth from the url */
	PLAY("method HEAD http headers [X-Probe: 1, \"Host: vhost.example\"] protocol http",
	    false, CHUNK("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("HEAD / HTTP/1.1\r\n"));
	assert_true(sent("X-Probe: 1\r\nHost: vhost.example\r\n"));
	assert_false(sent("Host: localhost"));
	{
		const struct chunk ok[] = { CHUNK("HTTP/1.0 200 OK\r\n\r\n") };
		const struct connection *c;

		config_free(cf);
		cf = parse("check host x address 127.0.0.1\n"
		    " if failed url http://user:pa%20ss@127.0.0.1:81/p then alert\n");
		c = cf->services->tests->conn;
		transcript_run(proto_find("http"), c, ok, 1, true, false, NONCE, &T);
		assert_int_equal(T.r, PROTO_PASS);
		/* base64("user:pa%20ss") */
		assert_true(sent("Authorization: Basic dXNlcjpwYSUyMHNz\r\n"));
	}
	/* garbage headers, endless headers */
	PLAY("protocol http", true, CHUNK("HTTP/1.1 200 OK\r\nX: y"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("closed inside the response headers");
	PLAY("protocol http", true, CHUNK("HTTP/1.1 2000 OK\r\n\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
}

static void
test_generic_send_expect(void **state)
{
	(void)state;
	/* a mismatch fails at once, saying what was expected and received */
	PLAY("send \"HELLO\\r\\n\" expect \"^OK\"", false, CHUNK("NOPE go away\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_string_equal(T.reason, "GENERIC: expected '^OK', got 'NOPE go away\\x0d\\x0a'");
	PLAY("send \"HELLO\\r\\n\" expect \"^OK\" send \"BYE\\r\\n\" expect \"bye\"", false,
	    CHUNK("OK ready\r\n"), CHUNK("bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_int_equal(T.sentlen, 12);
	/* \0xHH escapes in both directions, NUL included */
	PLAY("send \"\\0xFF\\0x00ping\" expect \"\\0x01pong\"", false, CHUNK("\x01pong"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_int_equal(T.sentlen, 6);
	assert_memory_equal(T.sent, "\xff\0ping", 6);
	/* a partial line waits; the server closing decides */
	PLAY("expect \"^220\"", true, CHUNK("22"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("expect \"^220\"", false, CHUNK("22"));
	assert_int_equal(T.r, PROTO_MORE);
}

static void
test_smtp(void **state)
{
	(void)state;
	/* Postfix 3.7 on Debian 12 */
	PLAY("protocol smtp", false,
	    CHUNK("220 mail.example ESMTP Postfix (Debian/GNU)\r\n"),
	    CHUNK("250-mail.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	    "250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n"
	    "250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"),
	    CHUNK("221 2.0.0 Bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("EHLO localhost\r\nQUIT\r\n"));
	/* multi-line greeting */
	PLAY("protocol smtp", false, CHUNK("220-first\r\n220-second\r\n220 ready\r\n"),
	    CHUNK("250 ok\r\n"), CHUNK("221 bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	/* refused, and STARTTLS */
	PLAY("protocol smtp", false, CHUNK("554 5.7.1 go away\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("server greeting was '554 5.7.1 go away', expected 220");
	PLAY("protocol smtps port 587", false, CHUNK("220 hi\r\n"),
	    CHUNK("250-hi\r\n250-STARTTLS\r\n250 8BITMIME\r\n"), CHUNK("220 go ahead\r\n"),
	    CHUNK("250 hi again\r\n"), CHUNK("221 bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(T.starttls);
	assert_true(sent("STARTTLS\r\nEHLO localhost\r\nQUIT\r\n"));
	PLAY("protocol smtps port 587", false, CHUNK("220 hi\r\n"), CHUNK("250 hi\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("does not offer STARTTLS");
	/* LMTP says LHLO */
	PLAY("protocol lmtp", false, CHUNK("220 lmtp\r\n"), CHUNK("250 ok\r\n"),
	    CHUNK("221 bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("LHLO localhost\r\n"));
}

/* STARTTLS for the mail stores (dovecot 2.3's answers), and when a test
 * gets it: Monit's ports (25, 587, 143; 110 for POP), or smtps/imaps/pops
 * on a port other than their implicit-TLS one. */
static void
test_mail_store_starttls(void **state)
{
	(void)state;
	PLAY("protocol imaps port 10143", false,
	    CHUNK("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
	    "LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.\r\n"),
	    CHUNK("V0 OK Begin TLS negotiation now.\r\n"),
	    CHUNK("* BYE Logging out\r\nV1 OK Logout completed (0.001 + 0.000 secs).\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(T.starttls);
	assert_true(sent("V0 STARTTLS\r\nV1 LOGOUT\r\n"));
	assert_reason("IMAP: greeting * OK, STARTTLS OK, LOGOUT OK over TLS");
	/* a server without TLS answers BAD: the test fails, naming it */
	PLAY("protocol imap port 143 ssl", false, CHUNK("* OK ready\r\n"),
	    CHUNK("V0 BAD Unknown command.\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_false(T.starttls);
	assert_reason("IMAP: answer to STARTTLS was 'V0 BAD Unknown command.', expected 'V0 OK'");
	PLAY("protocol pops port 10110", false, CHUNK("+OK Dovecot (Debian) ready.\r\n"),
	    CHUNK("+OK Begin TLS negotiation now.\r\n"), CHUNK("+OK Logging out.\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(T.starttls);
	assert_true(sent("STLS\r\nQUIT\r\n"));
	assert_reason("POP: greeting +OK, STLS +OK, QUIT +OK over TLS");
	PLAY("protocol pop port 110 tls", false, CHUNK("+OK ready\r\n"),
	    CHUNK("-ERR Unknown command: STLS\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("POP: answer to STLS was '-ERR Unknown command: STLS', expected '+OK'");
	/* a plain test stays plain */
	PLAY("protocol imap port 143", false, CHUNK("* OK ready\r\n"),
	    CHUNK("V1 OK bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_false(T.starttls);
	/* the rule */
	assert_true(proto_wants_starttls(conn("protocol imaps port 143")));
	assert_true(proto_wants_starttls(conn("protocol imap port 143 ssl")));
	assert_true(proto_wants_starttls(conn("protocol imaps port 10143")));
	assert_false(proto_wants_starttls(conn("protocol imaps port 993")));
	assert_false(proto_wants_starttls(conn("protocol imap port 10993 ssl")));
	assert_false(proto_wants_starttls(conn("protocol imaps port 10143 type tcpssl")));
	assert_false(proto_wants_starttls(conn("protocol imap port 143")));
	assert_true(proto_wants_starttls(conn("protocol pops port 110")));
	assert_false(proto_wants_starttls(conn("protocol pops port 995")));
	assert_true(proto_wants_starttls(conn("protocol smtp port 25 ssl")));
	assert_true(proto_wants_starttls(conn("protocol smtps port 587")));
	assert_false(proto_wants_starttls(conn("protocol smtps port 465")));
	assert_false(proto_wants_starttls(conn("protocol https port 143")));
}

static void
test_line_protocols(void **state)
{
	(void)state;
	PLAY("protocol ftp", false, CHUNK("220 (vsFTPd 3.0.3)\r\n"), CHUNK("221 Goodbye.\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol ftp", false, CHUNK("220-Welcome\r\n to the server\r\n220 ready\r\n"),
	    CHUNK("221 bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol ftp", true, CHUNK("421 Too many users\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("protocol nntp", false, CHUNK("200 news ready\r\n"), CHUNK("205 bye\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol ssh", false, CHUNK("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol ssh", false, CHUNK("SSH-1.5-old\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("protocol redis", false, CHUNK("+PONG\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol redis", false, CHUNK("-NOAUTH Authentication required.\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("REDIS: answer to PING was '-NOAUTH");
	PLAY("protocol memcache", false, CHUNK("VERSION 1.6.18\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol imap", false, CHUNK("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS "
	    "ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n"),
	    CHUNK("* BYE Logging out\r\nV1 OK Logout completed (0.001 + 0.000 secs).\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol imap", false, CHUNK("* BYE no\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("protocol pop", false, CHUNK("+OK Dovecot (Debian) ready.\r\n"),
	    CHUNK("+OK Logging out.\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol pop", false, CHUNK("-ERR busy\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("protocol clamav", false, CHUNK("PONG\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol spamassassin", false, CHUNK("SPAMD/1.5 0 PONG\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol rsync", false, CHUNK("@RSYNCD: 31.0\n"),
	    CHUNK("data\tdata files\n@RSYNCD: EXIT\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol rsync", false, CHUNK("@RSYNCD: 31.0\n"), CHUNK("@ERROR: access denied\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("protocol sieve", false, CHUNK("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n"
	    "\"SIEVE\" \"fileinto\"\r\nOK \"ready.\"\r\n"), CHUNK("OK \"Logout\"\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol postfix-policy", false, CHUNK("action=DUNNO\n\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol gps", false, CHUNK("{\"class\":\"VERSION\",\"release\":\"3.22\"}\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol fail2ban", false,
	    CHUNK("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00K\x00\x8c\x04pong\x86\x94."
	    "<F2B_END_COMMAND>"));
	assert_int_equal(T.r, PROTO_PASS);
}

static void
test_databases(void **state)
{
	/* MariaDB 10.11 handshake (trimmed salt) */
	static const char maria[] = "\x5b\x00\x00\x00\x0a" "5.5.5-10.11.6-MariaDB-0+deb12u1\x00"
	    "\x03\x00\x00\x00" "abcdefgh" "\x00\xfe\xf7\x2d\x02\x00\xff\x81\x15\x00\x00\x00"
	    "\x00\x00\x00\x1d\x00\x00\x00" "ijklmnopqrst\x00" "mysql_native_password\x00";
	static const char pg_noauth[] = "E\x00\x00\x00\x5cSFATAL\x00VFATAL\x00" "C28000\x00"
	    "Mrole \"vigil\" does not exist\x00" "Fpostinit.c\x00L1000\x00RInitializeSessionInfo\x00\x00";
	static const char pg_toomany[] = "E\x00\x00\x00\x25SFATAL\x00" "C53300\x00"
	    "Mtoo many clients\x00\x00";

	(void)state;
	{
		const struct chunk ch[] = { { maria, sizeof(maria) - 1 } };
		play("protocol mysql", ch, 1, false);
		assert_int_equal(T.r, PROTO_PASS);
		assert_reason("10.11.6-MariaDB");
	}
	/* mysqls: the same server without TLS refuses the upgrade by its
	 * capabilities (no CLIENT_SSL, 0x0800) */
	{
		const struct chunk ch[] = { { maria, sizeof(maria) - 1 } };
		play("protocol mysqls", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
		assert_reason("MYSQL: server version '5.5.5-10.11.6-MariaDB-0+deb12u1' does not "
		    "offer TLS");
		assert_false(T.starttls);
	}
	/* with ssl-cert: SSL request, TLS, a login answered "access denied" */
	{
		char tls[sizeof(maria)];
		static const char denied[] = "\x48\x00\x00\x03\xff\x15\x04#28000"
		    "Access denied for user 'vigil'@'localhost' (using password: NO)";
		const struct chunk ch[] = { { tls, sizeof(tls) - 1 },
			{ denied, sizeof(denied) - 1 } };
		const struct chunk junk[] = { { tls, sizeof(tls) - 1 }, CHUNK("HTTP/1.1 200 OK\r\n") };

		memcpy(tls, maria, sizeof(maria));
		tls[4 + 32 + 14] = (char)0xfe;	/* capabilities: 0xfffe */
		tls[4 + 32 + 15] = (char)0xff;
		tls[0] = (char)(sizeof(maria) - 1 - 4);	/* the whole packet, salt and all */
		play("protocol mysqls", ch, 2, false);
		assert_int_equal(T.r, PROTO_PASS);
		assert_true(T.starttls);
		/* SSL request: 32 bytes, sequence 1, CLIENT_SSL; then the login, sequence 2 */
		assert_true(T.sentlen > 36);
		assert_memory_equal(T.sent, "\x20\x00\x00\x01", 4);
		assert_true(T.sent[5] & 0x08);
		assert_int_equal(T.sent[36 + 3], 2);
		assert_true(memmem(T.sent + 36, T.sentlen - 36, "vigil\0", 6) != NULL);
		assert_reason("TLS, login answered with error 1045 'Access denied for user");
		play("protocol mysqls", junk, 2, false);
		assert_int_equal(T.r, PROTO_FAIL);
		assert_reason("MYSQL: answer to the login 'HTTP/1.1 200 OK");
	}
	PLAY("protocol mysql", false, CHUNK("\x16\x00\x00\x00\xff\x6a\x04Host 'x' is blocked"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("error 1130");
	PLAY("protocol mysql", false, CHUNK("\x05\x00\x00\x00\x09zzzz"));
	assert_int_equal(T.r, PROTO_FAIL);
	{
		const struct chunk ch[] = { { pg_noauth, sizeof(pg_noauth) - 1 } };
		play("protocol pgsql", ch, 1, false);
		assert_int_equal(T.r, PROTO_PASS);
		assert_reason("28000");
	}
	{
		const struct chunk ch[] = { { pg_toomany, sizeof(pg_toomany) - 1 } };
		play("protocol pgsql", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
		assert_reason("too many clients");
	}
	PLAY("protocol pgsql", false, CHUNK("R\x00\x00\x00\x08\x00\x00\x00\x0a"));
	assert_int_equal(T.r, PROTO_PASS);
}

static void
test_binary_protocols(void **state)
{
	unsigned char dns[32], ntp[48];

	(void)state;
	/* DNS over TCP: a REFUSED answer from dnsmasq to our id */
	memset(dns, 0, sizeof(dns));
	dns[1] = 12 + 5;
	memcpy(dns + 2, NONCE, 2);
	dns[4] = 0x80;
	dns[5] = 0x05;
	{
		const struct chunk ch[] = { { dns, 2 + 12 + 5 } };
		play("protocol dns", ch, 1, false);
		assert_int_equal(T.r, PROTO_PASS);
		assert_reason("REFUSED");
		dns[2] ^= 1;	/* another id */
		play("protocol dns", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
		dns[2] ^= 1;
		dns[5] = 0x02;	/* SERVFAIL */
		play("protocol dns", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
		assert_reason("SERVFAIL");
	}
	/* NTP: chrony at stratum 10 */
	memset(ntp, 0, sizeof(ntp));
	ntp[0] = 0x1c;
	ntp[1] = 10;
	memcpy(ntp + 24, NONCE, 8);
	{
		const struct chunk ch[] = { { ntp, 48 } };
		play("type udp protocol ntp3", ch, 1, false);
		assert_reason("stratum 10");
		assert_int_equal(T.r, PROTO_PASS);
		assert_int_equal(T.sentlen, 48);
		assert_int_equal(T.sent[0], 0x1b);
		ntp[1] = 0;
		play("type udp protocol ntp3", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
		assert_reason("kiss-o'-death");
		ntp[1] = 16;
		play("type udp protocol ntp3", ch, 1, false);
		assert_reason("not synchronised");
	}
	PLAY("type udp protocol ntp3", false, CHUNK("NOT-A-PROTOCOL 42\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	/* LDAP: slapd's bind response, success and refusal */
	PLAY("protocol ldap3", false, CHUNK("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00"));
	assert_int_equal(T.r, PROTO_PASS);
	PLAY("protocol ldap2", false, CHUNK("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x02\x04\x00\x04\x00"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("protocolError");
	PLAY("protocol ldap3", false, CHUNK("\x30\x84\xff\xff\xff\xff"));
	assert_int_equal(T.r, PROTO_FAIL);
	/* MQTT: mosquitto's CONNACK */
	PLAY("protocol mqtt", false, CHUNK("\x20\x02\x00\x00"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_int_equal(T.sent[0], 0x10);
	PLAY("protocol mqtt", false, CHUNK("\x20\x02\x00\x05"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("not authorized");
	/* rdate */
	{
		unsigned char t[4];
		uint32_t v = (uint32_t)(1700000000LL + 2208988800LL + 3);
		const struct chunk ch[] = { { t, 4 } };

		t[0] = (unsigned char)(v >> 24); t[1] = (unsigned char)(v >> 16);
		t[2] = (unsigned char)(v >> 8); t[3] = (unsigned char)v;
		play("protocol rdate", ch, 1, true);
		assert_int_equal(T.r, PROTO_PASS);
	}
	PLAY("protocol rdate", true, CHUNK("NOT"));
	assert_int_equal(T.r, PROTO_FAIL);
}

static void
test_websocket_sip_radius(void **state)
{
	char accept[200], resp[400], key[32], cat[96];
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dl;

	(void)state;
	EVP_EncodeBlock((unsigned char *)key, NONCE, 16);
	snprintf(cat, sizeof(cat), "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
	EVP_Digest(cat, strlen(cat), dig, &dl, EVP_sha1(), NULL);
	EVP_EncodeBlock((unsigned char *)accept, dig, (int)dl);
	snprintf(resp, sizeof(resp), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
	{
		const struct chunk ch[] = { { resp, strlen(resp) } };
		play("protocol websocket request \"/ws\"", ch, 1, false);
		assert_int_equal(T.r, PROTO_PASS);
		assert_true(sent("GET /ws HTTP/1.1\r\n"));
		assert_true(sent("Upgrade: websocket\r\n"));
		resp[strlen(resp) - 6] ^= 1;	/* a wrong accept key */
		play("protocol websocket", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
	}
	PLAY("type udp protocol sip target \"alice@example.org\" maxforward 6", false,
	    CHUNK("SIP/2.0 200 OK\r\nVia: x\r\n\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("OPTIONS sip:alice@example.org SIP/2.0\r\n"));
	assert_true(sent("Max-Forwards: 6\r\n"));
	PLAY("protocol sip", false, CHUNK("SIP/2.0 100 Trying\r\n\r\n"),
	    CHUNK("SIP/2.0 483 Too Many Hops\r\n\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("483");
}

static void
test_apache_status(void **state)
{
	(void)state;
	PLAY("protocol apache-status", true, CHUNK("HTTP/1.1 200 OK\r\n\r\n"
	    "Total Accesses: 1\nScoreboard: ____W___K_......\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("GET /server-status?auto HTTP/1.1\r\n"));
	PLAY("protocol apache-status loglimit > 10% or waitlimit < 90%", true,
	    CHUNK("HTTP/1.1 200 OK\r\n\r\nScoreboard: ____W___K_......\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("80% of 10 slots waiting (waitlimit < 90%)");
	PLAY("protocol apache-status", true, CHUNK("HTTP/1.1 200 OK\r\n\r\nno board"));
	assert_int_equal(T.r, PROTO_FAIL);
}

/* Exchanges recorded from the real Debian servers (tests/fuzz/record.sh
 * wrote them into the fuzz corpus): each must pass as recorded. */
static void
test_recorded_from_real_servers(void **state)
{
	static const char *const names[] = { "http", "smtp", "lmtp", "ftp", "pop",
		"imap", "sieve", "ssh", "redis", "memcache", "mysql", "pgsql", "dns",
		"dns_udp", "ntp3", "ldap3", "mqtt", "rsync", NULL };
	static const unsigned char zero[16];
	static unsigned char data[65536];

	(void)state;
	for (int i = 0; names[i]; i++) {
		char path[256], opts[64];
		struct chunk ch[16];
		size_t len, nch = 0, start = 2;
		const struct proto_module *m;
		const struct connection *c;
		FILE *f;

		snprintf(path, sizeof(path), "tests/fuzz/corpus/protocols/real_%s", names[i]);
		f = fopen(path, "rb");
		if (f == NULL)
			fail_msg("%s: missing (run tests/fuzz/record.sh)", path);
		len = fread(data, 1, sizeof(data), f);
		fclose(f);
		assert_true(len > 2);
		m = proto_modules[data[0]];
		assert_int_equal(strncmp(m->name, names[i], strlen(m->name)), 0);
		for (size_t k = 2; k + 1 < len && nch < 15; k++)
			if (data[k] == 0xf5 && data[k + 1] == 0xf5) {
				ch[nch].p = data + start;
				ch[nch++].n = k - start;
				start = k + 2;
				k++;
			}
		ch[nch].p = data + start;
		ch[nch++].n = len - start;
		snprintf(opts, sizeof(opts), "%sprotocol %s", (data[1] & 2) ? "type udp " : "",
		    m->name);
		c = conn(opts);
		transcript_run(m, c, ch, nch, (data[1] & 4) != 0, (data[1] & 2) != 0, zero, &T);
		if (T.r != PROTO_PASS)
			fail_msg("%s: %s", path, T.r == PROTO_MORE ? "still waiting" : T.reason);
	}
}

/* DWP: a HEAD request with Host, an HTTP status below 400.  TNS: the
 * ping CONNECT packet, answered by the listener's refuse packet (as an
 * Oracle 19c listener answers tnsping). */
static void
test_dwp_tns(void **state)
{
	static const char refuse_ok[] = "\x00\x49\x00\x00\x04\x00\x00\x00"
	    "\x00\x00\x00\x3d(DESCRIPTION=(TMP=)(VSNNUM=318767104)(ERR=0)(ALIAS=LISTENER))";
	static const char refuse_err[] = "\x00\x61\x00\x00\x04\x00\x00\x00"
	    "\x00\x00\x00\x55(DESCRIPTION=(ERR=12514)(VSNNUM=318767104)"
	    "(ERROR_STACK=(ERROR=(CODE=12514)(EMFI=4))))";

	(void)state;
	PLAY("protocol dwp", false, CHUNK("HTTP/1.1 200 OK\r\nServer: Lotus-Domino\r\n"
	    "Content-Type: text/html\r\n\r\n"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_true(sent("HEAD / HTTP/1.1\r\nHost: localhost\r\n"));
	assert_reason("DWP: status 200");
	PLAY("protocol dwp", false, CHUNK("HTTP/1.1 503 Service Unavailable\r\n\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("DWP: status 503, expected below 400");
	/* Monit passes any "WORD NUMBER" line: not vigil */
	PLAY("protocol dwp", true, CHUNK("NOT-A-PROTOCOL 42\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("DWP: status line was 'NOT-A-PROTOCOL 42', expected 'HTTP/1.x NNN'");

	{
		const struct chunk ch[] = { { refuse_ok, sizeof(refuse_ok) - 1 } };
		play("protocol tns", ch, 1, false);
		assert_int_equal(T.r, PROTO_PASS);
		assert_reason("TNS: listener answered the ping: '(DESCRIPTION=(TMP=)");
		/* what tnsping sends: 87 bytes, CONNECT, the ping command at 58 */
		assert_int_equal(T.sentlen, 87);
		assert_memory_equal(T.sent, "\x00\x57\x00\x00\x01\x00", 6);
		assert_memory_equal(T.sent + 58, "(CONNECT_DATA=(COMMAND=ping))", 29);
		assert_int_equal(T.sent[25], 29);
		assert_int_equal(T.sent[27], 58);
	}
	{
		/* in two pieces, the header first */
		const struct chunk ch[] = { { refuse_ok, 8 }, { refuse_ok + 8, sizeof(refuse_ok) - 9 } };
		play("protocol tns", ch, 2, false);
		assert_int_equal(T.r, PROTO_PASS);
	}
	{
		const struct chunk ch[] = { { refuse_err, sizeof(refuse_err) - 1 } };
		play("protocol tns", ch, 1, false);
		assert_int_equal(T.r, PROTO_FAIL);
		assert_reason("TNS: listener refused the ping: '(ERR=12514)");
	}
	PLAY("protocol tns", false, CHUNK("\x00\x08\x00\x00\x02\x00\x00\x00"));
	assert_int_equal(T.r, PROTO_PASS);
	assert_reason("accept packet");
	PLAY("protocol tns", true, CHUNK("NOT-A-PROTOCOL 42\r\n"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("TNS: answer to the ping 'NOT-A-PROTOCOL 42\\x0d\\x0a' is not a TNS");
	/* a length beyond the bound, a short packet that closes */
	PLAY("protocol tns", true, CHUNK("\xff\xff\x00\x00\x04\x00\x00\x00"));
	assert_int_equal(T.r, PROTO_FAIL);
	PLAY("protocol tns", true, CHUNK("\x00\x49\x00\x00\x04\x00\x00\x00\x00"));
	assert_int_equal(T.r, PROTO_FAIL);
	assert_reason("closed inside the refuse packet");
}

/* Every protocol the parser accepts is spoken by a module, or vigil -t
 * warns that the test only connects. */
static void
test_every_protocol_spoken_or_warned(void **state)
{
	(void)state;
	for (int i = 0; config_protocols[i]; i++) {
		bool spoken = proto_find(config_protocols[i]) != NULL;

		if (spoken == config_protocol_unspoken(config_protocols[i]))
			fail_msg("protocol %s: spoken %d, listed as unspoken %d",
			    config_protocols[i], spoken, !spoken);
	}
	conn("protocol dwp");
	assert_null(strstr(errtext ? errtext : "", "not spoken"));
	conn("protocol tns");
	assert_null(strstr(errtext ? errtext : "", "not spoken"));
	conn("protocol smtp content = \"x\"");
	assert_non_null(strstr(errtext, "read only by protocol http"));
	conn("protocol mysqls");
	assert_null(strstr(errtext ? errtext : "", "mysqls"));
	conn("protocol http content = \"x\"");
	assert_null(strstr(errtext ? errtext : "", "warning"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_impostor_fails_everywhere),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_generic_send_expect),
		cmocka_unit_test(test_smtp),
		cmocka_unit_test(test_mail_store_starttls),
		cmocka_unit_test(test_line_protocols),
		cmocka_unit_test(test_databases),
		cmocka_unit_test(test_binary_protocols),
		cmocka_unit_test(test_websocket_sip_radius),
		cmocka_unit_test(test_apache_status),
		cmocka_unit_test(test_dwp_tns),
		cmocka_unit_test(test_every_protocol_spoken_or_warned),
		cmocka_unit_test(test_recorded_from_real_servers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
