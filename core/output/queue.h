/* core/output/queue.h -- one output's bounded event queue.
 *
 * The reader pushes, the output's worker pops in batches.  When the queue is
 * full the output's overflow policy decides: drop the new event, drop the
 * oldest, or make the reader wait (block).  Drops are counted; the count not
 * yet reported in-band is kept for the worker to turn into a loss event.
 *
 * The queue is full at `cap` events or, with a byte bound, when the next
 * event would take the bytes in this output's hands (queued and popped but
 * not yet done) past max_bytes: each event counts its block (header and
 * JSON, event_bytes()).  An event is always taken when the output holds
 * nothing, so one larger than the bound still passes. */
#ifndef AS_QUEUE_H
#define AS_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/event.h"

enum overflow { OVERFLOW_DROP_NEWEST, OVERFLOW_DROP_OLDEST, OVERFLOW_BLOCK };

struct queue {
	struct event **ring;
	size_t cap, head, count;
	size_t max_bytes;	/* 0: no byte bound */
	size_t bytes;		/* queued + in flight */
	size_t in_flight_bytes;
	enum overflow overflow;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	int closed;		/* no more pushes will come */
	int kicked;		/* wake the consumer without an event */
	int consumer_waiting;	/* deep or lingering; cleared by the one signal that wakes it */
	int producer_waiting;
	int held;		/* queue_hold(): wake the consumer per batch, not per event */
	int wait_always;	/* a file input: wait when full, whatever `overflow` says */
	int linger_off;		/* the last linger brought nothing (queue.c) */
	size_t in_flight;	/* popped by the consumer, not yet done */
	uint64_t dropped;		/* total, for stats */
	uint64_t dropped_unreported;	/* not yet in a loss event */
	uint64_t first_dropped_serial;	/* of the unreported ones */
	/* For `block`: asked every 100 ms while the producer waits; non-zero
	 * drops the event (counted) instead of waiting on. */
	int (*give_up)(void);
};

/* queue.max_bytes: 32 MiB holds the default 65536 events of a small
 * (getppid-sized) kind, and ~20000 execve events, per output. */
#define QUEUE_MAX_BYTES_DEFAULT (32u << 20)
#define QUEUE_MAX_BYTES_MIN (64u << 10)

int queue_init(struct queue *q, size_t cap, enum overflow overflow);
/* Bounds the bytes in the output's hands (0: only cap bounds it). */
void queue_set_max_bytes(struct queue *q, size_t max_bytes);
void queue_destroy(struct queue *q);	/* releases what is still queued */

/* Takes the caller's reference to e.  Returns QUEUE_QUEUED, QUEUE_DROPPED
 * if e (or another event, for drop_oldest) was dropped for overflow
 * (counted), or QUEUE_REFUSED when a wait_always queue was closed or its
 * producer gave up (e released, not counted: the caller holds it as
 * undelivered, for a file input loses nothing to overflow). */
enum { QUEUE_QUEUED, QUEUE_DROPPED, QUEUE_REFUSED };
int queue_push(struct queue *q, struct event *e);
/* Makes the producer wait for room whatever the overflow policy. */
void queue_set_wait_always(struct queue *q, int on);

/* Between queue_hold() and queue_release() the producer's pushes wake a
 * waiting consumer only once QUEUE_WAKE_BATCH events are queued; release
 * wakes it for the rest.  The reader holds its queues for one wake-up's
 * worth of records, so the worker gets batches and the reader makes one
 * futex call per batch instead of one per event.  Producer thread only. */
#define QUEUE_WAKE_BATCH 64
/* A consumer that finds fewer than QUEUE_LINGER_BATCH events waits up to
 * QUEUE_LINGER_MS for them before it takes fewer (see queue.c). */
#define QUEUE_LINGER_BATCH 256
#define QUEUE_LINGER_MS 4
void queue_hold(struct queue *q);
void queue_release(struct queue *q);

/* Waits until there is an event, the queue is closed or kicked; then moves up
 * to max events to out and returns how many. */
size_t queue_pop(struct queue *q, struct event **out, size_t max);

/* Like queue_pop, but waits at most timeout_ms (0: not at all). */
size_t queue_pop_timeout(struct queue *q, struct event **out, size_t max, unsigned timeout_ms);

/* Releases everything queued and returns how many: the caller counts them
 * (dropped for a disabled output, undelivered at exit). */
size_t queue_discard(struct queue *q);

/* The consumer is through with what it popped last. */
void queue_done(struct queue *q);
/* 1 when nothing is queued or in the consumer's hands. */
int queue_idle(struct queue *q);

void queue_close(struct queue *q);
void queue_kick(struct queue *q);
size_t queue_depth(struct queue *q);
/* Bytes queued and in the consumer's hands. */
size_t queue_bytes(struct queue *q);
/* 1 past half of either bound: time to spool rather than queue on. */
int queue_half_full(struct queue *q);

/* Overflow drops since the start (for stats and the conservation law). */
uint64_t queue_dropped(struct queue *q);

/* Returns and resets the unreported drop count (and the first such serial). */
uint64_t queue_take_unreported(struct queue *q, uint64_t *first_serial);

#endif
