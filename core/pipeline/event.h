/* core/pipeline/event.h -- a finished event: rendered once, shared read-only by every
 * output queue, freed when the last output lets go of it. */
#ifndef AS_EVENT_H
#define AS_EVENT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <auditstream/plugin.h>

struct event {
	struct event *next_free;	/* private to the pool (event.c) */
	uint32_t size_class;		/* pool class, or EVENT_CLASS_MALLOC */
	atomic_uint refs;
	struct auditstream_event pub;
	char json[];
};

/* One block: header and JSON together, from a bounded pool of recycled
 * blocks (so the reader does not pay malloc, brk and page faults for every
 * event).  refs starts at 1. */
struct event *event_new(const char *json, size_t len, uint64_t serial, int64_t time_ns,
			uint32_t flags, const char *node);

static inline void event_ref(struct event *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
}

/* The last unref may come from any thread. */
void event_unref(struct event *e);

#define EVENT_CLASS_MALLOC 0xffffffffu
extern const uint32_t event_class_size[];

/* The memory e takes: its block (header and JSON, rounded up to the pool's
 * size class).  For byte bounds on queues: inline, it is asked twice per
 * event and output. */
static inline size_t event_bytes(const struct event *e)
{
	return e->size_class == EVENT_CLASS_MALLOC ? offsetof(struct event, json) + e->pub.json_len + 1
						   : event_class_size[e->size_class];
}

/* Free blocks the pool holds now, in bytes (for tests and stats). */
size_t event_pool_free_bytes(void);

#endif
