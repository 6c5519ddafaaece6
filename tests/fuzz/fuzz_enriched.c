/* tests/fuzz/fuzz_enriched.c -- the field decoder behind the enriched format
 * (hex strings, EXECVE arguments, sockaddr, names, ids), fed events built
 * directly so no header parsing stands in the way.
 *
 * Input: records, one a line: a type-selector byte, then the record's data. */
#include <libaudit.h>
#include <stdint.h>

#include "fuzz_check.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int types[] = {
	AUDIT_SYSCALL, AUDIT_EXECVE, AUDIT_PATH, AUDIT_PROCTITLE, AUDIT_SOCKADDR,
	AUDIT_CWD, AUDIT_EOE, AUDIT_USER_LOGIN, AUDIT_USER_CMD, AUDIT_AVC,
	AUDIT_CONFIG_CHANGE, AUDIT_SOCKETCALL, AUDIT_MMAP, AUDIT_FD_PAIR,
	AUDIT_NETFILTER_PKT, AUDIT_SECCOMP, AUDIT_ANOM_ABEND, AUDIT_KERNEL,
	AUDIT_LOGIN, AUDIT_USER_AUTH, AUDIT_BPF, AUDIT_OBJ_PID, AUDIT_TTY,
	AUDIT_USER_TTY, AUDIT_INTEGRITY_RULE, AUDIT_USER, 0, 9999, 65535,
};

#define MAX_RECS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	static struct fuzz_render r;
	struct asm_record recs[MAX_RECS];
	struct asm_event ev;
	const char *p = (const char *)data, *end = p + size;
	char *text;

	if (!inited) {
		log_set_level(LOG_LVL_ERR - 1);
		fuzz_render_init(&r);
		inited = 1;
	}
	if (size > 1 << 16)
		return 0;
	/* A copy of exactly the record bytes (selectors and newlines dropped). */
	text = malloc(size ? size : 1);
	memset(&ev, 0, sizeof(ev));
	ev.serial = 42;
	ev.sec = 1700000000;
	ev.ms = 123;
	ev.recs = recs;
	ev.text = text;
	while (p < end && ev.nrec < MAX_RECS) {
		const char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		size_t n = nl ? (size_t)(nl - p - 1) : (size_t)(end - p - 1);
		struct asm_record *rec = &recs[ev.nrec++];

		rec->type = types[(unsigned char)*p % (sizeof(types) / sizeof(types[0]))];
		rec->off = (uint32_t)ev.text_len;
		rec->len = (uint32_t)n;
		memcpy(text + ev.text_len, p + 1, n);
		ev.text_len += n;
		p += n + 1 + (nl != NULL);
	}
	/* Shrink to the bytes used so ASan catches reads past the last record. */
	if (ev.text_len) {
		char *t = malloc(ev.text_len);
		memcpy(t, text, ev.text_len);
		free(text);
		ev.text = text = t;
	}
	fuzz_render_event(&r, &ev);
	free(text);
	return 0;
}
