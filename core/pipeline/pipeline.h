/* core/pipeline/pipeline.h -- what every input feeds: record -> assembler -> sequence
 * tracker -> events.min/max and filters -> JSON (once per format some output
 * uses) -> every output's queue.  Runs on the reader thread. */
#ifndef AS_PIPELINE_H
#define AS_PIPELINE_H

#include "pipeline/assemble.h"
#include "util/buf.h"
#include "config/config.h"
#include "pipeline/filter.h"
#include "format/format.h"
#include "pipeline/loss.h"
#include "output/output.h"
#include "pipeline/seq.h"
#include "pipeline/stats.h"
#include "format/uidmap.h"

struct format_pool;

/* What rendering needs, one per thread that renders. */
struct render_ctx {
	struct buf json;
	void *scratch[FORMAT_MAX];	/* each format's (formats[]) */
	struct uidmap *uidmap;		/* the pipeline's, or the thread's own */
	const char *node;
};

struct pipeline {
	const struct config *cfg;
	const char *node;
	struct assembler *assembler;
	struct seq *seq;		/* NULL when message_tracking is off */
	struct uidmap *uidmap;
	struct render_ctx rc;		/* the reader thread's */
	struct format_pool *pool;	/* NULL: render on the reader thread */
	struct filter_facts facts;	/* what the filters read, once per event */
	struct asm_event view;		/* the event without the types events.min/max drop */
	struct asm_record *view_recs;
	unsigned view_cap;
	struct output *outs;
	unsigned nouts;
	struct stats stats;
	uint64_t *overflow_told;	/* per output, overflow then failed: drops the others know of */
	/* Sees every completed event before filtering (the canary looks for
	 * its own); set after pipeline_init, NULL: none. */
	void (*observe)(void *arg, const struct asm_event *ev);
	void *observe_arg;
};

/* text_input: auditd text logs have no EOE; complete events by lingering. */
int pipeline_init(struct pipeline *p, const struct config *cfg, const char *node,
		  struct output *outs, unsigned nouts, int text_input);
void pipeline_free(struct pipeline *p);

/* Renders on `helpers` more threads (core/pipeline/format_pool.h), in
 * order, when some output's format is worth it (format.parallel): for
 * inputs that read faster than one core formats.  Every call
 * below still runs on the reader thread.  Events reach the outputs as they
 * are rendered, and at the latest by the next pipeline_tick (every
 * LOOP_TICK_MS), pipeline_deliver or pipeline_end.  0, or -errno (logged:
 * the pipeline renders inline as before). */
int pipeline_parallel(struct pipeline *p, unsigned helpers);
/* Delivers everything completed so far (an input that may stall calls it
 * after each read, so nothing waits for the next tick). */
void pipeline_deliver(struct pipeline *p);

void pipeline_record(struct pipeline *p, const struct record *r, uint64_t now_ms);
/* Timeouts, gap checks, and telling healthy outputs of another's overflow. */
void pipeline_tick(struct pipeline *p, uint64_t now_ms);
/* End of input: complete what is pending, settle every serial. */
void pipeline_end(struct pipeline *p);
/* Logs a loss and sends its event to every output. */
void pipeline_loss(struct pipeline *p, const struct loss *l);
/* hold 1: the events of one read reach the workers as batches, one wake-up
 * per batch instead of one per event (queue_hold); hold 0: wake them now. */
void pipeline_hold(struct pipeline *p, int hold);
/* Tells every output of the drops of the others since the last call. */
void pipeline_report_overflows(struct pipeline *p);

#endif
