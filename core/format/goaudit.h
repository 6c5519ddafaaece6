/* core/format/goaudit.h -- go-audit's JSON shape, so its consumers keep working:
 * {"sequence":N,"timestamp":"S.MMM","messages":[{"type":T,"data":"..."}],"uid_map":{...}} */
#ifndef AS_FORMAT_GOAUDIT_H
#define AS_FORMAT_GOAUDIT_H

#include "pipeline/assemble.h"
#include "format/format.h"
#include "util/buf.h"
#include "format/uidmap.h"

/* Appends the event's JSON to out.  Returns 0 or -ENOMEM. */
int format_goaudit(struct buf *out, const struct asm_event *ev, struct uidmap *um, uint64_t now_sec);

/* The same with, when cc is not NULL (config goaudit_container), the
 * event's process: ,"container":{"pid":N,"cgroup":"...","runtime":"...",
 * "id":"..."} for events read live. */
struct container_cache;
int format_goaudit_ext(struct buf *out, const struct asm_event *ev, struct uidmap *um,
		       struct container_cache *cc, uint64_t now_sec);

#endif
