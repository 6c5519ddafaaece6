/* tests/sdk/core10.c -- the ABI check of an auditstream core of ABI 1.0:
 * core/output/abi_check.c compiled against the 1.0 baseline header
 * (sdk/abi/1.0), as the 1.0 core was.  Loads the plugin given and says
 * whether that core would accept it: exit 0 yes, 1 refused (the refusal
 * logged on stderr), 2 not loadable at all. */
#include <dlfcn.h>
#include <stdio.h>

#include "output/abi_check.h"

int main(int argc, char **argv)
{
	const struct auditstream_plugin *(*entry)(void);
	void *dl;

	if (argc != 2 || AUDITSTREAM_ABI_MINOR != 0) {
		fprintf(stderr, "usage: core10 PLUGIN.so (built against ABI 1.0)\n");
		return 2;
	}
	if (!(dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "%s\n", dlerror());
		return 2;
	}
	*(void **)&entry = dlsym(dl, AUDITSTREAM_PLUGIN_ENTRY);
	if (!entry)
		return 2;
	return plugin_abi_check(argv[1], entry()) < 0 ? 1 : 0;
}
