/* core/output/options.c -- validate an output's plugin keys against the plugin's table. */
#include "output/options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/log.h"
#include "util/suggest.h"

static const char *opt_type_name(int t)
{
	switch (t) {
	case AUDITSTREAM_OPT_STRING: return "a string";
	case AUDITSTREAM_OPT_INT: return "an integer";
	case AUDITSTREAM_OPT_BOOL: return "true or false";
	case AUDITSTREAM_OPT_PASSTHROUGH: return "a group of settings { key = value; ... }";
	default: return "?";
	}
}

static const struct auditstream_option *find_def(const struct auditstream_plugin *p, const char *name)
{
	for (const struct auditstream_option *d = p->options; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static int type_matches(int opt_type, const config_setting_t *s)
{
	int t = config_setting_type(s);

	switch (opt_type) {
	case AUDITSTREAM_OPT_STRING: return t == CONFIG_TYPE_STRING;
	case AUDITSTREAM_OPT_INT: return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
	case AUDITSTREAM_OPT_BOOL: return t == CONFIG_TYPE_BOOL;
	case AUDITSTREAM_OPT_PASSTHROUGH:
		if (t != CONFIG_TYPE_GROUP)
			return 0;
		for (int i = 0; i < config_setting_length(s); i++)
			if (!config_setting_is_scalar(config_setting_get_elem(s, (unsigned)i)))
				return 0;
		return 1;
	default: return 0;
	}
}

/* "; did you mean \"path\"? valid keys: path, mode, fsync" and the core's. */
static void unknown_key_hint(const struct auditstream_plugin *p, const char *name,
			     char *buf, size_t len)
{
	struct suggest sg;
	size_t used;

	suggest_init(&sg, name);
	for (const struct auditstream_option *d = p->options; d && d->name; d++)
		suggest_try(&sg, d->name);
	config_suggest_core_output_key(&sg);
	used = (size_t)snprintf(buf, len, "%s%s%s valid keys:", suggest_result(&sg) ?
				"; did you mean \"" : ";", suggest_result(&sg) ? suggest_result(&sg) : "",
				suggest_result(&sg) ? "\"?" : "");
	for (const struct auditstream_option *d = p->options; d && d->name && used < len; d++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s", d == p->options ? "" : ",",
					 d->name);
	if (used < len)
		snprintf(buf + used, len - used, " (and the core's: %s)", config_core_output_keys());
}

/* ---------------------------------------------------- the plugin's table */

#define OPT_NAME_MAX 63

static int opt_name_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n > 0 && n <= OPT_NAME_MAX;
}

static int has_range(const struct auditstream_option *d)
{
	return d->min != 0 || d->max != 0;
}

static int is_choice(const struct auditstream_option *d, const char *v)
{
	if (!d->choices)
		return 1;
	for (const char *const *c = d->choices; *c; c++)
		if (strcmp(*c, v) == 0)
			return 1;
	return 0;
}

/* "a, b, c" into buf: the allowed values, for errors. */
static const char *choices_text(const struct auditstream_option *d, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *const *c = d->choices; c && *c && used < len; c++) {
		int w = snprintf(buf + used, len - used, "%s\"%s\"", used ? ", " : "", *c);
		if (w > 0)
			used += (size_t)w;
	}
	return buf;
}

static int parse_int(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return s[0] && !*end && errno == 0;
}

/* What is wrong with the default of a well-typed option, or NULL. */
static const char *bad_default(const struct auditstream_option *d)
{
	const char *def = d->default_value;
	int64_t v;

	if (!def)
		return NULL;
	switch (d->type) {
	case AUDITSTREAM_OPT_INT:
		if (!parse_int(def, &v))
			return "its default is not an integer";
		if (has_range(d) && (v < d->min || v > d->max))
			return "its default is out of its range";
		return NULL;
	case AUDITSTREAM_OPT_BOOL:
		return strcmp(def, "true") && strcmp(def, "false") ? "its default is not true or false" : NULL;
	case AUDITSTREAM_OPT_STRING:
		return is_choice(d, def) ? NULL : "its default is not one of its choices";
	default:
		return "a group of settings has no default";
	}
}

/* What is wrong with table entry i, or NULL. */
static const char *bad_entry(const struct auditstream_option *t, size_t i)
{
	const struct auditstream_option *d = &t[i];

	if (!opt_name_valid(d->name))
		return "the name is not [a-z0-9_]+ of at most 63 bytes";
	if (config_is_core_output_key(d->name))
		return "the name is one of the core's keys of an output";
	for (size_t j = 0; j < i; j++)
		if (strcmp(t[j].name, d->name) == 0)
			return "declared twice";
	if (d->type < AUDITSTREAM_OPT_STRING || d->type > AUDITSTREAM_OPT_PASSTHROUGH)
		return "unknown type";
	if (has_range(d) && d->type != AUDITSTREAM_OPT_INT)
		return "min/max on an option that is not an INT";
	if (has_range(d) && d->min > d->max)
		return "an empty range (min > max)";
	if (d->choices && d->type != AUDITSTREAM_OPT_STRING)
		return "choices on an option that is not a STRING";
	if (d->choices && !d->choices[0])
		return "an empty list of choices";
	return bad_default(d);
}

int options_table_load(const void *table, size_t stride, const char *plugin,
		       const char *plugin_path, struct auditstream_option **out)
{
	const struct auditstream_option *e;
	struct auditstream_option *t;
	size_t n = 0, keep = stride < sizeof(*t) ? stride : sizeof(*t);
	int rc = 0;

	*out = NULL;
	for (e = table; e->name; e = (const void *)((const char *)e + stride))
		n++;
	if (!(t = calloc(n + 1, sizeof(*t))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *why;

		memcpy(&t[i], (const char *)table + i * stride, keep);
		if ((why = bad_entry(t, i)) != NULL) {
			log_err("%s: refused: option \"%s\" of plugin \"%s\": %s (type %d, default %s%s%s)",
				plugin_path, t[i].name, plugin, why, (int)t[i].type,
				t[i].default_value ? "\"" : "", t[i].default_value ? t[i].default_value : "none",
				t[i].default_value ? "\"" : "");
			rc = -EINVAL;
		}
	}
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* ----------------------------------------------------- the config group */

/* An INT out of range or a STRING not among the choices; logs it. */
static int check_value(const struct auditstream_option *d, const config_setting_t *s,
		       const char *plugin)
{
	char where[512], list[512];

	config_where(s, where, sizeof(where));
	if (d->type == AUDITSTREAM_OPT_INT && has_range(d)) {
		int64_t v = config_setting_get_int64(s);

		if (v >= d->min && v <= d->max)
			return 0;
		log_err("%s: %" PRId64 " is out of range [%" PRId64 ", %" PRId64 "] (plugin \"%s\": %s)",
			where, v, d->min, d->max, plugin, d->help ? d->help : d->name);
		return -EINVAL;
	}
	if (d->type == AUDITSTREAM_OPT_STRING && !is_choice(d, config_setting_get_string(s))) {
		log_err("%s: \"%s\" is not one of %s (plugin \"%s\": %s)", where,
			config_setting_get_string(s), choices_text(d, list, sizeof(list)), plugin,
			d->help ? d->help : d->name);
		return -EINVAL;
	}
	return 0;
}

/* Unknown and mistyped keys in the group. */
static int check_keys(const struct auditstream_plugin *p, const config_setting_t *group,
		      const char *path)
{
	char where[512];
	int rc = 0;

	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct auditstream_option *d;

		if (config_is_core_output_key(name))
			continue;
		config_where(s, where, sizeof(where));
		if (!(d = find_def(p, name))) {
			char hint[512];

			unknown_key_hint(p, name, hint, sizeof(hint));
			log_err("%s: unknown key for plugin \"%s\" (%s)%s", where, p->name, path, hint);
			rc = -EINVAL;
		} else if (!type_matches((int)d->type, s)) {
			log_err("%s: must be %s (plugin \"%s\": %s)", where,
				opt_type_name((int)d->type), p->name, d->help ? d->help : d->name);
			rc = -EINVAL;
		} else if (check_value(d, s, p->name) < 0) {
			rc = -EINVAL;
		}
	}
	return rc;
}

static int apply_default(struct opt_value *v, const char *where, const char *plugin)
{
	const char *def = v->def->default_value;
	char *end;

	switch (v->def->type) {
	case AUDITSTREAM_OPT_STRING:
		v->str = def;
		return 0;
	case AUDITSTREAM_OPT_INT:
		if (!def)
			return 0;
		v->i = strtoll(def, &end, 0);
		break;
	case AUDITSTREAM_OPT_BOOL:
		v->b = def && strcmp(def, "true") == 0;
		end = (char *)"";
		if (def && strcmp(def, "true") != 0 && strcmp(def, "false") != 0)
			end = (char *)def;
		break;
	default:
		return 0;
	}
	if (*end) {
		log_err("%s: plugin \"%s\" declares a bad default \"%s\" for option \"%s\"",
			where, plugin, def, v->def->name);
		return -EINVAL;
	}
	return 0;
}

static void take_value(struct opt_value *v, const config_setting_t *s)
{
	switch (v->def->type) {
	case AUDITSTREAM_OPT_STRING: v->str = config_setting_get_string(s); break;
	case AUDITSTREAM_OPT_INT: v->i = config_setting_get_int64(s); break;
	case AUDITSTREAM_OPT_BOOL: v->b = config_setting_get_bool(s); break;
	case AUDITSTREAM_OPT_PASSTHROUGH: v->group = s; break;
	default: break;
	}
}

int options_bind(struct options *o, const struct auditstream_plugin *p,
		 const config_setting_t *group, const char *plugin_path)
{
	char where[512];
	size_t n = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	config_where(group, where, sizeof(where));
	rc = check_keys(p, group, plugin_path);
	for (const struct auditstream_option *d = p->options; d && d->name; d++)
		n++;
	if (n && !(o->v = calloc(n, sizeof(*o->v))))
		return -ENOMEM;
	o->n = n;
	for (size_t i = 0; i < n; i++) {
		struct opt_value *v = &o->v[i];
		const config_setting_t *s;

		v->def = &p->options[i];
		s = config_setting_get_member(group, v->def->name);
		if (s && type_matches((int)v->def->type, s)) {
			take_value(v, s);
		} else if (!s && v->def->required) {
			log_err("%s: missing option \"%s\" required by plugin \"%s\": %s", where,
				v->def->name, p->name, v->def->help ? v->def->help : "");
			rc = -EINVAL;
		} else if (!s && apply_default(v, where, p->name) < 0) {
			rc = -EINVAL;
		}
	}
	return rc;
}

void options_free(struct options *o)
{
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

const struct opt_value *options_get(const struct options *o, const char *name, int type)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].def->name, name) == 0)
			return (int)o->v[i].def->type == type ? &o->v[i] : NULL;
	return NULL;
}
