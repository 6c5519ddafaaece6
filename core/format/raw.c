/* core/format/raw.c -- the raw format (see format_raw.h). */
#include "format/raw.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format/enrich_names.h"
#include "format/json.h"

int format_raw(struct buf *b, const struct asm_event *ev, struct enrich *x)
{
	char head[96], tmp[24];
	size_t node_len = strlen(x->node);

	if (buf_reserve(b, ev->text_len * 6 + ev->nrec * 200 + node_len * 6 + 128) < 0)
		return -ENOMEM;
	enrich_add_head(x, b, ev, node_len);
	buf_adds(b, ",\"records\":[");
	for (unsigned i = 0; i < ev->nrec; i++) {
		const struct asm_record *r = &ev->recs[i];
		int n = snprintf(head, sizeof(head), "type=%s msg=audit(%llu.%03u:%llu): ",
				 msg_type_name(r->type, tmp), (unsigned long long)ev->sec, ev->ms,
				 (unsigned long long)ev->serial);
		if (i)
			buf_addc(b, ',');
		/* One string: the header is plain ASCII, so escape it with the data. */
		x->tmp.len = 0;
		if (buf_add(&x->tmp, head, (size_t)n) < 0 || buf_add(&x->tmp, ev->text + r->off, r->len) < 0)
			return -ENOMEM;
		json_add_string(b, x->tmp.p, x->tmp.len);
	}
	buf_adds(b, "]}");
	return 0;
}

static int raw_render(struct buf *out, const struct asm_event *ev, void *scratch, uint64_t now_sec)
{
	(void)now_sec;
	return format_raw(out, ev, scratch);
}

const struct format format_raw_def = {
	.parallel = 1,
	.name = "raw",
	.scratch_new = enrich_scratch_new,
	.scratch_free = enrich_scratch_free,
	.render = raw_render,
};
