/* core/pipeline/pipeline.c -- glue between the stages; owns no thread. */
#include "pipeline/pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libaudit.h>

#include "pipeline/event.h"
#include "pipeline/format_pool.h"
#include "util/log.h"

static uint64_t all_outputs(const struct pipeline *p)
{
	return p->nouts >= CONFIG_MAX_OUTPUTS ? ~0ull : (1ull << p->nouts) - 1;
}

/* e (a loss event; the reference is taken) to the outputs in mask, after
 * what is still being rendered. */
static void dispatch(struct pipeline *p, struct event *e, uint64_t mask)
{
	if (p->pool) {
		fpool_submit_event(p->pool, e, mask);
		return;
	}
	for (unsigned i = 0; i < p->nouts; i++)
		if (mask & (1ull << i))
			output_push(&p->outs[i], e);
	event_unref(e);
}

void pipeline_loss(struct pipeline *p, const struct loss *l)
{
	struct event *e = loss_event(l, p->node);

	if (l->first_serial)
		log_warn("loss: %s: %llu (serials %llu-%llu)", l->reason,
			 (unsigned long long)l->count, (unsigned long long)l->first_serial,
			 (unsigned long long)l->last_serial);
	else
		log_warn("loss: %s: %llu", l->reason, (unsigned long long)l->count);
	if (!e)
		return;
	atomic_fetch_add(&p->stats.loss_events, 1);
	dispatch(p, e, all_outputs(p));
}

/* Output i dropped events for overflow or because it failed: every other
 * output hears of it now (the one that dropped hears of its overflow from
 * its own worker, once it has room again; a failed one cannot hear). */
void pipeline_report_overflows(struct pipeline *p)
{
	static const unsigned told[] = { ACCOUNT_QUEUE_OVERFLOW, ACCOUNT_OUTPUT_FAILED };

	/* Drops of events still being rendered are counted once they reach
	 * their output: deliver them first, and the reports after. */
	if (p->pool)
		fpool_flush(p->pool);
	for (unsigned i = 0; i < p->nouts; i++) {
		struct account_snap s;

		output_snapshot(&p->outs[i], &s);
		for (unsigned k = 0; k < 2; k++) {
			unsigned r = told[k];
			uint64_t *was = &p->overflow_told[i * 2 + k];
			struct loss l = { s.reason[r], s.dropped[r] - *was, 0, 0, p->outs[i].cfg->name };
			struct event *e;

			if (s.dropped[r] == *was)
				continue;
			*was = s.dropped[r];
			if (p->nouts == 1 || !(e = loss_event(&l, p->node)))
				continue;
			atomic_fetch_add(&p->stats.loss_events, 1);
			dispatch(p, e, all_outputs(p) & ~(1ull << i));
		}
	}
	if (p->pool)
		fpool_flush(p->pool);
}

static void on_missed(void *arg, uint64_t first, uint64_t count)
{
	struct pipeline *p = arg;
	struct loss l = { "missed_serials", count, first, first + count - 1, NULL };

	atomic_fetch_add(&p->stats.missed, count);
	pipeline_loss(p, &l);
}

/* A duplicate serial or the sequence going back: said in-band, before the
 * event that shows it (which still goes out: nothing the source sent is
 * kept back).  count is 1: one duplicate, one reset. */
static void on_anomaly(void *arg, enum seq_anomaly kind, uint64_t serial, uint64_t high)
{
	struct pipeline *p = arg;
	struct loss l = { kind == SEQ_RESET ? "serial_reset" : "duplicate_serial", 1, serial, serial,
			  NULL };

	atomic_fetch_add(kind == SEQ_RESET ? &p->stats.serial_resets : &p->stats.duplicate_serials, 1);
	log_warn("serial %llu %s (highest so far %llu)", (unsigned long long)serial,
		 kind == SEQ_RESET ? "goes back: the sequence restarts there" : "seen again",
		 (unsigned long long)high);
	pipeline_loss(p, &l);
}

/* The event as the outputs see it: records of types outside events.min/max
 * left out (the sequence tracker has seen the serial already).  Returns ev
 * itself when nothing is left out, NULL when nothing is left. */
static const struct asm_event *type_view(struct pipeline *p, const struct asm_event *ev)
{
	unsigned n = 0, min = p->cfg->events_min, max = p->cfg->events_max;

	if (min == 0 && max == 0xffffffffu)
		return ev;
	if (ev->nrec > p->view_cap) {
		struct asm_record *r = realloc(p->view_recs, ev->nrec * sizeof(*r));
		if (!r)
			return ev;
		p->view_recs = r;
		p->view_cap = ev->nrec;
	}
	for (unsigned i = 0; i < ev->nrec; i++) {
		unsigned t = (unsigned)ev->recs[i].type;
		if ((t >= min && t <= max) || t == AUDIT_EOE)
			p->view_recs[n++] = ev->recs[i];
	}
	if (n == ev->nrec)
		return ev;
	if (n == 0)
		return NULL;
	p->view = *ev;
	p->view.recs = p->view_recs;
	p->view.nrec = n;
	return &p->view;
}

/* ev in format f, with ctx (any thread's). */
static struct event *render(struct render_ctx *ctx, unsigned f, const struct asm_event *ev,
			    uint64_t now)
{
	struct event *e;

	ctx->json.len = 0;
	if (formats[f]->render(&ctx->json, ev, ctx->scratch[f], now) < 0) {
		log_err("out of memory rendering event %llu", (unsigned long long)ev->serial);
		return NULL;
	}
	e = event_new(ctx->json.p, ctx->json.len, ev->serial,
		      (int64_t)ev->sec * 1000000000 + (int64_t)ev->ms * 1000000, 0, ctx->node);
	if (!e)
		log_err("out of memory queueing event %llu", (unsigned long long)ev->serial);
	return e;
}

/* Pushes one completed event's forms to the outputs in it->outs. */
static void deliver(void *arg, struct fpool_item *it)
{
	struct pipeline *p = arg;

	for (unsigned i = 0; i < p->nouts; i++) {
		struct event *e = it->fixed ? it->fixed : it->ev[p->outs[i].cfg->format];

		if ((it->outs & (1ull << i)) && e)
			output_push(&p->outs[i], e);
	}
	event_unref(it->fixed);
	for (unsigned f = 0; f < format_count; f++)
		event_unref(it->ev[f]);
}

/* The outputs that keep ev (bit i: output i), and the formats they ask for. */
static uint64_t keepers(struct pipeline *p, const struct asm_event *ev, uint32_t *fmts)
{
	uint64_t outs = 0;

	*fmts = 0;
	for (unsigned i = 0; i < p->nouts; i++) {
		const struct output_config *oc = p->outs[i].cfg;

		if (!filter_set_keep(&oc->filters, ev, &p->facts)) {
			atomic_fetch_add_explicit(&p->stats.filtered_output, 1, memory_order_relaxed);
			continue;
		}
		outs |= 1ull << i;
		*fmts |= 1u << oc->format;
	}
	return outs;
}

static void on_event(void *arg, const struct asm_event *ev)
{
	struct pipeline *p = arg;
	struct fpool_item item = { 0 };
	uint64_t now = (uint64_t)time(NULL), outs;
	uint32_t fmts;

	atomic_fetch_add_explicit(&p->stats.events, 1, memory_order_relaxed);
	/* auditd's own DAEMON_* records (in text logs) carry auditd's serials,
	 * not the kernel's: noted, so no gap report names them. */
	if (p->seq && record_type_is_daemon(ev->recs[0].type))
		seq_note(p->seq, ev->serial);
	else if (p->seq)
		seq_observe(p->seq, ev->serial, now_monotonic_ms());
	if (p->observe)
		p->observe(p->observe_arg, ev);
	p->facts.ev = NULL;
	if (!(ev = type_view(p, ev)) || !filter_set_keep(&p->cfg->filters, ev, &p->facts)) {
		atomic_fetch_add_explicit(&p->stats.filtered, 1, memory_order_relaxed);
		return;
	}
	if (!(outs = keepers(p, ev, &fmts)))
		return;
	if (p->pool) {
		fpool_submit(p->pool, ev, now, fmts, outs);
		return;
	}
	for (unsigned f = 0; f < format_count; f++)
		if (fmts & (1u << f))
			item.ev[f] = render(&p->rc, f, ev, now);
	item.outs = outs;
	deliver(p, &item);
}

/* Every format's scratch: a few hundred bytes each until first used. */
static int ctx_init(struct render_ctx *c, const struct pipeline *p, struct uidmap *uidmap)
{
	struct format_env env = { .uidmap = uidmap, .node = p->node,
				  .goaudit_container = p->cfg->goaudit_container };

	c->uidmap = uidmap;
	c->node = p->node;
	for (unsigned f = 0; f < format_count; f++)
		if (!(c->scratch[f] = formats[f]->scratch_new(&env)))
			return -ENOMEM;
	return 0;
}

static void ctx_fini(struct render_ctx *c)
{
	buf_free(&c->json);
	for (unsigned f = 0; f < format_count; f++)
		if (c->scratch[f])
			formats[f]->scratch_free(c->scratch[f]);
	memset(c->scratch, 0, sizeof(c->scratch));
}

/* A helper thread's: its own scratch and uid cache (neither is shared). */
static void *helper_ctx_new(void *arg)
{
	struct pipeline *p = arg;
	struct render_ctx *c = calloc(1, sizeof(*c));
	struct uidmap *u = uidmap_new(600);

	if (!c || !u || ctx_init(c, p, u) < 0) {
		if (c)
			ctx_fini(c);
		free(c);
		uidmap_free(u);
		return NULL;
	}
	return c;
}

static void helper_ctx_free(void *ctx)
{
	struct render_ctx *c = ctx;

	uidmap_free(c->uidmap);
	ctx_fini(c);
	free(c);
}

static struct event *pool_render(void *ctx, unsigned f, const struct asm_event *ev, uint64_t now)
{
	return render(ctx, f, ev, now);
}

static const struct fpool_ops pool_ops = {
	.ctx_new = helper_ctx_new,
	.ctx_free = helper_ctx_free,
	.render = pool_render,
	.deliver = deliver,
};

/* Some output renders a format worth helper threads. */
static int worth_helpers(const struct pipeline *p)
{
	for (unsigned i = 0; i < p->nouts; i++)
		if (formats[p->outs[i].cfg->format]->parallel)
			return 1;
	return 0;
}

int pipeline_parallel(struct pipeline *p, unsigned helpers)
{
	if (!helpers || p->pool || !worth_helpers(p))
		return 0;
	if (!(p->pool = fpool_new(&pool_ops, p, &p->rc, helpers)))
		return -ENOMEM;
	return 0;
}

int pipeline_init(struct pipeline *p, const struct config *cfg, const char *node,
		  struct output *outs, unsigned nouts, int text_input)
{
	struct asm_config ac = {
		.timeout_ms = text_input ? 0 : cfg->event_timeout_ms,
		.single_grace_ms = text_input ? 0 : 100,
		.linger_records = text_input ? 64 : 0,
		.max_pending = 4096,
	};
	struct seq_config sc = {
		.window = cfg->max_out_of_order,
		.max_age_ms = cfg->missed_after_ms,
		.log_out_of_order = cfg->log_out_of_order,
	};

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->node = node;
	p->outs = outs;
	p->nouts = nouts;
	p->assembler = assembler_new(&ac, on_event, p);
	p->uidmap = uidmap_new(600);
	if (p->uidmap && ctx_init(&p->rc, p, p->uidmap) < 0) {
		pipeline_free(p);
		return -ENOMEM;
	}
	p->overflow_told = calloc(nouts ? 2 * nouts : 1, sizeof(*p->overflow_told));
	/* A file cannot be overrun: its reader waits for the outputs. */
	for (unsigned i = 0; i < nouts; i++)
		output_set_input(&outs[i], text_input, cfg->drain_time_ms);
	if (cfg->tracking_enabled)
		p->seq = seq_new(&sc, on_missed, p);
	if (p->seq)
		seq_set_anomaly_fn(p->seq, on_anomaly);
	if (!p->assembler || !p->uidmap || !p->overflow_told || (cfg->tracking_enabled && !p->seq)) {
		pipeline_free(p);
		return -ENOMEM;
	}
	return 0;
}

void pipeline_free(struct pipeline *p)
{
	fpool_free(p->pool);
	p->pool = NULL;
	assembler_free(p->assembler);
	seq_free(p->seq);
	ctx_fini(&p->rc);
	uidmap_free(p->uidmap);
	filter_facts_free(&p->facts);
	free(p->view_recs);
	p->view_recs = NULL;
	free(p->overflow_told);
	p->overflow_told = NULL;
	p->assembler = NULL;
	p->seq = NULL;
	p->uidmap = NULL;
}

void pipeline_hold(struct pipeline *p, int hold)
{
	if (!hold && p->pool)
		fpool_deliver_ready(p->pool);
	for (unsigned i = 0; i < p->nouts; i++)
		(hold ? queue_hold : queue_release)(&p->outs[i].q);
}

void pipeline_record(struct pipeline *p, const struct record *r, uint64_t now_ms)
{
	atomic_fetch_add_explicit(&p->stats.records, 1, memory_order_relaxed);
	if (assembler_add(p->assembler, r, now_ms) < 0)
		log_err("out of memory assembling serial %llu", (unsigned long long)r->serial);
}

void pipeline_deliver(struct pipeline *p)
{
	if (p->pool)
		fpool_flush(p->pool);
}

void pipeline_tick(struct pipeline *p, uint64_t now_ms)
{
	assembler_tick(p->assembler, now_ms);
	pipeline_report_overflows(p);
	if (p->seq) {
		seq_tick(p->seq, now_ms);
		atomic_store(&p->stats.out_of_order, seq_stats(p->seq)->out_of_order);
	}
	if (p->pool)
		fpool_flush(p->pool);
}

void pipeline_end(struct pipeline *p)
{
	assembler_flush(p->assembler);
	if (p->seq) {
		seq_flush(p->seq);
		atomic_store(&p->stats.out_of_order, seq_stats(p->seq)->out_of_order);
	}
	pipeline_report_overflows(p);	/* delivers everything */
}
