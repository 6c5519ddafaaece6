/* core/pipeline/event.c -- refcounted events from a pool of recycled blocks.
 *
 * Profiling the replay showed ~10% of the CPU in _int_malloc, mostly in brk
 * and page faults: each event is 0.3-16 KiB, past glibc's thread cache, and
 * is freed on an output's thread while the reader allocates the next one, so
 * the heap top was trimmed and faulted in again all the time.
 *
 * The pool is one per process: events are made by event_new() callers that
 * hold no context (the pipeline, loss reports, the spool) and are released
 * on whichever output thread lets go last.  Freed blocks go on a lock-free
 * stack per size class (push only, so no ABA); an allocator takes the whole
 * stack at once with one exchange into a list guarded by a mutex that only
 * allocators take (in practice the reader alone).  What the pool keeps free
 * is bounded by POOL_MAX_FREE; beyond that blocks go back to free(). */
#include "pipeline/event.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
/* A block in the pool is poisoned past its free-list link, so ASan still
 * catches a use after the last unref. */
#define POISON(e, sz) ASAN_POISON_MEMORY_REGION(&(e)->refs, (sz) - offsetof(struct event, refs))
#define UNPOISON(e, sz) ASAN_UNPOISON_MEMORY_REGION(&(e)->refs, (sz) - offsetof(struct event, refs))
#else
#define POISON(e, sz) ((void)(e), (void)(sz))
#define UNPOISON(e, sz) ((void)(e), (void)(sz))
#endif

#define POOL_MAX_FREE (2u << 20)	/* keeps RSS in the 10 MB budget */

/* Block sizes: steps of ~1.5x, so a block wastes at most a third. */
const uint32_t event_class_size[] = {
	256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384,
};
#define NCLASS (sizeof(event_class_size) / sizeof(event_class_size[0]))
#define class_size event_class_size

struct event_pool {
	pthread_mutex_t mu;			/* guards taken[] */
	struct event *taken[NCLASS];		/* allocators' side */
	_Atomic(struct event *) returned[NCLASS];	/* any thread pushes */
	atomic_size_t free_bytes;		/* in taken[] and returned[] */
};

static struct event_pool pool = { .mu = PTHREAD_MUTEX_INITIALIZER };

static uint32_t class_of(size_t need)
{
	for (uint32_t c = 0; c < NCLASS; c++)
		if (need <= class_size[c])
			return c;
	return EVENT_CLASS_MALLOC;
}

static struct event *pool_get(uint32_t c)
{
	struct event *e;

	pthread_mutex_lock(&pool.mu);
	if (!pool.taken[c])
		pool.taken[c] = atomic_exchange_explicit(&pool.returned[c], NULL,
							 memory_order_acquire);
	if ((e = pool.taken[c]) != NULL)
		pool.taken[c] = e->next_free;
	pthread_mutex_unlock(&pool.mu);
	if (e) {
		atomic_fetch_sub_explicit(&pool.free_bytes, class_size[c], memory_order_relaxed);
		UNPOISON(e, class_size[c]);
	}
	return e;
}

static void pool_put(struct event *e)
{
	uint32_t c = e->size_class;
	struct event *head;

	if (c == EVENT_CLASS_MALLOC ||
	    atomic_fetch_add_explicit(&pool.free_bytes, class_size[c], memory_order_relaxed) +
	    class_size[c] > POOL_MAX_FREE) {
		if (c != EVENT_CLASS_MALLOC)
			atomic_fetch_sub_explicit(&pool.free_bytes, class_size[c], memory_order_relaxed);
		free(e);
		return;
	}
	POISON(e, class_size[c]);
	head = atomic_load_explicit(&pool.returned[c], memory_order_relaxed);
	do
		e->next_free = head;
	while (!atomic_compare_exchange_weak_explicit(&pool.returned[c], &head, e,
						      memory_order_release, memory_order_relaxed));
}

struct event *event_new(const char *json, size_t len, uint64_t serial, int64_t time_ns,
			uint32_t flags, const char *node)
{
	size_t need = offsetof(struct event, json) + len + 1;
	uint32_t c = class_of(need);
	struct event *e = c == EVENT_CLASS_MALLOC ? NULL : pool_get(c);

	if (!e && !(e = malloc(c == EVENT_CLASS_MALLOC ? need : class_size[c])))
		return NULL;
	e->next_free = NULL;
	e->size_class = c;
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
		pool_put(e);
}

size_t event_pool_free_bytes(void)
{
	return atomic_load(&pool.free_bytes);
}
