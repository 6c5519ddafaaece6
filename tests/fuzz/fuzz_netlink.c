/* tests/fuzz/fuzz_netlink.c -- netlink datagrams as the reader handles them
 * (input_netlink.c on_msg): header check, status answers, record headers,
 * assembly across datagrams, every format.
 *
 * Input: a sequence of datagrams, each a 2-byte little-endian length and
 * that many bytes (header included, so nlmsg_len can lie). */
#include <linux/audit.h>
#include <stdint.h>

#include "fuzz_check.h"
#include "util/log.h"
#include "input/netlink/msg.h"
#include "pipeline/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	static struct fuzz_render r;
	struct asm_config cfg = { .timeout_ms = 2000, .single_grace_ms = 50, .max_pending = 8 };
	struct assembler *a;
	uint64_t now = 1000;
	char *dgram;

	if (!inited) {
		log_set_level(LOG_LVL_ERR - 1);
		fuzz_render_init(&r);
		inited = 1;
	}
	a = assembler_new(&cfg, fuzz_emit, &r);
	while (size >= 2) {
		size_t n = (size_t)data[0] | (size_t)data[1] << 8;
		const char *payload;
		struct record rec;
		int type;
		long len;

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		/* A copy of exactly n bytes, so ASan sees any read past the datagram. */
		dgram = malloc(n ? n : 1);
		memcpy(dgram, data, n);
		data += n;
		size -= n;
		len = nl_msg_parse(dgram, n, &type, &payload);
		if (len >= 0 && type == AUDIT_GET) {
			struct audit_status st;
			memset(&st, 0, sizeof(st));
			memcpy(&st, payload, (size_t)len < sizeof(st) ? (size_t)len : sizeof(st));
		} else if (len >= 0 && record_type_is_record(type) &&
			   record_parse_payload(type, payload, (size_t)len, &rec) == 0) {
			assembler_add(a, &rec, now);
		}
		free(dgram);
		now += 7;
		assembler_tick(a, now);
	}
	assembler_flush(a);
	assembler_free(a);
	return 0;
}
