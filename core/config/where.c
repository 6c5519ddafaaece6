/* core/config/where.c -- where a libconfig setting was written, for errors
 * that name file, line and key: "auditstream.conf:12: outputs.[0].path". */
#include "config/where.h"

#include <stdio.h>
#include <string.h>

#include "config/config_file.h"

/* An element of the top-level outputs list: named by its name (or plugin),
 * which the operator knows it by, not by its position. */
static int output_label(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *list = config_setting_parent(s);
	const char *name = NULL;

	if (!list || !config_setting_parent(list) || config_setting_parent(config_setting_parent(list)) ||
	    !config_setting_name(list) || strcmp(config_setting_name(list), "outputs") != 0)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_GROUP &&
	    !config_setting_lookup_string(s, "name", &name))
		config_setting_lookup_string(s, "plugin", &name);
	if (name)
		return snprintf(buf, len, "output \"%s\"", name);
	return snprintf(buf, len, "outputs[%d]", config_setting_index(s));
}

/* "output \"events\": queue.size", "message_tracking.enabled" */
static void key_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *chain[32];
	int n = 0, w;
	size_t used = 0;
	const char *sep = "";

	buf[0] = '\0';
	for (; s && config_setting_parent(s) && n < 32; s = config_setting_parent(s))
		chain[n++] = s;
	while (n-- > 0 && used < len) {
		const char *name = config_setting_name(chain[n]);

		if ((w = output_label(chain[n], buf, len)) > 0) {
			used = strlen(buf);	/* in place of "outputs" */
			sep = ": ";
			continue;
		}
		if (name)
			w = snprintf(buf + used, len - used, "%s%s", sep, name);
		else
			w = snprintf(buf + used, len - used, "%s[%d]", sep, config_setting_index(chain[n]));
		if (w < 0)
			break;
		used += (size_t)w;
		sep = ".";
	}
}

const char *config_source_file(const config_setting_t *s)
{
	const config_setting_t *root = config_root_setting(s->config);

	return config_files_name(config_setting_get_hook(root), config_setting_source_file(s));
}

const char *config_where(const config_setting_t *s, char *buf, size_t len)
{
	char path[256];
	const char *file = config_source_file(s);

	key_path(s, path, sizeof(path));
	snprintf(buf, len, "%s:%u: %s", file ? file : "?", config_setting_source_line(s), path);
	return buf;
}

