/* tests/fuzz/fuzz_config.c -- the config loader: libconfig's parser and our
 * strict checks of every key, on a file holding the fuzz input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct config c;

	if (fd < 0) {
		/* A real file: configs are opened with O_NOFOLLOW, so not by a
		 * /proc/self/fd link; trusted configs are not group/other-writable. */
		log_set_level(LOG_LVL_ERR - 1);
		snprintf(path, sizeof(path), "/tmp/fuzz-config-XXXXXX");
		fd = mkstemp(path);
		if (fd < 0 || fchmod(fd, 0600) < 0)
			abort();
		atexit(remove_file);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	memset(&c, 0, sizeof(c));
	config_load(&c, path);
	config_free(&c);	/* also after a refusal, as main does */
	return 0;
}
