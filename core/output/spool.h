/* core/output/spool.h -- one output's durable spool: append-only segment files.
 *
 * When an output is down or its queue fills, its worker moves events here
 * instead of dropping them, and feeds the output from the spool's head once
 * it is back, in order.  Segments survive a restart or kill -9; a cursor file
 * says how far delivery got, so at most the batch in flight is sent twice.
 * Each record carries a CRC: damaged or truncated stretches are skipped and
 * counted, never delivered.
 *
 * On disk, in the spool's directory (one per output, locked with flock):
 *   NNNNNNNNNNNNNNNN.seg  segment: 16-byte header, then records
 *   cursor                segment number and offset of the next undelivered record
 *
 * Only the output's worker thread calls these functions. */
#ifndef AS_SPOOL_H
#define AS_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/event.h"

struct spool_config {
	const char *dir;	/* NULL: not spooled */
	uint64_t max_bytes;	/* on disk, all segments */
	int fsync;		/* fdatasync after each append batch and cursor move */
};

struct spool;

/* Opens (creating it if needed) and locks the directory, finds what a
 * previous run left undelivered.  Logs the reason and returns -errno on
 * failure. */
int spool_open(struct spool **out, const struct spool_config *cfg, const char *output);
/* Writes what is buffered and closes; files stay for the next start. */
void spool_close(struct spool *s);

/* Buffers e at the tail.  -ENOSPC: max_bytes reached, e was not kept. */
int spool_append(struct spool *s, const struct auditstream_event *e);
/* Writes the buffered records.  On a write error the buffered records are
 * lost: returns -errno and adds their number to *lost. */
int spool_flush(struct spool *s, uint64_t *lost);

/* Events lost in damaged stretches since the last call (a stretch's
 * records are counted by their headers; a cut-short one held none). */
uint64_t spool_take_lost(struct spool *s);

/* Events in the spool (written or buffered) and their bytes on disk. */
uint64_t spool_events(const struct spool *s);
uint64_t spool_bytes(const struct spool *s);

/* Reads up to max events from the head (after spool_flush) without taking
 * them; returns how many (0: nothing written is left) or -errno.  Damaged
 * stretches found on the way are skipped at once and counted in *corrupt. */
long spool_peek(struct spool *s, struct event **out, size_t max, const char *node,
		uint64_t *corrupt);
/* The first n events of the last peek were delivered: move the head. */
int spool_consume(struct spool *s, size_t n);

#endif
