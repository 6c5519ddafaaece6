/*
 * tests/sdk/null10.c -- the SDK example as ABI 1.0 shipped it (sdk/examples/null
 * at the 1.0 baseline), kept to build against sdk/abi/1.0: a 1.0 plugin
 * source must keep building and its binary keep loading.
 *
 * null.c -- the smallest complete auditstream output plugin.
 *
 * It accepts events and throws them away, counting them, and shows every
 * part of the ABI a plugin needs: the entry symbol, the descriptor, an
 * option table, create/write/flush/destroy and the host table.
 *
 * Build it out of tree against the installed SDK:
 *   cc -shared -fPIC -Wall $(pkg-config --cflags auditstream-plugin) -o null.so null.c
 * and install null.so into auditstream's plugin_dir.  Then configure:
 *   outputs = ( { plugin = "null"; report_every = 1000; } );
 */
#include <errno.h>
#include <stdlib.h>

#include <auditstream/plugin.h>

struct null_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	int64_t report_every;
	uint64_t seen;
};

static const struct auditstream_option options[] = {
	{ "report_every", AUDITSTREAM_OPT_INT, "0", 0, "log a line every N events (0: never)" },
	{ NULL, 0, NULL, 0, NULL }
};

static int null_create(const struct auditstream_host *host, struct auditstream_ctx *ctx,
		       void **instance)
{
	struct null_out *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->host = host;
	n->ctx = ctx;
	n->report_every = host->opt_int(ctx, "report_every");
	*instance = n;
	return 0;
}

static int null_write(void *instance, const struct auditstream_event *const *events,
		      size_t count, size_t *done)
{
	struct null_out *n = instance;

	for (size_t i = 0; i < count; i++) {
		n->seen++;
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
	free(instance);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "null",
	.version = "1.0",
	.description = "discards events (SDK example)",
	.options = options,
	.create = null_create,
	.write = null_write,
	.flush = null_flush,
	.destroy = null_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
