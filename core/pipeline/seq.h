/* core/pipeline/seq.h -- sequence tracking: which kernel serials were seen, which are
 * missing.  A serial counts as missed only once `window` later serials have
 * been seen, or once it has stayed missing for `max_age_ms`: reordering under
 * load is normal and must not raise false alarms. */
#ifndef AS_SEQ_H
#define AS_SEQ_H

#include <stdint.h>

struct seq_config {
	unsigned window;	/* serials; rounded up to a power of two */
	unsigned max_age_ms;
	int log_out_of_order;
};

struct seq_stats {
	uint64_t seen;
	uint64_t missed;
	uint64_t out_of_order;
	uint64_t resets;	/* serial went far backwards: new boot or restart */
	uint64_t duplicates;	/* a serial seen a second time */
	uint64_t late;		/* came after it was settled (reported missed) */
};

/* Called for each run of missed serials [first, first+count). */
typedef void (*seq_missed_fn)(void *arg, uint64_t first, uint64_t count);

/* What is reported in-band besides gaps: a serial seen again, and the
 * sequence going back (a new boot, a daemon restart inside a log). */
enum seq_anomaly { SEQ_DUPLICATE, SEQ_RESET };
typedef void (*seq_anomaly_fn)(void *arg, enum seq_anomaly kind, uint64_t serial, uint64_t high);

struct seq;

struct seq *seq_new(const struct seq_config *cfg, seq_missed_fn fn, void *arg);
void seq_free(struct seq *s);
/* Called with seq_new's arg for each duplicate and reset (NULL: none). */
void seq_set_anomaly_fn(struct seq *s, seq_anomaly_fn fn);

/* Notes that an event with this serial was completed. */
void seq_observe(struct seq *s, uint64_t serial, uint64_t now_ms);

/* Notes a serial seen outside the kernel's sequence (auditd's DAEMON_*
 * records carry auditd's own): never reported missed, tracks nothing. */
void seq_note(struct seq *s, uint64_t serial);

/* Declares gaps that are older than max_age_ms. */
void seq_tick(struct seq *s, uint64_t now_ms);

/* Declares every gap below the highest serial seen (end of input). */
void seq_flush(struct seq *s);

uint64_t seq_last(const struct seq *s);	/* highest serial seen, 0 if none */
const struct seq_stats *seq_stats(const struct seq *s);

#endif
