/* core/stats.h -- the daemon's counters, written by the reader thread and read
 * by whoever reports them (final log line, periodic stats). */
#ifndef AS_STATS_H
#define AS_STATS_H

#include <stdatomic.h>
#include <stdint.h>

struct stats {
	atomic_uint_least64_t records;		/* records received */
	atomic_uint_least64_t events;		/* events completed */
	atomic_uint_least64_t bad_records;	/* unparseable, skipped and logged */
	atomic_uint_least64_t enobufs;		/* socket overruns seen */
	atomic_uint_least64_t kernel_lost;	/* growth of the kernel's lost counter */
	atomic_uint_least64_t missed;		/* serials never seen */
	atomic_uint_least64_t out_of_order;
	atomic_uint_least64_t loss_events;	/* in-band loss events sent */
	atomic_uint_least64_t kernel_backlog;	/* last AUDIT_GET */
};

struct output;
void stats_log(const struct stats *s, struct output *outs, unsigned n);

#endif
