/* core/event.h -- a finished event: rendered once, shared read-only by every
 * output queue, freed when the last output lets go of it. */
#ifndef AS_EVENT_H
#define AS_EVENT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <auditstream/plugin.h>

struct event {
	atomic_uint refs;
	struct auditstream_event pub;
	char json[];
};

/* One allocation: header and JSON together.  refs starts at 1. */
struct event *event_new(const char *json, size_t len, uint64_t serial, int64_t time_ns,
			uint32_t flags, const char *node);

static inline void event_ref(struct event *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
}

void event_unref(struct event *e);

#endif
