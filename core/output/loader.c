/* core/output/loader.c -- dlopen(RTLD_NOW | RTLD_LOCAL) and the ABI checks. */
#include "output/loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

/* The smallest descriptor of ABI 1.0: up to and including destroy. */
#define MIN_DESC_SIZE (offsetof(struct auditstream_plugin, destroy) + sizeof(void (*)(void *)))

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

static int check_abi(const struct plugin_handle *h, const struct auditstream_plugin *p)
{
	if (p->abi_major != AUDITSTREAM_ABI_MAJOR) {
		log_err("%s: %s: plugin ABI %u.%u, this auditstream has ABI %u.%u: "
			"rebuild the plugin against this version's SDK", h->path,
			AUDITSTREAM_PLUGIN_ENTRY, p->abi_major, p->abi_minor,
			AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EPROTO;
	}
	if (p->abi_minor > AUDITSTREAM_ABI_MINOR) {
		log_err("%s: %s: plugin ABI %u.%u is newer than this auditstream's ABI %u.%u: "
			"upgrade auditstream or rebuild the plugin", h->path,
			AUDITSTREAM_PLUGIN_ENTRY, p->abi_major, p->abi_minor,
			AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EPROTO;
	}
	if (p->struct_size < MIN_DESC_SIZE) {
		log_err("%s: %s: descriptor of %u bytes is too short for ABI %u.%u "
			"(at least %zu; this auditstream has ABI %u.%u)", h->path,
			AUDITSTREAM_PLUGIN_ENTRY, p->struct_size, p->abi_major, p->abi_minor,
			MIN_DESC_SIZE, AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EPROTO;
	}
	return 0;
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

static int open_checked(struct plugin_handle *h, const char *name)
{
	const struct auditstream_plugin *(*entry)(void);
	const struct auditstream_plugin *p;
	size_t n;
	int rc;

	/* NODELETE: libraries with process-wide state (OpenSSL, librdkafka) stay
	 * mapped after dlclose(), so their state is neither torn down twice nor
	 * reported as leaked. */
	h->dl = dlopen(h->path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h->dl) {
		log_err("%s: cannot load plugin: %s", h->path, dlerror());
		return -EINVAL;
	}
	*(void **)&entry = dlsym(h->dl, AUDITSTREAM_PLUGIN_ENTRY);
	if (!entry) {
		log_err("%s: no symbol %s: not an auditstream plugin (this auditstream has ABI %u.%u)",
			h->path, AUDITSTREAM_PLUGIN_ENTRY, AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EINVAL;
	}
	p = entry();
	if (!p) {
		log_err("%s: %s returned NULL", h->path, AUDITSTREAM_PLUGIN_ENTRY);
		return -EINVAL;
	}
	if ((rc = check_abi(h, p)) < 0)
		return rc;
	/* Read only what the plugin has: an older, shorter struct still loads. */
	n = p->struct_size < sizeof(h->desc) ? p->struct_size : sizeof(h->desc);
	memset(&h->desc, 0, sizeof(h->desc));
	memcpy(&h->desc, p, n);
	return check_desc(h, name);
}

/* Code run as root must not be replaceable by anyone else: the directory and
 * the file (after symlinks) are owned by root, or by the user running us (a
 * user's own replay), and not writable by group or others. */
static int path_trusted(const char *path, const char *what)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_err("%s: refused: %s owned by uid %u with mode %04o; it must be owned by root "
			"and not writable by group or others", path, what, (unsigned)st.st_uid,
			(unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int plugin_open(const char *dir, const char *name, struct plugin_handle *h)
{
	int rc;

	memset(h, 0, sizeof(*h));
	if (!plugin_name_valid(name)) {
		log_err("plugin \"%s\": invalid name: a plugin is named by a plain name "
			"([A-Za-z0-9_-], no '/' or \"..\") and loaded from plugin_dir", name);
		return -EINVAL;
	}
	snprintf(h->path, sizeof(h->path), "%s/%s.so", dir, name);
	if (access(h->path, R_OK) != 0) {
		rc = -errno;
		log_err("%s: no such plugin \"%s\" in plugin_dir %s: %s", h->path, name, dir,
			strerror(-rc));
		return rc;
	}
	if ((rc = path_trusted(dir, "plugin_dir")) < 0 || (rc = path_trusted(h->path, "plugin")) < 0)
		return rc;
	rc = open_checked(h, name);
	if (rc < 0)
		plugin_close(h);
	return rc;
}

void plugin_close(struct plugin_handle *h)
{
	if (h->dl)
		dlclose(h->dl);
	h->dl = NULL;
}
