/* core/config/config.c -- load, check and read the configuration.
 *
 * The core's keys are described by a schema; anything not in it is an error
 * (a typo must not silently fall back to a default).  In an output's group
 * only the core's keys are checked here; the plugin's are checked against
 * its option table by the loader. */
#include "config/config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "config/config_file.h"
#include "config/where.h"
#include "format/format.h"
#include "util/log.h"
#include "util/suggest.h"

#ifndef PLUGINDIR
#define PLUGINDIR "/usr/lib/auditstream/plugins"
#endif
#ifndef STATEDIR
#define STATEDIR "/var/lib/auditstream"
#endif
#ifndef DAEMON_USER
#define DAEMON_USER ""
#endif

struct key {
	const char *name;
	int type;			/* CONFIG_TYPE_*; INT also accepts INT64 */
	const struct key *children;	/* for groups */
};

static const struct key input_keys[] = {
	{ "mode", CONFIG_TYPE_STRING, NULL },
	{ "enable", CONFIG_TYPE_BOOL, NULL },
	{ "event_timeout_ms", CONFIG_TYPE_INT, NULL },
	{ "status_interval_ms", CONFIG_TYPE_INT, NULL },
	{ "coalesce_ms", CONFIG_TYPE_INT, NULL },
	{ "load_rules", CONFIG_TYPE_BOOL, NULL },
	{ "path", CONFIG_TYPE_STRING, NULL },
	{ NULL, 0, NULL }
};
static const struct key socket_keys[] = {
	{ "receive", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key tracking_keys[] = {
	{ "enabled", CONFIG_TYPE_BOOL, NULL },
	{ "log_out_of_order", CONFIG_TYPE_BOOL, NULL },
	{ "max_out_of_order", CONFIG_TYPE_INT, NULL },
	{ "missed_after_ms", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key shutdown_keys[] = {
	{ "drain_time_ms", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key stats_keys[] = {
	{ "interval_s", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key metrics_keys[] = {
	{ "path", CONFIG_TYPE_STRING, NULL },
	{ "interval_s", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key canary_keys[] = {
	{ "enabled", CONFIG_TYPE_BOOL, NULL },
	{ "path", CONFIG_TYPE_STRING, NULL },
	{ "interval_ms", CONFIG_TYPE_INT, NULL },
	{ "deadline_ms", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key on_exit_keys[] = {
	{ "rules", CONFIG_TYPE_STRING, NULL },
	{ "enabled", CONFIG_TYPE_STRING, NULL },
	{ NULL, 0, NULL }
};
static const struct key events_keys[] = {
	{ "min", CONFIG_TYPE_INT, NULL },
	{ "max", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key top_keys[] = {
	{ "plugin_dir", CONFIG_TYPE_STRING, NULL },
	{ "state_dir", CONFIG_TYPE_STRING, NULL },
	{ "user", CONFIG_TYPE_STRING, NULL },
	{ "group", CONFIG_TYPE_STRING, NULL },
	{ "node", CONFIG_TYPE_STRING, NULL },
	{ "goaudit_container", CONFIG_TYPE_BOOL, NULL },
	{ "log_level", CONFIG_TYPE_STRING, NULL },
	{ "input", CONFIG_TYPE_GROUP, input_keys },
	{ "socket_buffer", CONFIG_TYPE_GROUP, socket_keys },
	{ "message_tracking", CONFIG_TYPE_GROUP, tracking_keys },
	{ "shutdown", CONFIG_TYPE_GROUP, shutdown_keys },
	{ "stats", CONFIG_TYPE_GROUP, stats_keys },
	{ "metrics", CONFIG_TYPE_GROUP, metrics_keys },
	{ "control_socket", CONFIG_TYPE_STRING, NULL },
	{ "outputs", CONFIG_TYPE_LIST, NULL },
	{ "events", CONFIG_TYPE_GROUP, events_keys },
	{ "filters", CONFIG_TYPE_LIST, NULL },
	{ "rules", CONFIG_TYPE_LIST, NULL },
	{ "rules_files", CONFIG_TYPE_LIST, NULL },
	{ "canary", CONFIG_TYPE_GROUP, canary_keys },
	{ "on_exit", CONFIG_TYPE_GROUP, on_exit_keys },
	{ NULL, 0, NULL }
};

static const struct key queue_keys[] = {
	{ "size", CONFIG_TYPE_INT, NULL },
	{ "max_bytes", CONFIG_TYPE_INT, NULL },
	{ "overflow", CONFIG_TYPE_STRING, NULL },
	{ "batch", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key retry_keys[] = {
	{ "initial_ms", CONFIG_TYPE_INT, NULL },
	{ "max_ms", CONFIG_TYPE_INT, NULL },
	{ NULL, 0, NULL }
};
static const struct key spool_keys[] = {
	{ "dir", CONFIG_TYPE_STRING, NULL },
	{ "max_bytes", CONFIG_TYPE_INT, NULL },
	{ "fsync", CONFIG_TYPE_BOOL, NULL },
	{ NULL, 0, NULL }
};
/* The core's keys in an output group; every other key is the plugin's. */
static const struct key output_keys[] = {
	{ "plugin", CONFIG_TYPE_STRING, NULL },
	{ "name", CONFIG_TYPE_STRING, NULL },
	{ "format", CONFIG_TYPE_STRING, NULL },
	{ "queue", CONFIG_TYPE_GROUP, queue_keys },
	{ "retry", CONFIG_TYPE_GROUP, retry_keys },
	{ "spool", CONFIG_TYPE_GROUP, spool_keys },
	{ "filters", CONFIG_TYPE_LIST, NULL },
	{ NULL, 0, NULL }
};

static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "true or false";
	case CONFIG_TYPE_GROUP: return "a group { ... }";
	case CONFIG_TYPE_ARRAY: return "an array [ ... ]";
	case CONFIG_TYPE_LIST: return "a list ( ... )";
	default: return "?";
	}
}

static int bad(const config_setting_t *s, const char *fmt, const char *arg)
{
	char where[512], msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	log_err("%s: %s", config_where(s, where, sizeof(where)), msg);
	return -EINVAL;
}

static int type_ok(int want, int got)
{
	if (want == CONFIG_TYPE_INT)
		return got == CONFIG_TYPE_INT || got == CONFIG_TYPE_INT64;
	if (want == CONFIG_TYPE_LIST)	/* ( ... ) or, for strings, [ ... ] */
		return got == CONFIG_TYPE_LIST || got == CONFIG_TYPE_ARRAY;
	return want == got;
}

static const struct key *find_key(const struct key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

/* "; did you mean \"enabled\"? valid keys: enabled, log_out_of_order, ..." */
static const char *key_hint(const struct key *keys, const char *name)
{
	static __thread char buf[512];
	struct suggest sg;
	size_t used;

	suggest_init(&sg, name);
	for (const struct key *k = keys; k->name; k++)
		suggest_try(&sg, k->name);
	if (suggest_result(&sg))
		used = (size_t)snprintf(buf, sizeof(buf), "; did you mean \"%s\"? valid keys:",
					suggest_result(&sg));
	else
		used = (size_t)snprintf(buf, sizeof(buf), "; valid keys:");
	for (const struct key *k = keys; k->name && used < sizeof(buf); k++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s %s",
					 k == keys ? "" : ",", k->name);
	return buf;
}

/* Checks a group's members against keys; unknown ones only when strict. */
static int check_group(const config_setting_t *g, const struct key *keys, int strict)
{
	int rc = 0;

	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const struct key *k = find_key(keys, config_setting_name(m));

		if (!k) {
			if (strict)
				rc = bad(m, "unknown key%s", key_hint(keys, config_setting_name(m)));
			continue;
		}
		if (!type_ok(k->type, config_setting_type(m)))
			rc = bad(m, "must be %s", type_name(k->type));
		else if (k->children && check_group(m, k->children, 1) < 0)
			rc = -EINVAL;
	}
	return rc;
}

static int get_uint(config_setting_t *g, const char *path, unsigned long long max,
		    unsigned long long *out)
{
	const config_setting_t *s = config_setting_lookup(g, path);
	long long v;

	if (!s)
		return 0;
	v = config_setting_get_int64(s);
	if (v < 0 || (unsigned long long)v > max) {
		char msg[64];
		snprintf(msg, sizeof(msg), "must be between 0 and %llu", max);
		return bad(s, "%s", msg);
	}
	*out = (unsigned long long)v;
	return 0;
}

static int get_bool(config_setting_t *g, const char *path, int *out)
{
	const config_setting_t *s = config_setting_lookup(g, path);
	if (s)
		*out = config_setting_get_bool(s);
	return 0;
}

static const char *get_str(config_setting_t *g, const char *path, const char *def)
{
	const config_setting_t *s = config_setting_lookup(g, path);
	return s ? config_setting_get_string(s) : def;
}

#define U(g, path, max, field) do { \
		unsigned long long v_ = (field); \
		if (get_uint((g), (path), (max), &v_) < 0) rc = -EINVAL; \
		else (field) = v_; \
	} while (0)

/* spool = { dir = "/var/lib/auditstream/spool/NAME"; max_bytes = 1073741824; fsync = false; } */
static int load_spool(struct spool_config *sp, config_setting_t *g)
{
	config_setting_t *sg = config_setting_lookup(g, "spool");
	unsigned long long max = 1ull << 30;
	int rc = 0;

	if (!sg)
		return 0;
	sp->dir = get_str(sg, "dir", NULL);
	if (!sp->dir)
		rc = bad(sg, "missing key \"dir\": the directory for this output's spool%s", "");
	else if (sp->dir[0] != '/' || strlen(sp->dir) > 200)
		rc = bad(config_setting_lookup(sg, "dir"),
			 "must be an absolute path of at most 200 bytes%s", "");
	if (get_uint(sg, "max_bytes", 1ull << 50, &max) < 0)
		rc = -EINVAL;
	else if (max < (1u << 20))
		rc = bad(config_setting_lookup(sg, "max_bytes"), "must be at least 1048576 (1 MiB)%s", "");
	sp->max_bytes = max;
	get_bool(sg, "fsync", &sp->fsync);
	return rc;
}

static int load_output(struct output_config *o, config_setting_t *g)
{
	const char *s;
	int rc = 0, f;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(g, "an output must be a group { plugin = \"...\"; ... }%s", "");
	if (check_group(g, output_keys, 0) < 0)
		return -EINVAL;
	o->group = g;
	o->plugin = get_str(g, "plugin", NULL);
	if (!o->plugin)
		return bad(g, "missing key \"plugin\"%s", "");
	if (o->plugin[0] == '/') {	/* a plugin by path is named after its file */
		const char *base = strrchr(o->plugin, '/') + 1;
		snprintf(o->path_name, sizeof(o->path_name), "%.*s", (int)strcspn(base, "."), base);
	}
	o->name = get_str(g, "name", o->path_name[0] ? o->path_name : o->plugin);
	s = get_str(g, "format", formats[0]->name);
	if ((f = format_find(s)) >= 0) {
		o->format = (unsigned)f;
	} else {
		char fmt[160];
		snprintf(fmt, sizeof(fmt), "unknown format \"%%s\" (known: %s)", format_list());
		rc = bad(config_setting_lookup(g, "format"), fmt, s);
	}
	if (filter_set_load(&o->filters, config_setting_lookup(g, "filters")) < 0)
		rc = -EINVAL;
	if (load_spool(&o->spool, g) < 0)
		rc = -EINVAL;
	o->queue_size = 65536;
	o->queue_max_bytes = QUEUE_MAX_BYTES_DEFAULT;
	o->overflow = OVERFLOW_DROP_NEWEST;
	o->batch_max = 256;
	o->retry_base_ms = 100;
	o->retry_max_ms = 30000;
	U(g, "queue.size", 1u << 24, o->queue_size);
	U(g, "queue.max_bytes", 1ull << 40, o->queue_max_bytes);
	U(g, "queue.batch", 65536, o->batch_max);
	U(g, "retry.initial_ms", 3600000, o->retry_base_ms);
	U(g, "retry.max_ms", 3600000, o->retry_max_ms);
	if (o->queue_size == 0)
		rc = bad(config_setting_lookup(g, "queue.size"), "must be at least 1%s", "");
	if (o->queue_max_bytes < QUEUE_MAX_BYTES_MIN)
		rc = bad(config_setting_lookup(g, "queue.max_bytes"), "must be at least 65536 (64 KiB)%s", "");
	if (o->batch_max == 0)
		rc = bad(config_setting_lookup(g, "queue.batch"), "must be at least 1%s", "");
	s = get_str(g, "queue.overflow", "drop_newest");
	if (strcmp(s, "drop_newest") == 0)
		o->overflow = OVERFLOW_DROP_NEWEST;
	else if (strcmp(s, "drop_oldest") == 0)
		o->overflow = OVERFLOW_DROP_OLDEST;
	else if (strcmp(s, "block") == 0)
		o->overflow = OVERFLOW_BLOCK;
	else
		rc = bad(config_setting_lookup(g, "queue.overflow"),
			 "unknown policy \"%s\" (known: drop_newest, drop_oldest, block)", s);
	return rc;
}

static int load_outputs(struct config *c, config_setting_t *list)
{
	int n = list ? config_setting_length(list) : 0, rc = 0;

	if (n == 0) {
		log_err("%s: no outputs: add at least one to \"outputs = ( ... )\"", c->path);
		return -EINVAL;
	}
	/* The pipeline marks the outputs that keep an event in one 64-bit word. */
	if (n > CONFIG_MAX_OUTPUTS) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%d outputs: at most %d", n, CONFIG_MAX_OUTPUTS);
		return bad(list, "%s", msg);
	}
	c->outputs = calloc((size_t)n, sizeof(*c->outputs));
	if (!c->outputs)
		return -ENOMEM;
	c->noutputs = (size_t)n;
	for (int i = 0; i < n; i++) {
		if (load_output(&c->outputs[i], config_setting_get_elem(list, (unsigned)i)) < 0) {
			rc = -EINVAL;
			continue;
		}
		for (int j = 0; j < i; j++)
			if (c->outputs[j].name && strcmp(c->outputs[j].name, c->outputs[i].name) == 0)
				rc = bad(c->outputs[i].group,
					 "two outputs are named \"%s\": set distinct names", c->outputs[i].name);
		for (int j = 0; j < i; j++)
			if (c->outputs[j].spool.dir && c->outputs[i].spool.dir &&
			    strcmp(c->outputs[j].spool.dir, c->outputs[i].spool.dir) == 0)
				rc = bad(config_setting_lookup(c->outputs[i].group, "spool.dir"),
					 "output \"%s\" spools to the same directory: each output needs its own",
					 c->outputs[j].name);
	}
	return rc;
}

static void set_defaults(struct config *c)
{
	c->plugin_dir = PLUGINDIR;
	c->user = DAEMON_USER;
	c->state_dir = STATEDIR;
	c->node = NULL;
	c->goaudit_container = 0;
	c->log_level = LOG_LVL_INFO;
	c->input_mode = INPUT_UNICAST;
	c->enable_audit = 1;
	c->event_timeout_ms = 2000;	/* go-audit's */
	c->status_interval_ms = 1000;
	c->coalesce_ms = CONFIG_COALESCE_AUTO;
	c->socket_rcvbuf = 16 * 1024 * 1024;
	c->tracking_enabled = 1;
	c->log_out_of_order = 0;
	/* go-audit has 500, but two CPUs under backlog pressure deliver serials
	 * late by thousands (bench/RESULTS.md, burst): the age check decides.
	 * The window is a bitmap, 8 KiB here. */
	c->max_out_of_order = 65536;
	c->missed_after_ms = 5000;
	c->drain_time_ms = 5000;
	c->stats_interval_s = 0;
	c->metrics_path = NULL;
	c->metrics_interval_s = 10;
	c->events_min = 0;
	c->events_max = 0xffffffffu;	/* go-audit's 1300..1399 would drop USER_*, AVC, ... */
	c->load_rules = -1;	/* unicast: yes, multicast: no */
	c->on_exit_rules = EXIT_RULES_CLEAR;
	c->on_exit_enabled = EXIT_ENABLED_RESTORE;
	c->canary.enabled = 0;
	c->canary.path = STATEDIR "/canary";
	c->canary.interval_ms = 10000;
	c->canary.deadline_ms = 5000;
}

/* rules, rules_files, input.load_rules, on_exit, canary. */
static int load_kernel_values(struct config *c, config_setting_t *root)
{
	const char *s;
	int rc = 0;

	c->rules = config_setting_lookup(root, "rules");
	c->rules_files = config_setting_lookup(root, "rules_files");
	get_bool(root, "input.load_rules", &c->load_rules);
	if (c->load_rules < 0)
		c->load_rules = c->input_mode == INPUT_UNICAST;
	s = get_str(root, "on_exit.rules", "clear");
	if (strcmp(s, "clear") == 0 || strcmp(s, "keep") == 0)
		c->on_exit_rules = s[0] == 'c' ? EXIT_RULES_CLEAR : EXIT_RULES_KEEP;
	else
		rc = bad(config_setting_lookup(root, "on_exit.rules"),
			 "unknown value \"%s\" (known: clear, keep)", s);
	s = get_str(root, "on_exit.enabled", "restore");
	if (strcmp(s, "restore") == 0)
		c->on_exit_enabled = EXIT_ENABLED_RESTORE;
	else if (strcmp(s, "keep") == 0)
		c->on_exit_enabled = EXIT_ENABLED_KEEP;
	else if (strcmp(s, "disable") == 0)
		c->on_exit_enabled = EXIT_ENABLED_DISABLE;
	else
		rc = bad(config_setting_lookup(root, "on_exit.enabled"),
			 "unknown value \"%s\" (known: restore, keep, disable)", s);
	get_bool(root, "canary.enabled", &c->canary.enabled);
	c->canary.path = get_str(root, "canary.path", c->canary.path);
	U(root, "canary.interval_ms", 86400000, c->canary.interval_ms);
	U(root, "canary.deadline_ms", 86400000, c->canary.deadline_ms);
	if (c->canary.path[0] != '/')
		rc = bad(config_setting_lookup(root, "canary.path"), "must be an absolute path%s", "");
	if (c->canary.interval_ms < 100 || c->canary.deadline_ms < 100)
		rc = bad(config_setting_lookup(root, "canary"),
			 "interval_ms and deadline_ms must be at least 100%s", "");
	return rc;
}

int config_check_plugin_dir(const struct config *c)
{
	const config_setting_t *s = config_lookup(&c->lc, "plugin_dir");
	struct stat st;
	size_t by_name = 0;

	for (size_t i = 0; i < c->noutputs; i++)	/* plugins by path need no plugin_dir */
		by_name += c->outputs[i].plugin[0] != '/';
	if (!by_name || (stat(c->plugin_dir, &st) == 0 && S_ISDIR(st.st_mode)))
		return 0;
	if (s)
		return bad(s, "no such directory \"%s\"", c->plugin_dir);
	log_err("%s: plugin_dir: no such directory \"%s\" (the default): is auditstream installed? "
		"set plugin_dir", c->path, c->plugin_dir);
	return -EINVAL;
}

/* input.mode, and input.path for follow. */
static int load_input_mode(struct config *c, config_setting_t *root)
{
	const char *s = get_str(root, "input.mode", "unicast");

	c->input_path = get_str(root, "input.path", NULL);
	if (strcmp(s, "multicast") == 0)
		c->input_mode = INPUT_MULTICAST;
	else if (strcmp(s, "follow") == 0)
		c->input_mode = INPUT_FOLLOW;
	else if (strcmp(s, "unicast") != 0)
		return bad(config_setting_lookup(root, "input.mode"),
			   "unknown mode \"%s\" (known: unicast, multicast, follow)", s);
	if (c->input_path && c->input_mode != INPUT_FOLLOW)
		return bad(config_setting_lookup(root, "input.path"),
			   "only mode \"follow\" reads a file%s", "");
	if (c->input_mode == INPUT_FOLLOW && !c->input_path)
		c->input_path = "/var/log/audit/audit.log";
	if (c->input_path && c->input_path[0] != '/')
		return bad(config_setting_lookup(root, "input.path"), "must be an absolute path%s", "");
	return 0;
}

/* user, group: names resolved now, so a typo is a config error with its
 * line, not a daemon that fails after it took the audit pid. */
static int load_user(struct config *c, config_setting_t *root)
{
	const config_setting_t *us = config_setting_lookup(root, "user");
	const config_setting_t *gs = config_setting_lookup(root, "group");
	const struct passwd *pw;
	const struct group *gr;

	c->user = get_str(root, "user", c->user);
	c->group = get_str(root, "group", NULL);
	if (!c->user[0]) {
		if (c->group)
			return bad(gs, "needs user = \"...\" too%s", "");
		return 0;
	}
	if (!(pw = getpwnam(c->user))) {
		if (us)
			return bad(us, "no such user \"%s\"", c->user);
		log_err("%s: user: no such user \"%s\" (the default): create it (the packages do), or "
			"set user = \"\" to stay root", c->path, c->user);
		return -EINVAL;
	}
	c->run_uid = pw->pw_uid;
	c->run_gid = pw->pw_gid;
	c->switch_user = 1;
	if (c->group) {
		if (!(gr = getgrnam(c->group)))
			return bad(gs, "no such group \"%s\"", c->group);
		c->run_gid = gr->gr_gid;
	}
	return 0;
}

static int load_values(struct config *c, config_setting_t *root)
{
	const char *s;
	int rc = 0;
	unsigned long long rcv = (unsigned long long)c->socket_rcvbuf;

	c->plugin_dir = get_str(root, "plugin_dir", c->plugin_dir);
	c->state_dir = get_str(root, "state_dir", c->state_dir);
	if (load_user(c, root) < 0)
		rc = -EINVAL;
	c->node = get_str(root, "node", NULL);
	get_bool(root, "goaudit_container", &c->goaudit_container);
	s = get_str(root, "log_level", "info");
	if ((c->log_level = log_level_from_name(s)) < 0)
		rc = bad(config_setting_lookup(root, "log_level"),
			 "unknown level \"%s\" (known: err, warning, notice, info, debug)", s);
	if (load_input_mode(c, root) < 0)
		rc = -EINVAL;
	get_bool(root, "input.enable", &c->enable_audit);
	U(root, "input.event_timeout_ms", 3600000, c->event_timeout_ms);
	U(root, "input.status_interval_ms", 3600000, c->status_interval_ms);
	U(root, "input.coalesce_ms", 50, c->coalesce_ms);
	if (get_uint(root, "socket_buffer.receive", 1u << 30, &rcv) < 0)
		rc = -EINVAL;
	c->socket_rcvbuf = (int)rcv;
	get_bool(root, "message_tracking.enabled", &c->tracking_enabled);
	get_bool(root, "message_tracking.log_out_of_order", &c->log_out_of_order);
	U(root, "message_tracking.max_out_of_order", 1u << 24, c->max_out_of_order);
	U(root, "message_tracking.missed_after_ms", 3600000, c->missed_after_ms);
	U(root, "shutdown.drain_time_ms", 3600000, c->drain_time_ms);
	U(root, "stats.interval_s", 86400, c->stats_interval_s);
	c->metrics_path = get_str(root, "metrics.path", NULL);
	U(root, "metrics.interval_s", 86400, c->metrics_interval_s);
	if (c->metrics_path && c->metrics_path[0] != '/')
		rc = bad(config_setting_lookup(root, "metrics.path"), "must be an absolute path%s", "");
	if (c->metrics_interval_s == 0)
		rc = bad(config_setting_lookup(root, "metrics.interval_s"), "must be at least 1%s", "");
	s = c->control_socket = get_str(root, "control_socket", NULL);
	if (s && *s && (*s != '/' || strlen(s) >= sizeof(((struct sockaddr_un *)0)->sun_path)))
		rc = bad(config_setting_lookup(root, "control_socket"),
			 "must be an absolute path of at most 107 bytes, or \"\" for none%s", "");
	U(root, "events.min", 0xffffffffu, c->events_min);
	U(root, "events.max", 0xffffffffu, c->events_max);
	if (c->events_min > c->events_max)
		rc = bad(config_setting_lookup(root, "events"), "min must not be above max%s", "");
	if (filter_set_load(&c->filters, config_setting_lookup(root, "filters")) < 0)
		rc = -EINVAL;
	if (c->status_interval_ms == 0)	/* the kernel's lost counter must be read */
		rc = bad(config_setting_lookup(root, "input.status_interval_ms"), "must be at least 1%s", "");
	if (c->event_timeout_ms == 0)	/* events without EOE would never complete */
		rc = bad(config_setting_lookup(root, "input.event_timeout_ms"), "must be at least 1%s", "");
	if (load_outputs(c, config_setting_lookup(root, "outputs")) < 0)
		rc = -EINVAL;
	if (load_kernel_values(c, root) < 0)
		rc = -EINVAL;
	return rc;
}

int config_load(struct config *c, const char *path)
{
	int rc;

	memset(c, 0, sizeof(*c));
	config_init(&c->lc);
	c->path = path;
	set_defaults(c);
	/* Whoever can write a config file chooses the plugins and rules of a
	 * root daemon: each file is checked, then read from what was checked. */
	if ((rc = config_files_read(&c->lc, path, &c->files)) < 0)
		return rc;
	config_setting_set_hook(config_root_setting(&c->lc), &c->files);
	if (check_group(config_root_setting(&c->lc), top_keys, 1) < 0)
		return -EINVAL;
	return load_values(c, config_root_setting(&c->lc));
}

void config_free(struct config *c)
{
	for (size_t i = 0; c->outputs && i < c->noutputs; i++)
		filter_set_free(&c->outputs[i].filters);
	filter_set_free(&c->filters);
	free(c->outputs);
	c->outputs = NULL;
	config_destroy(&c->lc);
	config_files_free(&c->files);
}

int config_is_core_output_key(const char *name)
{
	return find_key(output_keys, name) != NULL;
}

void config_suggest_core_output_key(struct suggest *sg)
{
	for (const struct key *k = output_keys; k->name; k++)
		suggest_try(sg, k->name);
}

const char *config_core_output_keys(void)
{
	static char buf[128];
	size_t used = 0;

	if (buf[0])
		return buf;	/* built once, on the first error */
	for (const struct key *k = output_keys; k->name && used < sizeof(buf); k++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 k == output_keys ? "" : ", ", k->name);
	return buf;
}
