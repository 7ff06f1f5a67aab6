/* Who a program of the sealed table runs as: the target user's primary
 * group and supplementary groups, resolved here in privd rather than in the
 * forked child.  initgroups() in the child read /etc/nsswitch.conf and
 * /etc/group and loaded the NSS modules afresh for every run (about a third
 * of a short program's cost).  An answer is kept while /etc/passwd and
 * /etc/group are unchanged (common/file_stamp.c: device, inode, size, mtime,
 * ctime) and for at most IDS_TTL_MS, which bounds how long a change made
 * through another NSS source (LDAP, sssd) can go unseen. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file_stamp.h"
#include "common/util.h"
#include "privd/privd.h"

#define IDS_TTL_MS 30000
#define IDS_CACHE 16

struct ids_slot {
	bool used, has_uid, has_gid;
	uid_t uid;
	gid_t gid_in;
	struct run_ids ids;
};

static struct ids_slot cache[IDS_CACHE];
static struct file_stamp passwd_stamp, group_stamp;
static uint64_t filled_ms;
static unsigned next_slot;

static void
slot_clear(struct ids_slot *sl)
{
	free(sl->ids.groups);
	memset(sl, 0, sizeof(*sl));
}

/* false (and the cache emptied) when either file may have changed */
static bool
cache_fresh(void)
{
	struct stat pst, gst;
	bool ok = stat("/etc/passwd", &pst) == 0 && stat("/etc/group", &gst) == 0;

	if (ok && file_stamp_same(&passwd_stamp, &pst) && file_stamp_same(&group_stamp, &gst) &&
	    now_ms() - filled_ms < IDS_TTL_MS)
		return true;
	for (int i = 0; i < IDS_CACHE; i++)
		slot_clear(&cache[i]);
	memset(&passwd_stamp, 0, sizeof(passwd_stamp));
	memset(&group_stamp, 0, sizeof(group_stamp));
	if (ok) {
		file_stamp_set(&passwd_stamp, &pst);
		file_stamp_set(&group_stamp, &gst);
	}
	filled_ms = now_ms();
	return false;
}

static int
resolve(bool has_uid, uid_t uid, bool has_gid, gid_t gid, struct run_ids *out, char *why,
    size_t whylen)
{
	/* the target user (root without a uid) names the groups */
	struct passwd *pw;
	int n = 32;

	memset(out, 0, sizeof(*out));
	errno = 0;
	pw = getpwuid(has_uid ? uid : 0);
	if (has_uid && pw == NULL && !has_gid) {
		snprintf(why, whylen, "uid %u has no passwd entry: give a gid", (unsigned)uid);
		return -1;
	}
	out->gid = has_gid ? gid : pw != NULL ? pw->pw_gid : 0;
	if (pw == NULL)
		return 0;	/* no user: no supplementary groups */
	for (;;) {
		int got = n;

		out->groups = xreallocarray(out->groups, (size_t)n, sizeof(gid_t));
		if (getgrouplist(pw->pw_name, out->gid, out->groups, &got) >= 0) {
			out->ngroups = got;
			return 0;
		}
		if (got <= n || got > 65536) {
			free(out->groups);
			out->groups = NULL;
			snprintf(why, whylen, "cannot list the groups of %.64s", pw->pw_name);
			return -1;
		}
		n = got;
	}
}

int
ids_lookup(bool has_uid, uid_t uid, bool has_gid, gid_t gid, const struct run_ids **out,
    char *why, size_t whylen)
{
	struct ids_slot *sl;

	if (!has_uid)
		uid = 0;
	if (!has_gid)
		gid = 0;
	if (cache_fresh()) {
		for (int i = 0; i < IDS_CACHE; i++) {
			sl = &cache[i];
			if (sl->used && sl->has_uid == has_uid && sl->uid == uid &&
			    sl->has_gid == has_gid && sl->gid_in == gid) {
				*out = &sl->ids;
				return 0;
			}
		}
	}
	sl = &cache[next_slot++ % IDS_CACHE];
	slot_clear(sl);
	if (resolve(has_uid, uid, has_gid, gid, &sl->ids, why, whylen) < 0)
		return -1;
	sl->used = true;
	sl->has_uid = has_uid;
	sl->uid = uid;
	sl->has_gid = has_gid;
	sl->gid_in = gid;
	*out = &sl->ids;
	return 0;
}

void
ids_flush(void)
{
	for (int i = 0; i < IDS_CACHE; i++)
		slot_clear(&cache[i]);
	memset(&passwd_stamp, 0, sizeof(passwd_stamp));
	memset(&group_stamp, 0, sizeof(group_stamp));
}
