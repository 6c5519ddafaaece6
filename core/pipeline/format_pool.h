/* core/pipeline/format_pool.h -- renders completed events on a second core
 * and hands them to the outputs in the order they completed.
 *
 * Used by inputs that read faster than one core formats (a replayed file):
 * the reader thread parses and assembles, submits each event here, and goes
 * on; a helper thread renders submitted events in order; whenever the reader
 * waits (the ring is full, or it flushes at the end of a read) it renders
 * the events no helper took yet itself, so neither core idles while the
 * other has work.  Delivery -- the pushes into the output queues -- happens
 * only on the reader thread, in submission order, in fpool_submit*(),
 * fpool_deliver_ready() and fpool_flush(); after fpool_flush() everything
 * submitted is delivered.
 *
 * Memory: at most FPOOL_SLOTS events and FPOOL_MAX_BYTES of their text are
 * held; past either, submit renders and delivers first.  Delivered slots
 * keep their buffers for reuse up to FPOOL_MAX_BYTES in all. */
#ifndef AS_FORMAT_POOL_H
#define AS_FORMAT_POOL_H

#include <stdint.h>

#include "format/format.h"
#include "pipeline/assemble.h"
#include "pipeline/event.h"

#define FPOOL_SLOTS 1024
#define FPOOL_MAX_BYTES (8u << 20)

/* What delivery gets for one submitted item.  The callback owns the
 * references in it (fixed, ev[f]) and must drop them. */
struct fpool_item {
	uint64_t outs;			/* bit i: output i takes this item */
	struct event *fixed;		/* an event built before submission (a loss), or NULL */
	struct event *ev[FORMAT_MAX];	/* by format: the rendered event, NULL if not asked or no memory */
};

struct fpool_ops {
	/* A helper thread's rendering state (scratch, buffers), made and freed
	 * on the reader thread.  NULL: no memory. */
	void *(*ctx_new)(void *arg);
	void (*ctx_free)(void *ctx);
	/* Renders ev in format f with ctx; NULL: no memory (logged by it). */
	struct event *(*render)(void *ctx, unsigned f, const struct asm_event *ev, uint64_t now_sec);
	/* On the reader thread, in submission order. */
	void (*deliver)(void *arg, struct fpool_item *it);
};

struct format_pool;

/* reader_ctx: the reader thread's own rendering state (not freed here).
 * Starts `helpers` threads.  Returns NULL (logged) on failure: the caller
 * then renders inline. */
struct format_pool *fpool_new(const struct fpool_ops *ops, void *arg, void *reader_ctx,
			      unsigned helpers);
/* Delivers what is pending, stops and joins the helpers. */
void fpool_free(struct format_pool *fp);

/* Copies ev; fmts: bit f asks for format f.  0 or -ENOMEM (logged;
 * the event is then delivered with no rendered form, as inline rendering
 * would on ENOMEM). */
int fpool_submit(struct format_pool *fp, const struct asm_event *ev, uint64_t now_sec,
		 uint32_t formats, uint64_t outs);
/* An event already built (takes the reference): kept in order with the rest. */
void fpool_submit_event(struct format_pool *fp, struct event *e, uint64_t outs);
/* Renders what no helper took, waits for the rest, delivers everything. */
void fpool_flush(struct format_pool *fp);
/* Delivers the events at the head that are rendered; does not wait. */
void fpool_deliver_ready(struct format_pool *fp);

#endif
