/* core/output/host.c -- the host table: what the core offers plugins. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format/format.h"
#include "output/output.h"
#include "util/log.h"

/* A plugin's misuse of the host table, logged once per output and kind:
 * what it asked for is never dropped without a word. */
static void plugin_bug(struct output *o, unsigned kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void plugin_bug(struct output *o, unsigned kind, const char *fmt, ...)
{
	char prefix[160];
	va_list ap;

	if (atomic_fetch_or(&o->plugin_bugs, kind) & kind)
		return;
	snprintf(prefix, sizeof(prefix), "output %s: plugin \"%s\" bug (reported once)", o->cfg->name,
		 o->plugin.desc.name ? o->plugin.desc.name : "?");
	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, prefix, fmt, ap);
	va_end(ap);
}

/* [a-z0-9_]+ shorter than len: a counter name or a drop reason. */
static int word_valid(const char *s, size_t len)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n > 0 && n < len;
}

static void host_log(struct auditstream_ctx *ctx, int level, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	if (level < AUDITSTREAM_LOG_ERR || level > AUDITSTREAM_LOG_DEBUG) {
		plugin_bug(ctx->out, PLUGIN_BUG_LEVEL, "log level %d is not 3 (err) .. 7 (debug): "
			   "its messages are logged as errors", level);
		level = AUDITSTREAM_LOG_ERR;
	}
	snprintf(prefix, sizeof(prefix), "output %s", ctx->out->cfg->name);
	va_start(ap, fmt);
	log_vmsg(level, prefix, fmt, ap);
	va_end(ap);
}

static const char *host_node(struct auditstream_ctx *ctx)
{
	return ctx->out->node;
}

static const char *host_output_name(struct auditstream_ctx *ctx)
{
	return ctx->out->cfg->name;
}

static const char *host_opt_string(struct auditstream_ctx *ctx, const char *name)
{
	const struct opt_value *v = options_get(&ctx->out->opts, name, AUDITSTREAM_OPT_STRING);
	return v ? v->str : NULL;
}

static int64_t host_opt_int(struct auditstream_ctx *ctx, const char *name)
{
	const struct opt_value *v = options_get(&ctx->out->opts, name, AUDITSTREAM_OPT_INT);
	return v ? v->i : 0;
}

static int host_opt_bool(struct auditstream_ctx *ctx, const char *name)
{
	const struct opt_value *v = options_get(&ctx->out->opts, name, AUDITSTREAM_OPT_BOOL);
	return v ? v->b : 0;
}

static const char *scalar_text(const config_setting_t *s, char *buf, size_t len)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING: return config_setting_get_string(s);
	case CONFIG_TYPE_BOOL: return config_setting_get_bool(s) ? "true" : "false";
	case CONFIG_TYPE_FLOAT: snprintf(buf, len, "%g", config_setting_get_float(s)); return buf;
	default: snprintf(buf, len, "%lld", config_setting_get_int64(s)); return buf;
	}
}

static int host_opt_foreach(struct auditstream_ctx *ctx, const char *group,
			    int (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	const struct opt_value *v = options_get(&ctx->out->opts, group, AUDITSTREAM_OPT_PASSTHROUGH);
	char num[64];
	int rc;

	if (!v || !v->group)
		return 0;
	for (int i = 0; i < config_setting_length(v->group); i++) {
		const config_setting_t *s = config_setting_get_elem(v->group, (unsigned)i);
		if ((rc = fn(config_setting_name(s), scalar_text(s, num, sizeof(num)), arg)) != 0)
			return rc;
	}
	return 0;
}

static void host_count(struct auditstream_ctx *ctx, const char *counter, uint64_t delta)
{
	struct output *o = ctx->out;
	unsigned n = atomic_load(&o->ncounters);

	for (unsigned i = 0; counter && i < n; i++)
		if (strcmp(o->counter_name[i], counter) == 0) {
			atomic_fetch_add(&o->counter_val[i], delta);
			return;
		}
	if (!word_valid(counter, sizeof(o->counter_name[0]))) {
		plugin_bug(o, PLUGIN_BUG_COUNTER_NAME, "counter name \"%s\" is not [a-z0-9_]+ of at "
			   "most %zu bytes: its counts are not kept", counter ? counter : "(null)",
			   sizeof(o->counter_name[0]) - 1);
		return;
	}
	if (n == OUTPUT_MAX_COUNTERS) {
		plugin_bug(o, PLUGIN_BUG_COUNTERS_FULL, "counter \"%s\" is one more than the %d a "
			   "plugin may use: its counts are not kept", counter, OUTPUT_MAX_COUNTERS);
		return;
	}
	/* Only the output's own thread adds names; readers see n after the name. */
	strcpy(o->counter_name[n], counter);
	atomic_store(&o->counter_val[n], delta);
	atomic_store(&o->ncounters, n + 1);
}

/* Called from the output's own thread (inside write() or flush()).  The
 * worker settles it after the call: the events leave `written` for
 * dropped.<reason>, at most as many as the plugin had counted in *done. */
static void host_drop(struct auditstream_ctx *ctx, uint64_t n, const char *reason)
{
	struct output *o = ctx->out;

	if (n == 0)
		return;
	if (!word_valid(reason, 32)) {
		plugin_bug(o, PLUGIN_BUG_DROP_REASON, "drop reason \"%s\" is not [a-z0-9_]+ of at most "
			   "31 bytes: counted as \"plugin_dropped\"", reason ? reason : "(null)");
		reason = "plugin_dropped";
	}
	log_warn("output %s: %llu events dropped by the plugin: %s", o->cfg->name,
		 (unsigned long long)n, reason ? reason : "?");
	o->drop_pending[account_reason(&o->acct, reason)] += n;
}

/* ------------------------------------------------------------ ABI 1.1 */

static const char *host_format(struct auditstream_ctx *ctx)
{
	return formats[ctx->out->cfg->format]->name;
}

/* A plugin's complaint about one of its values, placed like the core's
 * config errors: at the key's line, or the group's when it is not set. */
static void host_opt_error(struct auditstream_ctx *ctx, const char *key, const char *fmt, ...)
{
	struct output *o = ctx->out;
	const config_setting_t *s = key ? config_setting_get_member(o->cfg->group, key) : NULL;
	char where[512], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_where(s ? s : o->cfg->group, where, sizeof(where));
	if (s)
		log_err("%s: %s (plugin \"%s\")", where, msg, o->plugin.desc.name);
	else
		log_err("%s: %s%s%s (plugin \"%s\")", where, key ? key : "", key ? ": " : "", msg,
			o->plugin.desc.name);
	o->opt_errors++;
}

const struct auditstream_host output_host = {
	.struct_size = sizeof(struct auditstream_host),
	.abi_major = AUDITSTREAM_ABI_MAJOR,
	.abi_minor = AUDITSTREAM_ABI_MINOR,
	.log = host_log,
	.node = host_node,
	.output_name = host_output_name,
	.opt_string = host_opt_string,
	.opt_int = host_opt_int,
	.opt_bool = host_opt_bool,
	.opt_foreach = host_opt_foreach,
	.count = host_count,
	.drop = host_drop,
	.format = host_format,
	.opt_error = host_opt_error,
};
