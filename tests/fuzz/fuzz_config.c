/* tests/fuzz/fuzz_config.c -- the config loader: libconfig's parser and our
 * strict checks of every key, on a file holding the fuzz input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct config c;

	if (fd < 0) {
		log_set_level(LOG_LVL_ERR - 1);
		fd = memfd_create("fuzz-config", 0);
		if (fd < 0 || fchmod(fd, 0600) < 0)	/* others-writable configs are refused */
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	memset(&c, 0, sizeof(c));
	config_load(&c, path);
	config_free(&c);	/* also after a refusal, as main does */
	return 0;
}
