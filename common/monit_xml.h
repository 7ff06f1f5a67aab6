/* Monit 5.3x's XML status document, rendered from the figures the monitor
 * measured (struct msg_svc_figures): the web interface serves it at
 * /_status?format=xml (Telegraf, the Prometheus exporters), the monitor
 * POSTs it to M/Monit's collector (`set mmonit`), with an <event> when one
 * happened.  Every value that is not a number goes through obuf_xml. */
#ifndef VIGIL_COMMON_MONIT_XML_H
#define VIGIL_COMMON_MONIT_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/msg.h"
#include "common/obuf.h"

enum monit_xml_style {
	/* /_status?format=xml: <monit><server><id>..., <service type="N"> */
	MONIT_XML_STATUS,
	/* M/Monit's collector (what Monit 5.33 POSTs): <monit id= incarnation=
	 * version=>, <services><service name="..."><type>N</type>, then
	 * <servicegroups/> and the <event> if any */
	MONIT_XML_COLLECTOR,
};

struct monit_xml_service {
	const char *name;
	uint32_t pid;
	uint64_t uptime_s;
	const struct msg_svc_figures *fig;
};

/* One event for the collector (Monit's numbering). */
struct monit_xml_event {
	uint64_t time_us;		/* when it happened */
	const char *service;
	int type;			/* Monit's service type number */
	uint32_t id;			/* Monit's event bit */
	int state;			/* 0 succeeded, 1 failed, 2 changed, 3 not changed */
	int action;			/* 1 alert, 2 restart, 3 stop, 4 exec, 5 unmonitor,
					 * 6 start, 7 monitor */
	const char *message;
};

struct monit_xml_doc {
	enum monit_xml_style style;
	const char *host;		/* local host name */
	uint64_t incarnation;		/* unix seconds the monitor started */
	uint32_t uptime_s, poll_s;
	const char *controlfile;	/* collector only; NULL: left out */
	const char *httpd_address;	/* "" without `set httpd` */
	unsigned httpd_port;
	bool httpd_ssl;
	/* collector only: `set httpd allow user:password` for M/Monit to reach
	 * back; NULL: none (or "register without credentials") */
	const char *cred_user, *cred_password;
	const char *sysname, *release, *version, *machine;	/* uname(2) */
	unsigned ncpu;
	/* the services, in file order */
	size_t nservices;
	void (*service)(const void *ctx, size_t i, struct monit_xml_service *out);
	const void *ctx;
	const struct monit_xml_event *event;	/* collector only; NULL: none */
};

/* Monit's number for our enum service_type (the figures' type_code). */
int monit_xml_type(unsigned type_code);
void monit_xml_render(struct obuf *b, const struct monit_xml_doc *d);

#endif
