/* tests/plugins/slow.c -- appends events to a file, sleeping delay_ms per
 * batch: an output slower than the input, to fill its queue. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <auditstream/plugin.h>

struct slow {
	FILE *f;
	int64_t delay_ms;
};

static const struct auditstream_option options[] = {
	{ .name = "path", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1, .help = "file to append to" },
	{ .name = "delay_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "100", .required = 0, .help = "sleep per batch" },
	{ 0 }
};

static int slow_create(const struct auditstream_host *h, struct auditstream_ctx *c, void **i)
{
	struct slow *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->delay_ms = h->opt_int(c, "delay_ms");
	if (!(s->f = fopen(h->opt_string(c, "path"), "a"))) {
		free(s);
		return -errno;
	}
	*i = s;
	return 0;
}

static int slow_write(void *i, const struct auditstream_event *const *e, size_t n, size_t *done)
{
	struct slow *s = i;
	struct timespec ts = { s->delay_ms / 1000, (s->delay_ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
	for (size_t k = 0; k < n; k++)
		fprintf(s->f, "%s\n", e[k]->json);
	fflush(s->f);
	*done = n;
	return AUDITSTREAM_OK;
}

static void slow_destroy(void *i)
{
	struct slow *s = i;
	fclose(s->f);
	free(s);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "slow",
	.version = "0",
	.description = "test: a slow file output",
	.options = options,
	.create = slow_create,
	.write = slow_write,
	.destroy = slow_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
