/* core/util/buf.h -- a growable byte buffer, reused across events so the hot path
 * stops allocating once it has seen its largest event. */
#ifndef AS_BUF_H
#define AS_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

/* Makes room for n more bytes; returns 0 or -ENOMEM. */
int buf_reserve(struct buf *b, size_t n);

/* buf_reserve with the common case (room already there) inline: the hot
 * path reserves once per field. */
static inline int buf_room(struct buf *b, size_t n)
{
	return b->cap - b->len >= n ? 0 : buf_reserve(b, n);
}
void buf_free(struct buf *b);

static inline int buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->cap - b->len < n && buf_reserve(b, n) < 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static inline int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

#define buf_adds(b, lit) buf_add((b), (lit), sizeof(lit) - 1)

/* Appends the decimal form of v. */
int buf_add_u64(struct buf *b, unsigned long long v);

#endif
