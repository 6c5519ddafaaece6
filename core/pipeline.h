/* core/pipeline.h -- what every input feeds: record -> assembler -> sequence
 * tracker -> JSON (once) -> every output's queue.  Runs on the reader thread. */
#ifndef AS_PIPELINE_H
#define AS_PIPELINE_H

#include "assemble.h"
#include "buf.h"
#include "config.h"
#include "loss.h"
#include "output.h"
#include "seq.h"
#include "stats.h"
#include "uidmap.h"

struct pipeline {
	const struct config *cfg;
	const char *node;
	struct assembler *assembler;
	struct seq *seq;		/* NULL when message_tracking is off */
	struct uidmap *uidmap;
	struct buf json;
	struct output *outs;
	unsigned nouts;
	struct stats stats;
	uint64_t *overflow_told;	/* per output: its drops the others know of */
};

/* text_input: auditd text logs have no EOE; complete events by lingering. */
int pipeline_init(struct pipeline *p, const struct config *cfg, const char *node,
		  struct output *outs, unsigned nouts, int text_input);
void pipeline_free(struct pipeline *p);

void pipeline_record(struct pipeline *p, const struct record *r, uint64_t now_ms);
/* Timeouts, gap checks, and telling healthy outputs of another's overflow. */
void pipeline_tick(struct pipeline *p, uint64_t now_ms);
/* End of input: complete what is pending, settle every serial. */
void pipeline_end(struct pipeline *p);
/* Logs a loss and sends its event to every output. */
void pipeline_loss(struct pipeline *p, const struct loss *l);

#endif
