/* tests/unit/worker_sim.h -- the output worker driven by an in-process fake
 * plugin (after collectd's plugin_mock.c), for test_worker.c and
 * tests/fuzz/fuzz_worker.c.
 *
 * A schedule is a byte string.  The driver (the test's thread) reads it from
 * the front: push events (audit or loss), ask for a reopen, wait until the
 * output is at rest and check the conservation law.  The fake plugin (the
 * worker's thread) reads it from the back: each write(), flush() and
 * reopen() answers as the next byte says -- OK, RETRY with any *done,
 * FATAL, a status outside the enum, drop() within and beyond *done.  Two
 * cursors keep each thread's choices deterministic.  An exhausted schedule
 * answers OK, so every run ends.  The fake checks that the events it
 * accepted come once each and in order, and keeps what the core should
 * count, by the contract, to compare with the core's counters. */
#ifndef WORKER_SIM_H
#define WORKER_SIM_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "pipeline/event.h"

struct sim {
	const uint8_t *data;
	size_t len, front, back;	/* driver from the front, plugin from the back */
	pthread_mutex_t mu;
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	/* What the plugin saw, for the checks. */
	uint64_t accepted, dropped, last_serial;
	int order_broken;
	char why[200];
};

static struct sim *sim_current;

/* The plugin's next byte (0 once the schedule is through: OK). */
static unsigned sim_back(struct sim *s)
{
	unsigned b = 0;

	pthread_mutex_lock(&s->mu);
	if (s->back > s->front)
		b = s->data[--s->back];
	pthread_mutex_unlock(&s->mu);
	return b;
}

/* The driver's next byte; -1 once the schedule is through. */
static int sim_front(struct sim *s)
{
	int b = -1;

	pthread_mutex_lock(&s->mu);
	if (s->front < s->back)
		b = s->data[s->front++];
	pthread_mutex_unlock(&s->mu);
	return b;
}

static int fake_create(const struct auditstream_host *h, struct auditstream_ctx *c, void **inst)
{
	sim_current->host = h;
	sim_current->ctx = c;
	*inst = sim_current;
	return 0;
}

/* Takes ev[0..d) as written: audit events must come once each, in order. */
static void fake_take(struct sim *s, const struct auditstream_event *const *ev, size_t d)
{
	for (size_t i = 0; i < d; i++) {
		if (ev[i]->flags & AUDITSTREAM_EVENT_LOSS)
			continue;
		if (ev[i]->serial <= s->last_serial && !s->order_broken) {
			s->order_broken = 1;
			snprintf(s->why, sizeof(s->why), "serial %llu written after %llu",
				 (unsigned long long)ev[i]->serial, (unsigned long long)s->last_serial);
		}
		s->last_serial = ev[i]->serial;
	}
}

static const char *const fake_reasons[] = { "rejected", "http_4xx", "oversize" };

static int fake_write(void *inst, const struct auditstream_event *const *ev, size_t n, size_t *done)
{
	struct sim *s = inst;
	unsigned b = sim_back(s), x = sim_back(s);
	size_t d = x % (n + 1), k;

	if (b < 150) {			/* OK: all n, whatever *done says */
		if (x & 1)
			*done = x;
		fake_take(s, ev, n);
		s->accepted += n;
		return AUDITSTREAM_OK;
	}
	if (b < 200 || b >= 248) {	/* RETRY, FATAL or a bad status after d written */
		if (b < 248 || x & 2)
			*done = d;	/* else left alone: 0 */
		else
			d = 0;
		fake_take(s, ev, d);
		s->accepted += d;
		return b < 200 ? AUDITSTREAM_RETRY : b < 250 ? AUDITSTREAM_RETRY :
		       b < 253 ? AUDITSTREAM_FATAL : (b & 1 ? 7 : -1);
	}
	if (b < 205) {			/* RETRY with *done past n: taken as n */
		*done = n + 1 + x;
		fake_take(s, ev, n);
		s->accepted += n;
		return AUDITSTREAM_RETRY;
	}
	/* drop() of k events, then OK; k past n is a plugin bug, counted as n. */
	k = b < 240 ? d : n + 3;
	s->host->drop(s->ctx, k, fake_reasons[x % 3]);
	fake_take(s, ev, n);
	s->accepted += n;
	s->dropped += k < n ? k : n;
	return AUDITSTREAM_OK;
}

static int fake_flush(void *inst)
{
	unsigned b = sim_back(inst);

	return b < 180 ? AUDITSTREAM_OK : b < 252 ? AUDITSTREAM_RETRY : b < 254 ? AUDITSTREAM_FATAL : 9;
}

static int fake_reopen(void *inst)
{
	return sim_back(inst) < 128 ? 0 : -EIO;
}

static void fake_destroy(void *inst)
{
	(void)inst;
}

static const struct auditstream_plugin fake_plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "fake",
	.version = "0",
	.description = "in-process fake",
	.create = fake_create,
	.write = fake_write,
	.flush = fake_flush,
	.reopen = fake_reopen,
	.destroy = fake_destroy,
};

/* An output as output_prepare() makes one, with the fake instead of a .so. */
static int sim_output(struct output *o, struct output_config *cfg, const char *name,
		      size_t queue, enum overflow ov, unsigned batch, const char *spool_dir,
		      uint64_t spool_max)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = name;
	cfg->plugin = "fake";
	cfg->queue_size = queue;
	cfg->overflow = ov;
	cfg->batch_max = batch;
	cfg->retry_base_ms = 1;
	cfg->retry_max_ms = 4;
	cfg->spool.dir = spool_dir;
	cfg->spool.max_bytes = spool_max;
	memset(o, 0, sizeof(*o));
	o->ctx.out = o;
	o->cfg = cfg;
	o->node = "sim";
	o->drain_ms = 30;
	account_init(&o->acct);
	o->plugin.desc = fake_plugin;
	return queue_init(&o->q, queue, ov);
}

static struct event *sim_event(uint64_t serial, int loss)
{
	char json[96];
	int n = loss ? snprintf(json, sizeof(json),
				"{\"type\":\"auditstream_loss\",\"reason\":\"missed_serials\",\"count\":1}")
		     : snprintf(json, sizeof(json), "{\"sequence\":%llu}", (unsigned long long)serial);

	return event_new(json, (size_t)n, serial, (int64_t)serial * 1000000, loss ? AUDITSTREAM_EVENT_LOSS : 0,
			 "sim");
}

static void sim_nap(void)
{
	struct timespec ts = { 0, 200 * 1000 };
	nanosleep(&ts, NULL);
}

/* Waits (bounded) until the output is at rest: nothing queued or in hand,
 * no spool left to send, no flush to retry.  0 if it never got there. */
static int sim_settle(struct output *o)
{
	for (int i = 0; i < 200000; i++) {
		if (output_idle(o) && atomic_load(&o->in_hand) == 0)
			return 1;
		sim_nap();
	}
	return 0;
}

/* The law on a snapshot, and the core's counts against the fake's.
 * Returns NULL when all holds, else why not (in buf). */
static const char *sim_check(struct output *o, struct sim *s, int at_rest, char *buf, size_t len)
{
	struct account_snap snap;
	char line[1024];

	output_snapshot(o, &snap);
	snap_format(&snap, line, sizeof(line));
	/* Mid-flight the terms are read one after the other: only the order
	 * is checked then (and the snapshot made, for the sanitizers). */
	if (s->order_broken)
		snprintf(buf, len, "order: %s", s->why);
	else if (at_rest && snap_received(&snap) != snap.written + snap_dropped(&snap) + snap_held(&snap))
		snprintf(buf, len, "received != written + dropped + held: enqueued=%llu written=%llu "
			 "(plugin: accepted %llu, dropped %llu) queued=%llu undelivered=%llu%s",
			 (unsigned long long)snap.enqueued, (unsigned long long)snap.written,
			 (unsigned long long)s->accepted, (unsigned long long)s->dropped,
			 (unsigned long long)snap.queued, (unsigned long long)snap.undelivered, line);
	else if (at_rest && !snap_balanced(&snap))
		snprintf(buf, len, "unbalanced reason: written=%llu%s", (unsigned long long)snap.written, line);
	else if (at_rest && snap.in_hand)
		snprintf(buf, len, "at rest with events in hand:%s", line);
	else if (at_rest && snap.written != s->accepted - s->dropped)
		snprintf(buf, len, "written %llu, the plugin accepted %llu and dropped %llu:%s",
			 (unsigned long long)snap.written, (unsigned long long)s->accepted,
			 (unsigned long long)s->dropped, line);
	else if (at_rest && atomic_load(&o->rejected) != s->dropped)
		snprintf(buf, len, "rejected %llu, the plugin dropped %llu",
			 (unsigned long long)atomic_load(&o->rejected), (unsigned long long)s->dropped);
	else
		return NULL;
	return buf;
}

/* One schedule, start to stop.  spool_dir NULL: none.  Returns NULL or why
 * the law broke (in buf). */
static const char *sim_run(const uint8_t *data, size_t len, const char *spool_dir, char *buf,
			   size_t buflen)
{
	struct sim s = { .data = data, .len = len, .back = len };
	struct output o;
	struct output_config cfg;
	const char *bad = NULL;
	uint64_t serial = 0;
	int b, file_input;
	unsigned first = len ? data[0] : 0;

	pthread_mutex_init(&s.mu, NULL);
	sim_current = &s;
	file_input = first & 1;
	s.front = len ? 1 : 0;
	if (sim_output(&o, &cfg, "w", 4 + (first >> 4) % 8, (enum overflow)((first >> 1) % 3),
		       1 + (first >> 3) % 8, spool_dir, first & 0x80 ? 600 : 1 << 20) < 0 ||
	    output_start(&o) < 0) {
		snprintf(buf, buflen, "the output did not start");
		output_release(&o);
		return buf;
	}
	output_set_input(&o, file_input, 30);
	while (!bad && (b = sim_front(&s)) >= 0) {
		if (b < 160) {			/* push a run of events */
			for (int i = 0; i < 1 + b % 24; i++) {
				struct event *e = sim_event(++serial, b % 7 == 0 && i == 0);
				if (e) {
					output_push(&o, e);
					event_unref(e);
				}
			}
		} else if (b < 176) {
			output_request_reopen(&o);
		} else if (b < 248) {		/* at rest: the law, exactly */
			if (!sim_settle(&o))
				snprintf(buf, buflen, "never at rest"), bad = buf;
			else
				bad = sim_check(&o, &s, 1, buf, buflen);
		} else {			/* mid-flight: the totals */
			bad = sim_check(&o, &s, 0, buf, buflen);
		}
	}
	output_begin_stop(&o, now_monotonic_ms() + (spool_dir ? 50 : 200));
	while (!output_try_join(&o))
		sim_nap();
	if (!bad)
		bad = sim_check(&o, &s, 1, buf, buflen);
	output_release(&o);
	pthread_mutex_destroy(&s.mu);
	return bad;
}

#endif
