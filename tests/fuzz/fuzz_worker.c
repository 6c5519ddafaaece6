/* tests/fuzz/fuzz_worker.c -- the output worker under schedules the fuzzer
 * writes (tests/unit/worker_sim.h): the input's front drives the pushes,
 * reopens and checks, its back is what the fake plugin answers to each
 * write(), flush() and reopen() (OK, RETRY with any *done, FATAL, a status
 * outside the enum, drop() within and beyond *done).  Bit 6 of the first
 * byte puts a spool under the output.  The conservation law must hold at
 * rest after every check and after the stop, the plugin must see each
 * event once and in order, and nothing may crash, leak or hang. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/log.h"
#include "../unit/worker_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64], spool[96];

static void clear_spool(void)
{
	DIR *d = opendir(spool);
	struct dirent *de;
	char path[256];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", spool, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[1200];
	const char *bad;

	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/fuzz_worker.XXXXXX");
		if (!mkdtemp(root))
			abort();
		snprintf(spool, sizeof(spool), "%s/spool", root);
		log_set_level(LOG_LVL_ERR - 1);
	}
	if (size > 600)
		size = 600;	/* long schedules say no more, only slower */
	clear_spool();
	bad = sim_run(data, size, size && (data[0] & 0x40) ? spool : NULL, why, sizeof(why));
	if (bad) {
		fprintf(stderr, "fuzz_worker: %s\n", bad);
		abort();
	}
	return 0;
}
