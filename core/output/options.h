/* core/output/options.h -- a plugin's options: the output's config group checked
 * against the plugin's declared table, with defaults applied. */
#ifndef AS_OPTIONS_H
#define AS_OPTIONS_H

#include <libconfig.h>
#include <stdint.h>

#include <auditstream/plugin.h>

struct opt_value {
	const struct auditstream_option *def;
	const char *str;			/* STRING */
	int64_t i;				/* INT */
	int b;					/* BOOL */
	const config_setting_t *group;		/* PASSTHROUGH; NULL if unset */
};

struct options {
	struct opt_value *v;
	size_t n;
};

/*
 * Copies a plugin's option table (elements of `stride` bytes, the plugin's
 * option_size) into this core's struct auditstream_option, members it does
 * not have zeroed, and checks it: names, duplicates, collisions with the
 * core's keys, types, defaults, ranges and choices.  *out is NULL-name
 * ended, for free().  Returns 0, or -EINVAL / -ENOMEM after logging one line
 * per bad option naming the plugin's path and the option.
 */
int options_table_load(const void *table, size_t stride, const char *plugin,
		       const char *plugin_path, struct auditstream_option **out);

/* Returns 0 or -EINVAL after logging "FILE:LINE: KEY: reason" for each error. */
int options_bind(struct options *o, const struct auditstream_plugin *p,
		 const config_setting_t *group, const char *plugin_path);
void options_free(struct options *o);

const struct opt_value *options_get(const struct options *o, const char *name, int type);

#endif
