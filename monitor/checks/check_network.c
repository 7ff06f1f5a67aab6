/* Network interfaces ("check network NAME with interface IF"): link state,
 * capacity changes, saturation and transfer rates from /sys/class/net. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "monitor/engine/engine.h"

static bool
read_sys(const char *ifname, const char *leaf, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	/* an interface name never holds '/' or starts with '.' */
	if (strchr(ifname, '/') != NULL || ifname[0] == '.' || ifname[0] == '\0' ||
	    strlen(ifname) > 64)
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, leaf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static bool
read_u64(const char *ifname, const char *leaf, uint64_t *v)
{
	char buf[64], *end;
	unsigned long long x;

	if (!read_sys(ifname, leaf, buf, sizeof(buf)))
		return false;
	x = strtoull(buf, &end, 10);
	if (end == buf || *end != '\0')
		return false;
	*v = x;
	return true;
}

/* Counter samples for "total upload|download > N in last M hours": at most
 * NET_HIST samples, spaced so that the longest window of the service fits. */
#define NET_HIST 512

struct net_sample {
	uint64_t ms, counter[4];	/* rx bytes, tx bytes, rx packets, tx packets */
};

struct net_history {
	struct net_sample s[NET_HIST];
	size_t head, n;		/* s[head] is the newest */
	uint64_t spacing_ms;
};

static void
history_add(struct svc *s, uint64_t now, const uint64_t counter[4])
{
	struct net_history *h = s->net_hist;
	int64_t longest = 0;

	if (h == NULL) {
		for (size_t i = 0; i < s->nts; i++)
			if (s->ts[i].t->kind == TEST_LINK && s->ts[i].t->subkind >= 5 &&
			    s->ts[i].t->window_s > longest)
				longest = s->ts[i].t->window_s;
		if (longest == 0)
			return;
		h = s->net_hist = xcalloc(1, sizeof(*h));
		h->spacing_ms = (uint64_t)longest * 1000 / (NET_HIST - 2);
	}
	if (h->n >= 2 && now - h->s[(h->head + NET_HIST - 1) % NET_HIST].ms < h->spacing_ms) {
		/* too soon for a new slot: the newest one moves forward */
		h->s[h->head].ms = now;
		memcpy(h->s[h->head].counter, counter, sizeof(h->s[h->head].counter));
		return;
	}
	h->head = (h->head + 1) % NET_HIST;
	h->s[h->head].ms = now;
	memcpy(h->s[h->head].counter, counter, sizeof(h->s[h->head].counter));
	if (h->n < NET_HIST)
		h->n++;
}

/* What a counter grew by within the last window_s (from the oldest sample
 * inside the window; a counter reset counts from zero). */
static uint64_t
history_total(const struct net_history *h, int64_t window_s, int which)
{
	const struct net_sample *now = &h->s[h->head], *from = now;
	uint64_t limit = (uint64_t)window_s * 1000;

	for (size_t k = 1; k < h->n; k++) {
		const struct net_sample *x = &h->s[(h->head + NET_HIST - k) % NET_HIST];

		if (now->ms - x->ms > limit)
			break;
		from = x;
	}
	return now->counter[which] >= from->counter[which] ?
	    now->counter[which] - from->counter[which] : now->counter[which];
}

void
check_network(struct svc *s, bool scheduled)
{
	const char *ifn = s->cf->interface ? s->cf->interface : s->cf->name;
	char state[32];
	bool up;
	uint64_t rx = 0, tx = 0, rxp = 0, txp = 0, speed = 0, now = now_ms();
	double secs = s->net_ms ? (double)(now - s->net_ms) / 1000.0 : 0.0;
	double rx_rate = 0, tx_rate = 0, rxp_rate = 0, txp_rate = 0;

	if (!scheduled)
		return;
	up = read_sys(ifn, "operstate", state, sizeof(state)) &&
	    (strcmp(state, "up") == 0 || strcmp(state, "unknown") == 0);
	read_u64(ifn, "statistics/rx_bytes", &rx);
	read_u64(ifn, "statistics/tx_bytes", &tx);
	read_u64(ifn, "statistics/rx_packets", &rxp);
	read_u64(ifn, "statistics/tx_packets", &txp);
	if (!read_u64(ifn, "speed", &speed))
		speed = 0;	/* virtual interfaces have none */
	if (secs > 0 && rx >= s->net_rx && tx >= s->net_tx) {
		rx_rate = (double)(rx - s->net_rx) / secs;
		tx_rate = (double)(tx - s->net_tx) / secs;
	}
	if (secs > 0 && rxp >= s->net_rx_packets && txp >= s->net_tx_packets) {
		rxp_rate = (double)(rxp - s->net_rx_packets) / secs;
		txp_rate = (double)(txp - s->net_tx_packets) / secs;
	}
	s->net_up = up;
	s->net_rx_bps = rx_rate;
	s->net_tx_bps = tx_rate;
	s->net_rx_pps = rxp_rate;
	s->net_tx_pps = txp_rate;
	{
		const uint64_t counter[4] = { rx, tx, rxp, txp };

		history_add(s, now, counter);
	}
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		const struct test *t = ts->t;
		int64_t have;

		if (t->kind != TEST_LINK)
			continue;
		switch (t->subkind) {
		case 0:
			/* "if failed link" fails while down, "if link up" while up */
			svc_test_result(s, ts, t->op == OP_EQ ? up : !up, true, "link %s is %s",
			    ifn, up ? "up" : "down");
			break;
		case 1:
			svc_test_result(s, ts, s->net_ms != 0 && speed != s->net_speed,
			    true, "link speed %llu Mb/s", (unsigned long long)speed);
			break;
		case 2:
			if (speed == 0 || secs <= 0)
				break;
			/* percent of capacity in hundredths (speed is Mb/s) */
			have = (int64_t)((rx_rate > tx_rate ? rx_rate : tx_rate) * 8.0 /
			    ((double)speed * 1e6) * 10000.0);
			svc_test_result(s, ts, cmp_check(t->op, have, t->value), true,
			    "saturation %.1f%%", (double)have / 100.0);
			break;
		case 3:
		case 4:
			if (secs <= 0)
				break;
			if (t->unit == UNIT_COUNT)
				have = (int64_t)(t->subkind == 3 ? txp_rate : rxp_rate);
			else
				have = (int64_t)(t->subkind == 3 ? tx_rate : rx_rate);
			svc_test_result(s, ts, cmp_check(t->op, have, t->value), true,
			    "%s %lld %s (limit %s %lld)", t->subkind == 3 ? "upload" : "download",
			    (long long)have, t->unit == UNIT_COUNT ? "packets/s" : "B/s",
			    cmp_op_str(t->op), (long long)t->value);
			break;
		case 5:
		case 6: {
			bool packets = t->unit == UNIT_COUNT;
			int which = (t->subkind == 5 ? 1 : 0) + (packets ? 2 : 0);
			uint64_t total;

			if (s->net_hist == NULL)
				break;
			total = history_total(s->net_hist, t->window_s, which);
			svc_test_result(s, ts, cmp_check(t->op, (int64_t)total, t->value), true,
			    "total %s %llu %s in the last %lld s (limit %s %lld)",
			    t->subkind == 5 ? "upload" : "download", (unsigned long long)total,
			    packets ? "packets" : "B", (long long)t->window_s,
			    cmp_op_str(t->op), (long long)t->value);
			break;
		}
		default:
			break;
		}
	}
	s->net_rx = rx;
	s->net_tx = tx;
	s->net_rx_packets = rxp;
	s->net_tx_packets = txp;
	s->net_speed = speed;
	s->net_ms = now;
}
