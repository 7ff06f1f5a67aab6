/* The control-file lexer: tokens, positions, noise words, blocks, includes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/config/config.h"
#include "monitor/config/lexer.h"
#include "monitor/config/parse.h"

struct lexed {
	struct config *cf;
	struct token_list tl;
	struct diag d;
	char *err;
	size_t errlen;
	FILE *errf;
};

static void
lex(struct lexed *l, const char *text)
{
	struct lex_opts o = { 0 };

	memset(l, 0, sizeof(*l));
	l->cf = config_new();
	l->errf = open_memstream(&l->err, &l->errlen);
	l->d.out = l->errf;
	lex_string(l->cf, &l->d, &o, "rc", text, strlen(text), &l->tl);
	fflush(l->errf);
}

static void
lexed_free(struct lexed *l)
{
	fclose(l->errf);
	free(l->err);
	token_list_free(&l->tl);
	config_free(l->cf);
}

static void
test_words_strings_positions(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "set daemon 30\n  check \"my name\" 'single'\n");
	assert_int_equal(l.d.nerrors, 0);
	assert_int_equal(l.tl.n, 7);	/* 6 + EOF */
	assert_int_equal(l.tl.v[0].kind, TK_WORD);
	assert_string_equal(l.tl.v[0].text, "set");
	assert_int_equal(l.tl.v[0].pos.line, 1);
	assert_int_equal(l.tl.v[0].pos.col, 1);
	assert_true(l.tl.v[0].bol);
	assert_false(l.tl.v[1].bol);
	assert_string_equal(l.tl.v[2].text, "30");
	assert_int_equal(l.tl.v[3].pos.line, 2);
	assert_int_equal(l.tl.v[3].pos.col, 3);
	assert_true(l.tl.v[3].bol);
	assert_int_equal(l.tl.v[4].kind, TK_STRING);
	assert_string_equal(l.tl.v[4].text, "my name");
	assert_int_equal(l.tl.v[4].pos.col, 9);
	assert_string_equal(l.tl.v[5].text, "single");
	assert_int_equal(l.tl.v[5].kind, TK_STRING);
	assert_int_equal(l.tl.v[6].kind, TK_EOF);
	lexed_free(&l);
}

static void
test_comments_and_punctuation(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "# a comment\nstart program = \"/bin/x\"; depends on a,b # trailing\n");
	assert_int_equal(l.d.nerrors, 0);
	/* start program "/bin/x" depends on a b EOF: '=' ';' ',' dropped */
	assert_int_equal(l.tl.n, 8);
	assert_string_equal(l.tl.v[0].text, "start");
	assert_true(l.tl.v[1].noise);		/* program */
	assert_int_equal(l.tl.v[2].kind, TK_STRING);
	assert_string_equal(l.tl.v[3].text, "depends");
	assert_true(l.tl.v[4].noise);		/* on */
	assert_string_equal(l.tl.v[5].text, "a");
	assert_string_equal(l.tl.v[6].text, "b");
	lexed_free(&l);
}

static void
test_operators(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "< > <= >= == != <> =");
	assert_int_equal(l.tl.n, 8);
	assert_string_equal(l.tl.v[0].text, "<");
	assert_string_equal(l.tl.v[3].text, ">=");
	assert_string_equal(l.tl.v[4].text, "==");
	assert_string_equal(l.tl.v[5].text, "!=");
	assert_string_equal(l.tl.v[6].text, "<>");
	assert_int_equal(l.tl.v[6].kind, TK_OP);
	assert_int_equal(l.tl.v[7].kind, TK_EOF);	/* lone '=' is punctuation */
	lexed_free(&l);
}

static void
test_keyword_glued_to_operator(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "start=\"/bin/x\" cpu>80% http://h/?a=b admin:c2Vj=");
	assert_int_equal(l.d.nerrors, 0);
	assert_string_equal(l.tl.v[0].text, "start");
	assert_int_equal(l.tl.v[1].kind, TK_STRING);
	assert_string_equal(l.tl.v[2].text, "cpu");
	assert_string_equal(l.tl.v[3].text, ">");
	assert_string_equal(l.tl.v[4].text, "80%");
	assert_string_equal(l.tl.v[5].text, "http://h/?a=b");
	assert_string_equal(l.tl.v[6].text, "admin:c2Vj=");
	lexed_free(&l);
}

static void
test_escaped_quote_and_backslash(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "\"say \\\"hi\\\" \\d+\"");
	assert_int_equal(l.d.nerrors, 0);
	assert_string_equal(l.tl.v[0].text, "say \"hi\" \\d+");
	lexed_free(&l);
}

static void
test_noise_words_flagged(void **state)
{
	static const char *const noise[] = {
		"and", "with", "within", "has", "using", "use", "on", "only", "the", "sum",
		"program", "programs", "than", "for", "usage", "was", "but", "of", "is", "as", "are",
	};
	struct lexed l;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(noise) / sizeof(noise[0]); i++) {
		lex(&l, noise[i]);
		assert_true(l.tl.v[0].noise);
		lexed_free(&l);
	}
	lex(&l, "\"with\" check WITH");
	assert_false(l.tl.v[0].noise);		/* quoted: a value */
	assert_false(l.tl.v[1].noise);
	assert_true(l.tl.v[2].noise);		/* case-insensitive */
	lexed_free(&l);
}

static void
test_mail_format_block(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "set mail-format {\n from: a@b\n subject: $SERVICE\n}\nset x");
	assert_int_equal(l.d.nerrors, 0);
	assert_int_equal(l.tl.v[2].kind, TK_BLOCK);
	assert_string_equal(l.tl.v[2].text, "\n from: a@b\n subject: $SERVICE\n");
	assert_string_equal(l.tl.v[3].text, "set");
	assert_int_equal(l.tl.v[3].pos.line, 5);
	lexed_free(&l);
}

static void
test_braces_parens_and_vars(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "on {nonexist} loadavg(5min) admin:${PW}");
	assert_int_equal(l.tl.v[1].kind, TK_LBRACE);
	assert_string_equal(l.tl.v[2].text, "nonexist");
	assert_int_equal(l.tl.v[3].kind, TK_RBRACE);
	assert_string_equal(l.tl.v[4].text, "loadavg");
	assert_int_equal(l.tl.v[5].kind, TK_LPAREN);
	assert_string_equal(l.tl.v[6].text, "5min");
	assert_int_equal(l.tl.v[7].kind, TK_RPAREN);
	assert_string_equal(l.tl.v[8].text, "admin:${PW}");
	lexed_free(&l);
}

static void
test_bom_and_crlf(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "\xef\xbb\xbfset daemon 30\r\nset init\r\n");
	assert_int_equal(l.d.nerrors, 0);
	assert_string_equal(l.tl.v[0].text, "set");
	assert_int_equal(l.tl.v[0].pos.col, 1);
	assert_string_equal(l.tl.v[2].text, "30");
	assert_int_equal(l.tl.v[3].pos.line, 2);
	assert_true(l.tl.v[3].bol);
	lexed_free(&l);
}

static void
test_unterminated_string(void **state)
{
	struct lexed l;
	(void)state;

	lex(&l, "check process a\n  with pidfile \"/run/a.pid\n");
	assert_int_equal(l.d.nerrors, 1);
	assert_string_equal(l.err, "rc:2:16: error: unterminated quoted string (missing closing \")\n");
	lexed_free(&l);
}

static void
test_nul_byte(void **state)
{
	struct lexed l;
	struct lex_opts o = { 0 };
	(void)state;

	memset(&l, 0, sizeof(l));
	l.cf = config_new();
	l.errf = open_memstream(&l.err, &l.errlen);
	l.d.out = l.errf;
	lex_string(l.cf, &l.d, &o, "rc", "set\0daemon", 10, &l.tl);
	fflush(l.errf);
	assert_int_equal(l.d.nerrors, 1);
	assert_non_null(strstr(l.err, "rc:1:4: error: NUL byte"));
	lexed_free(&l);
}

/* ---- includes (from disk) ---- */

static char tmpdir[64];

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigil-lex.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct config *
parse_file(const char *name, char **err, int *nerr)
{
	struct parse_opts o = { 0 };
	char path[256];
	size_t len;
	FILE *f = open_memstream(err, &len);
	struct config *cf;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	o.errout = f;
	cf = config_parse(path, &o, nerr);
	fclose(f);
	return cf;
}

static void
test_include_glob_inside_check(void **state)
{
	struct config *cf;
	char *err = NULL;
	int nerr = -1;
	(void)state;

	write_file("main.rc", "check process a with pidfile /run/a.pid\n  include conf.d/*.inc\n"
	    "check process b with pidfile /run/b.pid\n", 0600);
	{
		char d[256];
		snprintf(d, sizeof(d), "%s/conf.d", tmpdir);
		mkdir(d, 0755);
		snprintf(d, sizeof(d), "%s/conf.d/sub.inc", tmpdir);
		mkdir(d, 0755);	/* a directory matching the glob: skipped */
	}
	write_file("conf.d/1.inc", "  depends on b\n", 0600);
	write_file("conf.d/2.inc", "  group web\n", 0600);
	cf = parse_file("main.rc", &err, &nerr);
	assert_non_null(cf);
	assert_int_equal(nerr, 0);
	assert_non_null(cf->services->depends);
	assert_string_equal(cf->services->depends->name, "b");
	assert_int_equal(cf->services->ngroups, 1);
	assert_string_equal(cf->services->groups[0], "web");
	assert_int_equal(cf->nfiles, 3);
	config_free(cf);
	free(err);
}

static void
test_include_no_match_is_warning(void **state)
{
	struct config *cf;
	char *err = NULL;
	int nerr = -1;
	(void)state;

	write_file("nomatch.rc", "include /nonexistent/vigil/*.cfg\nset daemon 10\n", 0600);
	cf = parse_file("nomatch.rc", &err, &nerr);
	assert_non_null(cf);
	assert_int_equal(nerr, 0);
	assert_non_null(strstr(err, "nomatch.rc:1:1: warning: include /nonexistent/vigil/*.cfg "
	    "matches no file"));
	assert_int_equal(cf->poll_s, 10);
	config_free(cf);
	free(err);
}

static void
test_include_loop_is_error(void **state)
{
	struct config *cf;
	char *err = NULL;
	int nerr = 0;
	(void)state;

	write_file("loop_a.rc", "set daemon 10\ninclude loop_b.rc\n", 0600);
	write_file("loop_b.rc", "\n\ninclude loop_a.rc\n", 0600);
	cf = parse_file("loop_a.rc", &err, &nerr);
	assert_null(cf);
	assert_int_equal(nerr, 1);
	assert_non_null(strstr(err, "loop_b.rc:3:1: error: include loop:"));
	free(err);
}

static void
test_include_in_string_mode_needs_absolute(void **state)
{
	struct parse_opts o = { 0 };
	char *err = NULL;
	size_t len;
	int nerr;
	struct config *cf;
	(void)state;

	o.errout = open_memstream(&err, &len);
	cf = config_parse_string("include relative/*.rc\n", "s", &o, &nerr);
	fclose(o.errout);
	assert_non_null(cf);
	assert_non_null(strstr(err, "relative include ignored"));
	config_free(cf);
	free(err);
}

static void
test_split_argv(void **state)
{
	char **argv;
	char err[128];
	int argc, i;
	(void)state;

	argc = split_argv("/bin/sh -c 'echo $$ > pidfile; exec prog' \"a \\\"b\\\"\" c\\ d", &argv,
	    err, sizeof(err));
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "echo $$ > pidfile; exec prog");
	assert_string_equal(argv[3], "a \"b\"");
	assert_string_equal(argv[4], "c d");
	assert_null(argv[5]);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	assert_int_equal(split_argv("/bin/x 'open", &argv, err, sizeof(err)), -1);
	assert_string_equal(err, "unterminated single quote");
	assert_int_equal(split_argv("   ", &argv, err, sizeof(err)), -1);
	assert_string_equal(err, "empty program");
	argc = split_argv("/bin/x ''", &argv, err, sizeof(err));
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "");
	free(argv[0]);
	free(argv[1]);
	free(argv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_strings_positions),
		cmocka_unit_test(test_comments_and_punctuation),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_keyword_glued_to_operator),
		cmocka_unit_test(test_escaped_quote_and_backslash),
		cmocka_unit_test(test_noise_words_flagged),
		cmocka_unit_test(test_mail_format_block),
		cmocka_unit_test(test_braces_parens_and_vars),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_include_glob_inside_check),
		cmocka_unit_test(test_include_no_match_is_warning),
		cmocka_unit_test(test_include_loop_is_error),
		cmocka_unit_test(test_include_in_string_mode_needs_absolute),
		cmocka_unit_test(test_split_argv),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
