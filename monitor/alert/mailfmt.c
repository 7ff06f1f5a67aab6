/* The alert mail's text: Monit's mail-format blocks ("from:", "reply-to:",
 * "subject:", "message:") with $VARIABLES, and Monit's default layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/util.h"
#include "monitor/alert/alert.h"
#include "monitor/alert/smtp.h"

#define DEFAULT_FROM	"monit@$HOST"
#define DEFAULT_SUBJECT	"monit alert --  $EVENT $SERVICE"
#define DEFAULT_MESSAGE	"$EVENT Service $SERVICE \n\n\tDate:        $DATE\n" \
	"\tAction:      $ACTION\n\tHost:        $HOST\n\tDescription: $DESCRIPTION\n" \
	"\nYour faithful employee,\nMonit\n"

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* A field keyword at the start of a line: "from:", "reply-to:",
 * "subject:" or "message:" (any case). */
static char **
field_at(struct mail_format *f, const char *p, size_t *kwlen)
{
	static const struct { const char *kw; size_t off; } kws[] = {
		{ "from:", offsetof(struct mail_format, from) },
		{ "reply-to:", offsetof(struct mail_format, reply_to) },
		{ "subject:", offsetof(struct mail_format, subject) },
		{ "message:", offsetof(struct mail_format, message) },
	};

	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (strncasecmp(p, kws[i].kw, strlen(kws[i].kw)) == 0) {
			*kwlen = strlen(kws[i].kw);
			return (char **)((char *)f + kws[i].off);
		}
	return NULL;
}

bool
mail_format_parse(const char *block, struct mail_format *f)
{
	char *p, **cur = NULL;
	bool any = false;

	memset(f, 0, sizeof(*f));
	if (block == NULL)
		return false;
	f->buf = xstrdup(block);
	p = f->buf;
	while (*p != '\0') {
		char *line = p, *start = p, **fld;

		size_t kwl = 0;

		while (*line == ' ' || *line == '\t')
			line++;
		/* "message:" runs to the end of the block */
		fld = (cur == &f->message) ? NULL : field_at(f, line, &kwl);
		p = strchr(p, '\n');
		p = p ? p + 1 : start + strlen(start);
		if (fld != NULL) {
			*fld = line + kwl;
			cur = fld;
			any = true;
			if (fld != &f->message && p[-1] == '\n')
				p[-1] = '\0';
		}
	}
	if (f->from) f->from = trim(f->from);
	if (f->reply_to) f->reply_to = trim(f->reply_to);
	if (f->subject) f->subject = trim(f->subject);
	if (f->message) {
		while (*f->message == ' ' || *f->message == '\t')
			f->message++;
	}
	return any;
}

void
mail_format_free(struct mail_format *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

void
mail_date(time_t t, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	off = tm.tm_gmtoff / 60;
	/* English names whatever the locale: mail dates are not localised */
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* In a header a value stays on its line, and stays ASCII (no RFC 2047
 * encoder here): anything else becomes '?' or a space. */
static void
sb_header_safe(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char c = ch < 0x20 || ch == 0x7f ? ' ' : ch >= 0x80 ? '?' : (char)ch;

		sb_add(b, &c, 1);
	}
}

char *
mail_expand(const char *tmpl, const struct mail_vars *v, bool header)
{
	struct sbuf b = { 0 };
	char date[64];

	mail_date(v->date, date, sizeof(date));
	sb_add(&b, "", 0);
	for (const char *p = tmpl; *p != '\0'; p++) {
		static const char *const names[] = { "$EVENT", "$SERVICE", "$DATE",
		    "$HOST", "$ACTION", "$DESCRIPTION" };
		const char *vals[] = { v->event, v->service, date, v->host,
		    v->action, v->description };
		size_t i;

		if (*p == '$') {
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (strncmp(p, names[i], strlen(names[i])) == 0)
					break;
			if (i < sizeof(names) / sizeof(names[0])) {
				const char *val = vals[i] ? vals[i] : "";

				if (header)
					sb_header_safe(&b, val);
				else
					sb_str(&b, val);
				p += strlen(names[i]) - 1;
				continue;
			}
		}
		if (header) {
			char s[2] = { *p, '\0' };

			sb_header_safe(&b, s);
		} else {
			sb_add(&b, p, 1);
		}
	}
	return b.p;
}

/* The bare address of "Name <a@b>" or "a@b". */
static void
bare_address(const char *from, char *out, size_t outlen)
{
	const char *lt = strchr(from, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL && gt > lt + 1) {
		size_t n = (size_t)(gt - lt - 1);

		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, lt + 1, n);
		out[n] = '\0';
		return;
	}
	strlcpy_v(out, from, outlen);
}

char *
mail_compose(const struct mail_vars *v, const char *rcpt_format,
    const char *global_format, const char *to, uint64_t msgid,
    char *from, size_t fromlen, size_t *len)
{
	struct mail_format rf, gf;
	const char *f_from, *f_reply, *f_subject, *f_message;
	char *e_from, *e_subject, *e_message, *e_reply = NULL;
	struct sbuf b = { 0 };
	char date[64], idbuf[64];

	mail_format_parse(rcpt_format, &rf);
	mail_format_parse(global_format, &gf);
	f_from = rf.from ? rf.from : gf.from ? gf.from : DEFAULT_FROM;
	f_reply = rf.reply_to ? rf.reply_to : gf.reply_to;
	f_subject = rf.subject ? rf.subject : gf.subject ? gf.subject : DEFAULT_SUBJECT;
	f_message = rf.message ? rf.message : gf.message ? gf.message : DEFAULT_MESSAGE;
	e_from = mail_expand(f_from, v, true);
	e_subject = mail_expand(f_subject, v, true);
	e_message = mail_expand(f_message, v, false);
	if (f_reply != NULL)
		e_reply = mail_expand(f_reply, v, true);
	bare_address(e_from, from, fromlen);
	if (!smtp_address_ok(from))
		snprintf(from, fromlen, "monit@%s", smtp_address_ok(v->host) ?
		    v->host : "localhost");
	mail_date(v->date, date, sizeof(date));
	sb_str(&b, "Date: ");
	sb_str(&b, date);
	sb_str(&b, "\nFrom: ");
	sb_str(&b, e_from);
	if (e_reply != NULL) {
		sb_str(&b, "\nReply-To: ");
		sb_str(&b, e_reply);
	}
	sb_str(&b, "\nTo: ");
	sb_header_safe(&b, to);
	sb_str(&b, "\nSubject: ");
	sb_str(&b, e_subject);
	snprintf(idbuf, sizeof(idbuf), "%llu", (unsigned long long)msgid);
	sb_str(&b, "\nMessage-Id: <");
	sb_str(&b, idbuf);
	sb_str(&b, ".vigil@");
	sb_header_safe(&b, smtp_address_ok(v->host) ? v->host : "localhost");
	sb_str(&b, ">\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\nX-Mailer: vigil\n\n");
	sb_str(&b, e_message);
	free(e_from);
	free(e_subject);
	free(e_message);
	free(e_reply);
	mail_format_free(&rf);
	mail_format_free(&gf);
	*len = b.len;
	return b.p;
}
