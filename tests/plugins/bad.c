/* tests/plugins/bad.c -- a plugin that is wrong in one way, chosen at build
 * time, for the loader's refusal tests: BAD_MAJOR, BAD_MINOR, BAD_SIZE,
 * BAD_NO_SYMBOL, or a BAD_NAME that is not its file name; BAD_OPTIONS adds
 * an option table (BAD_DUP_OPTION: with a name declared twice).  Built
 * against sdk/abi/1.0's header it is a plugin of ABI 1.0 (options of the
 * 1.0 element size); built with -fvisibility=hidden it checks that the
 * header's AUDITSTREAM_PLUGIN_EXPORT keeps the entry point visible. */
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

static int bad_create(const struct auditstream_host *h, struct auditstream_ctx *c, void **i)
{
	(void)h;
	(void)c;
	*i = NULL;
	return 0;
}

static int bad_write(void *i, const struct auditstream_event *const *e, size_t n, size_t *done)
{
	(void)i;
	(void)e;
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
#if AUDITSTREAM_ABI_MINOR >= 1
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
