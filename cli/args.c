/* Command-line parsing: Monit's flags and actions, for vigil's scope. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/util.h"

static const struct {
	const char *word;
	enum ctl_action action;
	enum { ARG_OPTIONAL, ARG_NAME, ARG_NONE } arg;
} actions[] = {
	{ "status", CTL_STATUS, ARG_OPTIONAL },
	{ "summary", CTL_SUMMARY, ARG_OPTIONAL },
	{ "start", CTL_START, ARG_NAME },
	{ "stop", CTL_STOP, ARG_NAME },
	{ "restart", CTL_RESTART, ARG_NAME },
	{ "monitor", CTL_MONITOR, ARG_NAME },
	{ "unmonitor", CTL_UNMONITOR, ARG_NAME },
	{ "reload", CTL_RELOAD, ARG_NONE },
	{ "quit", CTL_QUIT, ARG_NONE },
	{ "validate", CTL_VALIDATE, ARG_NONE },
	{ "report", CTL_REPORT, ARG_OPTIONAL },
	{ "status --json", CTL_STATUS_JSON, ARG_OPTIONAL },	/* the name of the action */
	{ "procmatch", CTL_ACTION_MAX + 1, ARG_NAME },	/* local: CLI_MODE_PROCMATCH */
};

/* `report` takes one of Monit's words. */
static bool
report_word_ok(const char *w)
{
	static const char *const words[] = { "up", "down", "initializing", "initialising",
	    "unmonitored", "total" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

int
cli_action_parse(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(word, actions[i].word) == 0)
			return (int)actions[i].action;
	return -1;
}

const char *
cli_action_name(enum ctl_action a)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].action == a)
			return actions[i].word;
	return "?";
}

void
cli_usage(FILE *out)
{
	fputs(
"Usage: vigil [options] {action}\n"
"\n"
"Options:\n"
"  -c FILE         use this control file (default: the first of ~/.vigilrc,\n"
"                  /etc/vigilrc, /etc/vigil/vigilrc, ~/.monitrc, /etc/monitrc,\n"
"                  /etc/monit/monitrc, /usr/local/etc/monitrc)\n"
"  -g NAME         act on the services of group NAME (start, stop, restart,\n"
"                  monitor, unmonitor, status, summary)\n"
"  -I              do not run in the background\n"
"  -t              check the control file's syntax and exit\n"
"  -v              verbose (with -t: also print the normalised configuration)\n"
"  --socket PATH   the daemon's control socket (default: asked from the\n"
"                  control file, else " CLI_DEFAULT_SOCKET ")\n"
"  -V              print the version and exit\n"
"  -h              print this text and exit\n"
"\n"
"Actions (without one, vigil starts the daemon):\n"
"  status [NAME]          status of every service, or of NAME\n"
"  summary [NAME]         a one-line-per-service summary\n"
"  start NAME|all         start NAME (or all) and monitor it\n"
"  stop NAME|all          stop NAME (or all) and stop monitoring it\n"
"  restart NAME|all       stop and start NAME (or all)\n"
"  monitor NAME|all       enable monitoring of NAME (or all)\n"
"  unmonitor NAME|all     disable monitoring of NAME (or all)\n"
"  reload                 the daemon rereads its control file\n"
"  quit                   stop the daemon\n"
"  validate               check every service now\n"
"  report [up|down|initializing|unmonitored|total]\n"
"                         Monit's report: counts of services by state\n"
"  procmatch REGEX        list the processes a 'matching REGEX' would see\n"
"  status --json [NAME]   the status as JSON (docs/status.schema.json)\n"
"  log verify [FILE]      check the hash chain of a log file written with\n"
"                         'set logfile PATH chained' (default: the control\n"
"                         file's); names the first line removed, changed or\n"
"                         moved and exits 1\n"
"\n"
"Only root, the monitor's user and users allowed by `set control socket`\n"
"may talk to the daemon.\n", out);
}

/* A name crosses into the daemon: printable, bounded. */
static bool
name_ok(const char *s, char *err, size_t errlen, const char *what)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MSG_NAME_LEN) {
		snprintf(err, errlen, "%s must be 1 to %d bytes long", what,
		    MSG_NAME_LEN - 1);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "%s contains a control character", what);
			return false;
		}
	}
	return true;
}

int
cli_parse_args(int argc, char **argv, struct cli_opts *o, char *err,
    size_t errlen)
{
	enum { OPT_SOCKET = 0x100, OPT_JSON };
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool test = false, help = false, version = false;
	int c, nargs, a = -1;
	size_t ai = 0;

	memset(o, 0, sizeof(*o));
	o->mode = CLI_MODE_DAEMON;
	err[0] = '\0';
	opterr = 0;
	optind = 1;
	/* "+": options come before the action, as in Monit's synopsis; a
	 * service name can then never be mistaken for an option. */
	while ((c = getopt_long(argc, argv, "+c:g:ItvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (optarg[0] == '\0') {
				snprintf(err, errlen, "-c needs a file name");
				return -1;
			}
			o->control_file = optarg;
			break;
		case 'g':
			if (!name_ok(optarg, err, errlen, "the group name"))
				return -1;
			o->group = optarg;
			break;
		case 'I':
			o->foreground = true;
			break;
		case 't':
			test = true;
			break;
		case 'v':
			if (o->verbose < 9)
				o->verbose++;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			help = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SOCKET:
			if (optarg[0] == '\0') {
				snprintf(err, errlen, "--socket needs a path");
				return -1;
			}
			o->socket_path = optarg;
			break;
		case ':':
			snprintf(err, errlen, "option %s needs an argument",
			    argv[optind - 1]);
			return -1;
		default:
			if (optopt != 0 && optopt < 0x100)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'",
				    argv[optind - 1]);
			return -1;
		}
	}
	if (help) {
		o->mode = CLI_MODE_HELP;
		return 0;
	}
	if (version) {
		o->mode = CLI_MODE_VERSION;
		return 0;
	}
	nargs = argc - optind;
	if (nargs == 0) {
		o->mode = test ? CLI_MODE_TEST : CLI_MODE_DAEMON;
		return 0;
	}
	if (test) {
		snprintf(err, errlen, "-t takes no action (got '%s')", argv[optind]);
		return -1;
	}
	/* local, like procmatch: nothing goes to the daemon */
	if (strcmp(argv[optind], "log") == 0) {
		if (nargs < 2 || strcmp(argv[optind + 1], "verify") != 0 || nargs > 3) {
			snprintf(err, errlen, "usage: vigil log verify [FILE]");
			return -1;
		}
		o->mode = CLI_MODE_LOG_VERIFY;
		o->name = nargs == 3 ? argv[optind + 2] : NULL;
		if (o->name != NULL && o->name[0] == '\0') {
			snprintf(err, errlen, "log verify: the file name is empty");
			return -1;
		}
		return 0;
	}
	for (ai = 0; ai < ARRAY_SIZE(actions); ai++) {
		if (strcmp(argv[optind], actions[ai].word) == 0) {
			a = (int)actions[ai].action;
			break;
		}
	}
	if (a < 0) {
		snprintf(err, errlen, "unknown action '%.64s' (expected status, "
		    "summary, start, stop, restart, monitor, unmonitor, reload, "
		    "quit, validate, report, procmatch, log verify)", argv[optind]);
		return -1;
	}
	o->mode = CLI_MODE_ACTION;
	o->action = (enum ctl_action)a;
	nargs--;
	/* "status --json [NAME]" or "status NAME --json": Monit's users put
	 * options after the action too */
	for (int k = optind + 1; k < argc; k++) {
		if (strcmp(argv[k], "--json") != 0)
			continue;
		o->json = true;
		for (int m = k; m + 1 < argc; m++)
			argv[m] = argv[m + 1];
		argc--;
		nargs--;
		k--;
	}
	if (o->json) {
		if (o->action != CTL_STATUS) {
			snprintf(err, errlen, "--json goes with 'status' only");
			return -1;
		}
		o->action = CTL_STATUS_JSON;
	}
	switch (actions[ai].arg) {
	case ARG_NONE:
		if (nargs != 0) {
			snprintf(err, errlen, "'%s' takes no argument",
			    actions[ai].word);
			return -1;
		}
		if (o->group != NULL) {
			snprintf(err, errlen, "'%s' does not take -g",
			    actions[ai].word);
			return -1;
		}
		break;
	case ARG_OPTIONAL:
		if (nargs > 1) {
			snprintf(err, errlen, "'%s' takes at most one service name",
			    actions[ai].word);
			return -1;
		}
		break;
	case ARG_NAME:
		if (nargs > 1) {
			snprintf(err, errlen, "'%s' takes one service name or 'all'",
			    actions[ai].word);
			return -1;
		}
		if (nargs == 0 && o->group == NULL) {
			snprintf(err, errlen, "'%s' needs a service name or 'all' "
			    "(or -g GROUP)", actions[ai].word);
			return -1;
		}
		break;
	}
	if (a == CTL_ACTION_MAX + 1) {
		/* procmatch: a regular expression, not a service name */
		if (nargs != 1 || o->group != NULL) {
			snprintf(err, errlen, "'procmatch' takes one regular expression");
			return -1;
		}
		if (!name_ok(argv[optind + 1], err, errlen, "the pattern"))
			return -1;
		o->mode = CLI_MODE_PROCMATCH;
		o->name = argv[optind + 1];
		return 0;
	}
	if (a == CTL_REPORT && (o->group != NULL ||
	    (nargs == 1 && !report_word_ok(argv[optind + 1])))) {
		snprintf(err, errlen, "'report' takes up, down, initializing, unmonitored "
		    "or total");
		return -1;
	}
	if (nargs == 1) {
		if (!name_ok(argv[optind + 1], err, errlen, "the service name"))
			return -1;
		o->name = argv[optind + 1];
	}
	return 0;
}
