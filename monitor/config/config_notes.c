/* Migration notes for `vigil -t`: what vigil reads but does differently from
 * Monit, so that an admin pointing vigil at a Monit file learns it before
 * switching, not after.  Notes never make a file invalid and are printed
 * only by the syntax check (parse_opts.notes), not at every daemon start.
 *
 * Each note says what vigil does instead and why.  A statement that vigil
 * starts acting on loses its row here. */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "monitor/config/config_ssl.h"
#include "monitor/config/parse_int.h"

#define VIGIL_PIDFILE	"/run/vigild.pid"

/* "set WORD ...": global statements read and not acted on. */
static const struct {
	const char *word;
	const char *note;
} set_notes[] = {
	{ "idfile", "set idfile is ignored: vigil has no M/Monit id to keep" },
	{ "init", "set init is ignored: vigild detaches unless started with -I "
	    "(vigil.service runs vigild -I, Type=notify)" },
	{ "fips", "set fips is ignored: OpenSSL's FIPS provider is not loaded" },
	{ "limits", "set limits is ignored: vigil's buffers have fixed bounds" },
	{ "ssl", "set ssl: verify, selfsigned, cacertificatefile and cacertificatepath act "
	    "for connection tests, mail servers and M/Monit; the web interface "
	    "uses its own ssl options, other options are ignored" },
};

/* The token after i that is not a noise word ("set pidfile is /x"), or NULL. */
static const struct token *
next_word(const struct token_list *tl, size_t i)
{
	for (i++; i < tl->n && tl->v[i].kind != TK_EOF; i++)
		if (!tl->v[i].noise)
			return &tl->v[i];
	return NULL;
}

static void
note_set_statements(const struct config *cf, const struct token_list *tl, struct diag *d)
{
	for (size_t i = 0; i < tl->n; i++) {
		const struct token *set = &tl->v[i], *w, *val;

		if (set->kind != TK_WORD || !tok_is(set, "set") || set->noise)
			continue;
		w = next_word(tl, i);
		if (w == NULL || w->kind != TK_WORD)
			continue;
		val = next_word(tl, (size_t)(w - tl->v));
		for (size_t k = 0; k < ARRAY_SIZE(set_notes); k++)
			if (tok_is(w, set_notes[k].word))
				diag_note(d, &set->pos, "%s", set_notes[k].note);
		if (tok_is(w, "logfile") && cf->log_chained && cf->logfile != NULL)
			diag_note(d, &set->pos, "set logfile %s chained: each line ends with "
			    "\" #c=\" and a hash-chain value; 'vigil log verify %s' shows the "
			    "first line removed, changed or moved (not lines cut off the end, "
			    "nor a file rewritten whole by root)", cf->logfile, cf->logfile);
		if (tok_is(w, "pidfile") && val != NULL && strcmp(val->text, VIGIL_PIDFILE) != 0)
			diag_note(d, &set->pos, "set pidfile %s: the package's logrotate file signals "
			    "the vigild named by %s; with this pidfile, change its postrotate",
			    val->text, VIGIL_PIDFILE);
		/* set statefile and set eventqueue in directories the monitor
		 * cannot write: core/paths.c says where vigil keeps them. */
	}
}

static void
note_httpd(const struct config *cf, struct diag *d)
{
	if (!cf->httpd.enabled)
		return;
	diag_note(d, &cf->httpd.pos, "the vigil command does not use set httpd: it talks to "
	    "the control socket and needs no password (keep set httpd only for the web "
	    "interface)");
	if (cf->httpd.unixsocket != NULL)
		diag_note(d, &cf->httpd.pos, "set httpd unixsocket is not offered: the web "
		    "interface listens on TCP; the vigil command has its own socket");
}

/* A Monit file by name: where vigil keeps what Monit kept, and what to do
 * before switching. */
static void
note_monit_file(const struct config *cf, struct diag *d)
{
	const char *base;
	struct srcpos pos = { 0 };

	if (cf->nfiles == 0)
		return;
	base = strrchr(cf->files[0], '/');
	base = base ? base + 1 : cf->files[0];
	if (strstr(base, "monitrc") == NULL)
		return;
	pos.file = cf->files[0];
	pos.line = 1;
	pos.col = 1;
	diag_note(d, &pos, "a Monit control file: stop Monit before starting vigil on it "
	    "(both would act on the same services); vigil writes its pid to %s, its state "
	    "to %s and its control socket to %s", cf->pidfile, cf->statefile,
	    cf->control_socket ? cf->control_socket : "/run/vigil/control.sock");
}

/* Monit's default, kept: a TLS test trusts any certificate unless told to
 * verify.  Said once, at the first test that does not verify. */
static void
note_unverified_tls(const struct config *cf, struct diag *d)
{
	for (const struct service *s = cf->services; s; s = s->next)
		for (const struct test *t = s->tests; t; t = t->next) {
			struct ssl_policy pol;

			if (t->kind != TEST_CONNECTION || !ssl_conn_uses_tls(t->conn))
				continue;
			ssl_policy_of(cf, t->conn, &pol);
			if (pol.verify || t->conn->certmd5 != NULL)
				continue;
			diag_note(d, &t->pos, "the TLS certificate of this test (and of any other "
			    "without verify) is not verified, as in Monit: add 'set ssl { verify: "
			    "enable }' or 'ssl { verify: enable }' to the test (certmd5 pins one "
			    "certificate instead)");
			return;
		}
}

void
config_notes(const struct config *cf, const struct token_list *tl, struct diag *d)
{
	note_monit_file(cf, d);
	note_set_statements(cf, tl, d);
	note_httpd(cf, d);
	note_unverified_tls(cf, d);
	/* protocols no module speaks: config_check.c warns (protocols_unspoken) */
}
