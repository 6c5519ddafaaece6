/*
 * plugins/kafka/kafka.c -- events as Kafka messages, through librdkafka.
 *
 * Options:
 *   brokers     (string, required)  bootstrap servers, "host:port[,host:port...]"
 *   topic       (string, required)  topic to produce to
 *   key         (string, "none")    message key: "none" (no key: librdkafka
 *                                   spreads events over the partitions),
 *                                   "node" (the node name: all events of a
 *                                   host land in one partition, in order) or
 *                                   "serial" (the kernel serial, decimal)
 *   timeout_ms  (int, 10000)        how long one batch may wait for its
 *                                   delivery reports before it is retried
 *                                   (also bounds a write() while brokers
 *                                   are down, so keep it below the
 *                                   shutdown drain time)
 *   properties  (group, none)       librdkafka properties, passed through as
 *                                   they are; since libconfig names cannot
 *                                   hold dots, "_" and "-" may stand for "."
 *                                   (batch_num_messages = 5000 sets
 *                                   batch.num.messages)
 *
 * Example:
 *   outputs = ( {
 *     plugin = "kafka";
 *     brokers = "kafka1:9092,kafka2:9092";
 *     topic = "audit";
 *     key = "node";
 *     properties = { compression_codec = "lz4"; };
 *   } );
 *
 * linger.ms has no effect here: write() sends its batch at once and waits
 * for it (see await_reports); the output's queue.batch is what batches.
 *
 * Delivery reports are the acknowledgement: write() produces the batch,
 * polls until every message of it is reported or timeout_ms has passed, and
 * counts as written only the leading run of messages the brokers confirmed.
 * Whatever failed or is still outstanding is purged from librdkafka's queues
 * (so no stale copy goes out later, behind newer events) and the core
 * retries it with backoff: at-least-once, with duplicates of at most one
 * batch (messages in flight when the batch was given up on).
 *
 * Defaults set before `properties` (which may override them):
 *   enable.idempotence = true   librdkafka's own retries keep order and
 *                               never duplicate within a partition (this
 *                               needs acks=all, its default then)
 *   client.id = "auditstream"
 * Order holds per partition: use one partition, or key = "node" or "serial",
 * where the order of a partition is what counts.
 *
 * An event the cluster can never take (larger than message.max.bytes, an
 * invalid record) is given up through host->drop() with reason "rejected",
 * so a loss event in the topic tells of it, and is not retried for ever.
 * The core's own loss events go to the topic like any event (with key
 * "serial", their key is the last serial seen).
 *
 * Counters in the stats line: timeouts (batches given up on after
 * timeout_ms), delivery_failed (messages the brokers failed), queue_full
 * (librdkafka's local queue was full), restarts (new producers after a
 * fatal error).  There is no reopen: librdkafka reconnects by itself.
 *
 * A bad property name or value, a bad key or an impossible combination
 * (e.g. acks=1 with idempotence) is a start-up error naming it.  A fatal
 * producer error (possible with idempotence) makes the next write() start
 * a fresh producer.  librdkafka's own threads do the network work; its
 * callbacks and log lines are served by rd_kafka_poll() on the output's
 * thread, so the host is only ever called from there.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#include <auditstream/plugin.h>
#include <auditstream/util.h>

/* The opaque of a message packs the batch generation above its index, so
 * a late report from an earlier batch is recognised and ignored. */
#define IDX_BITS (sizeof(uintptr_t) * CHAR_BIT / 2)
#define IDX_MASK (((uintptr_t)1 << IDX_BITS) - 1)

#define POLL_SLICE_MS 200
#define PURGE_WAIT_MS 1000
#define DESTROY_FLUSH_MS 2000

enum key_mode { KEY_NONE, KEY_NODE, KEY_SERIAL };

enum msg_state { MSG_PENDING, MSG_OK, MSG_FAILED, MSG_REJECTED };

struct kafka_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	const char *topic;
	enum key_mode key;
	int timeout_ms;
	rd_kafka_conf_t *conf;	/* template: each producer gets a copy */
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	int broken;		/* a fatal error: start a new producer */
	int failing;		/* last write failed: log only the first */

	/* The batch of the current write(). */
	uintptr_t gen;
	uint8_t *state;		/* enum msg_state per message */
	size_t cap;
	size_t n;
	size_t outstanding;	/* produced, not yet reported */
	rd_kafka_resp_err_t first_err;
	char first_reason[256];
};

static const char *const key_modes[] = { "none", "node", "serial", NULL };

static const struct auditstream_option options[] = {
	{ .name = "brokers", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1,
	  .help = "bootstrap servers, host:port[,host:port...]" },
	{ .name = "topic", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1,
	  .help = "topic to produce to" },
	{ .name = "key", .type = AUDITSTREAM_OPT_STRING, .default_value = "none", .required = 0,
	  .help = "message key: none, node or serial", .choices = key_modes },
	{ .name = "timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "10000", .required = 0,
	  .help = "how long a batch may wait for delivery", .min = 1, .max = INT_MAX },
	{ .name = "properties", .type = AUDITSTREAM_OPT_PASSTHROUGH, .default_value = NULL, .required = 0,
	  .help = "librdkafka properties, passed through" },
	{ 0 }
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ callbacks */

/* Permanent refusals: sending the same bytes again cannot succeed. */
static int is_permanent(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
	       err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE ||
	       err == RD_KAFKA_RESP_ERR_INVALID_RECORD ||
	       err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE;
}

static void note_error(struct kafka_out *k, rd_kafka_resp_err_t err, const char *reason)
{
	if (k->first_err)
		return;
	k->first_err = err;
	snprintf(k->first_reason, sizeof(k->first_reason), "%s", reason);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kafka_out *k = opaque;
	uintptr_t tag = (uintptr_t)m->_private, idx = tag & IDX_MASK;

	(void)rk;
	if (tag >> IDX_BITS != (k->gen & IDX_MASK) || idx >= k->n || k->state[idx] != MSG_PENDING)
		return;	/* a report of a batch given up on: it was retried */
	k->outstanding--;
	if (!m->err) {
		k->state[idx] = MSG_OK;
		return;
	}
	k->state[idx] = is_permanent(m->err) ? MSG_REJECTED : MSG_FAILED;
	/* Purged messages say only that we gave up on them (see "timeouts"). */
	if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
		return;
	note_error(k, m->err, rd_kafka_err2str(m->err));
	if (!is_permanent(m->err))
		k->host->count(k->ctx, "delivery_failed", 1);
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kafka_out *k = opaque;

	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char why[512];

		rd_kafka_fatal_error(rk, why, sizeof(why));
		k->host->log(k->ctx, AUDITSTREAM_LOG_ERR, "fatal producer error: %s", why);
		note_error(k, RD_KAFKA_RESP_ERR__FATAL, "fatal producer error");
		k->broken = 1;
		return;
	}
	/* Transient (brokers down, timeouts): librdkafka reconnects by itself;
	 * the batch that suffers says so once through write(). */
	k->host->log(k->ctx, AUDITSTREAM_LOG_DEBUG, "%s: %s",
		     rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct kafka_out *k = rd_kafka_opaque(rk);
	int lv = level <= AUDITSTREAM_LOG_WARNING ? AUDITSTREAM_LOG_WARNING :
		 level > AUDITSTREAM_LOG_DEBUG ? AUDITSTREAM_LOG_DEBUG : level;

	k->host->log(k->ctx, lv, "librdkafka %s: %s", fac, buf);
}

/* ------------------------------------------------------- configuration */

/* libconfig names cannot hold dots: "linger_ms" may stand for "linger.ms". */
static int dotted_name(const char *key, char *out, size_t len)
{
	size_t i;

	if (!strpbrk(key, "_-") || strlen(key) >= len)
		return 0;
	for (i = 0; key[i]; i++)
		out[i] = key[i] == '_' || key[i] == '-' ? '.' : key[i];
	out[i] = '\0';
	return 1;
}

static int set_prop(struct kafka_out *k, const char *key, const char *value)
{
	char err[512], dotted[256];
	rd_kafka_conf_res_t r = rd_kafka_conf_set(k->conf, key, value, err, sizeof(err));

	/* A real name with '_' (log_level) is tried as it is first. */
	if (r == RD_KAFKA_CONF_UNKNOWN && dotted_name(key, dotted, sizeof(dotted))) {
		char err2[512];
		rd_kafka_conf_res_t r2 = rd_kafka_conf_set(k->conf, dotted, value, err2, sizeof(err2));

		if (r2 != RD_KAFKA_CONF_UNKNOWN) {
			r = r2;
			memcpy(err, err2, sizeof(err));
		}
	}
	if (r == RD_KAFKA_CONF_OK)
		return 0;
	auditstream_opt_error(k->host, k->ctx, "properties", "%s = \"%s\": %s", key, value, err);
	return -EINVAL;
}

static int set_user_prop(const char *key, const char *value, void *arg)
{
	return set_prop(arg, key, value);
}

/* The option table allows only these (in enum order). */
static void parse_key(struct kafka_out *k, const char *s)
{
	k->key = strcmp(s, "node") == 0 ? KEY_NODE : strcmp(s, "serial") == 0 ? KEY_SERIAL : KEY_NONE;
}

static int build_conf(struct kafka_out *k)
{
	const struct auditstream_host *h = k->host;
	int rc;

	if (!(k->conf = rd_kafka_conf_new()))
		return -ENOMEM;
	if ((rc = set_prop(k, "enable.idempotence", "true")) < 0 ||
	    (rc = set_prop(k, "client.id", "auditstream")) < 0 ||
	    (rc = set_prop(k, "bootstrap.servers", h->opt_string(k->ctx, "brokers"))) < 0 ||
	    (rc = h->opt_foreach(k->ctx, "properties", set_user_prop, k)) != 0 ||
	    /* Logs go to our queue, served by rd_kafka_poll() on our thread. */
	    (rc = set_prop(k, "log.queue", "true")) < 0)
		return rc < 0 ? rc : -EINVAL;
	rd_kafka_conf_set_opaque(k->conf, k);
	rd_kafka_conf_set_dr_msg_cb(k->conf, on_delivery);
	rd_kafka_conf_set_error_cb(k->conf, on_error);
	rd_kafka_conf_set_log_cb(k->conf, on_log);
	return 0;
}

/* ------------------------------------------------------------- producer */

static int start_producer(struct kafka_out *k)
{
	rd_kafka_conf_t *c = rd_kafka_conf_dup(k->conf);
	char err[512];

	if (!c)
		return -ENOMEM;
	if (!(k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err)))) {
		rd_kafka_conf_destroy(c);
		k->host->log(k->ctx, AUDITSTREAM_LOG_ERR, "cannot create a producer: %s", err);
		return -EINVAL;
	}
	rd_kafka_set_log_queue(k->rk, NULL);
	if (!(k->rkt = rd_kafka_topic_new(k->rk, k->topic, NULL))) {
		k->host->log(k->ctx, AUDITSTREAM_LOG_ERR, "topic \"%s\": %s", k->topic,
			     rd_kafka_err2str(rd_kafka_last_error()));
		rd_kafka_destroy(k->rk);
		k->rk = NULL;
		return -EINVAL;
	}
	k->broken = 0;
	return 0;
}

/* Drops whatever the producer still holds, then the producer itself. */
static void stop_producer(struct kafka_out *k)
{
	if (!k->rk)
		return;
	rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_poll(k->rk, 0);
	rd_kafka_topic_destroy(k->rkt);
	rd_kafka_destroy(k->rk);
	k->rkt = NULL;
	k->rk = NULL;
}

static int restart_producer(struct kafka_out *k)
{
	k->host->log(k->ctx, AUDITSTREAM_LOG_WARNING, "starting a new producer");
	k->host->count(k->ctx, "restarts", 1);
	stop_producer(k);
	return start_producer(k);
}

/* --check-config and before create(): every property set on a scratch
 * configuration, as librdkafka judges it; no producer, no connection.
 * (Combinations librdkafka checks only when a producer is made, such as
 * acks with idempotence, still stop the start.) */
static int kafka_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	struct kafka_out k = { .host = host, .ctx = ctx };
	int rc = build_conf(&k);

	if (k.conf)
		rd_kafka_conf_destroy(k.conf);
	return rc;
}

static int kafka_create(const struct auditstream_host *host, struct auditstream_ctx *ctx,
			void **inst)
{
	struct kafka_out *k = calloc(1, sizeof(*k));
	int rc;

	if (!k)
		return -ENOMEM;
	k->host = host;
	k->ctx = ctx;
	k->topic = host->opt_string(ctx, "topic");
	k->timeout_ms = (int)host->opt_int(ctx, "timeout_ms");	/* ranged in the table */
	parse_key(k, host->opt_string(ctx, "key"));
	if ((rc = build_conf(k)) == 0)
		rc = start_producer(k);
	if (rc < 0) {
		if (k->conf)
			rd_kafka_conf_destroy(k->conf);
		free(k);
		return rc;
	}
	*inst = k;
	return 0;
}

/* ---------------------------------------------------------------- write */

static int begin_batch(struct kafka_out *k, size_t n)
{
	if (n > k->cap) {
		uint8_t *s = realloc(k->state, n);
		if (!s)
			return -ENOMEM;
		k->state = s;
		k->cap = n;
	}
	memset(k->state, MSG_PENDING, n);
	k->gen++;
	k->n = n;
	k->outstanding = 0;
	k->first_err = RD_KAFKA_RESP_ERR_NO_ERROR;
	return 0;
}

/* Produces one event; returns 0, or the error that stops the batch. */
static rd_kafka_resp_err_t produce_one(struct kafka_out *k, const struct auditstream_event *e,
				       size_t idx)
{
	char serial[24];
	const char *key = NULL;
	size_t klen = 0;
	rd_kafka_resp_err_t err;

	if (k->key == KEY_NODE && e->node) {
		key = e->node;
		klen = strlen(key);
	} else if (k->key == KEY_SERIAL) {
		klen = (size_t)snprintf(serial, sizeof(serial), "%" PRIu64, e->serial);
		key = serial;
	}
	/* Events live only during write(): librdkafka keeps its own copy. */
	if (rd_kafka_produce(k->rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)e->json,
			     e->json_len, key, klen,
			     (void *)((k->gen & IDX_MASK) << IDX_BITS | (uintptr_t)idx)) == 0) {
		k->outstanding++;
		return RD_KAFKA_RESP_ERR_NO_ERROR;
	}
	err = rd_kafka_last_error();
	if (is_permanent(err)) {
		k->state[idx] = MSG_REJECTED;
		note_error(k, err, rd_kafka_err2str(err));
		return RD_KAFKA_RESP_ERR_NO_ERROR;
	}
	if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		k->host->count(k->ctx, "queue_full", 1);
	if (err == RD_KAFKA_RESP_ERR__FATAL)
		k->broken = 1;
	note_error(k, err, rd_kafka_err2str(err));
	return err;
}

/* Serves delivery reports until all are in or the deadline passes.
 * rd_kafka_flush() rather than rd_kafka_poll(): it serves the same callbacks
 * but also sends what is queued at once instead of after linger.ms, which,
 * since write() waits for the whole batch anyway, was only an idle wait per
 * batch (bench/RESULTS.md, issue 18: sinks). */
static void await_reports(struct kafka_out *k, int64_t deadline)
{
	int64_t left;

	while (k->outstanding > 0 && !k->broken && (left = deadline - now_ms()) > 0)
		rd_kafka_flush(k->rk, left < POLL_SLICE_MS ? (int)left : POLL_SLICE_MS);
}

/* Gives up on what is still outstanding: purged now, it cannot go out later
 * behind the retried copy.  Reports already in are taken first. */
static void abandon_outstanding(struct kafka_out *k)
{
	int64_t deadline;

	if (k->outstanding == 0)
		return;
	rd_kafka_poll(k->rk, 0);
	if (k->outstanding == 0)
		return;
	k->host->count(k->ctx, "timeouts", 1);
	note_error(k, RD_KAFKA_RESP_ERR__TIMED_OUT, "no delivery report within timeout_ms");
	rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	deadline = now_ms() + PURGE_WAIT_MS;
	while (k->outstanding > 0 && now_ms() < deadline)
		rd_kafka_poll(k->rk, 50);
}

/* The leading run of delivered (or refused for good) messages. */
static size_t settle(struct kafka_out *k)
{
	size_t done = 0, rejected = 0;

	for (; done < k->n && (k->state[done] == MSG_OK || k->state[done] == MSG_REJECTED); done++)
		rejected += k->state[done] == MSG_REJECTED;
	if (rejected) {
		k->host->log(k->ctx, AUDITSTREAM_LOG_WARNING,
			     "%zu events refused for good: %s", rejected, k->first_reason);
		k->host->drop(k->ctx, rejected, "rejected");
	}
	return done;
}

static int kafka_write(void *inst, const struct auditstream_event *const *ev, size_t n,
		       size_t *done)
{
	struct kafka_out *k = inst;
	int64_t deadline = now_ms() + k->timeout_ms;
	size_t i;

	*done = 0;
	if ((k->broken || !k->rk) && restart_producer(k) < 0)
		return AUDITSTREAM_RETRY;
	/* The opaque has room for IDX_MASK indexes: a bigger batch goes in parts. */
	if (begin_batch(k, n < IDX_MASK ? n : IDX_MASK) < 0)
		return AUDITSTREAM_RETRY;
	for (i = 0; i < k->n && !produce_one(k, ev[i], i); i++)
		;
	await_reports(k, deadline);
	abandon_outstanding(k);
	*done = settle(k);
	if (*done == n) {
		k->failing = 0;	/* the core logs the recovery */
		return AUDITSTREAM_OK;
	}
	if (!k->failing)
		k->host->log(k->ctx, AUDITSTREAM_LOG_WARNING,
			     "%zu of %zu events not delivered to topic %s: %s", n - *done, n,
			     k->topic, k->first_err ? k->first_reason : "batch cut short");
	k->failing = 1;
	return AUDITSTREAM_RETRY;
}

/* ---------------------------------------------------------- flush, end */

static int kafka_flush(void *inst)
{
	struct kafka_out *k = inst;
	int left;

	if (!k->rk)
		return AUDITSTREAM_OK;
	/* write() leaves no message behind; this serves late callbacks and
	 * says so if anything is still queued at shutdown. */
	rd_kafka_poll(k->rk, 0);
	if (rd_kafka_flush(k->rk, k->timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR &&
	    (left = rd_kafka_outq_len(k->rk)) > 0) {
		k->host->log(k->ctx, AUDITSTREAM_LOG_WARNING,
			     "%d messages or requests still queued after flush", left);
		k->host->count(k->ctx, "unflushed", (uint64_t)left);
	}
	return AUDITSTREAM_OK;
}

static void kafka_destroy(void *inst)
{
	struct kafka_out *k = inst;

	/* Bounded: a dead cluster must not hold up the daemon's exit. */
	if (k->rk)
		rd_kafka_flush(k->rk, k->timeout_ms < DESTROY_FLUSH_MS ? k->timeout_ms : DESTROY_FLUSH_MS);
	stop_producer(k);
	rd_kafka_conf_destroy(k->conf);
	free(k->state);
	free(k);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "kafka",
	.version = PACKAGE_VERSION,
	.description = "events as Kafka messages (librdkafka)",
	.options = options,
	.check = kafka_check,
	.create = kafka_create,
	.write = kafka_write,
	.flush = kafka_flush,
	.destroy = kafka_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
