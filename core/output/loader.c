/* core/output/loader.c -- find the plugin, dlopen(RTLD_NOW | RTLD_LOCAL) the file
 * that was trust-checked, and the ABI checks. */
#include "output/loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/abi_check.h"
#include "output/options.h"
#include "output/trust.h"
#include "util/log.h"

/* The option table's element size in ABI 1.0: up to and including help. */
#define OPTION_SIZE_1_0 (offsetof(struct auditstream_option, help) + sizeof(const char *))
/* The descriptor's end as far as it holds option_size (ABI 1.1). */
#define DESC_HAS_OPTION_SIZE (offsetof(struct auditstream_plugin, option_size) + sizeof(uint32_t))

int plugin_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static int check_desc(const struct plugin_handle *h, const char *name)
{
	const struct auditstream_plugin *d = &h->desc;
	const char *missing = !d->name ? "name" : !d->create ? "create" :
			      !d->write ? "write" : !d->destroy ? "destroy" : NULL;

	if (missing) {
		log_err("%s: %s: the descriptor has no %s (ABI %u.%u)", h->path,
			AUDITSTREAM_PLUGIN_ENTRY, missing, d->abi_major, d->abi_minor);
		return -EINVAL;
	}
	if (strcmp(d->name, name) != 0) {
		log_err("%s: %s: the plugin calls itself \"%s\", not \"%s\" (plugin ABI %u.%u, "
			"this auditstream has ABI %u.%u)", h->path, AUDITSTREAM_PLUGIN_ENTRY, d->name, name,
			d->abi_major, d->abi_minor, AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EINVAL;
	}
	return 0;
}

/* The element size of the plugin's option table: declared from ABI 1.1 on,
 * the 1.0 size before.  0 after logging when it cannot be known. */
static size_t option_stride(const struct plugin_handle *h)
{
	const struct auditstream_plugin *d = &h->desc;

	if (d->struct_size >= DESC_HAS_OPTION_SIZE && d->option_size) {
		if (d->option_size >= OPTION_SIZE_1_0 && d->option_size % sizeof(void *) == 0)
			return d->option_size;
		log_err("%s: refused: option_size %u is not the size of a struct auditstream_option "
			"(at least %zu; plugin ABI %u.%u)", h->path, d->option_size, OPTION_SIZE_1_0,
			d->abi_major, d->abi_minor);
		return 0;
	}
	if (d->abi_minor == 0)
		return OPTION_SIZE_1_0;
	log_err("%s: refused: plugin ABI %u.%u declares options but no option_size "
		"(use AUDITSTREAM_PLUGIN_HEADER)", h->path, d->abi_major, d->abi_minor);
	return 0;
}

static int load_options(struct plugin_handle *h, const struct auditstream_option *table)
{
	size_t stride;
	int rc;

	if (!table)
		return 0;
	if (!(stride = option_stride(h)))
		return -EINVAL;
	if ((rc = options_table_load(table, stride, h->desc.name, h->path, &h->options)) < 0)
		return rc;
	h->desc.options = h->options;
	return 0;
}

/* dlopen()s the descriptor fd through /proc, so that the file loaded is the
 * one that was checked, whatever happened to its path since. */
static int open_checked(struct plugin_handle *h, const char *name)
{
	const struct auditstream_plugin *(*entry)(void);
	const struct auditstream_plugin *p;
	char fdpath[64];
	size_t n;
	int rc;

	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", h->fd);
	/* NODELETE: libraries with process-wide state (OpenSSL, librdkafka) stay
	 * mapped after dlclose(), so their state is neither torn down twice nor
	 * reported as leaked. */
	h->dl = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h->dl) {
		log_err("%s: cannot load plugin: %s", h->path, dlerror());
		return -EINVAL;
	}
	*(void **)&entry = dlsym(h->dl, AUDITSTREAM_PLUGIN_ENTRY);
	if (!entry) {
		log_err("%s: no symbol %s: not an auditstream plugin, or built with hidden "
			"visibility without AUDITSTREAM_PLUGIN_EXPORT (this auditstream has ABI %u.%u)",
			h->path, AUDITSTREAM_PLUGIN_ENTRY, AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EINVAL;
	}
	p = entry();
	if (!p) {
		log_err("%s: %s returned NULL", h->path, AUDITSTREAM_PLUGIN_ENTRY);
		return -EINVAL;
	}
	if ((rc = plugin_abi_check(h->path, p)) < 0)
		return rc;
	/* Read only what the plugin has: an older, shorter struct still loads. */
	n = p->struct_size < sizeof(h->desc) ? p->struct_size : sizeof(h->desc);
	memset(&h->desc, 0, sizeof(h->desc));
	memcpy(&h->desc, p, n);
	if ((rc = check_desc(h, name)) < 0)
		return rc;
	return load_options(h, p->options);
}

/* The plugin's name from an absolute path "/dir/NAME.so"; NULL if it is not
 * one.  buf holds the name. */
static const char *name_of_path(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/') + 1;
	size_t n = strlen(base);

	if (n < 4 || strcmp(base + n - 3, ".so") != 0 || n - 3 >= len)
		return NULL;
	memcpy(buf, base, n - 3);
	buf[n - 3] = '\0';
	return plugin_name_valid(buf) ? buf : NULL;
}

/* Where the plugin is, and its name: plugin_dir/<plugin>.so, or the
 * absolute path given. */
static const char *locate(const char *dir, const char *plugin, struct plugin_handle *h,
			  char *name, size_t len)
{
	if (plugin[0] == '/') {
		if (strlen(plugin) >= sizeof(h->path) || !name_of_path(plugin, name, len)) {
			log_err("plugin \"%s\": invalid path: an absolute plugin path names a file "
				"NAME.so, NAME of [A-Za-z0-9_-]", plugin);
			return NULL;
		}
		snprintf(h->path, sizeof(h->path), "%s", plugin);
		return name;
	}
	if (!plugin_name_valid(plugin)) {
		log_err("plugin \"%s\": invalid name: a plugin is named by a plain name "
			"([A-Za-z0-9_-], no '/' or \"..\") and loaded from plugin_dir, or by an "
			"absolute path to its .so", plugin);
		return NULL;
	}
	snprintf(h->path, sizeof(h->path), "%s/%s.so", dir, plugin);
	return plugin;
}

int loader_open(const char *dir, const char *plugin, struct plugin_handle *h)
{
	char buf[80];
	const char *name;
	int rc;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	if (!plugin)
		plugin = "";
	if (!(name = locate(dir, plugin, h, buf, sizeof(buf))))
		return -EINVAL;
	if (access(h->path, R_OK) != 0) {
		rc = -errno;
		if (plugin[0] == '/')
			log_err("%s: no such plugin: %s", h->path, strerror(-rc));
		else
			log_err("%s: no such plugin \"%s\" in plugin_dir %s: %s", h->path, name, dir,
				strerror(-rc));
		return rc;
	}
	/* Code run as root must not be replaceable by anyone else. */
	if (plugin[0] != '/' && (rc = trust_check_dir(dir, "plugin_dir")) < 0)
		return rc;
	if ((h->fd = trust_open_file(h->path, "plugin")) < 0)
		return h->fd;
	rc = open_checked(h, name);
	if (rc < 0) {
		loader_close(h);
		return rc;
	}
	log_info("plugin %s %s loaded from %s (plugin ABI %u.%u, this auditstream has ABI %u.%u)",
		 h->desc.name, h->desc.version ? h->desc.version : "(no version)", h->path,
		 h->desc.abi_major, h->desc.abi_minor, AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
	return 0;
}

void loader_close(struct plugin_handle *h)
{
	if (h->dl)
		dlclose(h->dl);
	h->dl = NULL;
	free(h->options);
	h->options = NULL;
	h->desc.options = NULL;
	/* h->fd stays open: see loader.h. */
}
