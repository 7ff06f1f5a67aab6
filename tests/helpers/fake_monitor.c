/* A stand-in monitor for privd's integration tests.  vigild execs it as
 *   fake_monitor -c FILE -u USER [-v]
 * (via --monitor-binary).  FILE holds "key value" lines:
 *   scenario NAME     what to do (below)
 *   dir DIR           where results go (DIR/pids, DIR/run1, DIR/ping, ...)
 *   prog1 ARGV...     table entry 1 (words split on spaces)
 *   prog2 ARGV...     table entry 2
 *   timeout2 MS       timeout of entry 2 (default 30000)
 *   iopid N           procio: the other user's process to read
 *   uid1 N            entry 1 runs as uid N
 *   monitor_user NAME CONFIG.monitor_user
 *   stubborn 1        keep running after privd closed the channel
 *   ignore_term 1     ignore SIGTERM (privd must SIGKILL after 5 s)
 * It speaks the real protocol on fd 3 and appends its pid to DIR/pids on
 * every start, so a test sees restarts.
 *
 * Scenarios: normal, run_unknown_id, run_before_seal, action_add_after_seal,
 * bad_magic, seal_mismatch, relative_path, duplicate_id, reload, quit,
 * crash (exits 3 after SEALED), rerun (RUN 1, reload; the next monitor
 * RUNs 1 again once DIR/finished exists), sigsys, flood (1060 RUNs), web (httpd on:
 * expects two CHANNEL messages), logflood (2000 LOG lines at once), garbage
 * (random bytes after CONFIG), ping6 (::1), procio (PROC_IO of iopid, its own
 * pid and a pid that cannot exist: DIR/procio). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/util.h"

static struct ipc_channel ch;
static char dir[512], scenario[64];
static char progs[2][1024];
static uint32_t timeout2 = 30000;
static uint32_t iopid = 1;
static char monitor_user[64];
static long uid1 = -1;
static bool stubborn;		/* outlive a closed channel (PDEATHSIG test) */

static void
put_result(const char *name, const char *text)
{
	char path[700], tmp[720];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	write_all(fd, text, strlen(text));
	close(fd);
	rename(tmp, path);
}

static void
read_control(const char *file)
{
	char line[1200];
	FILE *f = fopen(file, "r");

	if (f == NULL)
		exit(90);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (v == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "scenario") == 0)
			strlcpy_v(scenario, v, sizeof(scenario));
		else if (strcmp(line, "dir") == 0)
			strlcpy_v(dir, v, sizeof(dir));
		else if (strcmp(line, "prog1") == 0)
			strlcpy_v(progs[0], v, sizeof(progs[0]));
		else if (strcmp(line, "prog2") == 0)
			strlcpy_v(progs[1], v, sizeof(progs[1]));
		else if (strcmp(line, "timeout2") == 0)
			timeout2 = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(line, "iopid") == 0)
			iopid = (uint32_t)strtoul(v, NULL, 10);
		else if (strcmp(line, "monitor_user") == 0)
			strlcpy_v(monitor_user, v, sizeof(monitor_user));
		else if (strcmp(line, "stubborn") == 0)
			stubborn = true;
		else if (strcmp(line, "ignore_term") == 0)
			signal(SIGTERM, SIG_IGN);
		else if (strcmp(line, "uid1") == 0)
			uid1 = strtol(v, NULL, 10);
	}
	fclose(f);
}

static void idle(void) __attribute__((noreturn));

static void
send_or_die(enum msg_type t, const void *m)
{
	if (ipc_send(&ch, t, m, -1) < 0)
		exit(91);
	/* A full socket queues in ch: wait until it drains. */
	while (ipc_pending(&ch)) {
		struct pollfd p = { ch.fd, POLLOUT, 0 };

		poll(&p, 1, 1000);
		if (ipc_flush(&ch) < 0)
			exit(95);
	}
}

static void
send_config(void)
{
	static struct msg_config cf;

	snprintf(cf.logfile, sizeof(cf.logfile), "%s/vigil.log", dir);
	snprintf(cf.pidfile, sizeof(cf.pidfile), "%s/vigild.pid", dir);
	strlcpy_v(cf.chroot_dir, "/var/lib/vigil/empty", sizeof(cf.chroot_dir));
	strlcpy_v(cf.monitor_user, monitor_user, sizeof(cf.monitor_user));
	if (strcmp(scenario, "web") == 0) {
		cf.httpd_enabled = 1;
		cf.httpd_port = 2812;
		strlcpy_v(cf.httpd_address, "127.0.0.1", sizeof(cf.httpd_address));
		strlcpy_v(cf.webui_user, "_vigilweb", sizeof(cf.webui_user));
		strlcpy_v(cf.auth_user, "_vigilauth", sizeof(cf.auth_user));
		snprintf(cf.chroot_dir, sizeof(cf.chroot_dir), "%s/empty", dir);
		cf.nallow_net = 2;
		strlcpy_v(cf.allow_net[0], "127.0.0.1", sizeof(cf.allow_net[0]));
		strlcpy_v(cf.allow_net[1], "10.0.0.0/8", sizeof(cf.allow_net[1]));
	}
	send_or_die(MSG_CONFIG, &cf);
}

static void
add_entry(uint32_t id, const char *words, uint32_t timeout_ms)
{
	static struct msg_action_add a;
	char buf[1024], *save = NULL;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.timeout_ms = timeout_ms;
	if (id == 1 && uid1 >= 0) {
		a.has_uid = 1;
		a.uid = (uint32_t)uid1;
	}
	strlcpy_v(buf, words, sizeof(buf));
	for (char *w = strtok_r(buf, " ", &save); w != NULL && a.argc < MSG_ARGV_MAX;
	    w = strtok_r(NULL, " ", &save))
		strlcpy_v(a.argv[a.argc++], w, sizeof(a.argv[0]));
	send_or_die(MSG_ACTION_ADD, &a);
}

/* Wait for a message of type t; anything else is skipped. */
static struct ipc_msg *
wait_for(enum msg_type t)
{
	static struct ipc_msg m;

	for (;;) {
		enum ipc_result r = ipc_recv_wait(&ch, &m, 30000);

		if (r != IPC_MSG) {
			fprintf(stderr, "fake_monitor: waiting for %s: result %d violation %s\n",
			    msg_type_name(t), r, ipc_violation_name(m.violation));
			exit(92);
		}
		if (m.type == t)
			return &m;
	}
}

static void
seal(uint32_t n)
{
	struct msg_seal s = { .count = n };

	send_or_die(MSG_SEAL, &s);
	wait_for(MSG_SEALED);
	ch.sealed = true;
}

static void
send_run(uint32_t id)
{
	static struct msg_run r;

	memset(&r, 0, sizeof(r));
	r.req = id + 100;
	r.id = id;
	strlcpy_v(r.service, "web\x01server", sizeof(r.service));
	strlcpy_v(r.event, "Does not exist", sizeof(r.event));
	strlcpy_v(r.description, "process is not running\nforged line", sizeof(r.description));
	strlcpy_v(r.date, "Sat, 21 Nov 2026 11:00:00", sizeof(r.date));
	strlcpy_v(r.host, "testhost", sizeof(r.host));
	r.is_process = 1;
	r.process_pid = 4242;
	r.process_memory_kb = 1024;
	r.process_children = 2;
	r.process_cpu_permille = 125;
	send_or_die(MSG_RUN, &r);
}

static void
run(uint32_t id, const char *name)
{
	struct ipc_msg *m;
	char text[MSG_OUTPUT_LEN + 128];

	send_run(id);
	m = wait_for(MSG_RUN_RESULT);
	snprintf(text, sizeof(text), "req=%u id=%u spawned=%u timed_out=%u status=%d "
	    "duration_ms=%u\n%s", m->body.run_result.req, m->body.run_result.id,
	    m->body.run_result.spawned, m->body.run_result.timed_out,
	    m->body.run_result.status, m->body.run_result.duration_ms,
	    m->body.run_result.output);
	put_result(name, text);
}

static void
ping_localhost(int family)
{
	struct msg_ping p;
	struct ipc_msg *m;
	char text[256];

	memset(&p, 0, sizeof(p));
	p.req = 7;
	p.family = (uint8_t)family;
	if (family == 4) {
		p.addr[0] = 127;
		p.addr[3] = 1;
	} else
		p.addr[15] = 1;
	p.count = 3;
	p.timeout_ms = 2000;
	p.size = 56;
	send_or_die(MSG_PING, &p);
	m = wait_for(MSG_PING_RESULT);
	snprintf(text, sizeof(text), "req=%u sent=%u received=%u min=%u avg=%u max=%u error=%d\n",
	    m->body.ping_result.req, m->body.ping_result.sent, m->body.ping_result.received,
	    m->body.ping_result.rtt_min_us, m->body.ping_result.rtt_avg_us,
	    m->body.ping_result.rtt_max_us, m->body.ping_result.error);
	put_result(family == 4 ? "ping" : "ping6", text);
}

static void
proc_io_three(void)
{
	struct msg_proc_io q = { .req = 9, .npids = 3, .pid = { iopid, 0, MSG_PID_MAX } };
	struct ipc_msg *m;
	char text[2048];
	size_t len = 0;

	q.pid[1] = (uint32_t)getpid();
	send_or_die(MSG_PROC_IO, &q);
	m = wait_for(MSG_PROC_IO_RESULT);
	len += (size_t)snprintf(text, sizeof(text), "req=%u n=%u\n", m->body.proc_io_result.req,
	    m->body.proc_io_result.ntext);
	for (int i = 0; i < m->body.proc_io_result.ntext && i < 3; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%d error=%d len=%zu %s\n",
		    i, m->body.proc_io_result.error[i], strlen(m->body.proc_io_result.text[i]),
		    strncmp(m->body.proc_io_result.text[i], "rchar: ", 7) == 0 ? "rchar" : "-");
	put_result("procio", text);
}

/* Random bytes: odd starts send a random datagram, even ones a valid header
 * (right magic and sequence, type RUN or ACTION_ADD) over a random payload. */
static void
garbage(void)
{
	static uint8_t payload[8192], dgram[8192 + IPC_HDR_LEN];
	char path[700];
	unsigned starts = 0;
	size_t len;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0 || read(fd, payload, sizeof(payload)) != (ssize_t)sizeof(payload))
		exit(96);
	close(fd);
	len = 1 + (payload[0] | payload[1] << 8) % (sizeof(payload) - 1);
	snprintf(path, sizeof(path), "%s/pids", dir);
	if ((fd = open(path, O_RDONLY)) >= 0) {
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));

		for (ssize_t i = 0; i < n; i++)
			starts += buf[i] == '\n';
		close(fd);
	}
	if (starts % 2 == 0) {
		size_t n = ipc_frame(dgram, sizeof(dgram), IPC_MAGIC, IPC_VERSION,
		    payload[2] & 1 ? MSG_RUN : MSG_ACTION_ADD, ch.send_seq + 1, payload + 3, len);

		send(ch.fd, dgram, n, 0);
	} else
		send(ch.fd, payload, len, 0);
	idle();
}

/* 32 run, 1024 wait: the rest is refused with EAGAIN at once.  The rate
 * limit (burst 1000, 200/s) is respected by pausing. */
static void
flood(void)
{
	static struct msg_run r;
	static struct ipc_msg m;
	unsigned eagain = 0, results = 0;
	char text[128];

	memset(&r, 0, sizeof(r));
	r.id = 1;
	for (unsigned i = 0; i < 1060; i++) {
		r.req = i;
		/* one service each: RUNs of one program for one service join
		 * instead of running twice */
		snprintf(r.service, sizeof(r.service), "svc%u", i);
		if (i == 1000)
			usleep(400 * 1000);
		send_or_die(MSG_RUN, &r);
	}
	while (ipc_recv_wait(&ch, &m, 1500) == IPC_MSG)
		if (m.type == MSG_RUN_RESULT) {
			results++;
			if (!m.body.run_result.spawned && m.body.run_result.status == EAGAIN)
				eagain++;
		}
	snprintf(text, sizeof(text), "results=%u eagain=%u\n", results, eagain);
	put_result("flood", text);
	put_result("done", "yes\n");
	idle();
}

/* httpd on: expect CHANNEL(webui) and CHANNEL(auth), each with a socket. */
static void
web_channels(void)
{
	char text[256];
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		struct ipc_msg *m = wait_for(MSG_CHANNEL);
		int type = -1;
		socklen_t sl = sizeof(type);

		getsockopt(m->fd, SOL_SOCKET, SO_TYPE, &type, &sl);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "peer=%s seqpacket=%d\n",
		    proc_role_name((enum proc_role)m->body.channel.peer), type == SOCK_SEQPACKET);
		close(m->fd);
	}
	put_result("channels", text);
	idle();
}

/* Stay alive (as a real monitor would) until privd closes the channel. */
static void __attribute__((noreturn))
idle(void)
{
	static struct ipc_msg m;

	for (;;) {
		enum ipc_result r = ipc_recv_wait(&ch, &m, 60000);

		if (r == IPC_CLOSED || r == IPC_ERROR || r == IPC_VIOLATION) {
			while (stubborn)
				pause();
			exit(0);
		}
	}
}

int
main(int argc, char *argv[])
{
	const char *control = NULL;
	char pidline[32];
	int opt, fd;

	while ((opt = getopt(argc, argv, "c:u:v")) != -1)
		if (opt == 'c')
			control = optarg;
	if (control == NULL)
		return 93;
	read_control(control);
	log_init("fake_monitor", 0);
	snprintf(pidline, sizeof(pidline), "%d\n", (int)getpid());
	{
		char path[700];

		snprintf(path, sizeof(path), "%s/pids", dir);
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (fd >= 0) {
			write_all(fd, pidline, strlen(pidline));
			close(fd);
		}
	}
	ipc_channel_init(&ch, IPC_FD_PRIVD, PROC_MONITOR, PROC_PRIVD);
	if (ipc_send_hello(&ch) < 0)
		return 94;
	wait_for(MSG_HELLO);
	log_set_sink(ipc_log_sink, &ch);
	log_info("fake monitor pid %d scenario %s", (int)getpid(), scenario);
	/* stderr goes to privd's pipe: it must show up in the log too */
	fprintf(stderr, "fake_monitor stderr line\n");

	send_config();
	if (strcmp(scenario, "bad_magic") == 0) {
		uint8_t buf[64];
		size_t n = ipc_frame(buf, sizeof(buf), 0xdeadbeef, IPC_VERSION, MSG_LOG,
		    ch.send_seq + 1, (const uint8_t *)"x", 1);

		send(ch.fd, buf, n, 0);
		idle();
	}
	if (strcmp(scenario, "garbage") == 0)
		garbage();
	if (strcmp(scenario, "run_before_seal") == 0) {
		struct msg_run r;

		memset(&r, 0, sizeof(r));
		r.id = 1;
		send_or_die(MSG_RUN, &r);
		idle();
	}
	if (strcmp(scenario, "relative_path") == 0) {
		add_entry(1, "bin/echo hi", 1000);
		seal(1);
		idle();
	}
	if (strcmp(scenario, "duplicate_id") == 0) {
		add_entry(1, "/bin/echo hi", 1000);
		add_entry(1, "/bin/echo hi", 1000);
		seal(2);
		idle();
	}
	if (strcmp(scenario, "seal_mismatch") == 0) {
		add_entry(1, "/bin/echo hi", 1000);
		seal(2);
		idle();
	}
	if (progs[0][0] != '\0')
		add_entry(1, progs[0], 5000);
	if (progs[1][0] != '\0')
		add_entry(2, progs[1], timeout2);
	seal((progs[0][0] != '\0') + (progs[1][0] != '\0'));
	put_result("sealed", "yes\n");

	if (strcmp(scenario, "run_unknown_id") == 0) {
		run(99, "run99");
		idle();
	}
	if (strcmp(scenario, "action_add_after_seal") == 0) {
		add_entry(3, "/bin/sh -c 'rm -rf /'", 1000);
		idle();
	}
	if (strcmp(scenario, "reload") == 0 || strcmp(scenario, "quit") == 0) {
		struct msg_control c = { .op = scenario[0] == 'r' ? CONTROL_RELOAD : CONTROL_QUIT };
		char path[700];

		/* Reload only once: the next monitor just idles. */
		snprintf(path, sizeof(path), "%s/reloaded", dir);
		if (c.op == CONTROL_QUIT || access(path, F_OK) != 0) {
			put_result("reloaded", "yes\n");
			send_or_die(MSG_CONTROL, &c);
		}
		idle();
	}
	if (strcmp(scenario, "rerun") == 0) {
		struct msg_control c = { .op = CONTROL_RELOAD };
		char path[700];

		/* The first monitor asks for entry 1 and is replaced at once;
		 * the second finds the service down just before that program
		 * ends ($dir/finished) and asks for it just after. */
		snprintf(path, sizeof(path), "%s/reloaded", dir);
		if (access(path, F_OK) != 0) {
			send_run(1);
			put_result("reloaded", "yes\n");
			send_or_die(MSG_CONTROL, &c);
			idle();
		}
		snprintf(path, sizeof(path), "%s/finished", dir);
		for (int i = 0; i < 300 && access(path, F_OK) != 0; i++)
			usleep(100 * 1000);
		usleep(500 * 1000);
		run(1, "run1");
		put_result("done", "yes\n");
		idle();
	}
	if (strcmp(scenario, "crash") == 0)
		exit(3);
	if (strcmp(scenario, "sigsys") == 0) {
		fprintf(stderr, "seccomp: forbidden syscall 999\n");
		raise(SIGSYS);
	}
	if (strcmp(scenario, "flood") == 0)
		flood();
	if (strcmp(scenario, "logflood") == 0) {
		struct msg_log l = { .level = LOG_LVL_INFO };

		for (int i = 0; i < 2000; i++) {
			snprintf(l.text, sizeof(l.text), "flood line %d", i);
			send_or_die(MSG_LOG, &l);
		}
		sleep(2);
		strlcpy_v(l.text, "after the flood", sizeof(l.text));
		send_or_die(MSG_LOG, &l);
		put_result("done", "yes\n");
		idle();
	}
	if (strcmp(scenario, "web") == 0)
		web_channels();
	if (progs[0][0] != '\0')
		run(1, "run1");
	if (progs[1][0] != '\0')
		run(2, "run2");
	if (strcmp(scenario, "normal") == 0)
		ping_localhost(4);
	if (strcmp(scenario, "ping6") == 0)
		ping_localhost(6);
	if (strcmp(scenario, "procio") == 0)
		proc_io_three();
	put_result("done", "yes\n");
	idle();
}
