/*
 * null.c -- the smallest complete auditstream output plugin.
 *
 * It accepts events and throws them away, counting them, and shows every
 * part of the ABI a plugin needs: the entry symbol, the descriptor, an
 * option table with a range and a list of choices, check(), create(),
 * write(), flush(), destroy() and the host table.
 *
 * Build, test and install it with the Makefile beside it (see README):
 *   make            builds null.so (hidden visibility: only the entry point
 *                   is exported, by AUDITSTREAM_PLUGIN_EXPORT)
 *   make check      replays fixture.log through auditstream into null.so
 *   make install    copies null.so into `pkg-config --variable=plugindir
 *                   auditstream-plugin`
 * Then configure:
 *   outputs = ( { plugin = "null"; report_every = 1000; } );
 * or, without installing, by absolute path:
 *   outputs = ( { plugin = "/home/me/null/null.so"; } );
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <auditstream/plugin.h>

struct null_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	int64_t report_every;
	uint64_t seen, losses;
};

static const char *const summaries[] = { "none", "exit", NULL };

static const struct auditstream_option options[] = {
	{ .name = "report_every", .type = AUDITSTREAM_OPT_INT, .default_value = "0",
	  .help = "log a line every N events (0: never)", .min = 0, .max = 1000000000 },
	{ .name = "summary", .type = AUDITSTREAM_OPT_STRING, .default_value = "exit",
	  .help = "\"exit\": log the events received at exit; \"none\"", .choices = summaries },
	{ 0 }
};

/* Values the table cannot judge are checked here, for --check-config and
 * before create().  This plugin has none that the table misses, so it only
 * shows the shape: report each bad value with host->opt_error(). */
static int null_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	if (host->opt_int(ctx, "report_every") == 1) {
		host->opt_error(ctx, "report_every", "1 would log every event: use 0 or 2 and more");
		return -EINVAL;
	}
	return 0;
}

static int null_create(const struct auditstream_host *host, struct auditstream_ctx *ctx,
		       void **instance)
{
	struct null_out *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->host = host;
	n->ctx = ctx;
	n->report_every = host->opt_int(ctx, "report_every");
	host->log(ctx, AUDITSTREAM_LOG_DEBUG, "format %s", host->format(ctx));
	*instance = n;
	return 0;
}

static int null_write(void *instance, const struct auditstream_event *const *events,
		      size_t count, size_t *done)
{
	struct null_out *n = instance;

	for (size_t i = 0; i < count; i++) {
		n->seen++;
		n->losses += (events[i]->flags & AUDITSTREAM_EVENT_LOSS) != 0;
		if (n->report_every > 0 && n->seen % (uint64_t)n->report_every == 0)
			n->host->log(n->ctx, AUDITSTREAM_LOG_INFO, "%llu events, last serial %llu",
				     (unsigned long long)n->seen,
				     (unsigned long long)events[i]->serial);
	}
	n->host->count(n->ctx, "discarded", count);
	*done = count;
	return AUDITSTREAM_OK;
}

static int null_flush(void *instance)
{
	(void)instance;
	return AUDITSTREAM_OK;
}

static void null_destroy(void *instance)
{
	struct null_out *n = instance;

	if (strcmp(n->host->opt_string(n->ctx, "summary"), "exit") == 0)
		n->host->log(n->ctx, AUDITSTREAM_LOG_INFO, "received %llu events (%llu loss reports)",
			     (unsigned long long)n->seen, (unsigned long long)n->losses);
	free(n);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "null",
	.version = "1.1",
	.description = "discards events (SDK example)",
	.options = options,
	.check = null_check,
	.create = null_create,
	.write = null_write,
	.flush = null_flush,
	.destroy = null_destroy,
};

/* AUDITSTREAM_PLUGIN_EXPORT is on the header's declaration already; saying
 * it again here makes the intent plain. */
AUDITSTREAM_PLUGIN_EXPORT
const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
