/* core/event.c -- refcounted events. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

struct event *event_new(const char *json, size_t len, uint64_t serial, int64_t time_ns,
			uint32_t flags, const char *node)
{
	struct event *e = malloc(sizeof(*e) + len + 1);

	if (!e)
		return NULL;
	atomic_init(&e->refs, 1);
	memcpy(e->json, json, len);
	e->json[len] = '\0';
	e->pub.struct_size = sizeof(e->pub);
	e->pub.flags = flags;
	e->pub.serial = serial;
	e->pub.time_ns = time_ns;
	e->pub.json = e->json;
	e->pub.json_len = len;
	e->pub.node = node;
	return e;
}

void event_unref(struct event *e)
{
	if (e && atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1)
		free(e);
}
