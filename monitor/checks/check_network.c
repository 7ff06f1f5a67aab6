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

void
check_network(struct svc *s, bool scheduled)
{
	const char *ifn = s->cf->interface ? s->cf->interface : s->cf->name;
	char state[32];
	bool up;
	uint64_t rx = 0, tx = 0, speed = 0, now = now_ms();
	double secs = s->net_ms ? (double)(now - s->net_ms) / 1000.0 : 0.0;
	double rx_rate = 0, tx_rate = 0;

	if (!scheduled)
		return;
	up = read_sys(ifn, "operstate", state, sizeof(state)) &&
	    (strcmp(state, "up") == 0 || strcmp(state, "unknown") == 0);
	read_u64(ifn, "statistics/rx_bytes", &rx);
	read_u64(ifn, "statistics/tx_bytes", &tx);
	if (!read_u64(ifn, "speed", &speed))
		speed = 0;	/* virtual interfaces have none */
	if (secs > 0 && rx >= s->net_rx && tx >= s->net_tx) {
		rx_rate = (double)(rx - s->net_rx) / secs;
		tx_rate = (double)(tx - s->net_tx) / secs;
	}
	for (size_t i = 0; i < s->nts; i++) {
		struct test_state *ts = &s->ts[i];
		const struct test *t = ts->t;
		int64_t have;

		if (t->kind != TEST_LINK)
			continue;
		switch (t->subkind) {
		case 0:
			svc_test_result(s, ts, !up, true, "link %s is %s", ifn,
			    up ? "up" : "down");
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
			have = (int64_t)(t->subkind == 3 ? tx_rate : rx_rate);
			svc_test_result(s, ts, cmp_check(t->op, have, t->value), true,
			    "%s %lld B/s", t->subkind == 3 ? "upload" : "download",
			    (long long)have);
			break;
		default:
			break;
		}
	}
	s->net_rx = rx;
	s->net_tx = tx;
	s->net_speed = speed;
	s->net_ms = now;
}
