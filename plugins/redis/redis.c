/*
 * plugins/redis/redis.c -- events to Redis: a list, a stream or a channel.
 *
 * Options:
 *   host         (string, "127.0.0.1")  server name or address (TCP)
 *   port         (int, 6379)            server TCP port
 *   unix_socket  (string, unset)        path of a unix socket; when set it
 *                                       is used instead of host/port
 *   username     (string, unset)        ACL user for AUTH (Redis 6+); unset
 *                                       means the legacy one-argument AUTH
 *   password     (string, unset)        AUTH with this password on connect
 *   db           (int, 0)               SELECT this database on connect
 *   mode         (string, "list")       "list":   RPUSH/LPUSH key <json>
 *                                       "stream": XADD key [MAXLEN ~ N] * <field> <json>
 *                                       "pubsub": PUBLISH key <json>
 *   key          (string, required)     the list or stream key, or the channel
 *   push         (string, "rpush")      list mode: "rpush" (append, a consumer
 *                                       reads oldest first with LPOP/BLPOP) or
 *                                       "lpush" (prepend)
 *   field        (string, "event")      stream mode: the field holding the JSON
 *   maxlen       (int, 0)               stream mode: trim to about this many
 *                                       entries (XADD MAXLEN ~); 0 = no trim
 *   timeout_ms   (int, 2000)            connect timeout, and the limit on each
 *                                       send or receive of a command
 *
 * Example:
 *   outputs = ( {
 *     plugin = "redis";
 *     host = "10.0.0.5"; port = 6379; password = "s3cret"; db = 2;
 *     mode = "stream"; key = "audit"; maxlen = 1000000;
 *   } );
 *
 * Each batch is sent as one pipeline: every command is appended to the
 * output buffer, then the replies are read in order, so the events of the
 * successful replies before the first failure are exactly the events known
 * to be stored.  In list mode one RPUSH/LPUSH carries up to LIST_VALUES
 * events (LIST_BYTES of JSON): a command of many values costs the server
 * about what one of one value costs (one command per event was 3.5 µs of
 * redis-server CPU per event, bench/RESULTS.md issue 18), and it is atomic,
 * so an error reply still means none of its events were stored.  Any failure (I/O error, timeout, error reply,
 * failed AUTH or SELECT) frees the connection and answers RETRY; the next
 * write() connects afresh, spaced by the core's backoff.  A failed context
 * is never reused: after a timeout its stream may still hold replies of
 * commands we gave up on.  Commands sent whose replies were lost may have
 * been executed, so after an outage a consumer may see at most one batch
 * twice (at-least-once).
 *
 * An error reply (WRONGTYPE when the key holds another type, OOM, NOAUTH,
 * READONLY on a replica) is retried like an outage rather than dropping
 * events: each of these is fixed on the server, after which delivery goes
 * on with nothing lost.  Each kind of error is logged once per streak.
 * timeout_ms bounds connect, send and receive; resolving a host name uses
 * the system resolver with its own timeouts (give an address to avoid it).
 *
 * In pubsub mode Redis keeps nothing: a message published while nobody
 * subscribes is gone.  Such messages are counted as `unheard`.
 *
 * Counters: connects, errors, unheard (pubsub).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>

#include <hiredis/hiredis.h>

#include <auditstream/plugin.h>
#include <auditstream/util.h>

enum redis_mode { MODE_LIST, MODE_STREAM, MODE_PUBSUB };

#define MAX_ARGS 8	/* the longest command: XADD key MAXLEN ~ N * field json */
#define LIST_VALUES 1024	/* most events in one RPUSH/LPUSH */
#define LIST_BYTES (1u << 20)	/* most JSON bytes in one, unless one event is more */

struct redis_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	redisContext *c;		/* NULL: not connected */

	const char *hostname, *unix_socket, *username, *password, *key, *field;
	int port;
	int64_t db;
	enum redis_mode mode;
	const char *verb;		/* RPUSH, LPUSH, XADD or PUBLISH */
	char maxlen[24];		/* "" when not trimming */
	struct timeval timeout;
	char where[128];		/* host:port or unix:path, for messages */
	char last_err[256];		/* last error logged, to log a streak once */

	size_t *cmd_events;		/* events carried by each command of the batch */
	size_t cmd_cap;
	const char *argv[LIST_VALUES + 2];	/* list mode: the command being built */
	size_t argvlen[LIST_VALUES + 2];
};

static const char *const modes[] = { "list", "stream", "pubsub", NULL };
static const char *const pushes[] = { "rpush", "lpush", NULL };

static const struct auditstream_option options[] = {
	{ .name = "host", .type = AUDITSTREAM_OPT_STRING, .default_value = "127.0.0.1", .required = 0,
	  .help = "Redis server name or address" },
	{ .name = "port", .type = AUDITSTREAM_OPT_INT, .default_value = "6379", .required = 0,
	  .help = "Redis server TCP port", .min = 1, .max = 65535 },
	{ .name = "unix_socket", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "unix socket path (instead of host/port)" },
	{ .name = "username", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "ACL user name for AUTH (Redis 6+)" },
	{ .name = "password", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "password for AUTH" },
	{ .name = "db", .type = AUDITSTREAM_OPT_INT, .default_value = "0", .required = 0,
	  .help = "database number to SELECT", .min = 0, .max = INT32_MAX },
	{ .name = "mode", .type = AUDITSTREAM_OPT_STRING, .default_value = "list", .required = 0,
	  .help = "list, stream or pubsub", .choices = modes },
	{ .name = "key", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1,
	  .help = "list or stream key, or pubsub channel" },
	{ .name = "push", .type = AUDITSTREAM_OPT_STRING, .default_value = "rpush", .required = 0,
	  .help = "list mode: rpush or lpush", .choices = pushes },
	{ .name = "field", .type = AUDITSTREAM_OPT_STRING, .default_value = "event", .required = 0,
	  .help = "stream mode: field holding the JSON" },
	{ .name = "maxlen", .type = AUDITSTREAM_OPT_INT, .default_value = "0", .required = 0,
	  .help = "stream mode: trim to about N entries (0: never)", .min = 0, .max = INT64_MAX },
	{ .name = "timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "2000", .required = 0,
	  .help = "connect and command timeout in ms", .min = 1, .max = 3600000 },
	{ 0 }
};

/* ------------------------------------------------------------ errors */

/*
 * Logs a failure once per streak: the core retries with backoff, and the
 * same "connection refused" every few seconds would drown the log.  A new
 * kind of error is logged again; the rest go to debug.
 */
static void fail(struct redis_out *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct redis_out *r, const char *fmt, ...)
{
	char msg[sizeof(r->last_err)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->host->count(r->ctx, "errors", 1);
	if (strcmp(msg, r->last_err) == 0) {
		r->host->log(r->ctx, AUDITSTREAM_LOG_DEBUG, "%s: %s", r->where, msg);
		return;
	}
	r->host->log(r->ctx, AUDITSTREAM_LOG_WARNING, "%s: %s", r->where, msg);
	memcpy(r->last_err, msg, sizeof(msg));
}

static void disconnect(struct redis_out *r)
{
	if (r->c)
		redisFree(r->c);
	r->c = NULL;
}

/* ------------------------------------------------------------ connect */

/* Runs one set-up command (AUTH, SELECT); 0 when the server said OK. */
static int setup_command(struct redis_out *r, const char *what, int argc, const char **argv)
{
	redisReply *rep = redisCommandArgv(r->c, argc, argv, NULL);
	int rc = 0;

	if (!rep) {
		fail(r, "%s: %s", what, r->c->errstr);
		return -EIO;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		fail(r, "%s failed: %s", what, rep->str);
		rc = -EACCES;
	}
	freeReplyObject(rep);
	return rc;
}

static int authenticate(struct redis_out *r)
{
	const char *argv[3] = { "AUTH" };
	int argc = 1;

	if (!r->password)
		return 0;
	if (r->username)
		argv[argc++] = r->username;
	argv[argc++] = r->password;
	return setup_command(r, "AUTH", argc, argv);
}

static int select_db(struct redis_out *r)
{
	char num[24];
	const char *argv[2] = { "SELECT", num };

	if (r->db == 0)
		return 0;
	snprintf(num, sizeof(num), "%lld", (long long)r->db);
	return setup_command(r, "SELECT", 2, argv);
}

static int connect_server(struct redis_out *r)
{
	if (r->unix_socket)
		r->c = redisConnectUnixWithTimeout(r->unix_socket, r->timeout);
	else
		r->c = redisConnectWithTimeout(r->hostname, r->port, r->timeout);
	if (!r->c) {
		fail(r, "cannot allocate a connection");
		return -ENOMEM;
	}
	if (r->c->err) {
		fail(r, "cannot connect: %s", r->c->errstr);
		disconnect(r);
		return -ECONNREFUSED;
	}
	/* Bounds every later send and receive: a dead peer gives RETRY, not a hang. */
	if (redisSetTimeout(r->c, r->timeout) != REDIS_OK) {
		fail(r, "cannot set the timeout: %s", r->c->errstr);
		disconnect(r);
		return -EIO;
	}
	if (authenticate(r) < 0 || select_db(r) < 0) {
		disconnect(r);
		return -EACCES;
	}
	r->host->count(r->ctx, "connects", 1);
	r->host->log(r->ctx, AUDITSTREAM_LOG_INFO, "connected to %s", r->where);
	return 0;
}

/* ------------------------------------------------------------- write */

/* The command for one event; returns argc. */
static int build_argv(const struct redis_out *r, const struct auditstream_event *e,
		      const char **argv, size_t *len)
{
	int k = 0;

	argv[k++] = r->verb;
	argv[k++] = r->key;
	if (r->mode == MODE_STREAM) {
		if (r->maxlen[0]) {
			argv[k++] = "MAXLEN";
			argv[k++] = "~";
			argv[k++] = r->maxlen;
		}
		argv[k++] = "*";
		argv[k++] = r->field;
	}
	argv[k] = e->json;
	len[k] = e->json_len;
	for (int i = 0; i < k; i++)
		len[i] = strlen(argv[i]);
	return k + 1;
}

static int append_command(struct redis_out *r, int argc, const char **argv, const size_t *len)
{
	if (redisAppendCommandArgv(r->c, argc, argv, len) == REDIS_OK)
		return 0;
	fail(r, "cannot queue a command: %s", r->c->errstr);
	return -ENOMEM;
}

/* List mode: the events of ev[0..n) that go in one RPUSH/LPUSH, appended. */
static ssize_t append_push(struct redis_out *r, const struct auditstream_event *const *ev,
			   size_t n)
{
	size_t k, bytes = 0;

	r->argv[0] = r->verb;
	r->argvlen[0] = strlen(r->verb);
	r->argv[1] = r->key;
	r->argvlen[1] = strlen(r->key);
	for (k = 0; k < n && k < LIST_VALUES; k++) {
		if (k > 0 && bytes + ev[k]->json_len > LIST_BYTES)
			break;
		bytes += ev[k]->json_len;
		r->argv[k + 2] = ev[k]->json;
		r->argvlen[k + 2] = ev[k]->json_len;
	}
	return append_command(r, (int)k + 2, r->argv, r->argvlen) < 0 ? -ENOMEM : (ssize_t)k;
}

/*
 * Appends the whole batch to the output buffer (nothing is sent yet);
 * returns the number of commands, whose events are in r->cmd_events.
 */
static ssize_t append_batch(struct redis_out *r, const struct auditstream_event *const *ev,
			    size_t n)
{
	const char *argv[MAX_ARGS];
	size_t len[MAX_ARGS], cmds = 0;
	ssize_t k;

	if (n > r->cmd_cap) {
		size_t *c = realloc(r->cmd_events, n * sizeof(*c));
		if (!c) {
			fail(r, "out of memory for a batch of %zu", n);
			return -ENOMEM;
		}
		r->cmd_events = c;
		r->cmd_cap = n;
	}
	for (size_t i = 0; i < n; i += (size_t)k) {
		k = 1;
		if (r->mode == MODE_LIST)
			k = append_push(r, ev + i, n - i);
		else if (append_command(r, build_argv(r, ev[i], argv, len), argv, len) < 0)
			k = -ENOMEM;
		if (k < 0)
			return k;
		r->cmd_events[cmds++] = (size_t)k;
	}
	return (ssize_t)cmds;
}

/* Reads the replies of the batch's cmds commands in order; returns how many
 * events the successful ones before the first failure carried. */
static size_t read_replies(struct redis_out *r, size_t cmds)
{
	uint64_t unheard = 0;
	size_t i, done = 0;

	for (i = 0; i < cmds; i++) {
		redisReply *rep;
		int ok;

		/* The first call sends the whole buffer, then each reads one reply. */
		if (redisGetReply(r->c, (void **)&rep) != REDIS_OK || !rep) {
			fail(r, "%s failed: %s", r->verb, r->c->errstr[0] ? r->c->errstr : "no reply");
			break;
		}
		ok = rep->type != REDIS_REPLY_ERROR;
		if (!ok)
			fail(r, "%s %s: %s", r->verb, r->key, rep->str);
		else if (r->mode == MODE_PUBSUB && rep->type == REDIS_REPLY_INTEGER && rep->integer == 0)
			unheard++;
		freeReplyObject(rep);
		if (!ok)
			break;
		done += r->cmd_events[i];
	}
	if (unheard)
		r->host->count(r->ctx, "unheard", unheard);
	return done;
}

static int redis_write(void *inst, const struct auditstream_event *const *ev, size_t n,
		       size_t *done)
{
	struct redis_out *r = inst;
	ssize_t cmds;

	*done = 0;
	if (!r->c && connect_server(r) < 0)
		return AUDITSTREAM_RETRY;
	if ((cmds = append_batch(r, ev, n)) < 0) {
		disconnect(r);
		return AUDITSTREAM_RETRY;
	}
	*done = read_replies(r, (size_t)cmds);
	if (*done < n) {
		/* Replies of the rest may still come; this stream is out of step. */
		disconnect(r);
		return AUDITSTREAM_RETRY;
	}
	if (r->last_err[0]) {
		r->host->log(r->ctx, AUDITSTREAM_LOG_NOTICE, "%s: writing again", r->where);
		r->last_err[0] = '\0';
	}
	return AUDITSTREAM_OK;
}

/* SIGHUP: connect afresh on the next write (the name may point elsewhere now). */
static int redis_reopen(void *inst)
{
	disconnect(inst);
	return 0;
}

static void redis_destroy(void *inst)
{
	struct redis_out *r = inst;

	disconnect(r);
	free(r->cmd_events);
	free(r);
}

/* ------------------------------------------------------------ create */

static int bad_value(struct redis_out *r, const char *opt, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_value(struct redis_out *r, const char *opt, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	auditstream_opt_error(r->host, r->ctx, opt, "%s", why);
	return -EINVAL;
}

/* The option table allows only these values. */
static void parse_mode(struct redis_out *r)
{
	const char *mode = r->host->opt_string(r->ctx, "mode");

	r->verb = strcmp(r->host->opt_string(r->ctx, "push"), "lpush") == 0 ? "LPUSH" : "RPUSH";
	r->mode = MODE_LIST;
	if (strcmp(mode, "stream") == 0) {
		r->mode = MODE_STREAM;
		r->verb = "XADD";
	} else if (strcmp(mode, "pubsub") == 0) {
		r->mode = MODE_PUBSUB;
		r->verb = "PUBLISH";
	}
}

static void read_numbers(struct redis_out *r)
{
	const struct auditstream_host *h = r->host;
	int64_t port = h->opt_int(r->ctx, "port");
	int64_t maxlen = h->opt_int(r->ctx, "maxlen");
	int64_t ms = h->opt_int(r->ctx, "timeout_ms");

	/* Ranges: the option table. */
	r->db = h->opt_int(r->ctx, "db");
	r->port = (int)port;
	if (maxlen > 0)
		snprintf(r->maxlen, sizeof(r->maxlen), "%lld", (long long)maxlen);
	r->timeout.tv_sec = ms / 1000;
	r->timeout.tv_usec = (ms % 1000) * 1000;
}

static int read_options(struct redis_out *r)
{
	const struct auditstream_host *h = r->host;
	int rc = 0;

	r->hostname = h->opt_string(r->ctx, "host");
	r->unix_socket = h->opt_string(r->ctx, "unix_socket");
	r->username = h->opt_string(r->ctx, "username");
	r->password = h->opt_string(r->ctx, "password");
	r->key = h->opt_string(r->ctx, "key");
	r->field = h->opt_string(r->ctx, "field");
	parse_mode(r);
	read_numbers(r);
	/* Every mistake at once. */
	if (!r->key[0])
		rc = bad_value(r, "key", "must not be empty");
	if (!r->field[0])
		rc = bad_value(r, "field", "must not be empty");
	if (r->unix_socket && !r->unix_socket[0])
		rc = bad_value(r, "unix_socket", "must not be empty");
	if (r->username && !r->password)
		rc = bad_value(r, "username", "needs a password");
	if (rc < 0)
		return rc;
	if (r->maxlen[0] && r->mode != MODE_STREAM)
		h->log(r->ctx, AUDITSTREAM_LOG_WARNING, "option maxlen applies to mode \"stream\" only: ignored");
	if (r->unix_socket)
		snprintf(r->where, sizeof(r->where), "redis unix:%s", r->unix_socket);
	else
		snprintf(r->where, sizeof(r->where), "redis %s:%d", r->hostname, r->port);
	return 0;
}

/* --check-config and before create(): the values, no connection. */
static int redis_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	struct redis_out r = { .host = host, .ctx = ctx };

	return read_options(&r);
}

/* Connects lazily: a server that is down at start-up is an outage, not a config error. */
static int redis_create(const struct auditstream_host *host, struct auditstream_ctx *ctx,
			void **inst)
{
	struct redis_out *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return -ENOMEM;
	r->host = host;
	r->ctx = ctx;
	if ((rc = read_options(r)) < 0) {
		free(r);
		return rc;
	}
	*inst = r;
	return 0;
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "redis",
	.version = PACKAGE_VERSION,
	.description = "events to a Redis list, stream or pubsub channel",
	.options = options,
	.check = redis_check,
	.create = redis_create,
	.write = redis_write,
	.reopen = redis_reopen,
	.destroy = redis_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
