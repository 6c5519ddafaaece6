/* tests/unit/test_queue.c -- one output's bounded queue: the three overflow
 * policies, drop accounting, blocking and waking, and event references. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline/event.h"
#include "output/queue.h"

/* ------------------------------------------------------------- helpers */

static struct event *mk(uint64_t serial)
{
	char json[64];
	int n = snprintf(json, sizeof(json), "{\"sequence\":%llu}", (unsigned long long)serial);
	struct event *e = event_new(json, (size_t)n, serial, 0, 0, "node");

	ck_assert_ptr_nonnull(e);
	return e;
}

static unsigned refs(struct event *e)
{
	return atomic_load(&e->refs);
}

/* Pops everything now queued (the queue must not be empty or must be
 * closed), checks the serials, and releases the events. */
static void pop_expect(struct queue *q, const uint64_t *serials, size_t n)
{
	struct event *out[64];
	size_t got = queue_pop(q, out, 64);

	ck_assert_uint_eq(got, n);
	for (size_t i = 0; i < got; i++) {
		ck_assert_uint_eq(out[i]->pub.serial, serials[i]);
		event_unref(out[i]);
	}
}

static void short_sleep(void)
{
	struct timespec ts = { 0, 1000000 };	/* 1 ms */
	nanosleep(&ts, NULL);
}

/* Waits (without a time limit of its own: Check's timeout is the limit)
 * until the queue's waiter counts say a thread is blocked in it. */
static void wait_until_producer_blocked(struct queue *q)
{
	for (;;) {
		int w;
		pthread_mutex_lock(&q->mu);
		w = q->producer_waiting;
		pthread_mutex_unlock(&q->mu);
		if (w)
			return;
		short_sleep();
	}
}

static void wait_until_consumer_blocked(struct queue *q)
{
	for (;;) {
		int w;
		pthread_mutex_lock(&q->mu);
		w = q->consumer_waiting;
		pthread_mutex_unlock(&q->mu);
		if (w)
			return;
		short_sleep();
	}
}

/* --------------------------------------------------------------- basics */

/* FIFO order, batches of at most max, depth, across the ring's wrap. */
START_TEST(fifo_and_batches)
{
	struct queue q;
	struct event *out[8];

	ck_assert_int_eq(queue_init(&q, 4, OVERFLOW_DROP_NEWEST), 0);
	for (uint64_t round = 0; round < 5; round++) {
		for (uint64_t i = 1; i <= 3; i++)
			ck_assert_int_eq(queue_push(&q, mk(round * 10 + i)), 0);
		ck_assert_uint_eq(queue_depth(&q), 3);
		ck_assert_uint_eq(queue_pop(&q, out, 2), 2);
		ck_assert_uint_eq(out[0]->pub.serial, round * 10 + 1);
		ck_assert_uint_eq(out[1]->pub.serial, round * 10 + 2);
		event_unref(out[0]);
		event_unref(out[1]);
		ck_assert_uint_eq(queue_pop(&q, out, 8), 1);
		ck_assert_uint_eq(out[0]->pub.serial, round * 10 + 3);
		event_unref(out[0]);
		ck_assert_uint_eq(queue_depth(&q), 0);
	}
	ck_assert_uint_eq(q.dropped, 0);
	queue_destroy(&q);
}
END_TEST

/* --------------------------------------------------------------- drops */

/* drop_newest keeps the first N, refuses the rest, counts them, and lets go
 * of each refused event at once. */
START_TEST(drop_newest)
{
	static const uint64_t want[] = { 1, 2, 3 };
	struct queue q;
	struct event *e[6];
	uint64_t first = 0;

	ck_assert_int_eq(queue_init(&q, 3, OVERFLOW_DROP_NEWEST), 0);
	for (int i = 1; i <= 5; i++) {
		e[i] = mk((uint64_t)i);
		event_ref(e[i]);		/* ours, to watch the queue's */
		ck_assert_int_eq(queue_push(&q, e[i]), i > 3);
	}
	ck_assert_uint_eq(queue_depth(&q), 3);
	ck_assert_uint_eq(refs(e[4]), 1);	/* the queue let go of the dropped ... */
	ck_assert_uint_eq(refs(e[5]), 1);
	ck_assert_uint_eq(refs(e[1]), 2);	/* ... and holds the kept */
	ck_assert_uint_eq(q.dropped, 2);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 2);
	ck_assert_uint_eq(first, 4);
	pop_expect(&q, want, 3);
	for (int i = 1; i <= 5; i++) {
		ck_assert_uint_eq(refs(e[i]), 1);
		event_unref(e[i]);
	}
	queue_destroy(&q);
}
END_TEST

/* drop_oldest keeps the last N; the oldest are counted and released. */
START_TEST(drop_oldest)
{
	static const uint64_t want[] = { 3, 4, 5 };
	struct queue q;
	struct event *e[6];
	uint64_t first = 0;

	ck_assert_int_eq(queue_init(&q, 3, OVERFLOW_DROP_OLDEST), 0);
	for (int i = 1; i <= 5; i++) {
		e[i] = mk((uint64_t)i);
		event_ref(e[i]);
		ck_assert_int_eq(queue_push(&q, e[i]), i > 3);
	}
	ck_assert_uint_eq(queue_depth(&q), 3);
	ck_assert_uint_eq(refs(e[1]), 1);
	ck_assert_uint_eq(refs(e[2]), 1);
	ck_assert_uint_eq(refs(e[5]), 2);
	ck_assert_uint_eq(q.dropped, 2);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 2);
	ck_assert_uint_eq(first, 1);
	pop_expect(&q, want, 3);
	for (int i = 1; i <= 5; i++) {
		ck_assert_uint_eq(refs(e[i]), 1);
		event_unref(e[i]);
	}
	queue_destroy(&q);
}
END_TEST

/* queue_take_unreported returns the count and resets it; the next drops
 * start a new count with their own first serial; the total stays. */
START_TEST(take_unreported_resets)
{
	struct queue q;
	uint64_t first = 0;

	ck_assert_int_eq(queue_init(&q, 1, OVERFLOW_DROP_NEWEST), 0);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 0);
	ck_assert_int_eq(queue_push(&q, mk(1)), 0);
	ck_assert_int_eq(queue_push(&q, mk(2)), 1);
	ck_assert_int_eq(queue_push(&q, mk(3)), 1);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 2);
	ck_assert_uint_eq(first, 2);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 0);
	ck_assert_int_eq(queue_push(&q, mk(7)), 1);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 1);
	ck_assert_uint_eq(first, 7);
	ck_assert_uint_eq(q.dropped, 3);
	queue_destroy(&q);
}
END_TEST

/* queue_discard releases everything queued and says how many; the caller
 * counts them (a disabled output's drops are not overflow). */
START_TEST(discard)
{
	struct queue q;
	struct event *e = mk(1);
	uint64_t first = 0;

	ck_assert_int_eq(queue_init(&q, 8, OVERFLOW_BLOCK), 0);
	event_ref(e);
	ck_assert_int_eq(queue_push(&q, e), 0);
	ck_assert_int_eq(queue_push(&q, mk(2)), 0);
	ck_assert_int_eq(queue_push(&q, mk(3)), 0);
	ck_assert_uint_eq(queue_discard(&q), 3);
	ck_assert_uint_eq(queue_depth(&q), 0);
	ck_assert_uint_eq(refs(e), 1);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 0);
	ck_assert_uint_eq(q.dropped, 0);
	event_unref(e);
	queue_destroy(&q);
}
END_TEST

/* queue_destroy releases what is still queued (ASan sees a leak if not). */
START_TEST(destroy_releases)
{
	struct queue q;
	struct event *e = mk(1);

	ck_assert_int_eq(queue_init(&q, 4, OVERFLOW_DROP_OLDEST), 0);
	event_ref(e);
	ck_assert_int_eq(queue_push(&q, e), 0);
	for (uint64_t i = 2; i <= 6; i++)	/* wraps the ring */
		queue_push(&q, mk(i));
	queue_destroy(&q);
	ck_assert_uint_eq(refs(e), 1);
	event_unref(e);
}
END_TEST

/* One event shared by two outputs' queues: freed once, after both let go
 * (ASan proves no leak and no double free). */
START_TEST(shared_between_queues)
{
	struct queue q1, q2;
	struct event *e = mk(9), *out[1];

	ck_assert_int_eq(queue_init(&q1, 2, OVERFLOW_DROP_NEWEST), 0);
	ck_assert_int_eq(queue_init(&q2, 2, OVERFLOW_DROP_NEWEST), 0);
	event_ref(e);			/* one reference per queue */
	queue_push(&q1, e);
	queue_push(&q2, e);
	ck_assert_uint_eq(refs(e), 2);
	ck_assert_uint_eq(queue_pop(&q1, out, 1), 1);
	event_unref(out[0]);
	ck_assert_uint_eq(refs(e), 1);
	ck_assert_uint_eq(queue_pop(&q2, out, 1), 1);
	ck_assert_ptr_eq(out[0], e);
	event_unref(out[0]);		/* freed here */
	queue_destroy(&q1);
	queue_destroy(&q2);
}
END_TEST

/* ----------------------------------------------------- block and wake */

struct push_job {
	struct queue *q;
	struct event *e;
	atomic_int done;
	int rc;
};

static void *push_thread(void *arg)
{
	struct push_job *j = arg;

	j->rc = queue_push(j->q, j->e);
	atomic_store(&j->done, 1);
	return NULL;
}

/* block: a producer on a full queue waits until the consumer pops, then its
 * event is queued (nothing dropped). */
START_TEST(block_waits_for_pop)
{
	static const uint64_t rest[] = { 2, 3 };
	struct queue q;
	struct push_job j = { .rc = -1 };
	struct event *out[1];
	pthread_t t;

	ck_assert_int_eq(queue_init(&q, 2, OVERFLOW_BLOCK), 0);
	ck_assert_int_eq(queue_push(&q, mk(1)), 0);
	ck_assert_int_eq(queue_push(&q, mk(2)), 0);
	j.q = &q;
	j.e = mk(3);
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &j), 0);
	wait_until_producer_blocked(&q);
	ck_assert_int_eq(atomic_load(&j.done), 0);	/* still inside push */
	ck_assert_uint_eq(queue_depth(&q), 2);
	ck_assert_uint_eq(queue_pop(&q, out, 1), 1);
	ck_assert_uint_eq(out[0]->pub.serial, 1);
	event_unref(out[0]);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(atomic_load(&j.done), 1);
	ck_assert_int_eq(j.rc, 0);
	ck_assert_uint_eq(q.dropped, 0);
	pop_expect(&q, rest, 2);
	queue_destroy(&q);
}
END_TEST

/* Closing the queue releases a blocked producer: its event is dropped and
 * counted, not leaked. */
START_TEST(close_wakes_producer)
{
	static const uint64_t rest[] = { 1 };
	struct queue q;
	struct push_job j = { .rc = -1 };
	pthread_t t;
	uint64_t first = 0;

	ck_assert_int_eq(queue_init(&q, 1, OVERFLOW_BLOCK), 0);
	ck_assert_int_eq(queue_push(&q, mk(1)), 0);
	j.q = &q;
	j.e = mk(2);
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &j), 0);
	wait_until_producer_blocked(&q);
	ck_assert_int_eq(atomic_load(&j.done), 0);
	queue_close(&q);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(j.rc, 1);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 1);
	ck_assert_uint_eq(first, 2);
	pop_expect(&q, rest, 1);		/* what was queued still drains */
	queue_destroy(&q);
}
END_TEST

/* A file input's queue waits whatever the policy: drop_newest and
 * drop_oldest lose nothing; closing it refuses the waiting event without
 * counting it as an overflow drop (the output holds it as undelivered). */
START_TEST(wait_always_never_drops)
{
	static const uint64_t rest[] = { 2, 3 };
	enum overflow pol[] = { OVERFLOW_DROP_NEWEST, OVERFLOW_DROP_OLDEST };

	for (int k = 0; k < 2; k++) {
		struct queue q;
		struct push_job j = { .rc = -1 };
		struct event *out[1];
		pthread_t t;
		uint64_t first;

		ck_assert_int_eq(queue_init(&q, 2, pol[k]), 0);
		queue_set_wait_always(&q, 1);
		ck_assert_int_eq(queue_push(&q, mk(1)), QUEUE_QUEUED);
		ck_assert_int_eq(queue_push(&q, mk(2)), QUEUE_QUEUED);
		j.q = &q;
		j.e = mk(3);
		atomic_init(&j.done, 0);
		ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &j), 0);
		wait_until_producer_blocked(&q);
		ck_assert_int_eq(atomic_load(&j.done), 0);
		ck_assert_uint_eq(queue_pop(&q, out, 1), 1);
		ck_assert_uint_eq(out[0]->pub.serial, 1);
		event_unref(out[0]);
		queue_done(&q);
		ck_assert_int_eq(pthread_join(t, NULL), 0);
		ck_assert_int_eq(j.rc, QUEUE_QUEUED);
		ck_assert_uint_eq(q.dropped, 0);
		/* Full again: a close refuses the waiting producer's event. */
		j.e = mk(4);
		j.rc = -1;
		atomic_init(&j.done, 0);
		ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &j), 0);
		wait_until_producer_blocked(&q);
		queue_close(&q);
		ck_assert_int_eq(pthread_join(t, NULL), 0);
		ck_assert_int_eq(j.rc, QUEUE_REFUSED);
		ck_assert_uint_eq(q.dropped, 0);
		ck_assert_uint_eq(queue_take_unreported(&q, &first), 0);
		pop_expect(&q, rest, 2);
		queue_destroy(&q);
	}
}
END_TEST

static atomic_int stop_requested;

static int should_give_up(void)
{
	return atomic_load(&stop_requested);
}

/* block with give_up: a producer waiting on a dead consumer gives up once
 * asked to (checked while it waits), dropping and counting its event. */
START_TEST(block_gives_up)
{
	static const uint64_t rest[] = { 1 };
	struct queue q;
	struct push_job j = { .rc = -1 };
	pthread_t t;
	uint64_t first = 0;

	ck_assert_int_eq(queue_init(&q, 1, OVERFLOW_BLOCK), 0);
	atomic_store(&stop_requested, 0);
	q.give_up = should_give_up;
	ck_assert_int_eq(queue_push(&q, mk(1)), 0);
	j.q = &q;
	j.e = mk(2);
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &j), 0);
	wait_until_producer_blocked(&q);
	ck_assert_int_eq(atomic_load(&j.done), 0);
	atomic_store(&stop_requested, 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(j.rc, 1);
	ck_assert_uint_eq(queue_take_unreported(&q, &first), 1);
	ck_assert_uint_eq(first, 2);
	pop_expect(&q, rest, 1);
	queue_destroy(&q);
}
END_TEST

struct pop_job {
	struct queue *q;
	struct event *out[4];
	size_t n;
	atomic_int done;
};

static void *pop_thread(void *arg)
{
	struct pop_job *j = arg;

	j->n = queue_pop(j->q, j->out, 4);
	atomic_store(&j->done, 1);
	return NULL;
}

/* queue_close wakes a consumer waiting on an empty queue: pop returns 0. */
START_TEST(close_wakes_consumer)
{
	struct queue q;
	struct pop_job j = { .n = 99 };
	pthread_t t;

	ck_assert_int_eq(queue_init(&q, 4, OVERFLOW_DROP_NEWEST), 0);
	j.q = &q;
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, pop_thread, &j), 0);
	wait_until_consumer_blocked(&q);
	ck_assert_int_eq(atomic_load(&j.done), 0);
	queue_close(&q);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(j.n, 0);
	/* closed: pushes are dropped (and counted), pops do not wait */
	ck_assert_int_eq(queue_push(&q, mk(5)), 1);
	ck_assert_uint_eq(q.dropped, 1);
	ck_assert_uint_eq(queue_pop(&q, j.out, 4), 0);
	queue_destroy(&q);
}
END_TEST

/* A push wakes a waiting consumer with that event. */
START_TEST(push_wakes_consumer)
{
	struct queue q;
	struct pop_job j = { .n = 99 };
	pthread_t t;

	ck_assert_int_eq(queue_init(&q, 4, OVERFLOW_DROP_NEWEST), 0);
	j.q = &q;
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, pop_thread, &j), 0);
	wait_until_consumer_blocked(&q);
	ck_assert_int_eq(queue_push(&q, mk(42)), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(j.n, 1);
	ck_assert_uint_eq(j.out[0]->pub.serial, 42);
	event_unref(j.out[0]);
	queue_destroy(&q);
}
END_TEST

/* queue_kick wakes a waiting consumer without an event; the queue goes on. */
START_TEST(kick_wakes_consumer)
{
	static const uint64_t one[] = { 1 };
	struct queue q;
	struct pop_job j = { .n = 99 };
	pthread_t t;

	ck_assert_int_eq(queue_init(&q, 4, OVERFLOW_DROP_NEWEST), 0);
	j.q = &q;
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, pop_thread, &j), 0);
	wait_until_consumer_blocked(&q);
	queue_kick(&q);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(j.n, 0);
	ck_assert_int_eq(queue_push(&q, mk(1)), 0);
	pop_expect(&q, one, 1);
	queue_destroy(&q);
}
END_TEST

/* After close, pop still hands out what was queued, then returns 0. */
START_TEST(close_drains)
{
	static const uint64_t want[] = { 1, 2 };
	struct queue q;

	ck_assert_int_eq(queue_init(&q, 4, OVERFLOW_BLOCK), 0);
	queue_push(&q, mk(1));
	queue_push(&q, mk(2));
	queue_close(&q);
	pop_expect(&q, want, 2);
	pop_expect(&q, NULL, 0);
	queue_destroy(&q);
}
END_TEST

struct stream {
	struct queue *q;
	uint64_t n;
	uint64_t bad;	/* events out of order (consumer) */
};

static void *produce(void *arg)
{
	struct stream *s = arg;

	for (uint64_t i = 1; i <= s->n; i++)
		queue_push(s->q, mk(i));
	queue_close(s->q);
	return NULL;
}

/* block under load: 100000 events through a queue of 16, nothing lost,
 * nothing reordered, every event released once. */
START_TEST(block_stream)
{
	struct queue q;
	struct stream s = { .q = &q, .n = 100000 };
	struct event *out[7];
	uint64_t next = 1;
	pthread_t t;
	size_t n;

	ck_assert_int_eq(queue_init(&q, 16, OVERFLOW_BLOCK), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, produce, &s), 0);
	while ((n = queue_pop(&q, out, 7)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (out[i]->pub.serial != next)
				s.bad++;
			next = out[i]->pub.serial + 1;
			event_unref(out[i]);
		}
	}
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(s.bad, 0);
	ck_assert_uint_eq(next, s.n + 1);
	ck_assert_uint_eq(q.dropped, 0);
	queue_destroy(&q);
}
END_TEST

/* Held (the reader inside one wake-up's batch), pushes leave a waiting
 * consumer asleep until QUEUE_WAKE_BATCH events are queued or the hold is
 * released; then it gets them all at once. */
START_TEST(hold_defers_wake)
{
	struct queue q;
	struct pop_job j = { .n = 99 };
	pthread_t t;
	int waiting;

	ck_assert_int_eq(queue_init(&q, 1024, OVERFLOW_DROP_NEWEST), 0);
	j.q = &q;
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, pop_thread, &j), 0);
	wait_until_consumer_blocked(&q);
	queue_hold(&q);
	ck_assert_int_eq(queue_push(&q, mk(1)), 0);
	ck_assert_int_eq(queue_push(&q, mk(2)), 0);
	pthread_mutex_lock(&q.mu);
	waiting = q.consumer_waiting;	/* a signal clears it */
	pthread_mutex_unlock(&q.mu);
	ck_assert_int_ne(waiting, 0);
	queue_release(&q);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(j.n, 2);
	ck_assert_uint_eq(j.out[0]->pub.serial, 1);
	ck_assert_uint_eq(j.out[1]->pub.serial, 2);
	event_unref(j.out[0]);
	event_unref(j.out[1]);
	queue_destroy(&q);
}
END_TEST

/* A small queue could fill while held: it wakes per event, as unheld. */
START_TEST(hold_small_queue_wakes)
{
	struct queue q;
	struct pop_job j = { .n = 99 };
	pthread_t t;

	ck_assert_int_eq(queue_init(&q, 8, OVERFLOW_DROP_NEWEST), 0);
	j.q = &q;
	atomic_init(&j.done, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, pop_thread, &j), 0);
	wait_until_consumer_blocked(&q);
	queue_hold(&q);
	ck_assert_int_eq(queue_push(&q, mk(7)), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(j.n, 1);
	event_unref(j.out[0]);
	queue_release(&q);
	queue_destroy(&q);
}
END_TEST

/* Events freed on another thread go back to the pool and are reused; the
 * pool's free bytes follow. */
static void *unref_all(void *arg)
{
	struct event **ev = arg;

	for (int i = 0; i < 1000; i++)
		event_unref(ev[i]);
	return NULL;
}

START_TEST(pool_recycles_across_threads)
{
	static struct event *ev[1000];
	pthread_t t;
	size_t before, after;

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 1000; i++)
			ev[i] = mk((uint64_t)i);
		ck_assert_int_eq(pthread_create(&t, NULL, unref_all, ev), 0);
		ck_assert_int_eq(pthread_join(t, NULL), 0);
	}
	before = event_pool_free_bytes();
	ck_assert_uint_gt(before, 0);
	ev[0] = mk(1);
	after = event_pool_free_bytes();
	ck_assert_uint_lt(after, before);	/* taken from the pool */
	ck_assert_uint_eq(ev[0]->pub.serial, 1);
	ck_assert_str_eq(ev[0]->pub.json, "{\"sequence\":1}");
	event_unref(ev[0]);
	ck_assert_uint_eq(event_pool_free_bytes(), before);
	ck_assert_uint_le(before, 2u << 20);	/* bounded */
}
END_TEST

/* ----------------------------------------------------------- byte bound */

#define BYTES_MAX (64u << 10)
#define NBYTES_EVENTS 300

/* An event whose JSON is len bytes. */
static struct event *mk_len(uint64_t serial, size_t len)
{
	static char json[24000];
	struct event *e;

	memset(json, 'x', len);
	e = event_new(json, len, serial, 0, 0, "node");
	ck_assert_ptr_nonnull(e);
	return e;
}

/* Sizes from a few bytes to past the pool's largest class (malloc'd). */
static size_t len_of(uint64_t serial)
{
	static const size_t lens[] = { 100, 700, 3000, 9000, 200, 20000, 1500 };
	return lens[(serial * 7 + serial / 3) % (sizeof(lens) / sizeof(lens[0]))];
}

/* Pushes NBYTES_EVENTS events of mixed sizes into a queue bounded at
 * BYTES_MAX bytes (and 1000 events, which never bind), checking the bound
 * after every push; rc[i] is push i's result. */
static void push_mixed(struct queue *q, int *rc)
{
	for (uint64_t i = 0; i < NBYTES_EVENTS; i++) {
		rc[i] = queue_push(q, mk_len(i, len_of(i)));
		ck_assert_uint_le(queue_bytes(q), BYTES_MAX);
	}
}

/* Pops everything; returns how many, their serials in out_serials, and
 * checks that the bytes counted were theirs. */
static size_t pop_all(struct queue *q, uint64_t *serials)
{
	struct event *out[64];
	size_t n = 0, got, bytes = queue_bytes(q), sum = 0;

	while (queue_depth(q) && (got = queue_pop(q, out, 64)) > 0) {
		for (size_t i = 0; i < got; i++) {
			serials[n++] = out[i]->pub.serial;
			sum += event_bytes(out[i]);
			event_unref(out[i]);
		}
		queue_done(q);
	}
	ck_assert_uint_eq(sum, bytes);
	ck_assert_uint_eq(queue_bytes(q), 0);
	return n;
}

/* drop_newest: what does not fit by bytes is dropped (counted); what was
 * queued comes out in order. */
START_TEST(bytes_drop_newest)
{
	struct queue q;
	int rc[NBYTES_EVENTS];
	uint64_t got[NBYTES_EVENTS];
	size_t n, k = 0, dropped = 0;

	ck_assert_int_eq(queue_init(&q, 1000, OVERFLOW_DROP_NEWEST), 0);
	queue_set_max_bytes(&q, BYTES_MAX);
	push_mixed(&q, rc);
	n = pop_all(&q, got);
	for (uint64_t i = 0; i < NBYTES_EVENTS; i++) {
		if (rc[i] == QUEUE_DROPPED) {
			dropped++;
			continue;
		}
		ck_assert_int_eq(rc[i], QUEUE_QUEUED);
		ck_assert_uint_lt(k, n);
		ck_assert_uint_eq(got[k++], i);
	}
	ck_assert_uint_eq(k, n);
	ck_assert_uint_gt(dropped, 0);
	ck_assert_uint_eq(q.dropped, dropped);
	queue_destroy(&q);
}
END_TEST

/* drop_oldest: the newest events stay, as many as fit; the one before
 * them would not have. */
START_TEST(bytes_drop_oldest)
{
	struct queue q;
	int rc[NBYTES_EVENTS];
	uint64_t got[NBYTES_EVENTS];
	size_t n, bytes = 0;
	struct event *before;

	ck_assert_int_eq(queue_init(&q, 1000, OVERFLOW_DROP_OLDEST), 0);
	queue_set_max_bytes(&q, BYTES_MAX);
	push_mixed(&q, rc);
	n = pop_all(&q, got);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(got[i], NBYTES_EVENTS - n + i);
		bytes += event_bytes(before = mk_len(got[i], len_of(got[i])));
		event_unref(before);
	}
	before = mk_len(0, len_of(NBYTES_EVENTS - n - 1));
	ck_assert_uint_gt(bytes + event_bytes(before), BYTES_MAX);
	event_unref(before);
	ck_assert_uint_eq(q.dropped, NBYTES_EVENTS - n);
	queue_destroy(&q);
}
END_TEST

struct stream_job {
	struct queue *q;
	int rc[NBYTES_EVENTS];
};

static void *push_mixed_thread(void *arg)
{
	struct stream_job *j = arg;

	for (uint64_t i = 0; i < NBYTES_EVENTS; i++)
		j->rc[i] = queue_push(j->q, mk_len(i, len_of(i)));
	return NULL;
}

/* block: the producer waits for room by bytes; the bytes in the output's
 * hands (queued and the batch popped but not done) never pass the bound,
 * and every event arrives, in order. */
START_TEST(bytes_block)
{
	struct queue q;
	struct stream_job j = { .q = &q };
	struct event *out[16];
	uint64_t next = 0;
	pthread_t t;

	ck_assert_int_eq(queue_init(&q, 1000, OVERFLOW_BLOCK), 0);
	queue_set_max_bytes(&q, BYTES_MAX);
	ck_assert_int_eq(pthread_create(&t, NULL, push_mixed_thread, &j), 0);
	while (next < NBYTES_EVENTS) {
		size_t got = queue_pop(&q, out, 1 + next % 16);

		ck_assert_uint_le(queue_bytes(&q), BYTES_MAX);
		if (next % 5 == 0)
			short_sleep();	/* the producer catches up and waits */
		ck_assert_uint_le(queue_bytes(&q), BYTES_MAX);
		for (size_t i = 0; i < got; i++) {
			ck_assert_uint_eq(out[i]->pub.serial, next++);
			event_unref(out[i]);
		}
		queue_done(&q);
	}
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	for (size_t i = 0; i < NBYTES_EVENTS; i++)
		ck_assert_int_eq(j.rc[i], QUEUE_QUEUED);
	ck_assert_uint_eq(q.dropped, 0);
	ck_assert_uint_eq(queue_bytes(&q), 0);
	queue_destroy(&q);
}
END_TEST

/* A popped batch counts until queue_done(); an event larger than the bound
 * passes when the output holds nothing. */
START_TEST(bytes_in_flight_and_oversize)
{
	struct queue q;
	struct event *out[4], *big = mk_len(1, 20000);
	size_t b = event_bytes(big);

	ck_assert_int_eq(queue_init(&q, 100, OVERFLOW_DROP_NEWEST), 0);
	queue_set_max_bytes(&q, 65536);
	ck_assert_uint_gt(4 * b, 65536);
	ck_assert_int_eq(queue_push(&q, big), QUEUE_QUEUED);
	ck_assert_int_eq(queue_push(&q, mk_len(2, 20000)), QUEUE_QUEUED);
	ck_assert_int_eq(queue_push(&q, mk_len(3, 20000)), QUEUE_QUEUED);
	ck_assert_uint_eq(queue_pop(&q, out, 4), 3);
	ck_assert_uint_eq(queue_bytes(&q), 3 * b);
	ck_assert_int_eq(queue_push(&q, mk_len(4, 20000)), QUEUE_DROPPED);
	for (int i = 0; i < 3; i++)
		event_unref(out[i]);
	queue_done(&q);
	ck_assert_uint_eq(queue_bytes(&q), 0);
	ck_assert_int_eq(queue_push(&q, mk_len(5, 20000)), QUEUE_QUEUED);
	ck_assert_uint_eq(queue_pop(&q, out, 4), 1);
	ck_assert_uint_eq(out[0]->pub.serial, 5);
	event_unref(out[0]);
	queue_done(&q);

	queue_set_max_bytes(&q, 1000);	/* below one event: still taken alone */
	ck_assert_int_eq(queue_push(&q, mk_len(6, 20000)), QUEUE_QUEUED);
	ck_assert_int_eq(queue_push(&q, mk_len(7, 10)), QUEUE_DROPPED);
	ck_assert_uint_eq(q.dropped, 2);
	queue_destroy(&q);
}
END_TEST

static Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc;

	tc = tcase_create("policies");
	tcase_add_test(tc, fifo_and_batches);
	tcase_add_test(tc, drop_newest);
	tcase_add_test(tc, drop_oldest);
	tcase_add_test(tc, take_unreported_resets);
	tcase_add_test(tc, discard);
	tcase_add_test(tc, destroy_releases);
	tcase_add_test(tc, shared_between_queues);
	tcase_add_test(tc, bytes_drop_newest);
	tcase_add_test(tc, bytes_drop_oldest);
	tcase_add_test(tc, bytes_in_flight_and_oversize);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_test(tc, block_waits_for_pop);
	tcase_add_test(tc, close_wakes_producer);
	tcase_add_test(tc, block_gives_up);
	tcase_add_test(tc, close_wakes_consumer);
	tcase_add_test(tc, push_wakes_consumer);
	tcase_add_test(tc, kick_wakes_consumer);
	tcase_add_test(tc, close_drains);
	tcase_add_test(tc, block_stream);
	tcase_add_test(tc, hold_defers_wake);
	tcase_add_test(tc, hold_small_queue_wakes);
	tcase_add_test(tc, pool_recycles_across_threads);
	tcase_add_test(tc, wait_always_never_drops);
	tcase_add_test(tc, bytes_block);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(queue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
