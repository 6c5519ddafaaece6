/* tests/plugins/flaky.c -- appends events to a file but answers RETRY while
 * the file named by `down_flag` exists (a peer that is down), after writing
 * part of the batch, to exercise the core's retry with partial progress.
 * With fatal_flag present it answers FATAL; with reject_flag present it
 * gives the events up through host->drop().  While notready_flag exists,
 * create() says "not yet" (-EAGAIN), as a peer not reachable at start-up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <auditstream/plugin.h>

struct flaky {
	const struct auditstream_host *h;
	struct auditstream_ctx *c;
	FILE *f;
	const char *down, *fatal, *reject;
};

static const struct auditstream_option options[] = {
	{ .name = "path", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1, .help = "file to append to" },
	{ .name = "down_flag", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1, .help = "RETRY while this file exists" },
	{ .name = "fatal_flag", .type = AUDITSTREAM_OPT_STRING, .default_value = "/nonexistent", .required = 0, .help = "FATAL while this file exists" },
	{ .name = "notready_flag", .type = AUDITSTREAM_OPT_STRING, .default_value = "/nonexistent", .required = 0, .help = "create() returns -EAGAIN while this file exists" },
	{ .name = "reject_flag", .type = AUDITSTREAM_OPT_STRING, .default_value = "/nonexistent", .required = 0, .help = "drop events (host->drop) while this file exists" },
	{ 0 }
};

static int flaky_create(const struct auditstream_host *h, struct auditstream_ctx *c, void **i)
{
	struct flaky *s;

	if (access(h->opt_string(c, "notready_flag"), F_OK) == 0) {
		h->log(c, AUDITSTREAM_LOG_INFO, "not ready: %s exists", h->opt_string(c, "notready_flag"));
		return -EAGAIN;
	}
	if (!(s = calloc(1, sizeof(*s))))
		return -ENOMEM;
	s->h = h;
	s->c = c;
	s->down = h->opt_string(c, "down_flag");
	s->fatal = h->opt_string(c, "fatal_flag");
	s->reject = h->opt_string(c, "reject_flag");
	if (!(s->f = fopen(h->opt_string(c, "path"), "a"))) {
		free(s);
		return -errno;
	}
	*i = s;
	return 0;
}

static int flaky_write(void *i, const struct auditstream_event *const *e, size_t n, size_t *done)
{
	struct flaky *s = i;
	size_t k = 0;

	if (access(s->fatal, F_OK) == 0)
		return AUDITSTREAM_FATAL;
	if (access(s->reject, F_OK) == 0) {
		/* The peer refuses audit events for good (retrying cannot help)
		 * but takes the core's loss reports. */
		size_t rejected = 0;
		for (; k < n; k++) {
			if (e[k]->flags & AUDITSTREAM_EVENT_LOSS)
				fprintf(s->f, "%s\n", e[k]->json);
			else
				rejected++;
		}
		fflush(s->f);
		s->h->drop(s->c, rejected, "rejected");
		*done = n;
		return AUDITSTREAM_OK;
	}
	if (access(s->down, F_OK) == 0) {
		/* Half the batch gets through before the "connection" drops. */
		for (; k < n / 2; k++)
			fprintf(s->f, "%s\n", e[k]->json);
		fflush(s->f);
		*done = k;
		s->h->count(s->c, "refused", 1);
		return AUDITSTREAM_RETRY;
	}
	for (; k < n; k++)
		fprintf(s->f, "%s\n", e[k]->json);
	fflush(s->f);
	*done = n;
	return AUDITSTREAM_OK;
}

static void flaky_destroy(void *i)
{
	struct flaky *s = i;
	fclose(s->f);
	free(s);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "flaky",
	.version = "0",
	.description = "test: an output whose peer goes down",
	.options = options,
	.create = flaky_create,
	.write = flaky_write,
	.destroy = flaky_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
