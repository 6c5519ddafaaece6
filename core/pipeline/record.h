/* core/pipeline/record.h -- one audit record: "audit(SEC.MS:SERIAL): data". */
#ifndef AS_RECORD_H
#define AS_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* The kernel's limit for one record (MAX_AUDIT_MESSAGE_LENGTH). */
#define RECORD_MAX_LEN 8970

struct record {
	int type;		/* AUDIT_* message type */
	uint64_t serial;
	uint64_t sec;		/* event time: seconds ... */
	uint32_t ms;		/* ... and milliseconds */
	const char *data;	/* the text after "): ", borrowed from the input */
	size_t len;
};

/*
 * Parses a netlink record's payload (not NUL-terminated).  Returns 0, or
 * -EINVAL when the payload has no valid audit(...) header.
 */
int record_parse_payload(int type, const char *buf, size_t len, struct record *r);

/*
 * Parses one line of auditd's text log:
 *   [node=NAME ]type=NAME msg=audit(SEC.MS:SERIAL): data
 * The line may end in '\n'; auditd's ENRICHED suffix (from the 0x1d byte on)
 * is not part of what the kernel sent and is cut.  Returns 0 or -EINVAL.
 */
int record_parse_line(const char *line, size_t len, struct record *r);

/* The header of the last record a reader parsed ("audit(SEC.MS:SERIAL)"),
 * to read the next one's by comparing bytes: the records of one event share
 * it, and parsing its three numbers was 10 % of a goaudit replay's
 * instructions.  Zero it to start. */
struct record_hdr {
	uint64_t sec, serial;
	uint32_t ms;
	uint8_t len;		/* of text; 0: none kept */
	char text[47];
};

/* record_parse_line for a line whose ENRICHED suffix the caller has cut
 * already (the replay finds 0x1d bytes a block at a time).  last: NULL, or
 * the header cache of the caller's stream (read and updated). */
int record_parse_text(const char *line, size_t len, struct record *r, struct record_hdr *last);

/* 1 for message types that carry an audit record, 0 for netlink control
 * traffic (AUDIT_GET answers, ACKs, AUDIT_REPLACE). */
int record_type_is_record(int type);

/* Types that usually make a whole event alone (no EOE follows). */
int record_type_is_single(int type);

/* DAEMON_* records: written by auditd itself, numbered by auditd. */
int record_type_is_daemon(int type);

#endif
