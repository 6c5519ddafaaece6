/* core/output/queue.c -- a mutex-protected ring.  Condition variables are signalled
 * only when the other side waits, and a waiting consumer is signalled once,
 * not once per push until it runs (with both threads on one core that was a
 * futex call and often a context switch per event), so a busy pipeline
 * makes few futex calls.
 *
 * A consumer that finds fewer than QUEUE_LINGER_BATCH events lingers up to
 * QUEUE_LINGER_MS for more before it takes them; the end of a held batch
 * does not wake a lingering consumer (reaching QUEUE_LINGER_BATCH does).  The
 * kernel reader wakes up for a few records at a time, so without this the
 * worker was woken (a futex call, two context switches and lock contention
 * on both sides) for every one or two events: 11% of the daemon's CPU on
 * the getppid load (bench/RESULTS.md, issue 18).  Events wait at most
 * QUEUE_LINGER_MS longer; an idle consumer still sleeps without a timer.
 *
 * A linger that brings nothing turns lingering off until a deep wait ends
 * within QUEUE_LINGER_MS: when events come further apart than that (a
 * fork+exec load on a busy machine) a linger only added a timer wake-up per
 * event, two of the worker's context switches per batch of two events
 * (bench/RESULTS.md, issue 18: fork+exec path).  And a waiting consumer is
 * signalled after the producer unlocks, so it does not wake up only to wait
 * on the mutex the producer still holds (a futex wait and wake more). */
#include "output/queue.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int queue_init(struct queue *q, size_t cap, enum overflow overflow)
{
	q->ring = calloc(cap, sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->cap = cap;
	q->head = q->count = 0;
	q->overflow = overflow;
	q->closed = q->kicked = q->consumer_waiting = q->producer_waiting = q->held = 0;
	q->wait_always = 0;
	q->linger_off = 0;
	q->in_flight = 0;
	q->max_bytes = q->bytes = q->in_flight_bytes = 0;
	q->give_up = NULL;
	q->dropped = q->dropped_unreported = q->first_dropped_serial = 0;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void queue_set_max_bytes(struct queue *q, size_t max_bytes)
{
	pthread_mutex_lock(&q->mu);
	q->max_bytes = max_bytes;
	pthread_mutex_unlock(&q->mu);
}

void queue_destroy(struct queue *q)
{
	while (q->count) {
		event_unref(q->ring[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	free(q->ring);
	q->ring = NULL;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

enum { WAIT_NONE, WAIT_DEEP, WAIT_LINGER };	/* q->consumer_waiting */

static struct timespec deadline_in(unsigned ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* Under q->mu. */
static void wake_consumer(struct queue *q)
{
	q->consumer_waiting = 0;	/* one signal per wait is enough */
	pthread_cond_signal(&q->not_empty);
}

/* Under q->mu: as wake_consumer(), the signal sent by the caller once it
 * has unlocked (returns 1 if it is to). */
static int wake_consumer_later(struct queue *q)
{
	q->consumer_waiting = 0;
	return 1;
}

/* Under q->mu, after a push: does a waiting consumer get a signal now?  A
 * small queue could fill (and drop, or block) before a deferred wake-up: it
 * wakes per event as before, and so does one past half its byte bound. */
static int wake_due(const struct queue *q)
{
	size_t batch = q->consumer_waiting == WAIT_LINGER ? QUEUE_LINGER_BATCH : QUEUE_WAKE_BATCH;

	if (!q->held && q->consumer_waiting == WAIT_DEEP)
		return 1;
	return q->count >= batch || q->cap < 4 * QUEUE_WAKE_BATCH ||
	       (q->max_bytes && q->bytes > q->max_bytes / 2);
}

/* Under q->mu: no room for e, by count or by bytes. */
static int full(const struct queue *q, const struct event *e)
{
	if (q->count == q->cap)
		return 1;
	return q->max_bytes && (q->count || q->in_flight) && q->bytes + event_bytes(e) > q->max_bytes;
}

/* Under q->mu: the oldest queued event leaves the ring. */
static struct event *shift(struct queue *q)
{
	struct event *e = q->ring[q->head];

	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->bytes -= event_bytes(e);
	return e;
}

static void count_drop(struct queue *q, const struct event *e)
{
	if (q->dropped_unreported++ == 0)
		q->first_dropped_serial = e->pub.serial;
	q->dropped++;
}

/* Under q->mu: waits for room while the policy (or a file input) says to
 * wait.  Returns 0 when there is room or the policy drops, -1 when the
 * producer gave up or the queue closed while it waited. */
static int wait_room(struct queue *q, const struct event *e)
{
	int waits = q->overflow == OVERFLOW_BLOCK || q->wait_always;

	while (full(q, e) && waits && !q->closed) {
		/* Wake up now and then: a stop request must not wait for a dead peer. */
		struct timespec until = deadline_in(100);

		if (q->give_up && q->give_up())
			return -1;
		if (q->consumer_waiting)	/* it may not know yet: we held it */
			wake_consumer(q);
		q->producer_waiting++;
		pthread_cond_timedwait(&q->not_full, &q->mu, &until);
		q->producer_waiting--;
	}
	return q->closed || (full(q, e) && waits) ? -1 : 0;
}

int queue_push(struct queue *q, struct event *e)
{
	int rc = QUEUE_QUEUED, wake = 0;
	struct event *old = NULL;

	pthread_mutex_lock(&q->mu);
	if (wait_room(q, e) < 0) {
		old = e;
		rc = q->wait_always ? QUEUE_REFUSED : QUEUE_DROPPED;
		if (rc == QUEUE_DROPPED)
			count_drop(q, e);
	} else if (full(q, e)) {
		rc = QUEUE_DROPPED;
		/* drop_oldest makes room by bytes too, which may take several;
		 * what the consumer holds cannot go, and then e does. */
		while (q->overflow == OVERFLOW_DROP_OLDEST && q->count && full(q, e)) {
			struct event *x = shift(q);

			count_drop(q, x);
			event_unref(x);
		}
		if (full(q, e)) {
			count_drop(q, e);
			old = e;
		}
	}
	if (old != e) {
		q->ring[(q->head + q->count) % q->cap] = e;
		q->count++;
		q->bytes += event_bytes(e);
		if (q->consumer_waiting && wake_due(q))
			wake = wake_consumer_later(q);
	}
	pthread_mutex_unlock(&q->mu);
	if (wake)
		pthread_cond_signal(&q->not_empty);
	event_unref(old);
	return rc;
}

void queue_set_wait_always(struct queue *q, int on)
{
	pthread_mutex_lock(&q->mu);
	q->wait_always = on;
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

void queue_hold(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->held = 1;
	pthread_mutex_unlock(&q->mu);
}

void queue_release(struct queue *q)
{
	int wake = 0;

	pthread_mutex_lock(&q->mu);
	q->held = 0;
	if (q->consumer_waiting == WAIT_DEEP && q->count)	/* a lingering one comes anyway */
		wake = wake_consumer_later(q);
	pthread_mutex_unlock(&q->mu);
	if (wake)
		pthread_cond_signal(&q->not_empty);
}

/* Under the lock: moves up to max events to out, for the consumer. */
static size_t take(struct queue *q, struct event **out, size_t max)
{
	size_t n = 0, bytes = 0;

	q->kicked = 0;
	q->bytes -= q->in_flight_bytes;	/* a new pop: the last batch is done */
	while (n < max && q->count) {
		out[n] = shift(q);
		bytes += event_bytes(out[n++]);
	}
	q->bytes += bytes;		/* still in the consumer's hands */
	q->in_flight_bytes = bytes;
	q->in_flight = n;
	if (n && q->producer_waiting)
		pthread_cond_broadcast(&q->not_full);
	return n;
}

/* Under q->mu: waits up to QUEUE_LINGER_MS for a batch worth taking.  One
 * wait: a producer that signals wants the consumer now (QUEUE_LINGER_BATCH
 * reached, a small queue, half the bytes, or it is about to block). */
static void linger(struct queue *q)
{
	struct timespec until;

	if (q->linger_off || q->count >= QUEUE_LINGER_BATCH || q->closed || q->kicked ||
	    q->cap < 4 * QUEUE_WAKE_BATCH || (q->max_bytes && q->bytes > q->max_bytes / 2))
		return;
	until = deadline_in(QUEUE_LINGER_MS);
	q->consumer_waiting = WAIT_LINGER;
	if (pthread_cond_timedwait(&q->not_empty, &q->mu, &until) == ETIMEDOUT && q->count == 0)
		q->linger_off = 1;	/* events come further apart than a linger */
	q->consumer_waiting = WAIT_NONE;
}

static uint64_t monotonic_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

size_t queue_pop(struct queue *q, struct event **out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	linger(q);
	if (q->count == 0 && !q->closed && !q->kicked) {
		uint64_t since = q->linger_off ? monotonic_us() : 0;

		do {
			q->consumer_waiting = WAIT_DEEP;
			pthread_cond_wait(&q->not_empty, &q->mu);
			q->consumer_waiting = 0;
		} while (q->count == 0 && !q->closed && !q->kicked);
		/* Events again within a linger of the last: lingering pays. */
		if (since && monotonic_us() - since < QUEUE_LINGER_MS * 1000u)
			q->linger_off = 0;
	}
	n = take(q, out, max);
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t queue_discard(struct queue *q)
{
	size_t n = 0;

	pthread_mutex_lock(&q->mu);
	while (q->count) {
		event_unref(shift(q));
		n++;
	}
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
	return n;
}

void queue_done(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->in_flight = 0;
	q->bytes -= q->in_flight_bytes;
	q->in_flight_bytes = 0;
	if (q->producer_waiting && q->max_bytes)	/* room by bytes */
		pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

int queue_idle(struct queue *q)
{
	int idle;

	pthread_mutex_lock(&q->mu);
	idle = q->count == 0 && q->in_flight == 0;
	pthread_mutex_unlock(&q->mu);
	return idle;
}

void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

void queue_kick(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->kicked = 1;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

size_t queue_depth(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->count;
	pthread_mutex_unlock(&q->mu);
	return n;
}

uint64_t queue_dropped(struct queue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->mu);
	n = q->dropped;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t queue_bytes(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->bytes;
	pthread_mutex_unlock(&q->mu);
	return n;
}

int queue_half_full(struct queue *q)
{
	int half;

	pthread_mutex_lock(&q->mu);
	half = q->count > q->cap / 2 || (q->max_bytes && q->bytes > q->max_bytes / 2);
	pthread_mutex_unlock(&q->mu);
	return half;
}

uint64_t queue_take_unreported(struct queue *q, uint64_t *first_serial)
{
	uint64_t n;

	pthread_mutex_lock(&q->mu);
	n = q->dropped_unreported;
	*first_serial = q->first_dropped_serial;
	q->dropped_unreported = 0;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t queue_pop_timeout(struct queue *q, struct event **out, size_t max, unsigned timeout_ms)
{
	struct timespec until = deadline_in(timeout_ms);
	size_t n;

	pthread_mutex_lock(&q->mu);
	while (timeout_ms && q->count == 0 && !q->closed && !q->kicked) {
		q->consumer_waiting = WAIT_DEEP;
		if (pthread_cond_timedwait(&q->not_empty, &q->mu, &until) == ETIMEDOUT)
			break;
	}
	q->consumer_waiting = 0;
	n = take(q, out, max);
	pthread_mutex_unlock(&q->mu);
	return n;
}
