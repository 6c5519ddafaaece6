/* core/output/output.c -- an output's worker thread.
 *
 * The worker takes batches from the queue, puts a loss event in front when
 * the queue dropped events since the last batch, and calls the plugin's
 * write() until the batch is through: RETRY waits with backoff, FATAL
 * disables the output.  Only this thread calls the plugin after create(). */
#include "output/output.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "pipeline/loss.h"

int output_prepare(struct output *o, const struct output_config *cfg, const char *plugin_dir,
		   const char *node)
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->ctx.out = o;
	o->cfg = cfg;
	o->node = node;
	if ((rc = plugin_open(plugin_dir, cfg->plugin, &o->plugin)) < 0)
		return rc;
	if ((rc = options_bind(&o->opts, &o->plugin.desc, cfg->group, o->plugin.path)) < 0)
		return rc;
	/* The plugin's own checks of its values (ABI 1.1): --check-config too. */
	if (o->plugin.desc.check && (o->plugin.desc.check(&output_host, &o->ctx) < 0 || o->opt_errors)) {
		if (!o->opt_errors)
			log_err("output %s: plugin \"%s\" refused its options without saying why",
				cfg->name, o->plugin.desc.name);
		return -EINVAL;
	}
	if ((rc = queue_init(&o->q, cfg->queue_size, cfg->overflow)) < 0)
		return rc;
	return 0;
}

/* Past the drain deadline while stopping: give up on what is left. */
static int past_deadline(struct output *o)
{
	return atomic_load(&o->stopping) && now_monotonic_ms() >= atomic_load(&o->deadline_ms);
}

/* Sleeps for the next backoff delay; returns 0 if the drain deadline cut it. */
static int sleep_backoff(struct output *o, unsigned *delay_out)
{
	unsigned delay = backoff_next(&o->backoff);
	uint64_t until = now_monotonic_ms() + delay;

	*delay_out = delay;
	while (now_monotonic_ms() < until) {
		struct timespec ts = { 0, 20 * 1000000 };
		if (past_deadline(o))
			return 0;
		nanosleep(&ts, NULL);
	}
	return !past_deadline(o);
}

static void disable(struct output *o, const char *why)
{
	size_t n = queue_discard(&o->q);
	atomic_store(&o->disabled, 1);
	log_err("output %s: %s: output disabled, %zu queued events dropped; other outputs go on",
		o->cfg->name, why, n);
}

/* One write() call; counts what went through. */
static int write_once(struct output *o, const struct auditstream_event **ev, size_t n,
		      size_t *done)
{
	size_t d = n;
	int rc = o->plugin.desc.write(o->instance, ev, n, &d);

	if (rc == AUDITSTREAM_OK || d > n)
		d = n;
	atomic_fetch_add(&o->written, d);
	*done = d;
	return rc;
}

static void to_spool(struct output *o, const struct auditstream_event *const *ev, size_t n);

/* Writes ev[0..n); returns the number not delivered (0 on success).  With a
 * spool, the first RETRY sends the rest there instead of waiting. */
static size_t deliver(struct output *o, const struct auditstream_event **ev, size_t n)
{
	size_t off = 0, done;
	unsigned failures = 0, delay;

	while (off < n) {
		int rc = write_once(o, ev + off, n - off, &done);

		off += done;
		if (rc == AUDITSTREAM_OK)
			break;
		if (rc != AUDITSTREAM_RETRY) {
			disable(o, "the plugin reported a fatal error");
			return n - off;
		}
		atomic_fetch_add(&o->retries, 1);
		if (o->spool) {
			log_warn("output %s: write failed; events go to its spool until it is back",
				 o->cfg->name);
			to_spool(o, ev + off, n - off);
			o->spool_failures = 1;
			o->retry_at = now_monotonic_ms() + backoff_next(&o->backoff);
			return 0;
		}
		if (!sleep_backoff(o, &delay)) {
			log_warn("output %s: drain time over while retrying", o->cfg->name);
			return n - off;
		}
		if (failures++ == 0)
			log_warn("output %s: write failed, retrying with backoff (next in %u ms)",
				 o->cfg->name, delay);
	}
	if (failures)
		log_notice("output %s: recovered after %u retries", o->cfg->name, failures);
	backoff_reset(&o->backoff);
	return 0;
}

/* A loss event for what the plugin itself gave up on (host->drop). */
static struct event *rejected_report(struct output *o)
{
	struct loss l = { o->rejected_reason, o->rejected_unreported, 0, 0, o->cfg->name };
	struct event *e;

	if (!o->rejected_unreported)
		return NULL;
	o->rejected_unreported = 0;
	if ((e = loss_event(&l, o->node)))
		atomic_fetch_add(&o->loss_events, 1);
	return e;
}

static struct event *overflow_report(struct output *o)
{
	uint64_t first, n = queue_take_unreported(&o->q, &first);
	struct loss l = { "queue_overflow", n, first, first, o->cfg->name };
	struct event *e;

	if (n == 0)
		return NULL;
	log_warn("output %s: queue full, %llu events dropped (overflow %s)", o->cfg->name,
		 (unsigned long long)n,
		 o->cfg->overflow == OVERFLOW_DROP_OLDEST ? "drop_oldest" : "drop_newest");
	if ((e = loss_event(&l, o->node)))
		atomic_fetch_add(&o->loss_events, 1);
	return e;
}

static void handle_reopen(struct output *o)
{
	const struct auditstream_plugin *p = &o->plugin.desc;
	int rc;

	if (!atomic_exchange(&o->reopen, 0) || !p->reopen)
		return;
	if ((rc = p->reopen(o->instance)) < 0)
		log_err("output %s: reopen failed: %s", o->cfg->name, strerror(-rc));
}

static void flush(struct output *o)
{
	const struct auditstream_plugin *p = &o->plugin.desc;
	unsigned delay;

	while (p->flush && !atomic_load(&o->disabled)) {
		int rc = p->flush(o->instance);
		if (rc == AUDITSTREAM_OK)
			return;
		if (rc != AUDITSTREAM_RETRY) {
			disable(o, "flush reported a fatal error");
			return;
		}
		atomic_fetch_add(&o->retries, 1);
		if (!sleep_backoff(o, &delay))
			return;
	}
}

static int only_loss_events(struct event *const *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(ev[i]->pub.flags & AUDITSTREAM_EVENT_LOSS))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ spool */

static void spool_gauges(struct output *o)
{
	atomic_store(&o->spool_events, spool_events(o->spool));
	atomic_store(&o->spool_bytes, spool_bytes(o->spool));
}

/* Appends ev[0..n) at the spool's tail and writes them out.  What does not
 * fit in spool.max_bytes, or cannot be written, is counted and reported. */
static void to_spool(struct output *o, const struct auditstream_event *const *ev, size_t n)
{
	uint64_t full = 0, failed = 0;

	for (size_t i = 0; i < n; i++)
		if (spool_append(o->spool, ev[i]) < 0)
			full++;
	if (full && !o->spool_lost_unreported)
		log_warn("output %s: its spool is full (spool.max_bytes): events are dropped and "
			 "counted until it drains", o->cfg->name);
	spool_flush(o->spool, &failed);
	atomic_fetch_add(&o->spooled, n - full - failed);
	atomic_fetch_add(&o->spool_dropped, full + failed);
	o->spool_lost_unreported += full + failed;
	spool_gauges(o);
}

/* The spool's losses as one event, for the queue path (spool drained). */
static struct event *spool_report(struct output *o, const char *reason, uint64_t *count)
{
	struct loss l = { reason, *count, 0, 0, o->cfg->name };
	struct event *e;

	if (!*count || !(e = loss_event(&l, o->node)))
		return NULL;
	*count = 0;
	atomic_fetch_add(&o->loss_events, 1);
	return e;
}

/* A loss event into the spool, so that it reaches the output in its place;
 * if the spool has no room, the count waits for the next try. */
static void spool_loss(struct output *o, const char *reason, uint64_t *count)
{
	uint64_t was = *count;
	struct event *e = spool_report(o, reason, count);

	if (e && spool_append(o->spool, &e->pub) < 0) {
		*count = was;
		atomic_fetch_sub(&o->loss_events, 1);
	}
	event_unref(e);
}

static void reports_to_spool(struct output *o)
{
	struct event *r[2] = { overflow_report(o), rejected_report(o) };

	for (int i = 0; i < 2; i++) {
		const struct auditstream_event *pub = r[i] ? &r[i]->pub : NULL;
		if (pub)
			to_spool(o, &pub, 1);
		event_unref(r[i]);
	}
	spool_loss(o, "spool_dropped", &o->spool_lost_unreported);
	spool_loss(o, "spool_corrupt", &o->spool_corrupt_unreported);
}

/* One attempt to send a batch from the spool's head. */
static void deliver_spooled(struct output *o, struct event **b, const struct auditstream_event **pub,
			    size_t max)
{
	uint64_t corrupt = 0;
	long n = spool_peek(o->spool, b, max, o->node, &corrupt);
	size_t done = 0;
	int rc;

	o->spool_corrupt_unreported += corrupt;
	atomic_fetch_add(&o->spool_corrupt, corrupt);
	if (n <= 0) {
		if (n < 0)
			o->retry_at = now_monotonic_ms() + backoff_next(&o->backoff);
		return;
	}
	for (long i = 0; i < n; i++)
		pub[i] = &b[i]->pub;
	rc = write_once(o, pub, (size_t)n, &done);
	spool_consume(o->spool, done);
	if (rc == AUDITSTREAM_OK) {
		if (o->spool_failures)
			log_notice("output %s: back after %u failed attempts; sending its spool",
				   o->cfg->name, o->spool_failures);
		o->spool_failures = 0;
		o->retry_at = 0;
		backoff_reset(&o->backoff);
	} else if (rc == AUDITSTREAM_RETRY) {
		atomic_fetch_add(&o->retries, 1);
		if (o->spool_failures++ == 0)
			log_warn("output %s: write failed; events go to its spool until it is back",
				 o->cfg->name);
		o->retry_at = now_monotonic_ms() + backoff_next(&o->backoff);
	} else {
		disable(o, "the plugin reported a fatal error (its spool is kept for the next start)");
	}
	if (o->rejected_unreported && only_loss_events(b, (size_t)n))
		o->rejected_unreported = 0;	/* not a report of a report */
	for (long i = 0; i < n; i++)
		event_unref(b[i]);
	spool_gauges(o);
}

/* While the spool holds events, new ones go behind them on disk and the
 * output is fed from the spool's head, so the order stays.  Returns 1 when
 * the worker should end. */
static int spooled_step(struct output *o, struct event **b, const struct auditstream_event **pub,
			size_t max)
{
	uint64_t now = now_monotonic_ms();
	unsigned wait = atomic_load(&o->disabled) ? 100 : 0;
	size_t n;

	if (o->retry_at > now)
		wait = o->retry_at - now < 100 ? (unsigned)(o->retry_at - now) : 100;
	n = queue_pop_timeout(&o->q, b, max, wait);
	handle_reopen(o);
	reports_to_spool(o);
	for (size_t i = 0; i < n; i++)
		pub[i] = &b[i]->pub;
	to_spool(o, pub, n);
	for (size_t i = 0; i < n; i++)
		event_unref(b[i]);
	queue_done(&o->q);
	if (n == max)
		return 0;	/* take all that waits before sending */
	if (atomic_load(&o->stopping) && (past_deadline(o) || atomic_load(&o->disabled)))
		return 1;
	if (atomic_load(&o->disabled) || now_monotonic_ms() < o->retry_at) {
		struct timespec nap = { 0, (long)wait * 1000000 };
		if (n == 0 && atomic_load(&o->stopping))
			nanosleep(&nap, NULL);	/* a closed queue does not wait */
		return 0;
	}
	deliver_spooled(o, b, pub, max);
	return 0;
}

static int spool_busy(struct output *o)
{
	return o->spool && spool_bytes(o->spool) > 0;
}

static void *worker(void *arg)
{
	struct output *o = arg;
	size_t max = o->cfg->batch_max;
	struct event **batch = malloc((max + 4) * sizeof(*batch));
	const struct auditstream_event **pub = malloc((max + 4) * sizeof(*pub));
	int dirty = 0;

	while (batch && pub) {
		struct event **b = batch + 4;	/* room for loss reports in front */
		size_t n, left = 0;
		struct event *loss;

		if (spool_busy(o)) {
			if (spooled_step(o, b, pub, max))
				break;
			dirty = 1;
			if (!spool_busy(o)) {	/* all sent: back to the queue */
				flush(o);
				dirty = 0;
				if (o->spool_lost_unreported || o->spool_corrupt_unreported)
					queue_kick(&o->q);
			}
			continue;
		}
		n = queue_pop(&o->q, b, max);

		handle_reopen(o);
		if (n == 0 && atomic_load(&o->stopping) && queue_depth(&o->q) == 0 &&
		    !o->rejected_unreported && !o->spool_lost_unreported &&
		    !o->spool_corrupt_unreported)
			break;
		/* Losses go in front of the events that came after them. */
		if ((loss = overflow_report(o)) != NULL) {
			*--b = loss;
			n++;
		}
		if ((loss = rejected_report(o)) != NULL) {
			*--b = loss;
			n++;
		}
		if ((loss = spool_report(o, "spool_dropped", &o->spool_lost_unreported)) != NULL) {
			*--b = loss;
			n++;
		}
		if ((loss = spool_report(o, "spool_corrupt", &o->spool_corrupt_unreported)) != NULL) {
			*--b = loss;
			n++;
		}
		if (n && atomic_load(&o->disabled)) {
			queue_count_drops(&o->q, b, n);
		} else if (n) {
			for (size_t i = 0; i < n; i++)
				pub[i] = &b[i]->pub;
			if (o->spool && (past_deadline(o) || queue_depth(&o->q) > o->q.cap / 2))
				to_spool(o, pub, n);	/* behind: keep them on disk */
			else
				left = past_deadline(o) ? n : deliver(o, pub, n);
			dirty = 1;
			/* Report it now, not with the next event; but a rejected loss
			 * report is not reported again, or it would never end. */
			if (o->rejected_unreported && !only_loss_events(b, n))
				queue_kick(&o->q);
			else
				o->rejected_unreported = 0;
			/* What a FATAL left of the batch is dropped, not undelivered. */
			if (left && atomic_load(&o->disabled)) {
				queue_count_drops(&o->q, b + (n - left), left);
				left = 0;
			}
		}
		atomic_fetch_add(&o->undelivered, left);
		for (size_t i = 0; i < n; i++)
			event_unref(b[i]);
		if (dirty && queue_depth(&o->q) == 0) {
			flush(o);
			dirty = 0;
		}
		queue_done(&o->q);
	}
	if (dirty)
		flush(o);
	if (o->spool && spool_events(o->spool))
		log_notice("output %s: %llu events kept in its spool for the next start",
			   o->cfg->name, (unsigned long long)spool_events(o->spool));
	free(batch);
	free(pub);
	return NULL;
}

int output_start(struct output *o)
{
	const struct auditstream_plugin *p = &o->plugin.desc;
	sigset_t all, old;
	int rc;

	if (o->cfg->spool.dir && (rc = spool_open(&o->spool, &o->cfg->spool, o->cfg->name)) < 0)
		return rc;
	if (o->spool)
		spool_gauges(o);
	if ((rc = p->create(&output_host, &o->ctx, &o->instance)) < 0) {
		log_err("output %s: plugin \"%s\" could not start: %s", o->cfg->name, p->name,
			strerror(-rc));
		return rc;
	}
	backoff_init(&o->backoff, o->cfg->retry_base_ms, o->cfg->retry_max_ms,
		     (uint64_t)now_monotonic_ms() ^ (uintptr_t)o);
	/* Signals belong to the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&o->thread, NULL, worker, o);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		log_err("output %s: cannot start its thread: %s", o->cfg->name, strerror(rc));
		p->destroy(o->instance);
		o->instance = NULL;
		return -rc;
	}
	o->running = 1;
	return 0;
}

void output_push(struct output *o, struct event *e)
{
	event_ref(e);
	atomic_fetch_add_explicit(&o->enqueued, 1, memory_order_relaxed);
	if (atomic_load_explicit(&o->disabled, memory_order_relaxed))
		queue_drop(&o->q, e);
	else
		queue_push(&o->q, e);
}

void output_request_reopen(struct output *o)
{
	atomic_store(&o->reopen, 1);
	queue_kick(&o->q);
}

void output_begin_stop(struct output *o, uint64_t deadline_ms)
{
	if (!o->running)
		return;
	atomic_store(&o->deadline_ms, deadline_ms);
	atomic_store(&o->stopping, 1);
	queue_close(&o->q);
}

void output_set_deadline(struct output *o, uint64_t deadline_ms)
{
	if (deadline_ms < atomic_load(&o->deadline_ms))
		atomic_store(&o->deadline_ms, deadline_ms);
}

int output_try_join(struct output *o)
{
	if (!o->running)
		return 1;
	if (pthread_tryjoin_np(o->thread, NULL) != 0)
		return 0;
	o->running = 0;
	/* Whatever the deadline left in the queue was not delivered. */
	atomic_fetch_add(&o->undelivered, queue_depth(&o->q));
	return 1;
}

void output_release(struct output *o)
{
	if (o->instance)
		o->plugin.desc.destroy(o->instance);
	o->instance = NULL;
	spool_close(o->spool);
	o->spool = NULL;
	if (o->q.ring)
		queue_destroy(&o->q);
	options_free(&o->opts);
	plugin_close(&o->plugin);
}

int output_idle(struct output *o)
{
	if (o->running && !atomic_load(&o->disabled) && atomic_load(&o->spool_bytes))
		return 0;
	return !o->running || atomic_load(&o->disabled) ? queue_depth(&o->q) == 0 : queue_idle(&o->q);
}

uint64_t output_taken(struct output *o)
{
	uint64_t given = atomic_load(&o->enqueued), held, undelivered;

	/* Held first: the worker counts undelivered events before it says it
	 * is done with them, so this order can only undercount. */
	pthread_mutex_lock(&o->q.mu);
	held = o->q.count + o->q.in_flight;
	pthread_mutex_unlock(&o->q.mu);
	undelivered = atomic_load(&o->undelivered);
	return given > held + undelivered ? given - held - undelivered : 0;
}

uint64_t output_dropped(struct output *o)
{
	uint64_t n;

	pthread_mutex_lock(&o->q.mu);
	n = o->q.dropped;
	pthread_mutex_unlock(&o->q.mu);
	return n;
}

void output_log_stats(struct output *o)
{
	char extra[512] = "";
	size_t used = 0;
	unsigned n = atomic_load(&o->ncounters);

	for (unsigned i = 0; i < n && used < sizeof(extra); i++) {
		int w = snprintf(extra + used, sizeof(extra) - used, " %s=%llu", o->counter_name[i],
				 (unsigned long long)atomic_load(&o->counter_val[i]));
		if (w > 0)
			used += (size_t)w;
	}
	if (o->spool && used < sizeof(extra))
		snprintf(extra + used, sizeof(extra) - used,
			 " spooled=%llu spool_events=%llu spool_bytes=%llu spool_dropped=%llu spool_corrupt=%llu",
			 (unsigned long long)atomic_load(&o->spooled),
			 (unsigned long long)atomic_load(&o->spool_events),
			 (unsigned long long)atomic_load(&o->spool_bytes),
			 (unsigned long long)atomic_load(&o->spool_dropped),
			 (unsigned long long)atomic_load(&o->spool_corrupt));
	log_info("output %s: enqueued=%llu written=%llu dropped=%llu undelivered=%llu retries=%llu "
		 "loss_events=%llu rejected=%llu queued=%zu%s%s", o->cfg->name,
		 (unsigned long long)atomic_load(&o->enqueued),
		 (unsigned long long)atomic_load(&o->written),
		 (unsigned long long)output_dropped(o),
		 (unsigned long long)atomic_load(&o->undelivered),
		 (unsigned long long)atomic_load(&o->retries),
		 (unsigned long long)atomic_load(&o->loss_events),
		 (unsigned long long)atomic_load(&o->rejected),
		 queue_depth(&o->q), atomic_load(&o->disabled) ? " DISABLED" : "", extra);
}
