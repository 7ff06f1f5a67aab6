/* The words of a test result: comparison operators, resource figures and
 * Monit's event names, for logs, alerts and the status text. */
#include <stdio.h>

#include "common/util.h"
#include "monitor/engine/engine.h"

bool
cmp_check(enum cmp_op op, int64_t have, int64_t limit)
{
	switch (op) {
	case OP_LT: return have < limit;
	case OP_LE: return have <= limit;
	case OP_GT: return have > limit;
	case OP_GE: return have >= limit;
	case OP_EQ: return have == limit;
	case OP_NE: return have != limit;
	case OP_CHANGED: return have != limit;
	case OP_NONE: break;
	}
	return false;
}

const char *
cmp_op_str(enum cmp_op op)
{
	static const char *const names[] = { "", "<", "<=", ">", ">=", "=", "!=",
	    "changed" };

	return (unsigned)op < ARRAY_SIZE(names) ? names[op] : "?";
}

/* "memory usage 3.4% (limit > 80.0%)" for logs and the status detail. */
void
resource_describe(const struct test *t, int64_t have, char *buf, size_t len)
{
	static const char *const names[RES_TYPE_COUNT] = {
		"cpu", "total cpu", "cpu user", "cpu system", "cpu wait", "memory",
		"total memory", "swap", "children", "loadavg (1min)",
		"loadavg (5min)", "loadavg (15min)", "threads", "filedescriptors",
		"total filedescriptors",
	};
	const char *name = (unsigned)t->resource < RES_TYPE_COUNT ?
	    names[t->resource] : "resource";
	bool hundredths = t->unit == UNIT_PERCENT ||
	    t->resource == RES_LOADAVG_1 || t->resource == RES_LOADAVG_5 ||
	    t->resource == RES_LOADAVG_15;
	const char *pct = t->unit == UNIT_PERCENT ? "%" : "";
	const char *unit = t->unit == UNIT_BYTES ? " B" : "";

	if (hundredths)
		snprintf(buf, len, "%s %.2f%s (limit %s %.2f%s)", name,
		    (double)have / 100.0, pct, cmp_op_str(t->op),
		    (double)t->value / 100.0, pct);
	else
		snprintf(buf, len, "%s %lld%s (limit %s %lld%s)", name,
		    (long long)have, unit, cmp_op_str(t->op), (long long)t->value, unit);
}

const char *
test_event_name(const struct test *t, bool failed)
{
	bool chg = t->op == OP_CHANGED;

	switch (t->kind) {
	case TEST_EXIST: return failed ? "Does not exist" : "Exists";
	case TEST_RESOURCE:
		return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_CHECKSUM:
		if (chg || t->op == OP_NONE)
			return failed ? (chg ? "Checksum changed" : "Checksum failed") :
			    (chg ? "Checksum not changed" : "Checksum succeeded");
		return failed ? "Checksum failed" : "Checksum succeeded";
	case TEST_TIMESTAMP:
		if (chg)
			return failed ? "Timestamp changed" : "Timestamp not changed";
		return failed ? "Timestamp failed" : "Timestamp succeeded";
	case TEST_SIZE:
		if (chg)
			return failed ? "Size changed" : "Size not changed";
		return failed ? "Size failed" : "Size succeeded";
	/* Monit posts a content match as a change ("Content match"). */
	case TEST_MATCH: return failed ? "Content match" : "Content doesn't match";
	case TEST_FSFLAGS:
		return failed ? "Filesystem flags changed" : "Filesystem flags not changed";
	case TEST_SPACE: return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_INODE: return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_PERMISSION: return failed ? "Permission failed" : "Permission succeeded";
	case TEST_UID:
		if (t->subkind == 1)
			return failed ? "EUID failed" : "EUID succeeded";
		return failed ? "UID failed" : "UID succeeded";
	case TEST_GID: return failed ? "GID failed" : "GID succeeded";
	case TEST_PID: return failed ? "PID changed" : "PID not changed";
	case TEST_PPID: return failed ? "PPID changed" : "PPID not changed";
	case TEST_UPTIME: return failed ? "Uptime failed" : "Uptime succeeded";
	case TEST_CONNECTION: return failed ? "Connection failed" : "Connection succeeded";
	case TEST_ICMP: return failed ? "ICMP failed" : "ICMP succeeded";
	case TEST_STATUS: return failed ? "Status failed" : "Status succeeded";
	case TEST_RESTARTS: return failed ? "Timeout" : "Timeout recovery";
	case TEST_LINK:
		/* Monit 5.33's names: one event per kind of link test. */
		switch (t->subkind) {
		case 1: return failed ? "Speed changed" : "Speed not changed";
		case 2: return failed ? "Saturation exceeded" : "Saturation ok";
		case 3:
		case 5:
			if (t->unit == UNIT_COUNT)
				return failed ? "Upload packets exceeded" : "Upload packets ok";
			return failed ? "Upload bytes exceeded" : "Upload bytes ok";
		case 4:
		case 6:
			if (t->unit == UNIT_COUNT)
				return failed ? "Download packets exceeded" : "Download packets ok";
			return failed ? "Download bytes exceeded" : "Download bytes ok";
		default:
			return failed ? "Link down" : "Link up";
		}
	case TEST_DISKIO:
		return failed ? "Resource limit matched" : "Resource limit succeeded";
	case TEST_KIND_COUNT: break;
	}
	return failed ? "Failed" : "Succeeded";
}
