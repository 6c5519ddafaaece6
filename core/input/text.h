/* core/input/text.h -- auditd's text format, a block at a time: what the
 * replay and follow inputs share.  Splits whole lines, parses each into a
 * record and hands it to the pipeline; an incomplete last line waits for
 * the next read.  Knows the input offset of every line, for follow's
 * saved position. */
#ifndef AS_INPUT_TEXT_H
#define AS_INPUT_TEXT_H

#include <stdint.h>
#include <sys/types.h>

#include "pipeline/pipeline.h"
#include "pipeline/record.h"

struct text_input {
	struct pipeline *p;
	const char *path;	/* for messages */
	uint64_t lineno;
	uint64_t pos;		/* the input's offset of buf[0] */
	char *buf;
	size_t len, cap;
	int skipping;		/* inside an over-long line */
	struct record_hdr hdr;	/* the last record's header */
	/* NULL, or sees each parsed record first, with the offset where its
	 * line starts: returns 0 to pass it to the pipeline, 1 to skip it. */
	int (*check)(void *arg, const struct record *r, uint64_t off);
	void *arg;
};

int text_init(struct text_input *t, struct pipeline *p, const char *path);
void text_free(struct text_input *t);

/* One read(2) of fd, then every whole line in the buffer.  Returns the
 * bytes read, 0 at the end of the file, -EAGAIN (a non-blocking fd with
 * nothing yet), or -errno (logged). */
ssize_t text_read(struct text_input *t, int fd);

/* The end of the input: a last line without '\n' is a line too. */
void text_finish(struct text_input *t);

/* Forgets any incomplete line: the input goes on at offset pos (another
 * file, or the same one truncated). */
void text_restart(struct text_input *t, uint64_t pos);

/* The offset just after the last whole line handled. */
static inline uint64_t text_offset(const struct text_input *t)
{
	return t->pos;
}

#endif
