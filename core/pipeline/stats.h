/* core/pipeline/stats.h -- the daemon's counters, written by the reader thread and read
 * by whoever reports them (final log line, periodic stats). */
#ifndef AS_STATS_H
#define AS_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct stats {
	atomic_uint_least64_t records;		/* records received */
	atomic_uint_least64_t events;		/* events completed */
	atomic_uint_least64_t bad_records;	/* unparseable, skipped and logged */
	atomic_uint_least64_t enobufs;		/* socket overruns seen */
	atomic_uint_least64_t kernel_lost;	/* growth of the kernel's lost counter */
	atomic_uint_least64_t missed;		/* serials never seen */
	atomic_uint_least64_t out_of_order;
	atomic_uint_least64_t duplicate_serials;	/* a serial seen again (reported in-band) */
	atomic_uint_least64_t serial_resets;		/* the sequence went back (reported in-band) */
	atomic_uint_least64_t loss_events;	/* in-band loss events sent */
	atomic_uint_least64_t filtered;		/* events dropped by events.min/max or filters (not losses) */
	atomic_uint_least64_t filtered_output;	/* events an output's own filters kept from it */
	atomic_uint_least64_t kernel_backlog;	/* last AUDIT_GET */
	/* The rest of the last AUDIT_GET (input.status_interval_ms). */
	atomic_uint_least64_t kernel_lost_total;	/* the kernel's own lost counter */
	atomic_uint_least64_t kernel_backlog_limit;
	atomic_uint_least64_t kernel_enabled;		/* 0, 1, or 2 (locked) */
	atomic_uint_least64_t kernel_failure;		/* 0 silent, 1 printk, 2 panic */
	atomic_uint_least64_t canary_sent;		/* canary reads made */
	atomic_uint_least64_t canary_seen;		/* ... whose event came back in time */
	atomic_uint_least64_t canary_missed;		/* ... whose event did not */
};

/* Every counter above, once, for the log line and the metrics alike. */
struct stats_field {
	const char *log;	/* its key in the stats log line */
	const char *metric;	/* its Prometheus name, after "auditstream_" */
	const char *type;	/* "counter" or "gauge" */
	const char *help;
	size_t offset;		/* of its atomic in struct stats */
	int line;		/* 0: the counters' log line; 1: the kernel's and the canary's */
	const char *before;	/* written before the key in that line: a group's name */
};

extern const struct stats_field stats_fields[];
extern const unsigned stats_nfields;

static inline uint64_t stats_value(const struct stats *s, const struct stats_field *f)
{
	return atomic_load((const atomic_uint_least64_t *)((const char *)s + f->offset));
}

struct output;
void stats_log(const struct stats *s, struct output *outs, unsigned n);

#endif
