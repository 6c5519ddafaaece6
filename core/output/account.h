/* core/output/account.h -- one output's exact loss accounting.
 *
 * The conservation law, per output (README: "Loss accounting"):
 *
 *   received = written + dropped + held
 *   received = enqueued (from the pipeline) + reports (loss events the
 *              worker made itself) + recovered (in the spool at start)
 *   dropped  = the sum over reasons (queue_overflow, output_failed,
 *              spool_dropped, spool_corrupt, and the plugin's own)
 *   held     = queued + in_hand (the worker's batch) + spooled + undelivered
 *
 * and, per reason, dropped = reported + unreportable: every drop is told
 * in-band in the output's own stream by loss events whose counts add up,
 * except drops no stream is left to carry (a disabled output's, a refused
 * loss report's), which are counted as unreportable and logged.
 *
 * The reason table is appended to by the output's worker only (a plugin's
 * drop() reasons); readers see a name before its slot is counted. */
#ifndef AS_ACCOUNT_H
#define AS_ACCOUNT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ACCOUNT_REASONS 10
#define ACCOUNT_REASON_LEN 32

/* The core's own reasons; a plugin's (drop()) follow from ACCOUNT_PLUGIN. */
enum {
	ACCOUNT_QUEUE_OVERFLOW,
	ACCOUNT_OUTPUT_FAILED,
	ACCOUNT_SPOOL_DROPPED,
	ACCOUNT_SPOOL_CORRUPT,
	ACCOUNT_PLUGIN
};

struct account {
	char reason[ACCOUNT_REASONS][ACCOUNT_REASON_LEN];
	atomic_uint nreasons;
	atomic_uint_least64_t dropped[ACCOUNT_REASONS];
	atomic_uint_least64_t reported[ACCOUNT_REASONS];
	atomic_uint_least64_t unreportable[ACCOUNT_REASONS];
};

/* One consistent-enough copy for stats, metrics and tests.  Exact once the
 * worker has ended; while it runs, terms are read one after the other. */
struct account_snap {
	uint64_t enqueued, reports, recovered;
	uint64_t written;
	uint64_t queued, in_hand, spooled, undelivered;
	unsigned nreasons;
	const char *reason[ACCOUNT_REASONS];
	uint64_t dropped[ACCOUNT_REASONS], reported[ACCOUNT_REASONS];
	uint64_t unreportable[ACCOUNT_REASONS];
};

void account_init(struct account *a);
/* The slot of a plugin's reason, added on first use (worker only); a
 * plugin with more reasons than slots shares the last one, "other". */
unsigned account_reason(struct account *a, const char *name);
void account_drop(struct account *a, unsigned reason, uint64_t n);
void account_reported(struct account *a, unsigned reason, uint64_t n);
void account_unreportable(struct account *a, unsigned reason, uint64_t n);
/* Drops of this reason not yet in a loss event nor given up. */
uint64_t account_pending(const struct account *a, unsigned reason);
uint64_t account_dropped_total(const struct account *a);
/* Fills the reason columns of s. */
void account_copy(const struct account *a, struct account_snap *s);

uint64_t snap_received(const struct account_snap *s);
uint64_t snap_dropped(const struct account_snap *s);
uint64_t snap_held(const struct account_snap *s);
/* 1 when the law holds: the totals and every reason. */
int snap_balanced(const struct account_snap *s);
/* " received=.. held=.. dropped.R=.. reported.R=.. unreportable=.." into
 * buf (always terminated); returns the length written. */
size_t snap_format(const struct account_snap *s, char *buf, size_t len);

#endif
