/* core/output/output.h -- one configured output: its plugin instance, its bounded
 * queue and the worker thread that feeds the plugin, retries with backoff
 * and reports the queue's losses in-band. */
#ifndef AS_OUTPUT_H
#define AS_OUTPUT_H

#include <pthread.h>
#include <stdatomic.h>

#include "output/account.h"
#include "output/backoff.h"
#include "config/config.h"
#include "output/loader.h"
#include "output/options.h"
#include "output/queue.h"
#include "output/spool.h"
#include "util/clock.h"

#define OUTPUT_MAX_COUNTERS 16

/* Misuses of the host table by a plugin, each logged once per output. */
#define PLUGIN_BUG_LEVEL 0x1u
#define PLUGIN_BUG_COUNTER_NAME 0x2u
#define PLUGIN_BUG_COUNTERS_FULL 0x4u
#define PLUGIN_BUG_DROP_REASON 0x8u

struct output;

/* What a plugin gets as its opaque context. */
struct auditstream_ctx {
	struct output *out;
};

struct output {
	struct auditstream_ctx ctx;
	const struct output_config *cfg;
	const char *node;
	struct plugin_handle plugin;
	struct options opts;
	unsigned opt_errors;		/* host->opt_error() calls: config errors */
	atomic_uint plugin_bugs;	/* PLUGIN_BUG_* already logged (host.c) */
	unsigned create_tries;		/* create() said -EAGAIN: tries so far (worker's) */
	uint64_t create_at;		/* monotonic ms: the next try while idle */
	void *instance;
	struct queue q;
	pthread_t thread;
	int running;
	struct backoff backoff;

	atomic_int reopen;		/* SIGHUP seen, not yet handled */
	atomic_int stopping;
	atomic_uint_least64_t deadline_ms;	/* monotonic; while stopping */
	atomic_int disabled;		/* FATAL: drop everything */

	/* The conservation law's terms (output/account.h).  written counts
	 * what the plugin accepted less what it gave up on (drop()). */
	atomic_uint_least64_t enqueued, written, retries, undelivered, loss_events;
	atomic_uint_least64_t rejected;		/* host->drop(): given up by the plugin */
	atomic_uint_least64_t reports;		/* loss events the worker made itself */
	atomic_uint_least64_t recovered;	/* in the spool when it opened */
	atomic_uint_least64_t in_hand;		/* in the worker's batch */
	/* Odd while the worker handles a batch; output_idle() trusts what it
	 * read only if this did not move meanwhile. */
	atomic_uint_least64_t steps;
	struct account acct;
	/* Set and read only by the output's thread: drop() calls not yet
	 * settled against what the plugin counted in *done. */
	uint64_t drop_pending[ACCOUNT_REASONS];
	uint64_t last_serial;			/* of the last event written */

	/* A flush() that answered RETRY: tried again at flush_at with
	 * backoff, given up after drain_ms of failures. */
	atomic_int flush_pending;
	uint64_t flush_at, flush_since;
	unsigned flush_failures;
	unsigned drain_ms;

	/* The spool (NULL: none), owned by the worker.  Gauges and counters
	 * for stats; *_unreported are losses not yet in a loss event. */
	struct spool *spool;
	uint64_t retry_at;		/* monotonic ms: next delivery from the spool */
	unsigned spool_failures;	/* delivery attempts failed in a row */
	atomic_uint_least64_t spooled, spool_dropped, spool_corrupt;
	atomic_uint_least64_t spool_events, spool_bytes;

	/* Plugin-defined counters (host->count); names set by the worker. */
	char counter_name[OUTPUT_MAX_COUNTERS][32];
	atomic_uint_least64_t counter_val[OUTPUT_MAX_COUNTERS];
	atomic_uint ncounters;
};

/* Loads the plugin and checks its options; no instance yet (--check-config). */
int output_prepare(struct output *o, const struct output_config *cfg, const char *plugin_dir,
		   const char *node);
/* Creates the plugin instance and starts the worker. */
int output_start(struct output *o);
/* The reader's call: never waits unless the output's overflow is `block`
 * or the input is a file (output_set_input). */
void output_push(struct output *o, struct event *e);
/* What the pipeline knows of its input: a file-backed input is never
 * dropped for overflow (the reader waits for the output, whatever
 * queue.overflow says); drain_ms bounds a failing flush()'s retries. */
void output_set_input(struct output *o, int file_backed, unsigned drain_ms);
void output_request_reopen(struct output *o);
/* Stops taking events; the worker drains the queue until deadline_ms
 * (monotonic ms; UINT64_MAX: no deadline) and ends. */
void output_begin_stop(struct output *o, uint64_t deadline_ms);
/* Brings the deadline forward (a second SIGTERM during replay's drain). */
void output_set_deadline(struct output *o, uint64_t deadline_ms);
/* 1 once the worker has ended (and is joined), 0 while it drains. */
int output_try_join(struct output *o);
/* Destroys the instance, unloads the plugin. */
void output_release(struct output *o);

/* 1 when the output has nothing queued and no batch in hand. */
int output_idle(struct output *o);

/* How many of the events pushed to it the output is through with: written,
 * spooled, or dropped; its queue is FIFO, so they are the first ones.  For
 * a file input's saved position (core/input/follow.c).  Reader thread. */
uint64_t output_taken(struct output *o);

void output_log_stats(struct output *o);
/* Every event dropped, all reasons. */
uint64_t output_dropped(struct output *o);
/* The law's terms now (exact once the worker has ended). */
void output_snapshot(struct output *o, struct account_snap *s);

/* The host table handed to plugins. */
extern const struct auditstream_host output_host;

#endif
