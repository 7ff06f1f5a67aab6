/* Figures of the snapshot for the service page's graphs: a host's response
 * time (its first connection or ping test that has succeeded) and a
 * filesystem's space and inodes in use. */
#include <stdint.h>

#include "monitor/engine/status_int.h"

static uint32_t
permille(uint64_t part, uint64_t whole)
{
	if (whole == 0 || part > whole)
		return part > whole && whole > 0 ? 1000 : 0;
	return (uint32_t)(part * 1000 / whole);
}

void
engine_graph_figures(const struct engine *e, size_t i, struct msg_svc_figures *f)
{
	const struct svc *s;

	f->response_us = 0;
	f->space_used_permille = f->inodes_used_permille = 0;
	if (i >= e->n)
		return;
	s = &e->s[i];
	if (s->cf->type == SVC_HOST) {
		for (size_t k = 0; k < s->nts; k++) {
			const struct test_state *ts = &s->ts[k];

			if (ts->t == NULL || ts->response_us == 0 ||
			    (ts->t->kind != TEST_CONNECTION && ts->t->kind != TEST_ICMP))
				continue;
			f->response_us = ts->response_us > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)ts->response_us;
			break;
		}
	} else if (s->cf->type == SVC_FILESYSTEM && s->fs != NULL && s->fs->have_usage) {
		const struct fs_status *fs = s->fs;

		f->space_used_permille = permille(fs->space_total - fs->space_free,
		    fs->space_total);
		f->inodes_used_permille = permille(fs->inodes_total - fs->inodes_free,
		    fs->inodes_total);
	}
}
