/* core/output/abi_check.c -- is a plugin's descriptor of an ABI this core
 * can load?  Only the three leading members, which never move, and the
 * header's version macros are used: this file compiles against the header
 * of any minor, which is how tests/sdk/core10.c builds a 1.0 core's check. */
#include "output/abi_check.h"

#include <errno.h>
#include <stddef.h>

#include "util/log.h"

/* The smallest descriptor of ABI 1.0: up to and including destroy. */
#define MIN_DESC_SIZE (offsetof(struct auditstream_plugin, destroy) + sizeof(void (*)(void *)))

int plugin_abi_check(const char *path, const struct auditstream_plugin *p)
{
	if (p->abi_major != AUDITSTREAM_ABI_MAJOR) {
		log_err("%s: %s: plugin ABI %u.%u, this auditstream has ABI %u.%u: "
			"rebuild the plugin against this version's SDK", path,
			AUDITSTREAM_PLUGIN_ENTRY, p->abi_major, p->abi_minor,
			AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EPROTO;
	}
	if (p->abi_minor > AUDITSTREAM_ABI_MINOR) {
		log_err("%s: %s: plugin ABI %u.%u is newer than this auditstream's ABI %u.%u: "
			"upgrade auditstream or rebuild the plugin", path,
			AUDITSTREAM_PLUGIN_ENTRY, p->abi_major, p->abi_minor,
			AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EPROTO;
	}
	if (p->struct_size < MIN_DESC_SIZE) {
		log_err("%s: %s: descriptor of %u bytes is too short for ABI %u.%u "
			"(at least %zu; this auditstream has ABI %u.%u)", path,
			AUDITSTREAM_PLUGIN_ENTRY, p->struct_size, p->abi_major, p->abi_minor,
			MIN_DESC_SIZE, AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);
		return -EPROTO;
	}
	return 0;
}
