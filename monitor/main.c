/* vigil-monitor: parses the control file, runs every check, keeps state,
 * serves the CLI.  Runs as an unprivileged user keeping only
 * CAP_DAC_READ_SEARCH; after privd seals the action table it cannot write
 * outside its state and socket directories (Landlock) nor execute anything
 * (seccomp).
 *
 *   vigil-monitor -c FILE -u USER [-v]          daemon, started by vigild
 *   vigil-monitor -t -c FILE [-v]               syntax check (-v: dump)
 *   vigil-monitor -c FILE --query control-socket
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
	    "       vigil-monitor -c FILE --query control-socket\n");
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct monitor m;
	static struct core core;
	const char *file = DEFAULT_CONTROL_FILE, *user = NULL, *query = NULL;
	bool test = false;
	int verbose = 0, ch, nerrors = 0;
	struct parse_opts po;
	struct config *cf;
	uid_t owner = getuid();	/* who started us, before any drop */

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
		default:
			usage();
		}
	}
	if (optind != argc || (test && query != NULL))
		usage();
	if (query != NULL && strcmp(query, "control-socket") != 0) {
		fprintf(stderr, "vigil-monitor: unknown query '%s' (expected "
		    "control-socket)\n", query);
		exit(1);
	}
	log_init("monitor", verbose);

	drop(user);

	memset(&po, 0, sizeof(po));
	po.check_perms = true;
	po.check_files = test;
	po.owner_uid = owner;
	po.errout = stderr;
	cf = config_parse(file, &po, &nerrors);
	if (test) {
		if (cf == NULL) {
			fprintf(stderr, "%s: %d error%s\n", file, nerrors,
			    nerrors == 1 ? "" : "s");
			exit(1);
		}
		printf("Control file syntax OK\n");
		if (verbose > 0)
			config_dump(cf, stdout);
		config_free(cf);
		exit(0);
	}
	if (cf == NULL)
		fatalx("%s: %d error%s in the control file", file, nerrors,
		    nerrors == 1 ? "" : "s");
	if (query != NULL) {
		printf("%s\n", core_control_socket(cf));
		config_free(cf);
		exit(0);
	}

	/* Daemon: configure and seal privd's table, then sandbox. */
	m.cf = cf;
	m.control_path = file;
	m.verbose = verbose;
	m.started_ms = now_ms();
	if (gethostname(m.hostname, sizeof(m.hostname) - 1) < 0)
		strlcpy_v(m.hostname, "localhost", sizeof(m.hostname));
	core_init(&core, &m);
	privd_handshake(&core);
	m.ev = ev_new();
	monitor_sandbox_apply(cf);

	m.engine = engine_new(&m);
	core_state_load(&core);
	core_signals(&core);
	privd_attach(&core);
	control_open(&core);
	engine_start(m.engine);
	log_info("monitoring %zu services", engine_nservices(m.engine));
	if (ev_run(m.ev) < 0)
		log_err("event loop failed");
	core_shutdown(&core, 0);
}
