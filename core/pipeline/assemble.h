/* core/pipeline/assemble.h -- group records into events by serial.
 *
 * An event completes on AUDIT_EOE, after `timeout_ms` without EOE (checked by
 * assembler_tick() from a timer), or -- for auditd text logs, which have no
 * EOE -- once more than `linger_records` records of other serials passed it.
 *
 * Records of types that usually stand alone (USER_*, CONFIG_CHANGE, AVC, ...)
 * complete after a short `single_grace_ms` instead of the full timeout: the
 * kernel sends them without EOE unless the syscall that caused them is also
 * audited, in which case SYSCALL ... EOE of the same serial follow at once
 * (seen in real captures: CONFIG_CHANGE, then SYSCALL, PROCTITLE, EOE).  Pending events are bounded by max_pending:
 * past it the oldest is completed early. */
#ifndef AS_ASSEMBLE_H
#define AS_ASSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/record.h"

struct asm_record {
	int type;
	uint32_t off;		/* into asm_event.text */
	uint32_t len;
};

struct asm_event {
	uint64_t serial;
	uint64_t sec;
	uint32_t ms;
	unsigned nrec;
	struct asm_record *recs;
	char *text;		/* record data, back to back, not NUL-terminated */
	size_t text_len;
	/* private to the assembler */
	unsigned rec_cap;
	size_t text_cap;
	uint64_t born_ms;
	uint64_t deadline_ms;
	uint64_t touched;	/* record counter at the last record added */
	struct asm_event *hnext, *prev, *next;
};

struct asm_config {
	unsigned timeout_ms;		/* 0: no timeout */
	unsigned single_grace_ms;	/* lone-record types; 0: same as timeout */
	unsigned linger_records;	/* 0: not used (netlink, which has EOE) */
	unsigned max_pending;
};

/* Called once per completed event; the event is reused after it returns. */
typedef void (*asm_emit_fn)(void *arg, const struct asm_event *ev);

struct assembler;

struct assembler *assembler_new(const struct asm_config *cfg, asm_emit_fn emit, void *arg);
void assembler_free(struct assembler *a);

/* Adds one record; may emit this event or others.  Returns 0 or -ENOMEM. */
int assembler_add(struct assembler *a, const struct record *r, uint64_t now_ms);

/* Completes the events older than the timeout. */
void assembler_tick(struct assembler *a, uint64_t now_ms);

/* Completes every pending event, oldest first (end of input, shutdown). */
void assembler_flush(struct assembler *a);

size_t assembler_pending(const struct assembler *a);

#endif
