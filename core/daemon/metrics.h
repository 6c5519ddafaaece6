/* core/daemon/metrics.h -- the counters in Prometheus text format, written to a
 * file (config metrics.path) every metrics.interval_s and at exit, for
 * node_exporter's textfile collector, and sent on the control socket
 * (core/daemon/control_socket.c) for `auditstream --stats`. */
#ifndef AS_METRICS_H
#define AS_METRICS_H

#include <stdint.h>
#include <stdio.h>

/* Lives in struct pipeline; all zero at start (first tick writes). */
struct metrics_state {
	uint64_t next_ms;
	int failing;		/* the last write failed (logged once per failure run) */
};

struct pipeline;

/* Writes the whole text to f.  Reads only atomics and locked queue depths,
 * so any thread may call it while the pipeline runs.  0, or -EIO. */
int metrics_render(FILE *f, struct pipeline *p);

/* Called from pipeline_tick(): writes when the interval is due. */
void metrics_tick(struct pipeline *p, uint64_t now_ms);
/* Writes the file now (temp file + rename).  0, or -errno (logged). */
int metrics_write(struct pipeline *p);

#endif
