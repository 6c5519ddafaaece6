/* core/output/loader.h -- find, trust-check, dlopen and check an output plugin.
 * Every refusal is one log line naming the file (and, for ABI refusals, the
 * entry symbol and both ABI versions). */
#ifndef AS_LOADER_H
#define AS_LOADER_H

#include <auditstream/plugin.h>

struct plugin_handle {
	char path[4096];	/* as configured: <plugin_dir>/<name>.so or absolute */
	void *dl;
	/* The checked file, dlopen'd through /proc/self/fd/<fd>.  Kept open for
	 * the life of the process: the loader knows the library by that name,
	 * and with RTLD_NODELETE it stays loaded after dlclose(), so the number
	 * must never name another file. */
	int fd;
	/* The descriptor as this core knows it: members past the plugin's
	 * struct_size are zero, and options points at `options` below. */
	struct auditstream_plugin desc;
	/* The plugin's option table copied into this core's element size
	 * (members past the plugin's option_size are zero), NULL-name ended. */
	struct auditstream_option *options;
};

/* 1 if name is a plain plugin name ([A-Za-z0-9_-]+): no '/', no "..". */
int plugin_name_valid(const char *name);

/* `plugin` is a plain name, loaded from dir, or an absolute path to a .so.
 * Returns 0, or -ENOENT / -EPERM / -EINVAL / -EPROTO after logging why. */
int loader_open(const char *dir, const char *plugin, struct plugin_handle *h);
void loader_close(struct plugin_handle *h);

#endif
