/* core/output/abi_check.h -- the loader's version checks of a descriptor. */
#ifndef AS_ABI_CHECK_H
#define AS_ABI_CHECK_H

#include <auditstream/plugin.h>

/* 0, or -EPROTO after one log line naming path, the entry symbol and both
 * ABI versions: another major, a newer minor, a descriptor too short. */
int plugin_abi_check(const char *path, const struct auditstream_plugin *p);

#endif
