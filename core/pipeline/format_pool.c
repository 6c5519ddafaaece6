/* core/pipeline/format_pool.c -- a ring of submitted events, rendered by
 * helper threads and by the reader when it would otherwise wait; delivered
 * by the reader in ring order.
 *
 * Indexes only grow.  `tail` (written by the reader) is the next slot to
 * fill, `claim` (taken by compare-and-swap, by any thread) the next slot to
 * render, `head` (reader only) the next to deliver: head <= claim <= tail.
 * A slot's `done` is set with release once its events are rendered, so the
 * reader that sees it sees them.  Sleeping on either side uses the Dekker
 * pattern on sequentially consistent atomics: the sleeper says it sleeps,
 * then checks again; the waker publishes, then checks whether anyone
 * sleeps, and only then takes the mutex -- no lock per event. */
#include "pipeline/format_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define SLOT_KEEP_BYTES (16u << 10)	/* a slot's text buffer above this is freed after use */
#define SPINS 1000			/* a helper checks this often before it sleeps */
/* A sleeping helper is woken once this many slots wait for it (or at the
 * end of a read): a futex wake costs the reader more than rendering an
 * event, so one wake per event would slow it down more than the helper
 * speeds it up (measured: 100,000 events, goaudit to /dev/null, 0.31 s on
 * one thread, 0.42 s with a helper woken per event). */
#define WAKE_BATCH 32

struct slot {
	atomic_int done;
	struct asm_event ev;		/* recs and text owned by the slot */
	unsigned rec_cap;
	size_t text_cap;
	uint64_t now;
	uint32_t formats;
	struct fpool_item item;
};

struct helper {
	struct format_pool *fp;
	pthread_t tid;
	void *ctx;
	int started;
};

struct format_pool {
	const struct fpool_ops *ops;
	void *arg;
	void *reader_ctx;
	struct slot slots[FPOOL_SLOTS];
	/* Written by the reader and by the helpers: a cache line each. */
	_Alignas(64) atomic_uint_fast64_t tail;
	_Alignas(64) atomic_uint_fast64_t claim;
	_Alignas(64) uint64_t head;
	size_t bytes;			/* text held by undelivered slots (reader only) */
	size_t kept;			/* text buffers' capacity, all slots (reader only) */
	unsigned unwoken;		/* published since the reader last looked for a sleeper */
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	atomic_int helpers_asleep, reader_asleep, stop;
	atomic_int wake_sent;		/* a helper was signalled and has not run yet */
	struct helper *helpers;
	unsigned nhelpers;
};

static struct slot *slot_at(struct format_pool *fp, uint64_t i)
{
	return &fp->slots[i % FPOOL_SLOTS];
}

static void render_slot(struct format_pool *fp, struct slot *s, void *ctx)
{
	for (unsigned f = 0; f < FORMAT_MAX; f++)
		if (s->formats & (1u << f))
			s->item.ev[f] = fp->ops->render(ctx, f, &s->ev, s->now);
	/* Sequentially consistent, not just release: see the top comment. */
	atomic_store(&s->done, 1);
	if (atomic_load(&fp->reader_asleep)) {
		pthread_mutex_lock(&fp->mu);
		pthread_cond_signal(&fp->done);
		pthread_mutex_unlock(&fp->mu);
	}
}

/* Takes the next slot to render, if one is waiting; its index, or -1. */
static int64_t claim_one(struct format_pool *fp)
{
	uint64_t c = atomic_load(&fp->claim);

	while (c < atomic_load(&fp->tail))
		if (atomic_compare_exchange_weak(&fp->claim, &c, c + 1))
			return (int64_t)c;
	return -1;
}

static int helper_sleep(struct format_pool *fp)
{
	pthread_mutex_lock(&fp->mu);
	atomic_fetch_add(&fp->helpers_asleep, 1);
	while (!atomic_load(&fp->stop) && atomic_load(&fp->claim) >= atomic_load(&fp->tail))
		pthread_cond_wait(&fp->work, &fp->mu);
	atomic_fetch_sub(&fp->helpers_asleep, 1);
	/* Up: the next publish may wake another (after this, the claim loop
	 * reads a tail at least as new as any publish that saw wake_sent). */
	atomic_store(&fp->wake_sent, 0);
	pthread_mutex_unlock(&fp->mu);
	return atomic_load(&fp->stop);
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	struct format_pool *fp = h->fp;

	for (;;) {
		int64_t c = -1;

		for (unsigned spin = 0; spin < SPINS && (c = claim_one(fp)) < 0; spin++)
			;
		if (c >= 0)
			render_slot(fp, slot_at(fp, (uint64_t)c), h->ctx);
		else if (helper_sleep(fp))
			return NULL;
	}
}

/* One signal until the signalled helper runs: a helper the scheduler has
 * not run yet is not signalled again for every event published meanwhile. */
static void wake_helpers(struct format_pool *fp)
{
	if (!atomic_load(&fp->helpers_asleep) || atomic_load(&fp->wake_sent))
		return;
	pthread_mutex_lock(&fp->mu);
	if (atomic_load(&fp->helpers_asleep) && !atomic_load(&fp->wake_sent)) {
		atomic_store(&fp->wake_sent, 1);
		pthread_cond_signal(&fp->work);
	}
	pthread_mutex_unlock(&fp->mu);
}

/* The reader waits for slot s, which a helper is rendering. */
static void wait_done(struct format_pool *fp, struct slot *s)
{
	if (atomic_load_explicit(&s->done, memory_order_acquire))
		return;
	pthread_mutex_lock(&fp->mu);
	atomic_store(&fp->reader_asleep, 1);
	while (!atomic_load(&s->done))	/* seq_cst: the other half of render_slot's */
		pthread_cond_wait(&fp->done, &fp->mu);
	atomic_store(&fp->reader_asleep, 0);
	pthread_mutex_unlock(&fp->mu);
}

static void deliver_head(struct format_pool *fp)
{
	struct slot *s = slot_at(fp, fp->head);

	fp->ops->deliver(fp->arg, &s->item);
	memset(&s->item, 0, sizeof(s->item));
	fp->bytes -= s->ev.text_len;
	/* Buffers are kept for the next event, but not a big one, and not
	 * past FPOOL_MAX_BYTES in all. */
	if (s->text_cap > SLOT_KEEP_BYTES || fp->kept > FPOOL_MAX_BYTES) {
		fp->kept -= s->text_cap;
		free(s->ev.text);
		s->ev.text = NULL;
		s->text_cap = 0;
	}
	atomic_store_explicit(&s->done, 0, memory_order_relaxed);
	fp->head++;
}

/* Delivers the rendered slots at the head, without waiting. */
static void deliver_ready(struct format_pool *fp)
{
	while (fp->head < atomic_load(&fp->tail) &&
	       atomic_load_explicit(&slot_at(fp, fp->head)->done, memory_order_acquire))
		deliver_head(fp);
}

/* Renders one slot no helper took yet, or waits for the head's helper.
 * Whichever it did, something is closer to delivery. */
static void help_or_wait(struct format_pool *fp)
{
	int64_t c = claim_one(fp);

	if (c >= 0)
		render_slot(fp, slot_at(fp, (uint64_t)c), fp->reader_ctx);
	else
		wait_done(fp, slot_at(fp, fp->head));
}

void fpool_flush(struct format_pool *fp)
{
	for (deliver_ready(fp); fp->head < atomic_load(&fp->tail); deliver_ready(fp))
		help_or_wait(fp);
}

void fpool_deliver_ready(struct format_pool *fp)
{
	deliver_ready(fp);
	if (atomic_load(&fp->claim) < atomic_load(&fp->tail))
		wake_helpers(fp);	/* what waits below WAKE_BATCH */
}

/* The next free slot.  A full ring (or byte bound) does not flush: the
 * reader renders a slot or two and delivers what became ready, so the
 * helpers keep working from where they are. */
static struct slot *next_slot(struct format_pool *fp, size_t text_len)
{
	deliver_ready(fp);
	while (fp->head < atomic_load(&fp->tail) &&
	       (atomic_load(&fp->tail) - fp->head >= FPOOL_SLOTS || fp->bytes + text_len > FPOOL_MAX_BYTES)) {
		help_or_wait(fp);
		deliver_ready(fp);
	}
	return slot_at(fp, atomic_load(&fp->tail));
}

static void publish(struct format_pool *fp, size_t text_len)
{
	fp->bytes += text_len;
	atomic_store(&fp->tail, atomic_load_explicit(&fp->tail, memory_order_relaxed) + 1);
	/* Not a look at `claim` per event: the helpers write its cache line. */
	if (++fp->unwoken >= WAKE_BATCH) {
		fp->unwoken = 0;
		wake_helpers(fp);
	}
}

static int copy_event(struct format_pool *fp, struct slot *s, const struct asm_event *ev)
{
	if (ev->nrec > s->rec_cap) {
		struct asm_record *r = realloc(s->ev.recs, ev->nrec * sizeof(*r));
		if (!r)
			return -ENOMEM;
		s->ev.recs = r;
		s->rec_cap = ev->nrec;
	}
	if (ev->text_len > s->text_cap) {
		char *t = realloc(s->ev.text, ev->text_len);
		if (!t)
			return -ENOMEM;
		s->ev.text = t;
		fp->kept += ev->text_len - s->text_cap;
		s->text_cap = ev->text_len;
	}
	s->ev.serial = ev->serial;
	s->ev.sec = ev->sec;
	s->ev.ms = ev->ms;
	s->ev.nrec = ev->nrec;
	s->ev.text_len = ev->text_len;
	memcpy(s->ev.recs, ev->recs, ev->nrec * sizeof(*ev->recs));
	if (ev->text_len)
		memcpy(s->ev.text, ev->text, ev->text_len);
	return 0;
}

int fpool_submit(struct format_pool *fp, const struct asm_event *ev, uint64_t now_sec,
		 uint32_t fmts, uint64_t outs)
{
	struct slot *s = next_slot(fp, ev->text_len);
	int rc = copy_event(fp, s, ev);

	if (rc < 0) {
		log_err("out of memory handing event %llu to the formatter",
			(unsigned long long)ev->serial);
		s->ev.nrec = 0;
		s->ev.text_len = 0;
		fmts = 0;
	}
	s->now = now_sec;
	s->formats = fmts;
	s->item.outs = outs;
	s->item.fixed = NULL;
	publish(fp, s->ev.text_len);
	return rc;
}

void fpool_submit_event(struct format_pool *fp, struct event *e, uint64_t outs)
{
	struct slot *s = next_slot(fp, 0);

	s->ev.nrec = 0;
	s->ev.text_len = 0;
	s->formats = 0;
	s->item.outs = outs;
	s->item.fixed = e;
	/* Nothing to render: a helper that claims it only marks it done. */
	publish(fp, 0);
}

static void stop_helpers(struct format_pool *fp)
{
	pthread_mutex_lock(&fp->mu);
	atomic_store(&fp->stop, 1);
	pthread_cond_broadcast(&fp->work);
	pthread_mutex_unlock(&fp->mu);
	for (unsigned i = 0; i < fp->nhelpers; i++) {
		if (fp->helpers[i].started)
			pthread_join(fp->helpers[i].tid, NULL);
		if (fp->helpers[i].ctx)
			fp->ops->ctx_free(fp->helpers[i].ctx);
	}
	free(fp->helpers);
	fp->helpers = NULL;
	fp->nhelpers = 0;
}

struct format_pool *fpool_new(const struct fpool_ops *ops, void *arg, void *reader_ctx,
			      unsigned helpers)
{
	struct format_pool *fp = calloc(1, sizeof(*fp));

	if (!fp || !(fp->helpers = calloc(helpers ? helpers : 1, sizeof(*fp->helpers)))) {
		free(fp);
		log_err("out of memory starting the formatter threads");
		return NULL;
	}
	fp->ops = ops;
	fp->arg = arg;
	fp->reader_ctx = reader_ctx;
	pthread_mutex_init(&fp->mu, NULL);
	pthread_cond_init(&fp->work, NULL);
	pthread_cond_init(&fp->done, NULL);
	fp->nhelpers = helpers;
	for (unsigned i = 0; i < helpers; i++) {
		struct helper *h = &fp->helpers[i];
		int rc;

		h->fp = fp;
		if (!(h->ctx = ops->ctx_new(arg))) {
			log_err("out of memory starting the formatter threads");
			break;
		}
		if ((rc = pthread_create(&h->tid, NULL, helper_main, h)) != 0) {
			log_err("cannot start a formatter thread: %s", strerror(rc));
			break;
		}
		h->started = 1;
	}
	if (helpers && !fp->helpers[helpers - 1].started) {
		fpool_free(fp);
		return NULL;
	}
	return fp;
}

void fpool_free(struct format_pool *fp)
{
	if (!fp)
		return;
	fpool_flush(fp);
	stop_helpers(fp);
	for (unsigned i = 0; i < FPOOL_SLOTS; i++) {
		free(fp->slots[i].ev.recs);
		free(fp->slots[i].ev.text);
	}
	pthread_mutex_destroy(&fp->mu);
	pthread_cond_destroy(&fp->work);
	pthread_cond_destroy(&fp->done);
	free(fp);
}
