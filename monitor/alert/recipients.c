/* Who is told about an event: Monit's rules for global ("set alert") and
 * local ("alert", "noalert") recipients and their event filters. */
#include <string.h>
#include <strings.h>

#include "monitor/alert/alert.h"

const char *
alert_kind_of_test(const struct test *t)
{
	switch (t->kind) {
	case TEST_EXIST: return t->op == OP_EQ ? "exist" : "nonexist";
	case TEST_RESOURCE:
	case TEST_SPACE:
	case TEST_INODE:
	case TEST_DISKIO: return "resource";
	case TEST_CHECKSUM: return "checksum";
	case TEST_TIMESTAMP: return "timestamp";
	case TEST_SIZE: return "size";
	case TEST_MATCH: return "content";
	case TEST_FSFLAGS: return "fsflags";
	case TEST_PERMISSION: return "permission";
	case TEST_UID: return "uid";
	case TEST_GID: return "gid";
	case TEST_PID: return "pid";
	case TEST_PPID: return "ppid";
	case TEST_UPTIME: return "uptime";
	case TEST_CONNECTION: return "connection";
	case TEST_ICMP: return "icmp";
	case TEST_STATUS: return "status";
	case TEST_RESTARTS: return "timeout";
	case TEST_LINK:
		return t->subkind == 1 ? "speed" : t->subkind == 2 ? "saturation" :
		    t->subkind == 3 || t->subkind == 5 ? "byteout" :
		    t->subkind == 4 || t->subkind == 6 ? "bytein" : "link";
	case TEST_KIND_COUNT: break;
	}
	return "invalid";
}

static bool
wants(const struct alert_recipient *r, const struct alert_event *ev)
{
	uint32_t bit = event_bit(ev->kind ? ev->kind : ev->test ?
	    alert_kind_of_test(ev->test) : "invalid");
	bool listed;

	if (r->no_alert)
		return false;
	if (ev->state == ALERT_STILL_FAILED &&
	    (r->reminder <= 0 || ev->failed_cycles == 0 ||
	    ev->failed_cycles % (uint32_t)r->reminder != 0))
		return false;
	/* Access events are vigil's: only those who ask for them get them,
	 * so a control file written for Monit mails what it always did. */
	if (ev->kind != NULL && strcmp(ev->kind, "access") == 0)
		return !r->events_not && (r->events & bit) != 0;
	if (r->events == 0)
		return true;
	listed = (r->events & bit) != 0;
	return r->events_not ? !listed : listed;
}

static bool
named_in(const struct alert_recipient *list, const char *address)
{
	for (; list != NULL; list = list->next)
		if (strcasecmp(list->address, address) == 0)
			return true;
	return false;
}

static bool
already(const struct alert_recipient **out, size_t n, const char *address)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(out[i]->address, address) == 0)
			return true;
	return false;
}

size_t
alert_recipients(const struct config *cf, const struct alert_event *ev,
    const struct alert_recipient **out, size_t max)
{
	const struct alert_recipient *local = ev->svc ? ev->svc->alerts : NULL, *r;
	size_t n = 0;

	for (r = local; r != NULL && n < max; r = r->next)
		if (wants(r, ev) && !already(out, n, r->address))
			out[n++] = r;
	if (ev->svc != NULL && ev->svc->noalert_all)
		return n;
	for (r = cf->alerts; r != NULL && n < max; r = r->next)
		if (!named_in(local, r->address) && wants(r, ev) &&
		    !already(out, n, r->address))
			out[n++] = r;
	return n;
}
