/* core/format/enrich_interp.h -- the interpretation that stands beside a field
 * in the enriched format, with the meaning libauparse (ausearch -i) gives
 * it: signals, capabilities, file modes, flag sets, syscall arguments, ...
 * Names come from enrich_tables.c; sets are JSON arrays ("A1":["O_WRONLY",
 * "O_CREAT"]), single names strings. */
#ifndef AS_ENRICH_INTERP_H
#define AS_ENRICH_INTERP_H

#include <stdint.h>

#include "format/enrich_args.h"
#include "format/enrich_fields.h"
#include "format/interp_kind.h"
#include "format/uidmap.h"
#include "util/buf.h"

/* What a record has shown so far that later fields' meaning depends on. */
struct rec_ctx {
	int type;			/* record type */
	int machine;			/* from arch=, -1 until seen */
	const char *sysname;		/* libaudit's name of syscall=, or NULL */
	const struct sys_args *args;	/* its a0..a3 meanings, or NULL */
	uint64_t a0, a1;
	struct uidmap *um;
	uint64_t now_sec;
};

/* Appends the JSON value interpreting f (ik: its interp_kind); returns 1,
 * or 0 when libauparse would show nothing more than the value itself (b
 * is then unchanged). */
int interp_value(struct buf *b, struct rec_ctx *c, const struct field *f, unsigned ik);

/* A capability set (cap_pp=, pe=, old_pp=, ...) after the caller wrote
 * ',"NAME' (the upper-case name, key not closed): appends '":["chown"]'
 * (the set's names, "cap_N" for bits no name is known for) or, for a set
 * holding more than half of the known capabilities and no unknown bit,
 * '_ALL_BUT":["sys_resource"]' (the known ones it lacks).  0 or -ENOMEM. */
int interp_cap_set(struct buf *b, const struct field *f);

/* exit=-2: "ENOENT(No such file or directory)" as ausearch; 0 if none. */
int interp_exit(struct buf *b, const struct field *f);

/* Value of a number as strtoull(s, NULL, base) reads it (leading digits). */
uint64_t field_num(const struct field *f, int base);

#endif
