/* vigil-webui: the web interface.  Started by privd as
 *   vigil-webui --user U --chroot DIR --port N [--address A]
 *     [--ssl --pemfile F [--clientpem F [--allow-self-signed]]] [--no-signature]
 *     [--allow NET]... [-v]
 * with fd 3 = privd, 4 = monitor, 5 = auth.  First job: the drop. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/sanitizer.h"
#include "webui/webui.h"

int
main(int argc, char **argv)
{
	static struct webui w;
	struct webui_options o;
	char err[256];

	sanitizer_report_open("webui");
	log_init("webui", 0);
	if (webui_parse_args(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil-webui: %s\nusage: vigil-webui --user U --chroot DIR "
		    "--port N [--address A] [--ssl --pemfile F [--clientpem F [--allow-self-signed]]] "
		    "[--no-signature] [--allow NET]... [-v]\n", err);
		return 2;
	}
	log_set_verbose(o.verbose);
	for (int fd = IPC_FD_PRIVD; fd <= IPC_FD_PEER2; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			fatalx("descriptor %d is not open: vigil-webui is started by vigild", fd);
	webui_init(&w);
	webui_sandbox_apply(&w, &o);
	webui_start(&w);
	log_info("listening on %s port %u%s", o.address != NULL ? o.address : "*",
	    o.port, o.ssl ? " (TLS)" : "");
	if (ev_run(w.ev) < 0)
		fatal("event loop");
	return w.exit_code;
}
