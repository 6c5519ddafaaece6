/* core/pipeline/loss.h -- in-band loss events, so a sink's consumer sees a gap where it
 * happened:  {"type":"auditstream_loss","reason":"kernel_lost","count":17,...} */
#ifndef AS_LOSS_H
#define AS_LOSS_H

#include <stdint.h>

#include "pipeline/event.h"

struct loss {
	const char *reason;	/* kernel_lost, enobufs, missed_serials, queue_overflow, ... */
	uint64_t count;
	uint64_t first_serial;	/* 0: not applicable */
	uint64_t last_serial;
	const char *output;	/* NULL: not specific to one output */
};

/* A new loss event (refs 1) stamped with the current time, or NULL. */
struct event *loss_event(const struct loss *l, const char *node);

#endif
