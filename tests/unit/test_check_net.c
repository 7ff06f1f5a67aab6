/* Connection tests: the HTTP status line parser (sans I/O) and real
 * loopback connections through the event loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/prctl.h>

#include "engine_fixture.h"
#include "monitor/checks/netproto.h"

static int
hp(const char *s)
{
	return http_status_parse(s, strlen(s));
}

static void
test_http_status_parse(void **state)
{
	(void)state;
	assert_int_equal(hp("HTTP/1.1 200 OK\r\n"), 200);
	assert_int_equal(hp("HTTP/1.0 404 Not Found\r\nServer: x\r\n"), 404);
	assert_int_equal(hp("HTTP/2 503\r\n"), 503);
	assert_int_equal(hp("HTTP/1.1 200 OK"), HTTP_INCOMPLETE);
	assert_int_equal(hp("HTT"), HTTP_INCOMPLETE);
	assert_int_equal(hp(""), HTTP_INCOMPLETE);
	assert_int_equal(hp("SSH-2.0-OpenSSH\r\n"), HTTP_GARBAGE);
	assert_int_equal(hp("HTTP/1.1 20 OK\r\n"), HTTP_GARBAGE);
	assert_int_equal(hp("HTTP/1.1 2000 OK\r\n"), HTTP_GARBAGE);
	assert_int_equal(hp("HTTP/1.1 099 x\r\n"), HTTP_GARBAGE);
	assert_int_equal(hp("HTTP/x.1 200 OK\r\n"), HTTP_GARBAGE);
	assert_int_equal(hp("HTTP/1.1  200 OK\r\n"), HTTP_GARBAGE);
	assert_true(http_status_ok(200, OP_NONE, 0));
	assert_true(http_status_ok(302, OP_NONE, 0));
	assert_false(http_status_ok(400, OP_NONE, 0));
	assert_true(http_status_ok(404, OP_EQ, 404));
	assert_false(http_status_ok(200, OP_EQ, 404));
}

/* A forked loopback server answering each connection with `reply`. */
static pid_t
serve(int *port, const char *reply)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	if (pid == 0) {
		/* a failed assertion in the parent must not leave us behind
		 * holding the test's stdout */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			int c = accept(fd, NULL, NULL);
			char b[1024];

			if (c < 0)
				continue;
			if (reply != NULL) {
				(void)!read(c, b, sizeof(b));
				(void)!write(c, reply, strlen(reply));
			}
			close(c);
		}
	}
	close(fd);
	return pid;
}

/* A server whose first connection is closed at once and whose later ones
 * answer "+PONG": a flaky server for "retry". */
static pid_t
serve_flaky(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	if (pid == 0) {
		/* a failed assertion in the parent must not leave us behind
		 * holding the test's stdout */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (unsigned n = 0;; n++) {
			int c = accept(fd, NULL, NULL);
			char b[64];

			if (c < 0)
				continue;
			if (n % 2 == 1) {
				(void)!read(c, b, sizeof(b));
				(void)!write(c, "+PONG\r\n", 7);
			}
			close(c);
		}
	}
	close(fd);
	return pid;
}

static const char *
status_of(struct monitor *m)
{
	static struct msg_snapshot_service ss;

	engine_snapshot(m->engine, 0, &ss);
	return ss.status;
}

static void
settle(struct monitor *m)
{
	uint64_t t0 = now_ms();

	while (now_ms() - t0 < 3000) {
		bool busy = false;

		for (size_t i = 0; i < m->engine->s[0].nts; i++)
			busy |= m->engine->s[0].ts[i].nc != NULL;
		if (!busy)
			break;
		ev_run_once(m->ev, 20);
	}
}

static struct monitor *
host_with_port(int port, const char *protocol, int status_op, int status)
{
	struct config *cf = fx_config();
	struct service *h = fx_service(cf, "local", SVC_HOST);
	struct test *t = fx_test(h, TEST_CONNECTION, ACTION_ALERT);
	struct monitor *m;

	h->address = xstrdup("127.0.0.1");
	t->conn = xcalloc(1, sizeof(*t->conn));
	t->conn->port = port;
	t->conn->timeout_s = 2;
	t->conn->protocol = protocol ? xstrdup(protocol) : NULL;
	t->conn->status_op = status_op;
	t->conn->status = status;
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	return m;
}

static void
test_tcp_connect(void **state)
{
	int port;
	pid_t srv = serve(&port, NULL);
	struct monitor *m = host_with_port(port, NULL, 0, 0);

	(void)state;
	engine_start(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "OK");
	{
		/* the snapshot carries the connection's time for the graphs */
		static struct msg_snapshot_service ss;

		engine_snapshot(m->engine, 0, &ss);
		assert_true(ss.fig.response_us > 0);
		assert_int_equal(ss.fig.response_us, m->engine->s[0].ts[0].response_us);
	}
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	engine_run_cycle(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "Connection failed");
	fx_monitor_free(m);
}

static void
test_http_status(void **state)
{
	int port;
	pid_t srv = serve(&port, "HTTP/1.0 500 Internal Server Error\r\n\r\n");
	struct monitor *m = host_with_port(port, "http", 0, 0);

	(void)state;
	engine_start(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "Connection failed");
	assert_non_null(strstr(m->engine->s[0].ts[0].desc, "HTTP: status 500"));
	fx_monitor_free(m);
	m = host_with_port(port, "http", OP_EQ, 500);	/* "status = 500" */
	engine_start(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "OK");
	fx_monitor_free(m);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
}

static void
test_send_expect(void **state)
{
	int port;
	pid_t srv = serve(&port, "+PONG\r\n");
	struct monitor *m = host_with_port(port, NULL, 0, 0);
	struct connection *c = (struct connection *)m->engine->s[0].ts[0].t->conn;
	struct sendexpect se2 = { .is_send = false, .data = (char *)"^\\+PONG",
	    .len = 7 };
	struct sendexpect se1 = { .is_send = true, .data = (char *)"PING\r\n",
	    .len = 6, .next = &se2 };

	(void)state;
	c->sendexpect = &se1;
	engine_start(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "OK");
	se2.data = (char *)"^-ERR";
	se2.len = 5;
	engine_run_cycle(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "Connection failed");
	/* at once, with what was expected and what came: not "timed out" */
	assert_non_null(strstr(m->engine->s[0].ts[0].desc,
	    "GENERIC: expected '^-ERR', got '+PONG\\x0d\\x0a'"));
	c->sendexpect = NULL;	/* on this stack, not the config's to free */
	fx_monitor_free(m);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
}

/* "retry N": a failed attempt is tried again within the same cycle. */
static void
test_retry(void **state)
{
	int port;
	pid_t srv = serve_flaky(&port);
	struct monitor *m = host_with_port(port, "redis", 0, 0);
	struct connection *c = (struct connection *)m->engine->s[0].ts[0].t->conn;

	(void)state;
	c->retry = 0;
	engine_start(m->engine);	/* connection 0: closed */
	settle(m);
	assert_string_equal(status_of(m), "Connection failed");
	assert_non_null(strstr(m->engine->s[0].ts[0].desc, ": REDIS: "));
	engine_run_cycle(m->engine);	/* connection 1: answers */
	settle(m);
	assert_string_equal(status_of(m), "OK");
	c->retry = 1;
	engine_run_cycle(m->engine);	/* 2 closed, 3 answers: one cycle */
	settle(m);
	assert_string_equal(status_of(m), "OK");
	assert_non_null(strstr(m->engine->s[0].ts[0].desc, "(attempt 2 of 2)"));
	fx_monitor_free(m);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
}

static void
test_icmp_through_privd(void **state)
{
	struct config *cf = fx_config();
	struct service *h = fx_service(cf, "far", SVC_HOST);
	struct monitor *m;

	(void)state;
	h->address = xstrdup("127.0.0.1");
	fx_test(h, TEST_ICMP, ACTION_ALERT);
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);	/* the fake ping never gets a reply */
	assert_string_equal(status_of(m), "ICMP failed");
	fx_monitor_free(m);
}

static void
test_network_link(void **state)
{
	struct config *cf = fx_config();
	struct service *lo = fx_service(cf, "loop", SVC_NETWORK);
	struct service *none = fx_service(cf, "none", SVC_NETWORK);
	struct service *evil = fx_service(cf, "evil", SVC_NETWORK);
	struct monitor *m;
	struct msg_snapshot_service ss;

	(void)state;
	lo->interface = xstrdup("lo");
	none->interface = xstrdup("nosuchif0");
	evil->interface = xstrdup("../../../etc");
	fx_test(lo, TEST_LINK, ACTION_ALERT);
	fx_test(none, TEST_LINK, ACTION_ALERT);
	fx_test(evil, TEST_LINK, ACTION_ALERT);
	fake_reset();
	m = fx_monitor(cf);
	m->engine = engine_new(m);
	engine_start(m->engine);
	engine_snapshot(m->engine, 0, &ss);
	assert_string_equal(ss.status, "OK");
	engine_snapshot(m->engine, 1, &ss);
	assert_string_equal(ss.status, "Link down");
	engine_snapshot(m->engine, 2, &ss);
	assert_string_equal(ss.status, "Link down");	/* no path games */
	fx_monitor_free(m);
}

/* A TLS server: `openssl s_server -www` answers "GET /" with 200. */
static pid_t
serve_tls(const char *dir, int *port, char *md5, size_t md5len)
{
	char cmd[1024], key[256], crt[256], acc[64];
	FILE *f;
	pid_t pid;
	int fd;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	snprintf(key, sizeof(key), "%s/k.pem", dir);
	snprintf(crt, sizeof(crt), "%s/c.pem", dir);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes "
	    "-keyout %s -out %s -days 1 -subj /CN=localhost >/dev/null 2>&1", key, crt);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "openssl x509 -in %s -outform DER | "
	    "openssl md5 -r | cut -c1-32", crt);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(md5, (int)md5len, f));
	md5[strcspn(md5, "\n")] = '\0';
	pclose(f);
	/* a free port: bind 0, read it, release it for s_server */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	close(fd);
	snprintf(acc, sizeof(acc), "127.0.0.1:%d", *port);
	pid = fork();
	if (pid == 0) {
		/* a failed assertion in the parent must not leave us behind
		 * holding the test's stdout */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execlp("openssl", "openssl", "s_server", "-accept", acc, "-cert", crt,
		    "-key", key, "-www", "-quiet", (char *)NULL);
		_exit(127);
	}
	/* wait until it listens */
	for (int i = 0; i < 100; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
			close(fd);
			break;
		}
		close(fd);
		usleep(20 * 1000);
	}
	return pid;
}

static void
test_tls_http_and_certmd5(void **state)
{
	char dir[] = "/tmp/vigil-tls-XXXXXX", md5[64], cmd[128];
	int port;
	pid_t srv;
	struct monitor *m;
	struct connection *c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	srv = serve_tls(dir, &port, md5, sizeof(md5));
	m = host_with_port(port, "http", 0, 0);
	c = (struct connection *)m->engine->s[0].ts[0].t->conn;
	c->type = CONN_TCPSSL;
	c->certmd5 = xstrdup(md5);
	engine_start(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "OK");
	assert_non_null(strstr(m->engine->s[0].ts[0].desc, "HTTP: status 200"));
	/* a different certificate checksum fails */
	free(c->certmd5);
	c->certmd5 = xstrdup("00000000000000000000000000000000");
	engine_run_cycle(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "Connection failed");
	assert_non_null(strstr(m->engine->s[0].ts[0].desc, "certificate checksum"));
	/* plain HTTP against a TLS port is not an HTTP answer */
	c->type = CONN_TCP;
	free(c->certmd5);
	c->certmd5 = NULL;
	engine_run_cycle(m->engine);
	settle(m);
	assert_string_equal(status_of(m), "Connection failed");
	fx_monitor_free(m);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_status_parse),
		cmocka_unit_test(test_tcp_connect),
		cmocka_unit_test(test_http_status),
		cmocka_unit_test(test_send_expect),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_icmp_through_privd),
		cmocka_unit_test(test_network_link),
		cmocka_unit_test(test_tls_http_and_certmd5),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
