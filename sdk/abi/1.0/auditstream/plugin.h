/*
 * auditstream/plugin.h -- the output plugin ABI of auditstream.
 *
 * This header is the whole contract between the auditstream daemon ("the
 * core") and an output plugin ("a sink").  A plugin includes nothing else
 * from auditstream, and the core includes nothing of a plugin's.
 *
 * A PLUGIN IN ONE PAGE
 *
 *   A plugin is a shared object <plugin_dir>/<name>.so that exports exactly
 *   one symbol:
 *
 *       const struct auditstream_plugin *auditstream_plugin_entry(void);
 *
 *   The descriptor it returns names the plugin, declares its options and
 *   holds its callbacks.  The core calls them like this, per configured
 *   output (one plugin may back several outputs, each its own instance):
 *
 *       create(host, ctx, &instance)        once, options already validated
 *       write(instance, events, n, &done)   many times, from one thread
 *       flush(instance)                     when the queue drains, at exit
 *       reopen(instance)                    on SIGHUP
 *       destroy(instance)                   once
 *
 *   All callbacks of one instance are called from one and the same worker
 *   thread, never concurrently, so an instance needs no locking.  The core
 *   owns threads, queues, retries and backoff: a plugin starts no threads of
 *   its own unless a library it uses does.
 *
 *   See sdk/examples/null/null.c for a complete plugin, and build yours with
 *
 *       cc -shared -fPIC $(pkg-config --cflags auditstream-plugin) \
 *          -o myout.so myout.c
 *
 * VERSIONING
 *
 *   AUDITSTREAM_ABI_MAJOR changes only when an existing struct member or
 *   callback changes meaning or place; the core refuses a plugin of another
 *   major.  AUDITSTREAM_ABI_MINOR grows when members are appended to a
 *   struct; the core refuses a plugin built against a newer minor than its
 *   own and accepts older ones.  Every struct that crosses the boundary
 *   begins with its size (struct_size), so each side reads only the members
 *   the other side knows: always test `x->struct_size > offsetof(...)`
 *   before reading a member added after minor 0.
 *
 * RETURN CODES
 *
 *   write() and flush() return an enum auditstream_status:
 *     AUDITSTREAM_OK     done (for write: all n events are written)
 *     AUDITSTREAM_RETRY  transient failure (peer down, disk full): the core
 *                        keeps events done..n-1, waits with capped, jittered
 *                        exponential backoff and calls write() again with them
 *     AUDITSTREAM_FATAL  the output cannot go on: the core disables it, counts
 *                        its queued events as dropped and keeps running
 *   create() returns 0 or a negative errno value and logs why through the
 *   host; a failing create() stops the daemon at start-up (config error).
 */
#ifndef AUDITSTREAM_PLUGIN_H
#define AUDITSTREAM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AUDITSTREAM_ABI_MAJOR 1
#define AUDITSTREAM_ABI_MINOR 0

/* The name of the one symbol a plugin exports. */
#define AUDITSTREAM_PLUGIN_ENTRY "auditstream_plugin_entry"

enum auditstream_status {
	AUDITSTREAM_OK = 0,
	AUDITSTREAM_RETRY = 1,
	AUDITSTREAM_FATAL = 2
};

/* Log levels, the syslog(3) priorities of the same names. */
enum auditstream_log_level {
	AUDITSTREAM_LOG_ERR = 3,
	AUDITSTREAM_LOG_WARNING = 4,
	AUDITSTREAM_LOG_NOTICE = 5,
	AUDITSTREAM_LOG_INFO = 6,
	AUDITSTREAM_LOG_DEBUG = 7
};

/* ---------------------------------------------------------------- events */

/*
 * Event flags.  AUDITSTREAM_EVENT_LOSS marks an event the core made itself to
 * report a loss in-band (kernel lost counter, ENOBUFS, missed serials, a
 * queue overflow); its JSON is {"type":"auditstream_loss","reason":...}.
 */
#define AUDITSTREAM_EVENT_LOSS 0x1u

/*
 * One audit event, already rendered in the output's format (config `format`):
 * "goaudit" {"sequence":N,"timestamp":...,"messages":[...],"uid_map":{...}},
 * "enriched" {"serial":N,"time":...,"node":...,"SYSCALL":{...},...}, or "raw"
 * {"serial":N,"time":...,"node":...,"records":["type=... msg=audit(...): ...",...]}
 * -- always one JSON object, whatever the format.  Events are borrowed and
 * immutable: valid only during the write() call that passes them; copy what
 * you keep.  The same event is shared by every output of the same format.
 */
struct auditstream_event {
	uint32_t struct_size;	/* sizeof(struct auditstream_event) of the core */
	uint32_t flags;		/* AUDITSTREAM_EVENT_* */
	uint64_t serial;	/* kernel serial; for loss events, the last serial seen */
	int64_t time_ns;	/* event time, ns since the epoch (kernel ms precision) */
	const char *json;	/* the event as one line of JSON, valid UTF-8, no '\n' */
	size_t json_len;	/* strlen(json) */
	const char *node;	/* node name (config `node`, default the hostname) */
};

/* --------------------------------------------------------------- options */

enum auditstream_opt_type {
	AUDITSTREAM_OPT_STRING = 1,
	AUDITSTREAM_OPT_INT = 2,	/* 64-bit signed */
	AUDITSTREAM_OPT_BOOL = 3,
	/*
	 * A group of free-form scalar settings passed through as strings
	 * (e.g. librdkafka properties); read it with host->opt_foreach().
	 */
	AUDITSTREAM_OPT_PASSTHROUGH = 4
};

/*
 * One option a plugin accepts, in the output's config group.  The core
 * validates the group against the table before create(): unknown keys, wrong
 * types and missing required options are config errors naming file and
 * line.  A table ends with an entry whose name is NULL.
 */
struct auditstream_option {
	const char *name;
	enum auditstream_opt_type type;
	const char *default_value;	/* as text ("0600", "true", "512"); NULL: none */
	int required;			/* non-zero: the operator must set it */
	const char *help;		/* one line, for documentation and errors */
};

/* ------------------------------------------------------------------ host */

/* Opaque: one per configured output, handed to create(). */
struct auditstream_ctx;

/*
 * What the core offers a plugin.  Check struct_size before using a member
 * added after minor 0 (none yet).
 */
struct auditstream_host {
	uint32_t struct_size;
	uint32_t abi_major;
	uint32_t abi_minor;

	/* printf-style logging, prefixed with the output's name. */
	void (*log)(struct auditstream_ctx *ctx, int level, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

	/* The configured node name. */
	const char *(*node)(struct auditstream_ctx *ctx);

	/* The output's name (config `name`, default the plugin's name). */
	const char *(*output_name)(struct auditstream_ctx *ctx);

	/*
	 * Option values, validated and with defaults applied.  Asking for a
	 * name that is not in the plugin's table, or with the wrong type,
	 * returns NULL / 0.  Strings live as long as the instance.
	 */
	const char *(*opt_string)(struct auditstream_ctx *ctx, const char *name);
	int64_t (*opt_int)(struct auditstream_ctx *ctx, const char *name);
	int (*opt_bool)(struct auditstream_ctx *ctx, const char *name);

	/*
	 * Calls fn(key, value, arg) for each setting of a PASSTHROUGH group;
	 * stops early and returns fn's value when it is non-zero.
	 */
	int (*opt_foreach)(struct auditstream_ctx *ctx, const char *group,
			   int (*fn)(const char *key, const char *value, void *arg),
			   void *arg);

	/*
	 * Adds delta to a plugin-defined counter of this output, reported with
	 * the core's stats as <output>.<counter>.  Counter names are
	 * [a-z0-9_]+; a plugin may use at most 16 distinct names.
	 */
	void (*count)(struct auditstream_ctx *ctx, const char *counter, uint64_t delta);

	/*
	 * Reports that the plugin gave up on `n` events for good -- the peer
	 * rejected them as invalid (an HTTP 400, say), so retrying cannot
	 * help.  The core counts them as dropped, logs it, and puts a loss
	 * event {"type":"auditstream_loss","reason":<reason>,...} into this
	 * output's stream.  The plugin still counts them in *done.  `reason` is
	 * a short [a-z0-9_]+ word, e.g. "rejected".
	 */
	void (*drop)(struct auditstream_ctx *ctx, uint64_t n, const char *reason);
};

/* ---------------------------------------------------------------- plugin */

struct auditstream_plugin {
	/* The first three members never move, in any major. */
	uint32_t abi_major;	/* AUDITSTREAM_ABI_MAJOR the plugin was built with */
	uint32_t abi_minor;	/* AUDITSTREAM_ABI_MINOR the plugin was built with */
	uint32_t struct_size;	/* sizeof(struct auditstream_plugin) */

	const char *name;		/* must equal the file name without ".so" */
	const char *version;		/* the plugin's own version */
	const char *description;	/* one line */
	const struct auditstream_option *options;	/* NULL-name terminated; may be NULL */

	/* Required.  Returns 0 and sets *instance, or a negative errno. */
	int (*create)(const struct auditstream_host *host,
		      struct auditstream_ctx *ctx, void **instance);

	/*
	 * Required.  Writes events[0..n-1] in order.  Sets *done to the number
	 * written, from the start, when it returns RETRY (and may leave it
	 * alone on OK, which means n).  The core never passes n == 0.
	 */
	int (*write)(void *instance, const struct auditstream_event *const *events,
		     size_t n, size_t *done);

	/* Optional (NULL: nothing to flush).  Returns OK, RETRY or FATAL. */
	int (*flush)(void *instance);

	/* Optional (NULL: nothing to reopen).  Returns 0 or a negative errno. */
	int (*reopen)(void *instance);

	/* Required.  Releases everything; called after the last flush(). */
	void (*destroy)(void *instance);
};

/* Fills the three leading members of a descriptor. */
#define AUDITSTREAM_PLUGIN_HEADER \
	.abi_major = AUDITSTREAM_ABI_MAJOR, \
	.abi_minor = AUDITSTREAM_ABI_MINOR, \
	.struct_size = sizeof(struct auditstream_plugin)

/* The entry point every plugin defines. */
const struct auditstream_plugin *auditstream_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* AUDITSTREAM_PLUGIN_H */
