/*
 * auditstream/plugin.h -- the output plugin ABI of auditstream.
 *
 * This header is the whole contract between the auditstream daemon ("the
 * core") and an output plugin ("a sink").  A plugin includes nothing else
 * from auditstream, and the core includes nothing of a plugin's.  The
 * header-only helpers in <auditstream/util.h> are outside this ABI.
 *
 * A PLUGIN IN ONE PAGE
 *
 *   A plugin is a shared object that exports exactly one symbol:
 *
 *       AUDITSTREAM_PLUGIN_EXPORT
 *       const struct auditstream_plugin *auditstream_plugin_entry(void);
 *
 *   (the declaration below carries AUDITSTREAM_PLUGIN_EXPORT, so a build
 *   with -fvisibility=hidden still exports it).  The config names it with
 *   `plugin = "NAME"` (loaded as <plugin_dir>/NAME.so) or with an absolute
 *   path `plugin = "/path/to/NAME.so"`; either way the file and every
 *   directory above it must be owned by root (or the daemon's user) and not
 *   writable by group or others.  The core loads the file it checked
 *   through its descriptor (dlopen of /proc/self/fd/N), so an RPATH of
 *   $ORIGIN does not name the plugin's directory: link libraries by
 *   absolute RPATH or from the system's paths.
 *
 *   The descriptor it returns names the plugin, declares its options and
 *   holds its callbacks.  The core calls them like this, per configured
 *   output (one plugin may back several outputs, each its own instance):
 *
 *       check(host, ctx)                    --check-config and before create
 *       create(host, ctx, &instance)        once, options already validated
 *       write(instance, events, n, &done)   many times, from one thread
 *       flush(instance)                     when the queue drains, at exit
 *       reopen(instance)                    on SIGHUP
 *       destroy(instance)                   once
 *
 *   check(), create() and destroy() run on the daemon's main thread (and
 *   create() again on the output's worker thread after it said -EAGAIN);
 *   write(), flush() and reopen() run on the output's own worker thread.
 *   No two callbacks of one instance ever run at the same time, so an
 *   instance needs no locking.  The core owns threads, queues, retries and
 *   backoff: a plugin starts no threads of its own unless a library it uses
 *   does.
 *
 *   The author kit (installed with the SDK: see auditstream-plugin(3) and
 *   `pkg-config --variable=examplesdir auditstream-plugin`) holds a complete
 *   plugin, its Makefile and a test recipe.  Build yours with
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
 *   before reading a member added after minor 0.  The option table is an
 *   array: its element size is declared in the descriptor (option_size,
 *   set by AUDITSTREAM_PLUGIN_HEADER), so its element can grow too.
 *
 *   Minor 1 added: check(), create() returning -EAGAIN, option_size with
 *   INT ranges and STRING choices, host->format() and host->opt_error(),
 *   AUDITSTREAM_PLUGIN_EXPORT.
 *
 * RETURN CODES
 *
 *   write() and flush() return an int, one of enum auditstream_status:
 *     AUDITSTREAM_OK     done (for write: all n events are written)
 *     AUDITSTREAM_RETRY  transient failure (peer down, disk full).  write:
 *                        the core keeps events done..n-1, waits with capped,
 *                        jittered exponential backoff (config `retry`) and
 *                        calls write() again with them (or spools them).
 *                        flush: the core backs off and calls flush() again,
 *                        until OK, FATAL or the drain deadline at exit.
 *     AUDITSTREAM_FATAL  the output cannot go on: the core disables it and
 *                        keeps running.  For write, events 0..done-1 count
 *                        as written; done..n-1 and everything queued behind
 *                        them are dropped (reason "output_failed").
 *   Any other value is taken as AUDITSTREAM_FATAL.
 *
 *   check() returns 0, or -EINVAL after reporting each bad value through
 *   host->opt_error() (the core prints it with the config file and line).
 *
 *   create() returns 0 and sets *instance, or a negative errno value after
 *   logging why through the host:
 *     -EAGAIN      not yet (a broker not reachable, a database locked): the
 *                  output starts in the retry state, its events are queued
 *                  (or spooled) and create() is called again, from the
 *                  output's worker thread, with the output's backoff.
 *     -EINVAL etc. a configuration error: the daemon does not start.
 *
 *   reopen() returns 0 or a negative errno value; on failure the core logs
 *   it and the instance goes on as it was (write() is called as before, and
 *   may return RETRY until its target is back).
 */
#ifndef AUDITSTREAM_PLUGIN_H
#define AUDITSTREAM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AUDITSTREAM_ABI_MAJOR 1
#define AUDITSTREAM_ABI_MINOR 1

/* The name of the one symbol a plugin exports. */
#define AUDITSTREAM_PLUGIN_ENTRY "auditstream_plugin_entry"

/*
 * Makes the entry point visible whatever the build's default visibility
 * (-fvisibility=hidden).  It is on the declaration below; a definition
 * may repeat it.
 */
#if defined(__GNUC__) || defined(__clang__)
#define AUDITSTREAM_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define AUDITSTREAM_PLUGIN_EXPORT
#endif

enum auditstream_status {
	AUDITSTREAM_OK = 0,
	AUDITSTREAM_RETRY = 1,
	AUDITSTREAM_FATAL = 2
};

/* Log levels, the syslog(3) priorities of the same names.  Any other level
 * is logged once as a plugin bug, and the message at AUDITSTREAM_LOG_ERR. */
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
 * -- always one JSON object, whatever the format (host->format() names it).  Events are borrowed and
 * immutable: valid only during the write() call that passes them; copy what
 * you keep.  The same event is shared by every output of the same format.
 */
struct auditstream_event {
	uint32_t struct_size;	/* sizeof(struct auditstream_event) of the core */
	uint32_t flags;		/* AUDITSTREAM_EVENT_* */
	uint64_t serial;	/* kernel serial; for loss events, the last serial
				 * seen, or 0 when the loss has no place in the
				 * serial order (a plugin's or the spool's) */
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
 * validates the group against the table before check() and create():
 * unknown keys, wrong types, missing required options, INT values out of
 * range and STRING values not among the choices are config errors naming
 * file and line.  A table ends with an entry whose name is NULL.
 *
 * The table itself is checked when the plugin is loaded, and the plugin is
 * refused (naming its path and the option) for: a name not [a-z0-9_]+ (at
 * most 63 bytes) or one of the core's keys (plugin, name, format, queue,
 * spool, filters, ...), a name declared twice, an unknown type, a default
 * that its type cannot hold or that is out of range or not a choice, an
 * empty range (min > max) or choices on a non-STRING option.
 *
 * The core steps through the array by the descriptor's option_size, so
 * members appended here in a later minor never shift an older plugin's
 * table.
 */
struct auditstream_option {
	const char *name;
	enum auditstream_opt_type type;
	const char *default_value;	/* as text ("0600", "true", "512"); NULL: none */
	int required;			/* non-zero: the operator must set it */
	const char *help;		/* one line, for documentation and errors */
	/* ABI 1.1: */
	int64_t min;			/* INT: the range [min, max], checked when */
	int64_t max;			/*   min < max; both 0: any 64-bit value */
	const char *const *choices;	/* STRING: the values allowed, NULL-
					 * terminated (listed in the error); NULL: any */
};

/* ------------------------------------------------------------------ host */

/* Opaque: one per configured output, handed to create(). */
struct auditstream_ctx;

/*
 * What the core offers a plugin.  Check struct_size before using a member
 * added after minor 0 (format, opt_error: minor 1), e.g.
 *   if (host->struct_size > offsetof(struct auditstream_host, format)) ...
 */
struct auditstream_host {
	uint32_t struct_size;
	uint32_t abi_major;
	uint32_t abi_minor;

	/* printf-style logging, prefixed with the output's name.  level is an
	 * enum auditstream_log_level. */
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
	 * [a-z0-9_]+ of at most 31 bytes; a plugin may use at most 16 distinct
	 * names.  A bad name, or a 17th, is logged once as a plugin bug and
	 * its counts are not kept.
	 */
	void (*count)(struct auditstream_ctx *ctx, const char *counter, uint64_t delta);

	/*
	 * Reports that the plugin gave up on `n` events for good -- the peer
	 * rejected them as invalid (an HTTP 400, say), so retrying cannot
	 * help.  The core counts them as dropped, logs it, and puts a loss
	 * event {"type":"auditstream_loss","reason":<reason>,...} into this
	 * output's stream.  The plugin still counts them in *done.  `reason` is
	 * a short [a-z0-9_]+ word of at most 31 bytes, e.g. "rejected"; a bad
	 * one is logged once as a plugin bug and reported as "plugin_dropped".
	 */
	void (*drop)(struct auditstream_ctx *ctx, uint64_t n, const char *reason);

	/* ABI 1.1: */

	/* The output's format (config `format`): "goaudit", "enriched" or "raw". */
	const char *(*format)(struct auditstream_ctx *ctx);

	/*
	 * For check() (and create()): reports that option `key` has a bad
	 * value.  The core logs it as a config error with the file and line of
	 * the key (of the output's group when the key is not set):
	 *   /etc/auditstream/auditstream.conf:12: output "events": mode: <message>
	 */
	void (*opt_error)(struct auditstream_ctx *ctx, const char *key, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
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

	/* Required.  Returns 0 and sets *instance, -EAGAIN for "not yet", or
	 * another negative errno (see RETURN CODES).  Main thread. */
	int (*create)(const struct auditstream_host *host,
		      struct auditstream_ctx *ctx, void **instance);

	/*
	 * Required.  Writes events[0..n-1] in order.  *done is 0 on entry;
	 * set it to the number written, from the start, when returning RETRY
	 * or FATAL (OK means all n, whatever *done says).  The core never
	 * passes n == 0.
	 */
	int (*write)(void *instance, const struct auditstream_event *const *events,
		     size_t n, size_t *done);

	/* Optional (NULL: nothing to flush).  Returns OK, RETRY or FATAL. */
	int (*flush)(void *instance);

	/* Optional (NULL: nothing to reopen).  Returns 0 or a negative errno;
	 * a failure is logged and the instance goes on as it was. */
	int (*reopen)(void *instance);

	/* Required.  Releases everything; called after the last flush(), on
	 * the main thread. */
	void (*destroy)(void *instance);

	/* ABI 1.1: */

	/*
	 * Optional.  Checks the option values the table cannot express (a
	 * file mode, an address, a file that must exist) without opening
	 * connections or creating files: `auditstream --check-config` calls it,
	 * and the daemon calls it before create().  Reports each bad value with
	 * host->opt_error() and returns -EINVAL, else 0.  No instance exists.
	 */
	int (*check)(const struct auditstream_host *host, struct auditstream_ctx *ctx);

	/* sizeof(struct auditstream_option) as the plugin was built; required
	 * from minor 1 on when options is not NULL. */
	uint32_t option_size;
};

/* Fills the leading members of a descriptor, and option_size. */
#define AUDITSTREAM_PLUGIN_HEADER \
	.abi_major = AUDITSTREAM_ABI_MAJOR, \
	.abi_minor = AUDITSTREAM_ABI_MINOR, \
	.struct_size = sizeof(struct auditstream_plugin), \
	.option_size = sizeof(struct auditstream_option)

/* The entry point every plugin defines. */
AUDITSTREAM_PLUGIN_EXPORT
const struct auditstream_plugin *auditstream_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* AUDITSTREAM_PLUGIN_H */
