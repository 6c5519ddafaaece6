/* core/format/format.h -- the one interface every output format implements,
 * and the table of them.  The pipeline renders an event once per format that
 * some output uses; adding a format is one file and one row in format.c. */
#ifndef AS_FORMAT_H
#define AS_FORMAT_H

#include <stdint.h>

#include "format/uidmap.h"
#include "pipeline/assemble.h"
#include "util/buf.h"

/* What every format's scratch may use; owned by the pipeline. */
struct format_env {
	struct uidmap *uidmap;	/* cached uid/gid names */
	const char *node;	/* the node name outputs see */
	int goaudit_container;	/* config goaudit_container */
};

struct format {
	const char *name;	/* as written in an output's `format` key */
	/* Scratch reused from event to event on the reader thread; NULL on ENOMEM. */
	void *(*scratch_new)(const struct format_env *env);
	void (*scratch_free)(void *scratch);
	/* Appends ev's JSON to out.  now_sec: the wall clock, read once per event.
	 * Returns 0 or -ENOMEM. */
	int (*render)(struct buf *out, const struct asm_event *ev, void *scratch, uint64_t now_sec);
	/* Rendering is worth a hand-off: a replay renders the format on helper
	 * threads (bench/RESULTS.md, issue 18: on 2 idle CPUs goaudit 1.12x,
	 * raw 1.25x, enriched 1.3x faster with one).  A format whose rendering
	 * costs less than the copy into the ring would leave it 0. */
	int parallel;
	/* Looks up the process of a fresh event in /proc (its cgroup): the
	 * input must not wait before reading (input.coalesce_ms), or short-lived
	 * processes are gone by then. */
	int reads_processes;
};

#define FORMAT_MAX 8	/* room in the pipeline's per-event cache */

/* The table, in the order formats are listed in errors; index 0 is the default. */
extern const struct format *const formats[];
extern const unsigned format_count;

/* The index of the format called name, or -1. */
int format_find(const char *name);
/* "goaudit, enriched, raw": for error messages. */
const char *format_list(void);

/* The formats (one file each). */
extern const struct format format_goaudit_def, format_enriched_def, format_raw_def;

#endif
