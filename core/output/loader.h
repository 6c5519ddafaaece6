/* core/output/loader.h -- find, dlopen and check an output plugin.  Every refusal is
 * one log line naming the file, the entry symbol and both ABI versions. */
#ifndef AS_LOADER_H
#define AS_LOADER_H

#include <auditstream/plugin.h>

struct plugin_handle {
	char path[4096];
	void *dl;
	/* The descriptor as this core knows it: members past the plugin's
	 * struct_size are zero. */
	struct auditstream_plugin desc;
};

/* 1 if name is a plain plugin name ([A-Za-z0-9_-]+): no '/', no "..". */
int plugin_name_valid(const char *name);

/* Returns 0, or -ENOENT / -EINVAL / -EPROTO after logging why. */
int plugin_open(const char *dir, const char *name, struct plugin_handle *h);
void plugin_close(struct plugin_handle *h);

#endif
