/* libFuzzer target: hostile server replies to every protocol module.
 *
 * Input: byte 0 picks the module (an index into proto_modules), byte 1
 * the variant (bit 0: the richer test options, bit 1: UDP, bit 2: the
 * server closes after its last chunk); the rest is the server's side,
 * cut into chunks at each "\xf5\xf5".  Invariants (abort): a module never
 * consumes bytes it was not given, never overfills its output, words its
 * verdict as a printable string, and ends within a bounded number of
 * steps (tests/unit/transcript.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "monitor/config/config.h"
#include "monitor/config/parse.h"
#include "tests/unit/transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NMOD_MAX 64
static struct config *plain[NMOD_MAX], *rich[NMOD_MAX];
static size_t nmod;

/* The options a test of each module may carry, to reach every branch. */
static const char *
rich_options(const char *name)
{
	if (!strcmp(name, "http"))
		return "request \"/x y\" hostheader \"h\" status = 200 content = \"a+b\" "
		    "checksum 6f5902ac237024bdd0c176cb93063dc4 method GET "
		    "http headers [X-A: b]";
	if (!strcmp(name, "generic"))
		return "send \"A\\r\\n\" expect \"^OK\" send \"\\0x00B\" expect \"\\0xFFx+\"";
	if (!strcmp(name, "smtp"))
		return "port 587 protocol smtps";
	if (!strcmp(name, "imap"))
		return "port 143 ssl";		/* STARTTLS */
	if (!strcmp(name, "pop"))
		return "port 110 ssl";		/* STLS */
	if (!strcmp(name, "mysql"))
		return "protocol mysqls";	/* SSL request, TLS, login */
	if (!strcmp(name, "radius"))
		return "secret \"s3cret\"";
	if (!strcmp(name, "sip"))
		return "target \"a@b\" maxforward 0";
	if (!strcmp(name, "websocket"))
		return "request \"/ws\" origin \"http://o\" version 13";
	if (!strcmp(name, "mqtt"))
		return "username \"u\" password \"p\"";
	return "";
}

static struct config *
parse_test(const char *proto, const char *opts)
{
	static FILE *devnull;
	struct parse_opts o = { 0 };
	char rc[1024];
	int nerr = 0;
	struct config *cf;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	o.errout = devnull;
	o.no_includes = true;
	snprintf(rc, sizeof(rc), "check host x address 127.0.0.1\n"
	    "  if failed port 1 %s%s %s then alert\n",
	    strcmp(proto, "generic") ? "protocol " : "", strcmp(proto, "generic") ? proto : "",
	    opts);
	cf = config_parse_string(rc, "fuzz", &o, &nerr);
	if (cf == NULL || nerr != 0 || cf->services == NULL || cf->services->tests == NULL)
		abort();	/* the fixture itself is wrong */
	return cf;
}

static void
init_once(void)
{
	if (nmod != 0)
		return;
	log_init("fuzz_protocols", 0);
	for (nmod = 0; proto_modules[nmod] && nmod < NMOD_MAX; nmod++) {
		const char *n = proto_modules[nmod]->name;

		plain[nmod] = parse_test(n, strcmp(n, "generic") ? "" :
		    "send \"x\" expect \"y\"");
		rich[nmod] = parse_test(n, rich_options(n));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char nonce[16] = { 0 };
	struct chunk ch[64];
	size_t nch = 0, i, start;
	struct transcript *t;
	const struct connection *c;
	size_t m;

	init_once();
	if (size < 2 || size > 2 * 1024 * 1024)
		return 0;
	m = data[0] % nmod;
	c = ((data[1] & 1) ? rich[m] : plain[m])->services->tests->conn;
	start = 2;
	for (i = 2; i + 1 < size && nch < 63; i++)
		if (data[i] == 0xf5 && data[i + 1] == 0xf5) {
			ch[nch].p = data + start;
			ch[nch++].n = i - start;
			start = i + 2;
			i++;
		}
	ch[nch].p = data + start;
	ch[nch++].n = size - start;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return 0;
	transcript_run(proto_modules[m], c, ch, nch, (data[1] & 4) != 0,
	    (data[1] & 2) != 0, nonce, t);
	free(t);
	return 0;
}
