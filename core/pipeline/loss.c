/* core/pipeline/loss.c -- build loss events; rare, so plain snprintf is fine here. */
#include "pipeline/loss.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "format/json.h"

struct event *loss_event(const struct loss *l, const char *node)
{
	struct buf b = { 0 };
	struct timespec ts;
	struct event *e = NULL;
	char tmp[160];
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	buf_adds(&b, "{\"type\":\"auditstream_loss\",\"reason\":");
	json_add_string(&b, l->reason, strlen(l->reason));
	snprintf(tmp, sizeof(tmp), ",\"count\":%llu,\"timestamp\":\"%lld.%03ld\"",
		 (unsigned long long)l->count, (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	buf_add(&b, tmp, strlen(tmp));
	if (l->first_serial) {
		snprintf(tmp, sizeof(tmp), ",\"first_serial\":%llu,\"last_serial\":%llu",
			 (unsigned long long)l->first_serial, (unsigned long long)l->last_serial);
		buf_add(&b, tmp, strlen(tmp));
	}
	if (l->output) {
		buf_adds(&b, ",\"output\":");
		json_add_string(&b, l->output, strlen(l->output));
	}
	buf_adds(&b, ",\"node\":");
	json_add_string(&b, node, strlen(node));
	if (buf_addc(&b, '}') == 0)
		e = event_new(b.p, b.len, l->last_serial, ns, AUDITSTREAM_EVENT_LOSS, node);
	buf_free(&b);
	return e;
}
