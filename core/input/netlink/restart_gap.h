/* core/input/netlink/restart_gap.h -- the last kernel serial kept across restarts, so the
 * serials that went by while the daemon was down are reported in-band as a
 * loss event {"reason":"restart_gap","first_serial":..,"last_serial":..}.
 *
 * state_dir/last_serial holds "BOOT_ID SERIAL\n", written atomically (temp
 * file, fsync, rename) every few seconds and at exit.  A different boot id
 * means the kernel restarted its serials: nothing to compare, no report.
 * Netlink input only: a replay is not a restart. */
#ifndef AS_RESTART_GAP_H
#define AS_RESTART_GAP_H

#include <stdint.h>

#include "pipeline/pipeline.h"

struct restart_gap {
	char path[4096];
	char boot_id[40];
	uint64_t prev_last;	/* the previous run's last serial */
	int pending;		/* first record of this run not seen yet */
	uint64_t last, saved;	/* latest serial read; the one on disk */
	uint64_t next_save_ms;
};

/* Reads the previous run's state.  Never fails the start: a missing or bad
 * file only means there is nothing to compare (logged). */
void restart_gap_open(struct restart_gap *g, const char *state_dir);

void restart_gap_first(struct restart_gap *g, struct pipeline *p, uint64_t serial);

/* Called with every record's serial; cheap after the first. */
static inline void restart_gap_seen(struct restart_gap *g, struct pipeline *p, uint64_t serial)
{
	if (__builtin_expect(g->pending, 0))
		restart_gap_first(g, p, serial);
	g->last = serial;
}

/* Saves the last serial if it changed and the period is over. */
void restart_gap_tick(struct restart_gap *g, uint64_t now_ms);

/* Saves it now (exit).  Returns 0 or -errno (logged). */
int restart_gap_save(struct restart_gap *g);

#endif
