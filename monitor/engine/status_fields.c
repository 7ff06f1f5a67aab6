/* The fields `vigil status` shows per service type, with Monit's labels
 * (text) and documented keys (JSON, docs/status.schema.json): one list, two
 * printers, so the text and the JSON never disagree. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "monitor/engine/status_int.h"

#define LABEL_WIDTH 29

static void
member(struct field_sink *k, const char *key)
{
	outf(k->o, ",");
	json_string(k->o, key);
	outf(k->o, ":");
}

static void
row(struct field_sink *k, const char *label, const char *text)
{
	outf(k->o, "  %-*s%s\n", LABEL_WIDTH, label, text);
}

void
field_str(struct field_sink *k, const char *label, const char *key, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (k->json && key != NULL) {
		member(k, key);
		json_string(k->o, text);
	} else if (!k->json && label != NULL) {
		row(k, label, text);
	}
}

void
field_uint(struct field_sink *k, const char *label, const char *key, uint64_t v)
{
	if (k->json && key != NULL) {
		member(k, key);
		outf(k->o, "%llu", (unsigned long long)v);
	} else if (!k->json && label != NULL) {
		char text[32];

		snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
		row(k, label, text);
	}
}

void
field_int(struct field_sink *k, const char *label, const char *key, int64_t v)
{
	if (k->json && key != NULL) {
		member(k, key);
		outf(k->o, "%lld", (long long)v);
	} else if (!k->json && label != NULL) {
		char text[32];

		snprintf(text, sizeof(text), "%lld", (long long)v);
		row(k, label, text);
	}
}

void
field_num(struct field_sink *k, const char *label, const char *key, double v,
    const char *fmt, ...)
{
	if (k->json && key != NULL) {
		field_json_num(k, key, v);
	} else if (!k->json && label != NULL) {
		char text[256];
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(text, sizeof(text), fmt, ap);
		va_end(ap);
		row(k, label, text);
	}
}

void
field_json_num(struct field_sink *k, const char *key, double v)
{
	if (k->json) {
		member(k, key);
		/* JSON has no NaN or infinity */
		outf(k->o, "%.3f", v == v && v < 1e300 && v > -1e300 ? v : 0.0);
	}
}

void
field_bool(struct field_sink *k, const char *key, bool v)
{
	if (k->json && key != NULL) {
		member(k, key);
		outf(k->o, "%s", v ? "true" : "false");
	}
}

void
field_time(struct field_sink *k, const char *label, const char *key, int64_t t)
{
	if (k->json && key != NULL) {
		member(k, key);
		outf(k->o, "%lld", (long long)t);
	} else if (!k->json && label != NULL) {
		char text[64];

		fmt_date(t, text, sizeof(text));
		row(k, label, text);
	}
}

static double
percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* "read bytes  1.2 MB/s [3.4 GB total]" and its two JSON members
 * KEY_per_s and KEY_total. */
static void
rate_bytes(struct field_sink *k, const char *label, const char *key, double per_s,
    uint64_t total)
{
	char a[32], b[32], jkey[48];

	fmt_bytes((uint64_t)per_s, a, sizeof(a));
	fmt_bytes(total, b, sizeof(b));
	field_str(k, label, NULL, "%s/s [%s total]", a, b);
	snprintf(jkey, sizeof(jkey), "%s_per_s", key);
	field_json_num(k, jkey, per_s);
	snprintf(jkey, sizeof(jkey), "%s_total", key);
	field_uint(k, NULL, jkey, total);
}

/* "disk read operations  2.0 reads/s [40 reads total]", the same way. */
static void
rate_ops(struct field_sink *k, const char *label, const char *key, const char *unit,
    double per_s, uint64_t total)
{
	char jkey[48];

	field_str(k, label, NULL, "%.1f %s/s [%llu %s total]", per_s, unit,
	    (unsigned long long)total, unit);
	snprintf(jkey, sizeof(jkey), "%s_per_s", key);
	field_json_num(k, jkey, per_s);
	snprintf(jkey, sizeof(jkey), "%s_total", key);
	field_uint(k, NULL, jkey, total);
}

static void
process_fields(const struct svc *s, struct field_sink *k)
{
	uint64_t memtotal = s->e->sys.mem_total;
	char a[32];

	if (s->monitor == MON_NOT || s->pid <= 0)
		return;
	field_int(k, "pid", "pid", s->pid);
	field_int(k, "parent pid", "ppid", s->ppid);
	if (s->have_ids) {
		field_uint(k, "uid", "uid", s->ids.uid);
		field_uint(k, "effective uid", "euid", s->ids.euid);
		field_uint(k, "gid", "gid", s->ids.gid);
	}
	fmt_uptime(s->uptime_s, a, sizeof(a));
	field_str(k, "uptime", NULL, "%s", a);
	field_uint(k, NULL, "uptime_s", s->uptime_s);
	field_uint(k, "threads", "threads", s->threads);
	field_uint(k, "children", "children", s->children);
	field_num(k, "cpu", "cpu_percent", (double)s->cpu_permille / 10.0, "%.1f%%",
	    (double)s->cpu_permille / 10.0);
	field_num(k, "cpu total", "cpu_total_percent", (double)s->total_cpu_permille / 10.0,
	    "%.1f%%", (double)s->total_cpu_permille / 10.0);
	fmt_bytes(s->mem_bytes, a, sizeof(a));
	field_str(k, "memory", NULL, "%.1f%% [%s]", percent(s->mem_bytes, memtotal), a);
	field_json_num(k, "memory_percent", percent(s->mem_bytes, memtotal));
	field_uint(k, NULL, "memory_bytes", s->mem_bytes);
	fmt_bytes(s->total_mem_bytes, a, sizeof(a));
	field_str(k, "memory total", NULL, "%.1f%% [%s]",
	    percent(s->total_mem_bytes, memtotal), a);
	field_json_num(k, "memory_total_percent", percent(s->total_mem_bytes, memtotal));
	field_uint(k, NULL, "memory_total_bytes", s->total_mem_bytes);
	if (s->last_ms != 0 && s->fds >= 0)
		field_int(k, "filedescriptors", "fds", s->fds);
	if (s->have_io) {
		rate_bytes(k, "read bytes", "read_bytes", s->io_rchar_bps, s->io.rchar);
		rate_bytes(k, "disk read bytes", "disk_read_bytes", s->io_read_bps, s->io.read_bytes);
		rate_ops(k, "disk read operations", "read_ops", "reads", s->io_syscr_ps, s->io.syscr);
		rate_bytes(k, "write bytes", "write_bytes", s->io_wchar_bps, s->io.wchar);
		rate_bytes(k, "disk write bytes", "disk_write_bytes", s->io_write_bps,
		    s->io.write_bytes);
		rate_ops(k, "disk write operations", "write_ops", "writes", s->io_syscw_ps,
		    s->io.syscw);
	}
}

static void
owner_fields(const struct svc *s, struct field_sink *k)
{
	if (!s->fi.have)
		return;
	field_str(k, "permission", "permission", "%o", (unsigned)s->fi.mode);
	field_uint(k, "uid", "uid", s->fi.uid);
	field_uint(k, "gid", "gid", s->fi.gid);
}

static void
file_fields(const struct svc *s, struct field_sink *k)
{
	static const char *const hash_name[] = { "MD5", "SHA1", "SHA256" };
	char a[32];

	field_str(k, NULL, "path", "%s", s->cf->path ? s->cf->path : "");
	if (!s->fi.have)
		return;
	owner_fields(s, k);
	if (s->cf->type == SVC_FILE) {
		fmt_bytes(s->fi.size, a, sizeof(a));
		field_str(k, "size", NULL, "%s", a);
		field_uint(k, NULL, "size_bytes", s->fi.size);
	}
	field_time(k, "access timestamp", "access_time", s->fi.atime);
	field_time(k, "change timestamp", "change_time", s->fi.ctime);
	field_time(k, "modify timestamp", "modify_time", s->fi.mtime);
	for (size_t i = 0; i < s->nts; i++) {
		const struct test_state *ts = &s->ts[i];

		if (ts->t->kind != TEST_CHECKSUM || ts->learned[0] == '\0')
			continue;
		field_str(k, "checksum", NULL, "%s (%s)", ts->learned,
		    hash_name[ts->t->hash <= HASH_SHA256 ? ts->t->hash : 0]);
		field_str(k, NULL, "checksum", "%s", ts->learned);
		field_str(k, NULL, "checksum_type", "%s",
		    hash_name[ts->t->hash <= HASH_SHA256 ? ts->t->hash : 0]);
		break;
	}
}

static void
filesystem_fields(const struct svc *s, struct field_sink *k)
{
	const struct fs_status *fs = s->fs;
	char a[32];

	if (fs == NULL || !fs->have_mount)
		return;
	field_str(k, NULL, "mount_point", "%s", fs->mount.mountpoint);
	field_str(k, "filesystem type", "fs_type", "%s", fs->mount.fstype);
	field_str(k, "filesystem flags", "fs_flags", "%s", fs->mount.options);
	owner_fields(s, k);
	if (fs->have_usage) {
		uint64_t used = fs->space_total - fs->space_free;

		fmt_bytes(fs->block_size, a, sizeof(a));
		field_str(k, "block size", NULL, "%s", a);
		field_uint(k, NULL, "block_size", fs->block_size);
		fmt_bytes(fs->space_total, a, sizeof(a));
		field_str(k, "space total", NULL, "%s (of which %.1f%% is reserved for root user)",
		    a, percent(fs->space_free - fs->space_avail, fs->space_total));
		field_uint(k, NULL, "space_total_bytes", fs->space_total);
		fmt_bytes(fs->space_avail, a, sizeof(a));
		field_str(k, "space free for non superuser", NULL, "%s [%.1f%%]", a,
		    percent(fs->space_avail, fs->space_total));
		field_uint(k, NULL, "space_free_bytes", fs->space_avail);
		fmt_bytes(fs->space_free, a, sizeof(a));
		field_str(k, "space free total", NULL, "%s [%.1f%%]", a,
		    percent(fs->space_free, fs->space_total));
		field_uint(k, NULL, "space_free_total_bytes", fs->space_free);
		field_json_num(k, "space_used_percent", percent(used, fs->space_total));
		field_uint(k, "inodes total", "inodes_total", fs->inodes_total);
		field_str(k, "inodes free", NULL, "%llu [%.1f%%]",
		    (unsigned long long)fs->inodes_free,
		    percent(fs->inodes_free, fs->inodes_total));
		field_uint(k, NULL, "inodes_free", fs->inodes_free);
		field_json_num(k, "inodes_used_percent",
		    percent(fs->inodes_total - fs->inodes_free, fs->inodes_total));
	}
	if (fs->have_io) {
		rate_bytes(k, "read bytes", "read_bytes", fs->read_bps, fs->prev.read_bytes);
		rate_ops(k, "disk read operations", "read_ops", "reads", fs->read_ops,
		    fs->prev.read_ops);
		rate_bytes(k, "write bytes", "write_bytes", fs->write_bps, fs->prev.write_bytes);
		rate_ops(k, "disk write operations", "write_ops", "writes", fs->write_ops,
		    fs->prev.write_ops);
		field_num(k, "service time", "service_time_ms", fs->service_ms,
		    "%.3f ms/operation (of which read %.3f ms, write %.3f ms)", fs->service_ms,
		    fs->read_ms_per_op, fs->write_ms_per_op);
	}
}

static void
system_fields(const struct svc *s, struct field_sink *k)
{
	const struct engine *e = s->e;
	const struct sys_stat *st = &e->sys;
	uint64_t used, swap_used;
	char a[32];

	if (st->mem_total == 0)
		return;
	used = st->mem_total > st->mem_avail ? st->mem_total - st->mem_avail : 0;
	swap_used = st->swap_total > st->swap_free ? st->swap_total - st->swap_free : 0;
	field_str(k, "load average", NULL, "[%.2f] [%.2f] [%.2f]", st->load[0], st->load[1],
	    st->load[2]);
	field_json_num(k, "load_1", st->load[0]);
	field_json_num(k, "load_5", st->load[1]);
	field_json_num(k, "load_15", st->load[2]);
	field_str(k, "cpu", NULL, "%.1f%%usr %.1f%%sys %.1f%%iowait", e->sys_cpu_user,
	    e->sys_cpu_system, e->sys_cpu_wait);
	field_json_num(k, "cpu_user_percent", e->sys_cpu_user);
	field_json_num(k, "cpu_system_percent", e->sys_cpu_system);
	field_json_num(k, "cpu_wait_percent", e->sys_cpu_wait);
	fmt_bytes(used, a, sizeof(a));
	field_str(k, "memory usage", NULL, "%s [%.1f%%]", a, percent(used, st->mem_total));
	field_uint(k, NULL, "memory_used_bytes", used);
	field_uint(k, NULL, "memory_total_bytes", st->mem_total);
	field_json_num(k, "memory_used_percent", percent(used, st->mem_total));
	fmt_bytes(swap_used, a, sizeof(a));
	field_str(k, "swap usage", NULL, "%s [%.1f%%]", a, percent(swap_used, st->swap_total));
	field_uint(k, NULL, "swap_used_bytes", swap_used);
	field_uint(k, NULL, "swap_total_bytes", st->swap_total);
	field_json_num(k, "swap_used_percent", percent(swap_used, st->swap_total));
	if (st->boot_time > 0) {
		uint64_t now = (uint64_t)time(NULL);
		uint64_t up = now > st->boot_time ? now - st->boot_time : 0;

		fmt_uptime(up, a, sizeof(a));
		field_str(k, "uptime", NULL, "%s", a);
		field_uint(k, NULL, "uptime_s", up);
		field_time(k, "boot time", "boot_time", (int64_t)st->boot_time);
	}
	if (st->fd_max > 0) {
		field_str(k, "filedescriptors", NULL, "%llu [%.1f%% of %llu limit]",
		    (unsigned long long)st->fd_used, percent(st->fd_used, st->fd_max),
		    (unsigned long long)st->fd_max);
		field_uint(k, NULL, "fds", st->fd_used);
		field_uint(k, NULL, "fds_max", st->fd_max);
	}
}

static void
network_fields(const struct svc *s, struct field_sink *k)
{
	if (s->net_ms == 0)
		return;
	if (s->net_speed > 0)
		field_str(k, "link", NULL, "%s, speed %llu Mb/s", s->net_up ? "UP" : "DOWN",
		    (unsigned long long)s->net_speed);
	else
		field_str(k, "link", NULL, "%s", s->net_up ? "UP" : "DOWN");
	field_bool(k, "link_up", s->net_up);
	field_uint(k, NULL, "speed_mbps", s->net_speed);
	rate_bytes(k, "download bytes", "download_bytes", s->net_rx_bps, s->net_rx);
	field_str(k, "download packets", NULL, "%.0f per second [%llu total]", s->net_rx_pps,
	    (unsigned long long)s->net_rx_packets);
	field_json_num(k, "download_packets_per_s", s->net_rx_pps);
	field_uint(k, NULL, "download_packets_total", s->net_rx_packets);
	rate_bytes(k, "upload bytes", "upload_bytes", s->net_tx_bps, s->net_tx);
	field_str(k, "upload packets", NULL, "%.0f per second [%llu total]", s->net_tx_pps,
	    (unsigned long long)s->net_tx_packets);
	field_json_num(k, "upload_packets_per_s", s->net_tx_pps);
	field_uint(k, NULL, "upload_packets_total", s->net_tx_packets);
}

static void
host_fields(const struct svc *s, struct field_sink *k)
{
	if (s->cf->address)
		field_str(k, "address", "address", "%s", s->cf->address);
	/* what the last ping and port tests found */
	for (size_t i = 0; i < s->nts; i++) {
		const struct test_state *ts = &s->ts[i];

		if (ts->t == NULL || ts_desc(ts)[0] == '\0')
			continue;
		if (ts->t->kind == TEST_ICMP)
			field_str(k, "ping response", "ping_response", "%s", ts_desc(ts));
		else if (ts->t->kind == TEST_CONNECTION)
			field_str(k, "port response", "port_response", "%s", ts_desc(ts));
	}
}

const char *
svc_report_state(const struct svc *s)
{
	if (s->monitor == MON_NOT)
		return "unmonitored";
	if (s->exec_failed)
		return "down";
	for (size_t i = 0; i < s->nts; i++)
		if (s->ts[i].win.failed)
			return "down";
	return s->monitor == MON_INIT ? "initializing" : "up";
}

void
svc_fields(const struct svc *s, struct field_sink *k)
{
	static const char *const onreboot[] = { "start", "nostart", "laststate" };

	field_str(k, "status", "status", "%s", s->status);
	field_str(k, NULL, "state", "%s", svc_report_state(s));
	field_str(k, "monitoring status", "monitoring_status", "%s",
	    svc_monitor_name(s->monitor));
	field_str(k, "monitoring mode", "monitoring_mode", "%s",
	    s->mode == MODE_PASSIVE ? "passive" : s->mode == MODE_MANUAL ? "manual" : "active");
	field_str(k, "on reboot", "on_reboot", "%s",
	    onreboot[(unsigned)s->cf->onreboot <= ONREBOOT_LAST ? s->cf->onreboot : 0]);
	if (k->brief)
		return;
	switch (s->cf->type) {
	case SVC_PROCESS:
		process_fields(s, k);
		field_uint(k, "restarts", "restarts", s->restart_count);
		break;
	case SVC_FILE:
	case SVC_FIFO:
	case SVC_DIRECTORY:
		file_fields(s, k);
		break;
	case SVC_FILESYSTEM:
		filesystem_fields(s, k);
		break;
	case SVC_SYSTEM:
		system_fields(s, k);
		break;
	case SVC_NETWORK:
		network_fields(s, k);
		break;
	case SVC_PROGRAM:
		if (s->have_status)
			field_int(k, "last exit value", "last_exit_value", s->last_status);
		if (s->last_output != NULL)
			field_str(k, "last output", "last_output", "%s", s->last_output);
		break;
	case SVC_HOST:
		host_fields(s, k);
		break;
	case SVC_TYPE_COUNT:
		break;
	}
	if (svc_detail(s)[0] != '\0')
		field_str(k, "detail", "detail", "%s", svc_detail(s));
	if (s->last_checked > 0)
		field_time(k, "data collected", "data_collected", (int64_t)s->last_checked);
}
