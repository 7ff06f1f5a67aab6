/* Alerts: who gets a mail for an event (recipients.c), what it says
 * (mailfmt.c), the event queue on disk (eventq.c), the SMTP session
 * (smtp.c) and its driver on the event loop (deliver.c), tied together in
 * alert.c.  The engine raises events through monitor_alert() (monitor.h);
 * main.c starts and stops this room. */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/monit_xml.h"
#include "monitor/monitor.h"

/* ---- recipients.c ---- */

/* The filter name of an event kind ("nonexist", "resource", ...), as the
 * alert filters and Monit's manual spell it, for a test kind. */
const char *alert_kind_of_test(const struct test *t);
/* Recipients of ev: the service's own (not "noalert"), then the global ones
 * the service does not name itself, each once, filtered by their event
 * lists and, for an event that stays failed, by their reminder.  Returns
 * how many were written to out (at most max). */
size_t alert_recipients(const struct config *cf, const struct alert_event *ev,
    const struct alert_recipient **out, size_t max);

/* ---- mailfmt.c ---- */

struct mail_vars {
	const char *service, *event, *action, *description, *host;
	time_t date;
};

/* One format block split into its fields (pointers into a copy). */
struct mail_format {
	char *from, *reply_to, *subject, *message;
	char *buf;
};
bool mail_format_parse(const char *block, struct mail_format *f);
void mail_format_free(struct mail_format *f);
/* $EVENT, $SERVICE, $DATE, $HOST, $ACTION, $DESCRIPTION replaced; in a
 * header (header=true) control bytes become spaces so a value cannot add
 * header lines. */
char *mail_expand(const char *tmpl, const struct mail_vars *v, bool header);
/* RFC 5322 date of t in local time. */
void mail_date(time_t t, char *buf, size_t len);
/* The whole message for one recipient: the recipient's format, else the
 * global one, else Monit's default, field by field.  *from gets the
 * envelope sender (bare address).  Returns a malloc'd message. */
char *mail_compose(const struct mail_vars *v, const char *rcpt_format,
    const char *global_format, const char *to, uint64_t msgid,
    char *from, size_t fromlen, size_t *len);

/* ---- eventq.c: one file per event ---- */

struct alert_mail {
	char *to, *from;
	char *msg;
	size_t msglen;
	bool done;		/* delivered, or refused for good */
	uint64_t tried_batch;	/* the batch that last offered it to a server */
};

struct alert_item {
	uint64_t seq;		/* event order; the file name */
	uint64_t time;		/* unix seconds of the event */
	char *service, *event;
	struct alert_mail *mails;
	size_t nmails;
	bool on_disk;
	uint64_t batch;		/* last delivery batch that tried it */
	struct alert_item *next;
};

#define EVENTQ_VERSION		1u
#define EVENTQ_MAX_STRING	(64u * 1024u)
#define EVENTQ_MAX_MAILS	256u
#define EVENTQ_SUFFIX		".evq"

/* Record <-> bytes (the payload inside the checksummed file of state.c).
 * decode refuses anything malformed and says why. */
uint8_t *eventq_encode(const struct alert_item *it, size_t *len);
bool eventq_decode(const uint8_t *buf, size_t len, struct alert_item *it,
    char *why, size_t whylen);
void alert_item_free(struct alert_item *it);
/* The file of it in dir. */
void eventq_path(const char *dir, uint64_t seq, char *out, size_t outlen);
/* Write (or rewrite, with the mails not yet done) it's file. */
int eventq_store(const char *dir, const struct alert_item *it);
void eventq_remove(const char *dir, const struct alert_item *it);
/* Read every queued event of dir in event order; corrupt files are
 * reported and set aside.  Returns the list; *maxseq the highest sequence. */
struct alert_item *eventq_load(const char *dir, uint64_t *maxseq, size_t *count);
/* Why dir cannot hold the queue for the monitor's user (uid), or NULL. */
const char *eventq_dir_problem(const char *dir, uid_t uid, char *buf, size_t len);

/* M/Monit events waiting in the same directory, one file each,
 * <20-digit seq>.mmq, written like the mail events (state.c's checksummed,
 * atomic files) with their own record.  The strings of e are owned. */
#define MMQ_SUFFIX		".mmq"

struct mmq_record {
	uint64_t seq;
	struct monit_xml_event e;
};

uint8_t *mmq_encode(const struct mmq_record *r, size_t *len);
bool mmq_decode(const uint8_t *buf, size_t len, struct mmq_record *r, char *why,
    size_t whylen);
void mmq_record_free(struct mmq_record *r);
int mmq_store(const char *dir, const struct mmq_record *r);
void mmq_remove(const char *dir, uint64_t seq);
/* Each valid record of dir in event order to fn (which owns it); corrupt
 * files are set aside.  Returns how many; *maxseq the highest seq seen. */
size_t mmq_load(const char *dir, uint64_t *maxseq,
    void (*fn)(void *arg, struct mmq_record *r), void *arg);

/* ---- deliver.c ---- */

struct alerts;
/* Start a delivery batch unless one runs. */
void deliver_kick(struct alerts *a);
void deliver_cancel(struct alerts *a);

/* ---- alert.c: shared state of the room ---- */

/* ---- mmonit.c: reports to M/Monit (set mmonit) ---- */

struct mmonit;
/* After alert_start: report every poll cycle.  mmonit_stop logs the events
 * no collector took as lost. */
void mmonit_start(struct monitor *m);
void mmonit_stop(struct monitor *m);
/* An event for the collector (every one but reminders and access). */
void mmonit_event(struct monitor *m, const struct alert_event *ev);

struct delivery;
struct alerts {
	struct monitor *m;
	struct alert_item *head, **tail;
	size_t count, on_disk;
	uint64_t last_seq;
	uint64_t batch;
	struct delivery *d;
	int retry_tfd;
	uint64_t retry_ms;
	bool stopping;		/* shutting down: queue, do not send */
	struct mmonit *mm;	/* NULL without set mmonit */
};

/* Mails of it not yet done. */
bool alert_item_pending(const struct alert_item *it);
/* The item is finished (every mail done): forget it and its file. */
void alert_item_finish(struct alerts *a, struct alert_item *it);
/* A batch ended with items left: queue them for a retry, or (without an
 * event queue) log them as lost. */
void alert_batch_done(struct alerts *a, bool all_servers_failed, const char *why);

#endif
