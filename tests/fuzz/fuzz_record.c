/* tests/fuzz/fuzz_record.c -- auditd text lines (the replay input): record
 * parsing, assembly without EOE (lingering), every format. */
#include <stdint.h>

#include "fuzz_check.h"
#include "util/log.h"
#include "pipeline/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	static struct fuzz_render r;
	struct asm_config cfg = { .timeout_ms = 0, .linger_records = 4, .max_pending = 16 };
	struct assembler *a;
	const char *p = (const char *)data, *end = p + size;

	if (!inited) {
		log_set_level(LOG_LVL_ERR - 1);
		fuzz_render_init(&r);
		inited = 1;
	}
	a = assembler_new(&cfg, fuzz_emit, &r);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		char *line = malloc(n ? n : 1);	/* exact size: ASan sees overreads */
		struct record rec;

		memcpy(line, p, n);
		if (record_parse_line(line, n, &rec) == 0)
			assembler_add(a, &rec, 0);
		free(line);		/* the assembler copied what it keeps */
		p += n;
	}
	assembler_flush(a);
	assembler_free(a);
	return 0;
}
