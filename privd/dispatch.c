/* Messages from the children, after ipc_recv() has checked them against
 * privd's rule table (policy/ipc_rules.c).  What the table cannot say is
 * checked here: RUN of an unknown id, a SEAL whose count differs from the
 * entries received, a structurally impossible ACTION_ADD.  Any of these, or
 * any rule violation, kills the sender (child_violation). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "privd/privd.h"

/* CONFIG comes from a fresh monitor that has read nothing but the root-owned
 * control file (it is once-only and before SEAL), so its paths are trusted
 * as much as that file; still, privd opens them O_NOFOLLOW and only when
 * absolute. */
static void
handle_config(struct privd *pd, const struct msg_config *cf)
{
	pid_t other;

	pd->cf = *cf;
	pd->have_config = true;
	logw_configure(cf);
	/* One daemon per control file: a second would run a second monitor
	 * acting on the same services. */
	if (cf->pidfile[0] != '\0' && (other = pidfile_other_running(cf->pidfile)) > 0) {
		log_err("vigild is already running with pid %ld (pidfile %s): "
		    "not starting another", (long)other, cf->pidfile);
		pd->exit_code = 1;
		privd_shutdown(pd, "another vigild runs");
		return;
	}
	if (cf->pidfile[0] != '\0')
		(void)pidfile_write(cf->pidfile);
	if (cf->monitor_user[0] != '\0' && strcmp(cf->monitor_user, pd->monitor_user) != 0) {
		if (pd->user_switched)
			log_err("monitor user '%s' asked for again after switching to '%s': "
			    "ignored", cf->monitor_user, pd->monitor_user);
		else if (privd_user_ok(cf->monitor_user)) {
			log_info("control file names monitor user '%s': restarting the "
			    "monitor as that user", cf->monitor_user);
			strlcpy_v(pd->monitor_user, cf->monitor_user, sizeof(pd->monitor_user));
			pd->user_switched = true;
			pd->respawn_now = true;
			child_channel_close(&pd->child[CHILD_MONITOR]);
			child_kill(&pd->child[CHILD_MONITOR], SIGTERM);
		}
	}
}

static void
handle_message(struct child *c, struct ipc_msg *m)
{
	struct privd *pd = c->pd;
	char why[MSG_LOGLINE_LEN];

	switch (m->type) {
	case MSG_HELLO:
		log_debug("%s: HELLO from pid %u", c->name, m->body.hello.pid);
		break;
	case MSG_LOG:
		child_log(c, (enum log_level)m->body.log.level, m->body.log.text);
		break;
	case MSG_CONFIG:
		handle_config(pd, &m->body.config);
		break;
	case MSG_ACTION_ADD: {
		struct action_entry *e;

		if (!action_msg_valid(&m->body.action_add, &pd->table, why, sizeof(why))) {
			child_violation(c, "ACTION_ADD", why);
			break;
		}
		e = table_add(&pd->table, &m->body.action_add);
		if (e->path == NULL)
			log_err("sealed table: entry %u refused: %s: every RUN of it will "
			    "fail (fix the program's owner and mode, then reload)", e->id,
			    e->reason);
		break;
	}
	case MSG_SEAL: {
		struct msg_sealed s = { .count = m->body.seal.count };

		if (s.count != pd->table.n) {
			snprintf(why, sizeof(why), "count %u but %zu entries received", s.count,
			    pd->table.n);
			child_violation(c, "SEAL", why);
			break;
		}
		pd->table.sealed = true;
		c->ch.sealed = true;
		pd->mon_unsealed_end[0] = '\0';
		privd_send_monitor(pd, MSG_SEALED, &s, -1);
		log_info("action table sealed: %u entries", s.count);
		web_spawn(pd);
		break;
	}
	case MSG_RUN:
		run_request(pd, &m->body.run);
		break;
	case MSG_PING:
		ping_request(pd, &m->body.ping);
		break;
	case MSG_PROC_IO:
		proc_io_request(pd, &m->body.proc_io);
		break;
	case MSG_CONTROL:
		if (m->body.control.op == CONTROL_QUIT)
			privd_shutdown(pd, "monitor asked to quit");
		else if (m->body.control.op == CONTROL_READY)
			privd_ready(pd);
		else
			privd_reload(pd, "monitor asked to reload");
		break;
	default:
		/* The rule table admits nothing else. */
		child_violation(c, msg_type_name(m->type) ? msg_type_name(m->type) : "?",
		    "unexpected message");
		break;
	}
}

void
child_on_channel(int fd, uint32_t events, void *arg)
{
	static struct ipc_msg m;
	struct child *c = arg;
	uint32_t gen = c->pd->mon_gen;

	(void)fd;
	if ((events & EPOLLOUT) && c->ch.fd >= 0) {
		int left = ipc_flush(&c->ch);

		if (left < 0) {
			child_violation(c, "channel", strerror(errno));
			return;
		}
		if (left == 0)
			ev_mod(c->pd->ev, c->ch.fd, EPOLLIN);
	}
	/* Stop when the channel is closed or the monitor was replaced. */
	while (c->ch.fd >= 0 && gen == c->pd->mon_gen) {
		enum ipc_result r = ipc_recv(&c->ch, &m);
		char why[128];

		if (r == IPC_AGAIN)
			return;
		if (r == IPC_CLOSED || r == IPC_ERROR) {
			/* A child without its channel is useless: end it. */
			child_channel_close(c);
			if (c->pd->state == PD_RUNNING && !c->killed && c->pid > 0) {
				/* not marked killed: its exit is logged as the
				 * failure it is */
				log_info("%s closed its channel", c->name);
				(void)kill(c->pid, SIGKILL);
			}
			return;
		}
		if (r == IPC_VIOLATION) {
			if (m.violation == IPC_V_DECODE)
				snprintf(why, sizeof(why), "%s", msg_error_name(m.decode_error));
			else if (m.violation == IPC_V_HELLO)
				snprintf(why, sizeof(why), "wrong role or build id (a binary "
				    "from another build?)");
			else
				snprintf(why, sizeof(why), "datagram %u refused by privd's "
				    "IPC rules", c->ch.recv_seq + 1);
			child_violation(c, ipc_violation_name(m.violation), why);
			return;
		}
		if (m.fd >= 0)
			close(m.fd);
		handle_message(c, &m);
	}
}
