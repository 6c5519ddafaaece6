/* core/output/output.h -- one configured output: its plugin instance, its bounded
 * queue and the worker thread that feeds the plugin, retries with backoff
 * and reports the queue's losses in-band. */
#ifndef AS_OUTPUT_H
#define AS_OUTPUT_H

#include <pthread.h>
#include <stdatomic.h>

#include "output/backoff.h"
#include "config/config.h"
#include "output/loader.h"
#include "output/options.h"
#include "output/queue.h"
#include "output/spool.h"
#include "util/clock.h"

#define OUTPUT_MAX_COUNTERS 16

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
	void *instance;
	struct queue q;
	pthread_t thread;
	int running;
	struct backoff backoff;

	atomic_int reopen;		/* SIGHUP seen, not yet handled */
	atomic_int stopping;
	atomic_uint_least64_t deadline_ms;	/* monotonic; while stopping */
	atomic_int disabled;		/* FATAL: drop everything */

	atomic_uint_least64_t enqueued, written, retries, undelivered, loss_events;
	atomic_uint_least64_t rejected;		/* host->drop(): given up by the plugin */
	/* Set and read only by the output's thread: drops not yet reported. */
	uint64_t rejected_unreported;
	char rejected_reason[32];

	/* The spool (NULL: none), owned by the worker.  Gauges and counters
	 * for stats; *_unreported are losses not yet in a loss event. */
	struct spool *spool;
	uint64_t retry_at;		/* monotonic ms: next delivery from the spool */
	unsigned spool_failures;	/* delivery attempts failed in a row */
	uint64_t spool_lost_unreported, spool_corrupt_unreported;
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
/* The reader's call: never waits unless the output's overflow is `block`. */
void output_push(struct output *o, struct event *e);
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
uint64_t output_dropped(struct output *o);

/* The host table handed to plugins. */
extern const struct auditstream_host output_host;

#endif
