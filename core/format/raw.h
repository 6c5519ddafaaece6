/* core/format/raw.h -- the raw format: the event's records as auditd writes
 * them, one string per record, inside a JSON object so that every sink (and
 * the plugin ABI's "one line of JSON" promise) keeps working:
 *
 *   {"serial":42,"time":"2023-11-14T22:13:20.123Z","node":"host",
 *    "records":["type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e ...", ...]}
 *
 * `jq -r '.records[]'` turns a stream of them back into an audit.log. */
#ifndef AS_FORMAT_RAW_H
#define AS_FORMAT_RAW_H

#include "pipeline/assemble.h"
#include "format/format.h"
#include "util/buf.h"
#include "format/enriched.h"

/* Appends the event's JSON to out.  x gives the node and the time cache. */
int format_raw(struct buf *out, const struct asm_event *ev, struct enrich *x);

#endif
