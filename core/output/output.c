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
	o->drain_ms = 5000;	/* the config's default, until output_set_input() */
	account_init(&o->acct);
	if ((rc = loader_open(plugin_dir, cfg->plugin, &o->plugin)) < 0)
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
	queue_set_max_bytes(&o->q, cfg->queue_max_bytes);
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

/* Drops no stream is left to tell of (a disabled output's own). */
static void drop_untold(struct output *o, unsigned reason, uint64_t n)
{
	account_drop(&o->acct, reason, n);
	account_unreportable(&o->acct, reason, n);
}

static uint64_t pending(struct output *o, unsigned r);
static void give_up_pending(struct output *o, const char *why);

static void disable(struct output *o, const char *why)
{
	uint64_t n;

	atomic_store(&o->disabled, 1);	/* first: pushes stop queueing */
	n = queue_discard(&o->q);
	drop_untold(o, ACCOUNT_OUTPUT_FAILED, n);
	log_err("output %s: %s: output disabled, %llu queued events dropped; other outputs go on",
		o->cfg->name, why, (unsigned long long)n);
	give_up_pending(o, "the output is disabled");
}

/* A status outside the enum is a plugin bug: logged as one, taken as FATAL
 * (retrying a plugin in an unknown state could loop for ever). */
static int check_status(struct output *o, const char *call, int rc)
{
	if (rc == AUDITSTREAM_OK || rc == AUDITSTREAM_RETRY || rc == AUDITSTREAM_FATAL)
		return rc;
	log_err("output %s: plugin \"%s\" bug: %s() returned %d, which is not OK (0), RETRY (1) "
		"or FATAL (2); taken as FATAL", o->cfg->name, o->plugin.desc.name, call, rc);
	return AUDITSTREAM_FATAL;
}

/* Settles the plugin's drop() calls: those events leave `written` for
 * dropped.<reason>, at most `limit` of them (what the plugin had counted as
 * done).  Drops in a batch of loss reports only are not reported again, or
 * a peer refusing loss events would make reports for ever. */
static void settle_drops(struct output *o, uint64_t limit, int reports_only)
{
	uint64_t asked = 0, taken = 0;
	unsigned nr = atomic_load(&o->acct.nreasons);

	for (unsigned r = 0; r < nr; r++)
		asked += o->drop_pending[r];
	if (!asked)
		return;
	if (asked > limit)
		log_err("output %s: plugin \"%s\" bug: drop() of %llu events, but only %llu were "
			"counted as done; %llu counted", o->cfg->name, o->plugin.desc.name,
			(unsigned long long)asked, (unsigned long long)limit, (unsigned long long)limit);
	for (unsigned r = 0; r < nr; r++) {
		uint64_t n = o->drop_pending[r] < limit - taken ? o->drop_pending[r] : limit - taken;

		o->drop_pending[r] = 0;
		if (!n)
			continue;
		taken += n;
		account_drop(&o->acct, r, n);
		if (reports_only || atomic_load(&o->disabled))
			account_unreportable(&o->acct, r, n);
	}
	atomic_fetch_sub(&o->written, taken);
	atomic_fetch_add(&o->rejected, taken);
}

static int only_loss_events(const struct auditstream_event *const *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(ev[i]->flags & AUDITSTREAM_EVENT_LOSS))
			return 0;
	return 1;
}

/* create() said "not yet" (-EAGAIN) at start: tried again before each
 * write, so the retry, backoff and spool paths of a failing write apply. */
static int start_instance(struct output *o)
{
	const struct auditstream_plugin *p = &o->plugin.desc;
	int rc = p->create(&output_host, &o->ctx, &o->instance);

	o->create_tries++;
	if (rc == 0) {
		log_notice("output %s: plugin \"%s\" started after %u tries", o->cfg->name, p->name,
			   o->create_tries);
		return AUDITSTREAM_OK;
	}
	o->instance = NULL;
	if (rc == -EAGAIN)
		return AUDITSTREAM_RETRY;
	log_err("output %s: plugin \"%s\" could not start: %s", o->cfg->name, p->name, strerror(-rc));
	return AUDITSTREAM_FATAL;
}

/* One write() call; counts what went through.  *done starts at 0: a plugin
 * that does not set it has written nothing; OK means all n. */
static int write_once(struct output *o, const struct auditstream_event **ev, size_t n,
		      size_t *done)
{
	size_t d = 0;
	int rc = o->instance ? AUDITSTREAM_OK : start_instance(o);

	if (rc != AUDITSTREAM_OK) {
		*done = 0;
		return rc;
	}
	rc = check_status(o, "write", o->plugin.desc.write(o->instance, ev, n, &d));

	if (rc == AUDITSTREAM_OK) {
		d = n;
	} else if (d > n) {
		log_err("output %s: plugin \"%s\" bug: write() set *done to %zu of %zu events; "
			"taken as %zu", o->cfg->name, o->plugin.desc.name, d, n, n);
		d = n;
	}
	atomic_fetch_add(&o->written, d);
	if (d)
		o->last_serial = ev[d - 1]->serial;
	settle_drops(o, d, only_loss_events(ev, d));
	*done = d;
	return rc;
}

static void to_spool(struct output *o, const struct auditstream_event *const *ev, size_t n);

/* Writes ev[0..n) (events in the worker's hands); returns the number not
 * delivered (0 on success), which the caller accounts for.  With a spool,
 * the first RETRY sends the rest there instead of waiting. */
static size_t deliver(struct output *o, const struct auditstream_event **ev, size_t n)
{
	size_t off = 0, done;
	unsigned failures = 0, delay;

	while (off < n) {
		int rc = write_once(o, ev + off, n - off, &done);

		off += done;
		atomic_fetch_sub(&o->in_hand, done);
		if (rc == AUDITSTREAM_OK)
			break;
		if (rc == AUDITSTREAM_FATAL) {
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

/* ---------------------------------------------------------- loss reports */

/* A loss event for count drops of one reason, made by the worker for its
 * own stream: it is received (reports) and in hand from here on. */
static struct event *report(struct output *o, unsigned reason, uint64_t count, uint64_t first)
{
	/* A plugin's drops have no serials of their own: the event carries the
	 * last serial the output wrote, as the place of the gap. */
	struct loss l = { o->acct.reason[reason], count, first, first ? first : o->last_serial,
			  o->cfg->name };
	struct event *e;

	if (!count || !(e = loss_event(&l, o->node)))
		return NULL;
	account_reported(&o->acct, reason, count);
	atomic_fetch_add(&o->reports, 1);
	atomic_fetch_add(&o->loss_events, 1);
	atomic_fetch_add(&o->in_hand, 1);
	return e;
}

/* Takes back a report that found no place (a full spool): its drops stay
 * to be told. */
static void unreport(struct output *o, unsigned reason, uint64_t count, struct event *e)
{
	atomic_fetch_sub(&o->acct.reported[reason], count);
	atomic_fetch_sub(&o->reports, 1);
	atomic_fetch_sub(&o->loss_events, 1);
	atomic_fetch_sub(&o->in_hand, 1);
	event_unref(e);
}

/* Drops of this reason neither in a loss event yet nor given up.  The
 * queue counts its own overflow drops. */
static uint64_t pending(struct output *o, unsigned r)
{
	uint64_t told;

	/* A failed output's drops are counted untold at once, by whichever
	 * thread drops them (drop_untold): never pending. */
	if (r == ACCOUNT_OUTPUT_FAILED)
		return 0;
	if (r != ACCOUNT_QUEUE_OVERFLOW)
		return account_pending(&o->acct, r);
	told = atomic_load(&o->acct.reported[r]) + atomic_load(&o->acct.unreportable[r]);
	return queue_dropped(&o->q) - told;
}

static int reports_pending(struct output *o)
{
	unsigned nr = atomic_load(&o->acct.nreasons);

	if (atomic_load(&o->disabled))
		return 0;
	for (unsigned r = 0; r < nr; r++)
		if (pending(o, r))
			return 1;
	return 0;
}

/* Drops no stream will carry: counted as such (and logged, when why). */
static void give_up_pending(struct output *o, const char *why)
{
	unsigned nr = atomic_load(&o->acct.nreasons);

	for (unsigned r = 0; r < nr; r++) {
		uint64_t p = pending(o, r);
		if (p && why)
			log_warn("output %s: %llu events dropped (%s) and not reported in-band: %s",
				 o->cfg->name, (unsigned long long)p, o->acct.reason[r], why);
		account_unreportable(&o->acct, r, p);
	}
}

/* Makes the loss reports due, up to max, into out; returns how many, and
 * their reasons and counts (for unreport).  A disabled output has no
 * stream left: what is due is given up. */
static size_t make_reports(struct output *o, struct event **out, unsigned *reason,
			   uint64_t *count, size_t max)
{
	uint64_t first = 0;
	size_t k = 0;
	unsigned nr = atomic_load(&o->acct.nreasons);

	if (atomic_load(&o->disabled)) {
		give_up_pending(o, NULL);
		return 0;
	}
	for (unsigned r = 0; r < nr && k < max; r++) {
		uint64_t n = pending(o, r);

		if (!n)
			continue;
		if (r == ACCOUNT_QUEUE_OVERFLOW) {
			if (queue_take_unreported(&o->q, &first) == 0)
				first = 0;	/* a report put back: its first serial is gone */
			log_warn("output %s: queue full, %llu events dropped (overflow %s)",
				 o->cfg->name, (unsigned long long)n,
				 o->cfg->overflow == OVERFLOW_DROP_OLDEST ? "drop_oldest" :
				 o->cfg->overflow == OVERFLOW_BLOCK ? "block" : "drop_newest");
		}
		if ((out[k] = report(o, r, n, r == ACCOUNT_QUEUE_OVERFLOW ? first : 0))) {
			reason[k] = r;
			count[k++] = n;
		} else {	/* out of memory: told in the log only */
			account_unreportable(&o->acct, r, n);
		}
	}
	return k;
}

/* ----------------------------------------------------------------- flush */

static void handle_reopen(struct output *o)
{
	const struct auditstream_plugin *p = &o->plugin.desc;
	int rc;

	if (!atomic_exchange(&o->reopen, 0) || !p->reopen || !o->instance)
		return;
	if ((rc = p->reopen(o->instance)) < 0)
		log_err("output %s: reopen failed: %s", o->cfg->name, strerror(-rc));
}

static void flush_done(struct output *o)
{
	o->flush_failures = 0;
	atomic_store(&o->flush_pending, 0);
}

/* One flush() call.  A RETRY is tried again at flush_at, with backoff,
 * while writes go on; after drain_ms of failures (or past the drain
 * deadline) it is given up and said so. */
static void try_flush(struct output *o)
{
	const struct auditstream_plugin *p = &o->plugin.desc;
	uint64_t now;
	int rc;

	if (!p->flush || atomic_load(&o->disabled) || !o->instance) {
		flush_done(o);
		return;
	}
	rc = check_status(o, "flush", p->flush(o->instance));
	settle_drops(o, atomic_load(&o->written), 0);
	if (rc == AUDITSTREAM_OK) {
		if (o->flush_failures)
			log_notice("output %s: flush succeeded after %u retries", o->cfg->name,
				   o->flush_failures);
		flush_done(o);
		return;
	}
	if (rc == AUDITSTREAM_FATAL) {
		flush_done(o);
		disable(o, "flush reported a fatal error");
		return;
	}
	atomic_fetch_add(&o->retries, 1);
	now = now_monotonic_ms();
	if (o->flush_failures++ == 0) {
		o->flush_since = now;
		log_warn("output %s: flush failed, retrying with backoff for at most %u ms",
			 o->cfg->name, o->drain_ms);
	}
	if (now - o->flush_since >= o->drain_ms || past_deadline(o)) {
		log_err("output %s: flush still failing after %u tries in %llu ms: given up; events "
			"write() accepted may not have reached their target", o->cfg->name,
			o->flush_failures, (unsigned long long)(now - o->flush_since));
		flush_done(o);
		return;
	}
	o->flush_at = now + backoff_next(&o->backoff);
	atomic_store(&o->flush_pending, 1);
}

/* How long the worker may wait for events: until a flush retry is due. */
static unsigned flush_wait(struct output *o, unsigned idle)
{
	uint64_t now = now_monotonic_ms();

	if (!atomic_load(&o->flush_pending))
		return idle;
	return o->flush_at <= now ? 0 : o->flush_at - now < idle ? (unsigned)(o->flush_at - now) : idle;
}

/* ------------------------------------------------------------------ spool */

static void spool_gauges(struct output *o)
{
	atomic_store(&o->spool_events, spool_events(o->spool));
	atomic_store(&o->spool_bytes, spool_bytes(o->spool));
}

/* Appends ev[0..n) (in the worker's hands) at the spool's tail and writes
 * them out.  What does not fit in spool.max_bytes, or cannot be written,
 * is dropped, counted and reported. */
static void to_spool(struct output *o, const struct auditstream_event *const *ev, size_t n)
{
	uint64_t full = 0, failed = 0;

	for (size_t i = 0; i < n; i++)
		if (spool_append(o->spool, ev[i]) < 0)
			full++;
	if (full && !account_pending(&o->acct, ACCOUNT_SPOOL_DROPPED))
		log_warn("output %s: its spool is full (spool.max_bytes): events are dropped and "
			 "counted until it drains", o->cfg->name);
	spool_flush(o->spool, &failed);
	atomic_fetch_add(&o->spooled, n - full - failed);
	atomic_fetch_add(&o->spool_dropped, full + failed);
	if (atomic_load(&o->disabled))	/* its spool is kept, its stream is gone */
		drop_untold(o, ACCOUNT_SPOOL_DROPPED, full + failed);
	else
		account_drop(&o->acct, ACCOUNT_SPOOL_DROPPED, full + failed);
	atomic_fetch_sub(&o->in_hand, n);
	spool_gauges(o);
}

/* Loss reports into the spool, so that they reach the output in their
 * place; one that finds no room waits for the next try. */
static void reports_to_spool(struct output *o)
{
	struct event *r[ACCOUNT_REASONS];
	unsigned reason[ACCOUNT_REASONS];
	uint64_t count[ACCOUNT_REASONS];
	size_t n = make_reports(o, r, reason, count, ACCOUNT_REASONS);

	for (size_t i = 0; i < n; i++) {
		if (spool_append(o->spool, &r[i]->pub) < 0) {
			unreport(o, reason[i], count[i], r[i]);
			continue;
		}
		atomic_fetch_add(&o->spooled, 1);
		atomic_fetch_sub(&o->in_hand, 1);
		event_unref(r[i]);
	}
}

/* One attempt to send a batch from the spool's head. */
static void deliver_spooled(struct output *o, struct event **b, const struct auditstream_event **pub,
			    size_t max)
{
	uint64_t corrupt = 0;
	long n = spool_peek(o->spool, b, max, o->node, &corrupt);
	size_t done = 0;
	int rc;

	atomic_fetch_add(&o->spool_corrupt, corrupt);
	account_drop(&o->acct, ACCOUNT_SPOOL_CORRUPT, spool_take_lost(o->spool));
	spool_gauges(o);
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
	atomic_fetch_add(&o->steps, 1);	/* even again in the worker's loop */
	atomic_fetch_add(&o->in_hand, n);
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

/* ----------------------------------------------------------------- worker */

/* Handles one batch b[0..n) from the queue (loss reports in front). */
static void queue_step(struct output *o, struct event **b, const struct auditstream_event **pub,
		       size_t n)
{
	size_t left = 0;

	for (size_t i = 0; i < n; i++)
		pub[i] = &b[i]->pub;
	if (atomic_load(&o->disabled)) {
		left = n;
	} else if (o->spool && (past_deadline(o) || queue_half_full(&o->q))) {
		to_spool(o, pub, n);	/* behind: keep them on disk */
	} else {
		left = past_deadline(o) ? n : deliver(o, pub, n);
	}
	/* What a FATAL left of the batch is dropped, not undelivered. */
	if (left && atomic_load(&o->disabled))
		drop_untold(o, ACCOUNT_OUTPUT_FAILED, left);
	else
		atomic_fetch_add(&o->undelivered, left);
	atomic_fetch_sub(&o->in_hand, left);
}

/* The worker is ending: drops nobody was told of yet stay untold. */
static void give_up_reports(struct output *o)
{
	queue_take_unreported(&o->q, &(uint64_t){ 0 });
	give_up_pending(o, "the output ended first");
}

/* Not created yet ("not yet" at start) and no events to write: create()
 * is tried again when the backoff says, so the plugin starts without
 * waiting for the first event. */
static void idle_create(struct output *o)
{
	uint64_t now = now_monotonic_ms();
	int rc;

	if (o->instance || now < o->create_at || atomic_load(&o->disabled) || atomic_load(&o->stopping))
		return;
	rc = start_instance(o);
	if (rc == AUDITSTREAM_RETRY)
		o->create_at = now + backoff_next(&o->backoff);
	else if (rc == AUDITSTREAM_OK)
		backoff_reset(&o->backoff);
	else
		disable(o, "the plugin could not start");
}

static void *worker(void *arg)
{
	struct output *o = arg;
	size_t max = o->cfg->batch_max;
	struct event **batch = malloc((max + ACCOUNT_REASONS) * sizeof(*batch));
	const struct auditstream_event **pub = malloc((max + ACCOUNT_REASONS) * sizeof(*pub));
	int dirty = 0;

	while (batch && pub) {
		struct event **b = batch + ACCOUNT_REASONS;	/* room for loss reports in front */
		struct event *r[ACCOUNT_REASONS];
		unsigned reason[ACCOUNT_REASONS];
		uint64_t count[ACCOUNT_REASONS];
		size_t n, k;

		if (spool_busy(o)) {
			/* spooled_step() makes the step odd once it popped */
			if (spooled_step(o, b, pub, max))
				break;
			dirty = 1;
			if (!spool_busy(o)) {	/* all sent: back to the queue */
				try_flush(o);
				dirty = 0;
				queue_kick(&o->q);	/* reports due go out now */
			}
			atomic_fetch_add(&o->steps, 1);
			continue;
		}
		n = atomic_load(&o->flush_pending) || !o->instance ?
		    queue_pop_timeout(&o->q, b, max, flush_wait(o, o->instance ? 1000 : 50)) :
		    queue_pop(&o->q, b, max);
		atomic_fetch_add(&o->steps, 1);
		if (n == 0)
			idle_create(o);
		atomic_fetch_add(&o->in_hand, n);
		handle_reopen(o);
		if (atomic_load(&o->flush_pending) && flush_wait(o, 1) == 0)
			try_flush(o);
		if (n == 0 && atomic_load(&o->stopping) && queue_depth(&o->q) == 0 &&
		    !reports_pending(o))
			break;
		/* Losses go in front of the events that came after them. */
		k = make_reports(o, r, reason, count, ACCOUNT_REASONS);
		for (size_t i = k; i-- > 0;)
			*--b = r[i];
		n += k;
		if (n) {
			queue_step(o, b, pub, n);
			dirty = 1;
		}
		for (size_t i = 0; i < n; i++)
			event_unref(b[i]);
		if (dirty && queue_depth(&o->q) == 0) {
			try_flush(o);
			dirty = 0;
		}
		if (reports_pending(o))
			queue_kick(&o->q);	/* told now, not with the next event */
		queue_done(&o->q);
		atomic_fetch_add(&o->steps, 1);
	}
	if (dirty)
		try_flush(o);
	while (atomic_load(&o->flush_pending) && !atomic_load(&o->disabled)) {
		uint64_t now = now_monotonic_ms();
		struct timespec nap = { 0, 20 * 1000000 };

		if (o->flush_at <= now)
			try_flush(o);
		else
			nanosleep(&nap, NULL);
	}
	give_up_reports(o);
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
	if (o->spool) {
		spool_gauges(o);
		atomic_store(&o->recovered, spool_events(o->spool));
	}
	if ((rc = p->create(&output_host, &o->ctx, &o->instance)) == -EAGAIN) {
		o->instance = NULL;	/* "not yet": start in the retry state */
		o->create_tries = 1;
		log_warn("output %s: plugin \"%s\" is not ready yet; the output starts in the retry "
			 "state, its events %s until it is", o->cfg->name, p->name,
			 o->spool ? "queued and spooled" : "queued");
	} else if (rc < 0) {
		log_err("output %s: plugin \"%s\" could not start: %s", o->cfg->name, p->name,
			strerror(-rc));
		return rc;
	}
	backoff_init(&o->backoff, o->cfg->retry_base_ms, o->cfg->retry_max_ms,
		     (uint64_t)now_monotonic_ms() ^ (uintptr_t)o);
	if (!o->instance)
		o->create_at = now_monotonic_ms() + backoff_next(&o->backoff);
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
	atomic_fetch_add_explicit(&o->enqueued, 1, memory_order_relaxed);
	if (atomic_load_explicit(&o->disabled, memory_order_relaxed)) {
		drop_untold(o, ACCOUNT_OUTPUT_FAILED, 1);
		return;
	}
	event_ref(e);
	if (queue_push(&o->q, e) == QUEUE_REFUSED)
		atomic_fetch_add(&o->undelivered, 1);	/* a file input stopped while it waited */
}

void output_set_input(struct output *o, int file_backed, unsigned drain_ms)
{
	o->drain_ms = drain_ms;
	queue_set_wait_always(&o->q, file_backed);
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
	/* Whatever the deadline left in the queue was not delivered; drops
	 * after the worker ended (a closed queue) have no stream left. */
	atomic_fetch_add(&o->undelivered, queue_discard(&o->q));
	give_up_reports(o);
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
	loader_close(&o->plugin);
}

/* The worker's state, read term by term while it runs: a batch it took
 * and finished between two reads would go unseen, so the reads count only
 * if its step counter stayed put (and even: between batches). */
static int idle_now(struct output *o)
{
	if (atomic_load(&o->in_hand))
		return 0;
	/* A disabled output's worker still takes (and drops) what comes:
	 * not idle while a batch is in its hands. */
	if (atomic_load(&o->disabled))
		return queue_idle(&o->q);
	if (atomic_load(&o->spool_bytes) || atomic_load(&o->flush_pending) || reports_pending(o))
		return 0;
	return queue_idle(&o->q);
}

int output_idle(struct output *o)
{
	uint64_t steps;

	if (!o->running)
		return queue_depth(&o->q) == 0;
	steps = atomic_load(&o->steps);
	return !(steps & 1) && idle_now(o) && atomic_load(&o->steps) == steps;
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
	return queue_dropped(&o->q) + account_dropped_total(&o->acct);
}

void output_snapshot(struct output *o, struct account_snap *s)
{
	memset(s, 0, sizeof(*s));
	account_copy(&o->acct, s);
	s->dropped[ACCOUNT_QUEUE_OVERFLOW] += queue_dropped(&o->q);
	s->enqueued = atomic_load(&o->enqueued);
	s->reports = atomic_load(&o->reports);
	s->recovered = atomic_load(&o->recovered);
	s->written = atomic_load(&o->written);
	s->queued = o->q.ring ? queue_depth(&o->q) : 0;
	s->in_hand = atomic_load(&o->in_hand);
	s->spooled = atomic_load(&o->spool_events);
	s->undelivered = atomic_load(&o->undelivered);
}

void output_log_stats(struct output *o)
{
	char extra[1024] = "";
	size_t used = 0;
	unsigned n = atomic_load(&o->ncounters);
	struct account_snap snap;

	output_snapshot(o, &snap);
	for (unsigned i = 0; i < n && used < sizeof(extra); i++) {
		int w = snprintf(extra + used, sizeof(extra) - used, " %s=%llu", o->counter_name[i],
				 (unsigned long long)atomic_load(&o->counter_val[i]));
		if (w > 0)
			used += (size_t)w;
	}
	if (o->spool && used < sizeof(extra)) {
		int w = snprintf(extra + used, sizeof(extra) - used,
			 " spooled=%llu spool_events=%llu spool_bytes=%llu spool_dropped=%llu spool_corrupt=%llu",
			 (unsigned long long)atomic_load(&o->spooled),
			 (unsigned long long)atomic_load(&o->spool_events),
			 (unsigned long long)atomic_load(&o->spool_bytes),
			 (unsigned long long)atomic_load(&o->spool_dropped),
			 (unsigned long long)atomic_load(&o->spool_corrupt));
		if (w > 0)
			used += (size_t)w;
	}
	if (used < sizeof(extra))
		snap_format(&snap, extra + used, sizeof(extra) - used);
	log_info("output %s: enqueued=%llu written=%llu dropped=%llu undelivered=%llu retries=%llu "
		 "loss_events=%llu rejected=%llu queued=%llu%s%s", o->cfg->name,
		 (unsigned long long)snap.enqueued, (unsigned long long)snap.written,
		 (unsigned long long)snap_dropped(&snap), (unsigned long long)snap.undelivered,
		 (unsigned long long)atomic_load(&o->retries),
		 (unsigned long long)atomic_load(&o->loss_events),
		 (unsigned long long)atomic_load(&o->rejected),
		 (unsigned long long)snap.queued, atomic_load(&o->disabled) ? " DISABLED" : "", extra);
}
