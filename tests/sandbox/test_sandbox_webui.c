/* Proof of vigil-webui's sandbox (run as root): each child applies the real
 * webui_sandbox_apply() (bind, TLS, chroot into an empty root-owned
 * directory, drop to _vigilweb, no-new-privs, seccomp_policy_webui), then
 * tries one forbidden thing; the parent asserts death by SIGSYS.  Control
 * cases: accept4 and a pipe write still work, /proc/<child>/root is the
 * chroot, and the real event loop serves HTTP and HTTPS under the policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "common/sanitizer.h"
#include "common/util.h"
#include "webui/webui.h"

static char root_dir[PATH_MAX];
static char pem_path[PATH_MAX];
static char tmp_base[64];

static uint16_t
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void
options(struct webui_options *o, uint16_t port, bool ssl)
{
	memset(o, 0, sizeof(*o));
	o->user = "_vigilweb";
	o->chroot_dir = root_dir;
	o->address = "127.0.0.1";
	o->port = port;
	o->signature = true;
	o->ssl = ssl;
	o->pemfile = ssl ? pem_path : NULL;
}

static struct webui child_w;
static const char *live_allow;	/* one --allow entry for live_start, or NULL */
static bool live_any_address;	/* listen on every address (dual stack) */
static bool live_clientpem;	/* require client certificates (--clientpem) */
static bool live_allow_self;	/* --allow-self-signed (allowselfcertification) */

static void
child_apply(uint16_t port, bool ssl)
{
	struct webui_options o;

	options(&o, port, ssl);
	webui_init(&child_w);
	webui_sandbox_apply(&child_w, &o);
}

enum trial {
	T_OPEN, T_OPENAT, T_OPEN_SYS, T_EXECVE, T_EXECVEAT, T_SOCKET, T_SETUID, T_PTRACE,
	T_BIND_MORE, T_MMAP_EXEC,
};

static int
run_trial(enum trial t)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		child_apply(free_port(), false);
		switch (t) {
		case T_OPEN:
			(void)open("/etc/passwd", O_RDONLY);
			break;
		case T_OPENAT:
			(void)openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
			break;
		case T_OPEN_SYS:
#ifdef SYS_open
			(void)syscall(SYS_open, "/", O_RDONLY);
#else
			(void)syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
#endif
			break;
		case T_EXECVE: {
			char *argv[] = { (char *)"/bin/true", NULL };

			execve("/bin/true", argv, NULL);
			break;
		}
		case T_EXECVEAT: {
			char *argv[] = { (char *)"/bin/true", NULL };

			(void)syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0);
			break;
		}
		case T_SOCKET:
			(void)socket(AF_INET, SOCK_STREAM, 0);
			break;
		case T_SETUID:
			(void)syscall(SYS_setuid, 0);
			break;
		case T_PTRACE:
			(void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			break;
		case T_BIND_MORE:
			(void)listen(child_w.listen_fd, 1);
			break;
		case T_MMAP_EXEC:
			(void)syscall(SYS_mmap, NULL, 4096, 7 /* rwx */, 0x22, -1, 0);
			break;
		}
		_exit(0);	/* the call was allowed: the proof fails */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
assert_sigsys(int st, const char *what)
{
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS)
		fail_msg("%s: child was not killed by SIGSYS (status 0x%x)", what, st);
}

static void test_open_traps(void **s) { (void)s; assert_sigsys(run_trial(T_OPEN), "open(/etc/passwd)"); }
static void test_openat_traps(void **s) { (void)s; assert_sigsys(run_trial(T_OPENAT), "openat"); }
static void test_open_syscall_traps(void **s) { (void)s; assert_sigsys(run_trial(T_OPEN_SYS), "SYS_open"); }
static void test_execve_traps(void **s) { (void)s; assert_sigsys(run_trial(T_EXECVE), "execve"); }
static void test_finding14_execveat_traps(void **s) { (void)s; assert_sigsys(run_trial(T_EXECVEAT), "execveat"); }
static void test_socket_traps(void **s) { (void)s; assert_sigsys(run_trial(T_SOCKET), "socket"); }
static void test_setuid_traps(void **s) { (void)s; assert_sigsys(run_trial(T_SETUID), "setuid(0)"); }
static void test_ptrace_traps(void **s) { (void)s; assert_sigsys(run_trial(T_PTRACE), "ptrace"); }
static void test_listen_traps(void **s) { (void)s; assert_sigsys(run_trial(T_BIND_MORE), "listen"); }
static void test_mmap_exec_traps(void **s) { (void)s; assert_sigsys(run_trial(T_MMAP_EXEC), "mmap(PROT_EXEC)"); }

/* Control: accept4 on the listening socket and a pipe write work; from the
 * parent, /proc/<child>/root is the chroot and the uid is _vigilweb's. */
static void
test_control_accept_and_root(void **state)
{
	uint16_t port = free_port();
	int ready[2], go[2], st;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int cfd;

		close(ready[0]);
		close(go[1]);
		child_apply(port, false);
		if (write(ready[1], "r", 1) != 1)
			_exit(10);
		if (read(go[0], &c, 1) != 1)
			_exit(11);
		for (int i = 0; i < 200; i++) {
			cfd = accept4(child_w.listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd >= 0)
				break;
			usleep(10000);	/* nanosleep: trapped?  then the test says so */
		}
		if (cfd < 0)
			_exit(12);
		if (write(ready[1], "a", 1) != 1)
			_exit(13);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	{
		char path[64], link[PATH_MAX], line[256];
		ssize_t n;
		FILE *f;
		uid_t uid = 0;
		struct sockaddr_in sin;
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
		n = readlink(path, link, sizeof(link) - 1);
		assert_true(n > 0);
		link[n] = '\0';
		assert_string_equal(link, root_dir);
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "Uid:", 4) == 0)
				uid = (uid_t)strtoul(line + 4, NULL, 10);
			else if (strncmp(line, "NoNewPrivs:", 11) == 0)
				assert_int_equal(atoi(line + 11), 1);
			else if (strncmp(line, "Seccomp:", 8) == 0)
				assert_int_equal(atoi(line + 8), 2);
			else if (strncmp(line, "CapEff:", 7) == 0)
				assert_int_equal(strtoull(line + 7, NULL, 16), 0);
		fclose(f);
		assert_int_not_equal(uid, 0);
		{
			uid_t want;

			assert_true(sandbox_user_exists("_vigilweb", &want, NULL));
			assert_int_equal(uid, want);
		}
		fd = socket(AF_INET, SOCK_STREAM, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
		assert_int_equal(write(go[1], "g", 1), 1);
		assert_int_equal(read(ready[0], &c, 1), 1);
		assert_int_equal(c, 'a');
		close(fd);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("control child failed: status 0x%x", st);
}

/* ---- the real loop, under the real policy, over plain HTTP and TLS ---- */

struct live {
	pid_t pid;
	uint16_t port;
	struct ipc_channel privd, monitor, auth;	/* the parent's ends */
};

static void
live_start(struct live *lv, bool ssl)
{
	int p[2], m[2], a[2];

	lv->port = free_port();
	assert_int_equal(ipc_socketpair(p), 0);
	assert_int_equal(ipc_socketpair(m), 0);
	assert_int_equal(ipc_socketpair(a), 0);
	lv->pid = fork();
	assert_true(lv->pid >= 0);
	if (lv->pid == 0) {
		struct webui_options o;

		/* fds 3, 4, 5 as privd sets them up */
		if (dup2(p[1], 3) < 0 || dup2(m[1], 4) < 0 || dup2(a[1], 5) < 0)
			_exit(20);
		close_from(6);
		options(&o, lv->port, ssl);
		if (live_any_address)
			o.address = NULL;
		if (live_clientpem)
			o.clientpem = pem_path;
		o.allow_self_signed = live_allow_self;
		if (live_allow != NULL) {
			o.allow[0] = live_allow;
			o.nallow = 1;
		}
		webui_init(&child_w);
		webui_sandbox_apply(&child_w, &o);
		webui_start(&child_w);
		ev_run(child_w.ev);
		_exit(child_w.exit_code);
	}
	close(p[1]);
	close(m[1]);
	close(a[1]);
	ipc_channel_init(&lv->privd, p[0], PROC_PRIVD, PROC_WEBUI);
	ipc_channel_init(&lv->monitor, m[0], PROC_MONITOR, PROC_WEBUI);
	ipc_channel_init(&lv->auth, a[0], PROC_AUTH, PROC_WEBUI);
	assert_int_equal(ipc_send_hello(&lv->privd), 0);
	assert_int_equal(ipc_send_hello(&lv->monitor), 0);
	assert_int_equal(ipc_send_hello(&lv->auth), 0);
}

static void
live_stop(struct live *lv)
{
	int st;

	assert_int_equal(kill(lv->pid, SIGTERM), 0);
	assert_int_equal(waitpid(lv->pid, &st, 0), lv->pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("webui under seccomp did not exit cleanly: status 0x%x", st);
	ipc_channel_close(&lv->privd);
	ipc_channel_close(&lv->monitor);
	ipc_channel_close(&lv->auth);
}

static int
tcp_connect(uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < 100; i++) {
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
			struct timeval tv = { 5, 0 };

			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			return fd;
		}
		usleep(20000);
	}
	fail_msg("cannot connect to port %u", port);
	return -1;
}

/* Send req, read until the server closes; returns the response. */
static char *
exchange(uint16_t port, SSL_CTX *ctx, const char *req, struct live *lv)
{
	static char resp[65536];
	size_t n = 0;
	int fd = tcp_connect(port);
	SSL *ssl = NULL;

	if (ctx != NULL) {
		ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_connect(ssl) != 1)
			fail_msg("TLS handshake with webui failed");
		assert_int_equal(SSL_write(ssl, req, (int)strlen(req)), (int)strlen(req));
	} else {
		assert_true(write_all(fd, req, strlen(req)));
	}
	if (lv != NULL) {
		/* play auth: answer the LOGIN */
		struct ipc_msg m;
		struct msg_login_result r;

		do {
			assert_int_equal(ipc_recv_wait(&lv->auth, &m, 3000), IPC_MSG);
		} while (m.type == MSG_HELLO);
		assert_int_equal(m.type, MSG_LOGIN);
		assert_string_equal(m.body.login.user, "alice");
		assert_string_equal(m.body.login.client, "127.0.0.1");
		memset(&r, 0, sizeof(r));
		r.req = m.body.login.req;
		r.ok = 1;
		r.role = ROLE_READWRITE;
		memset(r.sid, 'a', 64);
		strlcpy_v(r.user, "alice", sizeof(r.user));
		assert_int_equal(ipc_send(&lv->auth, MSG_LOGIN_RESULT, &r, -1), 0);
	}
	for (;;) {
		int k;

		if (ssl != NULL)
			k = SSL_read(ssl, resp + n, (int)(sizeof(resp) - 1 - n));
		else
			k = (int)read(fd, resp + n, sizeof(resp) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	resp[n] = '\0';
	if (ssl != NULL)
		SSL_free(ssl);
	close(fd);
	return resp;
}

/* Like exchange() over TLS, but a failed handshake or read is an answer
 * (empty), not a test failure. */
static char *
exchange_tolerant(uint16_t port, SSL_CTX *ctx, const char *req)
{
	static char resp[65536];
	size_t n = 0;
	int fd = tcp_connect(port);
	SSL *ssl = SSL_new(ctx);

	resp[0] = '\0';
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) == 1 && SSL_write(ssl, req, (int)strlen(req)) > 0) {
		for (;;) {
			int k = SSL_read(ssl, resp + n, (int)(sizeof(resp) - 1 - n));

			if (k <= 0)
				break;
			n += (size_t)k;
		}
	}
	resp[n] = '\0';
	SSL_free(ssl);
	close(fd);
	return resp;
}

static void
live_checks(struct live *lv, SSL_CTX *ctx)
{
	char *r;
	static const char login[] = "POST /login HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 25\r\n\r\n"
	    "user=alice&password=x%21y";

	r = exchange(lv->port, ctx, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", NULL);
	if (strncmp(r, "HTTP/1.1 200 ", 13) != 0)
		fail_msg("GET / under seccomp: %.200s", r);
	assert_non_null(strstr(r, "Content-Security-Policy: default-src 'none'"));
	assert_non_null(strstr(r, "action=\"/login\""));
	r = exchange(lv->port, ctx, "GET /%G1 HTTP/1.1\r\nHost: t\r\n\r\n", NULL);
	assert_int_equal(strncmp(r, "HTTP/1.1 400 ", 13), 0);
	r = exchange(lv->port, ctx, login, lv);
	if (strncmp(r, "HTTP/1.1 303 ", 13) != 0)
		fail_msg("login under seccomp: %.300s", r);
	assert_non_null(strstr(r, ctx != NULL ? "; Path=/; Secure\r\n" : "; Path=/\r\n"));
}

static void
test_live_http_under_seccomp(void **state)
{
	struct live lv;

	(void)state;
	live_start(&lv, false);
	live_checks(&lv, NULL);
	live_stop(&lv);
}

static void
test_live_https_under_seccomp(void **state)
{
	struct live lv;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	(void)state;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	live_start(&lv, true);
	live_checks(&lv, ctx);
	live_stop(&lv);
	SSL_CTX_free(ctx);
}

/* A client outside --allow gets 403 (and the connection closes); one
 * inside is served. */
static void
test_live_allow_list(void **state)
{
	struct live lv;
	char *r;

	(void)state;
	live_allow = "10.0.0.0/8";
	live_start(&lv, false);
	r = exchange(lv.port, NULL, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", NULL);
	if (strncmp(r, "HTTP/1.1 403 ", 13) != 0)
		fail_msg("client outside the allow list: %.200s", r);
	assert_null(strstr(r, "action=\"/login\""));
	live_stop(&lv);
	/* On every address (one dual-stack socket) an IPv4 client arrives as
	 * ::ffff:127.0.0.1 and must still match 127.0.0.0/8. */
	live_allow = "127.0.0.0/8";
	live_any_address = true;
	live_start(&lv, false);
	r = exchange(lv.port, NULL, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", NULL);
	if (strncmp(r, "HTTP/1.1 200 ", 13) != 0)
		fail_msg("client inside the allow list: %.200s", r);
	live_stop(&lv);
	live_allow = NULL;
	live_any_address = false;
}

/* --clientpem: a client without a certificate gets no HTTP answer; one
 * with a certificate the CA file vouches for is served.  Verification runs
 * inside the sandbox, from what was loaded before the chroot.  The test's
 * certificate is self-signed: refused without --allow-self-signed
 * (Monit's allowselfcertification), served with it. */
static void
test_live_client_certificates(void **state)
{
	struct live lv;
	SSL_CTX *anon = SSL_CTX_new(TLS_client_method());
	SSL_CTX *known = SSL_CTX_new(TLS_client_method());
	char *r;

	(void)state;
	assert_int_equal(SSL_CTX_use_certificate_chain_file(known, pem_path), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(known, pem_path, SSL_FILETYPE_PEM), 1);
	live_clientpem = true;
	live_start(&lv, true);
	r = exchange_tolerant(lv.port, known, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	if (strstr(r, "HTTP/1.1") != NULL)
		fail_msg("served a self-signed client without --allow-self-signed: %.100s", r);
	live_stop(&lv);
	live_allow_self = true;
	live_start(&lv, true);
	r = exchange_tolerant(lv.port, anon, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	if (strstr(r, "HTTP/1.1") != NULL)
		fail_msg("served a client without a certificate: %.100s", r);
	r = exchange_tolerant(lv.port, known, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
	if (strncmp(r, "HTTP/1.1 200 ", 13) != 0)
		fail_msg("client with a certificate: %.200s", r);
	live_stop(&lv);
	live_clientpem = false;
	live_allow_self = false;
	SSL_CTX_free(anon);
	SSL_CTX_free(known);
}

/* The real binary, as privd starts it: argv, fds 3/4/5, main()'s drop.
 * It logs through privd's channel, serves, and exits 1 when the monitor's
 * channel goes away (privd then starts a fresh web side). */
static void
test_exec_binary(void **state)
{
	struct live lv;
	int p[2], m[2], a[2], st;
	char exe[PATH_MAX], bin[PATH_MAX + 32], port[8], *r;
	ssize_t n;
	struct ipc_msg msg;
	bool saw_listening = false;

	(void)state;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(bin, sizeof(bin), "%s/../vigil-webui", exe);
	lv.port = free_port();
	snprintf(port, sizeof(port), "%u", lv.port);
	assert_int_equal(ipc_socketpair(p), 0);
	assert_int_equal(ipc_socketpair(m), 0);
	assert_int_equal(ipc_socketpair(a), 0);
	lv.pid = fork();
	assert_true(lv.pid >= 0);
	if (lv.pid == 0) {
		char *argv[] = { (char *)"vigil-webui", (char *)"--user", (char *)"_vigilweb",
		    (char *)"--chroot", root_dir, (char *)"--port", port,
		    (char *)"--address", (char *)"127.0.0.1", (char *)"--no-signature",
		    (char *)"--allow", (char *)"localhost", NULL };
		static const char *const none[] = { NULL };
		/* as privd starts it: under ASan, the sanitizer's options
		 * with detect_leaks=0 (LeakSanitizer cannot run sandboxed) */
		const char *const *envp = sanitizer_child_env(none);

		if (dup2(p[1], 3) < 0 || dup2(m[1], 4) < 0 || dup2(a[1], 5) < 0)
			_exit(20);
		close_from(6);
		execve(bin, argv, (char *const *)(uintptr_t)envp);
		_exit(21);
	}
	close(p[1]);
	close(m[1]);
	close(a[1]);
	ipc_channel_init(&lv.privd, p[0], PROC_PRIVD, PROC_WEBUI);
	ipc_channel_init(&lv.monitor, m[0], PROC_MONITOR, PROC_WEBUI);
	ipc_channel_init(&lv.auth, a[0], PROC_AUTH, PROC_WEBUI);
	assert_int_equal(ipc_send_hello(&lv.privd), 0);
	assert_int_equal(ipc_send_hello(&lv.monitor), 0);
	assert_int_equal(ipc_send_hello(&lv.auth), 0);
	while (!saw_listening && ipc_recv_wait(&lv.privd, &msg, 5000) == IPC_MSG)
		if (msg.type == MSG_LOG && strstr(msg.body.log.text, "listening on") != NULL)
			saw_listening = true;
	if (!saw_listening)
		fail_msg("no 'listening' line from %s via privd's channel (built from "
		    "other sources than this test? HELLO checks the build id)", bin);
	r = exchange(lv.port, NULL, "GET /api/status HTTP/1.1\r\nHost: t\r\n\r\n", NULL);
	if (strncmp(r, "HTTP/1.1 401 ", 13) != 0)
		fail_msg("exec'd webui: %.200s", r);
	assert_null(strstr(r, "\r\nServer:"));
	/* the monitor goes away: webui exits 1, not by a signal */
	ipc_channel_close(&lv.monitor);
	assert_int_equal(waitpid(lv.pid, &st, 0), lv.pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 1)
		fail_msg("webui after losing the monitor: status 0x%x", st);
	ipc_channel_close(&lv.privd);
	ipc_channel_close(&lv.auth);
}

static int
setup(void **state)
{
	char cmd[PATH_MAX * 4 + 256];

	(void)state;
	snprintf(tmp_base, sizeof(tmp_base), "/tmp/vigil-webui-sbx.XXXXXX");
	assert_non_null(mkdtemp(tmp_base));
	snprintf(root_dir, sizeof(root_dir), "%s/empty", tmp_base);
	assert_int_equal(mkdir(root_dir, 0755), 0);
	assert_int_equal(chown(root_dir, 0, 0), 0);
	snprintf(pem_path, sizeof(pem_path), "%s/web.pem", tmp_base);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 1 "
	    "-keyout %s -out %s.crt 2>/dev/null && cat %s.crt >> %s", pem_path, pem_path,
	    pem_path, pem_path);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp_base);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_traps),
		cmocka_unit_test(test_openat_traps),
		cmocka_unit_test(test_open_syscall_traps),
		cmocka_unit_test(test_execve_traps),
		cmocka_unit_test(test_finding14_execveat_traps),
		cmocka_unit_test(test_socket_traps),
		cmocka_unit_test(test_setuid_traps),
		cmocka_unit_test(test_ptrace_traps),
		cmocka_unit_test(test_listen_traps),
		cmocka_unit_test(test_mmap_exec_traps),
		cmocka_unit_test(test_control_accept_and_root),
		cmocka_unit_test(test_live_http_under_seccomp),
		cmocka_unit_test(test_live_https_under_seccomp),
		cmocka_unit_test(test_live_allow_list),
		cmocka_unit_test(test_live_client_certificates),
		cmocka_unit_test(test_exec_binary),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test_sandbox_webui: needs root (skipped)\n");
		return 77;
	}
	log_init("test_sandbox_webui", 0);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
