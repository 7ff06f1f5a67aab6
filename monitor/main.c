/* vigil-monitor: parses the control file, runs every check, keeps state,
 * serves the CLI.  Runs as an unprivileged user keeping only
 * CAP_DAC_READ_SEARCH; after privd seals the action table it cannot write
 * outside its state and socket directories (Landlock) nor execute anything
 * (seccomp).
 *
 *   vigil-monitor -c FILE -u USER [-v]          daemon, started by vigild
 *   vigil-monitor -t -c FILE [-v]               syntax check (-v: dump)
 *   vigil-monitor -c FILE --query control-socket|logfile
 *
 * Every mode drops privileges FIRST, then parses. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/event.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "common/sanitizer.h"
#include "common/util.h"
#include "monitor/core/core.h"
#include "monitor/monitor.h"
#include "monitor/config/parse.h"

#define DEFAULT_CONTROL_FILE "/etc/vigilrc"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: vigil-monitor -c FILE -u USER [-v]   (started by vigild)\n"
	    "       vigil-monitor -t -c FILE [-v]        check the control file\n"
	    "       vigil-monitor -c FILE --query control-socket|logfile\n");
	exit(1);
}

/* Acquire nothing, then drop: to USER (default _vigil) when root, keeping
 * only CAP_DAC_READ_SEARCH (read any file to watch it, write none);
 * otherwise just no-new-privs. */
static void
drop(const char *user)
{
	struct drop_spec spec = {
		.user = geteuid() == 0 ? (user != NULL ? user : DEFAULT_MONITOR_USER) : NULL,
		.keep_dac_read_search = true,
	};

	sandbox_drop(&spec);
}

/* -t: the programs vigild will refuse to run, each with the reason (the
 * file checks privd makes, from common/pathcheck.h). */
static void
report_refused_programs(struct config *cf)
{
	struct command **cmds;
	size_t n = core_collect_commands(cf, &cmds), nrefused = 0;

	for (size_t i = 0; i < n; i++) {
		char *why = core_program_refused(cmds[i]);

		if (why == NULL)
			continue;
		fprintf(stderr, "%s:%d: warning: vigild will refuse to run this program: "
		    "%s\n", cmds[i]->pos.file != NULL ? cmds[i]->pos.file : "?",
		    cmds[i]->pos.line, why);
		nrefused++;
		free(why);
	}
	free(cmds);
	if (nrefused > 0)
		fprintf(stderr, "%zu program%s will not run: each must be owned by root "
		    "(or its 'as uid' user), not writable by group or others, and reached "
		    "only through directories and links of root's (see SECURITY.md)\n",
		    nrefused, nrefused == 1 ? "" : "s");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "procmatch", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct monitor m;
	static struct core core;
	const char *file = DEFAULT_CONTROL_FILE, *user = NULL, *query = NULL;
	const char *procmatch = NULL;
	bool test = false;
	int verbose = 0, ch, nerrors = 0;
	struct parse_opts po;
	struct config *cf;
	uid_t owner = getuid();	/* who started us, before any drop */

	sanitizer_report_open("monitor");
	while ((ch = getopt_long(argc, argv, "c:u:tvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 't':
			test = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			query = optarg;
			break;
		case 'p':
			procmatch = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (test && query != NULL))
		usage();
	if (query != NULL && strcmp(query, "control-socket") != 0 &&
	    strcmp(query, "logfile") != 0) {
		fprintf(stderr, "vigil-monitor: unknown query '%s' (expected "
		    "control-socket or logfile)\n", query);
		exit(1);
	}
	log_init("monitor", verbose);
	/* The daemon's stderr is read by vigild, which names the line. */
	if (!test && query == NULL)
		log_set_stderr_bare(true);

	drop(user);
	if (procmatch != NULL)	/* no control file needed, privileges dropped */
		exit(procmatch_print(procmatch, stdout));

	memset(&po, 0, sizeof(po));
	po.check_perms = true;
	po.check_files = test;
	po.owner_uid = owner;
	po.errout = stderr;
	po.notes = test;
	cf = config_parse(file, &po, &nerrors);
	if (test) {
		if (cf == NULL) {
			fprintf(stderr, "%s: %d error%s\n", file, nerrors,
			    nerrors == 1 ? "" : "s");
			exit(1);
		}
		if (!core_table_fits(cf, file, stderr) ||
		    !core_paths_check(cf, file, stderr, false))
			exit(1);
		printf("Control file syntax OK\n");
		alert_check_queue_dir(cf, core_eventqueue_dir(cf), stderr);
		report_refused_programs(cf);
		if (verbose > 0)
			config_dump(cf, stdout);
		config_free(cf);
		exit(0);
	}
	if (cf == NULL)
		fatalx("%s: %d error%s in the control file", file, nerrors,
		    nerrors == 1 ? "" : "s");
	if (query != NULL && strcmp(query, "logfile") == 0) {
		/* for `vigil log verify`: the log file, then chained or plain
		 * (nothing when the log goes to syslog or stderr) */
		if (cf->logfile != NULL && !cf->log_syslog)
			printf("%s\n%s\n", cf->logfile, cf->log_chained ? "chained" : "plain");
		config_free(cf);
		exit(0);
	}
	if (query != NULL) {
		/* the socket, then the user the CLI expects to serve it */
		printf("%s\n%s\n", core_control_socket(cf),
		    cf->monitor_user != NULL && cf->monitor_user[0] != '\0' ?
		    cf->monitor_user : DEFAULT_MONITOR_USER);
		config_free(cf);
		exit(0);
	}

	/* Before the seal: privd stops after the second time. */
	if (!core_table_fits(cf, file, stderr) ||
	    !core_paths_check(cf, file, stderr, true))
		exit(1);
	/* Daemon: configure and seal privd's table, then sandbox. */
	m.cf = cf;
	m.control_path = file;
	m.verbose = verbose;
	m.started_ms = now_ms();
	if (gethostname(m.hostname, sizeof(m.hostname) - 1) < 0)
		strlcpy_v(m.hostname, "localhost", sizeof(m.hostname));
	core_init(&core, &m);
	m.ev = ev_new();
	/* The control socket before the seal: without it nobody can reach
	 * this daemon, and a monitor that ends before sealing twice for the
	 * same reason makes privd stop, loudly, instead of looping.  (Nothing
	 * is read from it before the event loop runs, after the sandbox.) */
	if (!control_open(&core)) {
		log_err("cannot open the control socket %s: exiting (the vigil "
		    "command could not reach this daemon)", core_control_socket(cf));
		exit(1);
	}
	privd_handshake(&core);
	m.eventqueue_dir = core_eventqueue_prepare(cf);
	monitor_sandbox_apply(cf);

	m.engine = engine_new(&m);
	core_state_load(&core);
	core_signals(&core);
	privd_attach(&core);
	alert_start(&m);	/* queued alerts come before the first cycle's */
	engine_start(m.engine);
	log_info("monitoring %zu services", engine_nservices(m.engine));
	/* privd tells systemd (Type=notify) that vigil is up */
	(void)privd_control(&core, CONTROL_READY);
	if (ev_run(m.ev) < 0)
		log_err("event loop failed");
	core_shutdown(&core, 0);
}
