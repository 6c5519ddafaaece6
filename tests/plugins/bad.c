/* tests/plugins/bad.c -- a plugin that is wrong in one way, chosen at build
 * time, for the loader's refusal tests: BAD_MAJOR, BAD_MINOR, BAD_SIZE,
 * BAD_NO_SYMBOL, or a BAD_NAME that is not its file name; BAD_OPTIONS adds
 * an option table (BAD_DUP_OPTION: with a name declared twice;
 * BAD_NO_OPTION_SIZE: ABI 1.1 without the table's element size).  Built
 * against sdk/abi/1.0's header it is a plugin of ABI 1.0 (options of the
 * 1.0 element size); built with -fvisibility=hidden it checks that the
 * header's AUDITSTREAM_PLUGIN_EXPORT keeps the entry point visible.
 * BAD_MISUSE: a plugin that loads fine but misuses the host table in
 * write() (a log level of 9, a counter name "Bad Name!", a 17th counter, a
 * drop reason "Bad Reason!"), each time, for the core to report once. */
#include <stdlib.h>

#include <auditstream/plugin.h>

#ifndef BAD_MAJOR
#define BAD_MAJOR AUDITSTREAM_ABI_MAJOR
#endif
#ifndef BAD_MINOR
#define BAD_MINOR AUDITSTREAM_ABI_MINOR
#endif
#ifndef BAD_SIZE
#define BAD_SIZE sizeof(struct auditstream_plugin)
#endif

#ifdef BAD_MISUSE
#include <stdio.h>

static const struct auditstream_host *host;
static struct auditstream_ctx *ctx;
#endif

static int bad_create(const struct auditstream_host *h, struct auditstream_ctx *c, void **i)
{
	(void)h;
	(void)c;
#ifdef BAD_MISUSE
	host = h;
	ctx = c;
	h->log(c, AUDITSTREAM_LOG_INFO, "format %s", h->format(c));	/* ABI 1.1 */
#endif
	*i = NULL;
	return 0;
}

static int bad_write(void *i, const struct auditstream_event *const *e, size_t n, size_t *done)
{
	(void)i;
	(void)e;
#ifdef BAD_MISUSE
	host->log(ctx, 9, "a message at level 9");
	host->count(ctx, "Bad Name!", 1);
	for (int k = 0; k < 17; k++) {
		char name[16];
		snprintf(name, sizeof(name), "c%d", k);
		host->count(ctx, name, 1);
	}
	if (e[0]->serial == 2)
		host->drop(ctx, 1, "Bad Reason!");
#endif
	*done = n;
	return AUDITSTREAM_OK;
}

static void bad_destroy(void *i)
{
	(void)i;
}

#ifdef BAD_OPTIONS
/* Positional, as a 1.0 plugin wrote them: the 1.0 header has no more. */
static const struct auditstream_option options[] = {
	{ "level", AUDITSTREAM_OPT_INT, "3", 0, "a number" },
	{ "label", AUDITSTREAM_OPT_STRING, "x", 0, "a word" },
#ifdef BAD_DUP_OPTION
	{ "level", AUDITSTREAM_OPT_BOOL, "true", 0, "the same name again" },
#endif
	{ "on", AUDITSTREAM_OPT_BOOL, "true", 0, "a switch" },
	{ NULL, 0, NULL, 0, NULL }
};
#endif

static const struct auditstream_plugin plugin = {
	.abi_major = BAD_MAJOR,
	.abi_minor = BAD_MINOR,
	.struct_size = BAD_SIZE,
	.name = BAD_NAME,
	.version = "0",
	.description = "deliberately broken",
	.create = bad_create,
	.write = bad_write,
	.destroy = bad_destroy,
#ifdef BAD_OPTIONS
	.options = options,
#if AUDITSTREAM_ABI_MINOR >= 1 && !defined(BAD_NO_OPTION_SIZE)
	.option_size = sizeof(struct auditstream_option),
#endif
#endif
};

#ifdef BAD_NO_SYMBOL
const struct auditstream_plugin *some_other_entry(void);
const struct auditstream_plugin *some_other_entry(void)
#else
const struct auditstream_plugin *auditstream_plugin_entry(void)
#endif
{
	return &plugin;
}
