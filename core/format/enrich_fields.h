/* core/format/enrich_fields.h -- reading an audit record's text: its name=value
 * fields, their quoting, and auditd's hex encoding of untrusted strings. */
#ifndef AS_ENRICH_FIELDS_H
#define AS_ENRICH_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct field {
	const char *name;	/* NULL for a bare word (no '='), e.g. AVC's "denied" */
	size_t nlen;
	const char *val;	/* without its quotes */
	size_t vlen;
	char quote;		/* '"', '\'' or 0 */
	char plain_name;	/* the name needs no JSON escaping */
};

/* The next field of s[0..n) from *pos on; returns 1, or 0 at the end. */
int field_next(const char *s, size_t n, size_t *pos, struct field *f);

/* Like field_next, but bare words that follow an unquoted value belong to it
 * ("text=hello from test" is one field): for USER records' msg='...'. */
int field_next_joined(const char *s, size_t n, size_t *pos, struct field *f);

/* Finds the field called name; returns 1 and fills *f, or 0. */
int field_find(const char *s, size_t n, const char *name, struct field *f);

static inline int field_is(const struct field *f, const char *name, size_t len)
{
	return f->name && f->nlen == len && memcmp(f->name, name, len) == 0;
}
#define FIELD_IS(f, lit) field_is((f), (lit), sizeof(lit) - 1)

/* 1 if the C string lit equals name[0..len), without strlen(lit) (name
 * lists are scanned once per field: strlen showed 5% in the profile). */
static inline int name_is(const char *lit, const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lit[i] == '\0' || lit[i] != name[i])
			return 0;
	return lit[len] == '\0';
}

/* A hex digit's value + 1 for each byte; 0 for other bytes. */
extern const uint8_t field_hex1[256];

/* 1 if s[0..n) is a non-empty, even run of hex digits. */
int enrich_is_hex(const char *s, size_t n);
/* Appends the bytes that the hex text s[0..n) encodes; enrich_is_hex() must hold. */
int enrich_hex_decode(struct buf *out, const char *s, size_t n);
/* Appends the bytes s[0..n) encodes if it enrich_is_hex(); returns 1 if it did,
 * 0 if s is not hex (out unchanged), -1 if out of memory.  One pass. */
int enrich_hex_decode_if(struct buf *out, const char *s, size_t n);

/* 1 if s[0..n) is a JSON-safe decimal integer: -?(0|[1-9][0-9]{0,18}). */
int is_decimal(const char *s, size_t n);
/* Value of a decimal (is_decimal), or of hex if base is 16; 0 on error. */
int64_t field_int(const char *s, size_t n, int base);

/* Unquoted hex in a field auditd encodes (name, comm, exe, proctitle, ...),
 * or its own quoted text: the string the field stands for, into out
 * (out is cleared first).  Returns 1 if it was decoded from hex. */
int field_string(const struct field *f, struct buf *out);

/* 1 for the fields auditd writes hex-encoded when they hold unusual bytes. */
int field_is_encoded(const char *name, size_t len);

/* What the enriched format does with a field, by its name: one hash probe
 * instead of scanning five name lists per field (they were ~10% of the
 * enriched replay). */
enum {
	FK_ENCODED = 1 << 0,	/* hex-encoded by auditd when unusual */
	FK_STRING = 1 << 1,	/* looks decimal but is hex or a mask */
	FK_UID = 1 << 2,
	FK_GID = 1 << 3,
	FK_SES = 1 << 4,
	FK_ARCH = 1 << 5,
	FK_SYSCALL = 1 << 6,
	FK_EXIT = 1 << 7,
	FK_MSG = 1 << 8,
	FK_SADDR = 1 << 9,
	FK_PROCTITLE = 1 << 10,
	FK_PID = 1 << 11,	/* the process: its cgroup and container */
	FK_PPID = 1 << 12,
};
/* Bits FK_IK_SHIFT and up: the field's enum interp_kind (interp_kind.h). */
#define FK_IK_SHIFT 16
unsigned field_kind(const char *name, size_t len);

#endif
