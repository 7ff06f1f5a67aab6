/* Monit 5.3x's XML status document (see monit_xml.h): element names and
 * numbering as Monit writes them, <status> with Monit's event bits,
 * <monitor> 0/1/2.  The two styles share the service bodies; they differ
 * in the envelope, which is what Monit 5.33 itself sends to each reader
 * (recorded in tests/unit/test_monit_xml.c). */
#include <stdio.h>
#include <string.h>

#include "common/monit_xml.h"
#include "common/util.h"
#include "common/version.h"

/* Our enum service_type (monitor/config) to Monit's type numbers. */
static const int monit_type[MSG_SVC_TYPE_MAX + 1] = {
	3,	/* process */
	2,	/* file */
	6,	/* fifo */
	0,	/* filesystem */
	1,	/* directory */
	4,	/* host */
	5,	/* system */
	7,	/* program */
	8,	/* network */
};

#define T_PROCESS	0
#define T_SYSTEM	6
#define T_PROGRAM	7
#define T_NETWORK	8

int
monit_xml_type(unsigned type_code)
{
	return type_code <= MSG_SVC_TYPE_MAX ? monit_type[type_code] : 3;
}

static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

/* A stable 32-hex-digit id: FNV-1a of the host name, twice. */
static void
server_id(const char *host, char out[33])
{
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };

	for (int k = 0; k < 2; k++)
		for (const unsigned char *p = (const unsigned char *)host; *p != '\0'; p++)
			h[k] = (h[k] ^ *p) * 0x100000001b3ull;
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

static void
xml_elem(struct obuf *b, const char *name, const char *text)
{
	obuf_addf(b, "<%s>", name);
	obuf_xml(b, text != NULL ? text : "");
	obuf_addf(b, "</%s>", name);
}

static void
xml_service(struct obuf *b, enum monit_xml_style style, const struct monit_xml_service *v,
    const struct msg_svc_figures *sys)
{
	const struct msg_svc_figures *f = v->fig;
	bool live = f->monitor_code == 1;

	if (style == MONIT_XML_COLLECTOR) {
		obuf_adds(b, "<service name=\"");
		obuf_xml(b, v->name);
		obuf_addf(b, "\"><type>%d</type>", monit_xml_type(f->type_code));
	} else {
		obuf_addf(b, "<service type=\"%d\">", monit_xml_type(f->type_code));
		xml_elem(b, "name", v->name);
	}
	obuf_addf(b, "<collected_sec>%llu</collected_sec><collected_usec>0</collected_usec>"
	    "<status>%u</status><status_hint>0</status_hint><monitor>%u</monitor>"
	    "<monitormode>%u</monitormode><onreboot>0</onreboot>"
	    "<pendingaction>0</pendingaction>", (unsigned long long)f->collected,
	    f->events, f->monitor_code, f->mode);
	if (live && f->type_code == T_PROCESS && v->pid != 0) {
		uint64_t mt = sys != NULL ? sys->mem_total : 0;

		obuf_addf(b, "<pid>%u</pid><ppid>%u</ppid><uptime>%llu</uptime>"
		    "<threads>%u</threads><children>%u</children>", v->pid, f->ppid,
		    (unsigned long long)v->uptime_s, f->threads, f->children);
		obuf_addf(b, "<memory><percent>%.1f</percent><percenttotal>%.1f</percenttotal>"
		    "<kilobyte>%llu</kilobyte><kilobytetotal>%llu</kilobytetotal></memory>",
		    pct(f->mem_bytes, mt), pct(f->total_mem_bytes, mt),
		    (unsigned long long)(f->mem_bytes / 1024),
		    (unsigned long long)(f->total_mem_bytes / 1024));
		obuf_addf(b, "<cpu><percent>%.1f</percent><percenttotal>%.1f</percenttotal></cpu>",
		    (double)f->cpu_permille / 10.0, (double)f->total_cpu_permille / 10.0);
	}
	if (live && f->type_code == T_SYSTEM && f->mem_total > 0) {
		obuf_addf(b, "<system><load><avg01>%.2f</avg01><avg05>%.2f</avg05>"
		    "<avg15>%.2f</avg15></load>", f->load1 / 100.0, f->load5 / 100.0,
		    f->load15 / 100.0);
		obuf_addf(b, "<cpu><user>%.1f</user><system>%.1f</system><nice>0.0</nice>"
		    "<wait>%.1f</wait></cpu>", f->cpu_user_permille / 10.0,
		    f->cpu_system_permille / 10.0, f->cpu_wait_permille / 10.0);
		obuf_addf(b, "<memory><percent>%.1f</percent><kilobyte>%llu</kilobyte></memory>"
		    "<swap><percent>%.1f</percent><kilobyte>%llu</kilobyte></swap></system>",
		    pct(f->mem_used, f->mem_total), (unsigned long long)(f->mem_used / 1024),
		    pct(f->swap_used, f->swap_total), (unsigned long long)(f->swap_used / 1024));
	}
	if (live && f->type_code == T_PROGRAM && f->have_exit_status)
		obuf_addf(b, "<program><started>%llu</started><status>%d</status>"
		    "<output></output></program>", (unsigned long long)f->collected,
		    f->exit_status);
	if (live && f->type_code == T_NETWORK)
		obuf_addf(b, "<link><state>%d</state><speed>-1</speed><duplex>-1</duplex>"
		    "<download><bytes><now>0</now><total>%llu</total></bytes></download>"
		    "<upload><bytes><now>0</now><total>%llu</total></bytes></upload></link>",
		    (f->events & 0x800000) ? 0 : 1, (unsigned long long)f->net_rx,
		    (unsigned long long)f->net_tx);
	obuf_adds(b, "</service>");
}

/* Monit wraps the message in CDATA; escaped text reads the same to any XML
 * parser and needs no care for "]]>" in a program's output. */
static void
xml_event(struct obuf *b, const struct monit_xml_event *e)
{
	obuf_addf(b, "<event><collected_sec>%llu</collected_sec><collected_usec>%llu"
	    "</collected_usec>", (unsigned long long)(e->time_us / 1000000u),
	    (unsigned long long)(e->time_us % 1000000u));
	xml_elem(b, "service", e->service);
	obuf_addf(b, "<type>%d</type><id>%u</id><state>%d</state><action>%d</action>",
	    e->type, e->id, e->state, e->action);
	xml_elem(b, "message", e->message);
	obuf_adds(b, "</event>");
}

void
monit_xml_render(struct obuf *b, const struct monit_xml_doc *d)
{
	struct monit_xml_service v;
	struct msg_svc_figures sys;
	bool have_sys = false;
	char id[33];

	/* The system service's memory total, for the processes' percentages. */
	for (size_t i = 0; i < d->nservices && !have_sys; i++) {
		d->service(d->ctx, i, &v);
		if (v.fig->type_code == T_SYSTEM && v.fig->mem_total > 0) {
			sys = *v.fig;
			have_sys = true;
		}
	}
	server_id(d->host, id);
	obuf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	if (d->style == MONIT_XML_COLLECTOR)
		obuf_addf(b, "<monit id=\"%s\" incarnation=\"%llu\" version=\"" VIGIL_VERSION
		    "\"><server>", id, (unsigned long long)d->incarnation);
	else
		obuf_addf(b, "<monit><server><id>%s</id><incarnation>%llu</incarnation>"
		    "<version>" VIGIL_VERSION "</version>", id,
		    (unsigned long long)d->incarnation);
	obuf_addf(b, "<uptime>%u</uptime><poll>%u</poll><startdelay>0</startdelay>",
	    d->uptime_s, d->poll_s);
	xml_elem(b, "localhostname", d->host);
	if (d->style == MONIT_XML_COLLECTOR && d->controlfile != NULL)
		xml_elem(b, "controlfile", d->controlfile);
	obuf_adds(b, "<httpd>");
	xml_elem(b, "address", d->httpd_address);
	obuf_addf(b, "<port>%u</port><ssl>%d</ssl></httpd>", d->httpd_port,
	    d->httpd_ssl ? 1 : 0);
	if (d->style == MONIT_XML_COLLECTOR && d->cred_user != NULL) {
		obuf_adds(b, "<credentials>");
		xml_elem(b, "username", d->cred_user);
		xml_elem(b, "password", d->cred_password);
		obuf_adds(b, "</credentials>");
	}
	obuf_adds(b, "</server><platform>");
	xml_elem(b, "name", d->sysname);
	xml_elem(b, "release", d->release);
	if (d->style == MONIT_XML_COLLECTOR)
		xml_elem(b, "version", d->version);
	xml_elem(b, "machine", d->machine);
	obuf_addf(b, "<cpu>%u</cpu><memory>%llu</memory><swap>%llu</swap></platform>",
	    d->ncpu, (unsigned long long)(have_sys ? sys.mem_total / 1024 : 0),
	    (unsigned long long)(have_sys ? sys.swap_total / 1024 : 0));
	if (d->style == MONIT_XML_COLLECTOR)
		obuf_adds(b, "<services>");
	for (size_t i = 0; i < d->nservices && !b->failed; i++) {
		d->service(d->ctx, i, &v);
		xml_service(b, d->style, &v, have_sys ? &sys : NULL);
	}
	if (d->style == MONIT_XML_COLLECTOR) {
		obuf_adds(b, "</services><servicegroups></servicegroups>");
		if (d->event != NULL)
			xml_event(b, d->event);
	}
	obuf_adds(b, "</monit>\n");
}
