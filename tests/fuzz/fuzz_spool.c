/* tests/fuzz/fuzz_spool.c -- the spool reading back a damaged segment.
 *
 * The input says which events to append and then how to damage the segment
 * file (bytes changed, a cut).  The spool is opened again and read to the
 * end: it must not crash, leak or loop, must end empty, and must never hand
 * out more events than the file can hold.  (Content is not compared: a
 * fuzzer can forge a matching CRC, which a checksum is not meant to stop.) */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/event.h"
#include "util/log.h"
#include "output/spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void clear_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[128];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
}

/* Appends the events the input lists: a count, then length-prefixed JSON. */
static size_t write_events(const uint8_t *data, size_t size, size_t *used)
{
	struct spool_config cfg = { dir, 1 << 20, 0 };
	struct spool *s;
	size_t n = size ? data[0] % 32 : 0, off = 1, k;
	uint64_t lost = 0;

	if (spool_open(&s, &cfg, "fuzz") < 0)
		abort();
	for (k = 0; k < n && off < size; k++) {
		size_t len = data[off++] % 64;
		struct auditstream_event e = { sizeof(e), 0, k + 1, 0, (const char *)data + off, 0, "n" };
		if (len > size - off)
			len = size - off;
		e.json_len = len;
		spool_append(s, &e);
		off += len;
	}
	spool_flush(s, &lost);
	spool_close(s);
	*used = off < size ? off : size;
	return k;
}

/* The rest of the input: (offset, value) pairs; value 0 cuts the file. */
static void damage(const uint8_t *data, size_t size)
{
	char path[128];
	int fd;
	struct stat st;

	snprintf(path, sizeof(path), "%s/0000000000000001.seg", dir);
	if ((fd = open(path, O_RDWR)) < 0)
		return;
	for (size_t i = 0; i + 3 <= size && fstat(fd, &st) == 0 && st.st_size > 0; i += 3) {
		off_t at = (off_t)((data[i] << 8 | data[i + 1]) % st.st_size);
		uint8_t c;
		if (data[i + 2] == 0) {
			if (ftruncate(fd, at) < 0)
				abort();
		} else if (pread(fd, &c, 1, at) == 1) {
			c ^= data[i + 2];
			if (pwrite(fd, &c, 1, at) != 1)
				abort();
		}
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spool_config cfg = { dir, 1 << 20, 0 };
	struct spool *s;
	size_t used, written, got = 0;
	uint64_t corrupt = 0;

	if (!dir[0]) {
		log_set_level(LOG_LVL_ERR - 1);
		snprintf(dir, sizeof(dir), "/tmp/fuzz_spool.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	clear_dir();
	written = write_events(data, size, &used);
	damage(data + used, size - used);
	if (spool_open(&s, &cfg, "fuzz") < 0)
		abort();
	for (int round = 0; spool_bytes(s) > 0; round++) {
		struct event *ev[8];
		long n = spool_peek(s, ev, 8, "n", &corrupt);
		if (n < 0 || round > 1000)
			abort();	/* an I/O error on a tmp file, or no progress */
		for (long i = 0; i < n; i++)
			event_unref(ev[i]);
		spool_consume(s, (size_t)n);
		got += (size_t)n;
	}
	/* Every record, forged or not, takes a 32-byte header of a file that was
	 * 16 bytes of segment header plus 32 + len per event. */
	if (got * 32 > 16 + 32 * written + size)
		abort();
	spool_close(s);
	return 0;
}
