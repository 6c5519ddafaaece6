/* core/daemon/metrics.h -- the counters in Prometheus text format, written to a
 * file (config metrics.path) every metrics.interval_s and at exit, for
 * node_exporter's textfile collector, and sent on the control socket
 * (core/daemon/control_socket.c) for `auditstream --stats`. */
#ifndef AS_METRICS_H
#define AS_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "output/output.h"
#include "pipeline/stats.h"

/* What the metrics read: counters and outputs, never the pipeline's insides. */
struct metrics_view {
	const struct config *cfg;
	const struct stats *stats;
	struct output *outs;
	unsigned nouts;
};

/* The file's schedule; all zero at start (the first tick writes). */
struct metrics_state {
	uint64_t next_ms;
	int failing;		/* the last write failed (logged once per failure run) */
};

/* Writes the whole text to f.  Reads only atomics and locked queue depths,
 * so any thread may call it while the pipeline runs.  0, or -EIO. */
int metrics_render(FILE *f, const struct metrics_view *v);

/* Writes the file when metrics.interval_s is due. */
void metrics_tick(const struct metrics_view *v, struct metrics_state *st, uint64_t now_ms);
/* Writes the file now (temp file + rename).  0, or -errno (logged). */
int metrics_write(const struct metrics_view *v, struct metrics_state *st);

#endif
