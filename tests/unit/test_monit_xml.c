/* The collector document of common/monit_xml.c against what Monit 5.33.0
 * itself POSTed to a sink for `set mmonit` (recorded 2026-11-30: a process
 * "sleeper", its kill -9 and restart):
 *
 *   <monit id="83a9..." incarnation="1796009387" version="5.33.0"><server>
 *   <uptime>0</uptime><poll>2</poll><startdelay>0</startdelay>
 *   <localhostname>vm</localhostname><controlfile>/tmp/mmrec/monitrc
 *   </controlfile><httpd>...</httpd></server><platform><name>Linux</name>
 *   <release>...</release><version>#1 SMP ...</version><machine>x86_64
 *   </machine><cpu>2</cpu><memory>24684084</memory><swap>0</swap>
 *   </platform><services><service name="sleeper"><type>3</type>
 *   <collected_sec>...</collected_sec>...<status>0</status>...
 *   <monitor>1</monitor>...<pid>32173</pid>...</service>...</services>
 *   <servicegroups></servicegroups><event><collected_sec>1796009395
 *   </collected_sec><collected_usec>367677</collected_usec><service>sleeper
 *   </service><type>3</type><id>512</id><state>1</state><action>2</action>
 *   <message><![CDATA[process is not running]]></message></event></monit>
 *
 * (Monit wraps the message in CDATA; we escape it, which any XML parser
 * reads the same.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/monit_xml.h"

static struct msg_svc_figures figs[3];
static const char *const names[3] = { "sleeper", "a\"<b>&'c", "vm" };

static void
service(const void *ctx, size_t i, struct monit_xml_service *out)
{
	(void)ctx;
	out->name = names[i];
	out->pid = i == 0 ? 32173 : 0;
	out->uptime_s = 2;
	out->fig = &figs[i];
}

static struct obuf b;

static void
render(enum monit_xml_style style, const struct monit_xml_event *ev, const char *user)
{
	struct monit_xml_doc d = {
		.style = style, .host = "vm", .incarnation = 1796009387, .uptime_s = 0,
		.poll_s = 2, .controlfile = "/tmp/mmrec/monitrc", .httpd_address = "127.0.0.1",
		.httpd_port = 2812, .cred_user = user, .cred_password = "p<w",
		.sysname = "Linux", .release = "6.18", .version = "#1 SMP", .machine = "x86_64",
		.ncpu = 2, .nservices = 3, .service = service, .event = ev,
	};

	memset(figs, 0, sizeof(figs));
	figs[0].type_code = 0;		/* process */
	figs[0].monitor_code = 1;
	figs[0].collected = 1796009397;
	figs[1].type_code = 1;		/* file */
	figs[1].monitor_code = 1;
	figs[1].events = 0x200;
	figs[2].type_code = 6;		/* system */
	figs[2].monitor_code = 1;
	figs[2].mem_total = 24684084ull * 1024;
	obuf_free(&b);
	obuf_init(&b, 1 << 20);
	monit_xml_render(&b, &d);
	assert_false(b.failed);
}

static void
test_collector_envelope_as_monit_sends_it(void **state)
{
	const struct monit_xml_event ev = {
		.time_us = 1796009395367677ull, .service = "sleeper", .type = 3, .id = 512,
		.state = 1, .action = 2, .message = "process is not running",
	};
	(void)state;

	render(MONIT_XML_COLLECTOR, &ev, NULL);
	assert_non_null(strstr(b.data, "?><monit id=\""));
	assert_non_null(strstr(b.data, "\" incarnation=\"1796009387\" version=\""));
	assert_non_null(strstr(b.data, "\"><server><uptime>0</uptime><poll>2</poll>"
	    "<startdelay>0</startdelay><localhostname>vm</localhostname><controlfile>"
	    "/tmp/mmrec/monitrc</controlfile><httpd><address>127.0.0.1</address>"
	    "<port>2812</port><ssl>0</ssl></httpd></server><platform><name>Linux</name>"
	    "<release>6.18</release><version>#1 SMP</version><machine>x86_64</machine>"
	    "<cpu>2</cpu><memory>24684084</memory><swap>0</swap></platform><services>"
	    "<service name=\"sleeper\"><type>3</type><collected_sec>1796009397"
	    "</collected_sec>"));
	assert_non_null(strstr(b.data, "<status>0</status><status_hint>0</status_hint>"
	    "<monitor>1</monitor><monitormode>0</monitormode><onreboot>0</onreboot>"
	    "<pendingaction>0</pendingaction><pid>32173</pid>"));
	/* a name with XML's special characters stays one attribute */
	assert_non_null(strstr(b.data, "<service name=\"a&quot;&lt;b&gt;&amp;&apos;c\">"
	    "<type>2</type>"));
	assert_non_null(strstr(b.data, "<status>512</status>"));
	assert_non_null(strstr(b.data, "<service name=\"vm\"><type>5</type>"));
	assert_non_null(strstr(b.data, "</services><servicegroups></servicegroups><event>"
	    "<collected_sec>1796009395</collected_sec><collected_usec>367677"
	    "</collected_usec><service>sleeper</service><type>3</type><id>512</id>"
	    "<state>1</state><action>2</action><message>process is not running"
	    "</message></event></monit>\n"));
	assert_null(strstr(b.data, "<credentials>"));

	/* no event: the cycle's document ends after the groups */
	render(MONIT_XML_COLLECTOR, NULL, NULL);
	assert_non_null(strstr(b.data, "</services><servicegroups></servicegroups></monit>\n"));
}

static void
test_collector_credentials(void **state)
{
	(void)state;
	render(MONIT_XML_COLLECTOR, NULL, "admin");
	assert_non_null(strstr(b.data, "<ssl>0</ssl></httpd><credentials><username>admin"
	    "</username><password>p&lt;w</password></credentials></server>"));
	/* the web interface's document never carries them */
	render(MONIT_XML_STATUS, NULL, "admin");
	assert_null(strstr(b.data, "credentials"));
}

static void
test_status_style_unchanged(void **state)
{
	(void)state;
	render(MONIT_XML_STATUS, NULL, NULL);
	assert_non_null(strstr(b.data, "<monit><server><id>"));
	assert_non_null(strstr(b.data, "<incarnation>1796009387</incarnation><version>"));
	assert_non_null(strstr(b.data, "<service type=\"3\"><name>sleeper</name>"));
	assert_null(strstr(b.data, "<services>"));
	assert_null(strstr(b.data, "<controlfile>"));
	assert_null(strstr(b.data, "<event>"));
	obuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collector_envelope_as_monit_sends_it),
		cmocka_unit_test(test_collector_credentials),
		cmocka_unit_test(test_status_style_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
