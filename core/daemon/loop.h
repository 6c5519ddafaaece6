/* core/daemon/loop.h -- the reader thread's one loop, for every input: poll
 * the input's descriptor beside the signals, read, tick the timers; at the
 * end, let the outputs drain.  Signals decide (core/daemon/signals.c), the
 * loop acts. */
#ifndef AS_LOOP_H
#define AS_LOOP_H

#include "daemon/metrics.h"
#include "input/input.h"
#include "pipeline/pipeline.h"

#define LOOP_TICK_MS 100	/* timers need no finer grain: timeouts are seconds */

struct loop {
	struct input *in;	/* selected (input_select), not yet started */
	struct pipeline *p;
	int sigfd;		/* signals_setup() */
	struct metrics_view mv;
	struct metrics_state ms;
	uint64_t next_tick, next_stats_ms;
	unsigned coalesce_ms;	/* input.coalesce_ms */
};

/* Starts the input, sends READY=1, reads until a stop signal or the input's
 * end, stops it (STOPPING=1), completes what is pending, and drains the
 * outputs: a file-backed input that reached its end waits for them without
 * a deadline (until a signal), otherwise they get shutdown.drain_time_ms; a
 * second stop signal ends the drain at once.  Returns 0 or -errno. */
int loop_run(struct loop *l);

#endif
